#include "workflow/store.hpp"

#include "db/row_reader.hpp"
#include "workflow/holidays_seed.hpp"

namespace govhub::workflow::store {
namespace {

std::string Quote(const std::string& s) {
    std::string out = "'";
    for (char ch : s) out += ch == '\'' ? std::string("''") : std::string(1, ch);
    return out + "'";
}

db::Value OrNull(const std::string& s) {
    return s.empty() ? db::Value(nullptr) : db::Value(s);
}

constexpr const char* kRequestColumns =
    "SELECT id, type, reference, state, applicant_id, organization_id, subject, data, created,"
    " updated, submitted, closed, sla_used, clock_since, due, parent_id FROM workflow_requests ";

Request ToRequest(const db::Row& row) {
    db::RowReader r(row);
    Request q;
    q.id = r.Str();
    q.type = r.Str();
    q.reference = r.Str();
    q.state = r.Str();
    q.applicant_id = r.Str();
    q.organization_id = r.Str();
    q.subject = r.Str();
    q.data_json = r.Str();
    q.created = r.Str();
    q.updated = r.Str();
    q.submitted = r.Str();
    q.closed = r.Str();
    q.sla_used = r.Int();
    q.clock_since = r.Str();
    q.due = r.Str();
    q.parent_id = r.Str();
    return q;
}

std::vector<Request> ToRequests(const db::Rows& rows) {
    std::vector<Request> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(ToRequest(r));
    return out;
}

Holiday ToHoliday(const db::Row& r) {
    return {.day = r.Str(0),
            .name_th = r.Str(1),
            .name_en = r.Str(2),
            .kind = r.Str(3),
            .confirmed = r.Bool(4),
            .updated = r.Str(5),
            .updated_by = r.Str(6)};
}

}  // namespace

void AddMigrations(db::MigrationSet& set) {
    std::string seed;
    for (const auto& h : SeedHolidays())
        seed += "INSERT INTO holidays (day, name_th, name_en, kind, confirmed) VALUES (" +
                Quote(h.day) + ", " + Quote(h.name_th) + ", " + Quote(h.name_en) + ", " +
                Quote(h.kind) + ", " + (h.confirmed ? "1" : "0") + ");\n";
    set.Add({.module = "workflow",
             .version = 1,
             .name = "requests, attachments, holidays",
             .sql = R"sql(
CREATE TABLE workflow_requests (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  reference TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  applicant_id TEXT NOT NULL,
  organization_id TEXT,
  subject TEXT NOT NULL DEFAULT '',
  search_text TEXT NOT NULL DEFAULT '',
  data TEXT NOT NULL DEFAULT '{}',
  created TEXT NOT NULL,
  updated TEXT NOT NULL,
  submitted TEXT,
  closed TEXT,
  sla_used BIGINT NOT NULL DEFAULT 0,
  clock_since TEXT,
  due TEXT
);
CREATE INDEX workflow_requests_queue ON workflow_requests (type, closed, due);
CREATE INDEX workflow_requests_applicant ON workflow_requests (applicant_id, type);
CREATE TABLE workflow_attachments (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL REFERENCES workflow_requests (id),
  kind TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded TEXT NOT NULL
);
CREATE INDEX workflow_attachments_request ON workflow_attachments (request_id, uploaded);
CREATE TABLE holidays (
  day TEXT PRIMARY KEY,
  name_th TEXT NOT NULL,
  name_en TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'fixed',
  confirmed INTEGER NOT NULL DEFAULT 1,
  updated TEXT,
  updated_by TEXT
);
)sql" + seed});
    set.Add({.module = "workflow", .version = 2, .name = "document retention", .sql = R"sql(
ALTER TABLE workflow_attachments ADD COLUMN purge_after TEXT;
ALTER TABLE workflow_attachments ADD COLUMN purged TEXT;
CREATE INDEX workflow_attachments_purge ON workflow_attachments (purge_after);
CREATE TABLE workflow_type_settings (
  type TEXT PRIMARY KEY,
  retention_days INTEGER,
  updated TEXT NOT NULL,
  updated_by TEXT
);
)sql"});
    set.Add({.module = "workflow",
             .version = 3,
             .name = "reviewers scoped to agencies, child requests, reviewer reminders",
             .sql = R"sql(
CREATE TABLE workflow_reviewer_agencies (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  PRIMARY KEY (user_id, type, organization_id)
);
ALTER TABLE workflow_requests ADD COLUMN parent_id TEXT REFERENCES workflow_requests (id);
ALTER TABLE workflow_requests ADD COLUMN reminded_due TEXT;
CREATE INDEX workflow_requests_parent ON workflow_requests (parent_id);
)sql"});
}

void InsertRequest(db::Connection& c, const Request& r, const std::string& search_text) {
    c.Exec(
        "INSERT INTO workflow_requests (id, type, reference, state, applicant_id,"
        " organization_id, subject, search_text, data, created, updated, submitted, closed,"
        " sla_used, clock_since, due, parent_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {r.id, r.type, r.reference, r.state, r.applicant_id, OrNull(r.organization_id), r.subject,
         search_text, r.data_json, r.created, r.updated, OrNull(r.submitted), OrNull(r.closed),
         r.sla_used, OrNull(r.clock_since), OrNull(r.due), OrNull(r.parent_id)});
}

bool UpdateRequest(db::Connection& c, const Request& r, const std::string& expected_state,
                   const std::string& search_text) {
    // A clock that stops or pauses forgets its reminder: the next running stretch gets its own.
    return c.Exec(std::string("UPDATE workflow_requests SET state = ?, organization_id = ?,"
                              " subject = ?, search_text = ?, data = ?, updated = ?, submitted = ?,"
                              " closed = ?, sla_used = ?, clock_since = ?, due = ?") +
                      (r.clock_since.empty() ? ", reminded_due = NULL" : "") +
                      " WHERE id = ? AND state = ?",
                  {r.state, OrNull(r.organization_id), r.subject, search_text, r.data_json,
                   r.updated, OrNull(r.submitted), OrNull(r.closed), r.sla_used,
                   OrNull(r.clock_since), OrNull(r.due), r.id, expected_state}) == 1;
}

std::optional<Request> FindRequest(db::Connection& c, const std::string& id_or_reference) {
    auto row = c.One(std::string(kRequestColumns) + "WHERE id = ? OR reference = ?",
                     {id_or_reference, id_or_reference});
    if (!row) return std::nullopt;
    return ToRequest(*row);
}

std::vector<Request> RequestsOf(db::Connection& c, const std::string& applicant_id,
                                const std::string& type) {
    return ToRequests(c.Query(
        std::string(kRequestColumns) + "WHERE applicant_id = ? AND type = ? ORDER BY created DESC",
        {applicant_id, type}));
}

QueuePage Queue(db::Connection& c, const std::vector<std::string>& types, const QueueFilter& f,
                const std::string& now, const std::string& scoped_user) {
    QueuePage page;
    if (types.empty()) return page;
    std::string where = "WHERE type IN (";
    std::vector<db::Value> params;
    for (size_t i = 0; i < types.size(); ++i) {
        where += i ? ", ?" : "?";
        params.emplace_back(types[i]);
    }
    // A request never submitted (a draft) is its applicant's alone: never in the staff queue.
    where += ") AND submitted IS NOT NULL";
    if (!scoped_user.empty()) {
        // A reviewer scoped to agencies for a type sees that type's requests of those agencies.
        where +=
            " AND (NOT EXISTS (SELECT 1 FROM workflow_reviewer_agencies s WHERE s.user_id = ?"
            " AND s.type = workflow_requests.type) OR organization_id IN (SELECT s.organization_id"
            " FROM workflow_reviewer_agencies s WHERE s.user_id = ? AND s.type ="
            " workflow_requests.type))";
        params.emplace_back(scoped_user);
        params.emplace_back(scoped_user);
    }
    if (!f.include_closed && f.state.empty()) where += " AND closed IS NULL";
    if (!f.state.empty()) {
        where += " AND state = ?";
        params.emplace_back(f.state);
    }
    if (!f.organization.empty()) {
        where += " AND organization_id = ?";
        params.emplace_back(f.organization);
    }
    if (f.overdue_only) {
        where += " AND closed IS NULL AND due IS NOT NULL AND due < ?";
        params.emplace_back(now);
    }
    if (!f.q.empty()) {
        where += " AND search_text LIKE ? ESCAPE '\\'";
        params.emplace_back(db::LikeContaining(f.q));
    }
    page.total = c.One("SELECT COUNT(*) FROM workflow_requests " + where, params)->Int(0);
    // Open and running first, earliest due first; then paused; then closed, newest first.
    std::string order =
        " ORDER BY CASE WHEN closed IS NOT NULL THEN 2 WHEN due IS NULL THEN 1 ELSE 0 END,"
        " due, CASE WHEN closed IS NULL THEN created END, closed DESC, id LIMIT ? OFFSET ?";
    params.emplace_back(int64_t{f.limit});
    params.emplace_back(int64_t{f.offset});
    page.items = ToRequests(c.Query(std::string(kRequestColumns) + where + order, params));
    return page;
}

std::vector<Request> RunningRequests(db::Connection& c) {
    return ToRequests(
        c.Query(std::string(kRequestColumns) + "WHERE closed IS NULL AND clock_since IS NOT NULL"));
}

std::vector<Request> ChildrenOf(db::Connection& c, const std::string& parent_id) {
    return ToRequests(c.Query(
        std::string(kRequestColumns) + "WHERE parent_id = ? ORDER BY created, id", {parent_id}));
}

int64_t OpenRequestsOfAgency(db::Connection& c, const std::string& organization_id,
                             const std::string& except_id) {
    auto row = c.One(
        "SELECT COUNT(*) FROM workflow_requests WHERE organization_id = ? AND closed IS NULL AND "
        "id <> ?",
        {organization_id, except_id});
    return row ? row->Int(0) : 0;
}

std::vector<std::string> ReviewerAgencies(db::Connection& c, const std::string& user_id,
                                          const std::string& type) {
    std::vector<std::string> out;
    for (const auto& r : c.Query("SELECT organization_id FROM workflow_reviewer_agencies"
                                 " WHERE user_id = ? AND type = ? ORDER BY organization_id",
                                 {user_id, type}))
        out.push_back(r.Str(0));
    return out;
}

void SetReviewerAgencies(db::Connection& c, const std::string& user_id, const std::string& type,
                         const std::vector<std::string>& organization_ids) {
    c.Exec("DELETE FROM workflow_reviewer_agencies WHERE user_id = ? AND type = ?",
           {user_id, type});
    for (const auto& org : organization_ids)
        c.Exec(
            "INSERT INTO workflow_reviewer_agencies (user_id, type, organization_id)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            {user_id, type, org});
}

std::map<std::string, std::vector<std::string>> ReviewerScopesOf(db::Connection& c,
                                                                 const std::string& type) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& r : c.Query("SELECT user_id, organization_id FROM workflow_reviewer_agencies"
                                 " WHERE type = ? ORDER BY user_id, organization_id",
                                 {type}))
        out[r.Str(0)].push_back(r.Str(1));
    return out;
}

std::vector<std::string> AgenciesReviewedBy(db::Connection& c, const std::string& user_id) {
    std::vector<std::string> out;
    for (const auto& r : c.Query("SELECT DISTINCT organization_id FROM workflow_reviewer_agencies"
                                 " WHERE user_id = ? ORDER BY organization_id",
                                 {user_id}))
        out.push_back(r.Str(0));
    return out;
}

std::vector<Request> DueForReminder(db::Connection& c, const std::string& type,
                                    const std::string& due_before, int limit) {
    return ToRequests(c.Query(
        std::string(kRequestColumns) +
            "WHERE type = ? AND closed IS NULL AND clock_since IS NOT NULL AND due IS NOT NULL"
            " AND due <= ? AND (reminded_due IS NULL OR reminded_due <> due)"
            " ORDER BY due, id LIMIT ?",
        {type, due_before, int64_t{limit}}));
}

void MarkReminded(db::Connection& c, const std::string& request_id, const std::string& due) {
    c.Exec("UPDATE workflow_requests SET reminded_due = ? WHERE id = ?", {due, request_id});
}

void SetDue(db::Connection& c, const std::string& request_id, const std::string& due) {
    c.Exec("UPDATE workflow_requests SET due = ? WHERE id = ?", {OrNull(due), request_id});
}

void InsertAttachment(db::Connection& c, const Attachment& a) {
    c.Exec(
        "INSERT INTO workflow_attachments (id, request_id, kind, filename, content_type, size,"
        " sha256, path, uploaded_by, uploaded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {a.id, a.request_id, a.kind, a.filename, a.content_type, a.size, a.sha256, a.path,
         a.uploaded_by, a.uploaded});
}

namespace {
constexpr const char* kAttachmentColumns =
    "SELECT id, request_id, kind, filename, content_type, size, sha256, path, uploaded_by,"
    " uploaded, purge_after, purged FROM workflow_attachments ";
Attachment ToAttachment(const db::Row& r) {
    return {.id = r.Str(0),
            .request_id = r.Str(1),
            .kind = r.Str(2),
            .filename = r.Str(3),
            .content_type = r.Str(4),
            .size = r.Int(5),
            .sha256 = r.Str(6),
            .path = r.Str(7),
            .uploaded_by = r.Str(8),
            .uploaded = r.Str(9),
            .purge_after = r.Str(10),
            .purged = r.Str(11)};
}
}  // namespace

std::vector<Attachment> AttachmentsOf(db::Connection& c, const std::string& request_id) {
    std::vector<Attachment> out;
    for (const auto& r :
         c.Query(std::string(kAttachmentColumns) + "WHERE request_id = ? ORDER BY uploaded, id",
                 {request_id}))
        out.push_back(ToAttachment(r));
    return out;
}

std::optional<Attachment> FindAttachment(db::Connection& c, const std::string& id) {
    auto row = c.One(std::string(kAttachmentColumns) + "WHERE id = ?", {id});
    if (!row) return std::nullopt;
    return ToAttachment(*row);
}

void SetPurgeAfter(db::Connection& c, const std::string& request_id, const std::string& at) {
    c.Exec(
        "UPDATE workflow_attachments SET purge_after = ? WHERE request_id = ? AND purged IS NULL",
        {OrNull(at), request_id});
}

void PurgeApplicantFilesBy(db::Connection& c, const std::string& applicant_id,
                           const std::string& at) {
    c.Exec(
        "UPDATE workflow_attachments SET purge_after = ? WHERE purged IS NULL"
        " AND (purge_after IS NULL OR purge_after > ?)"
        " AND request_id IN (SELECT id FROM workflow_requests WHERE applicant_id = ?)",
        {at, at, applicant_id});
}

std::vector<Attachment> AttachmentsToPurge(db::Connection& c, const std::string& now, int limit) {
    std::vector<Attachment> out;
    for (const auto& r : c.Query(std::string(kAttachmentColumns) +
                                     "WHERE purged IS NULL AND purge_after IS NOT NULL"
                                     " AND purge_after <= ? ORDER BY purge_after LIMIT ?",
                                 {now, int64_t{limit}}))
        out.push_back(ToAttachment(r));
    return out;
}

void MarkPurged(db::Connection& c, const std::string& attachment_id, const std::string& at) {
    c.Exec("UPDATE workflow_attachments SET purged = ?, purge_after = NULL WHERE id = ?",
           {at, attachment_id});
}

std::vector<Request> ClosedRequestsWithFiles(db::Connection& c, const std::string& type) {
    return ToRequests(c.Query(std::string(kRequestColumns) +
                                  "WHERE type = ? AND closed IS NOT NULL AND id IN (SELECT"
                                  " request_id FROM workflow_attachments WHERE purged IS NULL)",
                              {type}));
}

std::vector<Request> AllRequestsOf(db::Connection& c, const std::string& applicant_id) {
    return ToRequests(
        c.Query(std::string(kRequestColumns) + "WHERE applicant_id = ? ORDER BY created DESC, id",
                {applicant_id}));
}

void RewriteRequest(db::Connection& c, const std::string& request_id, const std::string& subject,
                    const std::string& data_json, const std::string& search_text) {
    c.Exec("UPDATE workflow_requests SET subject = ?, data = ?, search_text = ? WHERE id = ?",
           {subject, data_json, search_text, request_id});
}

std::vector<Request> RequestsOfType(db::Connection& c, const std::string& type,
                                    const std::string& after_id, int limit) {
    return ToRequests(
        c.Query(std::string(kRequestColumns) + "WHERE type = ? AND id > ? ORDER BY id LIMIT ?",
                {type, after_id, int64_t{limit}}));
}

bool ReplaceData(db::Connection& c, const std::string& request_id, const std::string& expected,
                 const std::string& data_json) {
    return c.Exec("UPDATE workflow_requests SET data = ? WHERE id = ? AND data = ?",
                  {data_json, request_id, expected}) == 1;
}

std::optional<TypeSettings> FindTypeSettings(db::Connection& c, const std::string& type) {
    auto row = c.One(
        "SELECT retention_days, updated, updated_by FROM workflow_type_settings WHERE type = ?",
        {type});
    if (!row) return std::nullopt;
    TypeSettings s;
    if (!row->IsNull(0)) s.retention_days = static_cast<int>(row->Int(0));
    s.updated = row->Str(1);
    s.updated_by = row->Str(2);
    return s;
}

void SaveTypeSettings(db::Connection& c, const std::string& type, const TypeSettings& s) {
    c.Exec(
        "INSERT INTO workflow_type_settings (type, retention_days, updated, updated_by)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (type) DO UPDATE SET"
        " retention_days = excluded.retention_days, updated = excluded.updated,"
        " updated_by = excluded.updated_by",
        {type, s.retention_days ? db::Value(int64_t{*s.retention_days}) : db::Value(nullptr),
         s.updated, OrNull(s.updated_by)});
}

std::vector<Holiday> Holidays(db::Connection& c, int year) {
    constexpr const char* kColumns =
        "SELECT day, name_th, name_en, kind, confirmed, updated, updated_by FROM holidays ";
    db::Rows rows =
        year > 0 ? c.Query(std::string(kColumns) + "WHERE day >= ? AND day < ? ORDER BY day",
                           {std::to_string(year) + "-01-01", std::to_string(year + 1) + "-01-01"})
                 : c.Query(std::string(kColumns) + "ORDER BY day");
    std::vector<Holiday> out;
    for (const auto& r : rows) out.push_back(ToHoliday(r));
    return out;
}

void SaveHoliday(db::Connection& c, const Holiday& h) {
    c.Exec(
        "INSERT INTO holidays (day, name_th, name_en, kind, confirmed, updated, updated_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET name_th = excluded.name_th,"
        " name_en = excluded.name_en, kind = excluded.kind, confirmed = excluded.confirmed,"
        " updated = excluded.updated, updated_by = excluded.updated_by",
        {h.day, h.name_th, h.name_en, h.kind, int64_t{h.confirmed ? 1 : 0}, OrNull(h.updated),
         OrNull(h.updated_by)});
}

bool DeleteHoliday(db::Connection& c, const std::string& day) {
    return c.Exec("DELETE FROM holidays WHERE day = ?", {day}) == 1;
}

std::optional<Holiday> FindHoliday(db::Connection& c, const std::string& day) {
    auto row = c.One(
        "SELECT day, name_th, name_en, kind, confirmed, updated, updated_by FROM holidays"
        " WHERE day = ?",
        {day});
    if (!row) return std::nullopt;
    return ToHoliday(*row);
}

}  // namespace govhub::workflow::store
