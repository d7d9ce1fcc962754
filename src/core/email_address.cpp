#include "core/email_address.hpp"

#include "core/strings.hpp"

namespace govhub::core {

bool IsValidEmail(const std::string& s) {
    if (s.size() < 3 || s.size() > 254 || !IsValidUtf8(s)) return false;
    auto at = s.find('@');
    if (at == std::string::npos || at == 0 || at != s.rfind('@')) return false;
    std::string domain = s.substr(at + 1);
    if (domain.empty() || domain.find('.') == std::string::npos || domain.front() == '.' ||
        domain.back() == '.' || domain.find("..") != std::string::npos)
        return false;
    for (unsigned char c : s)
        if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' || c == '\\' ||
            c == 0x7f)
            return false;
    return true;
}

}  // namespace govhub::core
