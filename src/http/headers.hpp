#pragma once
// Case-insensitive header list that keeps order and repeated fields (Set-Cookie).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace govhub::http {

class Headers {
  public:
    using Field = std::pair<std::string, std::string>;
    // First value of `name`, or empty.
    std::string_view Get(std::string_view name) const;
    bool Has(std::string_view name) const;
    void Add(std::string name, std::string value) {
        fields_.emplace_back(std::move(name), std::move(value));
    }
    // Replaces every field named `name`.
    void Set(std::string name, std::string value);
    void Remove(std::string_view name);
    const std::vector<Field>& fields() const { return fields_; }

  private:
    std::vector<Field> fields_;
};

}  // namespace govhub::http
