// The Cookie header (src/http/cookies.hpp): CookieValue over the first kMaxCookies pairs, and
// Request::Cookie, which reads the request's first Cookie header with it.
//
// Input, lines: 1. the cookie's name, 2... the Cookie header.
#include "http/cookies.hpp"
#include "fuzz_target.hpp"
#include "http/request.hpp"

namespace {

// RFC 6265 cookie-octets: what a server sets and a browser sends back unchanged.
bool CookieOctet(char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool Token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!CookieOctet(c) || c == '=') return false;
    return true;
}

}  // namespace

GOVHUB_FUZZ_TARGET(cookies) {
    using govhub::http::CookieValue;
    using govhub::http::kMaxCookies;
    auto f = govhub::fuzz::Fields(govhub::fuzz::AsText(data, size), 2);
    std::string name(f[0]);
    std::string_view header = f[1];

    std::string v = CookieValue(header, name);
    // A value is a piece of the header (its quotes dropped), never more.
    if (v.size() > header.size() || (!v.empty() && header.find(v) == std::string_view::npos))
        __builtin_trap();
    for (const char* known : {"lang", "govhub_session", "csrf", ""})
        (void)CookieValue(header, known);

    // Request::Cookie: the first Cookie header, read the same way.
    govhub::http::Request req;
    req.headers.Add("Cookie", std::string(header));
    req.headers.Add("cookie", name + "=second-header");
    if (req.Cookie(name) != v) __builtin_trap();

    // kMaxCookies: past the first 50 pairs nothing is read, however long the header.
    std::string crowded;
    for (size_t i = 0; i < kMaxCookies; ++i) crowded += i % 2 ? "pad=1; " : "pad; ";
    crowded += header;
    if (name != "pad" && !CookieValue(crowded, name).empty()) __builtin_trap();

    // A cookie the server set (a token name, a value of cookie-octets) reads back as it was.
    if (Token(name) && name != "a") {
        std::string value;
        for (char c : header)
            if (CookieOctet(c)) value += c;
        std::string sent = "a=1;" + name + "=" + value + "; a=2";
        if (CookieValue(sent, name) != value) __builtin_trap();
    }
}
