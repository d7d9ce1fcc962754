#include "learning/route_util.hpp"

#include "accounts/middleware.hpp"
#include "core/json_reader.hpp"

namespace govhub::learning {

using Json = nlohmann::json;

http::Response LearningPage(const render::PageRenderer& pages, const PageSettings& settings,
                            const http::Request& req, const std::string& tmpl, render::View v,
                            const std::string& title, int status) {
    v.Set("demo_verifier", settings.verifier_mode == "demo");
    return http::Response::Html(
        pages.Render(tmpl, std::move(v), accounts::PageContextOf(req), title), status);
}

http::Response SendJson(const Json& body, int status) {
    return http::Response::Json(body.dump(-1, ' ', false, Json::error_handler_t::replace), status);
}

Json JsonObjectBody(const http::Request& req) {
    Json j = core::ParseJsonBounded(req.body);
    if (!j.is_object()) throw HttpError::BadRequest("learning.error.body_not_object");
    return j;
}

Json FieldsOf(const http::Request& req) {
    std::string_view type = req.Header("Content-Type");
    if (type.find("json") != std::string_view::npos || (!req.body.empty() && req.body[0] == '{'))
        return JsonObjectBody(req);
    Json j = Json::object();
    for (const auto& [k, v] : req.Form()) j[k] = v;
    return j;
}

std::string JsonText(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return "";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
    if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
    throw HttpError::Validation({{key, "learning.error.bad_type"}});
}

render::View SelectOptions(const SelectChoices& choices, const std::string& selected) {
    render::View list = render::View::List();
    for (const auto& [value, label] : choices) {
        render::View o;
        o.Set("value", value).Set("label", label).Set("selected", value == selected);
        list.Push(std::move(o));
    }
    return list;
}

}  // namespace govhub::learning
