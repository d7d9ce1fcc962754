#pragma once
// Column types and the values a Thai agency's file writes for them: Thai digits (๐–๙),
// thousands separators, Buddhist-era years (31/01/2567 is 2024-01-31), Thai month names and
// their abbreviations (31 ม.ค. 2567), ISO dates and timestamps. Inference looks at every value
// of a column: one value that does not fit makes the column text, and the tracker remembers
// which one, so the load log can say why.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace govhub::datastore {

// CKAN's type names (datastore_create accepts their aliases too: int4, int8, float8, ...).
enum class FieldType { kText, kInt, kNumeric, kBool, kDate, kTimestamp, kJson };

const char* TypeName(FieldType t);
// "text", "int"/"integer"/"int4"/"int8"/"bigint", "numeric"/"float"/"float8"/"double",
// "bool"/"boolean", "date", "timestamp", "json"; nullopt otherwise.
std::optional<FieldType> ParseTypeName(std::string_view name);

// Values that mean "no value" in a typed column: empty, "-", "N/A", "NA", "null" and the like.
bool IsNullMarker(std::string_view v);

// Each parser takes one trimmed cell and returns the canonical text the engines store.
std::optional<int64_t> ParseIntValue(std::string_view v);
std::optional<std::string> ParseNumericValue(std::string_view v);  // "-1234.5"
std::optional<bool> ParseBoolValue(std::string_view v);
std::optional<std::string> ParseDateValue(std::string_view v);       // "2024-01-31"
std::optional<std::string> ParseTimestampValue(std::string_view v);  // "2024-01-31T10:30:00"

// The canonical text of `v` as type `t` (nullopt: it does not fit; null markers are not
// handled here).
std::optional<std::string> Canonical(FieldType t, std::string_view v);

// Follows one column over a whole file.
class TypeTracker {
  public:
    void Add(std::string_view value, int64_t row);
    FieldType Decide() const;
    // Why the column became text although most of its values had another type ("" if not).
    std::string TextReason(const std::string& field) const;
    int64_t values() const { return values_; }
    size_t max_bytes() const { return max_bytes_; }
    int64_t nulls() const { return nulls_; }

  private:
    static constexpr size_t kCandidates = 5;  // bool, int, numeric, date, timestamp
    std::array<bool, kCandidates> possible_{true, true, true, true, true};
    std::array<int64_t, kCandidates> fitted_{};  // values that fitted before it failed
    std::array<int64_t, kCandidates> failed_row_{};
    std::array<std::string, kCandidates> failed_value_{};
    int64_t values_ = 0, nulls_ = 0;
    size_t max_bytes_ = 0;
};

}  // namespace govhub::datastore
