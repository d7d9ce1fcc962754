#include "learning/certificates.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/durable_file.hpp"
#include "core/i18n.hpp"
#include "core/log.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "learning/certificate_code.hpp"
#include "learning/certificate_page.hpp"
#include "learning/store.hpp"
#include "learning/store_branding.hpp"
#include "render/certificate.hpp"
#include "workflow/review.hpp"
#include "workflow/store.hpp"

namespace govhub::learning {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kStatusBits = 131072;
constexpr size_t kMaxReason = 2000;

[[noreturn]] void Conflict(const std::string& key) {
    // The code names the refusal ("already_issued"), the message is the reader's words.
    throw HttpError(409, key.substr(key.rfind('.') + 1), key);
}

std::string Reason(const std::string& typed) {
    std::string r = core::Trim(typed);
    if (r.empty()) throw HttpError::Validation({{"reason", "learning.cert.reason_required"}});
    if (r.size() > kMaxReason) throw HttpError::Validation({{"reason", "form.too_long"}});
    return r;
}

// The Bangkok calendar date of a stored UTC time: "2026-12-07".
std::string BangkokDate(const std::string& iso) {
    int64_t micros = core::ParseIsoMicros(iso);
    if (micros < 0) return iso.substr(0, 10);
    return core::IsoUtc(micros + int64_t{7} * 3600 * 1000000).substr(0, 10);
}

// "7 ธันวาคม พ.ศ. 2569" from "2026-12-07".
}  // namespace

CertificateService::CertificateService(LearningService& learning,
                                       workflow::WorkflowService& workflow,
                                       accounts::AccountService& accounts, jobs::JobService* jobs,
                                       const SigningKey& key, accounts::MailSender send_mail,
                                       const core::I18n& i18n, CertificateConfig config)
    : learning_(learning),
      workflow_(workflow),
      accounts_(accounts),
      jobs_(jobs),
      key_(key),
      send_mail_(std::move(send_mail)),
      i18n_(i18n),
      config_(std::move(config)) {}

std::string CertificateService::VerifyUrl(const std::string& code) const {
    return config_.site_url + "/learning/verify/" + code;
}

workflow::RequestType CertificateService::ReviewType() {
    return workflow::MakeReviewType({
        .id = kCertificateType,
        .prefix = "LC",
        .sla_unit = core::SlaUnit::kWorkingDays,
        .sla_amount = config_.sla_working_days,
        .decisions = {{.id = "approve",
                       .to = "approved",
                       // Issued with the approval, in its transaction: approved ⇔ issued.
                       .effect =
                           [this](db::Connection& c, const workflow::Request& r,
                                  const accounts::Principal& actor) {
                               Json data = Json::parse(r.data_json, nullptr, false);
                               std::string course_id =
                                   data.is_object() ? data.value("course_id", "") : "";
                               auto course = store::FindCourse(c, course_id);
                               if (!course) throw HttpError::NotFound("learning.course_not_found");
                               Issue(c, *course, r.applicant_id, r.id, actor.user_id);
                           }}},
        .withdraw_from = {"submitted", "needs_info"},
        .display_fields = {"course_title", "course_version", "completed_at", "annulment"},
        // The course's id (for the approval) and name (for the link after it).
        .hidden_fields = {"course_id", "course"},
        .next_steps = [](const workflow::Request& r) -> std::vector<workflow::NextStep> {
            if (r.state != "approved") return {};
            Json data = Json::parse(r.data_json, nullptr, false);
            if (!data.is_object()) return {};
            return {{"learning.cert.next_course", "/learning/course/" + data.value("course", "")}};
        },
    });
}

Course CertificateService::CourseOf(db::Connection& c, const std::string& key) {
    auto course = store::FindCourse(c, key);
    if (!course) throw HttpError::NotFound("learning.course_not_found");
    return *course;
}

