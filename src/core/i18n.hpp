#pragma once
// UI strings from web/i18n/{th,en}.json. Thai is the default; English everywhere.
#include <map>
#include <string>
#include <string_view>

namespace govhub::core {

inline constexpr const char* kDefaultLocale = "th";

class I18n {
  public:
    // Loads every <locale>.json in `dir`; nested objects become dotted keys.
    void LoadDirectory(const std::string& dir);
    void Set(const std::string& locale, const std::string& key, std::string value);
    // The string, the Thai string when the locale lacks it, or the key itself.
    const std::string& Get(std::string_view locale, const std::string& key) const;
    bool Has(std::string_view locale, const std::string& key) const;
    const std::map<std::string, std::string>& Strings(std::string_view locale) const;
    bool Supports(std::string_view locale) const;

  private:
    std::map<std::string, std::map<std::string, std::string>, std::less<>> strings_;
};

// ?lang= beats the cookie, which beats Accept-Language; anything unknown falls back to Thai.
std::string NegotiateLocale(std::string_view query_lang, std::string_view cookie_lang,
                            std::string_view accept_language);

}  // namespace govhub::core
