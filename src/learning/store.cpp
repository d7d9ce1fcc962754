#include "learning/store.hpp"

#include "db/row_reader.hpp"
#include "learning/store_reports.hpp"

namespace govhub::learning::store {

void AddMigrations(db::MigrationSet& set) {
    set.Add({.module = "learning",
             .version = 1,
             .name = "courses, sections, lessons, enrolments, progress, learner profiles",
             .sql = R"sql(
CREATE TABLE learning_courses (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  summary_en TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  description_en TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  level TEXT NOT NULL CHECK (level IN ('beginner', 'intermediate', 'advanced')),
  minutes INTEGER NOT NULL DEFAULT 0,
  agency_id TEXT REFERENCES organizations (id),
  state TEXT NOT NULL CHECK (state IN ('draft', 'published')),
  enrol_key_hash TEXT NOT NULL DEFAULT '',
  min_study_minutes INTEGER NOT NULL DEFAULT 0,
  video_threshold INTEGER NOT NULL DEFAULT 90,
  certificate_info TEXT NOT NULL DEFAULT '',
  certificate_info_en TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  modified TEXT NOT NULL,
  created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX learning_courses_state ON learning_courses (state, category);
CREATE TABLE learning_sections (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES learning_courses (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT ''
);
CREATE INDEX learning_sections_course ON learning_sections (course_id, position);
CREATE TABLE learning_lessons (
  id TEXT PRIMARY KEY,
  course_id TEXT NOT NULL REFERENCES learning_courses (id) ON DELETE CASCADE,
  section_id TEXT NOT NULL REFERENCES learning_sections (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('text', 'video', 'pdf', 'scorm', 'quiz')),
  title TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  body_en TEXT NOT NULL DEFAULT '',
  required INTEGER NOT NULL DEFAULT 1,
  minutes INTEGER NOT NULL DEFAULT 0,
  media_file TEXT NOT NULL DEFAULT '',
  media_type TEXT NOT NULL DEFAULT '',
  media_bytes BIGINT NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT NOT NULL
);
CREATE INDEX learning_lessons_course ON learning_lessons (course_id);
CREATE INDEX learning_lessons_section ON learning_lessons (section_id, position);
CREATE TABLE learning_enrolments (
  course_id TEXT NOT NULL REFERENCES learning_courses (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  state TEXT NOT NULL CHECK (state IN ('active', 'unenrolled')),
  enrolled_at TEXT NOT NULL,
  completed_at TEXT NOT NULL DEFAULT '',
  study_seconds BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (course_id, user_id)
);
CREATE INDEX learning_enrolments_user ON learning_enrolments (user_id, enrolled_at);
CREATE TABLE learning_progress (
  lesson_id TEXT NOT NULL REFERENCES learning_lessons (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  course_id TEXT NOT NULL REFERENCES learning_courses (id) ON DELETE CASCADE,
  completed INTEGER NOT NULL DEFAULT 0,
  percent INTEGER NOT NULL DEFAULT 0,
  position_ms BIGINT NOT NULL DEFAULT 0,
  watched_ms BIGINT NOT NULL DEFAULT 0,
  score INTEGER,
  completed_at TEXT NOT NULL DEFAULT '',
  updated TEXT NOT NULL,
  PRIMARY KEY (lesson_id, user_id)
);
CREATE INDEX learning_progress_course ON learning_progress (course_id, user_id);
CREATE TABLE learning_profiles (
  user_id TEXT PRIMARY KEY REFERENCES users (id),
  civil_servant INTEGER NOT NULL DEFAULT 0,
  agency_id TEXT REFERENCES organizations (id),
  position TEXT NOT NULL DEFAULT '',
  consent_version INTEGER NOT NULL DEFAULT 0,
  consent_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE learning_course_staff (
  course_id TEXT NOT NULL REFERENCES learning_courses (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  PRIMARY KEY (course_id, user_id)
);
)sql"});
    set.Add({.module = "learning", .version = 2, .name = "quizzes and quiz attempts", .sql = R"sql(
CREATE TABLE learning_quizzes (
  lesson_id TEXT PRIMARY KEY REFERENCES learning_lessons (id) ON DELETE CASCADE,
  rules TEXT NOT NULL DEFAULT '{}',
  questions TEXT NOT NULL DEFAULT '[]',
  modified TEXT NOT NULL
);
CREATE TABLE learning_quiz_attempts (
  id TEXT PRIMARY KEY,
  lesson_id TEXT NOT NULL REFERENCES learning_lessons (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  number INTEGER NOT NULL,
  seed TEXT NOT NULL,
  drawn TEXT NOT NULL,
  started TEXT NOT NULL,
  submitted TEXT NOT NULL DEFAULT '',
  answers TEXT NOT NULL DEFAULT '{}',
  percent_x100 INTEGER,
  passed INTEGER NOT NULL DEFAULT 0,
  UNIQUE (lesson_id, user_id, number)
);
)sql"});
    AddScormMigrations(set);
    set.Add({.module = "learning", .version = 4, .name = "a lesson video's length", .sql = R"sql(
ALTER TABLE learning_lessons ADD COLUMN media_duration_ms BIGINT NOT NULL DEFAULT 0;
)sql"});
    // What a learner sees of a submitted attempt (QuizReview): the right answers never, once
    // they passed the quiz (the default, so a failed attempt cannot be copied into the next), or
    // always; and whether each question's right/wrong mark and feedback show.
    set.Add({.module = "learning", .version = 5, .name = "quiz review options", .sql = R"sql(
ALTER TABLE learning_quizzes ADD COLUMN review_answers TEXT NOT NULL DEFAULT 'after_pass'
  CHECK (review_answers IN ('never', 'after_pass', 'always'));
ALTER TABLE learning_quizzes ADD COLUMN review_marks INTEGER NOT NULL DEFAULT 1;
)sql"});
    AddCertificateMigrations(set);
    AddReportMigrations(set);
}

namespace {

db::Value Opt(const std::string& s) {
    return s.empty() ? db::Value(nullptr) : db::Value(s);
}
template <class E, size_t N>
db::Value Text(const core::EnumText<E, N>& text, E value) {
    return db::Value(std::string(text.Name(value)));
}

constexpr const char* kCourseColumns =
    "id, name, title, title_en, summary, summary_en, description, description_en, category, "
    "level, minutes, agency_id, state, enrol_key_hash, min_study_minutes, video_threshold, "
    "certificate_info, certificate_info_en, created, modified, created_by";

Course ToCourse(const db::Row& row) {
    db::RowReader r(row);
    Course c;
    c.id = r.Str();
    c.name = r.Str();
    c.title = r.Str();
    c.title_en = r.Str();
    c.summary = r.Str();
    c.summary_en = r.Str();
    c.description = r.Str();
    c.description_en = r.Str();
    c.category = r.Str();
    c.level = r.Enum(kCourseLevelText, CourseLevel::kBeginner);
    c.minutes = static_cast<int>(r.Int());
    c.agency_id = r.Str();
    c.state = r.Enum(kCourseStateText, CourseState::kDraft);
    c.enrol_key_hash = r.Str();
    c.min_study_minutes = static_cast<int>(r.Int());
    c.video_threshold = static_cast<int>(r.Int());
    c.certificate_info = r.Str();
    c.certificate_info_en = r.Str();
    c.created = r.Str();
    c.modified = r.Str();
    c.created_by = r.Str();
    return c;
}

std::vector<db::Value> CourseValues(const Course& c) {
    return {c.name,
            c.title,
            c.title_en,
            c.summary,
            c.summary_en,
            c.description,
            c.description_en,
            c.category,
            Text(kCourseLevelText, c.level),
            c.minutes,
            Opt(c.agency_id),
            Text(kCourseStateText, c.state),
            c.enrol_key_hash,
            c.min_study_minutes,
            c.video_threshold,
            c.certificate_info,
            c.certificate_info_en,
            c.modified,
            c.created_by};
}

constexpr const char* kLessonColumns =
    "id, course_id, section_id, position, kind, title, title_en, body, body_en, required, "
    "minutes, media_file, media_type, media_bytes, created, modified, media_duration_ms";

Lesson ToLesson(const db::Row& row) {
    db::RowReader r(row);
    Lesson l;
    l.id = r.Str();
    l.course_id = r.Str();
    l.section_id = r.Str();
    l.position = static_cast<int>(r.Int());
    l.kind = r.Enum(kLessonKindText, LessonKind::kText);
    l.title = r.Str();
    l.title_en = r.Str();
    l.body = r.Str();
    l.body_en = r.Str();
    l.required = r.Bool();
    l.minutes = static_cast<int>(r.Int());
    l.media_file = r.Str();
    l.media_type = r.Str();
    l.media_bytes = r.Int();
    l.created = r.Str();
    l.modified = r.Str();
    l.media_duration_ms = r.Int();
    return l;
}

constexpr const char* kProgressColumns =
    "lesson_id, user_id, course_id, completed, percent, position_ms, watched_ms, score, "
    "completed_at, updated";

LessonProgress ToProgress(const db::Row& row) {
    db::RowReader r(row);
    LessonProgress p;
    p.lesson_id = r.Str();
    p.user_id = r.Str();
    p.course_id = r.Str();
    p.completed = r.Bool();
    p.percent = static_cast<int>(r.Int());
    p.position_ms = r.Int();
    p.watched_ms = r.Int();
    if (auto s = r.OptStr()) p.score = std::stoi(*s);
    p.completed_at = r.Str();
    p.updated = r.Str();
    return p;
}

constexpr const char* kEnrolmentColumns =
    "course_id, user_id, state, enrolled_at, completed_at, study_seconds";

Enrolment ToEnrolment(const db::Row& row) {
    db::RowReader r(row);
    Enrolment e;
    e.course_id = r.Str();
    e.user_id = r.Str();
    e.state = r.Enum(kEnrolmentStateText, EnrolmentState::kActive);
    e.enrolled_at = r.Str();
    e.completed_at = r.Str();
    e.study_seconds = r.Int();
    return e;
}

// The WHERE clause of a catalog listing and its parameters.
std::string Where(const CourseFilter& f, std::vector<db::Value>& params) {
    std::string where = " WHERE 1 = 1";
    if (f.published_only) where += " AND state = 'published'";
    if (!f.category.empty()) {
        where += " AND category = ?";
        params.emplace_back(f.category);
    }
    if (!f.level.empty()) {
        where += " AND level = ?";
        params.emplace_back(f.level);
    }
    if (!f.agency_id.empty()) {
        where += " AND agency_id = ?";
        params.emplace_back(f.agency_id);
    }
    if (f.filter_ids || !f.ids.empty()) {
        if (f.ids.empty()) return where + " AND 1 = 0";
        where += " AND id IN (";
        for (size_t i = 0; i < f.ids.size(); ++i) {
            where += i ? ", ?" : "?";
            params.emplace_back(f.ids[i]);
        }
        where += ")";
    }
    return where;
}

}  // namespace

// ---- courses

void InsertCourse(db::Connection& c, const Course& course) {
    std::vector<db::Value> v = {course.id};
    for (auto& x : CourseValues(course)) v.push_back(std::move(x));
    v.insert(v.end() - 2, course.created);  // created sits before modified
    c.Exec(std::string("INSERT INTO learning_courses (") + kCourseColumns +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           v);
}

void UpdateCourse(db::Connection& c, const Course& course) {
    std::vector<db::Value> v = CourseValues(course);
    v.push_back(course.id);
    c.Exec(
        "UPDATE learning_courses SET name = ?, title = ?, title_en = ?, summary = ?, "
        "summary_en = ?, description = ?, description_en = ?, category = ?, level = ?, "
        "minutes = ?, agency_id = ?, state = ?, enrol_key_hash = ?, min_study_minutes = ?, "
        "video_threshold = ?, certificate_info = ?, certificate_info_en = ?, modified = ?, "
        "created_by = ? WHERE id = ?",
        v);
}

std::optional<Course> FindCourse(db::Connection& c, const std::string& id_or_name) {
    auto row = c.One(
        std::string("SELECT ") + kCourseColumns + " FROM learning_courses WHERE id = ? OR name = ?",
        {id_or_name, id_or_name});
    if (!row) return std::nullopt;
    return ToCourse(*row);
}

std::vector<Course> ListCourses(db::Connection& c, const CourseFilter& f) {
    std::vector<db::Value> params;
    std::string sql = std::string("SELECT ") + kCourseColumns + " FROM learning_courses" +
                      Where(f, params) + " ORDER BY modified DESC, id LIMIT ? OFFSET ?";
    params.emplace_back(int64_t{f.limit});
    params.emplace_back(int64_t{f.offset});
    std::vector<Course> out;
    for (const auto& row : c.Query(sql, params)) out.push_back(ToCourse(row));
    return out;
}

int64_t CountCourses(db::Connection& c, const CourseFilter& f) {
    std::vector<db::Value> params;
    auto row = c.One("SELECT COUNT(*) FROM learning_courses" + Where(f, params), params);
    return row ? row->Int(0) : 0;
}

std::vector<std::pair<std::string, int64_t>> FacetCounts(db::Connection& c, const CourseFilter& f,
                                                         CourseFacet facet) {
    // The column comes from the enum, never from the request.
    const char* column = facet == CourseFacet::kLevel ? "level" : "category";
    std::vector<db::Value> params;
    std::string sql = std::string("SELECT ") + column + ", COUNT(*) FROM learning_courses" +
                      Where(f, params) + " AND " + column + " <> '' GROUP BY " + column +
                      " ORDER BY COUNT(*) DESC, " + column;
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& row : c.Query(sql, params)) out.emplace_back(row.Str(0), row.Int(1));
    return out;
}

void DeleteCourse(db::Connection& c, const std::string& id) {
    // Children first: SQLite's foreign keys may be off on old connections.
    for (const char* table : {"learning_quiz_attempts", "learning_quizzes"})
        c.Exec(std::string("DELETE FROM ") + table +
                   " WHERE lesson_id IN (SELECT id FROM learning_lessons WHERE course_id = ?)",
               {id});
    c.Exec("DELETE FROM learning_progress WHERE course_id = ?", {id});
    c.Exec("DELETE FROM learning_enrolments WHERE course_id = ?", {id});
    c.Exec("DELETE FROM learning_lessons WHERE course_id = ?", {id});
    c.Exec("DELETE FROM learning_sections WHERE course_id = ?", {id});
    c.Exec("DELETE FROM learning_course_staff WHERE course_id = ?", {id});
    c.Exec("DELETE FROM learning_courses WHERE id = ?", {id});
}

// ---- sections

void InsertSection(db::Connection& c, const Section& s) {
    c.Exec(
        "INSERT INTO learning_sections (id, course_id, position, title, title_en) "
        "VALUES (?, ?, ?, ?, ?)",
        {s.id, s.course_id, s.position, s.title, s.title_en});
}

void UpdateSection(db::Connection& c, const Section& s) {
    c.Exec("UPDATE learning_sections SET position = ?, title = ?, title_en = ? WHERE id = ?",
           {s.position, s.title, s.title_en, s.id});
}

void DeleteSection(db::Connection& c, const std::string& id) {
    for (const char* table : {"learning_quiz_attempts", "learning_quizzes"})
        c.Exec(std::string("DELETE FROM ") + table +
                   " WHERE lesson_id IN (SELECT id FROM learning_lessons WHERE section_id = ?)",
               {id});
    c.Exec(
        "DELETE FROM learning_progress WHERE lesson_id IN "
        "(SELECT id FROM learning_lessons WHERE section_id = ?)",
        {id});
    c.Exec("DELETE FROM learning_lessons WHERE section_id = ?", {id});
    c.Exec("DELETE FROM learning_sections WHERE id = ?", {id});
}

namespace {
Section ToSection(const db::Row& row) {
    db::RowReader r(row);
    Section s;
    s.id = r.Str();
    s.course_id = r.Str();
    s.position = static_cast<int>(r.Int());
    s.title = r.Str();
    s.title_en = r.Str();
    return s;
}
}  // namespace

std::vector<Section> SectionsOf(db::Connection& c, const std::string& course_id) {
    std::vector<Section> out;
    for (const auto& row :
         c.Query("SELECT id, course_id, position, title, title_en FROM learning_sections "
                 "WHERE course_id = ? ORDER BY position, id",
                 {course_id}))
        out.push_back(ToSection(row));
    return out;
}

std::optional<Section> FindSection(db::Connection& c, const std::string& id) {
    auto row =
        c.One("SELECT id, course_id, position, title, title_en FROM learning_sections WHERE id = ?",
              {id});
    if (!row) return std::nullopt;
    return ToSection(*row);
}

int NextSectionPosition(db::Connection& c, const std::string& course_id) {
    auto row =
        c.One("SELECT COALESCE(MAX(position), 0) + 1 FROM learning_sections WHERE course_id = ?",
              {course_id});
    return row ? static_cast<int>(row->Int(0)) : 1;
}

// ---- lessons

void InsertLesson(db::Connection& c, const Lesson& l) {
    c.Exec(std::string("INSERT INTO learning_lessons (") + kLessonColumns +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {l.id, l.course_id, l.section_id, l.position, Text(kLessonKindText, l.kind), l.title,
            l.title_en, l.body, l.body_en, db::V(l.required), l.minutes, l.media_file, l.media_type,
            l.media_bytes, l.created, l.modified, l.media_duration_ms});
}

void UpdateLesson(db::Connection& c, const Lesson& l) {
    c.Exec(
        "UPDATE learning_lessons SET section_id = ?, position = ?, kind = ?, title = ?, "
        "title_en = ?, body = ?, body_en = ?, required = ?, minutes = ?, media_file = ?, "
        "media_type = ?, media_bytes = ?, modified = ?, media_duration_ms = ? WHERE id = ?",
        {l.section_id, l.position, Text(kLessonKindText, l.kind), l.title, l.title_en, l.body,
         l.body_en, db::V(l.required), l.minutes, l.media_file, l.media_type, l.media_bytes,
         l.modified, l.media_duration_ms, l.id});
}

void DeleteLesson(db::Connection& c, const std::string& id) {
    c.Exec("DELETE FROM learning_quiz_attempts WHERE lesson_id = ?", {id});
    c.Exec("DELETE FROM learning_quizzes WHERE lesson_id = ?", {id});
    c.Exec("DELETE FROM learning_progress WHERE lesson_id = ?", {id});
    c.Exec("DELETE FROM learning_lessons WHERE id = ?", {id});
}

std::optional<Lesson> FindLesson(db::Connection& c, const std::string& id) {
    auto row = c.One(
        std::string("SELECT ") + kLessonColumns + " FROM learning_lessons WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return ToLesson(*row);
}

std::vector<Lesson> LessonsOf(db::Connection& c, const std::string& course_id) {
    std::vector<Lesson> out;
    for (const auto& row :
         c.Query(std::string("SELECT l.") +
                     "id, l.course_id, l.section_id, l.position, l.kind, l.title, l.title_en, "
                     "l.body, l.body_en, l.required, l.minutes, l.media_file, l.media_type, "
                     "l.media_bytes, l.created, l.modified, l.media_duration_ms FROM "
                     "learning_lessons l JOIN "
                     "learning_sections s ON s.id = l.section_id WHERE l.course_id = ? "
                     "ORDER BY s.position, s.id, l.position, l.id",
                 {course_id}))
        out.push_back(ToLesson(row));
    return out;
}

int NextLessonPosition(db::Connection& c, const std::string& section_id) {
    auto row =
        c.One("SELECT COALESCE(MAX(position), 0) + 1 FROM learning_lessons WHERE section_id = ?",
              {section_id});
    return row ? static_cast<int>(row->Int(0)) : 1;
}

// ---- enrolment and progress

std::optional<Enrolment> FindEnrolment(db::Connection& c, const std::string& course_id,
                                       const std::string& user_id) {
    auto row = c.One(std::string("SELECT ") + kEnrolmentColumns +
                         " FROM learning_enrolments WHERE course_id = ? AND user_id = ?",
                     {course_id, user_id});
    if (!row) return std::nullopt;
    return ToEnrolment(*row);
}

void UpsertEnrolment(db::Connection& c, const Enrolment& e) {
    c.Exec(
        "INSERT INTO learning_enrolments (course_id, user_id, state, enrolled_at, completed_at, "
        "study_seconds) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (course_id, user_id) DO UPDATE "
        "SET state = excluded.state, enrolled_at = excluded.enrolled_at, "
        "completed_at = excluded.completed_at, study_seconds = excluded.study_seconds",
        {e.course_id, e.user_id, Text(kEnrolmentStateText, e.state), e.enrolled_at, e.completed_at,
         e.study_seconds});
}

std::vector<Enrolment> EnrolmentsOf(db::Connection& c, const std::string& user_id) {
    std::vector<Enrolment> out;
    for (const auto& row :
         c.Query(std::string("SELECT ") + kEnrolmentColumns +
                     " FROM learning_enrolments WHERE user_id = ? AND state = 'active' "
                     "ORDER BY enrolled_at DESC",
                 {user_id}))
        out.push_back(ToEnrolment(row));
    return out;
}

int64_t CountLearners(db::Connection& c, const std::string& course_id) {
    auto row =
        c.One("SELECT COUNT(*) FROM learning_enrolments WHERE course_id = ? AND state = 'active'",
              {course_id});
    return row ? row->Int(0) : 0;
}

void AddStudySeconds(db::Connection& c, const std::string& course_id, const std::string& user_id,
                     int64_t seconds) {
    c.Exec(
        "UPDATE learning_enrolments SET study_seconds = study_seconds + ? "
        "WHERE course_id = ? AND user_id = ?",
        {seconds, course_id, user_id});
}

std::optional<LessonProgress> FindProgress(db::Connection& c, const std::string& lesson_id,
                                           const std::string& user_id) {
    auto row = c.One(std::string("SELECT ") + kProgressColumns +
                         " FROM learning_progress WHERE lesson_id = ? AND user_id = ?",
                     {lesson_id, user_id});
    if (!row) return std::nullopt;
    return ToProgress(*row);
}

void UpsertProgress(db::Connection& c, const LessonProgress& p) {
    db::Value score = p.score ? db::Value(int64_t{*p.score}) : db::Value(nullptr);
    c.Exec(
        "INSERT INTO learning_progress (lesson_id, user_id, course_id, completed, percent, "
        "position_ms, watched_ms, score, completed_at, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?) ON CONFLICT (lesson_id, user_id) DO UPDATE SET completed = excluded.completed, "
        "percent = excluded.percent, position_ms = excluded.position_ms, "
        "watched_ms = excluded.watched_ms, score = excluded.score, "
        "completed_at = excluded.completed_at, updated = excluded.updated",
        {p.lesson_id, p.user_id, p.course_id, db::V(p.completed), p.percent, p.position_ms,
         p.watched_ms, score, p.completed_at, p.updated});
}

std::vector<LessonProgress> ProgressOf(db::Connection& c, const std::string& course_id,
                                       const std::string& user_id) {
    std::vector<LessonProgress> out;
    for (const auto& row :
         c.Query(std::string("SELECT ") + kProgressColumns +
                     " FROM learning_progress WHERE course_id = ? AND user_id = ?",
                 {course_id, user_id}))
        out.push_back(ToProgress(row));
    return out;
}

// ---- profiles

std::optional<LearnerProfile> FindProfile(db::Connection& c, const std::string& user_id) {
    auto row = c.One(
        "SELECT user_id, civil_servant, agency_id, position, consent_version, consent_at, "
        "agency_declared_at, agency_confirmed_at, agency_confirmed_by "
        "FROM learning_profiles WHERE user_id = ?",
        {user_id});
    if (!row) return std::nullopt;
    db::RowReader r(*row);
    LearnerProfile p;
    p.user_id = r.Str();
    p.civil_servant = r.Bool();
    p.agency_id = r.Str();
    p.position = r.Str();
    p.consent_version = static_cast<int>(r.Int());
    p.consent_at = r.Str();
    p.agency_declared_at = r.Str();
    p.agency_confirmed_at = r.Str();
    p.agency_confirmed_by = r.Str();
    return p;
}

void UpsertProfile(db::Connection& c, const LearnerProfile& p) {
    c.Exec(
        "INSERT INTO learning_profiles (user_id, civil_servant, agency_id, position, "
        "consent_version, consent_at, agency_declared_at, agency_confirmed_at, "
        "agency_confirmed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE "
        "SET civil_servant = excluded.civil_servant, agency_id = excluded.agency_id, "
        "position = excluded.position, consent_version = excluded.consent_version, "
        "consent_at = excluded.consent_at, agency_declared_at = excluded.agency_declared_at, "
        "agency_confirmed_at = excluded.agency_confirmed_at, "
        "agency_confirmed_by = excluded.agency_confirmed_by",
        {p.user_id, db::V(p.civil_servant), Opt(p.agency_id), p.position, p.consent_version,
         p.consent_at, p.agency_declared_at, p.agency_confirmed_at, p.agency_confirmed_by});
}

// ---- course staff

std::vector<std::string> CourseStaff(db::Connection& c, const std::string& course_id) {
    std::vector<std::string> out;
    for (const auto& row :
         c.Query("SELECT user_id FROM learning_course_staff WHERE course_id = ? ORDER BY user_id",
                 {course_id}))
        out.push_back(row.Str(0));
    return out;
}

bool IsCourseStaff(db::Connection& c, const std::string& course_id, const std::string& user_id) {
    return c
        .One("SELECT 1 FROM learning_course_staff WHERE course_id = ? AND user_id = ?",
             {course_id, user_id})
        .has_value();
}

void AddCourseStaff(db::Connection& c, const std::string& course_id, const std::string& user_id) {
    c.Exec(
        "INSERT INTO learning_course_staff (course_id, user_id) VALUES (?, ?) "
        "ON CONFLICT (course_id, user_id) DO NOTHING",
        {course_id, user_id});
}

void RemoveCourseStaff(db::Connection& c, const std::string& course_id,
                       const std::string& user_id) {
    c.Exec("DELETE FROM learning_course_staff WHERE course_id = ? AND user_id = ?",
           {course_id, user_id});
}

}  // namespace govhub::learning::store
