#include "core/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace govhub::core {

int64_t NowEpochMicros() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t NowEpochSeconds() {
    return NowEpochMicros() / 1000000;
}

std::string IsoUtc(int64_t micros) {
    time_t secs = static_cast<time_t>(micros / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(micros % 1000000));
    return buf;
}

int64_t ParseIsoMicros(const std::string& iso) {
    int y, mo, d, h = 0, mi = 0, s = 0;
    int consumed = 0;
    if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) <
        6)
        return -1;
    int64_t frac = 0;
    if (static_cast<size_t>(consumed) < iso.size() && iso[consumed] == '.') {
        int digits = 0;
        for (size_t i = consumed + 1; i < iso.size() && iso[i] >= '0' && iso[i] <= '9'; ++i) {
            if (digits < 6) frac = frac * 10 + (iso[i] - '0'), ++digits;
        }
        while (digits++ < 6) frac *= 10;
    }
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<int64_t>(timegm(&tm)) * 1000000 + frac;
}

std::string HttpDate(int64_t epoch_seconds) {
    time_t t = static_cast<time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

}  // namespace govhub::core