void CertificateService::CheckIssuable(db::Connection& c, const Course& course,
                                       const std::string& user_id) {
    auto done = store::FindCompletion(c, course.id, user_id);
    if (!done || done->completed_at.empty()) Conflict("learning.cert.not_completed");
    if (!done->annulled_at.empty()) Conflict("learning.cert.annulled");
    auto cert = store::FindCertificate(c, course.id, user_id);
    if (cert && cert->revoked_at.empty()) Conflict("learning.cert.already_issued");
    // The certificate names the person the laser-code check verified, never a typed name.
    if (!accounts::store::FindIdentity(c, user_id)) Conflict("learning.cert.identity_required");
}

Certificate CertificateService::Issue(db::Connection& c, const Course& course,
                                      const std::string& user_id, const std::string& request_id,
                                      const std::string& actor_id) {
    CheckIssuable(c, course, user_id);
    auto done = store::FindCompletion(c, course.id, user_id);
    auto user = accounts::store::FindUserById(c, user_id);
    if (!user) throw HttpError::NotFound("learning.cert.not_found");
    std::optional<agencies::Agency> agency;
    if (!course.agency_id.empty()) agency = agencies::store::Find(c, course.agency_id);
    CertificateBranding brand;
    if (agency)
        if (auto b = store::FindBranding(c, agency->id)) brand = *b;

    Certificate cert;
    cert.id = core::NewUuid();
    do cert.code = NewCertificateCode();
    while (store::FindCertificateByCode(c, cert.code));
    // A random free bit: neighbouring bits say nothing about when a certificate was issued.
    // The list has 131072 bits; a full one needs a second list, not an endless loop.
    for (int tries = 0;; ++tries) {
        if (tries == 10000) throw std::runtime_error("the certificate status list is full");
        cert.status_index = static_cast<int64_t>(
            std::stoull(core::HexEncode(core::RandomBytes(4)), nullptr, 16) % kStatusBits);
        if (!store::StatusIndexTaken(c, cert.status_index)) break;
    }
    cert.course_id = course.id;
    cert.user_id = user_id;
    cert.agency_id = course.agency_id;
    cert.request_id = request_id;
    cert.course_version = done->course_version;
    cert.completed_at = done->completed_at;
    int64_t now = core::NowEpochSeconds();
    cert.issued_at = core::IsoUtc(now * 1000000);

    // The name as on the verified identity (the ID card): Thai title, first and last name; the
    // English name only when the identity has one (the account's English name is typed freely,
    // so it is never printed). CheckIssuable refused a learner without an identity.
    auto row = accounts::store::FindIdentity(c, user_id);
    if (!row) Conflict("learning.cert.identity_required");
    const accounts::VerifiedIdentity& id = row->identity;
    auto join = [](const std::string& a, const std::string& b) {
        return core::Trim(core::Trim(a) + " " + core::Trim(b));
    };
    std::string bare_th = join(id.first_name_th, id.last_name_th);
    std::string name_th = core::Trim(id.title_th) + bare_th;
    std::string name_en = join(id.first_name_en, id.last_name_en);
    Json snap = {{"code", cert.code},
                 {"learner_name", name_th},
                 {"learner_name_en", name_en},
                 // Without the title: what initials are drawn from (a title is no initial).
                 {"learner_name_bare", bare_th},
                 {"course_name", course.name},
                 {"course_title", course.title},
                 {"course_title_en", course.title_en},
                 {"minutes", course.minutes},
                 {"completed_at", BangkokDate(cert.completed_at)},
                 {"issued_at", cert.issued_at},
                 {"agency_id", course.agency_id},
                 {"agency_title", agency ? agency->title : ""},
                 {"agency_title_en", agency ? agency->title_en : ""},
                 {"signatory_name", brand.signatory_name},
                 {"signatory_name_en", brand.signatory_name_en},
                 {"signatory_position", brand.signatory_position},
                 {"signatory_position_en", brand.signatory_position_en},
                 {"signature_file", brand.signature_file},
                 {"background_file", brand.background_file},
                 {"course_version", cert.course_version}};
    cert.snapshot = snap.dump();

    // The learner chose how a verifier sees their name: in full or as initials.
    std::string subject =
        store::NameOnCertificate(c, user_id) == "initials" ? NameInitials(bare_th) : name_th;
    BadgeInput in{
        .credential_id = VerifyUrl(cert.code),
        .issuer_id = DidWebFor(config_.site_url),
        .issuer_name = agency ? agency->title : i18n_.Get("th", "site.title"),
        .issuer_url = config_.site_url,
        .subject_name = subject,
        .achievement_id = config_.site_url + "/learning/course/" + course.name,
        .achievement_name = course.title,
        .achievement_description = course.summary,
        .criteria = i18n_.Get("th", "learning.cert.criteria"),
        .valid_from = now,
        .status_list_url = config_.site_url + "/learning/credentials/status/1",
        .status_index = cert.status_index,
    };
    cert.credential = IssueOpenBadgeJwt(in, key_);
    store::InsertCertificate(c, cert);
    // Drawn moments later by a worker (this is the deciding transaction: a bulk approval must
    // not wait on Pango); queued in it, so only a certificate that exists is ever rendered.
    if (jobs_)
        jobs_->Enqueue(kRenderCertificateJob, Json{{"code", cert.code}}.dump(),
                       {.max_attempts = 3, .subject = cert.code});
    audit::Record(c, {actor_id, ""}, "learning.certificate.issue", "course", course.id,
                  {{"code", cert.code},
                   {"user", user_id},
                   {"request", request_id},
                   {"course_version", cert.course_version}});
    return cert;
}

