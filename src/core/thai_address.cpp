#include "core/thai_address.hpp"

#include <unicode/coll.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/json_reader.hpp"
#include "core/strings.hpp"

namespace govhub::core {
namespace {

using Json = nlohmann::json;

// What people put before a name on an envelope; stripped only when the whole name does not match
// as typed (a tambon is called "จ.ป.ร.").
constexpr std::array<std::string_view, 2> kProvincePrefixes = {"จังหวัด", "จ."};
constexpr std::array<std::string_view, 5> kAmphoePrefixes = {"กิ่งอำเภอ", "กิ่งอ.", "อำเภอ", "อ.",
                                                             "เขต"};
constexpr std::array<std::string_view, 3> kTambonPrefixes = {"ตำบล", "ต.", "แขวง"};
// Bangkok as it is written on forms (after normalisation: no spaces).
constexpr std::array<std::string_view, 4> kBangkokAliases = {"กรุงเทพ", "กรุงเทพฯ", "กทม", "กทม."};

bool IsInvisible(UChar32 c) {
    // Zero-width space / joiners, word joiner, BOM, soft hyphen, direction marks: every format
    // character (Cf), pasted from web pages and documents or typed to make a look-alike.
    return u_charType(c) == U_FORMAT_CHAR;
}

bool IsThaiToneMark(UChar c) {
    return c >= 0x0E48 && c <= 0x0E4B;
}

[[noreturn]] void Fail(std::string_view source, std::string_view what) {
    throw ThaiAddressDataError("Thai address data " + std::string(source) + ": " +
                               std::string(what));
}

struct Decoder {
    std::string_view source;
    const ThaiAddressLimits& limits;
    bool compact = false;
    std::vector<std::string> lookup;
    std::vector<std::string> words;

    // A name is text or an index into `lookup`; in the compact form each ASCII letter in it
    // stands for an entry of `words` (A–Z, then a–z), as the package's own preprocess() does.
    // Thai is never ASCII in UTF-8, so replacing bytes is safe.
    std::string Name(const Json& v) const {
        std::string raw;
        if (v.is_number_integer()) {
            if (!compact) Fail(source, "a name is a number but the file has no lookup table");
            auto i = v.get<int64_t>();
            if (i < 0 || static_cast<size_t>(i) >= lookup.size())
                Fail(source, "a lookup index is out of range");
            raw = lookup[static_cast<size_t>(i)];
        } else if (v.is_string()) {
            raw = v.get<std::string>();
        } else {
            Fail(source, "a name is neither text nor a lookup index");
        }
        std::string out;
        if (compact) {
            for (char ch : raw) {
                size_t index;
                if (ch >= 'A' && ch <= 'Z') {
                    index = static_cast<size_t>(ch - 'A');
                } else if (ch >= 'a' && ch <= 'z') {
                    index = 26 + static_cast<size_t>(ch - 'a');
                } else {
                    out += ch;
                    continue;
                }
                if (index >= words.size()) Fail(source, "a word letter is out of range");
                out += words[index];
                if (out.size() > limits.max_name_bytes) break;
            }
        } else {
            out = std::move(raw);
        }
        if (out.empty() || out.size() > limits.max_name_bytes || !IsValidUtf8(out) ||
            HasStrayControls(out, false))
            Fail(source, "a name is empty, too long or not clean UTF-8");
        return out;
    }

