#pragma once
// Learning's reports (issue 17, step 7): an agency's staff membership, confirmed by its
// administrators (a learner's declared agency stays pending until then), the agency HR report
// over its confirmed staff only, and a course's report for those who author it. Permissions:
//   staff list, confirm / decline / remove, HR report — a sysadmin or an admin of the agency
//   (agencies' Role::kAdmin), as MayManageStaff reads agency admins;
//   course report — LearningService::MayAuthor (a sysadmin, the creator, the agency's editors
//   and admins, the course staff: those who teach it see their learners, as in Moodle).
// Unknown agency or course 404; signed in without the right 403; anonymous 401.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/principal.hpp"
#include "learning/service.hpp"
#include "learning/store_reports.hpp"

namespace govhub::learning {

struct AgencyRef {
    std::string id, name, title;  // title in the reader's language
};

struct StaffEntry {
    std::string user_id, name, display_name, position;
    std::string declared_at, confirmed_at;  // ISO ("" while pending)
};
struct AgencyStaffList {
    AgencyRef agency;
    std::vector<StaffEntry> pending, confirmed;
};

// The courses an agency's administrator may enrol its staff in (ReportService::EnrolCourses).
struct EnrolChoices {
    AgencyRef agency;
    std::vector<std::pair<std::string, std::string>> courses;  // name, title
};

// Where a learner's declared agency stands, for the learner (profile, identity page).
struct MembershipStatus {
    std::string agency_title;  // "" when no agency is declared
    std::string agency_id, agency_name;
    bool confirmed = false;
    std::string declared_at, confirmed_at;          // ISO
    std::optional<store::MembershipNotice> notice;  // an agency declined or ended it
    std::string notice_agency_title;
};

// A report's filters as the reader typed them (query string or JSON): dates Gregorian or
// Buddhist-era (core::FormDateToIso), in Thai time.
struct ReportQuery {
    std::string course;      // agency report: a course name or id ("" all)
    std::string date_field;  // enrolled | completed ("" = enrolled when a date is given)
    std::string from, to;    // inclusive days
    std::string status;      // completed | not_completed | ""
    int page = 1;
};

// A report the reader may read: its rows only through ReportService. Built by the service
// after the permission check, so holding one is the permission.
class ResolvedReport {
  public:
    const AgencyRef& agency() const { return agency_; }  // agency report
    const Course& course() const { return course_; }     // course report, or the agency filter
    bool agency_report() const { return !filter_.agency_id.empty(); }
    int page() const { return page_; }
    static constexpr int kPerPage = 50;

  private:
    friend class ReportService;
    store::ReportFilter filter_;
    AgencyRef agency_;
    Course course_;
    int page_ = 1;
};

struct ReportPage {
    std::vector<store::ReportRow> rows;
    int64_t total = 0;
};

class ReportService {
  public:
    explicit ReportService(LearningService& learning) : learning_(learning) {}

    // ---- staff membership
    AgencyStaffList Staff(const std::string& agency, const api::Principal* p,
                          const std::string& locale);
    // By user name or id. False when nothing changed (not pending, or not declared here).
    // 404 learning.report.no_such_user for a user who declared no such agency.
    bool Confirm(const std::string& agency, const std::string& user, const api::Caller& caller);
    // Declines a pending declaration or removes a confirmed member: the learner's agency is
    // cleared and their profile tells them which agency did it and when.
    bool Decline(const std::string& agency, const std::string& user, const api::Caller& caller);
    MembershipStatus Membership(const std::string& user_id, const std::string& locale);
    // Agencies whose staff the principal manages (the links on "my courses"), by title.
    std::vector<AgencyRef> ManagedAgencies(const api::Principal* p, const std::string& locale);
    // The staff page's "Enrol staff in a course": the courses whose bulk enrolment page takes
    // this agency's staff from its administrator (BulkEnrolService::Access: published, no
    // enrolment key), as (name, title in the reader's language), by Thai title, at most
    // kMaxEnrolCourses. The staff page's permission.
    static constexpr int kMaxEnrolCourses = 500;
    EnrolChoices EnrolCourses(const std::string& agency, const api::Principal* p,
                              const std::string& locale);
    // Where the picker leads: that course's bulk enrolment page for this agency. 404
    // learning.course_not_found for a course not offered by EnrolCourses.
    std::string EnrolTarget(const std::string& agency, const std::string& course,
                            const api::Principal* p);

    // ---- reports. Throw 422 with field errors (course, from, to, status, date_field).
    ResolvedReport AgencyReport(const std::string& agency, const ReportQuery& q,
                                const api::Principal* p, const std::string& locale);
    ResolvedReport CourseReport(const std::string& course, const ReportQuery& q,
                                const api::Principal* p);
    ReportPage Page(const ResolvedReport& r);
    // The agency report's course filter: (name, title in the reader's language) of the courses
    // its confirmed staff are enrolled in.
    std::vector<std::pair<std::string, std::string>> StaffCourses(const std::string& agency_id,
                                                                  const std::string& locale);
    // Every row (downloads): in batches of `batch` rows; an empty batch ends it.
    std::function<std::vector<store::ReportRow>()> Batches(const ResolvedReport& r,
                                                           int batch = 1000);
    store::CourseTotals Totals(const ResolvedReport& r);

  private:
    LearningService& learning_;
};

// A report row's progress in percent (100 once completed).
int ReportPercent(const store::ReportRow& r);
bool ReportCompleted(const store::ReportRow& r);

}  // namespace govhub::learning
