#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "core/clock.hpp"

#include <stdexcept>

namespace govhub::audit {

void AddMigrations(db::MigrationSet& set) {
    set.Add({.module = "audit",
             .version = 1,
             .name = "audit log",
             .sql = R"sql(
CREATE TABLE audit_log (
  id {auto_id},
  at TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}',
  ip TEXT
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
)sql",
             // Append-only: the engines spell triggers differently.
             .sqlite = R"sql(
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
)sql",
             .postgres = R"sql(
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
)sql"});
    // PDPA: a cancelled account's personal data leaves the log too. The one change allowed is
    // that redaction: the IP address erased and personal keys dropped from the details, which
    // then say what was removed. Who did what, to what and when stays as it was.
    set.Add({.module = "audit",
             .version = 2,
             .name = "audit log: redaction of a cancelled account's personal data",
             .sql = "",
             .sqlite = R"sql(
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  WHEN NOT (NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id
            AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type
            AND NEW.object_id = OLD.object_id AND (NEW.ip IS NULL OR NEW.ip IS OLD.ip)
            AND (NEW.details = OLD.details OR NEW.details LIKE '%"redacted":%'))
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
)sql",
             .postgres = R"sql(
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.at = OLD.at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.action = OLD.action
       AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
       AND (NEW.ip IS NULL OR NEW.ip IS NOT DISTINCT FROM OLD.ip)
       AND (NEW.details = OLD.details OR NEW.details LIKE '%"redacted":%') THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit log is append-only';
  END $$;
)sql"});
}

void Record(db::Connection& c, const Actor& actor, const std::string& action,
            const std::string& object_type, const std::string& object_id,
            const nlohmann::json& details) {
    if (!details.is_object())
        throw std::invalid_argument("audit details must be a JSON object (" + action + ")");
    c.Exec(
        "INSERT INTO audit_log (at, actor_id, action, object_type, object_id, details, ip)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        {core::NowIso(), actor.user_id.empty() ? db::Value(nullptr) : db::Value(actor.user_id),
         action, object_type, object_id,
         details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
         actor.ip.empty() ? db::Value(nullptr) : db::Value(actor.ip)});
}

namespace {
constexpr const char* kColumns =
    "SELECT id, at, actor_id, action, object_type, object_id, details, ip FROM audit_log ";

std::vector<Entry> ToEntries(const db::Rows& rows) {
    std::vector<Entry> out;
    for (const auto& r : rows) {
        Entry e;
        e.id = r.Int(0);
        e.at = r.Str(1);
        e.actor_id = r.Str(2);
        e.action = r.Str(3);
        e.object_type = r.Str(4);
        e.object_id = r.Str(5);
        e.details_json = r.Str(6);
        e.ip = r.Str(7);
        out.push_back(std::move(e));
    }
    return out;
}
}  // namespace

std::vector<Entry> ForObject(db::Connection& c, const std::string& object_type,
                             const std::string& object_id, int limit) {
    return ToEntries(c.Query(
        std::string(kColumns) + "WHERE object_type = ? AND object_id = ? ORDER BY id DESC LIMIT ?",
        {object_type, object_id, int64_t{limit}}));
}

std::vector<Entry> ForActor(db::Connection& c, const std::string& actor_id, int limit) {
    return ToEntries(c.Query(std::string(kColumns) + "WHERE actor_id = ? ORDER BY id DESC LIMIT ?",
                             {actor_id, int64_t{limit}}));
}

int RedactPerson(db::Connection& c, const std::string& user_id) {
    static const char* kPersonal[] = {"name", "email", "fullname_th", "fullname_en", "user_agent"};
    int changed = 0;
    changed += static_cast<int>(
        c.Exec("UPDATE audit_log SET ip = NULL WHERE actor_id = ? AND ip IS NOT NULL", {user_id}));
    for (const auto& e : ToEntries(c.Query(
             std::string(kColumns) + "WHERE object_type = 'user' AND object_id = ?", {user_id}))) {
        nlohmann::json d = nlohmann::json::parse(e.details_json, nullptr, false);
        if (!d.is_object()) continue;
        nlohmann::json removed = nlohmann::json::array();
        for (const char* key : kPersonal)
            if (d.erase(key)) removed.push_back(key);
        if (removed.empty()) continue;
        d["redacted"] = removed;
        c.Exec("UPDATE audit_log SET details = ? WHERE id = ?", {d.dump(), e.id});
        ++changed;
    }
    return changed;
}

}  // namespace govhub::audit
