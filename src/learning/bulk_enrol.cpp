#include "learning/bulk_enrol.hpp"

#include <algorithm>
#include <map>

#include "accounts/identities.hpp"
#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/citizen_id.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "learning/enrolment_csv.hpp"
#include "learning/store.hpp"
#include "learning/store_invitations.hpp"

namespace govhub::learning {

namespace {

using Json = nlohmann::json;

// The vault purpose of a citizen ID in a job's payload: it opens nowhere else.
constexpr const char* kPayloadCidPurpose = "learning.bulk.cid";
// Rows per write transaction: short transactions leave the writer to others between them.
constexpr size_t kChunk = 200;

const char* KindText(EnrolmentRow::Kind k) {
    switch (k) {
        case EnrolmentRow::Kind::kCitizenId:
            return "id";
        case EnrolmentRow::Kind::kEmail:
            return "email";
        case EnrolmentRow::Kind::kDuplicate:
            return "duplicate";
        case EnrolmentRow::Kind::kInvalid:
            break;
    }
    return "invalid";
}

// What the report shows of a row: a citizen ID (or 13 digits that fail the check) masked, as
// everywhere but the sysadmin's reveal; anything else as typed.
std::string ShownOf(const EnrolmentRow& row) {
    if (row.kind == EnrolmentRow::Kind::kCitizenId ||
        (row.kind == EnrolmentRow::Kind::kDuplicate && row.value.find('@') == std::string::npos))
        return core::MaskCitizenId(row.value);
    std::string digits;
    for (char ch : row.shown)
        if (ch >= '0' && ch <= '9') digits += ch;
    if (digits.size() >= 13) return core::MaskCitizenId(digits.substr(0, 13));
    return row.shown;
}

// The i18n key that explains an outcome to the person who started the job.
std::string OutcomeKey(BulkOutcome o) {
    return std::string("learning.bulk.outcome.") + std::string(kBulkOutcomeText.Name(o));
}

}  // namespace

BulkEnrolService::BulkEnrolService(LearningService& learning, jobs::JobService& jobs,
                                   const core::Vault* vault, accounts::MailSender send_mail,
                                   const core::I18n& i18n, BulkConfig config)
    : learning_(learning),
      jobs_(jobs),
      vault_(vault),
      send_mail_(std::move(send_mail)),
      i18n_(i18n),
      config_(std::move(config)) {}

BulkAccess BulkEnrolService::Access(const std::string& course_name, const api::Principal* p,
                                    const std::string& locale) {
    const api::Principal& user = api::RequireUser(p);
    auto o = learning_.Outline(course_name, &user);
    if (!o) throw HttpError::NotFound("learning.course_not_found");
    BulkAccess a{.course = o->course, .any_person = o->can_author};
    learning_.db().Read([&](db::Connection& c) {
        for (const auto& [agency, role] : agencies::store::OfUser(c, user.user_id))
            if (role == agencies::Role::kAdmin && agency.state == agencies::AgencyState::kActive)
                a.agencies.emplace_back(agency.id, agency.Title(locale));
    });
    std::sort(a.agencies.begin(), a.agencies.end(),
              [](const auto& x, const auto& y) { return x.second < y.second; });
    // An administrator enrols their staff where anyone may enrol themselves: a published course
    // without a key (a keyed course is for those given its key by its authors).
    bool open = a.course.state == CourseState::kPublished && a.course.enrol_key_hash.empty();
    if (!a.any_person && (a.agencies.empty() || !open))
        throw HttpError::Forbidden("learning.bulk.may_not");
    return a;
}

std::string BulkEnrolService::Start(const std::string& course_name, std::string_view csv,
                                    const std::string& agency_id, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    BulkAccess a = Access(course_name, &p, core::kDefaultLocale);
    std::string agency;
    if (!a.any_person) {
        if (agency_id.empty() && a.agencies.size() == 1) {
            agency = a.agencies.front().first;
        } else {
            for (const auto& [id, title] : a.agencies)
                if (id == agency_id) agency = id;
            if (agency.empty())
                throw HttpError::Validation(
                    {{"agency_id", agency_id.empty() ? "learning.bulk.choose_agency"
                                                     : "learning.bulk.not_your_agency"}});
        }
    } else if (!agency_id.empty()) {
        // An author may still say they enrol for one of their agencies: it only names the
        // invitations' agency, it restricts nothing.
        for (const auto& [id, title] : a.agencies)
            if (id == agency_id) agency = id;
    }
    EnrolmentFile f = ParseEnrolmentCsv(csv);
    if (f.error_key == "learning.bulk.file_too_large")
        throw HttpError(413, "too_large", f.error_key);
    if (!f.error_key.empty()) throw HttpError::Validation({{"file", f.error_key}});
    Json rows = Json::array();
    for (const auto& r : f.rows) {
        std::string value = r.value;
        if (r.kind == EnrolmentRow::Kind::kCitizenId)
            value = vault_ ? vault_->Seal(kPayloadCidPurpose, r.value) : "";
        else if (r.kind != EnrolmentRow::Kind::kEmail)
            value.clear();  // a duplicate's or invalid row's value is not needed again
        rows.push_back({{"line", r.line},
                        {"kind", KindText(r.kind)},
                        {"value", value},
                        {"shown", ShownOf(r)},
                        {"error", r.error_key}});
    }
    Json payload = {{"course_id", a.course.id}, {"agency_id", agency}, {"any_person", a.any_person},
                    {"encoding", f.encoding},   {"header", f.header},  {"rows", std::move(rows)}};
    return learning_.db().Write([&](db::Connection& c) {
        std::string id = jobs_.Enqueue(
            kJobKind, payload.dump(),
            {.owner_id = p.user_id, .max_attempts = 3, .subject = "course:" + a.course.id});
        audit::Record(c, caller.actor(), "learning.bulk_enrol", "course", a.course.id,
                      {{"job", id}, {"rows", f.rows.size()}, {"agency_id", agency}});
        return id;
    });
}

std::optional<jobs::Job> BulkEnrolService::Find(const std::string& job_id,
                                                const api::Principal* p) {
    if (!p) return std::nullopt;
    auto job = jobs_.Get(job_id, p);
    if (!job || job->kind != kJobKind) return std::nullopt;
    return job;
}

std::string BulkEnrolService::Run(jobs::JobContext& ctx) {
    Json payload = Json::parse(ctx.payload(), nullptr, false);
    if (!payload.is_object() || !payload["rows"].is_array() || !payload["course_id"].is_string())
        throw jobs::PermanentJobError("learning.bulk_enrol: bad payload");
    const std::string course_id = payload["course_id"];
    const std::string agency = payload.value("agency_id", "");
    // Restricted to the agency's staff unless the owner authors the course (decided at Start).
    const bool restricted = !payload.value("any_person", false);
    const std::string owner = ctx.job().owner_id;
    const Json& rows = payload["rows"];
    auto course =
        learning_.db().Read([&](db::Connection& c) { return store::FindCourse(c, course_id); });
    if (!course) throw jobs::PermanentJobError("learning.bulk_enrol: the course is gone");
    std::string inviter = learning_.db().Read([&](db::Connection& c) {
        auto u = accounts::store::FindUserById(c, owner);
        return u ? u->DisplayName("th") : std::string();
    });

    std::map<std::string, int64_t> counts;
    for (const auto& o : kBulkOutcomeText.all()) counts[std::string(o.second)] = 0;
    Json report_rows = Json::array();
    const audit::Actor actor{owner, ""};

    auto is_staff = [&](db::Connection& c, const std::string& user_id) {
        if (agencies::store::RoleOf(c, user_id, agency)) return true;
        auto profile = store::FindProfile(c, user_id);
        return profile && profile->civil_servant && profile->agency_id == agency;
    };
    // An invitation to `email` (once per address and course); the mail goes out with the
    // transaction (the mail job is queued in it).
    auto invite = [&](db::Connection& c, const std::string& email, bool has_account) {
        Invitation inv{.id = core::NewUuid(),
                       .email = email,
                       .course_id = course->id,
                       .agency_id = agency.empty() ? course->agency_id : agency,
                       .invited_by = owner,
                       .created = core::NowIso()};
        if (!store::InsertInvitation(c, inv)) return false;
        std::string site = config_.site_url;
        std::string course_url = site + "/learning/course/" + course->name;
        std::string action_url = site + (has_account ? "/learning/identity" : "/learning/signup");
        auto text = [&](const std::string& locale) {
            const std::string& title =
                locale == "en" && !course->title_en.empty() ? course->title_en : course->title;
            std::vector<std::pair<std::string, std::string>> v = {
                {"course", title},          {"site", i18n_.SiteTitle(config_.site_title, locale)},
                {"email", email},           {"url", action_url},
                {"course_url", course_url}, {"inviter", inviter}};
            return std::make_pair(
                i18n_.Localize(locale, core::Message("learning.bulk.mail.subject", v)),
                i18n_.Localize(locale, core::Message(has_account ? "learning.bulk.mail.identity"
                                                                 : "learning.bulk.mail.signup",
                                                     v)));
        };
        // The invitee's language is unknown: Thai first, English below.
        auto [th_subject, th_body] = text("th");
        auto [en_subject, en_body] = text("en");
        if (send_mail_)
            send_mail_({email, th_subject + " / " + en_subject,
                        th_body + "\n\n----------------------------------------\n\n" + en_body});
        audit::Record(c, actor, "learning.invite", "course", course->id,
                      {{"job", ctx.job().id}, {"has_account", has_account}});
        return true;
    };
    auto enrol_user = [&](db::Connection& c, const accounts::User& u) {
        if (restricted && !is_staff(c, u.id)) return BulkOutcome::kNotStaff;
        if (u.state == accounts::UserState::kSuspended ||
            u.state == accounts::UserState::kCancelled)
            return BulkOutcome::kNotActive;
        if (!accounts::store::FindIdentity(c, u.id))
            return invite(c, core::ToLower(u.email), true) ? BulkOutcome::kIdentityNeeded
                                                           : BulkOutcome::kAlreadyInvited;
        auto existing = store::FindEnrolment(c, course->id, u.id);
        if (existing && existing->state == EnrolmentState::kActive)
            return BulkOutcome::kAlreadyEnrolled;
        // As self-enrolment: coming back keeps what was done before.
        Enrolment e = existing.value_or(Enrolment{.course_id = course->id, .user_id = u.id});
        e.state = EnrolmentState::kActive;
        e.enrolled_at = core::NowIso();
        store::UpsertEnrolment(c, e);
        audit::Record(c, actor, "learning.enrol", "course", course->id,
                      {{"user_id", u.id}, {"job", ctx.job().id}});
        return BulkOutcome::kEnrolled;
    };
    auto one = [&](db::Connection& c, const Json& row) {
        std::string kind = row.value("kind", "invalid");
        std::string value = row.value("value", "");
        if (kind == "duplicate") return BulkOutcome::kDuplicate;
        if (kind == "email") {
            auto u = accounts::store::FindUserByEmail(c, value);
            // A restricted job (an agency administrator's) reaches only the agency's staff: an
            // address with no account is not_staff as one with someone else's account is, so
            // the report does not tell which addresses have accounts, and it invites no one
            // outside the agency (only a course's authors invite new people).
            if (!u && restricted) return BulkOutcome::kNotStaff;
            if (!u)
                return invite(c, value, false) ? BulkOutcome::kInvited
                                               : BulkOutcome::kAlreadyInvited;
            return enrol_user(c, *u);
        }
        if (kind == "id") {
            std::optional<std::string> digits;
            if (vault_ && !value.empty()) digits = vault_->Open(kPayloadCidPurpose, value);
            std::optional<std::string> user_id;
            if (digits)
                user_id = accounts::store::IdentityOwner(
                    c, vault_->LookupHashes(accounts::kCitizenIdHashPurpose, *digits));
            std::optional<accounts::User> u;
            if (user_id) u = accounts::store::FindUserById(c, *user_id);
            if (!u) return restricted ? BulkOutcome::kNotStaff : BulkOutcome::kNoAccount;
            return enrol_user(c, *u);
        }
        return BulkOutcome::kInvalid;
    };

    const size_t total = rows.size();
    for (size_t start = 0; start < total; start += kChunk) {
        ctx.ThrowIfInterrupted();
        size_t end = std::min(total, start + kChunk);
        Json chunk = Json::array();
        std::map<std::string, int64_t> chunk_counts;
        learning_.db().Write([&](db::Connection& c) {
            chunk = Json::array();
            chunk_counts.clear();
            for (size_t i = start; i < end; ++i) {
                const Json& row = rows[i];
                BulkOutcome o = one(c, row);
                std::string outcome(kBulkOutcomeText.Name(o));
                ++chunk_counts[outcome];
                std::string key = o == BulkOutcome::kInvalid || o == BulkOutcome::kDuplicate
                                      ? row.value("error", std::string())
                                      : OutcomeKey(o);
                if (key.empty()) key = OutcomeKey(o);
                chunk.push_back({{"line", row.value("line", 0)},
                                 {"shown", row.value("shown", "")},
                                 {"outcome", outcome},
                                 {"message_key", key}});
            }
        });
        for (auto& r : chunk) report_rows.push_back(std::move(r));
        for (const auto& [k, n] : chunk_counts) counts[k] += n;
        ctx.Progress(static_cast<int64_t>(end), static_cast<int64_t>(total));
    }
    Json report = {{"course", course->name},
                   {"course_id", course->id},
                   {"agency_id", agency},
                   {"encoding", payload.value("encoding", "")},
                   {"header", payload.value("header", false)},
                   {"total", total},
                   {"counts", counts},
                   {"rows", std::move(report_rows)}};
    learning_.db().Write([&](db::Connection& c) {
        audit::Record(c, actor, "learning.bulk_enrol.done", "course", course->id,
                      {{"job", ctx.job().id}, {"counts", counts}});
    });
    return report.dump();
}

int BulkEnrolService::AcceptInvitations(const std::string& user_id) {
    return learning_.db().Write([&](db::Connection& c) {
        int n = 0;
        auto user = accounts::store::FindUserById(c, user_id);
        if (!user || user->email.empty()) return n;
        std::string address = core::ToLower(core::Trim(user->email));
        std::string now = core::NowIso();
        for (const auto& inv : store::PendingInvitations(c, address)) {
            store::MarkInvitationAccepted(c, inv.id, now);
            auto course = store::FindCourse(c, inv.course_id);
            if (!course) continue;
            auto existing = store::FindEnrolment(c, course->id, user_id);
            if (existing && existing->state == EnrolmentState::kActive) continue;
            Enrolment e = existing.value_or(Enrolment{.course_id = course->id, .user_id = user_id});
            e.state = EnrolmentState::kActive;
            e.enrolled_at = now;
            store::UpsertEnrolment(c, e);
            audit::Record(c, {user_id, ""}, "learning.enrol", "course", course->id,
                          {{"invitation", inv.id}, {"invited_by", inv.invited_by}});
            ++n;
        }
        return n;
    });
}

void RegisterBulkEnrolJob(jobs::JobRunner& runner, BulkEnrolService& bulk) {
    runner.Register(BulkEnrolService::kJobKind,
                    [&bulk](jobs::JobContext& ctx) { return bulk.Run(ctx); });
}

std::string BulkReportCsv(const nlohmann::json& report,
                          const std::function<std::string(const std::string&)>& t) {
    // A cell Excel would run as a formula starts with an apostrophe (a row is as typed).
    auto cell = [](const std::string& s) { return core::SpreadsheetCsvField(s, ','); };
    std::string out = "\xEF\xBB\xBF";
    out += cell(t("learning.bulk.csv.line")) + "," + cell(t("learning.bulk.csv.row")) + "," +
           cell(t("learning.bulk.csv.outcome")) + "," + cell(t("learning.bulk.csv.message")) +
           "\r\n";
    if (!report.is_object() || !report.contains("rows")) return out;
    for (const auto& r : report["rows"]) {
        out += std::to_string(r.value("line", 0)) + "," + cell(r.value("shown", "")) + "," +
               cell(r.value("outcome", "")) + "," + cell(t(r.value("message_key", std::string()))) +
               "\r\n";
    }
    return out;
}

}  // namespace govhub::learning
