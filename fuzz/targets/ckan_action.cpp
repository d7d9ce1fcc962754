// CKAN action parameters (src/api/action.cpp, src/api/params.cpp): a request for
// /api/3/action/<name>, read by the server's reader (MemoryConnection) and routed to the actions
// of a registry of its own, so the real parameter building runs — form fields, query parameters
// (repeated keys become lists), a JSON body through the bounded reader, the NUL checks, the
// route's and the action's body limits, an upload route's body read back from its temp file —
// and then every api::Params reader (Has, String, Require, Bool, Int, List, Structured) on
// each key, in every error kind (the actions' two and the pages' lenient one), the way actions
// and pages call them. An HttpError is the ordinary
// refusal (the server answers it 4xx); anything else escaping would be a 500 and is a finding.
//
// Input, lines: 1. the method (starting with P: POST, else GET) and, after a space, the action
// (fuzz_read, fuzz_search, fuzz_write, fuzz_upload, status_show, help_show or any other name),
// 2. the Content-Type, 3. the query string, 4... the body.
#include <cstdint>

#include "api/action.hpp"
#include "core/error.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "fuzz_target.hpp"
#include "http/memory_connection.hpp"
#include "temp_dir.hpp"

namespace {

using govhub::HttpError;
using govhub::api::ActionContext;
using govhub::api::Json;
using govhub::api::ParamErrors;
using govhub::api::Params;

bool HasNul(const std::string& s) {
    return s.find('\0') != std::string::npos;
}

// What an action may assume of its parameters, then the helpers actions read them with.
Json Echo(ActionContext& ctx) {
    if (!ctx.params.is_object()) __builtin_trap();
    std::string ctype = govhub::core::ToLower(ctx.req.Header("Content-Type"));
    bool form = govhub::core::StartsWith(ctype, "application/x-www-form-urlencoded") ||
                govhub::core::StartsWith(ctype, "multipart/form-data");
    if (ctx.req.method != "POST") {
        // Query parameters: strings, or lists of (two or more) strings for repeated keys.
        for (auto it = ctx.params.begin(); it != ctx.params.end(); ++it) {
            if (HasNul(it.key())) __builtin_trap();
            if (it->is_string()) {
                if (HasNul(it->get<std::string>())) __builtin_trap();
            } else if (it->is_array() && it->size() >= 2) {
                for (const auto& v : *it)
                    if (!v.is_string() || HasNul(v.get<std::string>())) __builtin_trap();
            } else {
                __builtin_trap();
            }
        }
    } else if (form) {
        // Form fields: strings.
        for (auto it = ctx.params.begin(); it != ctx.params.end(); ++it)
            if (HasNul(it.key()) || !it->is_string() || HasNul(it->get<std::string>()))
                __builtin_trap();
    }
    Json out = Json::object();
    // Every reader on each key, in each kind of error: a refusal is the kind's status, the
    // pages' lenient kind (kFallback) refuses nothing but a missing required value, and what a
    // reader returns keeps its promise.
    for (ParamErrors kind :
         {ParamErrors::kValidation, ParamErrors::kSearchQuery, ParamErrors::kFallback}) {
        const Params in(ctx.params, kind);
        const bool lenient = kind == ParamErrors::kFallback;
        const int refusal = kind == ParamErrors::kSearchQuery ? 400 : 409;
        auto read = [&](const std::string& what, const std::string& key, auto reader) {
            try {
                out[what + "_" + key] = reader();
            } catch (const govhub::core::JsonInputError&) {
                // The JSON reader's own 400 (nesting, elements, NUL) inside a parameter.
            } catch (const HttpError& e) {
                if (e.status() != refusal) __builtin_trap();
                if (lenient && what != "require") __builtin_trap();
            }
        };
        for (const char* key :
             {"id", "name", "q", "fq", "filters", "records", "limit", "rows", "flag", "fields"}) {
            std::string k = key;
            bool has = in.Has(k);
            read("string", k, [&] { return Json(in.String(k, "fallback")); });
            read("require", k, [&] {
                std::string v = in.Require(k);
                if (v.empty() || !has) __builtin_trap();
                return Json(v);
            });
            read("bool", k, [&] { return Json(in.Bool(k, false)); });
            read("int", k, [&] {
                int64_t v = in.Int(k, 7, -1000, 1000);
                if (v < -1000 || v > 1000) __builtin_trap();
                if (!has && v != 7) __builtin_trap();
                return Json(v);
            });
            read("int_wide", k, [&] { return Json(in.Int(k, 0, INT64_MIN, INT64_MAX)); });
            read("list", k, [&] {
                return Json::array({in.List(k), in.List(k, govhub::api::ListSplit::kWhole)});
            });
            read("structured", k, [&] {
                Json v = in.Structured(k);
                if (!has && !v.is_null()) __builtin_trap();
                (void)v.dump(-1, ' ', false, Json::error_handler_t::replace);
                return v;
            });
        }
    }
    out["params"] = ctx.params;
    return out;
}

struct Api {
    govhub::api::ActionRegistry registry{"https://data.example.go.th"};
    govhub::http::Router router;
    govhub::http::ServerConfig cfg;
};

const Api& TheApi() {
    static const Api* api = [] {
        auto* a = new Api;
        a->registry.Add("fuzz_read", Echo, {.help = "reads", .side_effect_free = true});
        a->registry.Add("fuzz_search", Echo,
                        {.help = "searches", .side_effect_free = true, .search_errors = true});
        a->registry.Add("fuzz_write", Echo, {.help = "writes", .body_limit = 4096});
        a->registry.Add("fuzz_upload", Echo, {.help = "uploads", .upload = true});
        a->registry.AddConstant("status_show", {{"ckan_version", govhub::api::kCkanVersion}},
                                "status");
        a->registry.Mount(a->router);
        a->cfg.upload_dir = govhub::fuzz::TempDir();
        a->cfg.form_memory_limit = 4096;
        a->cfg.access_log = false;
        return a;
    }();
    return *api;
}

std::string WithoutCrLf(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '\r' && c != '\0') out += c;
    return out;
}

