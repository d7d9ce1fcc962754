// The Thai address check (core/thai_address.hpp) with what a stranger types into workD's request
// form: province, amphoe, tambon and postcode, one per line (Thai, prefixes, zero-width and
// invalid UTF-8, huge values), against the real data file that scripts/install-deps.sh fetched.
// The data file itself is pinned by integrity and is not outside input, but its decoder gets a
// share of the inputs too (first byte odd): a wrong file must be a ThaiAddressDataError.
//
// Invariants: an accepted address names a province, amphoe and tambon of the data, its postcode
// is five ASCII digits and one of the tambon's (or the tambon has none); a mismatch keeps five
// digits; the same check gives the same answer twice.
#include <algorithm>
#include <string>

#include "core/thai_address.hpp"
#include "fuzz_target.hpp"

namespace {

const govhub::core::ThaiAddressBook& Book() {
    static const auto book = govhub::core::ThaiAddressBook::Load(
        govhub::core::ThaiAddressDataPath(std::string(GOVHUB_SOURCE_DIR) + "/web"));
    return book;
}

bool FiveDigits(const std::string& s) {
    return s.size() == 5 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

GOVHUB_FUZZ_TARGET(thai_address) {
    using namespace govhub::core;
    auto text = govhub::fuzz::AsText(data, size);
    if (!text.empty() && (text[0] & 1)) {
        try {
            auto book = ThaiAddressBook::Parse(text.substr(1), "fuzz");
            if (book.Provinces().empty() || book.PickerJson().empty()) __builtin_trap();
        } catch (const ThaiAddressDataError&) {
        }
        return;
    }
    if (!text.empty()) text.remove_prefix(1);
    auto f = govhub::fuzz::Fields(text, 4);
    f.resize(4);
    ThaiAddressInput in{std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3])};
    const auto& book = Book();
    auto c = book.Check(in);
    if (c.ok() || c.status == ThaiAddressStatus::kPostcodeMismatch) {
        auto codes = book.Postcodes(c.province, c.amphoe, c.tambon);
        if (c.tambon.empty() || codes != c.expected_postcodes || !FiveDigits(c.postcode))
            __builtin_trap();
        bool listed = std::find(codes.begin(), codes.end(), c.postcode) != codes.end();
        if (c.ok() != (listed || codes.empty())) __builtin_trap();
    }
    auto again = book.Check(in);
    if (again.status != c.status || again.postcode != c.postcode) __builtin_trap();
    (void)book.Tambons(in.province, in.amphoe);
    (void)book.IsBangkok(in.province);
}
