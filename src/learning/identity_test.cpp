#include "learning/identity.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "core/strings.hpp"
#include "core/test_i18n.hpp"

namespace govhub::learning {
namespace {

// ---------------------------------------------------------------- laser code

TEST(LaserCode, AcceptsTheTwelveCharacterForm) {
    EXPECT_EQ(NormalizeLaserCode("JT1234567890"), "JT1234567890");
}

TEST(LaserCode, StripsHyphensAndSpacesAndUppercases) {
    EXPECT_EQ(NormalizeLaserCode("jc1-0002507-15"), "JC1000250715");
    EXPECT_EQ(NormalizeLaserCode(" Me0 1204 07681 "), "ME0120407681");
    EXPECT_EQ(NormalizeLaserCode("aa-0000000001"), "AA0000000001");
}

TEST(LaserCode, RefusesWrongLengthAndWrongCharacters) {
    EXPECT_FALSE(NormalizeLaserCode(""));
    EXPECT_FALSE(NormalizeLaserCode("JT123456789"));    // 11
    EXPECT_FALSE(NormalizeLaserCode("JT12345678901"));  // 13
    EXPECT_FALSE(NormalizeLaserCode("J11234567890"));   // a digit among the letters
    EXPECT_FALSE(NormalizeLaserCode("JTA234567890"));   // a letter among the digits
    EXPECT_FALSE(NormalizeLaserCode("1234567890AB"));
    EXPECT_FALSE(NormalizeLaserCode("JT๑๒๓๔๕๖๗๘๙๐"));  // Thai digits are not what DOPA takes
    EXPECT_FALSE(NormalizeLaserCode("กข1234567890"));  // Thai letters
    EXPECT_FALSE(NormalizeLaserCode("JT12345.7890"));
}

// ---------------------------------------------------------------- birth date

constexpr BirthDate kToday{2569, 12, 6};

TEST(IdentityBirthDate, FormatsTheBuddhistEraWithZerosForUnknownParts) {
    EXPECT_EQ(FormatBeBirthDate({2528, 7, 13}), "25280713");
    EXPECT_EQ(FormatBeBirthDate({2538, 0, 0}), "25380000");
    EXPECT_EQ(FormatBeBirthDate({2538, 5, 0}), "25380500");
}

TEST(IdentityBirthDate, UnknownDayAndMonthAreAllowed) {
    EXPECT_EQ(CheckBirthDate({2538, 0, 0}, kToday), std::nullopt);
    EXPECT_EQ(CheckBirthDate({2538, 5, 0}, kToday), std::nullopt);
    EXPECT_EQ(CheckBirthDate({2538, 0, 12}, kToday), "learning.identity.day_without_month");
}

TEST(IdentityBirthDate, FebruaryTwentyNinthFollowsTheGregorianLeapYear) {
    // BE 2543 = CE 2000 (divisible by 400: leap); BE 2443 = CE 1900 (by 100: not leap);
    // BE 2567 = CE 2024 (leap); BE 2566 = CE 2023 (not). BE 2543 itself is not divisible by 4.
    EXPECT_EQ(CheckBirthDate({2543, 2, 29}, kToday), std::nullopt);
    EXPECT_EQ(CheckBirthDate({2443, 2, 29}, kToday), "learning.identity.bad_birth_date");
    EXPECT_EQ(CheckBirthDate({2567, 2, 29}, kToday), std::nullopt);
    EXPECT_EQ(CheckBirthDate({2566, 2, 29}, kToday), "learning.identity.bad_birth_date");
    EXPECT_EQ(CheckBirthDate({2566, 2, 28}, kToday), std::nullopt);
}

TEST(IdentityBirthDate, RefusesImpossibleAndFutureDates) {
    EXPECT_EQ(CheckBirthDate({2530, 4, 31}, kToday), "learning.identity.bad_birth_date");
    EXPECT_EQ(CheckBirthDate({2530, 13, 1}, kToday), "learning.identity.bad_birth_date");
    EXPECT_EQ(CheckBirthDate({2530, -1, 0}, kToday), "learning.identity.bad_birth_date");
    EXPECT_EQ(CheckBirthDate({2399, 1, 1}, kToday), "learning.identity.bad_birth_year");
    EXPECT_EQ(CheckBirthDate({1987, 1, 1}, kToday), "learning.identity.bad_birth_year");  // CE
    EXPECT_EQ(CheckBirthDate({2570, 0, 0}, kToday), "learning.identity.bad_birth_year");
    EXPECT_EQ(CheckBirthDate({2569, 12, 7}, kToday), "learning.identity.birth_in_future");
    EXPECT_EQ(CheckBirthDate({2569, 12, 6}, kToday), std::nullopt);
    EXPECT_EQ(CheckBirthDate({2569, 12, 0}, kToday), std::nullopt);
    EXPECT_EQ(CheckBirthDate({2569, 0, 0}, kToday), std::nullopt);
}

TEST(IdentityBirthDate, TodayIsInTheBuddhistEra) {
    auto today = TodayInThailand();
    EXPECT_GE(today.be_year, 2568);
    EXPECT_EQ(CheckBirthDate(today, today), std::nullopt);
}

// ---------------------------------------------------------------- local check

IdentityClaim DemoClaim() {
    return {std::string(kDemoCitizenId), std::string(kDemoFirstName), std::string(kDemoLastName),
            kDemoBirth, "aa0-0000000-01"};
}

TEST(IdentityLocalCheck, TheDemoCardPasses) {
    EXPECT_TRUE(LocalCheck(DemoClaim()).empty());
}

TEST(IdentityLocalCheck, NamesEachBadFieldWithAMessageAPersonCanRead) {
    IdentityClaim c{"1101112345678", "นาย สมชาย", "", {2530, 2, 30}, "JT12345"};
    auto errors = LocalCheck(c);
    ASSERT_EQ(errors.size(), 5u);
    EXPECT_EQ(errors[0].field, "citizen_id");
    EXPECT_EQ(errors[1].field, "first_name_th");
    EXPECT_EQ(errors[1].message, "learning.identity.first_name_only");
    EXPECT_EQ(errors[2].field, "last_name_th");
    EXPECT_EQ(errors[2].message, "learning.identity.name_required");
    EXPECT_EQ(errors[3].field, "birth");
    EXPECT_EQ(errors[4].field, "laser");
    for (const auto& e : errors) {
        auto en = core::English(e.message);
        EXPECT_NE(en, e.message) << "no English text for " << e.message;
        EXPECT_NE(core::TestStrings().Localize("th", e.message), e.message);
    }
    EXPECT_NE(core::English(errors[4].message).find("back of the card"), std::string::npos);
}

TEST(IdentityLocalCheck, CitizenIdMustBeTheThirteenDigitsAlready) {
    auto c = DemoClaim();
    c.citizen_id = "1-0000-00000-00-9";  // valid, but not yet normalised
    ASSERT_EQ(LocalCheck(c).size(), 1u);
    c.citizen_id = "1101112345679";  // the reference's worked example
    EXPECT_TRUE(LocalCheck(c).empty());
}

TEST(IdentityOutcome, EveryOutcomeHasThaiAndEnglishText) {
    for (auto o :
         {VerifyOutcome::kVerified, VerifyOutcome::kChipAbnormal, VerifyOutcome::kCardVoid,
          VerifyOutcome::kMismatch, VerifyOutcome::kIncomplete, VerifyOutcome::kUnavailable}) {
        auto key = MessageKey(o);
        EXPECT_EQ(key.rfind("learning.identity.", 0), 0u);
        EXPECT_NE(core::English(key), key);
        EXPECT_NE(core::TestStrings().Localize("th", key), key);
    }
    EXPECT_NE(core::English(MessageKey(VerifyOutcome::kUnavailable)).find("try again later"),
              std::string::npos);
    EXPECT_NE(core::English(MessageKey(VerifyOutcome::kCardVoid)).find("district office"),
              std::string::npos);
}

// ---------------------------------------------------------------- reply parsers

std::string SoapReply(std::string_view is_error, std::string_view code, std::string_view desc) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
           "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
           "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>"
           "<CheckCardByLaserResponse xmlns=\"http://tempuri.org/\"><CheckCardByLaserResult>"
           "<IsError>" +
           std::string(is_error) + "</IsError><ErrorMessage /><Code>" + std::string(code) +
           "</Code><Desc>" + std::string(desc) +
           "</Desc></CheckCardByLaserResult></CheckCardByLaserResponse>"
           "</soap:Body></soap:Envelope>";
}

TEST(DopaReply, MapsTheDocumentedCodes) {
    auto r = ParseDopaSoapReply(SoapReply("false", "0", "สถานะปกติ"));
    EXPECT_EQ(r.outcome, VerifyOutcome::kVerified);
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.detail.find("สถานะปกติ"), std::string::npos);
    EXPECT_EQ(ParseDopaSoapReply(SoapReply("false", "1", "Chip")).outcome,
              VerifyOutcome::kChipAbnormal);
    EXPECT_EQ(ParseDopaSoapReply(SoapReply("false", "2", "หมดอายุ")).outcome,
              VerifyOutcome::kCardVoid);
    EXPECT_EQ(ParseDopaSoapReply(SoapReply("true", "4", "ข้อมูลไม่ตรง")).outcome,
              VerifyOutcome::kMismatch);
    EXPECT_EQ(ParseDopaSoapReply(SoapReply("true", "5", "ไม่ครบ")).outcome,
              VerifyOutcome::kIncomplete);
}

