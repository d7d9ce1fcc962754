#include "http/request.hpp"

#include <unistd.h>

#include <cstdio>

#include "core/durable_file.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/strings.hpp"
#include "http/cookies.hpp"

namespace govhub::http {

TempFile::~TempFile() {
    if (owned_) ::unlink(path_.c_str());
}

bool TempFile::MoveTo(const std::string& dest) {
    // On disk before it has its final name: a crash never leaves a short file there.
    if (!core::DurableRename(path_, dest)) return false;
    owned_ = false;
    path_ = dest;
    return true;
}

Params ParseUrlEncoded(std::string_view s) {
    Params out;
    size_t count = 0;
    for (size_t start = 0; start < s.size();) {
        size_t end = s.find('&', start);
        if (end == std::string_view::npos) end = s.size();
        std::string_view pair = s.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) continue;
        // Bounded before any decoding (issue #12): a long query or form body is refused whole.
        if (++count > kMaxParams)
            throw HttpError(
                400, "too_many_params",
                core::Message("error.too_many_params", {{"limit", std::to_string(kMaxParams)}}));
        size_t eq = pair.find('=');
        std::string key, value;
        bool ok = core::UrlDecode(pair.substr(0, eq), key, true);
        if (ok && eq != std::string_view::npos)
            ok = core::UrlDecode(pair.substr(eq + 1), value, true);
        if (!ok) throw HttpError(400, "bad_request", "error.bad_encoding");
        if (!core::IsValidUtf8(key) || !core::IsValidUtf8(value) ||
            key.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
            throw HttpError(400, "bad_request", "error.invalid_utf8");
        out.emplace(std::move(key), std::move(value));
    }
    return out;
}

std::string Request::Cookie(std::string_view name) const {
    return CookieValue(headers.Get("Cookie"), name);
}

const Params& Request::QueryParams() const {
    if (!query_cache_) query_cache_ = ParseUrlEncoded(query);
    return *query_cache_;
}

std::string Request::Query(const std::string& name, const std::string& fallback) const {
    const auto& q = QueryParams();
    auto it = q.find(name);
    return it == q.end() ? fallback : it->second;
}

const Params& Request::Form() const {
    if (!form_cache_) {
        Params p;
        std::string_view ctype = headers.Get("Content-Type");
        if (core::StartsWith(core::ToLower(ctype), "application/x-www-form-urlencoded")) {
            p = ParseUrlEncoded(body);
        } else {
            for (const auto& part : parts) {
                if (!part.filename.empty() || part.file) continue;
                if (!core::IsValidUtf8(part.value) || part.value.find('\0') != std::string::npos)
                    throw HttpError(400, "bad_request", "error.invalid_utf8");
                p.emplace(part.name, part.value);
            }
        }
        form_cache_ = std::move(p);
    }
    return *form_cache_;
}

std::string Request::FormValue(const std::string& name, const std::string& fallback) const {
    const auto& f = Form();
    auto it = f.find(name);
    return it == f.end() ? fallback : it->second;
}

const Part* Request::FilePart(const std::string& name) const {
    for (const auto& p : parts)
        if (p.name == name && p.file) return &p;
    return nullptr;
}

std::string_view Request::PathParam(const std::string& name) const {
    auto it = path_params.find(name);
    return it == path_params.end() ? std::string_view{} : std::string_view(it->second);
}

bool Request::IsApi() const {
    return core::StartsWith(path, "/api/") || path == "/api";
}

bool Request::IsCkanApi() const {
    return core::StartsWith(path, "/api/3/action/") || core::StartsWith(path, "/api/action/");
}

std::string BearerToken(const Request& req) {
    std::string auth = core::Trim(req.Header("Authorization"));
    if (auth.size() > 7 && core::ToLower(auth.substr(0, 7)) == "bearer ")
        return core::Trim(auth.substr(7));
    return "";
}

std::string ApiTokenOf(const Request& req) {
    std::string auth = core::Trim(req.Header("Authorization"));
    if (!auth.empty()) {
        if (std::string bearer = BearerToken(req); !bearer.empty()) return bearer;
        if (auth.find(' ') == std::string::npos) return auth;  // CKAN: the token alone
        return {};                                             // another scheme: not a token
    }
    return core::Trim(req.Header("X-CKAN-API-Key"));
}

}  // namespace govhub::http
