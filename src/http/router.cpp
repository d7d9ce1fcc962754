#include "http/router.hpp"

#include <algorithm>

#include "core/strings.hpp"

namespace govhub::http {
namespace {
std::vector<std::string> PathSegments(const std::string& path) {
    std::vector<std::string> out;
    for (auto& s : core::Split(path, '/'))
        if (!s.empty()) out.push_back(s);
    return out;
}

bool MatchSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                   std::map<std::string, std::string>& params) {
    params.clear();
    for (size_t i = 0; i < pattern.size(); ++i) {
        const std::string& p = pattern[i];
        bool is_param = p.size() > 2 && p.front() == '{' && p.back() == '}';
        if (is_param && p[p.size() - 2] == '*') {
            std::string rest;
            for (size_t k = i; k < path.size(); ++k) rest += (k > i ? "/" : "") + path[k];
            if (rest.empty()) return false;
            params[p.substr(1, p.size() - 3)] = rest;
            return true;
        }
        if (i >= path.size()) return false;
        if (is_param) {
            params[p.substr(1, p.size() - 2)] = path[i];
        } else if (p != path[i]) {
            return false;
        }
    }
    return pattern.size() == path.size();
}
// Literal segments before parameters, from the left: /user/close wins over /user/{name}
// whatever order the modules registered them in.
bool MoreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        bool pa = !a[i].empty() && a[i].front() == '{', pb = !b[i].empty() && b[i].front() == '{';
        if (pa != pb) return pb;
    }
    return false;
}
}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
    auto r = std::make_unique<Route>();
    r->segments = PathSegments(pattern);
    r->method = std::move(method);
    r->pattern = std::move(pattern);
    r->handler = std::move(handler);
    r->options = std::move(options);
    routes_.push_back(std::move(r));
}

std::vector<const Route*> Router::Routes() const {
    std::vector<const Route*> out;
    out.reserve(routes_.size());
    for (const auto& r : routes_) out.push_back(r.get());
    return out;
}

RouteMatch Router::Match(const std::string& method, const std::string& path) const {
    RouteMatch m;
    auto segments = PathSegments(path);
    std::map<std::string, std::string> params;
    for (const auto& r : routes_) {
        if (!MatchSegments(r->segments, segments, params)) continue;
        if (r->method == method || (method == "HEAD" && r->method == "GET")) {
            if (!m.route || MoreSpecific(r->segments, m.route->segments)) {
                m.route = r.get();
                m.params = params;
            }
        }
        m.allowed.push_back(r->method);
        if (r->method == "GET") m.allowed.push_back("HEAD");
    }
    std::sort(m.allowed.begin(), m.allowed.end());
    m.allowed.erase(std::unique(m.allowed.begin(), m.allowed.end()), m.allowed.end());
    return m;
}

}  // namespace govhub::http