TEST(DopaReply, AnythingUnexpectedIsUnavailableNeverAPass) {
    EXPECT_EQ(ParseDopaSoapReply(SoapReply("true", "0", "?")).outcome,
              VerifyOutcome::kUnavailable);  // "normal" and "error" at once
    EXPECT_EQ(ParseDopaSoapReply(SoapReply("false", "3", "?")).outcome,
              VerifyOutcome::kUnavailable);  // undocumented
    EXPECT_EQ(ParseDopaSoapReply(SoapReply("false", "", "")).outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseDopaSoapReply(SoapReply("maybe", "0", "")).outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseDopaSoapReply("").outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseDopaSoapReply("<html>Service Unavailable</html>").outcome,
              VerifyOutcome::kUnavailable);
    auto truncated = SoapReply("false", "0", "ok");
    truncated.resize(truncated.size() - 20);
    EXPECT_EQ(ParseDopaSoapReply(truncated).outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseDopaSoapReply("<!DOCTYPE x [<!ENTITY a \"b\">]>" + SoapReply("false", "0", ""))
                  .outcome,
              VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseDopaSoapReply(
                  "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\">"
                  "<soap:Body><soap:Fault><soap:Reason>x</soap:Reason></soap:Fault></soap:Body>"
                  "</soap:Envelope>")
                  .outcome,
              VerifyOutcome::kUnavailable);
    std::string big = SoapReply("false", "0", std::string(kMaxReplyBytes, 'x'));
    EXPECT_EQ(ParseDopaSoapReply(big).outcome, VerifyOutcome::kUnavailable);
}

