#include "api/params.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "http/request.hpp"

namespace govhub::api {

namespace {

const Json& EmptyObject() {
    static const Json empty = Json::object();
    return empty;
}

bool IsEmptyString(const Json& v) {
    return v.is_string() && v.get_ref<const std::string&>().empty();
}

// The nesting of a value already parsed (a JSON body was bounded while it was read; a value
// built in code was not), measured without recursion.
size_t DepthOf(const Json& v, size_t stop_after) {
    std::vector<std::pair<const Json*, size_t>> todo{{&v, 1}};
    size_t deepest = 0;
    while (!todo.empty()) {
        auto [j, depth] = todo.back();
        todo.pop_back();
        if (!j->is_structured()) continue;
        deepest = std::max(deepest, depth);
        if (deepest > stop_after) return deepest;
        for (const auto& child : *j) todo.emplace_back(&child, depth + 1);
    }
    return deepest;
}

core::JsonLimits StructuredLimits() {
    core::JsonLimits limits = core::DefaultJsonLimits();
    limits.max_depth = std::min(limits.max_depth, core::kJsonMaxDepth);
    return limits;
}

}  // namespace

Params::Params(const Json& params, ParamErrors errors)
    : params_(params.is_object() ? &params : &EmptyObject()), errors_(errors) {}

const Json* Params::Find(const std::string& key) const {
    auto it = params_->find(key);
    if (it == params_->end() || it->is_null()) return nullptr;
    return &*it;
}

template <class T, class F>
T Params::OrFallback(F&& read, T fallback) const {
    if (errors_ != ParamErrors::kFallback) return read();
    try {
        return read();
    } catch (const core::JsonInputError&) {  // Structured's nesting bound
        return fallback;
    } catch (const HttpError&) {  // the reader's own refusal (Fail)
        return fallback;
    }
}

void Params::Fail(const std::string& key, const std::string& message) const {
    if (errors_ == ParamErrors::kSearchQuery)
        throw HttpError(400, "search_query",
                        core::Message("api.param.search_error", {{"key", key}, {"why", message}}));
    throw HttpError::Validation({{key, message}});
}

bool Params::Has(const std::string& key) const {
    const Json* v = Find(key);
    return v && !IsEmptyString(*v);
}

std::string Params::String(const std::string& key, const std::string& fallback) const {
    const Json* v = Find(key);
    if (!v) return fallback;
    if (!v->is_string()) {
        if (errors_ == ParamErrors::kFallback) return fallback;
        Fail(key, core::Message("api.param.string"));
    }
    return v->get<std::string>();
}

std::string Params::Require(const std::string& key) const {
    const Json* v = Find(key);
    if (!v || IsEmptyString(*v)) Fail(key, core::Message("api.param.missing"));
    if (!v->is_string()) Fail(key, core::Message("api.param.string"));
    return v->get<std::string>();
}

bool Params::Bool(const std::string& key, bool fallback) const {
    return OrFallback([&] { return StrictBool(key, fallback); }, fallback);
}

bool Params::StrictBool(const std::string& key, bool fallback) const {
    const Json* v = Find(key);
    if (!v || IsEmptyString(*v)) return fallback;
    if (v->is_boolean()) return v->get<bool>();
    if (v->is_number_integer()) {
        // JSON 1 and 0, as the text "1" and "0".
        if (*v == 1) return true;
        if (*v == 0) return false;
    } else if (v->is_string()) {
        const std::string& s = v->get_ref<const std::string&>();
        if (s.size() <= 5) {
            std::string t = core::ToLower(s);
            if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
            if (t == "false" || t == "0" || t == "no" || t == "off") return false;
        }
    }
    Fail(key, core::Message("api.param.boolean"));
}

int64_t Params::Int(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
    return OrFallback([&] { return StrictInt(key, fallback, min, max); }, fallback);
}

int64_t Params::StrictInt(const std::string& key, int64_t fallback, int64_t min,
                          int64_t max) const {
    const Json* v = Find(key);
    if (!v || IsEmptyString(*v)) return fallback;
    auto out_of_range = [&]() {
        if (max == std::numeric_limits<int64_t>::max())
            Fail(key, core::Message("api.param.int_min", {{"min", std::to_string(min)}}));
        Fail(key, core::Message("api.param.int_range",
                                {{"min", std::to_string(min)}, {"max", std::to_string(max)}}));
    };
    int64_t n = 0;
    if (v->is_number_unsigned()) {
        uint64_t u = v->get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) out_of_range();
        n = static_cast<int64_t>(u);
    } else if (v->is_number_integer()) {
        n = v->get<int64_t>();
    } else if (v->is_string()) {
        const std::string& s = v->get_ref<const std::string&>();
        size_t digits_from = !s.empty() && s[0] == '-' ? 1 : 0;
        if (s.size() == digits_from ||
            !std::all_of(s.begin() + static_cast<std::ptrdiff_t>(digits_from), s.end(),
                         [](char c) { return c >= '0' && c <= '9'; }))
            Fail(key, core::Message("api.param.integer"));
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (ec == std::errc::result_out_of_range) out_of_range();
        if (ec != std::errc() || end != s.data() + s.size())
            Fail(key, core::Message("api.param.integer"));
    } else {
        Fail(key, core::Message("api.param.integer"));
    }
    if (n < min || n > max) out_of_range();
    return n;
}

