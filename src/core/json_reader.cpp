#include "core/json_reader.hpp"

#include <atomic>

#include "core/i18n.hpp"

namespace govhub::core {

namespace {

std::atomic<size_t> g_max_depth{kJsonMaxDepth};
std::atomic<size_t> g_max_elements{kJsonMaxElements};

using Json = nlohmann::json;

Json Parse(std::string_view text, const JsonLimits& limits, bool throw_on_syntax) {
    size_t elements = 0;
    // The callback sees every event with the number of containers open around it, so the
    // limits are checked before the value joins the tree.
    Json::parser_callback_t check = [&](int depth, Json::parse_event_t event, Json& parsed) {
        switch (event) {
            case Json::parse_event_t::object_start:
            case Json::parse_event_t::array_start:
                if (static_cast<size_t>(depth) + 1 > limits.max_depth)
                    throw JsonInputError(
                        JsonInputError::Kind::kDepth,
                        Message("error.json_too_deep",
                                {{"limit", std::to_string(limits.max_depth)}}),
                        "JSON nesting deeper than " + std::to_string(limits.max_depth));
                [[fallthrough]];
            case Json::parse_event_t::value:
                if (++elements > limits.max_elements)
                    throw JsonInputError(
                        JsonInputError::Kind::kElements,
                        Message("error.json_too_many_elements",
                                {{"limit", std::to_string(limits.max_elements)}}),
                        "JSON with more than " + std::to_string(limits.max_elements) + " elements");
                [[fallthrough]];
            case Json::parse_event_t::key:
                if (limits.reject_nul && parsed.is_string() &&
                    parsed.get_ref<const std::string&>().find('\0') != std::string::npos)
                    throw JsonInputError(JsonInputError::Kind::kNul, "error.json_nul",
                                         "text may not contain NUL characters");
                break;
            default:
                break;
        }
        return true;
    };
    Json out;
    try {
        out = Json::parse(text.begin(), text.end(), check, /*allow_exceptions=*/true);
    } catch (const Json::parse_error& e) {
        if (!throw_on_syntax) return Json(Json::value_t::discarded);
        // nlohmann's own message quotes the last token read, which may be most of the input.
        throw JsonInputError(JsonInputError::Kind::kSyntax,
                             Message("error.json_syntax", {{"byte", std::to_string(e.byte)}}),
                             "could not parse the JSON (at byte " + std::to_string(e.byte) + ")");
    } catch (const Json::out_of_range&) {
        // A number too large for a double or a 64-bit integer (1e400); its message quotes it.
        if (!throw_on_syntax) return Json(Json::value_t::discarded);
        throw JsonInputError(JsonInputError::Kind::kSyntax, "error.json_number",
                             "a number in the JSON is too large");
    }
    return out;
}

}  // namespace

JsonLimits DefaultJsonLimits() {
    JsonLimits l;
    l.max_depth = g_max_depth.load(std::memory_order_relaxed);
    l.max_elements = g_max_elements.load(std::memory_order_relaxed);
    return l;
}

void SetDefaultJsonLimits(const JsonLimits& limits) {
    g_max_depth.store(limits.max_depth, std::memory_order_relaxed);
    g_max_elements.store(limits.max_elements, std::memory_order_relaxed);
}

Json ParseJsonBounded(std::string_view text, const JsonLimits& limits) {
    return Parse(text, limits, true);
}
Json ParseJsonBounded(std::string_view text) {
    return Parse(text, DefaultJsonLimits(), true);
}
Json ParseJsonBoundedOrDiscarded(std::string_view text, const JsonLimits& limits) {
    return Parse(text, limits, false);
}
Json ParseJsonBoundedOrDiscarded(std::string_view text) {
    return Parse(text, DefaultJsonLimits(), false);
}
Json ParseJsonIfWithinLimits(std::string_view text) {
    try {
        return Parse(text, DefaultJsonLimits(), false);
    } catch (const JsonInputError&) {
        return Json(Json::value_t::discarded);
    }
}

}  // namespace govhub::core
