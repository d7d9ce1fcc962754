#include "workflow/processes/account_closure.hpp"

#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "http/response.hpp"
#include "workflow/print.hpp"
#include "workflow/review.hpp"

namespace govhub::closure {
namespace {

using Json = nlohmann::json;
using render::View;

constexpr size_t kReasonMax = 2000;

Json DataOf(const workflow::Request& r) {
    Json d = Json::parse(r.data_json, nullptr, false);
    return d.is_object() ? d : Json::object();
}

http::Response Form(const render::PageRenderer& pages, http::Request& req,
                    const std::string& action, const std::string& reason,
                    const std::vector<FieldError>& errors = {}) {
    View v;
    v.Set("reason", reason).Set("suspend", action == "suspend").Set("cancel", action == "cancel");
    if (!errors.empty()) pages.AddErrors(v, errors, req.locale);
    return http::Response::Html(
        pages.Render("accounts/close", std::move(v), accounts::PageContextOf(req), "closure.title"),
        errors.empty() ? 200 : 409);
}

// The request as the person prints and signs it.
void WriteRequest(render::PdfWriter& pdf, const workflow::Request& r,
                  accounts::AccountService& accounts, const render::PageRenderer& pages,
                  const std::string& locale) {
    Json data = DataOf(r);
    std::string action = data.value("action", "");
    auto u = accounts.FindUserById(r.applicant_id);
    pdf.Field(pages.T(locale, "closure.pdf_account"), u ? u->name : "");
    pdf.Field(pages.T(locale, "closure.pdf_email"), u ? u->email : "");
    pdf.Field(pages.T(locale, "workflow.account_closure.field.action"),
              pages.T(locale, "workflow.account_closure.value.action." + action));
    pdf.Field(pages.T(locale, "workflow.account_closure.field.reason"), data.value("reason", ""));
    pdf.Space(10);
    pdf.Paragraph(pages.T(locale, action == "cancel" ? "closure.pdf_statement_cancel"
                                                     : "closure.pdf_statement_suspend"));
    // The signature line (the applicant's only) is the spec's (ClosureType).
}

// Everything govhub holds about the person, as a file they keep.
Json PersonalData(accounts::AccountService& accounts, workflow::WorkflowService& workflow,
                  const accounts::Principal& p, const std::string& site_url) {
    accounts::PersonalRecord rec = accounts.RecordOf(p);
    const accounts::User& u = rec.user;
    Json memberships = Json::array();
    for (const auto& m : rec.memberships)
        memberships.push_back({{"object_type", m.object_type},
                               {"object_id", m.object_id},
                               {"capacity", accounts::ToString(m.capacity)}});
    Json tokens = Json::array();
    for (const auto& t : rec.tokens)
        tokens.push_back({{"id", t.id},
                          {"name", t.name},
                          {"created", t.created},
                          {"last_used", t.last_used},
                          {"expires", t.expires}});
    Json sessions = Json::array();
    for (const auto& s : rec.sessions)
        sessions.push_back({{"created", s.created},
                            {"last_seen", s.last_seen},
                            {"expires", s.expires},
                            {"ip", s.ip},
                            {"user_agent", s.user_agent}});
    Json requests = Json::array();
    for (const auto& r : workflow.AllRequestsOf(p)) {
        Json documents = Json::array();
        for (const auto& a : workflow.Attachments(&p, r))
            documents.push_back({{"kind", a.kind},
                                 {"filename", a.filename},
                                 {"content_type", a.content_type},
                                 {"size", a.size},
                                 {"sha256", a.sha256},
                                 {"uploaded", a.uploaded},
                                 {"purge_after", a.purge_after},
                                 {"purged", a.purged}});
        requests.push_back({{"type", r.type},
                            {"reference", r.reference},
                            {"state", r.state},
                            {"data", DataOf(r)},
                            {"created", r.created},
                            {"submitted", r.submitted},
                            {"closed", r.closed},
                            {"documents", documents},
                            {"link", site_url + "/requests/" + r.reference}});
    }
    return {{"generated", core::NowIso()},
            {"site", site_url},
            {"account",
             {{"id", u.id},
              {"name", u.name},
              {"email", u.email},
              {"fullname_th", u.fullname_th},
              {"fullname_en", u.fullname_en},
              {"state", accounts::ToString(u.state)},
              {"sysadmin", u.sysadmin},
              {"locale", u.locale},
              {"created", u.created},
              {"email_verified", u.email_verified_at},
              {"second_factor", rec.totp_enabled},
              {"recovery_codes_left", rec.recovery_codes_left}}},
            {"roles", memberships},
            {"api_tokens", tokens},
            {"sessions", sessions},
            {"requests", requests}};
}

}  // namespace

workflow::RequestType ClosureType(accounts::AccountService& accounts,
                                  workflow::WorkflowService& workflow) {
    return workflow::MakeReviewType({
        .id = kType,
        .prefix = "AC",
        .sla_unit = core::SlaUnit::kClockHours,
        .sla_amount = 24,
        .submit_fields = {"action", "reason"},
        .submit_attachments = {"signed_request"},
        // Carried out in the step's own transaction: the account and the request move together.
        .decisions = {{.id = "execute",
                       .to = "done",
                       .actor = workflow::Actor::kAdministrator,
                       .effect =
                           [&accounts, &workflow](db::Connection& c, const workflow::Request& r,
                                                  const accounts::Principal& actor) {
                               Json data = DataOf(r);
                               bool cancel = data.value("action", "") == "cancel";
                               accounts::Caller caller{.principal = &actor};
                               std::string name =
                                   accounts.Close(c, r.applicant_id,
                                                  cancel ? accounts::Closure::kCancel
                                                         : accounts::Closure::kSuspend,
                                                  data.value("reason", ""), r.reference, caller);
                               if (!cancel) return;
                               // The signed documents stay for the retention period, then the
                               // job purges them.
                               auto days = workflow.Settings(c, kType).retention_days;
                               workflow.ForgetApplicant(
                                   c, r.applicant_id, name,
                                   days ? std::optional(core::IsoInSeconds(int64_t{*days} * 86400))
                                        : std::nullopt);
                           }}},
        .withdraw_from = {"draft", "submitted", "needs_info"},
        .print_path = [](const std::string& ref) { return "/user/close/" + ref + "/request.pdf"; },
        .display_fields = {"action", "reason"},
        .retention_days = 365,
        // A citizen signs alone: no supervisor, no line for staff.
        .texts = {.instructions = "closure.print_help", .signatures = {"closure.pdf_applicant"}},
    });
}

void RegisterRoutes(http::Router& router, accounts::AccountService& accounts,
                    workflow::WorkflowService& workflow, const render::PageRenderer& pages,
                    const std::string& site_url, const std::string& tmp_dir) {
    workflow::AddPrintedFormRoute(
        router, "/user/close/{reference}/request.pdf", workflow, pages,
        {.type = kType,
         .title_key = "closure.pdf_title",
         .subtitle_key = "closure.pdf_subtitle",
         .site_url = site_url,
         .tmp_dir = tmp_dir,
         .body = [&accounts, &pages](render::PdfWriter& pdf, const workflow::Request& r,
                                     const std::string& locale) {
             WriteRequest(pdf, r, accounts, pages, locale);
         }});
    router.Get("/user/close", [&workflow, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        // One open request at a time: the form leads to it.
        for (const auto& r : workflow.Mine(*p, kType))
            if (r.closed.empty()) return http::Response::Redirect("/requests/" + r.reference);
        return Form(pages, req, req.Query("action"), "");
    });
    router.Post("/user/close",
                [&workflow, &pages](http::Request& req) {
                    const accounts::Principal* p = accounts::CurrentUser(req);
                    if (!p) throw HttpError::Unauthorized();
                    std::string action = req.FormValue("action");
                    std::string reason = core::Trim(req.FormValue("reason"));
                    std::vector<FieldError> errors;
                    if (action != "suspend" && action != "cancel")
                        errors.push_back({"action", "closure.choose_action"});
                    if (reason.empty()) errors.push_back({"reason", "form.required"});
                    if (core::Utf8Length(reason) > kReasonMax)
                        errors.push_back({"reason", "form.too_long"});
                    for (const auto& r : workflow.Mine(*p, kType))
                        if (r.closed.empty())
                            return http::Response::Redirect("/requests/" + r.reference);
                    if (!errors.empty()) return Form(pages, req, action, reason, errors);
                    std::string name = req.locale == "en" ? p->display_name_en : p->display_name_th;
                    auto r = workflow.Create(
                        *p,
                        {.type = kType,
                         .subject = (name.empty() ? p->name : name) + " (" + p->name + ")",
                         .data_json = Json{{"action", action}, {"reason", reason}}.dump()},
                        req.client_ip);
                    return http::Response::Redirect("/requests/" + r.reference);
                },
                {.body_limit = 64 * 1024, .rate_limit = "form"});
    router.Get("/user/personal-data", [&accounts, &workflow, site_url](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        api::RequireUser(p);
        http::Response res =
            http::Response::Json(PersonalData(accounts, workflow, *p, site_url)
                                     .dump(2, ' ', false, Json::error_handler_t::replace));
        res.headers.Set("Content-Disposition",
                        http::AttachmentDisposition("govhub-" + p->name + "-personal-data.json"));
        res.headers.Set("Cache-Control", "no-store");
        return res;
    });
}

namespace {
class Module final : public api::Module {
  public:
    Module(accounts::AccountService& accounts, workflow::WorkflowService& workflow,
           const render::PageRenderer& pages, std::string site_url, std::string tmp_dir)
        : accounts_(accounts),
          workflow_(workflow),
          pages_(pages),
          site_url_(std::move(site_url)),
          tmp_dir_(std::move(tmp_dir)) {}
    std::string name() const override { return "workflow.account_closure"; }
    void RegisterRoutes(http::Router& router, api::ActionRegistry&) override {
        closure::RegisterRoutes(router, accounts_, workflow_, pages_, site_url_, tmp_dir_);
    }

  private:
    accounts::AccountService& accounts_;
    workflow::WorkflowService& workflow_;
    const render::PageRenderer& pages_;
    std::string site_url_, tmp_dir_;
};
}  // namespace

std::unique_ptr<api::Module> MakeModule(accounts::AccountService& accounts,
                                        workflow::WorkflowService& workflow,
                                        const render::PageRenderer& pages, std::string site_url,
                                        std::string tmp_dir) {
    return std::make_unique<Module>(accounts, workflow, pages, std::move(site_url),
                                    std::move(tmp_dir));
}

}  // namespace govhub::closure
