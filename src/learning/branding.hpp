#pragma once
// Certificates as others see them (issue 17): an agency's certificate design (signatory, a
// signature image, a background), the public verification of a certificate by its code, the
// learner's choice of how their name is shown there, and the issuer's published material: the
// JWKS, the did:web document and the Bitstring Status List credential. Rows of
// learning_certificates are written by the certificate workflow; this service only reads them
// (and the learner's name choice). Permissions are decided here so the pages and the JSON agree.
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/principal.hpp"
#include "db/database.hpp"
#include "learning/certificate_code.hpp"
#include "learning/certificate_page.hpp"
#include "learning/credential.hpp"
#include "learning/model.hpp"

namespace govhub::learning {

struct BrandingConfig {
    std::string data_dir;  // branding files in <data_dir>/learning/branding, the key in secrets/
    std::string site_url;
    std::string tmp_dir;  // preview PDFs
};

// An uploaded image, streamed to a temp file by http.
struct ImageUpload {
    std::string path;
    uint64_t size = 0;
    std::function<bool(const std::string& dest)> move_to;
};

// A change to a design: text fields given replace the stored ones; images are replaced by an
// upload or removed by the flag.
struct DesignChange {
    std::optional<std::string> signatory_name, signatory_name_en;
    std::optional<std::string> signatory_position, signatory_position_en;
    std::optional<ImageUpload> signature, background;
    bool remove_signature = false, remove_background = false;
};

struct DesignAgency {
    std::string id, name, title, title_en;
};

struct AgencyDesign {
    DesignAgency agency;
    CertificateBranding branding;  // empty fields when never set
};

// What the verification page and its JSON show of one certificate.
struct Verification {
    Certificate certificate;
    nlohmann::json snapshot;  // as written at issue
    bool revoked = false;     // the certificate's bit in the published status list
    std::string name_choice;  // "full" | "initials" (the learner's, now)
    std::string learner_name, learner_name_en;  // as the learner chose
    bool own = false;                           // the viewer is the certificate's learner
};

class BrandingService {
  public:
    // Loads (or creates) the signing key: a key file that cannot be read stops the start.
    BrandingService(db::Database& db, BrandingConfig config);

    const BrandingConfig& config() const { return config_; }
    std::string BrandingDir() const;
    std::string BrandingPath(const std::string& file) const { return BrandingDir() + "/" + file; }

    // ---- designs: an agency's administrators and sysadmins (404 unknown agency, 403 others)
    bool MayDesign(db::Connection& c, const std::string& agency_id, const api::Principal* p);
    AgencyDesign Design(const std::string& agency_name, const api::Caller& caller);
    AgencyDesign SaveDesign(const std::string& agency_name, DesignChange change,
                            const api::Caller& caller);
    // A sample certificate drawn with the design; the PDF's path (a temp file the caller owns).
    std::string PreviewPdf(const AgencyDesign& design, const std::string& locale,
                           const CertificateWords& words) const;

    // ---- verification (public)
    std::optional<Verification> Verify(std::string_view typed_code, const api::Principal* viewer);
    // The learner's own choice (409 for anything but "full" / "initials"); audited when changed.
    void SetNameChoice(const std::string& choice, const api::Caller& caller);
    // The same, from a certificate's page: only its learner (403 others, 404 unknown code).
    void SetNameChoiceFor(std::string_view code, const std::string& choice,
                          const api::Caller& caller);
    // The stored credential (VC-JWT) of a certificate; nothing for an unknown code.
    std::optional<std::string> CredentialOf(std::string_view typed_code);

    // ---- issuer
    std::string IssuerDid() const { return did_; }
    std::string StatusListUrl() const;
    nlohmann::json JwksJson() const;
    // The credential signing key (<data_dir>/secrets/learning-credential.key), loaded once.
    const SigningKey& key() const { return key_; }
    nlohmann::json DidJson() const;
    // The status list credential, rebuilt only when the set of revoked certificates changed.
    std::string StatusListJwt();

  private:
    struct StatusSnapshot {
        std::vector<int64_t> revoked;
        StatusBits bits;
        std::string jwt;
    };
    std::shared_ptr<const StatusSnapshot> Status();
    DesignAgency RequireDesigner(db::Connection& c, const std::string& agency_name,
                                 const api::Caller& caller);
    std::string StoreImage(const std::string& agency_id, const char* kind, ImageUpload& up,
                           const char* field);

    db::Database& db_;
    BrandingConfig config_;
    SigningKey key_;
    std::string did_;
    std::mutex status_mutex_;
    std::shared_ptr<const StatusSnapshot> status_;
};

}  // namespace govhub::learning
