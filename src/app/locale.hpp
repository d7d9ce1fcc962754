#pragma once
#include <string>

#include "http/server.hpp"

namespace govhub::app {

// ?lang= (remembered in the `lang` cookie), then the cookie, then Accept-Language; Thai by default.
std::string RequestLocale(const http::Request& req);
http::Middleware LocaleMiddleware();

}  // namespace govhub::app
