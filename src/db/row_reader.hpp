#pragma once
// How a store turns a row into a model, in one shape for every store: a reader that takes the
// columns in the order of the SELECT list (so a column added in the middle is one line in each
// place, not a renumbering), and the one enum <-> text table a module declares for each enum it
// stores (the same table writes the column and reads it back).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/enum_text.hpp"
#include "db/database.hpp"

namespace govhub::db {

// The enum <-> text tables live in core (core/enum_text.hpp), so models declare theirs without
// depending on the database layer; the readers below take them.
using core::EnumText;
using core::MakeEnumText;

// Reads a row's columns in order: `RowReader r(row); x.id = r.Str(); x.size = r.Int(); ...`.
class RowReader {
  public:
    explicit RowReader(const Row& row) : row_(row) {}
    const std::string& Str() { return row_.Str(next_++); }
    std::optional<std::string> OptStr() { return row_.OptStr(next_++); }
    int64_t Int() { return row_.Int(next_++); }
    double Double() { return row_.Double(next_++); }
    bool Bool() { return row_.Bool(next_++); }
    // An enum column; `fallback` for a text the table does not know (a value a later version
    // wrote, read by an older node during a rolling upgrade).
    template <class E, size_t N>
    E Enum(const EnumText<E, N>& text, E fallback) {
        return text.Parse(Str()).value_or(fallback);
    }
    // Columns read so far (the index of the next one).
    size_t position() const { return next_; }

  private:
    const Row& row_;
    size_t next_ = 0;
};

}  // namespace govhub::db
