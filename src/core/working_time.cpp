#include "core/working_time.hpp"

#include <algorithm>
#include <cstdio>

namespace govhub::core {
namespace {
constexpr int64_t kDay = 86400;
constexpr int64_t kBangkokOffset = 7 * 3600;

int64_t FloorDiv(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Howard Hinnant's civil-date algorithms (days since 1970-01-01, proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = FloorDiv(y, 400);
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const int64_t era = FloorDiv(z, 146097);
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}
}  // namespace

int64_t BangkokDay(int64_t epoch_seconds) {
    return FloorDiv(epoch_seconds + kBangkokOffset, kDay);
}

int64_t BangkokDayStart(int64_t day) {
    return day * kDay - kBangkokOffset;
}

int64_t DayFromIso(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return -1;
    int v[3] = {0, 0, 0};
    const size_t start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
    for (int i = 0; i < 3; ++i)
        for (size_t j = start[i]; j < start[i] + len[i]; ++j) {
            if (s[j] < '0' || s[j] > '9') return -1;
            v[i] = v[i] * 10 + (s[j] - '0');
        }
    if (v[0] < 1900 || v[1] < 1 || v[1] > 12 || v[2] < 1) return -1;
    int64_t day = DaysFromCivil(v[0], static_cast<unsigned>(v[1]), static_cast<unsigned>(v[2]));
    int64_t y;
    unsigned m, d;
    CivilFromDays(day, y, m, d);  // 2026-02-30 does not come back as itself
    if (y != v[0] || static_cast<int>(m) != v[1] || static_cast<int>(d) != v[2]) return -1;
    return day;
}

std::string IsoDay(int64_t day) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(day, y, m, d);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
    return buf;
}

int WeekdayOf(int64_t day) {
    int64_t w = (day + 4) % 7;  // 1970-01-01 was a Thursday
    return static_cast<int>(w < 0 ? w + 7 : w);
}

bool WorkingCalendar::IsWorkingDay(int64_t day) const {
    int w = WeekdayOf(day);
    return w != 0 && w != 6 && !holidays_.count(day);
}

int64_t WorkingCalendar::WorkingSecondsBetween(int64_t from, int64_t to) const {
    if (to <= from) return 0;
    int64_t total = 0;
    for (int64_t day = BangkokDay(from), last = BangkokDay(to - 1); day <= last; ++day) {
        if (!IsWorkingDay(day)) continue;
        int64_t start = std::max(from, BangkokDayStart(day));
        int64_t end = std::min(to, BangkokDayStart(day + 1));
        total += end - start;
    }
    return total;
}

int64_t WorkingCalendar::AddWorkingSeconds(int64_t from, int64_t seconds) const {
    int64_t at = from;
    // A year of days without one working day is a broken table, not a calendar: stop there.
    for (int guard = 0; seconds > 0 && guard < 3660; ++guard) {
        int64_t day = BangkokDay(at);
        int64_t next = BangkokDayStart(day + 1);
        if (!IsWorkingDay(day)) {
            at = next;
            continue;
        }
        int64_t take = std::min(seconds, next - at);
        at += take;
        seconds -= take;
    }
    return at;
}

}  // namespace govhub::core
