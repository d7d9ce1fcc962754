#include "learning/identity.hpp"

#include <curl/curl.h>
#include <expat.h>

#include <cctype>
#include <ctime>
#include <stdexcept>

#include "core/citizen_id.hpp"
#include "core/clock.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"

namespace govhub::learning {

std::optional<std::string> NormalizeLaserCode(std::string_view typed) {
    std::string out;
    for (char c : typed) {
        if (c == ' ' || c == '-' || c == '\t') continue;
        if (out.size() >= 12) return std::nullopt;
        unsigned char u = static_cast<unsigned char>(c);
        if (out.size() < 2) {
            if (!std::isalpha(u) || u >= 0x80) return std::nullopt;
            out.push_back(static_cast<char>(std::toupper(u)));
        } else {
            if (c < '0' || c > '9') return std::nullopt;
            out.push_back(c);
        }
    }
    if (out.size() != 12) return std::nullopt;
    return out;
}

std::string FormatBeBirthDate(const BirthDate& d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.be_year, d.month, d.day);
    return buf;
}

BirthDate TodayInThailand() {
    std::time_t t = static_cast<std::time_t>(core::NowEpochSeconds() + 7 * 3600);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return {tm.tm_year + 1900 + 543, tm.tm_mon + 1, tm.tm_mday};
}

namespace {

bool IsLeapCe(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(int be_year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && IsLeapCe(be_year - 543)) return 29;
    return kDays[month - 1];
}

}  // namespace

std::optional<std::string> CheckBirthDate(const BirthDate& d, const BirthDate& today) {
    if (d.be_year < 2400 || d.be_year > today.be_year) return "learning.identity.bad_birth_year";
    if (d.month < 0 || d.month > 12) return "learning.identity.bad_birth_date";
    if (d.month == 0 && d.day != 0) return "learning.identity.day_without_month";
    if (d.day < 0 || (d.month > 0 && d.day > DaysInMonth(d.be_year, d.month)))
        return "learning.identity.bad_birth_date";
    // Unknown parts count as the earliest possible, so a known-future date is refused and an
    // unknown day in the current month is not.
    auto key = [](const BirthDate& x) { return x.be_year * 10000 + x.month * 100 + x.day; };
    if (key(d) > key(today)) return "learning.identity.birth_in_future";
    return std::nullopt;
}

std::vector<FieldError> LocalCheck(const IdentityClaim& claim) {
    std::vector<FieldError> errors;
    auto id = core::ParseCitizenId(claim.citizen_id);
    if (!id || *id != claim.citizen_id)
        errors.push_back({"citizen_id", "learning.identity.bad_citizen_id"});
    auto name = [&](const std::string& value, const char* field) {
        if (!core::IsValidUtf8(value) || core::HasStrayControls(value, false)) {
            errors.push_back({field, "learning.identity.bad_name"});
        } else if (core::Trim(value).empty()) {
            errors.push_back({field, "learning.identity.name_required"});
        } else if (std::string_view(field) == "first_name_th" &&
                   core::Trim(value).find(' ') != std::string::npos) {
            // DOPA compares the first name alone: no title before it, no middle name after.
            errors.push_back({field, "learning.identity.first_name_only"});
        }
    };
    name(claim.first_name_th, "first_name_th");
    name(claim.last_name_th, "last_name_th");
    if (auto why = CheckBirthDate(claim.birth, TodayInThailand()))
        errors.push_back({"birth", *why});
    if (!NormalizeLaserCode(claim.laser))
        errors.push_back({"laser", "learning.identity.bad_laser"});
    return errors;
}

std::string_view ToString(VerifyOutcome outcome) {
    switch (outcome) {
        case VerifyOutcome::kVerified:
            return "verified";
        case VerifyOutcome::kChipAbnormal:
            return "chip_abnormal";
        case VerifyOutcome::kCardVoid:
            return "card_void";
        case VerifyOutcome::kMismatch:
            return "mismatch";
        case VerifyOutcome::kIncomplete:
            return "incomplete";
        case VerifyOutcome::kUnavailable:
            return "unavailable";
    }
    return "unavailable";
}

std::string MessageKey(VerifyOutcome outcome) {
    return "learning.identity." + std::string(ToString(outcome));
}

