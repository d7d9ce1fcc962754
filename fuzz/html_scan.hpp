#pragma once
// For the targets that produce HTML (markdown, templates): the page's tags as a browser's
// tokenizer would see them, close enough to tell whether outside text became markup. Text in
// <script>, <style>, <title> and <textarea> is not markup until its end tag; comments are
// skipped. Attribute values are decoded (character references) as the browser decodes them.
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace govhub::fuzz {

struct HtmlTag {
    std::string name;  // lower case
    bool end = false;
    std::vector<std::pair<std::string, std::string>> attrs;  // name (lower case), decoded value
    std::string raw_text;  // for script/style/title/textarea: the text up to the end tag
};

inline std::string LowerAscii(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Character references as an attribute value holds them (numeric ones and the named ones that
// can spell a scheme or a separator); others are left as written.
inline std::string DecodeAttribute(std::string_view v) {
    static const std::pair<const char*, const char*> kNamed[] = {
        {"amp", "&"},   {"lt", "<"},     {"gt", ">"},       {"quot", "\""}, {"apos", "'"},
        {"colon", ":"}, {"Tab", "\t"},   {"NewLine", "\n"}, {"sol", "/"},   {"lpar", "("},
        {"rpar", ")"},  {"period", "."}, {"comma", ","}};
    std::string out;
    for (size_t i = 0; i < v.size();) {
        if (v[i] != '&') {
            out += v[i++];
            continue;
        }
        size_t j = i + 1;
        if (j < v.size() && v[j] == '#') {
            ++j;
            bool hex = j < v.size() && (v[j] == 'x' || v[j] == 'X');
            if (hex) ++j;
            uint32_t cp = 0;
            size_t digits = 0;
            while (j < v.size() && (hex ? std::isxdigit(static_cast<unsigned char>(v[j]))
                                        : std::isdigit(static_cast<unsigned char>(v[j])))) {
                cp = cp * (hex ? 16 : 10) +
                     static_cast<uint32_t>(
                         std::isdigit(static_cast<unsigned char>(v[j]))
                             ? v[j] - '0'
                             : (std::tolower(static_cast<unsigned char>(v[j])) - 'a' + 10));
                if (cp > 0x10FFFF) cp = 0xFFFD;
                ++j, ++digits;
            }
            if (digits == 0) {
                out += v[i++];
                continue;
            }
            if (j < v.size() && v[j] == ';') ++j;
            // Only ASCII matters to the checks; anything else becomes a placeholder.
            out += cp < 0x80 ? static_cast<char>(cp) : '?';
            i = j;
            continue;
        }
        bool matched = false;
        for (const auto& [name, text] : kNamed) {
            std::string_view n(name);
            if (v.substr(j, n.size()) == n) {
                size_t k = j + n.size();
                if (k < v.size() && v[k] == ';') ++k;
                out += text;
                i = k;
                matched = true;
                break;
            }
        }
        if (!matched) out += v[i++];
    }
    return out;
}

inline std::vector<HtmlTag> ScanHtml(std::string_view html) {
    std::vector<HtmlTag> tags;
    auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    };
    size_t i = 0;
    while (i < html.size()) {
        size_t lt = html.find('<', i);
        if (lt == std::string_view::npos) break;
        i = lt + 1;
        if (html.substr(lt, 4) == "<!--") {
            size_t end = html.find("-->", lt + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        if (i < html.size() && (html[i] == '!' || html[i] == '?')) {
            size_t end = html.find('>', i);
            i = end == std::string_view::npos ? html.size() : end + 1;
            continue;
        }
        HtmlTag tag;
        if (i < html.size() && html[i] == '/') {
            tag.end = true;
            ++i;
        }
        if (i >= html.size() || !std::isalpha(static_cast<unsigned char>(html[i]))) continue;
        size_t name_start = i;
        while (i < html.size() && !is_space(html[i]) && html[i] != '/' && html[i] != '>') ++i;
        tag.name = LowerAscii(html.substr(name_start, i - name_start));
        // Attributes, as the tokenizer reads them.
        while (i < html.size() && html[i] != '>') {
            if (is_space(html[i]) || html[i] == '/') {
                ++i;
                continue;
            }
            size_t a = i;
            ++i;  // an attribute name may start with '='
            while (i < html.size() && !is_space(html[i]) && html[i] != '/' && html[i] != '>' &&
                   html[i] != '=')
                ++i;
            std::string name = LowerAscii(html.substr(a, i - a));
            while (i < html.size() && is_space(html[i])) ++i;
            std::string value;
            if (i < html.size() && html[i] == '=') {
                ++i;
                while (i < html.size() && is_space(html[i])) ++i;
                if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
                    char q = html[i++];
                    size_t end = html.find(q, i);
                    if (end == std::string_view::npos) end = html.size();
                    value = DecodeAttribute(html.substr(i, end - i));
                    i = end + 1;
                } else {
                    size_t v = i;
                    while (i < html.size() && !is_space(html[i]) && html[i] != '>') ++i;
                    value = DecodeAttribute(html.substr(v, i - v));
                }
            }
            if (!tag.end) tag.attrs.emplace_back(std::move(name), std::move(value));
        }
        if (i < html.size()) ++i;  // '>'
        if (!tag.end && (tag.name == "script" || tag.name == "style" || tag.name == "title" ||
                         tag.name == "textarea")) {
            std::string close = "</" + tag.name;
            std::string lower = LowerAscii(html.substr(i));
            size_t end = lower.find(close);
            if (end == std::string::npos) end = lower.size();
            tag.raw_text = std::string(html.substr(i, end));
            i += end;
        }
        tags.push_back(std::move(tag));
    }
    return tags;
}

// A URL attribute that would run script when followed: javascript: or vbscript:, written in
// any case, with the tabs and newlines a browser strips and the spaces and controls it skips
// at the start.
inline bool ScriptUrl(std::string_view value) {
    std::string v;
    for (char c : value)
        if (c != '\t' && c != '\n' && c != '\r') v += c;
    size_t s = 0;
    while (s < v.size() && static_cast<unsigned char>(v[s]) <= 0x20) ++s;
    std::string scheme = LowerAscii(std::string_view(v).substr(s, 11));
    return scheme.rfind("javascript:", 0) == 0 || scheme.rfind("vbscript:", 0) == 0;
}

inline bool UrlAttribute(const std::string& name) {
    return name == "href" || name == "src" || name == "action" || name == "formaction" ||
           name == "xlink:href" || name == "data" || name == "poster" || name == "background";
}

// Event handlers and script URLs in any tag; returns false on the first one.
inline bool NoScriptAttributes(const std::vector<HtmlTag>& tags) {
    for (const auto& t : tags)
        for (const auto& [name, value] : t.attrs) {
            if (name.size() > 2 && name[0] == 'o' && name[1] == 'n') return false;
            if (UrlAttribute(name) && ScriptUrl(value)) return false;
        }
    return true;
}

}  // namespace govhub::fuzz
