#pragma once
#include <functional>
#include <vector>

#include "http/router.hpp"
#include "opendata/catalog/service.hpp"
#include "render/page.hpp"

namespace govhub::catalog {

// What other modules add to a resource's page (the datastore's table, the views): they fill
// `view` (under a key of their own, rendered by their partial) and return how soon the page
// should reload itself (0: never), e.g. while a load job runs.
using ResourcePageExtension = std::function<int(http::Request& req, const Json& dataset,
                                                const Json& resource, render::View& view)>;

// What other modules add to a dataset's page (its saved views).
using DatasetPageExtension =
    std::function<void(http::Request& req, const Json& dataset, render::View& view)>;

struct PageExtensions {
    std::vector<ResourcePageExtension> resource;
    std::vector<DatasetPageExtension> dataset;
};

// A dict's `field` (title, notes, description) in the reader's language: on English pages its
// English text (`<field>_translated`'s "en", else `<field>_en`) when that is not empty, the
// Thai `<field>` otherwise; "" when the dict has neither. pages.cpp.
std::string Localized(const Json& dict, const std::string& field, const std::string& locale);

// An agency's (or group's) title in the reader's language: Localized(org, "title", locale).
std::string AgencyTitle(const Json& org, const std::string& locale);

// The agencies (organization_list all_fields dicts) as the directory shows them: each ministry
// with its departments, then the agencies under no ministry and any department whose ministry
// is not listed (so none is lost), each list sorted by title in the reader's language.
// pages_organizations.cpp; the directory and the officer application's agency list use it.
struct AgencyTree {
    struct Ministry {
        const Json* agency;
        std::vector<const Json*> departments;
    };
    std::vector<Ministry> ministries;
    std::vector<const Json*> other;
};
AgencyTree AgenciesByMinistry(const Json& orgs, const std::string& locale);

// Catalog pages and file downloads (pages.cpp).
void RegisterRoutes(http::Router& router, CatalogService& catalog,
                    const render::PageRenderer& pages, PageExtensions extensions = {});

}  // namespace govhub::catalog
