#pragma once
// DCAT-AP export: the catalog and each dataset as JSON-LD and Turtle, GD-Catalog fields mapped
// to DCAT/DCT terms, every URI absolute from the site URL.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace govhub::catalog {

// `datasets` are CKAN package dicts (package_show's shape).
nlohmann::json DcatJsonLd(const std::string& site_url, const std::string& site_title,
                          const std::vector<nlohmann::json>& datasets, bool whole_catalog);
std::string DcatTurtle(const std::string& site_url, const std::string& site_title,
                       const std::vector<nlohmann::json>& datasets, bool whole_catalog);

}  // namespace govhub::catalog
