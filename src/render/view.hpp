#pragma once
// The data a template sees: a small tree of strings, booleans, objects and lists. Handlers
// build it without the mustache header (kept inside templates.cpp).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace govhub::render {

class View {
  public:
    enum class Kind { kObject, kList, kString, kBool };

    View() : kind_(Kind::kObject) {}
    static View List() {
        View v;
        v.kind_ = Kind::kList;
        return v;
    }
    View(std::string s) : kind_(Kind::kString), str_(std::move(s)) {}
    View(const char* s) : kind_(Kind::kString), str_(s) {}
    View(bool b) : kind_(Kind::kBool), bool_(b) {}
    View(int64_t n) : kind_(Kind::kString), str_(std::to_string(n)) {}
    View(int n) : kind_(Kind::kString), str_(std::to_string(n)) {}

    View& Set(const std::string& key, View value) {
        fields_[key] = std::move(value);
        return *this;
    }
    View& Push(View value) {
        items_.push_back(std::move(value));
        return *this;
    }
    View* Find(const std::string& key) {
        auto it = fields_.find(key);
        return it == fields_.end() ? nullptr : &it->second;
    }
    const View* Find(const std::string& key) const {
        auto it = fields_.find(key);
        return it == fields_.end() ? nullptr : &it->second;
    }

    Kind kind() const { return kind_; }
    const std::string& str() const { return str_; }
    bool boolean() const { return bool_; }
    const std::map<std::string, View>& fields() const { return fields_; }
    const std::vector<View>& items() const { return items_; }

  private:
    Kind kind_;
    std::string str_;
    bool bool_ = false;
    std::map<std::string, View> fields_;
    std::vector<View> items_;
};

}  // namespace govhub::render
