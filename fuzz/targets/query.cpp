// Query strings and application/x-www-form-urlencoded bodies (src/http/request.hpp):
// ParseUrlEncoded (kMaxParams, bad % escapes, invalid UTF-8 and NUL refused with a 400) and the
// Request accessors handlers use, QueryParams/Query and Form/FormValue.
//
// Input: the whole input as one query string; then its lines: 1. the query string of a request,
// 2... its urlencoded form body.
#include "core/error.hpp"
#include "core/strings.hpp"
#include "fuzz_target.hpp"
#include "http/request.hpp"

namespace {

using govhub::http::Params;

// What every caller may assume of parsed parameters; and they read back the same when encoded
// again (UrlEncode is what links and redirects use to build query strings).
void Check(const Params& p) {
    if (p.size() > govhub::http::kMaxParams) __builtin_trap();
    std::string again;
    for (const auto& [k, v] : p) {
        if (!govhub::core::IsValidUtf8(k) || !govhub::core::IsValidUtf8(v)) __builtin_trap();
        if (k.find('\0') != std::string::npos || v.find('\0') != std::string::npos)
            __builtin_trap();
        if (!again.empty()) again += '&';
        again += govhub::core::UrlEncode(k) + "=" + govhub::core::UrlEncode(v);
    }
    if (govhub::http::ParseUrlEncoded(again) != p) __builtin_trap();
}

void Parse(std::string_view text) {
    try {
        Check(govhub::http::ParseUrlEncoded(text));
    } catch (const govhub::HttpError& e) {
        if (e.status() != 400) __builtin_trap();
    }
}

}  // namespace

GOVHUB_FUZZ_TARGET(query) {
    auto text = govhub::fuzz::AsText(data, size);
    Parse(text);
    auto f = govhub::fuzz::Fields(text, 2);
    govhub::http::Request req;
    req.query = std::string(f[0]);
    req.body = std::string(f[1]);
    req.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
    try {
        Check(req.QueryParams());
        (void)req.Query("q");
        (void)req.Query("fq", "-");
    } catch (const govhub::HttpError& e) {
        if (e.status() != 400) __builtin_trap();
    }
    try {
        Check(req.Form());
        (void)req.FormValue("csrf_token");
    } catch (const govhub::HttpError& e) {
        if (e.status() != 400) __builtin_trap();
    }
}
