// HTML pages of the accounts module: register, verify, log in/out, reset and change password,
// profile with API tokens.
#include "accounts/auth.hpp"
#include "accounts/middleware.hpp"
#include "accounts/routes.hpp"
#include "accounts/safe_redirect.hpp"
#include "core/clock.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "render/qr.hpp"

namespace govhub::accounts {
namespace {

using http::Request;
using http::Response;
using render::View;

constexpr int kSessionMaxAge = 14 * 86400;

struct Pages {
    AccountService& service;
    const render::PageRenderer& pages;
    std::vector<ProfileExtension> extensions;

    Response Page(const Request& req, const std::string& tmpl, View view, const std::string& title,
                  int status = 200) const {
        return Response::Html(pages.Render(tmpl, std::move(view), PageContextOf(req), title),
                              status);
    }

    Response FormError(const Request& req, const std::string& tmpl, View view, const Errors& errors,
                       const std::string& title, int status = 422) const {
        pages.AddErrors(view, errors.fields, req.locale);
        return Page(req, tmpl, std::move(view), title, status);
    }

    // Only paths on this site are followed after login; else the profile (empty).
    static std::string SafeNext(const std::string& next) { return SafeRedirect(next, ""); }
    // "next" only when there is one: an empty string still opens a template's {{#next}}
    // section (the register form's hidden input, the login page's "?next=").
    static View& SetNext(View& v, const std::string& next) {
        return next.empty() ? v : v.Set("next", next);
    }

    // The login form's answer to an error: 401 for a wrong name or password, 423 while the name
    // (or the account's second step) is locked, 403 for what the right password reveals.
    static int LoginStatus(const std::string& why) {
        if (why == "login.invalid" || why == "login.second_step_expired") return 401;
        if (core::StartsWith(why, "@login.locked") ||
            core::StartsWith(why, "@login.second_step_locked"))
            return 423;
        return 403;
    }

    std::string Date(const std::string& iso, const std::string& locale) const {
        int64_t us = core::ParseIsoMicros(iso);
        return us < 0 ? "" : core::FormatDate(us, locale, true);
    }

    // ---- register / verify
    Response RegisterForm(Request& req) const {
        if (CurrentUser(req)) return Response::Redirect("/user/me");
        View v;
        SetNext(v, SafeNext(req.Query("next")));
        return Page(req, "accounts/register", std::move(v), "register.title");
    }

    Response Register(Request& req) const {
        RegisterInput in{req.FormValue("name"),
                         req.FormValue("email"),
                         req.FormValue("password"),
                         req.FormValue("password_confirm"),
                         req.FormValue("fullname_th"),
                         req.FormValue("fullname_en"),
                         req.locale,
                         SafeNext(req.FormValue("next"))};
        auto result = service.Register(in, CallerOf(req));
        View v;
        v.Set("name", in.name)
            .Set("email", in.email)
            .Set("fullname_th", in.fullname_th)
            .Set("fullname_en", in.fullname_en);
        SetNext(v, in.next);
        if (!result)
            return FormError(req, "accounts/register", std::move(v), result.errors(),
                             "register.title");
        v.Set("email", result->email);
        return Page(req, "accounts/registered", std::move(v), "register.done_title", 201);
    }

    Response Verify(Request& req) const {
        auto result = service.VerifyEmail(req.Query("token"), CallerOf(req));
        View v;
        if (!result) {
            v.Set("message", pages.T(req.locale, result.errors().fields.front().message));
            return Page(req, "accounts/verify_failed", std::move(v), "verify.failed_title", 400);
        }
        SetNext(v.Set("name", result->name), SafeNext(req.Query("next")));
        return Page(req, "accounts/verified", std::move(v), "verify.done_title");
    }

    Response ResendForm(Request& req) const {
        return Page(req, "accounts/resend", View(), "verify.resend_title");
    }

    Response Resend(Request& req) const {
        service.ResendVerification(req.FormValue("email"), CallerOf(req));
        View v;
        v.Set("sent", true);
        return Page(req, "accounts/resend", std::move(v), "verify.resend_title");
    }

    // ---- login / logout
    Response LoginForm(Request& req) const {
        if (CurrentUser(req)) return Response::Redirect("/user/me");
        View v;
        std::string next = SafeNext(req.Query("next"));
        SetNext(v, next);
        // Sent here from a page that needs an account: say that signing in leads on (not the
        // raw path; the form's `next` takes the person there).
        if (!next.empty()) v.Set("to_continue", pages.T(req.locale, "login.to_continue"));
        return Page(req, "accounts/login", std::move(v), "login.title");
    }

