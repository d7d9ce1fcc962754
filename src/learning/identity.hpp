#pragma once
// Sign-up identity check for Learning (issue 16, step 1): a learner proves a citizen ID by the
// laser code on the back of the card, checked by the Department of Provincial Administration
// (DOPA) directly over SOAP (CheckCardByLaser) or through DGA's GDX REST wrapper. Nothing here
// is wired into a page yet. Facts: ../shared/reference/learning.md §1.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace govhub::learning {

// The 12 characters DOPA expects ("JT1234567890") from what a person typed ("jt1-2345678-90"):
// uppercased, spaces and hyphens removed, then exactly two Latin letters and ten ASCII digits.
std::optional<std::string> NormalizeLaserCode(std::string_view typed);

// A date of birth as DOPA keeps it: the Buddhist-era year, and a month and day that may be 0
// when the civil register does not know them (older records often do not).
struct BirthDate {
    int be_year = 0;
    int month = 0;  // 0 = unknown
    int day = 0;    // 0 = unknown; must be 0 when the month is
};
// "25380000", "25280713": YYYYMMDD in the Buddhist era, zeros for the unknown parts.
std::string FormatBeBirthDate(const BirthDate& date);
// Today in Thailand (UTC+7) as a BirthDate, for the "not in the future" rule.
BirthDate TodayInThailand();
// nullopt when the date is acceptable, else the i18n key of what is wrong: a year from BE 2400
// to this year, a month 0–12, a day that exists in that month (29 February only in a leap
// year: CE = BE − 543), a day of 0 when the month is 0, and not after `today`.
std::optional<std::string> CheckBirthDate(const BirthDate& date, const BirthDate& today);

struct IdentityClaim {
    std::string citizen_id;  // the 13 digits (core::ParseCitizenId's output)
    std::string first_name_th;  // without the title (นาย, นาง ...) and without a middle name
    std::string last_name_th;
    BirthDate birth;
    std::string laser;  // as typed; normalised before it is sent
};

// What can be said without asking DOPA: field errors with i18n keys (learning.identity.*),
// empty when the claim may be sent.
std::vector<FieldError> LocalCheck(const IdentityClaim& claim);

enum class VerifyOutcome {
    kVerified,      // code 0: the card is valid and every field matches
    kChipAbnormal,  // code 1
    kCardVoid,      // code 2: the card expired or the address changed
    kMismatch,      // code 4: wrong laser code for this ID, or wrong name/birth date
    kIncomplete,    // code 5: a required field was empty
    kUnavailable,   // no answer we can trust: timeout, transport or HTTP error without a
                    // documented code, an undocumented code, a malformed or oversized reply
};

struct VerifyResult {
    VerifyOutcome outcome = VerifyOutcome::kUnavailable;
    int code = -1;       // DOPA's code when there was one, else -1
    std::string detail;  // for logs only (may quote the service); never shown to a user as is
};

// "learning.identity.verified", ".card_void", ".mismatch", ".incomplete", ".chip_abnormal",
// ".unavailable": what happened and what the person can do about it.
std::string MessageKey(VerifyOutcome outcome);
std::string_view ToString(VerifyOutcome outcome);

// The reply parsers, pure so they can be fuzzed (fuzz/targets/dopa_reply.cpp).
// A SOAP 1.1 or 1.2 CheckCardByLaserResponse; anything else is kUnavailable.
VerifyResult ParseDopaSoapReply(std::string_view body);
// GDX /ws/dopa/verification/personal: 200 {"Result": true|false}; 500 with [2]/[4]/[5] (and
// [1]) in the body; anything else is kUnavailable.
VerifyResult ParseGdxCheckReply(int http_status, std::string_view body);
// GDX /ws/auth/validate: 200 {"Result": "<token>"}; nullopt otherwise.
std::optional<std::string> ParseGdxTokenReply(int http_status, std::string_view body);

// The SOAP 1.2 envelope sent to DOPA for a claim (values XML-escaped, laser normalised).
std::string DopaSoapRequest(const IdentityClaim& claim);

