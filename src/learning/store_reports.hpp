#pragma once
// Learning's report SQL (store_reports.cpp; migration learning:9, issue 17): an agency's
// declared and confirmed staff, the learner's notice of a declined or ended membership, the
// agency HR report (confirmed staff × courses × status) and a course's report.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"

namespace govhub::learning::store {

void AddReportMigrations(db::MigrationSet& set);

// One learner who declared an agency in their learning profile.
struct AgencyStaffRow {
    std::string user_id, name, fullname_th, fullname_en, position;
    std::string declared_at;  // when the agency was declared ("" for profiles from before)
    std::string confirmed_at, confirmed_by;  // "" while pending
};
// Pending first (oldest declaration first), then confirmed by name.
std::vector<AgencyStaffRow> AgencyStaff(db::Connection& c, const std::string& agency_id);
// Confirms a pending declaration of `agency_id`; false when the user has not declared it or it
// is confirmed already.
bool ConfirmMembership(db::Connection& c, const std::string& user_id, const std::string& agency_id,
                       const std::string& by, const std::string& at);
// Ends a declaration of `agency_id` (declined while pending, or removed once confirmed): the
// profile's agency and position are cleared and the learner is left a notice (`how`:
// "declined" | "removed"). False when the user's declared agency is not `agency_id`.
bool EndMembership(db::Connection& c, const std::string& user_id, const std::string& agency_id,
                   const std::string& how, const std::string& at);

// The courses an agency's administrator may enrol staff in (bulk_enrol.hpp): published, no
// enrolment key; by Thai title, at most `limit`.
struct OpenCourse {
    std::string name, title, title_en;
};
std::vector<OpenCourse> OpenCourses(db::Connection& c, int limit);
// The courses an agency's confirmed staff are enrolled in (the HR report's course filter), by
// Thai title, at most `limit`.
std::vector<OpenCourse> StaffCourses(db::Connection& c, const std::string& agency_id, int limit);

// What the learner is told about a membership an agency declined or ended.
struct MembershipNotice {
    std::string agency_id, at, how;  // how: "declined" | "removed"
};
std::optional<MembershipNotice> FindMembershipNotice(db::Connection& c, const std::string& user_id);
void ClearMembershipNotice(db::Connection& c, const std::string& user_id);

// One line of a report: a learner and one course (course fields empty for confirmed staff
// with no enrolment, in the agency report).
struct ReportRow {
    std::string user_id, user_name, fullname_th, fullname_en, position;
    std::string course_id, course_name, course_title, course_title_en;
    std::string enrolled_at, completed_at, annulled_at;
    int64_t study_seconds = 0;
    int64_t lessons_done = 0, lessons_required = 0;
    std::optional<int64_t> score;  // the best quiz or SCORM score of the course's lessons
    std::string certificate_code, certificate_issued_at, certificate_revoked_at;
};
struct ReportFilter {
    std::string agency_id;   // agency report: its confirmed staff
    std::string course_id;   // course report: its learners; agency report: that course only
    std::string date_field;  // "enrolled" | "completed" | "" (no range)
    std::string from, to;    // UTC ISO bounds: from <= t < to ("" open)
    std::string status;      // "completed" | "not_completed" | ""
    int limit = 50, offset = 0;
};
std::vector<ReportRow> ReportRows(db::Connection& c, const ReportFilter& f);
int64_t CountReportRows(db::Connection& c, const ReportFilter& f);

// A course's totals (active enrolments).
struct CourseTotals {
    int64_t enrolled = 0, completed = 0;
    int64_t certificates = 0, revoked = 0;
    std::optional<double> average_score;  // over learners with a score, of their best score
};
CourseTotals CourseReportTotals(db::Connection& c, const std::string& course_id);

}  // namespace govhub::learning::store
