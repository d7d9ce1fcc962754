// Learning's report SQL (migration learning:9, issue 17): confirmed staff membership, the
// agency HR report and the course report. See store_reports.hpp.
#include "learning/store_reports.hpp"

#include "db/row_reader.hpp"
#include "learning/store.hpp"

namespace govhub::learning::store {

void AddReportMigrations(db::MigrationSet& set) {
    set.Add({.module = "learning",
             .version = 9,
             .name = "declared agency date, the learner's notice of a declined membership",
             .sql = R"sql(
ALTER TABLE learning_profiles ADD COLUMN agency_declared_at TEXT NOT NULL DEFAULT '';
ALTER TABLE learning_profiles ADD COLUMN agency_notice_id TEXT NOT NULL DEFAULT '';
ALTER TABLE learning_profiles ADD COLUMN agency_notice_at TEXT NOT NULL DEFAULT '';
ALTER TABLE learning_profiles ADD COLUMN agency_notice_how TEXT NOT NULL DEFAULT '';
CREATE INDEX learning_profiles_agency ON learning_profiles (agency_id, agency_confirmed_at);
)sql"});
}

std::vector<AgencyStaffRow> AgencyStaff(db::Connection& c, const std::string& agency_id) {
    std::vector<AgencyStaffRow> out;
    for (const auto& row :
         c.Query("SELECT u.id, u.name, u.fullname_th, u.fullname_en, p.position, "
                 "CASE WHEN p.agency_declared_at <> '' THEN p.agency_declared_at ELSE p.consent_at "
                 "END, "
                 "p.agency_confirmed_at, p.agency_confirmed_by FROM learning_profiles p "
                 "JOIN users u ON u.id = p.user_id WHERE p.agency_id = ? AND p.civil_servant = 1 "
                 "ORDER BY CASE WHEN p.agency_confirmed_at = '' THEN 0 ELSE 1 END, "
                 "CASE WHEN p.agency_confirmed_at = '' THEN p.agency_declared_at ELSE '' END, "
                 "u.fullname_th, u.name",
                 {agency_id})) {
        db::RowReader r(row);
        AgencyStaffRow s;
        s.user_id = r.Str();
        s.name = r.Str();
        s.fullname_th = r.Str();
        s.fullname_en = r.Str();
        s.position = r.Str();
        s.declared_at = r.Str();
        s.confirmed_at = r.Str();
        s.confirmed_by = r.Str();
        out.push_back(std::move(s));
    }
    return out;
}

bool ConfirmMembership(db::Connection& c, const std::string& user_id, const std::string& agency_id,
                       const std::string& by, const std::string& at) {
    return c.Exec(
               "UPDATE learning_profiles SET agency_confirmed_at = ?, agency_confirmed_by = ? "
               "WHERE user_id = ? AND agency_id = ? AND civil_servant = 1 "
               "AND agency_confirmed_at = ''",
               {at, by, user_id, agency_id}) > 0;
}

bool EndMembership(db::Connection& c, const std::string& user_id, const std::string& agency_id,
                   const std::string& how, const std::string& at) {
    // civil_servant goes too: the profile's rule is that a civil servant names an agency.
    return c.Exec(
               "UPDATE learning_profiles SET agency_id = NULL, position = '', civil_servant = 0, "
               "agency_declared_at = '', agency_confirmed_at = '', agency_confirmed_by = '', "
               "agency_notice_id = ?, agency_notice_at = ?, agency_notice_how = ? "
               "WHERE user_id = ? AND agency_id = ?",
               {agency_id, at, how, user_id, agency_id}) > 0;
}

namespace {

// Rows of (name, title, title_en).
std::vector<OpenCourse> ToCourses(const db::Rows& rows) {
    std::vector<OpenCourse> out;
    for (const auto& row : rows) {
        db::RowReader r(row);
        OpenCourse o;
        o.name = r.Str();
        o.title = r.Str();
        o.title_en = r.Str();
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace

std::vector<OpenCourse> OpenCourses(db::Connection& c, int limit) {
    return ToCourses(
        c.Query("SELECT name, title, title_en FROM learning_courses "
                "WHERE state = 'published' AND enrol_key_hash = '' ORDER BY title, name LIMIT ?",
                {int64_t{limit}}));
}

std::vector<OpenCourse> StaffCourses(db::Connection& c, const std::string& agency_id, int limit) {
    return ToCourses(
        c.Query("SELECT DISTINCT c.name, c.title, c.title_en FROM learning_enrolments e "
                "JOIN learning_profiles p ON p.user_id = e.user_id "
                "JOIN learning_courses c ON c.id = e.course_id "
                "WHERE p.agency_id = ? AND p.civil_servant = 1 AND p.agency_confirmed_at <> '' "
                "ORDER BY c.title, c.name LIMIT ?",
                {agency_id, int64_t{limit}}));
}

std::optional<MembershipNotice> FindMembershipNotice(db::Connection& c,
                                                     const std::string& user_id) {
    auto row = c.One(
        "SELECT agency_notice_id, agency_notice_at, agency_notice_how FROM learning_profiles "
        "WHERE user_id = ? AND agency_notice_id <> ''",
        {user_id});
    if (!row) return std::nullopt;
    db::RowReader r(*row);
    MembershipNotice n;
    n.agency_id = r.Str();
    n.at = r.Str();
    n.how = r.Str();
    return n;
}

void ClearMembershipNotice(db::Connection& c, const std::string& user_id) {
    c.Exec(
        "UPDATE learning_profiles SET agency_notice_id = '', agency_notice_at = '', "
        "agency_notice_how = '' WHERE user_id = ? AND agency_notice_id <> ''",
        {user_id});
}

namespace {

// The FROM and WHERE of a report with its parameters. The agency report starts from the
// agency's confirmed staff (so one with no enrolment is a line of its own); the course report
// from the course's active enrolments.
std::string ReportFrom(const ReportFilter& f, std::vector<db::Value>& params) {
    std::string sql;
    if (!f.agency_id.empty()) {
        sql =
            " FROM learning_profiles p JOIN users u ON u.id = p.user_id "
            "LEFT JOIN learning_enrolments e ON e.user_id = p.user_id AND e.state = 'active'";
        if (!f.course_id.empty()) {
            sql += " AND e.course_id = ?";
            params.emplace_back(f.course_id);
        }
        sql += " WHERE p.agency_id = ? AND p.civil_servant = 1 AND p.agency_confirmed_at <> ''";
        params.emplace_back(f.agency_id);
    } else {
        sql =
            " FROM learning_enrolments e JOIN users u ON u.id = e.user_id "
            "LEFT JOIN learning_profiles p ON p.user_id = e.user_id "
            "WHERE e.course_id = ? AND e.state = 'active'";
        params.emplace_back(f.course_id);
    }
    if (f.date_field == "enrolled" || f.date_field == "completed") {
        std::string col = f.date_field == "enrolled" ? "e.enrolled_at" : "e.completed_at";
        if (f.date_field == "completed") sql += std::string(" AND ") + kCompletionCountsSql;
        if (!f.from.empty()) {
            sql += " AND " + col + " >= ?";
            params.emplace_back(f.from);
        }
        if (!f.to.empty()) {
            sql += " AND " + col + " < ?";
            params.emplace_back(f.to);
        }
    }
    // An annulled completion is not a completion (issue 17: staff annul an invalid result)
    // unless recorded again after it. Not completed includes a member with no enrolment (the
    // LEFT JOIN's NULLs).
    if (f.status == "completed")
        sql += std::string(" AND ") + kCompletionCountsSql;
    else if (f.status == "not_completed")
        sql += std::string(" AND (e.completed_at IS NULL OR NOT ") + kCompletionCountsSql + ")";
    return sql;
}

}  // namespace

std::vector<ReportRow> ReportRows(db::Connection& c, const ReportFilter& f) {
    std::vector<db::Value> params;
    std::string from = ReportFrom(f, params);
    std::string sql =
        "SELECT u.id, u.name, u.fullname_th, u.fullname_en, COALESCE(p.position, ''), "
        "co.id, co.name, co.title, co.title_en, e.enrolled_at, e.completed_at, e.annulled_at, "
        "e.study_seconds, "
        "(SELECT COUNT(*) FROM learning_progress pr JOIN learning_lessons l ON l.id = pr.lesson_id "
        " WHERE pr.course_id = e.course_id AND pr.user_id = e.user_id AND pr.completed = 1 "
        " AND l.required = 1), "
        "(SELECT COUNT(*) FROM learning_lessons l WHERE l.course_id = e.course_id "
        " AND l.required = 1), "
        "(SELECT MAX(pr.score) FROM learning_progress pr WHERE pr.course_id = e.course_id "
        " AND pr.user_id = e.user_id), "
        "x.code, x.issued_at, x.revoked_at" +
        from.substr(0, from.find(" WHERE ")) +
        " LEFT JOIN learning_courses co ON co.id = e.course_id "
        "LEFT JOIN learning_certificates x ON x.id = (SELECT x2.id FROM learning_certificates x2 "
        " WHERE x2.course_id = e.course_id AND x2.user_id = e.user_id "
        " ORDER BY x2.issued_at DESC LIMIT 1)" +
        from.substr(from.find(" WHERE ")) +
        " ORDER BY u.fullname_th, u.name, u.id, COALESCE(co.title, ''), COALESCE(co.id, '') "
        "LIMIT ? OFFSET ?";
    params.emplace_back(static_cast<int64_t>(f.limit));
    params.emplace_back(static_cast<int64_t>(f.offset));
    std::vector<ReportRow> out;
    for (const auto& row : c.Query(sql, params)) {
        db::RowReader r(row);
        ReportRow x;
        x.user_id = r.Str();
        x.user_name = r.Str();
        x.fullname_th = r.Str();
        x.fullname_en = r.Str();
        x.position = r.Str();
        x.course_id = r.Str();
        x.course_name = r.Str();
        x.course_title = r.Str();
        x.course_title_en = r.Str();
        x.enrolled_at = r.Str();
        x.completed_at = r.Str();
        x.annulled_at = r.Str();
        x.study_seconds = r.Int();
        x.lessons_done = r.Int();
        x.lessons_required = r.Int();
        if (auto s = r.OptStr()) x.score = std::stoll(*s);
        x.certificate_code = r.Str();
        x.certificate_issued_at = r.Str();
        x.certificate_revoked_at = r.Str();
        out.push_back(std::move(x));
    }
    return out;
}

int64_t CountReportRows(db::Connection& c, const ReportFilter& f) {
    std::vector<db::Value> params;
    std::string from = ReportFrom(f, params);
    auto row = c.One("SELECT COUNT(*)" + from, params);
    return row ? row->Int(0) : 0;
}

CourseTotals CourseReportTotals(db::Connection& c, const std::string& course_id) {
    CourseTotals t;
    if (auto row =
            c.One(std::string("SELECT COUNT(*), COALESCE(SUM(CASE WHEN ") + kCompletionCountsSql +
                      " THEN 1 ELSE 0 END), 0) FROM learning_enrolments e WHERE e.course_id = ? "
                      "AND e.state = 'active'",
                  {course_id})) {
        t.enrolled = row->Int(0);
        t.completed = row->Int(1);
    }
    if (auto row =
            c.One("SELECT COUNT(*), COALESCE(SUM(CASE WHEN revoked_at <> '' THEN 1 ELSE 0 END), 0) "
                  "FROM learning_certificates WHERE course_id = ?",
                  {course_id})) {
        t.certificates = row->Int(0);
        t.revoked = row->Int(1);
    }
    if (auto row = c.One(
            "SELECT AVG(best) FROM (SELECT MAX(pr.score) AS best FROM learning_progress pr "
            "JOIN learning_enrolments e ON e.course_id = pr.course_id AND e.user_id = pr.user_id "
            "AND e.state = 'active' WHERE pr.course_id = ? AND pr.score IS NOT NULL "
            "GROUP BY pr.user_id) s",
            {course_id});
        row && !row->IsNull(0))
        t.average_score = row->Double(0);
    return t;
}

}  // namespace govhub::learning::store