    Response Login(Request& req) const {
        std::string login = req.FormValue("login");
        std::string next = SafeNext(req.FormValue("next"));
        auto result = service.Login(login, req.FormValue("password"), CallerOf(req));
        if (!result) {
            View v;
            v.Set("login", login).Set("next", next);
            const std::string& why = result.errors().fields.front().message;
            v.Set("show_resend", why == "login.pending");
            return FormError(req, "accounts/login", std::move(v), result.errors(), "login.title",
                             LoginStatus(why));
        }
        if (!result->second_step_ticket.empty()) {
            View v;
            v.Set("ticket", result->second_step_ticket).Set("next", next);
            return Page(req, "accounts/login_code", std::move(v), "login.code_title");
        }
        return SignedIn(req, result.value(), next);
    }

    Response SignedIn(const Request& req, const LoginResult& result,
                      const std::string& next) const {
        const Principal& p = result.principal;
        Response res = Response::Redirect(p.must_change_password       ? "/user/password"
                                          : p.must_enrol_second_factor ? "/user/2fa"
                                          : !next.empty()              ? next
                                                                       : "/user/" + p.name);
        res.SetCookie(kSessionCookie, result.session_token,
                      {.max_age = kSessionMaxAge, .secure = req.secure});
        return res;
    }

    // The login's second step: the code from the app (or a recovery code).
    Response LoginCode(Request& req) const {
        std::string ticket = req.FormValue("ticket");
        std::string next = SafeNext(req.FormValue("next"));
        auto result = service.CompleteLogin(ticket, req.FormValue("code"), CallerOf(req));
        if (result) return SignedIn(req, result.value(), next);
        const auto& first = result.errors().fields.front();
        View v;
        v.Set("next", next);
        if (first.field.empty())  // expired or locked: the password again
            return FormError(req, "accounts/login", std::move(v), result.errors(), "login.title",
                             LoginStatus(first.message));
        v.Set("ticket", ticket);
        return FormError(req, "accounts/login_code", std::move(v), result.errors(),
                         "login.code_title", 401);
    }

    // ---- two-factor authentication on one's own account
    Response SecondFactorPage(Request& req, const std::vector<std::string>& new_codes = {},
                              const Errors* errors = nullptr) const {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        SecondFactorStatus s = service.SecondFactor(*p);
        View v;
        v.Set("enabled", s.enabled).Set("required", s.required);
        v.Set("forced", p->must_enrol_second_factor && !s.enabled);
        v.Set("recovery_left", s.recovery_codes_left);
        v.Set("disabled_now", req.Query("disabled") == "1");
        if (!s.enabled) {
            std::string grouped;
            for (size_t i = 0; i < s.secret_base32.size(); i += 4)
                grouped += (i ? " " : "") + s.secret_base32.substr(i, 4);
            v.Set("secret", grouped);
            v.Set("qr", render::QrSvg(s.uri, 200, pages.T(req.locale, "totp.qr_label")));
        }
        View codes = View::List();
        for (const auto& c : new_codes) {
            View item;
            item.Set("code", c);
            codes.Push(std::move(item));
        }
        v.Set("has_new_codes", !new_codes.empty()).Set("new_codes", std::move(codes));
        if (errors) {
            pages.AddErrors(v, errors->fields, req.locale);
            return Page(req, "accounts/second_factor", std::move(v), "totp.title", 422);
        }
        return Page(req, "accounts/second_factor", std::move(v), "totp.title");
    }

    Response SecondFactorForm(Request& req) const { return SecondFactorPage(req); }

    // A step that takes a code and answers with new recovery codes (turning it on, new codes).
    using CodesStep = Result<std::vector<std::string>> (AccountService::*)(const Principal&,
                                                                           const std::string&,
                                                                           const Caller&);
    Response IssueCodes(Request& req, CodesStep step) const {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        auto result = (service.*step)(*p, req.FormValue("code"), CallerOf(req));
        if (!result) return SecondFactorPage(req, {}, &result.errors());
        return SecondFactorPage(req, result.value());
    }
    Response EnableSecondFactor(Request& req) const {
        return IssueCodes(req, &AccountService::EnableSecondFactor);
    }
    Response NewRecoveryCodes(Request& req) const {
        return IssueCodes(req, &AccountService::NewRecoveryCodes);
    }

    Response DisableSecondFactor(Request& req) const {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        Errors errors = service.DisableSecondFactor(*p, req.FormValue("password"),
                                                    req.FormValue("code"), CallerOf(req));
        if (!errors.empty()) return SecondFactorPage(req, {}, &errors);
        return Response::Redirect("/user/2fa?disabled=1");
    }

