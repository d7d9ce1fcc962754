#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "core/clock.hpp"
#include "core/strings.hpp"

namespace govhub::core {
namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_mutex;
const char* LevelName(LogLevel l) {
    switch (l) {
        case LogLevel::kDebug:
            return "debug";
        case LogLevel::kInfo:
            return "info";
        case LogLevel::kWarn:
            return "warn";
        case LogLevel::kError:
            return "error";
    }
    return "info";
}
}  // namespace

void SetLogLevel(LogLevel level) {
    g_level = level;
}

void Log(LogLevel level, std::string_view event, std::string_view message,
         std::string_view fields) {
    if (level < g_level.load()) return;
    std::string line = "{\"time\":\"" + NowIso() + "\",\"level\":\"" + LevelName(level) +
                       "\",\"event\":\"" + JsonEscape(event) + "\",\"msg\":\"" +
                       JsonEscape(message) + "\"";
    if (!fields.empty()) {
        line += ',';
        line += fields;
    }
    line += "}\n";
    LogLine(line);
}

void LogLine(std::string_view json_line) {
    std::lock_guard lock(g_mutex);
    std::fwrite(json_line.data(), 1, json_line.size(), stderr);
    if (json_line.empty() || json_line.back() != '\n') std::fputc('\n', stderr);
    std::fflush(stderr);
}

}  // namespace govhub::core