TEST(GdxReply, MapsResultsAndCodes) {
    EXPECT_EQ(ParseGdxCheckReply(200, R"({"Result": true})").outcome, VerifyOutcome::kVerified);
    EXPECT_EQ(ParseGdxCheckReply(200, R"({"Result": false})").outcome, VerifyOutcome::kMismatch);
    EXPECT_EQ(ParseGdxCheckReply(500, R"({"Message":"[2] บัตรหมดอายุ"})").outcome,
              VerifyOutcome::kCardVoid);
    EXPECT_EQ(ParseGdxCheckReply(500, R"({"Message":"[4] ข้อมูลไม่ตรง"})").outcome,
              VerifyOutcome::kMismatch);
    EXPECT_EQ(ParseGdxCheckReply(500, "[5]").outcome, VerifyOutcome::kIncomplete);
    EXPECT_EQ(ParseGdxCheckReply(500, "Internal Server Error").outcome,
              VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseGdxCheckReply(200, R"({"Result": "true"})").outcome,
              VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseGdxCheckReply(200, "{").outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseGdxCheckReply(404, "[4]").outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(ParseGdxTokenReply(200, R"({"Result":"abc.def"})"), "abc.def");
    EXPECT_EQ(ParseGdxTokenReply(200, R"({"Result":"a b"})"), std::nullopt);
    EXPECT_EQ(ParseGdxTokenReply(401, R"({"Result":"abc"})"), std::nullopt);
}

// ---------------------------------------------------------------- a real local HTTP server

struct Seen {
    std::string method, target, headers, body;
};
struct Reply {
    int status = 200;
    std::string content_type = "text/plain";
    std::string body;
    int delay_ms = 0;
};

// A one-connection-at-a-time HTTP/1.1 server on 127.0.0.1 that records each request and
// answers with what `handler` returns (Connection: close).
class TestServer {
  public:
    explicit TestServer(std::function<Reply(const Seen&)> handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(fd_, 8) != 0)
            throw std::runtime_error("test server: bind/listen failed");
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { Run(); });
    }
    ~TestServer() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::string Url(std::string_view path = "") const {
        return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
    }
    std::vector<Seen> Requests() {
        std::lock_guard lock(mutex_);
        return seen_;
    }

  private:
    void Run() {
        while (!stop_) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            Serve(c);
            ::close(c);
        }
    }
    void Serve(int c) {
        std::string in;
        char buf[4096];
        size_t head_end;
        while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
            ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            in.append(buf, static_cast<size_t>(n));
        }
        Seen s;
        std::string head = in.substr(0, head_end);
        size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
        s.method = head.substr(0, sp1);
        s.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
        s.headers = head.substr(head.find("\r\n") + 2);
        size_t length = 0;
        for (auto& line : core::Split(s.headers, '\n'))
            if (core::StartsWith(core::ToLower(line), "content-length:"))
                length = std::stoul(core::Trim(line.substr(15)));
        s.body = in.substr(head_end + 4);
        while (s.body.size() < length) {
            ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0) return;
            s.body.append(buf, static_cast<size_t>(n));
        }
        {
            std::lock_guard lock(mutex_);
            seen_.push_back(s);
        }
        Reply r = handler_(s);
        if (r.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(r.delay_ms));
        std::string out = "HTTP/1.1 " + std::to_string(r.status) +
                          " X\r\nContent-Type: " + r.content_type +
                          "\r\nContent-Length: " + std::to_string(r.body.size()) +
                          "\r\nConnection: close\r\n\r\n" + r.body;
        size_t sent = 0;
        while (sent < out.size()) {
            ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<size_t>(n);
        }
    }

    std::function<Reply(const Seen&)> handler_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<Seen> seen_;
    std::thread thread_;
};