    // A tambon's postcodes: one string, a list of them, or null (none known).
    std::vector<std::string> Postcodes(const Json& v) const {
        std::vector<std::string> out;
        auto add = [&](const Json& p) {
            if (!p.is_string()) Fail(source, "a postcode is not text");
            const auto& s = p.get_ref<const std::string&>();
            if (s.size() != 5 ||
                !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
                Fail(source, "a postcode is not five digits");
            if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
        };
        if (v.is_null()) return out;
        if (v.is_array()) {
            if (v.size() > 16) Fail(source, "a tambon has too many postcodes");
            for (const auto& p : v) add(p);
        } else {
            add(v);
        }
        return out;
    }
};

// [name, children] or, in the package's geographic variant, [name, code, children].
const Json& Entry(const Json& v, size_t children_at, std::string_view source) {
    if (!v.is_array() || v.size() != children_at + 1)
        Fail(source, "an entry is not [name, ..., children]");
    return v;
}

std::unique_ptr<icu::Collator> ThaiCollator() {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> c(icu::Collator::createInstance(icu::Locale("th"), status));
    if (U_FAILURE(status)) return nullptr;
    return c;
}

template <typename T>
void SortByName(std::vector<T>& items, icu::Collator* collator) {
    std::stable_sort(items.begin(), items.end(), [&](const T& a, const T& b) {
        if (!collator) return a.name < b.name;
        UErrorCode status = U_ZERO_ERROR;
        return collator->compareUTF8(a.name, b.name, status) == UCOL_LESS;
    });
}

template <typename T>
T* FindByName(std::vector<T>& items, std::string_view name) {
    for (auto& item : items)
        if (item.name == name) return &item;
    return nullptr;
}

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
    for (const auto& item : items)
        if (item.name == name) return &item;
    return nullptr;
}

// The name as typed, then without one of the level's prefixes.
template <size_t N>
std::vector<std::string> Candidates(const std::string& normalized,
                                    const std::array<std::string_view, N>& prefixes) {
    std::vector<std::string> out{normalized};
    for (auto prefix : prefixes)
        if (normalized.size() > prefix.size() && StartsWith(normalized, prefix))
            out.push_back(normalized.substr(prefix.size()));
    return out;
}

std::string ReadCapped(const std::string& path, size_t cap) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec)
        Fail(path, "cannot read it (" + ec.message() + "); scripts/install-deps.sh puts it there");
    if (size > cap) Fail(path, "larger than " + std::to_string(cap) + " bytes");
    std::ifstream in(path, std::ios::binary);
    if (!in) Fail(path, "cannot open it");
    std::string text(static_cast<size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    return text;
}

}  // namespace

std::string NormalizeThaiAddressName(std::string_view typed) {
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(
        icu::StringPiece(typed.data(), static_cast<int32_t>(typed.size())));
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_SUCCESS(status)) {
        icu::UnicodeString n = nfc->normalize(s, status);
        if (U_SUCCESS(status)) s = n;
    }
    icu::UnicodeString kept;
    for (int32_t i = 0; i < s.length();) {
        UChar32 c = s.char32At(i);
        i += U16_LENGTH(c);
        if (u_isUWhiteSpace(c) || IsInvisible(c)) continue;
        kept.append(c);
    }
    // Sara am typed as nikhahit + sara aa (old keyboards, PDFs), tone mark before or after the
    // nikhahit; all Thai is in the BMP, so code units are code points here.
    icu::UnicodeString out;
    for (int32_t i = 0; i < kept.length(); ++i) {
        UChar c = kept.charAt(i);
        if (c == 0x0E4D && i + 1 < kept.length() && kept.charAt(i + 1) == 0x0E32) {
            out.append(static_cast<UChar>(0x0E33));
            i += 1;
        } else if (c == 0x0E4D && i + 2 < kept.length() && IsThaiToneMark(kept.charAt(i + 1)) &&
                   kept.charAt(i + 2) == 0x0E32) {
            out.append(kept.charAt(i + 1));
            out.append(static_cast<UChar>(0x0E33));
            i += 2;
        } else {
            out.append(c);
        }
    }
    std::string result;
    out.toUTF8String(result);
    return result;
}

std::string ThaiAddressDataPath(const std::string& web_dir) {
    return web_dir + "/static/vendor/thai-address-database/db.json";
}

ThaiAddressBook ThaiAddressBook::Load(const std::string& path, const ThaiAddressLimits& limits) {
    ThaiAddressBook book = Parse(ReadCapped(path, limits.max_file_bytes), path, limits);
    // The package's own package.json, copied beside the data file, tells the version.
    auto package = std::filesystem::path(path).parent_path() / "package.json";
    std::error_code ec;
    if (std::filesystem::is_regular_file(package, ec)) {
        std::ifstream in(package, std::ios::binary);
        std::string text(64 << 10, '\0');
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<size_t>(in.gcount()));
        Json meta = ParseJsonIfWithinLimits(text);
        if (meta.is_object() && meta.contains("version") && meta["version"].is_string()) {
            std::string v = meta["version"].get<std::string>();
            if (v.size() <= 64 && IsValidUtf8(v) && !HasStrayControls(v, false)) {
                book.version_ = std::move(v);
                Json picker = Json::parse(book.picker_json_);
                picker["version"] = book.version_;
                book.picker_json_ = picker.dump();
            }
        }
    }
    return book;
}

