#pragma once
// Time as the platform stores it: UTC ISO-8601 text ("2026-11-28T21:03:27.123456Z") sorts
// correctly as text on both engines; epoch seconds for arithmetic.
#include <cstdint>
#include <string>

namespace govhub::core {

int64_t NowEpochSeconds();
int64_t NowEpochMicros();
std::string IsoUtc(int64_t epoch_micros);
inline std::string NowIso() {
    return IsoUtc(NowEpochMicros());
}
inline std::string IsoInSeconds(int64_t seconds_from_now) {
    return IsoUtc(NowEpochMicros() + seconds_from_now * 1000000);
}
// Parses the form IsoUtc writes (also without fraction or 'Z'); -1 if malformed.
int64_t ParseIsoMicros(const std::string& iso);
// RFC 7231 IMF-fixdate for HTTP headers.
std::string HttpDate(int64_t epoch_seconds);

}  // namespace govhub::core
