#pragma once
// /workd, workD's home and the agency view (pages_agency.cpp): the service's description and
// "request the service" for everyone; each agency the signed-in person administers, with its
// service, domains and requests; "request a change" (POST /workd/changes).
#include "http/router.hpp"
#include "render/page.hpp"
#include "workd/service.hpp"

namespace govhub::workd {

void RegisterAgencyPages(http::Router& router, WorkdService& service,
                         const render::PageRenderer& pages);

}  // namespace govhub::workd
