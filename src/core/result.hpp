#pragma once
// A small expected-like type: GCC 12 has std::expected only with -std=c++2b.
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace govhub {

struct Errors {
    std::vector<FieldError> fields;
    bool empty() const { return fields.empty(); }
    void Add(std::string field, std::string message) {
        fields.push_back({std::move(field), std::move(message)});
    }
    bool Has(const std::string& field) const {
        for (const auto& f : fields)
            if (f.field == field) return true;
        return false;
    }
};

template <typename T>
class Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Errors errors) : v_(std::move(errors)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T* operator->() { return &value(); }
    const Errors& errors() const { return std::get<1>(v_); }

  private:
    std::variant<T, Errors> v_;
};

}  // namespace govhub
