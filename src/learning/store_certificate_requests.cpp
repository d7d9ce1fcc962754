// What certificate requests read and change besides the certificates themselves (issue 17): a
// course's version and auto-approve flag, the course version a completion was earned on, and
// the annulment of a completion. The columns are migration learning:6's.
#include "db/row_reader.hpp"
#include "learning/store.hpp"

namespace govhub::learning::store {

int CourseVersion(db::Connection& c, const std::string& course_id) {
    auto row = c.One("SELECT version FROM learning_courses WHERE id = ?", {course_id});
    return row ? static_cast<int>(db::RowReader(*row).Int()) : 0;
}

void BumpCourseVersion(db::Connection& c, const std::string& course_id) {
    c.Exec("UPDATE learning_courses SET version = version + 1 WHERE id = ?", {course_id});
}

bool CertificateAutoApprove(db::Connection& c, const std::string& course_id) {
    auto row =
        c.One("SELECT certificate_auto_approve FROM learning_courses WHERE id = ?", {course_id});
    return row && db::RowReader(*row).Int() != 0;
}

void SetCertificateAutoApprove(db::Connection& c, const std::string& course_id, bool on) {
    c.Exec("UPDATE learning_courses SET certificate_auto_approve = ? WHERE id = ?",
           {int64_t{on ? 1 : 0}, course_id});
}

void RecordCompletionVersion(db::Connection& c, const std::string& course_id,
                             const std::string& user_id) {
    c.Exec(
        "UPDATE learning_enrolments SET course_version = (SELECT version FROM learning_courses "
        "WHERE id = ?) WHERE course_id = ? AND user_id = ?",
        {course_id, course_id, user_id});
}

namespace {
constexpr const char* kCompletionColumns =
    "e.user_id, u.name, u.fullname_th, u.fullname_en, e.completed_at, e.course_version, "
    "e.annulled_at, e.annul_reason, e.annulled_by";

Completion ToCompletion(const db::Row& row) {
    db::RowReader r(row);
    Completion x;
    x.user_id = r.Str();
    x.user_name = r.Str();
    x.fullname_th = r.Str();
    x.fullname_en = r.Str();
    x.completed_at = r.Str();
    x.course_version = static_cast<int>(r.Int());
    x.annulled_at = r.Str();
    x.annul_reason = r.Str();
    x.annulled_by = r.Str();
    return x;
}
}  // namespace

std::optional<Completion> FindCompletion(db::Connection& c, const std::string& course_id,
                                         const std::string& user_id) {
    auto row = c.One(std::string("SELECT ") + kCompletionColumns +
                         " FROM learning_enrolments e JOIN users u ON u.id = e.user_id "
                         "WHERE e.course_id = ? AND e.user_id = ? AND e.state = 'active'",
                     {course_id, user_id});
    if (!row) return std::nullopt;
    return ToCompletion(*row);
}

std::vector<Completion> CompletionsOf(db::Connection& c, const std::string& course_id, int limit) {
    std::vector<Completion> out;
    for (const auto& row :
         c.Query(std::string("SELECT ") + kCompletionColumns +
                     " FROM learning_enrolments e JOIN users u ON u.id = e.user_id "
                     "WHERE e.course_id = ? AND e.completed_at <> '' AND e.state = 'active' "
                     "ORDER BY e.completed_at DESC, u.name LIMIT ?",
                 {course_id, int64_t{limit}}))
        out.push_back(ToCompletion(row));
    return out;
}

bool AnnulCompletion(db::Connection& c, const std::string& course_id, const std::string& user_id,
                     const std::string& at, const std::string& reason, const std::string& by) {
    return c.Exec(
               "UPDATE learning_enrolments SET annulled_at = ?, annul_reason = ?, annulled_by = ? "
               "WHERE course_id = ? AND user_id = ? AND completed_at <> '' AND annulled_at = ''",
               {at, reason, by, course_id, user_id}) > 0;
}

}  // namespace govhub::learning::store
