#include "core/clean_text.hpp"

#include "core/strings.hpp"

namespace govhub::core {
namespace {

// The byte length of the refused character (control, direction or invisible format) at `i`, or
// 0 when the character there is allowed. Valid UTF-8 assumed.
size_t RefusedAt(std::string_view s, size_t i, bool multiline) {
    auto b = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
    unsigned char c = b(0);
    if (c < 0x20) return multiline && (c == '\t' || c == '\n' || c == '\r') ? 0 : 1;
    if (c == 0x7F) return 1;
    if (c == 0xC2 && b(1) >= 0x80 && b(1) <= 0x9F) return 2;  // U+0080–U+009F
    if (c == 0xD8 && b(1) == 0x9C) return 2;                  // U+061C arabic letter mark
    if (c == 0xE2 && b(1) == 0x80) {
        unsigned char e = b(2);
        if (e == 0x8E || e == 0x8F) return 3;  // U+200E/U+200F
        if (e == 0xA8 || e == 0xA9) return 3;  // U+2028/U+2029
        if (e >= 0xAA && e <= 0xAE) return 3;  // U+202A–U+202E
    }
    if (c == 0xE2 && b(1) == 0x81 && b(2) >= 0xA6 && b(2) <= 0xA9) return 3;  // U+2066–U+2069
    if (c == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return 3;                  // U+FEFF
    if (c == 0xEF && b(1) == 0xBF && b(2) >= 0xB9 && b(2) <= 0xBB) return 3;  // U+FFF9–U+FFFB
    return 0;
}

std::string CollapseSpaces(std::string_view typed, bool multiline) {
    std::string t = Trim(typed);
    std::string out;
    out.reserve(t.size());
    bool space = false;
    for (char c : t) {
        if (c == '\r') continue;
        if (c == '\n' && multiline) {
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += '\n';
            space = false;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n') {
            space = true;
            continue;
        }
        if (space && !out.empty() && out.back() != '\n') out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string ValidUtf8Or(std::string_view s) {
    if (IsValidUtf8(s)) return std::string(s);
    std::string out;
    for (unsigned char c : s) out += c < 0x80 ? static_cast<char>(c) : '?';
    return out;
}

}  // namespace

std::optional<std::string> CleanUserText(std::string_view typed_view, bool multiline) {
    if (!IsValidUtf8(typed_view)) return std::nullopt;
    std::string typed(typed_view);
    for (char& c : typed)
        if (c == '\t') c = ' ';
    for (size_t i = 0; i < typed.size(); ++i)
        if (RefusedAt(typed, i, multiline)) return std::nullopt;
    return CollapseSpaces(typed, multiline);
}

std::string StripToCleanText(std::string_view typed_view, bool multiline) {
    std::string typed = ValidUtf8Or(typed_view), kept;
    for (char& c : typed)
        if (c == '\t') c = ' ';
    for (size_t i = 0; i < typed.size();) {
        size_t n = RefusedAt(typed, i, multiline);
        if (n) {
            i += n;
        } else {
            kept += typed[i++];
        }
    }
    return CollapseSpaces(kept, multiline);
}

std::string SafeFileName(std::string_view name) {
    std::string clean = StripToCleanText(name, false);
    for (char& c : clean)
        if (c == '/' || c == '\\') c = '_';
    if (clean.size() > 200) {
        size_t cut = 200;
        while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;
        clean.resize(cut);
    }
    clean = Trim(clean);
    return clean.empty() ? "file" : clean;
}

}  // namespace govhub::core