    Response Logout(Request& req) const {
        if (const Principal* p = CurrentUser(req)) service.Logout(*p, CallerOf(req));
        Response res = Response::Redirect("/");
        res.SetCookie(kSessionCookie, "", {.max_age = 0, .secure = req.secure});
        return res;
    }

    // ---- password reset (forgotten) and change
    Response ResetForm(Request& req) const {
        return Page(req, "accounts/reset_request", View(), "reset.title");
    }

    Response ResetRequest(Request& req) const {
        std::string email = req.FormValue("email");
        if (!IsValidEmail(core::ToLower(core::Trim(email)))) {
            Errors e;
            e.Add("email", "register.email_invalid");
            View v;
            v.Set("email", email);
            return FormError(req, "accounts/reset_request", std::move(v), e, "reset.title");
        }
        service.RequestPasswordReset(email, CallerOf(req));
        View v;
        v.Set("sent", true);
        return Page(req, "accounts/reset_request", std::move(v), "reset.title");
    }

    Response ResetConfirmForm(Request& req) const {
        std::string token = req.Query("token");
        View v;
        if (!service.ResetTokenValid(token)) {
            v.Set("message", pages.T(req.locale, "reset.link_invalid"));
            return Page(req, "accounts/reset_failed", std::move(v), "reset.title", 400);
        }
        v.Set("token", token).Set("revoke_tokens", true);
        return Page(req, "accounts/reset_confirm", std::move(v), "reset.title");
    }

    // The "also revoke my API tokens" box: a form that shows it sends tokens_choice=1, so an
    // unticked box means keep; a post without the form's marker gets `by_default`.
    static bool RevokeTokensChosen(const Request& req, bool by_default) {
        if (req.FormValue("tokens_choice") != "1") return by_default;
        return req.FormValue("revoke_tokens") == "1";
    }

    Response ResetConfirm(Request& req) const {
        std::string token = req.FormValue("token");
        auto result = service.ResetPassword(token, req.FormValue("password"),
                                            req.FormValue("password_confirm"), CallerOf(req),
                                            RevokeTokensChosen(req, true));
        View v;
        if (!result) {
            const auto& first = result.errors().fields.front();
            if (first.field == "token") {
                v.Set("message", pages.T(req.locale, first.message));
                return Page(req, "accounts/reset_failed", std::move(v), "reset.title", 400);
            }
            v.Set("token", token).Set("revoke_tokens", RevokeTokensChosen(req, true));
            return FormError(req, "accounts/reset_confirm", std::move(v), result.errors(),
                             "reset.title");
        }
        v.Set("done", true);
        return Page(req, "accounts/reset_done", std::move(v), "reset.title");
    }

    Response ChangeForm(Request& req) const {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        View v;
        v.Set("forced", p->must_change_password);
        return Page(req, "accounts/change_password", std::move(v), "password.change_title");
    }

    Response Change(Request& req) const {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        auto result = service.ChangePassword(
            *p, req.FormValue("current_password"), req.FormValue("password"),
            req.FormValue("password_confirm"), CallerOf(req), RevokeTokensChosen(req, false));
        if (!result) {
            View v;
            v.Set("forced", p->must_change_password);
            v.Set("revoke_tokens", RevokeTokensChosen(req, false));
            return FormError(req, "accounts/change_password", std::move(v), result.errors(),
                             "password.change_title");
        }
        return Response::Redirect("/user/" + p->name + "?changed=1");
    }

    // ---- profile and API tokens
    Response Me(Request& req) const {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        return Response::Redirect("/user/" + p->name);
    }

