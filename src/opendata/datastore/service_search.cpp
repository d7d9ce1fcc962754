// datastore_search: its parameters read into a query (ParseSearchQuery, which the pages and
// the dumps use too), the list of tables (_table_metadata) and the records in each format.
#include "opendata/datastore/service.hpp"

#include <algorithm>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/service_internal.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore {

using internal::FieldDicts;
using internal::FieldIndex;
using internal::IdAt;
using internal::In;
using internal::Invalid;
using internal::JsonValue;
using internal::kMaxFields;
using internal::kMaxLimit;
using internal::kMaxQueryWords;
using internal::kMaxSortKeys;
using internal::ParseFilters;
using internal::QueryTerms;
using internal::TypeAt;

namespace {

constexpr const char* kTableMetadata = "_table_metadata";

// Offsets stay far from INT64_MAX, so offset + limit cannot overflow.
constexpr int64_t kMaxOffset = 1'000'000'000'000;

}  // namespace

SearchQuery ParseSearchQuery(const TableInfo& t, const Json& params, bool for_dump) {
    SearchQuery q;
    api::Params in = In(params);
    q.filters = ParseFilters(t, in.Structured("filters"));
    Json query = in.Structured("q");
    if (query.is_string()) {
        q.terms = QueryTerms(query.get<std::string>());
    } else if (query.is_object()) {
        size_t total = 0;
        for (auto it = query.begin(); it != query.end(); ++it) {
            size_t i = FieldIndex(t, it.key());
            if (i == SIZE_MAX - 1 || i == SIZE_MAX)
                throw Invalid("q", "field \"" + it.key() + "\" not in the table");
            if (!it->is_string()) throw Invalid("q", "the text for a field must be a string");
            std::vector<std::string> words;
            for (auto& w : core::Split(it->get<std::string>(), ' '))
                if (!w.empty()) words.push_back(w);
            total += words.size();
            if (total > kMaxQueryWords)
                throw Invalid("q", "has more than " + std::to_string(kMaxQueryWords) + " words");
            q.field_words.emplace_back(i, words);
        }
    } else if (!query.is_null()) {
        throw Invalid("q", "must be a string or an object of field: text");
    }
    std::vector<std::string> names = in.List("fields");
    if (names.size() > kMaxFields)
        throw Invalid("fields", "has more than " + std::to_string(kMaxFields) + " field ids");
    for (const auto& n : names) {
        size_t i = FieldIndex(t, n);
        if (i == SIZE_MAX - 1) throw Invalid("fields", "field \"" + n + "\" not in the table");
        q.columns.push_back(i);
    }
    q.distinct = in.Bool("distinct", false);
    std::string sort = in.String("sort");
    auto sort_parts = core::Split(sort, ',');
    if (std::count_if(sort_parts.begin(), sort_parts.end(), [](const std::string& p) {
            return !core::Trim(p).empty();
        }) > static_cast<std::ptrdiff_t>(kMaxSortKeys))
        throw Invalid("sort", "has more than " + std::to_string(kMaxSortKeys) + " keys");
    for (auto& part : sort_parts) {
        std::string s = core::Trim(part);
        if (s.empty()) continue;
        bool desc = false;
        std::string lower = core::ToLower(s);
        if (lower.size() > 5 && lower.compare(lower.size() - 5, 5, " desc") == 0) {
            desc = true;
            s = core::Trim(s.substr(0, s.size() - 5));
        } else if (lower.size() > 4 && lower.compare(lower.size() - 4, 4, " asc") == 0) {
            s = core::Trim(s.substr(0, s.size() - 4));
        }
        if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
        size_t i = FieldIndex(t, s);
        if (i == SIZE_MAX - 1) throw Invalid("sort", "field \"" + s + "\" not in the table");
        q.sort.push_back({i, desc});
    }
    // More than kMaxLimit rows is CKAN's ceiling, not an error.
    int64_t limit = in.Int("limit", for_dump ? INT64_MAX : 100, 0, INT64_MAX);
    q.limit = for_dump ? limit : std::min(limit, kMaxLimit);
    q.offset = in.Int("offset", 0, 0, kMaxOffset);
    if (in.Has("after")) {
        q.after_id = in.Int("after", 0, 0, INT64_MAX);
        if (!q.sort.empty() && !(q.sort.size() == 1 && q.sort[0].field == SIZE_MAX))
            throw Invalid("after", "pages by _id: it cannot be combined with another sort");
    }
    q.total = in.Bool("include_total", true);
    return q;
}