ThaiAddressBook ThaiAddressBook::Parse(std::string_view text, std::string_view source,
                                       const ThaiAddressLimits& limits) {
    if (text.size() > limits.max_file_bytes) Fail(source, "too large");
    Json root;
    try {
        // Depth 8 is the format's; a little room, and a bound on elements for a wrong file.
        root = ParseJsonBounded(text, JsonLimits{16, limits.max_tambons * 8 + 4096, true});
    } catch (const JsonInputError& e) {
        Fail(source, e.detail());
    }
    if (!root.is_object() || !root.contains("data") || !root["data"].is_array())
        Fail(source, "not the package's format (an object with a \"data\" list)");

    Decoder dec{source, limits};
    if (root.contains("lookup") || root.contains("words")) {
        if (!root["lookup"].is_string() || !root["words"].is_string())
            Fail(source, "\"lookup\" and \"words\" must both be text");
        dec.compact = true;
        dec.lookup = Split(root["lookup"].get_ref<const std::string&>(), '|');
        dec.words = Split(root["words"].get_ref<const std::string&>(), '|');
    }

    ThaiAddressBook book;
    book.max_name_bytes_ = limits.max_name_bytes;
    const Json& data = root["data"];
    if (data.empty()) Fail(source, "no provinces");
    for (const Json& pv : data) {
        if (!pv.is_array() || (pv.size() != 2 && pv.size() != 3))
            Fail(source, "a province is not [name, amphoes]");
        const size_t at = pv.size() - 1;  // 2 in the geographic variant (a code before)
        std::string pname = dec.Name(pv[0]);
        Province* province = FindByName(book.provinces_, pname);
        if (!province) province = &book.provinces_.emplace_back(Province{std::move(pname), {}});
        if (!pv[at].is_array()) Fail(source, "a province's amphoes are not a list");
        for (const Json& av : pv[at]) {
            const Json& a = Entry(av, at, source);
            std::string aname = dec.Name(a[0]);
            Amphoe* amphoe = FindByName(province->amphoes, aname);
            if (!amphoe) amphoe = &province->amphoes.emplace_back(Amphoe{std::move(aname), {}});
            if (!a[at].is_array()) Fail(source, "an amphoe's tambons are not a list");
            for (const Json& tv : a[at]) {
                const Json& t = Entry(tv, at, source);
                if (++book.tambon_count_ > limits.max_tambons) Fail(source, "too many tambons");
                std::string tname = dec.Name(t[0]);
                auto codes = dec.Postcodes(t[at]);
                Tambon* tambon = FindByName(amphoe->tambons, tname);
                if (!tambon) {
                    tambon = &amphoe->tambons.emplace_back(Tambon{std::move(tname), {}});
                } else {
                    --book.tambon_count_;  // the same tambon again: its postcodes join
                }
                for (auto& c : codes)
                    if (std::find(tambon->postcodes.begin(), tambon->postcodes.end(), c) ==
                        tambon->postcodes.end())
                        tambon->postcodes.push_back(std::move(c));
            }
            if (amphoe->tambons.empty()) Fail(source, "an amphoe has no tambons");
        }
        if (province->amphoes.empty()) Fail(source, "a province has no amphoes");
    }

    // Thai dictionary order for the pickers (leading vowels such as เ sort by the consonant).
    auto collator = ThaiCollator();
    SortByName(book.provinces_, collator.get());
    Json provinces = Json::array();
    for (auto& p : book.provinces_) {
        SortByName(p.amphoes, collator.get());
        Json amphoes = Json::array();
        for (auto& a : p.amphoes) {
            SortByName(a.tambons, collator.get());
            Json tambons = Json::array();
            for (auto& t : a.tambons) {
                std::sort(t.postcodes.begin(), t.postcodes.end());
                tambons.push_back(Json::array({t.name, t.postcodes}));
            }
            amphoes.push_back(Json::array({a.name, std::move(tambons)}));
        }
        provinces.push_back(Json::array({p.name, std::move(amphoes)}));
    }
    book.picker_json_ =
        Json{{"version", book.version_}, {"bangkok", kBangkok}, {"provinces", std::move(provinces)}}
            .dump();
    return book;
}

const ThaiAddressBook::Province* ThaiAddressBook::FindProvince(std::string_view typed) const {
    if (typed.size() > max_name_bytes_ + 64) return nullptr;
    for (const auto& name : Candidates(NormalizeThaiAddressName(typed), kProvincePrefixes)) {
        if (const auto* p = FindByName(provinces_, name)) return p;
        for (auto alias : kBangkokAliases)
            if (name == alias) return FindByName(provinces_, kBangkok);
        if (IEquals(name, "bangkok")) return FindByName(provinces_, kBangkok);
    }
    return nullptr;
}