// What the mock DOPA answers, chosen by the last name the client sent.
Reply DopaMock(const Seen& s) {
    auto has = [&](std::string_view x) { return s.body.find(x) != std::string::npos; };
    Reply r{200, "application/soap+xml; charset=utf-8", ""};
    if (has("<LastName>ปกติ</LastName>"))
        r.body = SoapReply("false", "0", "สถานะปกติ");
    else if (has("<LastName>หมดอายุ</LastName>"))
        r.body = SoapReply("false", "2", "สิ้นสภาพ");
    else if (has("<LastName>ไม่ตรง</LastName>"))
        r.body = SoapReply("true", "4", "ข้อมูลไม่ตรง");
    else if (has("<LastName>ไม่ครบ</LastName>"))
        r.body = SoapReply("true", "5", "ไม่ครบ");
    else if (has("<LastName>เสีย</LastName>"))
        r.body = "<soap:Envelope><soap:Body><Check";
    else if (has("<LastName>ใหญ่</LastName>"))
        r.body = SoapReply("false", "0", std::string(100 * 1024, 'x'));
    else if (has("<LastName>ช้า</LastName>"))
        r.body = SoapReply("false", "0", ""), r.delay_ms = 1500;
    else if (has("<LastName>พัง</LastName>"))
        r.status = 500, r.body = "<html>error</html>";
    else
        r.body = SoapReply("true", "4", "ไม่พบ");
    return r;
}

IdentityClaim Claim(std::string last_name) {
    auto c = DemoClaim();
    c.first_name_th = "สมชาย";
    c.last_name_th = std::move(last_name);
    c.birth = {2528, 7, 13};
    c.laser = "me0-1204076-81";
    return c;
}

