// Learning's certificate tables (migration learning:6, issue 17): issued certificates, the
// agencies' certificate designs, invitations sent by bulk enrolment, and the columns that
// record a completion's course version, its annulment, and a confirmed staff membership.
#include "db/row_reader.hpp"
#include "learning/store.hpp"

namespace govhub::learning::store {

void AddCertificateMigrations(db::MigrationSet& set) {
    set.Add({.module = "learning",
             .version = 6,
             .name = "certificates, certificate designs, invitations, confirmed staff",
             .sql = R"sql(
ALTER TABLE learning_courses ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE learning_courses ADD COLUMN certificate_auto_approve INTEGER NOT NULL DEFAULT 0;
ALTER TABLE learning_enrolments ADD COLUMN course_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE learning_enrolments ADD COLUMN annulled_at TEXT NOT NULL DEFAULT '';
ALTER TABLE learning_enrolments ADD COLUMN annul_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE learning_enrolments ADD COLUMN annulled_by TEXT NOT NULL DEFAULT '';
ALTER TABLE learning_profiles ADD COLUMN agency_confirmed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE learning_profiles ADD COLUMN agency_confirmed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE learning_profiles ADD COLUMN name_on_certificate TEXT NOT NULL DEFAULT 'full'
  CHECK (name_on_certificate IN ('full', 'initials'));
CREATE TABLE learning_certificates (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  course_id TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  agency_id TEXT,
  request_id TEXT NOT NULL DEFAULT '',
  course_version INTEGER NOT NULL DEFAULT 0,
  completed_at TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  status_index BIGINT NOT NULL UNIQUE,
  snapshot TEXT NOT NULL,
  pdf_file TEXT NOT NULL DEFAULT '',
  pdf_sha256 TEXT NOT NULL DEFAULT '',
  credential TEXT NOT NULL DEFAULT '',
  revoked_at TEXT NOT NULL DEFAULT '',
  revoke_reason TEXT NOT NULL DEFAULT '',
  revoked_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX learning_certificates_user ON learning_certificates (user_id, issued_at);
CREATE INDEX learning_certificates_course ON learning_certificates (course_id, user_id);
CREATE TABLE learning_certificate_branding (
  agency_id TEXT PRIMARY KEY REFERENCES organizations (id),
  signatory_name TEXT NOT NULL DEFAULT '',
  signatory_name_en TEXT NOT NULL DEFAULT '',
  signatory_position TEXT NOT NULL DEFAULT '',
  signatory_position_en TEXT NOT NULL DEFAULT '',
  signature_file TEXT NOT NULL DEFAULT '',
  background_file TEXT NOT NULL DEFAULT '',
  modified TEXT NOT NULL,
  modified_by TEXT NOT NULL DEFAULT ''
);
CREATE TABLE learning_invitations (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  course_id TEXT NOT NULL REFERENCES learning_courses (id) ON DELETE CASCADE,
  agency_id TEXT,
  invited_by TEXT NOT NULL,
  created TEXT NOT NULL,
  accepted_at TEXT NOT NULL DEFAULT '',
  UNIQUE (email, course_id)
);
CREATE INDEX learning_invitations_email ON learning_invitations (email);
)sql"});
}

namespace {

constexpr const char* kCertificateColumns =
    "id, code, course_id, user_id, agency_id, request_id, course_version, completed_at, "
    "issued_at, status_index, snapshot, pdf_file, pdf_sha256, credential, revoked_at, "
    "revoke_reason, revoked_by";

Certificate ToCertificate(const db::Row& row) {
    db::RowReader r(row);
    Certificate c;
    c.id = r.Str();
    c.code = r.Str();
    c.course_id = r.Str();
    c.user_id = r.Str();
    c.agency_id = r.Str();
    c.request_id = r.Str();
    c.course_version = static_cast<int>(r.Int());
    c.completed_at = r.Str();
    c.issued_at = r.Str();
    c.status_index = r.Int();
    c.snapshot = r.Str();
    c.pdf_file = r.Str();
    c.pdf_sha256 = r.Str();
    c.credential = r.Str();
    c.revoked_at = r.Str();
    c.revoke_reason = r.Str();
    c.revoked_by = r.Str();
    return c;
}

std::vector<Certificate> Certificates(db::Connection& c, const std::string& where,
                                      std::vector<db::Value> params) {
    std::vector<Certificate> out;
    for (const auto& row : c.Query(std::string("SELECT ") + kCertificateColumns +
                                       " FROM learning_certificates WHERE " + where,
                                   params))
        out.push_back(ToCertificate(row));
    return out;
}

}  // namespace

void InsertCertificate(db::Connection& c, const Certificate& x) {
    c.Exec(std::string("INSERT INTO learning_certificates (") + kCertificateColumns +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {x.id, x.code, x.course_id, x.user_id,
            x.agency_id.empty() ? db::Value(nullptr) : db::Value(x.agency_id), x.request_id,
            x.course_version, x.completed_at, x.issued_at, x.status_index, x.snapshot, x.pdf_file,
            x.pdf_sha256, x.credential, x.revoked_at, x.revoke_reason, x.revoked_by});
}

std::optional<Certificate> FindCertificateByCode(db::Connection& c, const std::string& code) {
    auto rows = Certificates(c, "code = ?", {code});
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<Certificate> FindCertificate(db::Connection& c, const std::string& course_id,
                                           const std::string& user_id) {
    auto rows = Certificates(c, "course_id = ? AND user_id = ? ORDER BY issued_at DESC",
                             {course_id, user_id});
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<Certificate> CertificatesOf(db::Connection& c, const std::string& user_id) {
    return Certificates(c, "user_id = ? ORDER BY issued_at DESC, code", {user_id});
}

void SetCertificateFiles(db::Connection& c, const std::string& id, const std::string& pdf_file,
                         const std::string& pdf_sha256, const std::string& credential) {
    c.Exec(
        "UPDATE learning_certificates SET pdf_file = ?, pdf_sha256 = ?, credential = ? "
        "WHERE id = ?",
        {pdf_file, pdf_sha256, credential, id});
}

bool RevokeCertificate(db::Connection& c, const std::string& id, const std::string& at,
                       const std::string& reason, const std::string& by) {
    return c.Exec(
               "UPDATE learning_certificates SET revoked_at = ?, revoke_reason = ?, "
               "revoked_by = ? WHERE id = ? AND revoked_at = ''",
               {at, reason, by, id}) > 0;
}

std::vector<int64_t> RevokedStatusIndices(db::Connection& c) {
    std::vector<int64_t> out;
    for (const auto& row :
         c.Query("SELECT status_index FROM learning_certificates WHERE revoked_at <> ''", {}))
        out.push_back(db::RowReader(row).Int());
    return out;
}

bool StatusIndexTaken(db::Connection& c, int64_t index) {
    return c.One("SELECT 1 FROM learning_certificates WHERE status_index = ?", {index}).has_value();
}

std::optional<CertificateBranding> FindBranding(db::Connection& c, const std::string& agency_id) {
    auto row = c.One(
        "SELECT agency_id, signatory_name, signatory_name_en, signatory_position, "
        "signatory_position_en, signature_file, background_file, modified, modified_by "
        "FROM learning_certificate_branding WHERE agency_id = ?",
        {agency_id});
    if (!row) return std::nullopt;
    db::RowReader r(*row);
    CertificateBranding b;
    b.agency_id = r.Str();
    b.signatory_name = r.Str();
    b.signatory_name_en = r.Str();
    b.signatory_position = r.Str();
    b.signatory_position_en = r.Str();
    b.signature_file = r.Str();
    b.background_file = r.Str();
    b.modified = r.Str();
    b.modified_by = r.Str();
    return b;
}

void UpsertBranding(db::Connection& c, const CertificateBranding& b) {
    c.Exec(
        "INSERT INTO learning_certificate_branding (agency_id, signatory_name, "
        "signatory_name_en, signatory_position, signatory_position_en, signature_file, "
        "background_file, modified, modified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (agency_id) DO UPDATE SET signatory_name = excluded.signatory_name, "
        "signatory_name_en = excluded.signatory_name_en, "
        "signatory_position = excluded.signatory_position, "
        "signatory_position_en = excluded.signatory_position_en, "
        "signature_file = excluded.signature_file, background_file = excluded.background_file, "
        "modified = excluded.modified, modified_by = excluded.modified_by",
        {b.agency_id, b.signatory_name, b.signatory_name_en, b.signatory_position,
         b.signatory_position_en, b.signature_file, b.background_file, b.modified, b.modified_by});
}

}  // namespace govhub::learning::store
