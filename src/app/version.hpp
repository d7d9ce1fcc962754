#pragma once

namespace govhub::app {
inline constexpr const char* kVersion = "0.1.0";
}