TEST(DopaSoapVerifier, EachReplyFromARealServerMapsToItsOutcome) {
    TestServer server(DopaMock);
    DopaSoapVerifier v({server.Url("/CheckCardStatus/CheckCardService.asmx"), 500});
    EXPECT_EQ(v.Verify(Claim("ปกติ")).outcome, VerifyOutcome::kVerified);
    EXPECT_EQ(v.Verify(Claim("หมดอายุ")).outcome, VerifyOutcome::kCardVoid);
    EXPECT_EQ(v.Verify(Claim("ไม่ตรง")).outcome, VerifyOutcome::kMismatch);
    EXPECT_EQ(v.Verify(Claim("ไม่ครบ")).outcome, VerifyOutcome::kIncomplete);
    EXPECT_EQ(v.Verify(Claim("เสีย")).outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(v.Verify(Claim("ใหญ่")).outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(v.Verify(Claim("พัง")).outcome, VerifyOutcome::kUnavailable);
    auto start = std::chrono::steady_clock::now();
    auto slow = v.Verify(Claim("ช้า"));
    EXPECT_EQ(slow.outcome, VerifyOutcome::kUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1400));
    EXPECT_EQ(server.Requests().size(), 8u);
}

TEST(DopaSoapVerifier, SendsTheSoap12EnvelopeInTheDocumentedOrder) {
    TestServer server(DopaMock);
    DopaSoapVerifier v({server.Url("/CheckCardStatus/CheckCardService.asmx"), 2000});
    auto c = Claim("ปกติ");
    c.first_name_th = "ก<&ข";
    c.last_name_th = "ค>\"'ง";
    v.Verify(c);
    auto seen = server.Requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].target, "/CheckCardStatus/CheckCardService.asmx");
    EXPECT_NE(
        core::ToLower(seen[0].headers).find("content-type: application/soap+xml; charset=utf-8"),
        std::string::npos);
    const auto& b = seen[0].body;
    EXPECT_NE(b.find("http://www.w3.org/2003/05/soap-envelope"), std::string::npos);
    EXPECT_NE(b.find("<CheckCardByLaser xmlns=\"http://tempuri.org/\">"
                     "<PID>1000000000009</PID><FirstName>ก&lt;&amp;ข</FirstName>"
                     "<LastName>ค&gt;&quot;&#39;ง</LastName><BirthDay>25280713</BirthDay>"
                     "<Laser>ME0120407681</Laser></CheckCardByLaser>"),
              std::string::npos)
        << b;
}

TEST(DopaSoapVerifier, ALocallyBadClaimIsNotSentAndAnUnreachableServiceIsUnavailable) {
    TestServer server(DopaMock);
    DopaSoapVerifier v({server.Url("/x"), 500});
    auto c = Claim("ปกติ");
    c.laser = "JT123";
    EXPECT_EQ(v.Verify(c).outcome, VerifyOutcome::kIncomplete);
    EXPECT_TRUE(server.Requests().empty());
    DopaSoapVerifier closed({"http://127.0.0.1:1/x", 500});
    EXPECT_EQ(closed.Verify(Claim("ปกติ")).outcome, VerifyOutcome::kUnavailable);
}

// The mock GDX: a token endpoint, and the check answering by last name.
Reply GdxMock(const Seen& s) {
    if (core::StartsWith(s.target, "/ws/auth/validate?")) {
        bool good = s.target == "/ws/auth/validate?ConsumerSecret=s%20ecret&AgentID=govhub" &&
                    s.headers.find("Consumer-Key: key-1") != std::string::npos;
        if (!good) return {401, "application/json", R"({"Message":"bad key"})"};
        return {200, "application/json", R"({"Result":"tok-123"})"};
    }
    if (!core::StartsWith(s.target, "/ws/dopa/verification/personal?")) return {404, "", ""};
    if (s.headers.find("Token: tok-123") == std::string::npos) return {401, "", ""};
    auto has = [&](std::string_view last) {
        return s.target.find("&LastName=" + core::UrlEncode(last) + "&") != std::string::npos;
    };
    if (has("ปกติ")) return {200, "application/json", R"({"Result":true})"};
    if (has("ไม่ตรง")) return {200, "application/json", R"({"Result":false})"};
    if (has("หมดอายุ")) return {500, "application/json", R"({"Message":"[2] สิ้นสภาพ"})"};
    if (has("ไม่พบ")) return {500, "application/json", R"({"Message":"[4] ไม่พบเลข Laser"})"};
    if (has("ไม่ครบ")) return {500, "application/json", R"({"Message":"[5] ไม่ครบ"})"};
    if (has("เสีย")) return {200, "application/json", R"({"Result":)"};
    if (has("ใหญ่")) return {200, "application/json", std::string(100 * 1024, ' ') + "{}"};
    if (has("ช้า")) return {200, "application/json", R"({"Result":true})", 1500};
    return {500, "text/plain", "Internal Server Error"};
}

