#include "core/net_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace govhub::core {

std::string AddressBucket(std::string_view ip) {
    std::string text(ip);
    // "[2001:db8::1]" as in a URL, and a zone id ("fe80::1%eth0"): only the address counts.
    if (text.size() > 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (auto pct = text.find('%'); pct != std::string::npos) text.resize(pct);
    if (text.find(':') == std::string::npos) return std::string(ip);  // IPv4 or not an address
    unsigned char a[16];
    if (::inet_pton(AF_INET6, text.c_str(), a) != 1) return std::string(ip);
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char out[INET6_ADDRSTRLEN];
    if (std::memcmp(a, kMapped, sizeof kMapped) == 0) {
        ::inet_ntop(AF_INET, a + 12, out, sizeof out);
        return out;
    }
    std::memset(a + 8, 0, 8);
    ::inet_ntop(AF_INET6, a, out, sizeof out);
    return std::string(out) + "/64";
}

}  // namespace govhub::core