void Call(const Api& api, const std::string& raw) {
    govhub::http::MemoryConnection conn(raw, api.cfg, api.router);
    auto r = conn.Next();
    if (r.kind != govhub::http::MemoryConnection::Result::Kind::kRequest) return;
    govhub::http::Request& req = *r.request;
    if (!req.route) return;  // 404 or 405 before any action runs
    govhub::http::Response res;
    try {
        res = req.route->handler(req);
    } catch (const HttpError& e) {
        if (e.status() < 400 || e.status() >= 500) __builtin_trap();
        return;
    }
    // The envelope is JSON that reads back, success true.
    Json env = Json::parse(res.body);
    if (env.value("success", false) != true) __builtin_trap();
}

}  // namespace

GOVHUB_FUZZ_TARGET(ckan_action) {
    const Api& api = TheApi();
    auto f = govhub::fuzz::Fields(govhub::fuzz::AsText(data, size), 4);
    std::string_view first = f[0];
    std::string method = !first.empty() && first[0] == 'P' ? "POST" : "GET";
    std::string action = "fuzz_read";
    if (size_t space = first.find(' '); space != std::string_view::npos)
        action = std::string(first.substr(space + 1));
    std::string target = "/api/3/action/" + govhub::core::UrlEncode(action);
    if (!f[2].empty()) target += "?" + std::string(f[2]);
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: data.example.go.th\r\n";
    if (!f[1].empty()) raw += "Content-Type: " + WithoutCrLf(f[1]) + "\r\n";
    raw += "Content-Length: " + std::to_string(f[3].size()) + "\r\n\r\n";
    raw += f[3];
    Call(api, raw);
    govhub::fuzz::TrapIfLeftFiles();
}