CertificateService::Requested CertificateService::Request(const std::string& course_key,
                                                          const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    auto o = learning_.Outline(course_key, &p);
    if (!o) throw HttpError::NotFound("learning.course_not_found");
    const Course course = o->course;
    bool auto_approve = false;
    Completion done;
    learning_.db().Read([&](db::Connection& c) {
        CheckIssuable(c, course, p.user_id);
        auto_approve = store::CertificateAutoApprove(c, course.id);
        done = *store::FindCompletion(c, course.id, p.user_id);
    });
    for (const auto& r : workflow_.Mine(p, kCertificateType)) {
        Json data = Json::parse(r.data_json, nullptr, false);
        if (r.closed.empty() && data.is_object() && data.value("course_id", "") == course.id)
            Conflict("learning.cert.already_requested");
    }
    if (auto_approve) {
        Certificate cert = learning_.db().Write([&](db::Connection& c) {
            Certificate x = Issue(c, course, p.user_id, "", p.user_id);
            audit::Record(c, caller.actor(), "learning.certificate.auto_approve", "course",
                          course.id, {{"code", x.code}});
            return x;
        });
        // Rendered now, outside the transaction, so the first download is quick.
        try {
            PdfPath(cert);
        } catch (const std::exception& e) {
            core::LogWarn("learning.certificate.render", e.what());
        }
        return {"", Find(cert.code)};
    }
    Json data = {{"course_id", course.id},
                 {"course", course.name},
                 {"course_title", course.title},
                 {"course_version", std::to_string(done.course_version)},
                 {"completed_at", core::FormatIsoDate(done.completed_at, "th")}};
    std::string who = p.display_name_th.empty() ? p.name : p.display_name_th;
    auto r = workflow_.Create(p,
                              {.type = kCertificateType,
                               .organization_id = course.agency_id,
                               .subject = who + " / " + course.title,
                               .data_json = data.dump()},
                              caller.ip);
    r = workflow_.Transition(p, r.id, {.transition = "submit", .ip = caller.ip});
    return {r.reference, std::nullopt};
}

Course CertificateService::CourseFor(const std::string& key, const api::Principal* p) {
    auto o = learning_.Outline(key, p);
    if (!o) throw HttpError::NotFound("learning.course_not_found");
    return o->course;
}

