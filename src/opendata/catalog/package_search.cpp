// package_search: CKAN's search over the catalog, with the Thai full-text index for words, the
// Solr field syntax clients send in q/fq for filters, facets counted over what the caller may
// see, and CKAN's result shape.
#include <algorithm>
#include <map>
#include <set>

#include "accounts/store.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/service.hpp"
#include "opendata/catalog/store.hpp"
#include "search/index.hpp"

namespace govhub::catalog {

namespace {

const std::set<std::string> kFilterFields = {
    "name",       "id",         "owner_org", "organization",  "groups", "tags",
    "res_format", "license_id", "data_type", "data_category", "state"};
const std::vector<std::string> kFacetFields = {
    "organization", "groups", "tags", "res_format", "license_id", "data_type", "data_category"};

HttpError QueryError(const std::string& why) {
    return HttpError(400, "search_query", "Search Query Error: " + why);
}

struct Filter {
    std::string field, value;
};

// Splits `text` into Solr-ish terms: field:value, field:"quoted value", words, "phrases".
// Returns filters and free-text words; rejects syntax govhub does not run.
void ParseQuery(const std::string& text, bool allow_words, std::vector<Filter>& filters,
                std::string& words) {
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        if (i >= text.size()) break;
        size_t start = i;
        std::string token;
        bool quoted_value = false;
        while (i < text.size() && text[i] != ' ' && text[i] != '\t') {
            if (text[i] == '"') {
                size_t end = text.find('"', i + 1);
                if (end == std::string::npos) throw QueryError("unbalanced quotes");
                token += text.substr(i + 1, end - i - 1);
                quoted_value = true;
                i = end + 1;
            } else {
                token += text[i++];
            }
        }
        (void)start;
        if (token == "AND" || token == "&&") continue;
        if (token == "*:*" || token.empty()) continue;
        if (token == "OR" || token == "NOT" || token == "||" || token[0] == '-' ||
            token[0] == '(' || token.find('[') != std::string::npos ||
            token.find('{') != std::string::npos)
            throw QueryError(
                "OR, NOT, grouping and ranges are not supported yet; combine filters with AND");
        if (token[0] == '+') token.erase(0, 1);
        size_t colon = quoted_value ? token.find(':') : token.find(':');
        if (colon != std::string::npos && colon > 0 &&
            kFilterFields.count(token.substr(0, colon))) {
            std::string value = token.substr(colon + 1);
            if (value.empty()) throw QueryError("empty value for " + token.substr(0, colon));
            if (value.find('*') != std::string::npos && value != "*")
                throw QueryError("wildcards inside field values are not supported");
            filters.push_back({token.substr(0, colon), value});
        } else if (colon != std::string::npos && colon > 0 && !quoted_value &&
                   token.find("://") == std::string::npos) {
            throw QueryError("unknown field " + token.substr(0, colon));
        } else {
            if (!allow_words) throw QueryError("fq takes field:value filters only");
            words += (words.empty() ? "" : " ") + token;
        }
    }
}

}  // namespace