std::vector<std::string> Params::List(const std::string& key, ListSplit split) const {
    return OrFallback([&] { return StrictList(key, split); }, std::vector<std::string>{});
}

std::vector<std::string> Params::StrictList(const std::string& key, ListSplit split) const {
    std::vector<std::string> out;
    const Json* v = Find(key);
    if (!v || IsEmptyString(*v)) return out;
    auto strings_of = [&](const Json& list) {
        for (const auto& item : list) {
            if (!item.is_string()) Fail(key, core::Message("api.param.list"));
            out.push_back(item.get<std::string>());
        }
    };
    if (v->is_array()) {
        strings_of(*v);
        return out;
    }
    if (!v->is_string()) Fail(key, core::Message("api.param.list"));
    const std::string& s = v->get_ref<const std::string&>();
    std::string trimmed = core::Trim(s);
    // facet.field arrives as a JSON list in a string: '["tags","res_format"]'.
    if (!trimmed.empty() && trimmed[0] == '[') {
        Json parsed = core::ParseJsonBoundedOrDiscarded(trimmed, StructuredLimits());
        if (parsed.is_discarded()) Fail(key, core::Message("api.param.json"));
        if (!parsed.is_array()) Fail(key, core::Message("api.param.list"));
        strings_of(parsed);
        return out;
    }
    if (split == ListSplit::kWhole) {
        out.push_back(s);
        return out;
    }
    for (const auto& part : core::Split(s, ','))
        if (std::string item = core::Trim(part); !item.empty()) out.push_back(std::move(item));
    return out;
}

Json Params::Structured(const std::string& key) const {
    return OrFallback([&] { return StrictStructured(key); }, Json(nullptr));
}

Json Params::StrictStructured(const std::string& key) const {
    const Json* v = Find(key);
    if (!v || IsEmptyString(*v)) return nullptr;
    core::JsonLimits limits = StructuredLimits();
    if (v->is_string()) {
        std::string trimmed = core::Trim(v->get_ref<const std::string&>());
        if (trimmed.empty() || (trimmed[0] != '{' && trimmed[0] != '[')) return *v;
        Json parsed = core::ParseJsonBoundedOrDiscarded(trimmed, limits);
        if (parsed.is_discarded()) Fail(key, core::Message("api.param.json"));
        return parsed;
    }
    if (v->is_structured() && DepthOf(*v, limits.max_depth) > limits.max_depth)
        throw core::JsonInputError(
            core::JsonInputError::Kind::kDepth,
            core::Message("error.json_too_deep", {{"limit", std::to_string(limits.max_depth)}}),
            "JSON nesting deeper than " + std::to_string(limits.max_depth));
    return *v;
}

namespace {

Json ParamsJson(const std::multimap<std::string, std::string>& pairs) {
    Json params = Json::object();
    for (const auto& [k, v] : pairs) {
        auto it = params.find(k);
        if (it == params.end()) {
            params[k] = v;
        } else {
            if (!it->is_array()) *it = Json::array({*it});
            it->push_back(v);
        }
    }
    return params;
}

}  // namespace

Json QueryJson(const http::Request& req) {
    return ParamsJson(req.QueryParams());
}

Json FormJson(const http::Request& req) {
    return ParamsJson(req.Form());
}

}  // namespace govhub::api
