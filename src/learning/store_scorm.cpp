// Learning's SCORM tables (migration learning:3; version 2 is the quiz's): a lesson's package,
// the cmi data model of each learner per SCO, and the runtime pages' per-attempt tokens.
#include "db/row_reader.hpp"
#include "learning/store.hpp"

namespace govhub::learning::store {

void AddScormMigrations(db::MigrationSet& set) {
    set.Add({.module = "learning",
             .version = 3,
             .name = "SCORM packages, per-learner SCO state, runtime tokens",
             .sql = R"sql(
CREATE TABLE learning_scorm_packages (
  lesson_id TEXT PRIMARY KEY REFERENCES learning_lessons (id) ON DELETE CASCADE,
  dir TEXT NOT NULL,
  version TEXT NOT NULL CHECK (version IN ('1.2', '2004')),
  manifest TEXT NOT NULL,
  scos TEXT NOT NULL,
  uploaded TEXT NOT NULL,
  uploaded_by TEXT NOT NULL DEFAULT '',
  bytes BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE learning_scorm_state (
  lesson_id TEXT NOT NULL REFERENCES learning_lessons (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  sco_id TEXT NOT NULL,
  state TEXT NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  score INTEGER,
  updated TEXT NOT NULL,
  PRIMARY KEY (lesson_id, user_id, sco_id)
);
CREATE TABLE learning_scorm_tokens (
  token_hash TEXT PRIMARY KEY,
  lesson_id TEXT NOT NULL REFERENCES learning_lessons (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  sco_id TEXT NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX learning_scorm_tokens_expires ON learning_scorm_tokens (expires);
)sql"});
}

namespace {

constexpr const char* kStateColumns =
    "lesson_id, user_id, sco_id, state, last_seq, done, score, updated";

ScoStateRow ToState(const db::Row& row) {
    db::RowReader r(row);
    ScoStateRow s;
    s.lesson_id = r.Str();
    s.user_id = r.Str();
    s.sco_id = r.Str();
    s.state = r.Str();
    s.last_seq = r.Int();
    s.done = r.Bool();
    if (!row.IsNull(r.position())) s.score = static_cast<int>(r.Int());
    return s;
}

}  // namespace

std::optional<ScormPackageRow> FindScormPackage(db::Connection& c, const std::string& lesson_id) {
    auto row = c.One(
        "SELECT lesson_id, dir, version, manifest, scos, uploaded, uploaded_by, bytes "
        "FROM learning_scorm_packages WHERE lesson_id = ?",
        {lesson_id});
    if (!row) return std::nullopt;
    db::RowReader r(*row);
    ScormPackageRow p;
    p.lesson_id = r.Str();
    p.dir = r.Str();
    p.version = r.Str();
    p.manifest = r.Str();
    p.scos = r.Str();
    p.uploaded = r.Str();
    p.uploaded_by = r.Str();
    p.bytes = r.Int();
    return p;
}

void UpsertScormPackage(db::Connection& c, const ScormPackageRow& p) {
    c.Exec(
        "INSERT INTO learning_scorm_packages (lesson_id, dir, version, manifest, scos, uploaded, "
        "uploaded_by, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lesson_id) DO UPDATE "
        "SET dir = excluded.dir, version = excluded.version, manifest = excluded.manifest, "
        "scos = excluded.scos, uploaded = excluded.uploaded, uploaded_by = excluded.uploaded_by, "
        "bytes = excluded.bytes",
        {p.lesson_id, p.dir, p.version, p.manifest, p.scos, p.uploaded, p.uploaded_by, p.bytes});
}

std::optional<ScoStateRow> FindScoState(db::Connection& c, const std::string& lesson_id,
                                        const std::string& user_id, const std::string& sco_id) {
    auto row = c.One(std::string("SELECT ") + kStateColumns +
                         " FROM learning_scorm_state WHERE lesson_id = ? AND user_id = ? AND "
                         "sco_id = ?",
                     {lesson_id, user_id, sco_id});
    if (!row) return std::nullopt;
    ScoStateRow s = ToState(*row);
    s.updated = row->Str(7);
    return s;
}

std::vector<ScoStateRow> ScoStatesOf(db::Connection& c, const std::string& lesson_id,
                                     const std::string& user_id) {
    std::vector<ScoStateRow> out;
    for (const auto& row :
         c.Query(std::string("SELECT ") + kStateColumns +
                     " FROM learning_scorm_state WHERE lesson_id = ? AND user_id = ?",
                 {lesson_id, user_id})) {
        out.push_back(ToState(row));
        out.back().updated = row.Str(7);
    }
    return out;
}

bool SaveScoState(db::Connection& c, const ScoStateRow& s) {
    db::Value score = s.score ? db::Value(int64_t{*s.score}) : db::Value(nullptr);
    // The WHERE on the update keeps a late commit (a lower seq, from another node or a beacon
    // that lost the race) from overwriting newer state.
    return c.Exec(
               "INSERT INTO learning_scorm_state (lesson_id, user_id, sco_id, state, last_seq, "
               "done, score, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lesson_id, "
               "user_id, sco_id) DO UPDATE SET state = excluded.state, last_seq = "
               "excluded.last_seq, done = excluded.done, score = excluded.score, updated = "
               "excluded.updated WHERE learning_scorm_state.last_seq < excluded.last_seq",
               {s.lesson_id, s.user_id, s.sco_id, s.state, s.last_seq, db::V(s.done), score,
                s.updated}) > 0;
}

void DeleteScoStates(db::Connection& c, const std::string& lesson_id) {
    c.Exec("DELETE FROM learning_scorm_state WHERE lesson_id = ?", {lesson_id});
    c.Exec("DELETE FROM learning_scorm_tokens WHERE lesson_id = ?", {lesson_id});
}

void InsertScormToken(db::Connection& c, const ScormTokenRow& t) {
    c.Exec(
        "INSERT INTO learning_scorm_tokens (token_hash, lesson_id, user_id, sco_id, created, "
        "expires) VALUES (?, ?, ?, ?, ?, ?)",
        {t.token_hash, t.lesson_id, t.user_id, t.sco_id, t.created, t.expires});
}

std::optional<ScormTokenRow> FindScormToken(db::Connection& c, const std::string& token_hash) {
    auto row = c.One(
        "SELECT token_hash, lesson_id, user_id, sco_id, created, expires "
        "FROM learning_scorm_tokens WHERE token_hash = ?",
        {token_hash});
    if (!row) return std::nullopt;
    db::RowReader r(*row);
    ScormTokenRow t;
    t.token_hash = r.Str();
    t.lesson_id = r.Str();
    t.user_id = r.Str();
    t.sco_id = r.Str();
    t.created = r.Int();
    t.expires = r.Int();
    return t;
}

void DeleteExpiredScormTokens(db::Connection& c, int64_t now) {
    c.Exec("DELETE FROM learning_scorm_tokens WHERE expires < ?", {now});
}

}  // namespace govhub::learning::store
