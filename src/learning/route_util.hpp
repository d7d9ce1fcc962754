#pragma once
// What every Learning page and JSON route shares: the page frame (the demo verifier's notice),
// the JSON answer, and reading a request's fields as JSON or a form.
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "learning/routes.hpp"
#include "render/page.hpp"

namespace govhub::learning {

// A Learning page: the template in the site's layout, with the demo verifier's notice when
// identities are not really checked.
http::Response LearningPage(const render::PageRenderer& pages, const PageSettings& settings,
                            const http::Request& req, const std::string& tmpl, render::View v,
                            const std::string& title, int status = 200);

// A JSON answer (text that is not UTF-8 replaced, never a throw).
http::Response SendJson(const nlohmann::json& body, int status = 200);

// The body as a JSON object (bounded by core::ParseJsonBounded; 400 for anything else).
nlohmann::json JsonObjectBody(const http::Request& req);
// The request's fields: a JSON object body, or its form fields as strings.
nlohmann::json FieldsOf(const http::Request& req);
// A field as text: a string, an integer or a boolean ("true"/"false"); "" when missing or
// null; a 409 naming the field for any other type.
std::string JsonText(const nlohmann::json& j, const char* key);

// A <select>'s options: (value, label) pairs in order, as the list the templates loop over
// ({{#list}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>),
// the one whose value equals `selected` marked ("" marks none unless a value is "").
using SelectChoices = std::vector<std::pair<std::string, std::string>>;
render::View SelectOptions(const SelectChoices& choices, const std::string& selected = "");

}  // namespace govhub::learning