TEST(GdxVerifier, EachReplyFromARealServerMapsToItsOutcome) {
    TestServer server(GdxMock);
    GdxVerifier v({server.Url(), "key-1", "s ecret", "govhub", 500});
    EXPECT_EQ(v.Verify(Claim("ปกติ")).outcome, VerifyOutcome::kVerified);
    EXPECT_EQ(v.Verify(Claim("ไม่ตรง")).outcome, VerifyOutcome::kMismatch);
    EXPECT_EQ(v.Verify(Claim("หมดอายุ")).outcome, VerifyOutcome::kCardVoid);
    EXPECT_EQ(v.Verify(Claim("ไม่พบ")).outcome, VerifyOutcome::kMismatch);
    EXPECT_EQ(v.Verify(Claim("ไม่ครบ")).outcome, VerifyOutcome::kIncomplete);
    EXPECT_EQ(v.Verify(Claim("เสีย")).outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(v.Verify(Claim("ใหญ่")).outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(v.Verify(Claim("อื่น")).outcome, VerifyOutcome::kUnavailable);
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(v.Verify(Claim("ช้า")).outcome, VerifyOutcome::kUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1400));
    // One token for all nine checks.
    auto seen = server.Requests();
    ASSERT_EQ(seen.size(), 10u);
    EXPECT_TRUE(core::StartsWith(seen[0].target, "/ws/auth/validate?"));
    EXPECT_EQ(seen[0].method, "GET");
    // The check's query: Thai names percent-encoded, BE date, laser without hyphens.
    EXPECT_EQ(seen[1].target, "/ws/dopa/verification/personal?CitizenID=1000000000009&FirstName=" +
                                  core::UrlEncode("สมชาย") + "&LastName=" + core::UrlEncode("ปกติ") +
                                  "&BEBirthDate=25280713&LaserCode=ME0120407681");
    EXPECT_EQ(seen[1].target.find("สมชาย"), std::string::npos);
}

TEST(GdxVerifier, ARefusedTokenIsUnavailable) {
    TestServer server(GdxMock);
    GdxVerifier v({server.Url(), "wrong-key", "s ecret", "govhub", 500});
    auto r = v.Verify(Claim("ปกติ"));
    EXPECT_EQ(r.outcome, VerifyOutcome::kUnavailable);
    EXPECT_EQ(server.Requests().size(), 1u);
}

// ---------------------------------------------------------------- demo and configuration

TEST(IdentityDemoVerifier, AcceptsOnlyTheDemoCards) {
    DemoVerifier v;
    EXPECT_EQ(v.Verify(DemoClaim()).outcome, VerifyOutcome::kVerified);
    // The other demo cards (1-0000-00000-NN-C) are for trying the sign-up.
    auto other = DemoClaim();
    other.citizen_id = "1000000000017";
    EXPECT_EQ(v.Verify(other).outcome, VerifyOutcome::kVerified);
    other.citizen_id = "1000000001005";  // not of the demo range
    EXPECT_EQ(v.Verify(other).outcome, VerifyOutcome::kMismatch);
    auto c = DemoClaim();
    c.laser = "AA0000000002";
    EXPECT_EQ(v.Verify(c).outcome, VerifyOutcome::kMismatch);
    c = DemoClaim();
    c.birth.day = 16;
    EXPECT_EQ(v.Verify(c).outcome, VerifyOutcome::kMismatch);
    c = DemoClaim();
    c.citizen_id = "1101112345679";
    EXPECT_EQ(v.Verify(c).outcome, VerifyOutcome::kMismatch);
}

TEST(IdentityMakeVerifier, ChoosesByMode) {
    EXPECT_EQ(MakeVerifier({}), nullptr);  // off by default
    VerifierConfig c;
    c.mode = "demo";
    EXPECT_NE(dynamic_cast<DemoVerifier*>(MakeVerifier(c).get()), nullptr);
    c.mode = "dopa";
    EXPECT_NE(dynamic_cast<DopaSoapVerifier*>(MakeVerifier(c).get()), nullptr);
    c.mode = "gdx";
    EXPECT_NE(dynamic_cast<GdxVerifier*>(MakeVerifier(c).get()), nullptr);
    c.mode = "dopa ";
    EXPECT_THROW(MakeVerifier(c), std::invalid_argument);
}

}  // namespace
}  // namespace govhub::learning