// Replies larger than this are not read (a DOPA answer is well under 2 KiB).
inline constexpr size_t kMaxReplyBytes = 64 * 1024;

class IdentityVerifier {
  public:
    virtual ~IdentityVerifier() = default;
    // Runs LocalCheck first: a claim that fails it is kIncomplete (code 5) without a call.
    // Blocks for at most about the configured timeout (twice for GDX when a token is needed).
    virtual VerifyResult Verify(const IdentityClaim& claim) = 0;
};

// Direct SOAP 1.2 to DOPA's CheckCardService.asmx. TLS is always verified; the optional client
// certificate is for gateways that require mutual TLS.
class DopaSoapVerifier : public IdentityVerifier {
  public:
    struct Options {
        std::string endpoint =
            "https://idcard.bora.dopa.go.th/CheckCardStatus/CheckCardService.asmx";
        long timeout_ms = 20000;
        std::string client_cert;  // PEM file, empty for none
        std::string client_key;   // PEM file, empty when the certificate file holds the key
    };
    explicit DopaSoapVerifier(Options options) : options_(std::move(options)) {}
    VerifyResult Verify(const IdentityClaim& claim) override;

  private:
    Options options_;
};

// DGA's GDX "API Laser Code": a token from /ws/auth/validate (kept 55 minutes; the service
// drops it after 60 idle minutes), then /ws/dopa/verification/personal with header `Token`.
class GdxVerifier : public IdentityVerifier {
  public:
    struct Options {
        std::string base_url = "https://api.egov.go.th";
        std::string consumer_key;
        std::string consumer_secret;
        std::string agent_id;  // a 13-digit ID or the system's name, as registered with DGA
        long timeout_ms = 20000;
    };
    explicit GdxVerifier(Options options) : options_(std::move(options)) {}
    VerifyResult Verify(const IdentityClaim& claim) override;

  private:
    std::optional<std::string> Token(std::string* why);
    void DropToken(const std::string& token);

    Options options_;
    std::mutex mutex_;
    std::string token_;
    long long token_until_ = 0;  // epoch seconds
};

// For development and demonstrations: synthetic cards pass, everything else is a mismatch. The
// cards (no real person has one: province/district 00 do not exist) are 1-0000-00000-NN-C, any
// NN (00 is the demo learner's; the others are for trying the sign-up), all with the name,
// birth date and laser code below:
inline constexpr std::string_view kDemoCitizenId = "1000000000009";
inline constexpr std::string_view kDemoFirstName = "ผู้เรียน";
inline constexpr std::string_view kDemoLastName = "ทดลองระบบ";
inline constexpr BirthDate kDemoBirth{2530, 1, 15};
inline constexpr std::string_view kDemoLaser = "AA0000000001";
class DemoVerifier : public IdentityVerifier {
  public:
    VerifyResult Verify(const IdentityClaim& claim) override;
};

// Which verifier a deployment uses (configuration, not code):
//   mode "off"  (default) → MakeVerifier returns nullptr: sign-up offers no laser-code check
//   mode "demo" → DemoVerifier
//   mode "dopa" → DopaSoapVerifier{dopa_endpoint, timeout_ms, client_cert, client_key}
//   mode "gdx"  → GdxVerifier{gdx_base_url, gdx_consumer_key, gdx_consumer_secret,
//                 gdx_agent_id, timeout_ms}
// Any other mode throws std::invalid_argument, so a typo stops the start-up.
struct VerifierConfig {
    std::string mode = "off";
    long timeout_ms = 20000;
    std::string dopa_endpoint =
        "https://idcard.bora.dopa.go.th/CheckCardStatus/CheckCardService.asmx";
    std::string client_cert;
    std::string client_key;
    std::string gdx_base_url = "https://api.egov.go.th";
    std::string gdx_consumer_key;
    std::string gdx_consumer_secret;
    std::string gdx_agent_id;
};
std::unique_ptr<IdentityVerifier> MakeVerifier(const VerifierConfig& config);

}  // namespace govhub::learning
