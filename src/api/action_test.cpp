#include "api/action.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "http/memory_connection.hpp"

namespace govhub::api {
namespace {

Json Echo(ActionContext& ctx) {
    return ctx.params;
}

// Calls `target` (a GET) on `router` as the server would, returning the reply's JSON, or the
// HttpError's status as {"status": N}.
Json Call(const http::Router& router, const std::string& target) {
    http::ServerConfig cfg;
    cfg.access_log = false;
    http::MemoryConnection conn("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n", cfg, router);
    auto r = conn.Next();
    EXPECT_EQ(r.kind, http::MemoryConnection::Result::Kind::kRequest);
    http::Request& req = *r.request;
    EXPECT_TRUE(req.route);
    try {
        return Json::parse(req.route->handler(req).body);
    } catch (const HttpError& e) {
        return {{"status", e.status()}, {"message", e.message()}};
    }
}

TEST(ActionRegistry, RefusesADuplicateNameNamingIt) {
    ActionRegistry a("https://x");
    a.Add("thing_show", Echo, {.help = "Shows."});
    try {
        a.Add("thing_show", Echo, {.help = "Shows again."});
        FAIL() << "no error";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find("thing_show"), std::string::npos) << e.what();
    }
    EXPECT_THROW(a.AddConstant("thing_show", Json::object(), "Constant."), std::logic_error);
    a.AddConstant("status_show", Json::object(), "Status.");
    EXPECT_THROW(a.AddConstant("status_show", Json::object(), "Status."), std::logic_error);
    EXPECT_THROW(a.Add("status_show", Echo, {.help = "x"}), std::logic_error);
}

TEST(ActionRegistry, MountRefusesAnActionWithoutHelp) {
    ActionRegistry a("https://x");
    a.Add("documented", Echo, {.help = "Documented."});
    a.Add("undocumented", Echo, {});
    http::Router router;
    try {
        a.Mount(router);
        FAIL() << "no error";
    } catch (const std::logic_error& e) {
        EXPECT_NE(std::string(e.what()).find("undocumented"), std::string::npos) << e.what();
    }
    ActionRegistry blank("https://x");
    blank.Add("blank", Echo, {.help = "  \n"});
    http::Router router2;
    EXPECT_THROW(blank.Mount(router2), std::logic_error);
}

TEST(ActionRegistry, HelpShowAnswersTheActionsOwnText) {
    ActionRegistry a("https://data.example.go.th");
    const std::string help = "Shows a thing.\n\n:param id: the thing\n:type id: string";
    a.Add("thing_show", Echo, {.help = help, .side_effect_free = true});
    http::Router router;
    a.Mount(router);
    EXPECT_EQ(a.Help("thing_show"), help);
    EXPECT_FALSE(a.Help("help_show").empty());
    Json reply = Call(router, "/api/3/action/help_show?name=thing_show");
    EXPECT_EQ(reply["success"], true);
    EXPECT_EQ(reply["result"], help);
    EXPECT_EQ(reply["help"], "https://data.example.go.th/api/3/action/help_show?name=help_show");
    EXPECT_EQ(Call(router, "/api/3/action/help_show?name=nothing")["status"], 404);
    EXPECT_EQ(Call(router, "/api/3/action/help_show")["status"], 409);
}

TEST(ActionRegistry, ParameterErrorsFollowTheActionsKind) {
    ActionRegistry a("https://x");
    auto limit = [](ActionContext& ctx) -> Json { return ctx.args.Int("limit", 10, 1, 100); };
    a.Add("plain_list", limit, {.help = "Lists.", .side_effect_free = true});
    a.Add("thing_search", limit,
          {.help = "Searches.", .side_effect_free = true, .search_errors = true});
    http::Router router;
    a.Mount(router);
    EXPECT_EQ(Call(router, "/api/3/action/plain_list?limit=5")["result"], 5);
    EXPECT_EQ(Call(router, "/api/3/action/plain_list?limit=")["result"], 10);
    EXPECT_EQ(Call(router, "/api/3/action/plain_list?limit=x")["status"], 409);
    EXPECT_EQ(Call(router, "/api/3/action/thing_search?limit=x")["status"], 400);
    // A repeated query parameter is a list, which an integer is not.
    EXPECT_EQ(Call(router, "/api/3/action/plain_list?limit=1&limit=2")["status"], 409);
}

TEST(ActionContext, RequireUserAndSysadminAnswerAsCkan) {
    ActionRegistry a("https://x");
    a.Add("mine", [](ActionContext& ctx) -> Json { return ctx.RequireUser().name; },
          {.help = "Mine.", .side_effect_free = true});
    a.Add("admin", [](ActionContext& ctx) -> Json { return ctx.RequireSysadmin().name; },
          {.help = "Admin.", .side_effect_free = true});
    http::Router router;
    a.Mount(router);
    Json r = Call(router, "/api/3/action/mine");
    EXPECT_EQ(r["status"], 403);
    EXPECT_EQ(r["message"].get<std::string>().rfind("Authorization Error", 0), 0u);
    EXPECT_EQ(Call(router, "/api/3/action/admin")["status"], 403);
}

TEST(Principal, RequireUserIs401AndRequireSysadmin403) {
    try {
        RequireUser(nullptr);
        FAIL();
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 401);
    }
    Principal plain{.user_id = "u1", .name = "somchai"};
    EXPECT_EQ(&RequireUser(&plain), &plain);
    try {
        RequireSysadmin(&plain);
        FAIL();
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 403);
    }
    try {
        RequireSysadmin(nullptr);
        FAIL();
    } catch (const HttpError& e) {
        EXPECT_EQ(e.status(), 401);
    }
    Principal admin{.user_id = "u2", .name = "root", .sysadmin = true};
    EXPECT_EQ(&RequireSysadmin(&admin), &admin);
}

TEST(ErrorEnvelope, NamesCkansTypes) {
    auto type = [](int status, const std::string& message) {
        return Json::parse(ErrorEnvelope("h", status, message, {}))["error"]["__type"];
    };
    EXPECT_EQ(type(409, "x"), "Validation Error");
    EXPECT_EQ(type(403, "x"), "Authorization Error");
    EXPECT_EQ(type(400, "Search Query Error: rows: must be an integer"), "Search Query Error");
    EXPECT_EQ(type(400, "x"), "Bad Request");
}

}  // namespace
}  // namespace govhub::api