CertificateStanding CertificateService::StandingOf(const Course& course,
                                                   const std::string& user_id) {
    CertificateStanding s;
    learning_.db().Read([&](db::Connection& c) {
        s.completion = store::FindCompletion(c, course.id, user_id);
        s.certificate = store::FindCertificate(c, course.id, user_id);
    });
    if (!s.completion) return s;
    if (s.certificate && s.certificate->revoked_at.empty()) {
        s.state = "issued";
        return s;
    }
    if (s.completion->completed_at.empty()) {
        s.state = "not_completed";
        return s;
    }
    if (!s.completion->annulled_at.empty()) {
        s.state = "annulled";
        return s;
    }
    s.state = s.certificate ? "revoked" : "can_request";
    // The latest request for this course says the rest.
    api::Principal self{.user_id = user_id};
    std::optional<workflow::Request> last;
    for (auto& r : workflow_.Mine(self, kCertificateType)) {
        Json data = Json::parse(r.data_json, nullptr, false);
        if (!data.is_object() || data.value("course_id", "") != course.id) continue;
        // An open request first (one at a time), else the latest closed one.
        bool open = r.closed.empty(), last_open = last && last->closed.empty();
        if (!last || (open && !last_open) ||
            (open == last_open && (r.created > last->created ||
                                   (r.created == last->created && r.closed > last->closed))))
            last = r;
    }
    if (!last) return s;
    s.reference = last->reference;
    if (last->state == "submitted" || last->state == "draft") {
        s.state = "pending";
        s.due = last->due;
    } else if (last->state == "needs_info") {
        s.state = "needs_info";
    } else if (last->state == "rejected" && !s.certificate) {
        s.state = "rejected";
    }
    if (s.state == "needs_info" || s.state == "rejected") {
        auto history = workflow_.History(*last);
        for (auto it = history.rbegin(); it != history.rend(); ++it)
            if (it->to == last->state) {
                s.note = it->note;
                break;
            }
    }
    return s;
}

std::optional<Certificate> CertificateService::Find(const std::string& code) {
    auto normal = NormalizeCertificateCode(code);
    if (!normal) return std::nullopt;
    return learning_.db().Read(
        [&](db::Connection& c) { return store::FindCertificateByCode(c, *normal); });
}

bool CertificateService::MaySee(const api::Principal* p, const Certificate& cert) {
    if (!p) return false;
    if (p->sysadmin || p->user_id == cert.user_id) return true;
    if (!cert.agency_id.empty()) {
        auto role = learning_.db().Read([&](db::Connection& c) {
            return agencies::store::RoleOf(c, p->user_id, cert.agency_id);
        });
        if (role && *role == agencies::Role::kAdmin) return true;
    }
    workflow::Request probe{.type = kCertificateType, .organization_id = cert.agency_id};
    return workflow_.CanReview(p, probe);
}

void CertificateService::RenderPdf(const Certificate& cert, const std::string& path) {
    Json s = Json::parse(cert.snapshot, nullptr, false);
    if (!s.is_object()) throw std::runtime_error("certificate snapshot is not JSON");
    render::CertificatePage page = CertificatePageOf(
        s, cert.code, VerifyUrl(cert.code), config_.data_dir + "/learning/branding",
        [this](const char* locale, const std::string& key) { return i18n_.Get(locale, key); });
    // The file says when the certificate was issued, not when it happened to be drawn.
    int64_t issued = core::ParseIsoMicros(cert.issued_at);
    if (issued >= 0) page.created = CredentialTime(issued / 1000000);
    render::WriteCertificatePdf(page, path);
}

void CertificateService::CheckRenderFailure(const std::string& code) {
    int64_t now = core::NowEpochSeconds();
    std::lock_guard lock(failed_mu_);
    auto it = failed_renders_.find(code);
    if (it == failed_renders_.end()) return;
    if (it->second <= now) {
        failed_renders_.erase(it);
        return;
    }
    HttpError e(503, "unavailable", "learning.cert.render_failed");
    e.headers.emplace_back("Retry-After", std::to_string(it->second - now));
    throw e;
}

void CertificateService::RememberRenderFailure(const std::string& code) {
    int64_t now = core::NowEpochSeconds();
    std::lock_guard lock(failed_mu_);
    // Bounded: expired entries go first; past the cap, the memory starts again.
    std::erase_if(failed_renders_, [now](const auto& kv) { return kv.second <= now; });
    if (failed_renders_.size() >= kMaxRememberedFailures) failed_renders_.clear();
    failed_renders_[code] = now + kRenderFailureSeconds;
}

