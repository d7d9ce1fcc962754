#pragma once
// One enum <-> text table per stored enum: a module declares it once, next to the enum in its
// model, and the same table writes the column and reads it back (db::RowReader::Enum). A plain
// constexpr table, so models need nothing but core.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace govhub::core {

// The stored names of an enum's values. Declare it once, next to the enum's model:
//   inline constexpr auto kKindText = core::MakeEnumText<Kind>({{Kind::kA, "a"}, {Kind::kB, "b"}});
template <class E, size_t N>
class EnumText {
  public:
    constexpr explicit EnumText(const std::array<std::pair<E, std::string_view>, N>& names)
        : names_(names) {}
    // The stored text of a value (a value missing from the table: the first name).
    constexpr std::string_view Name(E value) const {
        for (const auto& [v, name] : names_)
            if (v == value) return name;
        return names_[0].second;
    }
    // The value stored as `text`; nullopt for a text no version wrote.
    constexpr std::optional<E> Parse(std::string_view text) const {
        for (const auto& [v, name] : names_)
            if (name == text) return v;
        return std::nullopt;
    }
    constexpr const std::array<std::pair<E, std::string_view>, N>& all() const { return names_; }

  private:
    std::array<std::pair<E, std::string_view>, N> names_;
};

template <class E, size_t N>
constexpr EnumText<E, N> MakeEnumText(const std::pair<E, std::string_view> (&names)[N]) {
    std::array<std::pair<E, std::string_view>, N> a{};
    for (size_t i = 0; i < N; ++i) a[i] = names[i];
    return EnumText<E, N>(a);
}

}  // namespace govhub::core
