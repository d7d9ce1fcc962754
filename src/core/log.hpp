#pragma once
// Structured logs: one JSON object per line on stderr. `fields` is a pre-built JSON fragment
// ("\"k\":\"v\",...") so this header needs no JSON library.
#include <string>
#include <string_view>

namespace govhub::core {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view event, std::string_view message,
         std::string_view fields = {});
inline void LogInfo(std::string_view event, std::string_view message,
                    std::string_view fields = {}) {
    Log(LogLevel::kInfo, event, message, fields);
}
inline void LogWarn(std::string_view event, std::string_view message,
                    std::string_view fields = {}) {
    Log(LogLevel::kWarn, event, message, fields);
}
inline void LogError(std::string_view event, std::string_view message,
                     std::string_view fields = {}) {
    Log(LogLevel::kError, event, message, fields);
}
// Writes an already-complete JSON line (the access log).
void LogLine(std::string_view json_line);

}  // namespace govhub::core
