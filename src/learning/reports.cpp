#include "learning/reports.hpp"

#include <algorithm>

#include "accounts/store.hpp"
#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "learning/store.hpp"

namespace govhub::learning {
namespace {

// The agency by name or id: 404 when there is none, 401/403 when the reader is not one of its
// administrators (nor a sysadmin).
agencies::Agency ManagedAgency(db::Connection& c, const std::string& key, const api::Principal* p) {
    auto a = key.empty() || key.size() > 200 ? std::nullopt : agencies::store::Find(c, key);
    if (!a) throw HttpError::NotFound("learning.report.no_such_agency");
    api::RequireUser(p);
    if (p->sysadmin) return *a;
    auto role = agencies::store::RoleOf(c, p->user_id, a->id);
    if (!role || *role != agencies::Role::kAdmin)
        throw HttpError::Forbidden("learning.agency_staff.may_not_manage");
    return *a;
}

accounts::User NamedUser(db::Connection& c, const std::string& user) {
    std::string key = core::Trim(user);
    auto u = key.empty() || key.size() > 200 ? std::nullopt : accounts::store::FindUser(c, key);
    if (!u)
        throw HttpError(404, "no_such_user", "learning.agency_staff.no_such_user",
                        {{"user", "learning.agency_staff.no_such_user"}});
    return *u;
}

// A day typed by the reader as UTC bounds of that day in Thai time (UTC+7): its start, and
// the start of the next day.
constexpr int64_t kHour = int64_t{3600} * 1000000;

std::optional<std::string> DayStartUtc(const std::string& typed, bool next_day,
                                       std::vector<FieldError>& errors, const char* field) {
    std::string t = core::Trim(typed);
    if (t.empty()) return std::string();
    auto iso = t.size() <= 40 ? core::FormDateToIso(t) : std::nullopt;
    int64_t midnight = iso ? core::ParseIsoMicros(*iso + "T00:00:00Z") : -1;
    if (midnight < 0) {
        errors.push_back({field, "learning.report.bad_date"});
        return std::nullopt;
    }
    return core::IsoUtc(midnight - 7 * kHour + (next_day ? 24 * kHour : 0));
}

void ApplyQuery(db::Connection& c, const ReportQuery& q, bool agency_report, store::ReportFilter& f,
                Course& course) {
    std::vector<FieldError> errors;
    if (agency_report && !core::Trim(q.course).empty()) {
        auto found = store::FindCourse(c, core::Trim(q.course));
        if (!found)
            errors.push_back({"course", "learning.course_not_found"});
        else {
            course = *found;
            f.course_id = found->id;
        }
    }
    if (!q.status.empty() && q.status != "completed" && q.status != "not_completed")
        errors.push_back({"status", "learning.report.bad_status"});
    else
        f.status = q.status;
    if (!q.date_field.empty() && q.date_field != "enrolled" && q.date_field != "completed")
        errors.push_back({"date_field", "learning.report.bad_date_field"});
    auto from = DayStartUtc(q.from, false, errors, "from");
    auto to = DayStartUtc(q.to, true, errors, "to");
    if (from && to && !from->empty() && !to->empty() && *to <= *from)
        errors.push_back({"to", "learning.report.to_before_from"});
    if (!errors.empty()) throw HttpError::Validation(std::move(errors));
    if (!from->empty() || !to->empty()) {
        f.date_field = q.date_field.empty() ? "enrolled" : q.date_field;
        f.from = *from;
        f.to = *to;
    }
    f.limit = ResolvedReport::kPerPage;
    f.offset = (std::clamp(q.page, 1, 100000) - 1) * ResolvedReport::kPerPage;
}

}  // namespace

int ReportPercent(const store::ReportRow& r) {
    if (ReportCompleted(r)) return 100;
    if (r.lessons_required <= 0) return 0;
    return static_cast<int>(std::min<int64_t>(99, r.lessons_done * 100 / r.lessons_required));
}

bool ReportCompleted(const store::ReportRow& r) {
    return CompletionCounts(r.completed_at, r.annulled_at);
}

// ---- staff membership

AgencyStaffList ReportService::Staff(const std::string& agency, const api::Principal* p,
                                     const std::string& locale) {
    return learning_.db().Read([&](db::Connection& c) {
        agencies::Agency a = ManagedAgency(c, agency, p);
        AgencyStaffList out;
        out.agency = {a.id, a.name, a.Title(locale)};
        for (auto& s : store::AgencyStaff(c, a.id)) {
            StaffEntry e{s.user_id,
                         s.name,
                         locale == "en" && !s.fullname_en.empty() ? s.fullname_en
                         : s.fullname_th.empty()                  ? s.name
                                                                  : s.fullname_th,
                         s.position,
                         s.declared_at,
                         s.confirmed_at};
            (s.confirmed_at.empty() ? out.pending : out.confirmed).push_back(std::move(e));
        }
        return out;
    });
}

bool ReportService::Confirm(const std::string& agency, const std::string& user,
                            const api::Caller& caller) {
    return learning_.db().Write([&](db::Connection& c) {
        agencies::Agency a = ManagedAgency(c, agency, caller.principal);
        accounts::User u = NamedUser(c, user);
        auto profile = store::FindProfile(c, u.id);
        if (!profile || profile->agency_id != a.id || !profile->civil_servant)
            throw HttpError(404, "no_such_user", "learning.agency_staff.not_declared",
                            {{"user", "learning.agency_staff.not_declared"}});
        if (!store::ConfirmMembership(c, u.id, a.id, caller.principal->user_id, core::NowIso()))
            return false;
        audit::Record(c, caller.actor(), "learning.agency_staff.confirm", "user", u.id,
                      {{"agency", a.id}, {"agency_name", a.name}, {"name", u.name}});
        return true;
    });
}

bool ReportService::Decline(const std::string& agency, const std::string& user,
                            const api::Caller& caller) {
    return learning_.db().Write([&](db::Connection& c) {
        agencies::Agency a = ManagedAgency(c, agency, caller.principal);
        accounts::User u = NamedUser(c, user);
        auto profile = store::FindProfile(c, u.id);
        if (!profile || profile->agency_id != a.id) return false;
        bool was_confirmed = !profile->agency_confirmed_at.empty();
        std::string how = was_confirmed ? "removed" : "declined";
        if (!store::EndMembership(c, u.id, a.id, how, core::NowIso())) return false;
        audit::Record(
            c, caller.actor(),
            was_confirmed ? "learning.agency_staff.remove" : "learning.agency_staff.decline",
            "user", u.id, {{"agency", a.id}, {"agency_name", a.name}, {"name", u.name}});
        return true;
    });
}

MembershipStatus ReportService::Membership(const std::string& user_id, const std::string& locale) {
    return learning_.db().Read([&](db::Connection& c) {
        MembershipStatus s;
        if (auto p = store::FindProfile(c, user_id);
            p && p->civil_servant && !p->agency_id.empty()) {
            if (auto a = agencies::store::Find(c, p->agency_id)) {
                s.agency_title = a->Title(locale);
                s.agency_id = a->id;
                s.agency_name = a->name;
            }
            s.confirmed = !p->agency_confirmed_at.empty();
            s.declared_at = p->agency_declared_at;
            s.confirmed_at = p->agency_confirmed_at;
        }
        s.notice = store::FindMembershipNotice(c, user_id);
        if (s.notice)
            if (auto a = agencies::store::Find(c, s.notice->agency_id))
                s.notice_agency_title = a->Title(locale);
        return s;
    });
}

std::vector<AgencyRef> ReportService::ManagedAgencies(const api::Principal* p,
                                                      const std::string& locale) {
    std::vector<AgencyRef> out;
    if (!p) return out;
    learning_.db().Read([&](db::Connection& c) {
        // A sysadmin reaches every agency from its page; here only their own administrations.
        for (const auto& [a, role] : agencies::store::OfUser(c, p->user_id))
            if (role == agencies::Role::kAdmin) out.push_back({a.id, a.name, a.Title(locale)});
        return 0;
    });
    std::sort(out.begin(), out.end(),
              [](const auto& x, const auto& y) { return x.title < y.title; });
    return out;
}

EnrolChoices ReportService::EnrolCourses(const std::string& agency, const api::Principal* p,
                                         const std::string& locale) {
    return learning_.db().Read([&](db::Connection& c) {
        agencies::Agency a = ManagedAgency(c, agency, p);
        EnrolChoices out;
        out.agency = {a.id, a.name, a.Title(locale)};
        for (auto& o : store::OpenCourses(c, kMaxEnrolCourses))
            out.courses.emplace_back(o.name,
                                     locale == "en" && !o.title_en.empty() ? o.title_en : o.title);
        return out;
    });
}

std::string ReportService::EnrolTarget(const std::string& agency, const std::string& course,
                                       const api::Principal* p) {
    return learning_.db().Read([&](db::Connection& c) {
        agencies::Agency a = ManagedAgency(c, agency, p);
        std::string key = core::Trim(course);
        auto co = key.empty() || key.size() > 200 ? std::nullopt : store::FindCourse(c, key);
        if (!co || co->state != CourseState::kPublished || !co->enrol_key_hash.empty())
            throw HttpError::NotFound("learning.course_not_found");
        return "/learning/course/" + core::UrlEncode(co->name) +
               "/enrol-bulk?agency_id=" + core::UrlEncode(a.id);
    });
}

// ---- reports

ResolvedReport ReportService::AgencyReport(const std::string& agency, const ReportQuery& q,
                                           const api::Principal* p, const std::string& locale) {
    return learning_.db().Read([&](db::Connection& c) {
        agencies::Agency a = ManagedAgency(c, agency, p);
        ResolvedReport r;
        r.agency_ = {a.id, a.name, a.Title(locale)};
        r.filter_.agency_id = a.id;
        ApplyQuery(c, q, true, r.filter_, r.course_);
        r.page_ = std::clamp(q.page, 1, 100000);
        return r;
    });
}

ResolvedReport ReportService::CourseReport(const std::string& course, const ReportQuery& q,
                                           const api::Principal* p) {
    return learning_.db().Read([&](db::Connection& c) {
        auto found =
            course.empty() || course.size() > 200 ? std::nullopt : store::FindCourse(c, course);
        if (!found) throw HttpError::NotFound("learning.course_not_found");
        api::RequireUser(p);
        if (!learning_.MayAuthor(c, *found, p))
            throw HttpError::Forbidden("learning.report.may_not_read");
        ResolvedReport r;
        r.course_ = *found;
        r.filter_.course_id = found->id;
        ReportQuery course_q = q;
        course_q.course.clear();
        Course unused;
        ApplyQuery(c, course_q, false, r.filter_, unused);
        r.page_ = std::clamp(q.page, 1, 100000);
        return r;
    });
}

ReportPage ReportService::Page(const ResolvedReport& r) {
    return learning_.db().Read([&](db::Connection& c) {
        return ReportPage{store::ReportRows(c, r.filter_), store::CountReportRows(c, r.filter_)};
    });
}

std::function<std::vector<store::ReportRow>()> ReportService::Batches(const ResolvedReport& r,
                                                                      int batch) {
    auto filter = std::make_shared<store::ReportFilter>(r.filter_);
    filter->limit = batch;
    filter->offset = 0;
    return [this, filter]() {
        auto rows =
            learning_.db().Read([&](db::Connection& c) { return store::ReportRows(c, *filter); });
        filter->offset += filter->limit;
        return rows;
    };
}

store::CourseTotals ReportService::Totals(const ResolvedReport& r) {
    return learning_.db().Read(
        [&](db::Connection& c) { return store::CourseReportTotals(c, r.course_.id); });
}

std::vector<std::pair<std::string, std::string>> ReportService::StaffCourses(
    const std::string& agency_id, const std::string& locale) {
    std::vector<std::pair<std::string, std::string>> out;
    learning_.db().Read([&](db::Connection& c) {
        for (const auto& o : store::StaffCourses(c, agency_id, kMaxEnrolCourses))
            out.emplace_back(o.name, locale == "en" && !o.title_en.empty() ? o.title_en : o.title);
        return 0;
    });
    return out;
}

}  // namespace govhub::learning