namespace {

VerifyResult Unavailable(std::string detail) {
    return {VerifyOutcome::kUnavailable, -1, std::move(detail)};
}

// DOPA's documented codes; 3 and anything else are not documented, so they prove nothing.
std::optional<VerifyOutcome> FromCode(int code) {
    switch (code) {
        case 0:
            return VerifyOutcome::kVerified;
        case 1:
            return VerifyOutcome::kChipAbnormal;
        case 2:
            return VerifyOutcome::kCardVoid;
        case 4:
            return VerifyOutcome::kMismatch;
        case 5:
            return VerifyOutcome::kIncomplete;
        default:
            return std::nullopt;
    }
}

std::string_view LocalName(const char* name) {
    std::string_view n(name);
    size_t colon = n.rfind(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

std::string Clip(std::string_view s, size_t n = 200) {
    return std::string(s.substr(0, n));
}

// Collects the text of IsError, ErrorMessage, Code and Desc under CheckCardByLaserResult.
struct SoapScan {
    XML_Parser parser = nullptr;
    int depth = 0;
    int result_depth = 0;  // depth of CheckCardByLaserResult, 0 when outside it
    bool in_body = false;
    bool fault = false;
    int results = 0;
    std::string* field = nullptr;
    std::string is_error, code, desc, error_message;
};

void XMLCALL SoapStart(void* user, const XML_Char* name, const XML_Char**) {
    auto* s = static_cast<SoapScan*>(user);
    if (++s->depth > 32) {
        XML_StopParser(s->parser, XML_FALSE);
        return;
    }
    auto n = LocalName(name);
    if (n == "Fault") s->fault = true;
    if (n == "CheckCardByLaserResult" && s->result_depth == 0) {
        s->result_depth = s->depth;
        ++s->results;
    } else if (s->result_depth && s->depth == s->result_depth + 1) {
        if (n == "IsError") s->field = &s->is_error;
        if (n == "Code") s->field = &s->code;
        if (n == "Desc") s->field = &s->desc;
        if (n == "ErrorMessage") s->field = &s->error_message;
    }
}

void XMLCALL SoapEnd(void* user, const XML_Char*) {
    auto* s = static_cast<SoapScan*>(user);
    if (s->depth == s->result_depth) s->result_depth = 0;
    s->field = nullptr;
    --s->depth;
}

void XMLCALL SoapText(void* user, const XML_Char* text, int len) {
    auto* s = static_cast<SoapScan*>(user);
    if (s->field && s->field->size() < 4096) s->field->append(text, static_cast<size_t>(len));
}

void XMLCALL NoDoctype(void* user, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    XML_StopParser(static_cast<SoapScan*>(user)->parser, XML_FALSE);
}

}  // namespace

VerifyResult ParseDopaSoapReply(std::string_view body) {
    if (body.size() > kMaxReplyBytes) return Unavailable("reply too large");
    SoapScan s;
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) return Unavailable("no XML parser");
    s.parser = p;
    XML_SetUserData(p, &s);
    XML_SetElementHandler(p, SoapStart, SoapEnd);
    XML_SetCharacterDataHandler(p, SoapText);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    // A reply has no document type; its entities are how small input grows huge.
    XML_SetStartDoctypeDeclHandler(p, NoDoctype);
    auto status = XML_Parse(p, body.data(), static_cast<int>(body.size()), XML_TRUE);
    std::string why = status == XML_STATUS_OK ? "" : XML_ErrorString(XML_GetErrorCode(p));
    XML_ParserFree(p);
    if (status != XML_STATUS_OK) return Unavailable("malformed reply: " + why);
    if (s.fault) return Unavailable("SOAP fault");
    if (s.results != 1) return Unavailable("no single CheckCardByLaserResult");
    auto code = core::ParseInt(core::Trim(s.code));
    auto is_error = core::ToLower(core::Trim(s.is_error));
    if (!code || *code < 0 || *code > 999) return Unavailable("no Code in the reply");
    if (is_error != "true" && is_error != "false") return Unavailable("no IsError in the reply");
    std::string detail = "DOPA code " + std::to_string(*code) + ": " + Clip(core::Trim(s.desc));
    if (!s.error_message.empty()) detail += " / " + Clip(core::Trim(s.error_message));
    auto outcome = FromCode(static_cast<int>(*code));
    // A "normal" status that also claims an error is not a pass.
    if (!outcome || (*outcome == VerifyOutcome::kVerified && is_error == "true"))
        return {VerifyOutcome::kUnavailable, static_cast<int>(*code), detail};
    return {*outcome, static_cast<int>(*code), detail};
}

VerifyResult ParseGdxCheckReply(int http_status, std::string_view body) {
    if (body.size() > kMaxReplyBytes) return Unavailable("reply too large");
    if (http_status == 200) {
        try {
            auto j = core::ParseJsonBounded(body, {.max_depth = 8, .max_elements = 1000});
            if (j.is_object() && j.contains("Result") && j["Result"].is_boolean()) {
                if (j["Result"].get<bool>()) return {VerifyOutcome::kVerified, 0, "GDX: true"};
                return {VerifyOutcome::kMismatch, 4, "GDX: false"};
            }
        } catch (const std::exception&) {
        }
        return Unavailable("GDX 200 without a boolean Result: " + Clip(body));
    }
    if (http_status == 500) {
        // The earliest documented "[n]" in the body decides.
        size_t best = std::string_view::npos;
        int best_code = -1;
        for (int code : {1, 2, 4, 5}) {
            std::string tag = "[" + std::to_string(code) + "]";
            size_t at = body.find(tag);
            if (at < best) best = at, best_code = code;
        }
        if (best_code >= 0) return {*FromCode(best_code), best_code, "GDX 500: " + Clip(body)};
    }
    return Unavailable("GDX HTTP " + std::to_string(http_status) + ": " + Clip(body));
}

std::optional<std::string> ParseGdxTokenReply(int http_status, std::string_view body) {
    if (http_status != 200 || body.size() > kMaxReplyBytes) return std::nullopt;
    try {
        auto j = core::ParseJsonBounded(body, {.max_depth = 8, .max_elements = 1000});
        if (j.is_object() && j.contains("Result") && j["Result"].is_string()) {
            auto token = j["Result"].get<std::string>();
            // It goes into a header: printable ASCII only.
            if (token.empty() || token.size() > 4096) return std::nullopt;
            for (unsigned char c : token)
                if (c < 0x21 || c > 0x7e) return std::nullopt;
            return token;
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::string DopaSoapRequest(const IdentityClaim& claim) {
    std::string laser = NormalizeLaserCode(claim.laser).value_or("");
    std::string out =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<soap12:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
        "xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\">"
        "<soap12:Body><CheckCardByLaser xmlns=\"http://tempuri.org/\">";
    auto add = [&](const char* name, std::string_view value) {
        out += "<";
        out += name;
        out += ">";
        out += core::HtmlEscape(value);  // &amp; &lt; &gt; &quot; &#39;: XML escapes too
        out += "</";
        out += name;
        out += ">";
    };
    add("PID", claim.citizen_id);
    add("FirstName", core::Trim(claim.first_name_th));
    add("LastName", core::Trim(claim.last_name_th));
    add("BirthDay", FormatBeBirthDate(claim.birth));
    add("Laser", laser);
    out += "</CheckCardByLaser></soap12:Body></soap12:Envelope>";
    return out;
}

namespace {

// One blocking HTTP exchange through libcurl. TLS peer and host verification stay on (libcurl's
// defaults, never changed here); no redirects are followed; the reply is capped.
struct Exchange {
    bool ok = false;  // a complete HTTP reply arrived
    long status = 0;
    std::string body;
    std::string error;
};

struct Sink {
    std::string* body;
    bool overflow = false;
};

size_t WriteCapped(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t bytes = size * n;
    if (sink->body->size() + bytes > kMaxReplyBytes) {
        sink->overflow = true;
        return 0;  // aborts the transfer
    }
    sink->body->append(data, bytes);
    return bytes;
}

struct CurlInit {
    CurlInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

Exchange Call(const std::string& url, const std::vector<std::string>& headers,
              const std::string* post_body, long timeout_ms, const std::string& cert = "",
              const std::string& key = "") {
    static CurlInit init;
    Exchange ex;
    CURL* curl = curl_easy_init();
    if (!curl) {
        ex.error = "curl_easy_init failed";
        return ex;
    }
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    Sink sink{&ex.body};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "govhub-learning/1");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteCapped);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    if (post_body) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(post_body->size()));
    }
    if (!cert.empty()) curl_easy_setopt(curl, CURLOPT_SSLCERT, cert.c_str());
    if (!key.empty()) curl_easy_setopt(curl, CURLOPT_SSLKEY, key.c_str());
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        ex.ok = true;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &ex.status);
    } else {
        ex.error = sink.overflow ? "reply larger than the cap" : curl_easy_strerror(rc);
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return ex;
}

VerifyResult LocalRefusal(const std::vector<FieldError>& errors) {
    std::string detail = "not sent, local check failed:";
    for (const auto& e : errors) detail += " " + e.field;
    return {VerifyOutcome::kIncomplete, 5, detail};
}

}  // namespace

