#include "learning/branding.hpp"

#include <algorithm>
#include <filesystem>

#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/file_type.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "learning/certificate_page.hpp"
#include "learning/store.hpp"
#include "learning/store_branding.hpp"
#include "render/certificate.hpp"

namespace govhub::learning {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr size_t kMaxSignatoryChars = 200;

void Fail(std::vector<FieldError> errors) {
    throw HttpError::Validation(std::move(errors));
}

DesignAgency RefOf(const agencies::Agency& a) {
    return {a.id, a.name, a.title, a.title_en};
}

std::string Str(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A certificate by its normalized code: stored grouped, or (should the issuer keep them so) as
// the 12 characters alone.
std::optional<Certificate> FindByCode(db::Connection& c, const std::string& code) {
    if (auto cert = store::FindCertificateByCode(c, code)) return cert;
    std::string bare;
    for (char ch : code)
        if (ch != '-') bare.push_back(ch);
    return store::FindCertificateByCode(c, bare);
}

}  // namespace

BrandingService::BrandingService(db::Database& db, BrandingConfig config)
    : db_(db), config_(std::move(config)) {
    // Every node reads the same file of the shared data directory (created by the first).
    key_ = LoadOrCreateSigningKey(config_.data_dir + "/secrets/learning-credential.key");
    did_ = DidWebFor(config_.site_url);
}

std::string BrandingService::BrandingDir() const {
    return config_.data_dir + "/learning/branding";
}

// ---- designs

bool BrandingService::MayDesign(db::Connection& c, const std::string& agency_id,
                                const api::Principal* p) {
    if (!p) return false;
    if (p->sysadmin) return true;
    auto role = agencies::store::RoleOf(c, p->user_id, agency_id);
    return role && *role == agencies::Role::kAdmin;
}

DesignAgency BrandingService::RequireDesigner(db::Connection& c, const std::string& agency_name,
                                              const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    auto a = agencies::store::Find(c, agency_name);
    if (!a) throw HttpError::NotFound("learning.brand.no_such_agency");
    if (!MayDesign(c, a->id, &p)) throw HttpError::Forbidden("learning.brand.may_not_design");
    return RefOf(*a);
}

AgencyDesign BrandingService::Design(const std::string& agency_name, const api::Caller& caller) {
    return db_.Read([&](db::Connection& c) {
        AgencyDesign d{.agency = RequireDesigner(c, agency_name, caller)};
        d.branding = store::FindBranding(c, d.agency.id).value_or(CertificateBranding{});
        d.branding.agency_id = d.agency.id;
        return d;
    });
}

// Checks an image and moves it to a new name in the branding directory: an issued certificate
// may still be drawn from the old file, so no file there is ever replaced or removed.
std::string BrandingService::StoreImage(const std::string& agency_id, const char* kind,
                                        ImageUpload& up, const char* field) {
    if (up.size == 0) Fail({{field, "learning.brand.upload_missing"}});
    if (up.size > render::kMaxImageBytes) Fail({{field, "learning.brand.too_big"}});
    if (core::SniffFileType(up.path) != "image/png") Fail({{field, "learning.brand.not_png"}});
    std::string why;
    if (!render::DecodesAsPng(up.path, &why)) Fail({{field, "learning.brand.bad_png"}});
    fs::create_directories(BrandingDir());
    std::string file = agency_id + "-" + kind + "-" + core::RandomToken(9) + ".png";
    if (!up.move_to(BrandingPath(file)))
        throw std::runtime_error("could not store the certificate design's image");
    return file;
}

AgencyDesign BrandingService::SaveDesign(const std::string& agency_name, DesignChange change,
                                         const api::Caller& caller) {
    // Who may, before any file is kept.
    DesignAgency agency =
        db_.Read([&](db::Connection& c) { return RequireDesigner(c, agency_name, caller); });
    std::vector<FieldError> errors;
    auto check = [&](const std::optional<std::string>& v, const char* field) {
        if (!v) return;
        if (!core::IsValidUtf8(*v) || core::HasStrayControls(*v, false))
            errors.push_back({field, "learning.brand.bad_text"});
        else if (core::Utf8Length(*v) > kMaxSignatoryChars)
            errors.push_back({field, "learning.brand.too_long"});
    };
    check(change.signatory_name, "signatory_name");
    check(change.signatory_name_en, "signatory_name_en");
    check(change.signatory_position, "signatory_position");
    check(change.signatory_position_en, "signatory_position_en");
    if (!errors.empty()) Fail(std::move(errors));
    std::string signature, background;
    if (change.signature)
        signature = StoreImage(agency.id, "signature", *change.signature, "signature");
    if (change.background)
        background = StoreImage(agency.id, "background", *change.background, "background");
    return db_.Write([&](db::Connection& c) {
        AgencyDesign d{.agency = RequireDesigner(c, agency_name, caller)};
        CertificateBranding before =
            store::FindBranding(c, agency.id).value_or(CertificateBranding{});
        CertificateBranding b = before;
        b.agency_id = agency.id;
        auto set = [](std::string& to, const std::optional<std::string>& v) {
            if (v) to = core::Trim(*v);
        };
        set(b.signatory_name, change.signatory_name);
        set(b.signatory_name_en, change.signatory_name_en);
        set(b.signatory_position, change.signatory_position);
        set(b.signatory_position_en, change.signatory_position_en);
        if (change.remove_signature) b.signature_file.clear();
        if (change.remove_background) b.background_file.clear();
        if (!signature.empty()) b.signature_file = signature;
        if (!background.empty()) b.background_file = background;
        b.modified = core::NowIso();
        b.modified_by = caller.principal->user_id;
        store::UpsertBranding(c, b);
        Json changed = Json::object();
        auto note = [&](const char* key, const std::string& was, const std::string& now) {
            if (was != now) changed[key] = now;
        };
        note("signatory_name", before.signatory_name, b.signatory_name);
        note("signatory_name_en", before.signatory_name_en, b.signatory_name_en);
        note("signatory_position", before.signatory_position, b.signatory_position);
        note("signatory_position_en", before.signatory_position_en, b.signatory_position_en);
        note("signature_file", before.signature_file, b.signature_file);
        note("background_file", before.background_file, b.background_file);
        if (!changed.empty())
            audit::Record(c, caller.actor(), "learning.certificate_design.update", "agency",
                          agency.id, changed);
        d.branding = b;
        return d;
    });
}

std::string BrandingService::PreviewPdf(const AgencyDesign& d, const std::string& locale,
                                        const CertificateWords& words) const {
    // A sample learner and course on the very layout issued certificates use
    // (certificate_page.hpp), with this design: the agency sees what its certificates will say.
    const CertificateBranding& b = d.branding;
    nlohmann::json sample = {
        {"learner_name", "นางสาวตัวอย่าง ใจดี"},
        {"learner_name_en", "Miss Sample Jaidee"},
        {"course_title", "ตัวอย่างหลักสูตร"},
        {"course_title_en", "Sample course"},
        {"minutes", 90},
        {"completed_at", core::NowIso().substr(0, 10)},
        {"agency_title", d.agency.title},
        {"agency_title_en", d.agency.title_en},
        {"signatory_name", b.signatory_name},
        {"signatory_name_en", b.signatory_name_en},
        {"signatory_position", b.signatory_position},
        {"signatory_position_en", b.signatory_position_en},
        {"signature_file", b.signature_file},
        {"background_file", b.background_file},
    };
    render::CertificatePage page = CertificatePageOf(
        sample, "XXXX-XXXX-XXXX", config_.site_url + "/learning/verify", BrandingDir(), words);
    page.footer = {locale == "en" ? "SAMPLE — not a certificate" : "ตัวอย่าง — ไม่ใช่ประกาศนียบัตร",
                   config_.site_url + "/learning/verify"};
    fs::create_directories(config_.tmp_dir);
    std::string path = config_.tmp_dir + "/certificate-preview-" + core::RandomToken(9) + ".pdf";
    render::WriteCertificatePdf(page, path);
    return path;
}

// ---- verification

std::optional<Verification> BrandingService::Verify(std::string_view typed_code,
                                                    const api::Principal* viewer) {
    auto code = NormalizeCertificateCode(typed_code);
    if (!code) return std::nullopt;
    auto status = Status();
    return db_.Read([&](db::Connection& c) -> std::optional<Verification> {
        auto cert = FindByCode(c, *code);
        if (!cert) return std::nullopt;
        Verification v;
        v.certificate = *cert;
        // Written by the issuing code, not by a visitor: parsed without the outside bounds.
        v.snapshot = Json::parse(cert->snapshot, nullptr, false);
        if (!v.snapshot.is_object()) v.snapshot = Json::object();
        // The same bits a verifier reads in the published list.
        v.revoked = cert->status_index >= 0 &&
                    static_cast<size_t>(cert->status_index) < status->bits.size() &&
                    status->bits.Get(static_cast<size_t>(cert->status_index));
        v.name_choice = store::NameOnCertificate(c, cert->user_id);
        v.learner_name = Str(v.snapshot, "learner_name");
        v.learner_name_en = Str(v.snapshot, "learner_name_en");
        if (v.name_choice == "initials") {
            // From the name without its title where the snapshot has it (ว่าที่ร้อยตรี, ดร. ...).
            std::string bare = Str(v.snapshot, "learner_name_bare");
            v.learner_name = NameInitials(bare.empty() ? v.learner_name : bare);
            v.learner_name_en = NameInitials(v.learner_name_en);
        }
        v.own = viewer && viewer->user_id == cert->user_id;
        return v;
    });
}

void BrandingService::SetNameChoice(const std::string& choice, const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    if (choice != "full" && choice != "initials")
        Fail({{"name_on_certificate", "learning.verify.bad_choice"}});
    db_.Write([&](db::Connection& c) {
        std::string was = store::NameOnCertificate(c, p.user_id);
        if (was == choice) return;
        store::SetNameOnCertificate(c, p.user_id, choice);
        audit::Record(c, caller.actor(), "learning.profile.name_on_certificate", "user", p.user_id,
                      {{"from", was}, {"to", choice}});
    });
}

void BrandingService::SetNameChoiceFor(std::string_view typed_code, const std::string& choice,
                                       const api::Caller& caller) {
    const api::Principal& p = api::RequireUser(caller.principal);
    auto code = NormalizeCertificateCode(typed_code);
    if (!code) throw HttpError::NotFound("learning.verify.unknown");
    auto cert = db_.Read([&](db::Connection& c) { return FindByCode(c, *code); });
    if (!cert) throw HttpError::NotFound("learning.verify.unknown");
    if (cert->user_id != p.user_id) throw HttpError::Forbidden("learning.verify.not_yours");
    SetNameChoice(choice, caller);
}

std::optional<std::string> BrandingService::CredentialOf(std::string_view typed_code) {
    auto code = NormalizeCertificateCode(typed_code);
    if (!code) return std::nullopt;
    auto cert = db_.Read([&](db::Connection& c) { return FindByCode(c, *code); });
    if (!cert || cert->credential.empty()) return std::nullopt;
    return cert->credential;
}

// ---- issuer

std::string BrandingService::StatusListUrl() const {
    return config_.site_url + "/learning/credentials/status/1";
}

Json BrandingService::JwksJson() const {
    // The kid as the credentials' headers name it, so a verifier matches it as it stands.
    Json jwks = Jwks({key_});
    for (auto& k : jwks["keys"]) k["kid"] = did_ + "#" + key_.kid;
    return jwks;
}

Json BrandingService::DidJson() const {
    return DidDocument(did_, {key_});
}

std::shared_ptr<const BrandingService::StatusSnapshot> BrandingService::Status() {
    // Revocations are few: reading their indices is one small query, and the list (gzip and a
    // signature) is made again only when they changed, on any node.
    std::vector<int64_t> revoked = db_.Read(store::RevokedStatusIndices);
    std::sort(revoked.begin(), revoked.end());
    std::lock_guard lock(status_mutex_);
    if (status_ && status_->revoked == revoked) return status_;
    auto s = std::make_shared<StatusSnapshot>();
    s->revoked = std::move(revoked);
    for (int64_t i : s->revoked)
        if (i >= 0 && static_cast<size_t>(i) < s->bits.size())
            s->bits.Set(static_cast<size_t>(i), true);
    s->jwt = IssueStatusListJwt(StatusListUrl(), did_, s->bits, core::NowEpochSeconds(), key_);
    status_ = s;
    return status_;
}

std::string BrandingService::StatusListJwt() {
    return Status()->jwt;
}

}  // namespace govhub::learning