std::string CertificateService::PdfPath(const Certificate& given) {
    std::string dir = config_.data_dir + "/learning/certificates";
    if (!given.pdf_file.empty()) return dir + "/" + given.pdf_file;
    // A render that failed lately is not tried again: retries (a learner's, or many at once)
    // answer at once instead of queueing behind the render lock.
    CheckRenderFailure(given.code);
    // One render at a time in this process; a certificate another caller stored meanwhile is
    // not rendered again (its PDF is never replaced).
    std::lock_guard lock(render_mu_);
    CheckRenderFailure(given.code);  // one that failed while this caller waited
    auto cert = learning_.db().Read(
        [&](db::Connection& c) { return store::FindCertificateByCode(c, given.code); });
    if (!cert) throw HttpError::NotFound("learning.cert.not_found");
    if (!cert->pdf_file.empty()) return dir + "/" + cert->pdf_file;
    fs::create_directories(dir);
    std::string file = cert->code + ".pdf";
    std::string tmp = config_.tmp_dir + "/cert-" + core::RandomToken(8) + ".pdf";
    try {
        RenderPdf(*cert, tmp);
    } catch (const std::exception& e) {
        std::error_code ec;
        fs::remove(tmp, ec);
        RememberRenderFailure(cert->code);
        core::LogWarn("learning.certificate.render", cert->code + ": " + e.what());
        throw;
    }
    std::string sha = core::Sha256FileHex(tmp);
    if (!core::DurableRename(tmp, dir + "/" + file)) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw std::runtime_error("could not store the certificate's PDF");
    }
    learning_.db().Write([&](db::Connection& c) {
        store::SetCertificateFiles(c, cert->id, file, sha, cert->credential);
    });
    return dir + "/" + file;
}

std::string CertificateService::RunRenderJob(const std::string& payload_json) {
    Json payload = Json::parse(payload_json, nullptr, false);
    std::string code = payload.is_object() ? payload.value("code", "") : "";
    auto cert = Find(code);
    if (!cert) return Json{{"code", code}, {"rendered", false}}.dump();  // gone: nothing to draw
    PdfPath(*cert);
    return Json{{"code", cert->code}, {"rendered", true}}.dump();
}

Certificate CertificateService::Revoke(const std::string& code, const std::string& reason_typed,
                                       const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    auto cert = Find(code);
    if (!cert) throw HttpError::NotFound("learning.cert.not_found");
    // Those who may not see it learn nothing of it; the learner sees it but may not revoke it.
    if (!MaySee(&p, *cert)) throw HttpError::NotFound("learning.cert.not_found");
    if (p.user_id == cert->user_id) throw HttpError::Forbidden("learning.cert.may_not_revoke");
    std::string reason = Reason(reason_typed);
    std::string at = core::NowIso();
    learning_.db().Write([&](db::Connection& c) {
        if (!store::RevokeCertificate(c, cert->id, at, reason, p.user_id))
            Conflict("learning.cert.already_revoked");
        audit::Record(c, caller.actor(), "learning.certificate.revoke", "course", cert->course_id,
                      {{"code", cert->code}, {"user", cert->user_id}, {"reason", reason}});
    });
    cert->revoked_at = at;
    cert->revoke_reason = reason;
    cert->revoked_by = p.user_id;
    MailRevoked(*cert);
    return *cert;
}

void CertificateService::MailRevoked(const Certificate& cert) {
    // The learner is told in their language.
    if (auto u = accounts_.FindUserById(cert.user_id); u && !u->email.empty() && send_mail_) {
        std::string locale = u->locale == "en" ? "en" : "th";
        Json s = Json::parse(cert.snapshot, nullptr, false);
        std::string title = s.is_object()
                                ? s.value(locale == "en" && !s.value("course_title_en", "").empty()
                                              ? "course_title_en"
                                              : "course_title",
                                          "")
                                : "";
        std::vector<std::pair<std::string, std::string>> vars = {
            {"name", u->DisplayName(locale)},
            {"course", title},
            {"code", cert.code},
            {"reason", cert.revoke_reason},
            {"link", VerifyUrl(cert.code)},
            {"site", i18n_.SiteTitle("", locale)}};
        try {
            send_mail_({.to = u->email,
                        .subject = i18n_.Localize(
                            locale, core::Message("learning.cert.mail.revoked.subject", vars)),
                        .text = i18n_.Localize(
                            locale, core::Message("learning.cert.mail.revoked.body", vars))});
        } catch (const std::exception& e) {
            core::LogWarn("learning.certificate.mail", e.what());
        }
    }
}