VerifyResult DopaSoapVerifier::Verify(const IdentityClaim& claim) {
    if (auto errors = LocalCheck(claim); !errors.empty()) return LocalRefusal(errors);
    std::string body = DopaSoapRequest(claim);
    auto ex =
        Call(options_.endpoint, {"Content-Type: application/soap+xml; charset=utf-8", "Expect:"},
             &body, options_.timeout_ms, options_.client_cert, options_.client_key);
    if (!ex.ok) return Unavailable("DOPA transport: " + ex.error);
    // ASMX answers a SOAP fault with HTTP 500; a result comes with 200 only.
    if (ex.status != 200) return Unavailable("DOPA HTTP " + std::to_string(ex.status));
    return ParseDopaSoapReply(ex.body);
}

std::optional<std::string> GdxVerifier::Token(std::string* why) {
    {
        std::lock_guard lock(mutex_);
        if (!token_.empty() && core::NowEpochSeconds() < token_until_) return token_;
    }
    std::string url = options_.base_url + "/ws/auth/validate?ConsumerSecret=" +
                      core::UrlEncode(options_.consumer_secret) +
                      "&AgentID=" + core::UrlEncode(options_.agent_id);
    auto ex = Call(url,
                   {"Consumer-Key: " + options_.consumer_key,
                    "Content-Type: application/x-www-form-urlencoded; charset=utf-8"},
                   nullptr, options_.timeout_ms);
    if (!ex.ok) {
        *why = "GDX token transport: " + ex.error;
        return std::nullopt;
    }
    auto token = ParseGdxTokenReply(static_cast<int>(ex.status), ex.body);
    if (!token) {
        *why = "GDX token refused: HTTP " + std::to_string(ex.status);
        return std::nullopt;
    }
    std::lock_guard lock(mutex_);
    token_ = *token;
    token_until_ = core::NowEpochSeconds() + 55 * 60;
    return token;
}

