#include "workd/model.hpp"

#include <charconv>

namespace govhub::workd {

int FiscalYearBE(int year_ce, int month, int day) {
    (void)day;
    return year_ce + 543 + (month >= 10 ? 1 : 0);
}

int FiscalYearBE(std::string_view iso) {
    if (iso.size() < 10 || iso[4] != '-' || iso[7] != '-') return 0;
    int y = 0, m = 0, d = 0;
    auto num = [](std::string_view s, int& out) {
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && p == s.data() + s.size();
    };
    if (!num(iso.substr(0, 4), y) || !num(iso.substr(5, 2), m) || !num(iso.substr(8, 2), d))
        return 0;
    if (m < 1 || m > 12 || d < 1 || d > 31) return 0;
    return FiscalYearBE(y, m, d);
}

}  // namespace govhub::workd