bool CertificateService::MayAnnul(const Course& course, const api::Principal* p) {
    return learning_.CanManageStaff(course, p);
}

std::vector<Completion> CertificateService::Completions(const Course& course,
                                                        const api::Principal* p) {
    if (!MayAnnul(course, p)) return {};
    return learning_.db().Read(
        [&](db::Connection& c) { return store::CompletionsOf(c, course.id, 500); });
}

Completion CertificateService::Annul(const std::string& course_key, const std::string& user_key,
                                     const std::string& reason_typed, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    std::string reason = Reason(reason_typed);
    std::optional<Certificate> revoked;  // the live certificate the annulment revoked
    Completion out = learning_.db().Write([&](db::Connection& c) {
        Course course = CourseOf(c, course_key);
        if (!MayAnnul(course, &p)) throw HttpError::Forbidden("learning.cert.may_not_annul");
        auto user = accounts::store::FindUser(c, user_key);
        if (!user) throw HttpError::NotFound("learning.cert.no_completion");
        auto done = store::FindCompletion(c, course.id, user->id);
        if (!done || done->completed_at.empty())
            throw HttpError::NotFound("learning.cert.no_completion");
        std::string at = core::NowIso();
        if (!store::AnnulCompletion(c, course.id, user->id, at, reason, p.user_id))
            Conflict("learning.cert.already_annulled");
        // An open request shows the reviewer the annulment (its data's "annulment" field).
        std::string by = p.display_name_th.empty() ? p.name : p.display_name_th;
        for (const auto& r : workflow::store::RequestsOf(c, user->id, kCertificateType)) {
            if (!r.closed.empty()) continue;
            Json data = Json::parse(r.data_json, nullptr, false);
            if (!data.is_object() || data.value("course_id", "") != course.id) continue;
            data["annulment"] = core::FormatIsoDate(at, "th", true) + " — " + by + ": " + reason;
            workflow::store::ReplaceData(c, r.id, r.data_json, data.dump());
        }
        audit::Record(c, caller.actor(), "learning.completion.annul", "course", course.id,
                      {{"user", user->id}, {"reason", reason}});
        // A certificate stands on its completion: the live one falls with it, in this
        // transaction, with the annulment's reason (audited as a revocation too).
        if (auto cert = store::FindCertificate(c, course.id, user->id);
            cert && cert->revoked_at.empty() &&
            store::RevokeCertificate(c, cert->id, at, reason, p.user_id)) {
            audit::Record(c, caller.actor(), "learning.certificate.revoke", "course", course.id,
                          {{"code", cert->code},
                           {"user", user->id},
                           {"reason", reason},
                           {"annulment", true}});
            cert->revoked_at = at;
            cert->revoke_reason = reason;
            cert->revoked_by = p.user_id;
            revoked = *cert;
        }
        done->annulled_at = at;
        done->annul_reason = reason;
        done->annulled_by = p.user_id;
        return *done;
    });
    if (revoked) MailRevoked(*revoked);
    return out;
}

void CertificateService::SetAutoApprove(const std::string& course_id, bool on,
                                        const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    auto o = learning_.Outline(course_id, &p);
    if (!o) throw HttpError::NotFound("learning.course_not_found");
    if (!o->can_author) throw HttpError::Forbidden("learning.error.may_not_author");
    learning_.db().Write([&](db::Connection& c) {
        if (store::CertificateAutoApprove(c, o->course.id) == on) return;
        store::SetCertificateAutoApprove(c, o->course.id, on);
        audit::Record(c, caller.actor(), "learning.course.certificate_auto_approve", "course",
                      o->course.id, {{"auto_approve", on}});
    });
}

bool CertificateService::AutoApprove(const std::string& course_id) {
    return learning_.db().Read(
        [&](db::Connection& c) { return store::CertificateAutoApprove(c, course_id); });
}

}  // namespace govhub::learning
