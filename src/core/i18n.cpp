#include "core/i18n.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/strings.hpp"

namespace govhub::core {
namespace {
void Flatten(const nlohmann::json& j, const std::string& prefix,
             std::map<std::string, std::string>& out) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object()) {
            Flatten(*it, key, out);
        } else if (it->is_string()) {
            out[key] = it->get<std::string>();
        }
    }
}
}  // namespace

void I18n::LoadDirectory(const std::string& dir) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        std::ifstream in(entry.path());
        nlohmann::json j;
        try {
            in >> j;
        } catch (const std::exception& e) {
            throw std::runtime_error("cannot parse " + entry.path().string() + ": " + e.what());
        }
        Flatten(j, "", strings_[entry.path().stem().string()]);
    }
}

void I18n::Set(const std::string& locale, const std::string& key, std::string value) {
    strings_[locale][key] = std::move(value);
}

const std::string& I18n::Get(std::string_view locale, const std::string& key) const {
    for (std::string_view l : {locale, std::string_view(kDefaultLocale)}) {
        auto m = strings_.find(l);
        if (m == strings_.end()) continue;
        auto it = m->second.find(key);
        if (it != m->second.end()) return it->second;
    }
    return key;
}

std::string Message(std::string_view key,
                    std::initializer_list<std::pair<std::string_view, std::string>> values) {
    std::vector<std::pair<std::string, std::string>> named;
    for (const auto& [name, value] : values) named.emplace_back(std::string(name), value);
    return Message(key, named);
}

std::string Message(std::string_view key,
                    const std::vector<std::pair<std::string, std::string>>& values) {
    std::string out = "@" + std::string(key);
    if (values.empty()) return out;
    nlohmann::json args = nlohmann::json::object();
    for (const auto& [name, value] : values) args[name] = value;
    return out + " " + args.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string I18n::Localize(std::string_view locale, const std::string& text) const {
    if (text.size() < 2 || text[0] != '@') return Get(locale, text);
    size_t space = text.find(' ');
    std::string key = text.substr(1, space == std::string::npos ? std::string::npos : space - 1);
    const std::string& pattern = Get(locale, key);
    if (&pattern == &key) return text;  // not a key: plain text that starts with '@'
    nlohmann::json args = space == std::string::npos
                              ? nlohmann::json::object()
                              : nlohmann::json::parse(text.substr(space + 1), nullptr, false);
    if (!args.is_object()) return text;
    std::string out;
    out.reserve(pattern.size());
    for (size_t i = 0; i < pattern.size();) {
        size_t close = pattern[i] == '{' ? pattern.find('}', i) : std::string::npos;
        if (close != std::string::npos) {
            auto it = args.find(pattern.substr(i + 1, close - i - 1));
            if (it != args.end() && it->is_string()) {
                const auto& value = it->get_ref<const std::string&>();
                out += value.starts_with('@') ? Localize(locale, value) : value;  // a message
                i = close + 1;
                continue;
            }
        }
        out += pattern[i++];
    }
    return out;
}

bool I18n::Has(std::string_view locale, const std::string& key) const {
    auto m = strings_.find(locale);
    return m != strings_.end() && m->second.count(key);
}

const std::map<std::string, std::string>& I18n::Strings(std::string_view locale) const {
    static const std::map<std::string, std::string> empty;
    auto m = strings_.find(locale);
    return m == strings_.end() ? empty : m->second;
}

bool I18n::Supports(std::string_view locale) const {
    return strings_.find(locale) != strings_.end();
}

std::string NegotiateLocale(std::string_view query_lang, std::string_view cookie_lang,
                            std::string_view accept_language) {
    auto known = [](std::string_view l) { return l == "th" || l == "en"; };
    if (known(query_lang)) return std::string(query_lang);
    if (known(cookie_lang)) return std::string(cookie_lang);
    // Accept-Language: pick the highest-q of th/en.
    double best_q = -1;
    std::string best = kDefaultLocale;
    for (auto& part : Split(accept_language, ',')) {
        auto fields = Split(part, ';');
        std::string tag = ToLower(Trim(fields[0]));
        std::string primary = tag.substr(0, tag.find('-'));
        double q = 1.0;
        for (size_t i = 1; i < fields.size(); ++i) {
            std::string f = Trim(fields[i]);
            if (StartsWith(f, "q=")) q = std::atof(f.c_str() + 2);
        }
        if (known(primary) && q > best_q) best_q = q, best = primary;
    }
    return best;
}

std::string I18n::SiteTitle(std::string_view configured, std::string_view locale) const {
    if (configured.empty() || configured == Get("th", "site.title"))
        return Get(locale, "site.title");
    return std::string(configured);
}

}  // namespace govhub::core
