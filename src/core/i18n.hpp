#pragma once
// UI strings from web/i18n/{th,en}.json. Thai is the default; English everywhere.
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
    // Text kept for later display (a job's log, an error): a message made by Message() is
    // looked up and its {name}s filled in; a bare key is looked up; other text is returned as is.
    std::string Localize(std::string_view locale, const std::string& text) const;
    const std::map<std::string, std::string>& Strings(std::string_view locale) const;
    bool Supports(std::string_view locale) const;
    // The site's name for a reader: an operator's own --site-title as given, otherwise (empty, or
    // the Thai default the server fills in) the default title in the reader's language.
    std::string SiteTitle(std::string_view configured, std::string_view locale) const;

  private:
    std::map<std::string, std::map<std::string, std::string>, std::less<>> strings_;
};

// A message to be shown later in the reader's language: a key of web/i18n whose string holds
// {name} placeholders, and their values. Encoded as text ("@key {json}") so it can be stored in
// a job's log or carried by an exception; I18n::Localize turns it into words.
std::string Message(std::string_view key,
                    std::initializer_list<std::pair<std::string_view, std::string>> values = {});
std::string Message(std::string_view key,
                    const std::vector<std::pair<std::string, std::string>>& values);

// ?lang= beats the cookie, which beats Accept-Language; anything unknown falls back to Thai.
std::string NegotiateLocale(std::string_view query_lang, std::string_view cookie_lang,
                            std::string_view accept_language);

}  // namespace govhub::core