    Response Profile(Request& req, const std::string& new_token = {},
                     const std::string& new_token_name = {}, const Errors* errors = nullptr) const {
        const Principal* viewer = CurrentUser(req);
        auto u = service.ViewUser(std::string(req.PathParam("name")), viewer);
        if (!u) throw HttpError::NotFound("error.user_not_found");
        bool personal = CanSeePersonalData(viewer, u->id);
        bool tokens = CanManageTokens(viewer, u->id);
        View v;
        v.Set("name", u->name)
            .Set("fullname_th", u->fullname_th)
            .Set("fullname_en", u->fullname_en);
        v.Set("profile_name", u->name);
        v.Set("display_name", u->DisplayName(req.locale));
        v.Set("member_since", Date(u->created, req.locale));
        v.Set("personal", personal).Set("manage", tokens);
        v.Set("own", viewer && viewer->user_id == u->id).Set("totp_enabled", u->totp_enabled);
        v.Set("changed", req.Query("changed") == "1");
        if (personal) {
            v.Set("email", u->email);
            v.Set("state", pages.T(req.locale, std::string("state.") + ToString(u->state)));
            v.Set("sysadmin", u->sysadmin);
        }
        if (tokens) {
            View list = View::List();
            for (const auto& t : service.ListApiTokens(*viewer, u->id)) {
                View item;
                item.Set("id", t.id)
                    .Set("name", t.name)
                    .Set("created", Date(t.created, req.locale));
                item.Set("last_used", t.last_used.empty() ? pages.T(req.locale, "token.never_used")
                                                          : Date(t.last_used, req.locale));
                list.Push(std::move(item));
            }
            v.Set("has_tokens", !list.items().empty());
            v.Set("tokens", std::move(list));
            if (!new_token.empty())
                v.Set("new_token", new_token).Set("new_token_name", new_token_name);
        }
        for (const auto& extend : extensions) extend(req, *u, viewer, v);
        if (errors) {
            pages.AddErrors(v, errors->fields, req.locale);
            return Page(req, "accounts/profile", std::move(v), u->DisplayName(req.locale), 422);
        }
        return Page(req, "accounts/profile", std::move(v), u->DisplayName(req.locale));
    }

    Response CreateToken(Request& req) const {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        std::string name = req.FormValue("token_name");
        try {
            auto created =
                service.CreateApiToken(*p, std::string(req.PathParam("name")), name, CallerOf(req));
            return Profile(req, created.raw, created.token.name);
        } catch (const HttpError& e) {
            if (e.status() != 409) throw;
            Errors errors;
            errors.fields = e.fields();
            return Profile(req, {}, {}, &errors);
        }
    }

    Response RevokeToken(Request& req) const {
        const Principal* p = CurrentUser(req);
        api::RequireUser(p);
        service.RevokeApiToken(*p, std::string(req.PathParam("id")), CallerOf(req));
        return Response::Redirect("/user/" + std::string(req.PathParam("name")));
    }
};

}  // namespace

void RegisterPages(http::Router& r, AccountService& service, const render::PageRenderer& renderer,
                   PageExtensions extensions) {
    auto pages = std::make_shared<Pages>(Pages{service, renderer, std::move(extensions.profile)});
    auto bind = [pages](Response (Pages::*fn)(Request&) const) {
        return [pages, fn](Request& req) { return ((*pages).*fn)(req); };
    };
    http::RouteOptions form{.body_limit = 64 * 1024, .rate_limit = "form"};
    http::RouteOptions login{.body_limit = 16 * 1024, .rate_limit = "login"};
    r.Get("/user/register", bind(&Pages::RegisterForm));
    r.Post("/user/register", bind(&Pages::Register), form);
    r.Get("/user/verify", bind(&Pages::Verify));
    r.Get("/user/verify/resend", bind(&Pages::ResendForm));
    r.Post("/user/verify/resend", bind(&Pages::Resend), form);
    r.Get("/user/login", bind(&Pages::LoginForm));
    r.Post("/user/login", bind(&Pages::Login), login);
    r.Post("/user/login/code", bind(&Pages::LoginCode), login);
    r.Get("/user/2fa", bind(&Pages::SecondFactorForm));
    r.Post("/user/2fa/enable", bind(&Pages::EnableSecondFactor), login);
    r.Post("/user/2fa/recovery-codes", bind(&Pages::NewRecoveryCodes), login);
    r.Post("/user/2fa/disable", bind(&Pages::DisableSecondFactor), login);
    r.Post("/user/logout", bind(&Pages::Logout), form);
    r.Get("/user/reset", bind(&Pages::ResetForm));
    r.Post("/user/reset", bind(&Pages::ResetRequest), form);
    r.Get("/user/reset/confirm", bind(&Pages::ResetConfirmForm));
    r.Post("/user/reset/confirm", bind(&Pages::ResetConfirm), login);
    r.Get("/user/password", bind(&Pages::ChangeForm));
    r.Post("/user/password", bind(&Pages::Change), login);
    r.Get("/user/me", bind(&Pages::Me));
    r.Get("/user/{name}", [pages](Request& req) { return pages->Profile(req); });
    r.Post("/user/{name}/api-tokens", bind(&Pages::CreateToken), form);
    r.Post("/user/{name}/api-tokens/{id}/revoke", bind(&Pages::RevokeToken), form);
}

}  // namespace govhub::accounts