void GdxVerifier::DropToken(const std::string& token) {
    std::lock_guard lock(mutex_);
    if (token_ == token) token_.clear();
}

VerifyResult GdxVerifier::Verify(const IdentityClaim& claim) {
    if (auto errors = LocalCheck(claim); !errors.empty()) return LocalRefusal(errors);
    std::string url = options_.base_url + "/ws/dopa/verification/personal?CitizenID=" +
                      core::UrlEncode(claim.citizen_id) +
                      "&FirstName=" + core::UrlEncode(core::Trim(claim.first_name_th)) +
                      "&LastName=" + core::UrlEncode(core::Trim(claim.last_name_th)) +
                      "&BEBirthDate=" + FormatBeBirthDate(claim.birth) +
                      "&LaserCode=" + NormalizeLaserCode(claim.laser).value_or("");
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::string why;
        auto token = Token(&why);
        if (!token) return Unavailable(why);
        auto ex = Call(url, {"Consumer-Key: " + options_.consumer_key, "Token: " + *token}, nullptr,
                       options_.timeout_ms);
        if (!ex.ok) return Unavailable("GDX transport: " + ex.error);
        // An expired token: fetch a new one once.
        if (ex.status == 401 && attempt == 0) {
            DropToken(*token);
            continue;
        }
        return ParseGdxCheckReply(static_cast<int>(ex.status), ex.body);
    }
    return Unavailable("GDX refused a fresh token");
}

VerifyResult DemoVerifier::Verify(const IdentityClaim& claim) {
    if (auto errors = LocalCheck(claim); !errors.empty()) return LocalRefusal(errors);
    bool match = claim.citizen_id.size() == 13 &&
                 claim.citizen_id.compare(0, 10, kDemoCitizenId.substr(0, 10)) == 0 &&
                 core::Trim(claim.first_name_th) == kDemoFirstName &&
                 core::Trim(claim.last_name_th) == kDemoLastName &&
                 claim.birth.be_year == kDemoBirth.be_year &&
                 claim.birth.month == kDemoBirth.month && claim.birth.day == kDemoBirth.day &&
                 NormalizeLaserCode(claim.laser) == kDemoLaser;
    if (match) return {VerifyOutcome::kVerified, 0, "demo card"};
    return {VerifyOutcome::kMismatch, 4, "demo: not the demo card"};
}

std::unique_ptr<IdentityVerifier> MakeVerifier(const VerifierConfig& c) {
    if (c.mode == "off") return nullptr;
    if (c.mode == "demo") return std::make_unique<DemoVerifier>();
    if (c.mode == "dopa")
        return std::make_unique<DopaSoapVerifier>(
            DopaSoapVerifier::Options{c.dopa_endpoint, c.timeout_ms, c.client_cert, c.client_key});
    if (c.mode == "gdx")
        return std::make_unique<GdxVerifier>(
            GdxVerifier::Options{c.gdx_base_url, c.gdx_consumer_key, c.gdx_consumer_secret,
                                 c.gdx_agent_id, c.timeout_ms});
    throw std::invalid_argument("learning identity verifier: unknown mode '" + c.mode +
                                "' (off, demo, dopa or gdx)");
}

}  // namespace govhub::learning
