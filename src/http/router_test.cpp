#include "http/router.hpp"

#include <gtest/gtest.h>

namespace govhub::http {
namespace {

Handler Named(std::string name) {
    return [name](Request&) { return Response::Text(name); };
}

TEST(Router, MatchesStaticBeforeParamsInRegistrationOrder) {
    Router r;
    r.Get("/user/register", Named("register"));
    r.Get("/user/{name}", Named("profile"));
    r.Post("/user/{name}/api-tokens/{id}/revoke", Named("revoke"));
    r.Get("/static/{path*}", Named("static"));

    Request req;
    auto m = r.Match("GET", "/user/register");
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.route->handler(req).body, "register");

    m = r.Match("GET", "/user/somchai");
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.params.at("name"), "somchai");

    m = r.Match("POST", "/user/a/api-tokens/123/revoke");
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.params.at("id"), "123");

    m = r.Match("GET", "/static/css/govhub.css");
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.params.at("path"), "css/govhub.css");
}

TEST(Router, ReportsAllowedMethodsWhenOnlyTheMethodIsWrong) {
    Router r;
    r.Get("/user/login", Named("form"));
    r.Post("/user/login", Named("submit"));
    auto m = r.Match("DELETE", "/user/login");
    EXPECT_FALSE(m.route);
    EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "POST"}));
    EXPECT_TRUE(r.Match("HEAD", "/user/login").route);  // GET answers HEAD
    m = r.Match("GET", "/nowhere");
    EXPECT_FALSE(m.route);
    EXPECT_TRUE(m.allowed.empty());
}

TEST(Router, TrailingParamNeedsAtLeastOneSegment) {
    Router r;
    r.Get("/static/{path*}", Named("static"));
    EXPECT_FALSE(r.Match("GET", "/static").route);
    EXPECT_FALSE(r.Match("GET", "/static/").route);
}

TEST(Router, ALiteralSegmentWinsOverAParameterWhateverTheOrder) {
    Router r;
    r.Get("/user/{name}", Named("profile"));
    r.Get("/user/{name}/api-tokens/{id}/usage", Named("usage"));
    r.Get("/user/close", Named("close"));
    r.Get("/user/close/{reference}/request.pdf", Named("pdf"));
    auto m = r.Match("GET", "/user/close");
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.route->pattern, "/user/close");
    EXPECT_EQ(r.Match("GET", "/user/somchai").route->pattern, "/user/{name}");
    m = r.Match("GET", "/user/close/AC-2569-7KQ4PX/request.pdf");
    ASSERT_TRUE(m.route);
    EXPECT_EQ(m.params.at("reference"), "AC-2569-7KQ4PX");
}

}  // namespace
}  // namespace govhub::http