const ThaiAddressBook::Amphoe* ThaiAddressBook::FindAmphoe(const Province& p,
                                                           std::string_view typed) const {
    if (typed.size() > max_name_bytes_ + 64) return nullptr;
    for (const auto& name : Candidates(NormalizeThaiAddressName(typed), kAmphoePrefixes)) {
        if (const auto* a = FindByName(p.amphoes, name)) return a;
        // "อ.เมือง" on an envelope is the province's capital district, เมือง<province>.
        if (name == "เมือง")
            if (const auto* a = FindByName(p.amphoes, "เมือง" + p.name)) return a;
    }
    return nullptr;
}

const ThaiAddressBook::Tambon* ThaiAddressBook::FindTambon(const Amphoe& a,
                                                           std::string_view typed) const {
    if (typed.size() > max_name_bytes_ + 64) return nullptr;
    for (const auto& name : Candidates(NormalizeThaiAddressName(typed), kTambonPrefixes))
        if (const auto* t = FindByName(a.tambons, name)) return t;
    return nullptr;
}

std::vector<std::string> ThaiAddressBook::Provinces() const {
    std::vector<std::string> out;
    out.reserve(provinces_.size());
    for (const auto& p : provinces_) out.push_back(p.name);
    return out;
}

std::vector<std::string> ThaiAddressBook::Amphoes(std::string_view province) const {
    std::vector<std::string> out;
    if (const auto* p = FindProvince(province))
        for (const auto& a : p->amphoes) out.push_back(a.name);
    return out;
}

std::vector<std::string> ThaiAddressBook::Tambons(std::string_view province,
                                                  std::string_view amphoe) const {
    std::vector<std::string> out;
    if (const auto* p = FindProvince(province))
        if (const auto* a = FindAmphoe(*p, amphoe))
            for (const auto& t : a->tambons) out.push_back(t.name);
    return out;
}

std::vector<std::string> ThaiAddressBook::Postcodes(std::string_view province,
                                                    std::string_view amphoe,
                                                    std::string_view tambon) const {
    if (const auto* p = FindProvince(province))
        if (const auto* a = FindAmphoe(*p, amphoe))
            if (const auto* t = FindTambon(*a, tambon)) return t->postcodes;
    return {};
}

bool ThaiAddressBook::IsBangkok(std::string_view province) const {
    const auto* p = FindProvince(province);
    return p && p->name == kBangkok;
}

ThaiAddressCheck ThaiAddressBook::Check(const ThaiAddressInput& input) const {
    ThaiAddressCheck c;
    const Province* p = FindProvince(input.province);
    if (!p) {
        c.status = ThaiAddressStatus::kUnknownProvince;
        return c;
    }
    c.province = p->name;
    c.bangkok = p->name == kBangkok;
    const Amphoe* a = FindAmphoe(*p, input.amphoe);
    if (!a) {
        c.status = ThaiAddressStatus::kAmphoeNotInProvince;
        return c;
    }
    c.amphoe = a->name;
    const Tambon* t = FindTambon(*a, input.tambon);
    if (!t) {
        c.status = ThaiAddressStatus::kTambonNotInAmphoe;
        return c;
    }
    c.tambon = t->name;
    c.expected_postcodes = t->postcodes;

    std::string typed = Trim(input.postcode);
    if (typed.empty()) {
        if (t->postcodes.size() == 1) {
            c.postcode = t->postcodes.front();
            c.status = ThaiAddressStatus::kOk;
        } else {
            c.status = ThaiAddressStatus::kPostcodeMissing;
        }
        return c;
    }
    auto digits = typed.size() <= 64 ? TypedDigits(typed) : std::nullopt;
    if (!digits || digits->size() != 5) {
        c.status = ThaiAddressStatus::kPostcodeMalformed;
        return c;
    }
    c.postcode = *digits;
    bool known = t->postcodes.empty() || std::find(t->postcodes.begin(), t->postcodes.end(),
                                                   c.postcode) != t->postcodes.end();
    c.status = known ? ThaiAddressStatus::kOk : ThaiAddressStatus::kPostcodeMismatch;
    return c;
}

}  // namespace govhub::core
