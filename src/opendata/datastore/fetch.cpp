#include "opendata/datastore/fetch.hpp"
#include "core/i18n.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <cstdio>
#include <cstring>

#include "core/strings.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

namespace {

bool PrivateAddress(const sockaddr* sa) {
    if (sa->sa_family == AF_INET) {
        uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
        return (a >> 24) == 10 || (a >> 24) == 127 || (a >> 24) == 0 || (a >> 16) == 0xA9FE ||
               (a >> 20) == 0xAC1 || (a >> 16) == 0xC0A8 || (a >> 22) == (100u << 2 | 1) ||
               (a >> 28) == 0xE;
    }
    if (sa->sa_family == AF_INET6) {
        const auto* a6 = &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
        const uint8_t* b = a6->s6_addr;
        bool loopback = IN6_IS_ADDR_LOOPBACK(a6), unspecified = IN6_IS_ADDR_UNSPECIFIED(a6);
        bool link_local = b[0] == 0xFE && (b[1] & 0xC0) == 0x80;
        bool unique_local = (b[0] & 0xFE) == 0xFC;
        bool mapped = IN6_IS_ADDR_V4MAPPED(a6);
        return loopback || unspecified || link_local || unique_local || mapped;
    }
    return true;
}

struct Transfer {
    FILE* out = nullptr;
    uint64_t written = 0, max = 0;
    bool too_large = false;
    bool allow_private = false;
    bool blocked = false;
};

size_t Write(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    size_t bytes = size * n;
    if (t->written + bytes > t->max) {
        t->too_large = true;
        return 0;
    }
    t->written += bytes;
    return std::fwrite(data, 1, bytes, t->out);
}

curl_socket_t OpenSocket(void* user, curlsocktype, curl_sockaddr* addr) {
    auto* t = static_cast<Transfer*>(user);
    if (!t->allow_private && PrivateAddress(&addr->addr)) {
        t->blocked = true;
        return CURL_SOCKET_BAD;
    }
    return ::socket(addr->family, addr->socktype, addr->protocol);
}

}  // namespace

void FetchUrl(const std::string& url, const std::string& dest, const FetchOptions& options) {
    std::string lower = core::ToLower(url);
    if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0)
        throw SourceError(core::Message("datastore.load.only_http"));
    Transfer t;
    t.max = options.max_bytes;
    t.allow_private = options.allow_private_addresses;
    t.out = std::fopen(dest.c_str(), "wb");
    if (!t.out) throw SourceError(core::Message("datastore.load.download_write"));
    CURL* curl = curl_easy_init();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options.timeout_seconds));
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "govhub-datastore/1");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &t);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    bool closed = std::fclose(t.out) == 0;
    if (t.blocked) throw SourceError(core::Message("datastore.load.private_address"));
    if (t.too_large)
        throw SourceError(
            core::Message("datastore.load.too_large", {{"mib", std::to_string(t.max >> 20)}}));
    if (rc == CURLE_HTTP_RETURNED_ERROR)
        throw SourceError(
            core::Message("datastore.load.http_status", {{"status", std::to_string(status)}}));
    if (rc != CURLE_OK)
        throw SourceError(
            core::Message("datastore.load.fetch_failed", {{"why", curl_easy_strerror(rc)}}));
    if (!closed) throw SourceError(core::Message("datastore.load.download_write"));
}

}  // namespace govhub::datastore