Json DatastoreService::TableMetadata(const accounts::Principal* p, const Json& params) {
    std::vector<TableInfo> tables =
        db_.Read([](db::Connection& c) { return store::ListTables(c); });
    Json records = Json::array();
    int64_t n = 0;
    for (const auto& t : tables) {
        try {
            catalog_.ResourceAccess(p, t.resource_id);
        } catch (const HttpError&) {
            continue;  // tables of resources the caller may not read are not listed
        }
        records.push_back(
            {{"_id", ++n}, {"name", t.resource_id}, {"alias_of", nullptr}, {"count", t.rows}});
    }
    // A negative offset indexed before the list, and one near INT64_MAX overflowed.
    int64_t limit = std::min(In(params).Int("limit", 100, 0, INT64_MAX), kMaxLimit);
    int64_t offset = In(params).Int("offset", 0, 0, kMaxOffset);
    Json page = Json::array();
    for (int64_t i = offset; i < static_cast<int64_t>(records.size()) && i < offset + limit; ++i)
        page.push_back(records[static_cast<size_t>(i)]);
    return {{"resource_id", kTableMetadata},
            {"fields", Json::array({{{"id", "_id"}, {"type", "int"}},
                                    {{"id", "name"}, {"type", "text"}},
                                    {{"id", "alias_of"}, {"type", "text"}},
                                    {{"id", "count"}, {"type", "int"}}})},
            {"records", page},
            {"total", records.size()},
            {"limit", limit},
            {"offset", offset}};
}

Json DatastoreService::Search(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id", In(params).String("id"));
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    if (id == kTableMetadata) return TableMetadata(p, params);
    catalog_.ResourceAccess(p, id);
    TableInfo t = RequireTable(id);
    SearchQuery q = ParseSearchQuery(t, params, false);
    std::string format = In(params).String("records_format", "objects");
    if (format != "objects" && format != "lists" && format != "csv" && format != "tsv")
        throw Invalid("records_format", "must be objects, lists, csv or tsv");
    SearchResult r = db_.Read([&](db::Connection& c) { return store::Search(c, t, q); });
    std::vector<size_t> cols = q.columns;
    if (cols.empty()) {
        cols.push_back(SIZE_MAX);
        for (size_t i = 0; i < t.fields.size(); ++i) cols.push_back(i);
    }
    Json fields = Json::array();
    Json all = FieldDicts(t, true);
    for (size_t c : cols) fields.push_back(all[c == SIZE_MAX ? 0 : c + 1]);
    Json out = {{"resource_id", id},  {"fields", fields},         {"limit", q.limit},
                {"offset", q.offset}, {"records_format", format}, {"total_was_estimated", false}};
    if (r.total) out["total"] = *r.total;
    if (format == "csv" || format == "tsv") {
        char sep = format == "csv" ? ',' : '\t';
        std::string text;
        for (const auto& row : r.rows) {
            for (size_t i = 0; i < row.size(); ++i)
                text += (i ? std::string(1, sep) : "") + core::CsvField(row[i], sep);
            text += '\n';
        }
        out["records"] = text;
    } else {
        Json records = Json::array();
        for (const auto& row : r.rows) {
            if (format == "lists") {
                Json list = Json::array();
                for (size_t i = 0; i < row.size(); ++i)
                    list.push_back(JsonValue(TypeAt(t, cols[i]), row[i]));
                records.push_back(std::move(list));
            } else {
                Json obj = Json::object();
                for (size_t i = 0; i < row.size(); ++i)
                    obj[IdAt(t, cols[i])] = JsonValue(TypeAt(t, cols[i]), row[i]);
                records.push_back(std::move(obj));
            }
        }
        out["records"] = std::move(records);
    }
    api::Params in = In(params);
    for (const char* echo : {"filters", "q", "sort", "fields", "distinct"})
        if (in.Has(echo)) out[echo] = in.Structured(echo);
    // Links to the next page: by offset (CKAN's _links), and by _id (deep pages stay fast).
    std::string base = "/api/3/action/datastore_search?resource_id=" + core::UrlEncode(id);
    out["_links"] = {{"start", base},
                     {"next", base + "&offset=" + std::to_string(q.offset + q.limit)}};
    bool by_id =
        q.sort.empty() || (q.sort.size() == 1 && q.sort[0].field == SIZE_MAX && !q.sort[0].desc);
    if (by_id && !q.distinct && !r.rows.empty() && static_cast<int64_t>(r.rows.size()) == q.limit) {
        // The last row's _id, whether or not it was asked for.
        std::optional<int64_t> last;
        for (size_t i = 0; i < cols.size(); ++i)
            if (cols[i] == SIZE_MAX && r.rows.back()[i]) last = core::ParseInt(*r.rows.back()[i]);
        if (!last) {
            SearchQuery ids = q;
            ids.columns = {SIZE_MAX};
            ids.total = false;
            auto rows = db_.Read([&](db::Connection& c) { return store::Search(c, t, ids); }).rows;
            if (!rows.empty() && rows.back()[0]) last = core::ParseInt(*rows.back()[0]);
        }
        if (last)
            out["next_page"] = {{"after", *last},
                                {"url", base + "&after=" + std::to_string(*last)}};
    }
    return out;
}

}  // namespace govhub::datastore
