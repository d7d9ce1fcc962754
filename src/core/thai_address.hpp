#pragma once
// Thai postal addresses: province (จังหวัด) → amphoe (อำเภอ, เขต in Bangkok) → tambon (ตำบล,
// แขวง in Bangkok) → postcodes, from the `thai-address-database` npm package's data file
// (database/db.json), which scripts/install-deps.sh puts in
// web/static/vendor/thai-address-database/. One loaded book serves the browser's pickers
// (PickerJson) and the server's check of what a form sent (Check), so both agree; a form works
// without JavaScript too. Names are matched as people type them: spaces, NFC, "จ." / "อ." /
// "ต." / "เขต" / "แขวง" and the like, "กทม", "อ.เมือง".
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace govhub::core {

// The data file is missing, too big or not what the package's format says. Thrown at start-up
// so a broken install stops the server with the path and the reason.
class ThaiAddressDataError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct ThaiAddressLimits {
    size_t max_file_bytes = 8 << 20;  // the 0.0.30 file is 205 KB
    size_t max_tambons = 50'000;      // 7,470 in 0.0.30
    size_t max_name_bytes = 300;      // the longest name is about 60 bytes
};

struct ThaiAddressInput {
    std::string province;
    std::string amphoe;
    std::string tambon;
    std::string postcode;
};

enum class ThaiAddressStatus {
    kOk,
    kUnknownProvince,
    kAmphoeNotInProvince,
    kTambonNotInAmphoe,
    kPostcodeMissing,    // none typed, and the tambon has no single postcode to fill in
    kPostcodeMalformed,  // not five digits
    kPostcodeMismatch,   // five digits, but not one of the tambon's: the requester may keep it
};

struct ThaiAddressCheck {
    ThaiAddressStatus status = ThaiAddressStatus::kUnknownProvince;
    // The data's spelling of each name, as far down as it resolved ("" below that).
    std::string province;
    std::string amphoe;
    std::string tambon;
    // The typed postcode as five ASCII digits (Thai digits accepted); when none was typed and
    // the tambon has exactly one, that one (the form's "filled in" without JavaScript).
    std::string postcode;
    // The tambon's postcodes once it resolved. Empty for the few tambons the data gives none
    // (islands of Chumphon): any well-formed postcode then passes.
    std::vector<std::string> expected_postcodes;
    // Bangkok: label the levels เขต / แขวง instead of อำเภอ / ตำบล.
    bool bangkok = false;

    bool ok() const { return status == ThaiAddressStatus::kOk; }
};

// How a name is compared: trimmed, NFC, whitespace and invisible format characters (Cf: zero-width
// space and joiners, soft hyphen, direction marks) removed (no name in the data has a space),
// nikhahit + sara aa (ํา, with a tone mark between or not) read as sara am (ำ). Prefixes are not
// stripped here: that depends on the level (see Check).
std::string NormalizeThaiAddressName(std::string_view typed);

// Where install-deps puts the data file, under the server's web directory.
std::string ThaiAddressDataPath(const std::string& web_dir);

class ThaiAddressBook {
  public:
    // Reads the data file (and the package.json beside it, for the version, when there).
    // Throws ThaiAddressDataError.
    static ThaiAddressBook Load(const std::string& path, const ThaiAddressLimits& limits = {});
    // The same from text already read; `source` names it in errors.
    static ThaiAddressBook Parse(std::string_view text, std::string_view source,
                                 const ThaiAddressLimits& limits = {});

    // Lists in Thai dictionary order. Lookups take typed names (normalised, prefixes
    // stripped) and give an empty list for an unknown name.
    std::vector<std::string> Provinces() const;
    std::vector<std::string> Amphoes(std::string_view province) const;
    std::vector<std::string> Tambons(std::string_view province, std::string_view amphoe) const;
    std::vector<std::string> Postcodes(std::string_view province, std::string_view amphoe,
                                       std::string_view tambon) const;
    // Whether the typed province is Bangkok (กรุงเทพมหานคร, "กทม", ...).
    bool IsBangkok(std::string_view province) const;

    // Checks a (province, amphoe, tambon, postcode) tuple from top to bottom and stops at the
    // first level that does not resolve.
    ThaiAddressCheck Check(const ThaiAddressInput& input) const;

    // The whole cascade for the browser's pickers, made once at load (about 300 KB, ~50 KB
    // gzipped):
    //   {"version":"0.0.30","bangkok":"กรุงเทพมหานคร",
    //    "provinces":[["กระบี่",[["คลองท่อม",[["คลองท่อมใต้",["81120"]],...]],...]],...]}
    // Same order as the lists above; a tambon's postcode list may be empty.
    const std::string& PickerJson() const { return picker_json_; }

    const std::string& version() const { return version_; }  // "" when unknown
    size_t tambon_count() const { return tambon_count_; }

    static constexpr std::string_view kBangkok = "กรุงเทพมหานคร";

    struct Tambon {
        std::string name;
        std::vector<std::string> postcodes;
    };
    struct Amphoe {
        std::string name;
        std::vector<Tambon> tambons;
    };
    struct Province {
        std::string name;
        std::vector<Amphoe> amphoes;
    };

  private:
    const Province* FindProvince(std::string_view typed) const;
    const Amphoe* FindAmphoe(const Province& p, std::string_view typed) const;
    const Tambon* FindTambon(const Amphoe& a, std::string_view typed) const;

    std::vector<Province> provinces_;
    std::string version_;
    std::string picker_json_;
    size_t tambon_count_ = 0;
    size_t max_name_bytes_ = 300;
};

}  // namespace govhub::core