Json CatalogService::PackageSearch(const accounts::Principal* p, const SearchParams& params) {
    if (params.rows < 0 || params.rows > 1000) throw QueryError("rows must be between 0 and 1000");
    if (params.start < 0) throw QueryError("start must not be negative");
    std::vector<Filter> filters;
    std::string words;
    ParseQuery(params.q, true, filters, words);
    for (const auto& fq : params.fq) ParseQuery(fq, false, filters, words);
    for (const auto& f : params.facet_fields)
        if (std::find(kFacetFields.begin(), kFacetFields.end(), f) == kFacetFields.end())
            throw QueryError("unknown facet field " + f);

    std::map<std::string, double> scores;
    std::vector<store::DatasetSummary> all;
    std::map<std::string, std::string> org_names, group_names,
        titles;  // titles: facet display names
    std::set<std::string> member_of, editor_of;
    db_.Read([&](db::Connection& c) {
        all = store::DatasetSummaries(c, params.include_drafts, false);
        for (const auto& o : store::ListOrganizations(c, true)) {
            org_names[o.id] = o.name;
            titles["organization:" + o.name] = o.title;
        }
        for (const auto& g : store::ListGroups(c)) {
            group_names[g.id] = g.name;
            titles["groups:" + g.name] = g.title;
        }
        if (p && !p->sysadmin)
            for (const auto& [o, cap] : store::OrganizationsOfUser(c, p->user_id)) {
                member_of.insert(o.id);
                if (cap != "member") editor_of.insert(o.id);
            }
        if (!words.empty())
            for (const auto& h : search::Search(c, "dataset", words, 1000000))
                scores[h.object_id] = h.score;
    });
    bool sysadmin = p && p->sysadmin;
    auto visible = [&](const store::DatasetSummary& s) {
        if (sysadmin) return s.state != "draft" || params.include_drafts;
        if (s.state == "draft") return p && (editor_of.count(s.owner_org) > 0);
        if (!s.private_) return true;
        return params.include_private && member_of.count(s.owner_org) > 0;
    };
    auto data_category = [](const store::DatasetSummary& s) {
        auto j = Json::parse(s.extras, nullptr, false);
        return j.is_object() && j.contains("data_category") && j["data_category"].is_string()
                   ? j["data_category"].get<std::string>()
                   : std::string();
    };
    auto values_of = [&](const store::DatasetSummary& s,
                         const std::string& field) -> std::vector<std::string> {
        if (field == "name") return {s.name};
        if (field == "id") return {s.id};
        if (field == "owner_org") return {s.owner_org};
        if (field == "organization") return {org_names[s.owner_org]};
        if (field == "tags") return s.tags;
        if (field == "res_format") return s.formats;
        if (field == "license_id") return {s.license_id};
        if (field == "data_type") return {s.data_type};
        if (field == "data_category") return {data_category(s)};
        if (field == "state") return {s.state};
        if (field == "groups") {
            std::vector<std::string> out;
            for (const auto& g : s.group_ids) out.push_back(group_names[g]);
            return out;
        }
        return {};
    };

    std::vector<const store::DatasetSummary*> matched;
    for (const auto& s : all) {
        if (!visible(s)) continue;
        if (!words.empty() && !scores.count(s.id)) continue;
        bool ok = true;
        for (const auto& f : filters) {
            auto vals = values_of(s, f.field);
            bool any = f.value == "*" ? !vals.empty() && !vals[0].empty()
                                      : std::find(vals.begin(), vals.end(), f.value) != vals.end();
            if (!any) {
                ok = false;
                break;
            }
        }
        if (ok) matched.push_back(&s);
    }

    // Sort: CKAN's default is relevance, then newest.
    std::string sort = params.sort.empty() ? (words.empty() ? "metadata_modified desc"
                                                            : "score desc, metadata_modified desc")
                                           : params.sort;
    std::vector<std::pair<std::string, bool>> keys;  // field, descending
    for (const auto& part : core::Split(sort, ',')) {
        auto words_of = core::Split(core::Trim(part), ' ');
        std::string field = words_of[0];
        bool desc = words_of.size() > 1 && core::ToLower(words_of.back()) == "desc";
        static const std::set<std::string> kSortable = {
            "score",        "metadata_modified", "metadata_created", "name",
            "title_string", "views_recent",      "views_total"};
        if (!kSortable.count(field)) throw QueryError("cannot sort by " + field);
        keys.emplace_back(field, desc);
    }
    std::stable_sort(
        matched.begin(), matched.end(),
        [&](const store::DatasetSummary* a, const store::DatasetSummary* b) {
            for (const auto& [field, desc] : keys) {
                int cmp = 0;
                if (field == "score") {
                    double x = scores.count(a->id) ? scores[a->id] : 0,
                           y = scores.count(b->id) ? scores[b->id] : 0;
                    cmp = x < y ? -1 : x > y ? 1 : 0;
                } else if (field == "metadata_modified" || field == "metadata_created") {
                    cmp = a->metadata_modified.compare(b->metadata_modified);
                } else if (field == "name") {
                    cmp = a->name.compare(b->name);
                } else if (field == "title_string") {
                    cmp = a->title.compare(b->title);
                } else {
                    cmp = a->views < b->views ? -1 : a->views > b->views ? 1 : 0;
                }
                if (cmp != 0) return desc ? cmp > 0 : cmp < 0;
            }
            return a->name < b->name;
        });

    Json facets = Json::object(), search_facets = Json::object();
    for (const auto& field : params.facet_fields) {
        std::map<std::string, int64_t> counts;
        for (const auto* s : matched)
            for (const auto& v : values_of(*s, field))
                if (!v.empty()) ++counts[v];
        std::vector<std::pair<std::string, int64_t>> items(counts.begin(), counts.end());
        std::stable_sort(items.begin(), items.end(),
                         [](auto& a, auto& b) { return a.second > b.second; });
        Json f = Json::object();
        Json list = Json::array();
        int n = 0;
        for (const auto& [name, count] : items) {
            if (count < params.facet_mincount) continue;
            if (params.facet_limit >= 0 && n++ >= params.facet_limit) break;
            f[name] = count;
            auto title = titles.find(field + ":" + name);
            list.push_back({{"name", name},
                            {"display_name", title != titles.end() ? title->second : name},
                            {"count", count}});
        }
        facets[field] = f;
        search_facets[field] = {{"title", field}, {"items", list}};
    }

    Json results = Json::array();
    for (size_t i = static_cast<size_t>(params.start);
         i < matched.size() && results.size() < static_cast<size_t>(params.rows); ++i) {
        auto d = db_.Read([&](db::Connection& c) { return store::FindDataset(c, matched[i]->id); });
        if (d) results.push_back(DatasetDict(*d, p));
    }
    return {{"count", matched.size()},
            {"sort", sort},
            {"facets", facets},
            {"search_facets", search_facets},
            {"results", results}};
}

}  // namespace govhub::catalog
