#include "opendata/datastore/service.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "api/params.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/auth.hpp"
#include "opendata/datastore/csv.hpp"
#include "opendata/datastore/fetch.hpp"
#include "opendata/datastore/loader.hpp"
#include "opendata/datastore/source.hpp"
#include "opendata/datastore/store.hpp"
#include "search/analyzer.hpp"

namespace govhub::datastore {

namespace {

constexpr int64_t kMaxLimit = 32000;
constexpr const char* kTableMetadata = "_table_metadata";

HttpError Invalid(const std::string& field, const std::string& message) {
    return HttpError::Validation({{field, message}});
}

std::string Subject(const std::string& resource_id) {
    return "resource:" + resource_id;
}

// Parameters are read by api::Params (docs/api.md, "Parameter types"): bad ones are CKAN's
// Validation Error naming the parameter.
api::Params In(const Json& params) {
    return api::Params(params);
}

// Offsets stay far from INT64_MAX, so offset + limit cannot overflow.
constexpr int64_t kMaxOffset = 1'000'000'000'000;

// A JSON scalar as the text a cell would hold.
std::optional<std::string> ScalarText(const Json& v) {
    if (v.is_null()) return std::nullopt;
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number()) return v.dump();
    return v.dump();
}

size_t FieldIndex(const TableInfo& t, const std::string& id) {
    if (id == "_id") return SIZE_MAX;
    for (size_t i = 0; i < t.fields.size(); ++i)
        if (t.fields[i].id == id) return i;
    return SIZE_MAX - 1;
}

FieldType TypeAt(const TableInfo& t, size_t i) {
    return i == SIZE_MAX ? FieldType::kInt : t.fields[i].type;
}

const std::string& IdAt(const TableInfo& t, size_t i) {
    static const std::string kId = "_id";
    return i == SIZE_MAX ? kId : t.fields[i].id;
}

// A value for field `i`, canonical; the error names the field.
std::optional<std::string> ValueFor(const TableInfo& t, size_t i, const Json& v,
                                    const std::string& where) {
    auto text = ScalarText(v);
    if (!text) return std::nullopt;
    FieldType type = TypeAt(t, i);
    if (type == FieldType::kJson) {
        if (!v.is_string()) return v.dump();
        // Text given for a json field must be JSON (PostgreSQL's jsonb column takes nothing
        // else), within the JSON limits so that reading it back is safe (a deeper one is a 400).
        if (core::ParseJsonBoundedOrDiscarded(*text).is_discarded())
            throw Invalid(where, "\"" + text->substr(0, 60) + "\" is not JSON (field \"" +
                                     IdAt(t, i) + "\")");
        return *text;
    }
    if (type == FieldType::kText) return text;
    if (IsNullMarker(*text) && !v.is_string()) return std::nullopt;
    auto canon = Canonical(type, *text);
    if (!canon)
        throw Invalid(where, "\"" + text->substr(0, 60) + "\" is not " + TypeName(type) +
                                 " (field \"" + IdAt(t, i) + "\")");
    return canon;
}

// Canonical text as a JSON value of the field's type.
Json JsonValue(FieldType type, const std::optional<std::string>& v) {
    if (!v) return nullptr;
    switch (type) {
        case FieldType::kInt:
            if (auto n = core::ParseInt(*v)) return *n;
            break;
        case FieldType::kNumeric:
            try {
                return std::stod(*v);
            } catch (const std::exception&) {
            }
            break;
        case FieldType::kBool:
            return *v == "true" || *v == "t" || *v == "1";
        case FieldType::kJson: {
            // Stored before the limits existed, or by a load: past them it stays text.
            Json parsed = core::ParseJsonIfWithinLimits(*v);
            if (!parsed.is_discarded()) return parsed;
            break;
        }
        default:
            break;
    }
    return *v;
}

Json FieldDicts(const TableInfo& t, bool with_id) {
    Json fields = Json::array();
    if (with_id) fields.push_back({{"id", "_id"}, {"type", "int"}});
    for (const auto& f : t.fields) {
        Json j = {{"id", f.id}, {"type", TypeName(f.type)}};
        Json info = Json::object();
        if (!f.label.empty()) info["label"] = f.label;
        if (!f.description.empty()) info["notes"] = f.description;
        if (f.type_override) info["type_override"] = TypeName(f.type);
        if (!info.empty()) j["info"] = info;
        fields.push_back(j);
    }
    return fields;
}

// Bounds on what one query may ask for (docs/security.md).
constexpr int kMaxFilterDepth = 8;
constexpr size_t kMaxFilterKeys = 100;
constexpr size_t kMaxSortKeys = 10;
constexpr size_t kMaxFields = 1000;
// Words of q (each a prefix term of the full-text match, or a LIKE of its own for a field) and
// filter values (one bound parameter each): the database's work grows faster than their number
// (thai_analyzer fuzz target: 2,500 terms of one row's words, a minute in FTS5).
constexpr size_t kMaxQueryWords = 100;
constexpr size_t kMaxFilterValues = 1000;

std::vector<std::string> QueryTerms(const std::string& text) {
    std::vector<std::string> terms = search::Terms(text);
    if (terms.size() > kMaxQueryWords)
        throw Invalid("q", "has more than " + std::to_string(kMaxQueryWords) + " words");
    return terms;
}

// Whether `j` nests more than `limit` levels (a scalar is 0, {} or [] is 1); stops looking
// (and recursing) past the limit.
bool DeeperThan(const Json& j, int limit) {
    if (!j.is_structured()) return false;
    if (limit <= 0) return true;
    for (const auto& e : j)
        if (DeeperThan(e, limit - 1)) return true;
    return false;
}

std::vector<Filter> ParseFilters(const TableInfo& t, const Json& filters) {
    std::vector<Filter> out;
    if (filters.is_null()) return out;
    if (!filters.is_object()) throw Invalid("filters", "must be an object of field: value");
    if (DeeperThan(filters, kMaxFilterDepth))
        throw Invalid("filters",
                      "nests deeper than " + std::to_string(kMaxFilterDepth) + " levels");
    if (filters.size() > kMaxFilterKeys)
        throw Invalid("filters", "has more than " + std::to_string(kMaxFilterKeys) + " keys");
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        if (it.key() == "$or" || it.key() == "$and")
            throw Invalid("filters", it.key() + " is not supported: give field: value pairs");
        size_t i = FieldIndex(t, it.key());
        if (i == SIZE_MAX - 1)
            throw Invalid("filters", "field \"" + it.key() + "\" not in the table");
        const Json& v = *it;
        auto ranges = [&](const Json& ops) {
            static const std::map<std::string, Filter::Op> kOps = {{"eq", Filter::Op::kEq},
                                                                   {"gt", Filter::Op::kGt},
                                                                   {"gte", Filter::Op::kGte},
                                                                   {"lt", Filter::Op::kLt},
                                                                   {"lte", Filter::Op::kLte}};
            for (auto op = ops.begin(); op != ops.end(); ++op) {
                auto k = kOps.find(op.key());
                if (k == kOps.end())
                    throw Invalid("filters", "unknown operator \"" + op.key() +
                                                 "\" (use eq, gt, gte, lt or lte)");
                auto value = ValueFor(t, i, *op, "filters");
                if (!value && k->second != Filter::Op::kEq)
                    throw Invalid("filters", "a range needs a value");
                out.push_back({i, k->second, {value}});
            }
        };
        if (v.is_object()) {
            ranges(v);
        } else if (v.is_array()) {
            Filter f{i, Filter::Op::kIn, {}};
            for (const auto& e : v) {
                if (e.is_object()) {
                    ranges(e);
                    continue;
                }
                if (e.is_array()) throw Invalid("filters", "lists inside lists are not supported");
                f.values.push_back(ValueFor(t, i, e, "filters"));
            }
            if (!f.values.empty() || v.empty()) out.push_back(std::move(f));
        } else {
            out.push_back({i, Filter::Op::kEq, {ValueFor(t, i, v, "filters")}});
        }
    }
    size_t values = 0;
    for (const auto& f : out) values += f.values.size();
    if (values > kMaxFilterValues)
        throw Invalid("filters", "has more than " + std::to_string(kMaxFilterValues) + " values");
    return out;
}

}  // namespace

DatastoreService::DatastoreService(db::Database& datastore, catalog::CatalogService& catalog,
                                   jobs::JobService& jobs, DatastoreConfig config)
    : db_(datastore), catalog_(catalog), jobs_(jobs), config_(std::move(config)) {}

void DatastoreService::OnResourceChanged(db::Connection&, const catalog::Resource& r,
                                         const catalog::Dataset&, const std::string& actor_id) {
    std::string ext = std::filesystem::path(r.url).extension().string();
    if (!IsTabularFormat(r.format) && !IsTabularFormat(ext)) return;
    jobs_.Enqueue(kLoadJob, Json{{"resource_id", r.id}}.dump(),
                  {.owner_id = actor_id, .max_attempts = 3, .subject = Subject(r.id)});
}

void DatastoreService::OnResourcesRemoved(const std::vector<std::string>& ids) {
    db_.Write([&](db::Connection& c) {
        for (const auto& id : ids) {
            store::DropTable(c, id);
            store::ForgetTable(c, id);
        }
    });
}

std::string DatastoreService::Reload(const accounts::Principal* p, const std::string& resource_id,
                                     const std::string& sheet) {
    auto [src, held] = catalog_.ResourceAccess(p, resource_id);
    if (!CanWriteTable(p, held)) throw HttpError::Forbidden();
    Json payload = {{"resource_id", src.resource.id}};
    if (!sheet.empty()) payload["sheet"] = sheet;
    return jobs_.Enqueue(
        kLoadJob, payload.dump(),
        {.owner_id = p->user_id, .max_attempts = 3, .subject = Subject(src.resource.id)});
}

Json DatastoreService::Load(const std::string& id, const std::string& sheet,
                            const LoadHooks& hooks) {
    auto src = catalog_.FindResourceSource(id);
    if (!src) throw jobs::PermanentJobError("the resource no longer exists");
    std::string path = src->file_path, downloaded;
    struct Cleanup {
        std::string& file;
        ~Cleanup() {
            if (!file.empty()) std::filesystem::remove(file);
        }
    } cleanup{downloaded};
    if (path.empty()) {
        downloaded = config_.tmp_dir + "/fetch-" + core::RandomToken(8);
        if (hooks.log) hooks.log("fetching " + src->resource.url, "info");
        FetchUrl(src->resource.url, downloaded,
                 {.max_bytes = config_.max_fetch_bytes,
                  .allow_private_addresses = config_.allow_private_urls});
        path = downloaded;
    }
    auto dictionary = db_.Read([&](db::Connection& c) { return store::FindTable(c, id); });
    std::string ext = std::filesystem::path(src->resource.url).extension().string();
    std::string format =
        src->resource.format.empty() ? ext.substr(ext.empty() ? 0 : 1) : src->resource.format;
    auto source = OpenTable(path, format, sheet);
    LoadHooks capped = hooks;
    capped.max_bytes = config_.max_load_bytes;
    capped.max_rows = config_.max_load_rows;
    LoadResult r =
        LoadTable(db_, id, *source, dictionary ? dictionary->fields : std::vector<Field>{}, capped);
    Json result = {{"rows", r.rows}, {"fields", r.fields.size()}};
    if (auto sheets = source->Sheets(); !sheets.empty()) result["sheets"] = sheets;
    if (r.bounds) {
        result["bounds"] = {r.bounds->west, r.bounds->south, r.bounds->east, r.bounds->north};
        if (catalog_.FillBoundingBox(src->dataset.id, r.bounds->west, r.bounds->east,
                                     r.bounds->south, r.bounds->north) &&
            hooks.log)
            hooks.log(core::Message("datastore.load.bbox_filled"), "info");
    }
    return result;
}

std::string DatastoreService::RunLoad(jobs::JobContext& ctx) {
    Json payload = Json::parse(ctx.payload(), nullptr, false);
    if (!payload.is_object() || !payload.contains("resource_id") ||
        !payload["resource_id"].is_string())
        throw jobs::PermanentJobError(core::Message("datastore.load.no_job_resource"));
    LoadHooks hooks;
    hooks.progress = [&](int64_t done, int64_t total, const std::string& m) {
        ctx.Progress(done, total, m);
    };
    hooks.log = [&](const std::string& m, const std::string& level) {
        ctx.Log(m, level == "warning" ? "warn" : level);
    };
    hooks.check_cancelled = [&] { ctx.ThrowIfInterrupted(); };
    try {
        return Load(payload["resource_id"], payload.value("sheet", ""), hooks).dump();
    } catch (const SourceError& e) {
        ctx.Log(e.what(), "error");
        throw jobs::PermanentJobError(e.what());  // the same file fails the same way again
    }
}

void DatastoreService::LoadNow(const std::string& resource_id) {
    Load(resource_id, "", {});
}

TableInfo DatastoreService::RequireTable(const std::string& resource_id) {
    auto t = db_.Read([&](db::Connection& c) { return store::FindTable(c, resource_id); });
    if (!t) throw HttpError::NotFound("datastore.no_table");
    return *t;
}

std::optional<TableInfo> DatastoreService::TableOf(const accounts::Principal* p,
                                                   const std::string& resource_id) {
    catalog_.ResourceAccess(p, resource_id);
    return db_.Read([&](db::Connection& c) { return store::FindTable(c, resource_id); });
}

SearchResult DatastoreService::Query(const TableInfo& t, const SearchQuery& q) {
    return db_.Read([&](db::Connection& c) { return store::Search(c, t, q); });
}

std::optional<jobs::Job> DatastoreService::LatestLoad(const std::string& resource_id) {
    return jobs_.Latest(kLoadJob, Subject(resource_id));
}

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
                text += (i ? std::string(1, sep) : "") + CsvField(row[i], sep);
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

Json DatastoreService::Info(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id", In(params).String("id"));
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    catalog_.ResourceAccess(p, id);
    TableInfo t = RequireTable(id);
    Json fields = Json::array();
    for (const auto& f : t.fields) {
        Json j = {{"id", f.id},
                  {"type", TypeName(f.type)},
                  {"schema", {{"native_type", TypeName(f.type)}, {"column", f.column}}}};
        Json info = Json::object();
        info["label"] = f.label;
        info["notes"] = f.description;
        if (f.type_override) info["type_override"] = TypeName(f.type);
        j["info"] = info;
        fields.push_back(j);
    }
    return {{"meta",
             {{"id", id},
              {"count", t.rows},
              {"table_type", "BASE TABLE"},
              {"aliases", Json::array()},
              {"primary_key", t.primary_key},
              {"created", t.created},
              {"modified", t.modified},
              {"source", t.source}}},
            {"fields", fields}};
}

namespace {

std::vector<Field> ParseFieldDefs(const Json& fields, db::Engine engine) {
    std::vector<Field> out;
    if (fields.is_null()) return out;
    if (!fields.is_array()) throw Invalid("fields", "must be a list of {id, type}");
    std::set<std::string> ids, taken = {"_id", "_full_text"};
    for (const auto& f : fields) {
        if (!f.is_object() || !f.contains("id") || !f["id"].is_string())
            throw Invalid("fields", "each field needs an id");
        Field x;
        x.id = core::Trim(f["id"].get<std::string>());
        if (x.id.empty() || x.id[0] == '_' || !core::IsValidUtf8(x.id) ||
            x.id.find_first_of(std::string("\"\n\r\t\0", 5)) != std::string::npos)
            throw Invalid("fields", "\"" + x.id + "\" is not a valid field id");
        if (!ids.insert(x.id).second) throw Invalid("fields", "\"" + x.id + "\" is given twice");
        std::string type =
            f.contains("type") && f["type"].is_string() ? f["type"].get<std::string>() : "text";
        auto t = ParseTypeName(type);
        if (!t) throw Invalid("fields", "unknown type \"" + type + "\" for \"" + x.id + "\"");
        x.type = *t;
        if (f.contains("info") && f["info"].is_object()) {
            const Json& info = f["info"];
            x.label = info.value("label", "");
            x.description = info.value("notes", "");
            if (info.contains("type_override") && info["type_override"].is_string() &&
                !info["type_override"].get<std::string>().empty()) {
                auto o = ParseTypeName(info["type_override"].get<std::string>());
                if (!o) throw Invalid("fields", "unknown type_override for \"" + x.id + "\"");
                x.type = *o;
                x.type_override = true;
            }
        }
        x.column = store::ColumnName(engine, x.id, taken);
        out.push_back(std::move(x));
    }
    return out;
}

std::vector<std::string> PrimaryKey(const Json& params) {
    return In(params).List("primary_key");
}

std::vector<store::Record> ParseRecords(const TableInfo& t, const Json& records) {
    std::vector<store::Record> out;
    if (records.is_null()) return out;
    if (!records.is_array()) throw Invalid("records", "must be a list of objects");
    size_t n = 0;
    for (const auto& r : records) {
        std::string where = "records";
        if (!r.is_object())
            throw Invalid(where, "record " + std::to_string(n) + " is not an object");
        store::Record rec;
        for (auto it = r.begin(); it != r.end(); ++it) {
            size_t i = FieldIndex(t, it.key());
            if (i == SIZE_MAX - 1)
                throw Invalid(where, "record " + std::to_string(n) + ": field \"" + it.key() +
                                         "\" not in the table");
            if (i == SIZE_MAX) {
                auto v = ValueFor(t, i, *it, where);
                if (v) rec.id = core::ParseInt(*v);
                continue;
            }
            rec.values.emplace_back(i, ValueFor(t, i, *it, where));
        }
        out.push_back(std::move(rec));
        ++n;
    }
    return out;
}

// Thrown inside a write to roll back a dry run.
struct DryRun {};

}  // namespace

Json DatastoreService::Create(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id");
    if (id.empty() && params.contains("resource") && params["resource"].is_object()) {
        // A new resource whose data is this table (CKAN's url_type "datastore").
        Json r = params["resource"];
        if (!r.contains("url")) r["url"] = "";
        Json created = catalog_.ResourceCreate(p, r, {.principal = p});
        id = created["id"];
    }
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    auto [src, held] = catalog_.ResourceAccess(p, id);
    if (!CanWriteTable(p, held)) throw HttpError::Forbidden();
    std::vector<Field> defs = ParseFieldDefs(In(params).Structured("fields"), db_.engine());
    std::vector<std::string> pk = PrimaryKey(params);
    std::optional<TableInfo> existing =
        db_.Read([&](db::Connection& c) { return store::FindTable(c, id); });
    TableInfo t;
    bool reload = false;
    db_.Write([&](db::Connection& c) {
        if (!existing) {
            if (defs.empty()) throw Invalid("fields", "a new table needs its fields");
            if (defs.size() > store::MaxFields(db_.engine()))
                throw Invalid("fields", "at most " +
                                            std::to_string(store::MaxFields(db_.engine())) +
                                            " fields fit in one table");
            for (const auto& k : pk)
                if (std::none_of(defs.begin(), defs.end(),
                                 [&](const Field& f) { return f.id == k; }))
                    throw Invalid("primary_key", "field \"" + k + "\" not in fields");
            t.resource_id = id;
            t.fields = defs;
            t.primary_key = pk;
            t.source = "api";
            store::CreateTable(c, id, defs, pk);
        } else {
            t = *existing;
            // The data dictionary: labels and notes change; a type given for a loaded file's
            // field is fixed and the file loads again with it; other types stay.
            for (auto& d : defs) {
                size_t i = FieldIndex(t, d.id);
                if (i == SIZE_MAX - 1)
                    throw Invalid("fields",
                                  "adding fields to an existing table is not supported; \"" + d.id +
                                      "\" is new");
                Field& f = t.fields[i];
                f.label = d.label;
                f.description = d.description;
                if (d.type_override && (d.type != f.type || !f.type_override)) {
                    if (t.source != "file")
                        throw Invalid("fields", "the type of \"" + d.id + "\" cannot change");
                    f.type = d.type;
                    f.type_override = true;
                    reload = true;
                }
            }
            if (!pk.empty() && pk != t.primary_key)
                throw Invalid("primary_key", "the primary key of an existing table cannot change");
        }
        auto records = ParseRecords(t, In(params).Structured("records"));
        if (!records.empty()) {
            std::vector<size_t> keys;
            store::WriteRecords(c, t, records, "insert", keys);
        }
        t.rows = store::CountRows(c, id);
        store::SaveTable(c, t);
    });
    if (reload) Reload(p, id, "");
    return {{"resource_id", id},
            {"fields", FieldDicts(t, false)},
            {"primary_key", t.primary_key},
            {"method", "insert"}};
}

Json DatastoreService::Upsert(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id");
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    auto [src, held] = catalog_.ResourceAccess(p, id);
    if (!CanWriteTable(p, held)) throw HttpError::Forbidden();
    TableInfo t = RequireTable(id);
    std::string method = In(params).String("method", "upsert");
    if (method != "upsert" && method != "insert" && method != "update")
        throw Invalid("method", "must be upsert, insert or update");
    Json raw = In(params).Structured("records");
    if (!raw.is_array()) throw Invalid("records", "Missing value");
    auto records = ParseRecords(t, raw);
    std::vector<size_t> keys;
    for (const auto& k : t.primary_key) keys.push_back(FieldIndex(t, k));
    if (method != "insert") {
        for (size_t n = 0; n < records.size(); ++n) {
            bool has_id = records[n].id.has_value();
            bool has_keys = !keys.empty();
            for (size_t k : keys)
                if (std::none_of(records[n].values.begin(), records[n].values.end(),
                                 [&](const auto& v) { return v.first == k; }))
                    has_keys = false;
            if (!has_id && !has_keys)
                throw Invalid("records", "record " + std::to_string(n) +
                                             " has neither _id nor every field of the primary key");
        }
    }
    bool dry_run = In(params).Bool("dry_run", false);
    try {
        db_.Write([&](db::Connection& c) {
            for (size_t n = 0; n < records.size(); ++n) {
                std::vector<size_t> by = records[n].id ? std::vector<size_t>{SIZE_MAX} : keys;
                int64_t written = store::WriteRecords(c, t, {records[n]}, method, by);
                if (written == 0 && method == "update")
                    throw Invalid("records", "record " + std::to_string(n) + " matches no row");
            }
            t.rows = store::CountRows(c, id);
            store::SaveTable(c, t);
            if (dry_run) throw DryRun{};
        });
    } catch (const DryRun&) {
    }
    return {{"resource_id", id}, {"method", method}, {"records", raw}, {"dry_run", dry_run}};
}

TableInfo DatastoreService::EditableTable(const accounts::Principal* p, const Json& params) {
    std::string id = In(params).String("resource_id", In(params).String("id"));
    if (id.empty()) throw Invalid("resource_id", "Missing value");
    auto [src, held] = catalog_.ResourceAccess(p, id);
    if (!CanWriteTable(p, held)) throw HttpError::Forbidden();
    return RequireTable(id);
}

Json DatastoreService::Delete(const accounts::Principal* p, const Json& params) {
    TableInfo t = EditableTable(p, params);
    if (!In(params).Structured("filters").is_null()) return RecordsDelete(p, params);
    // No filters: the whole table goes (CKAN's datastore_delete).
    db_.Write([&](db::Connection& c) {
        store::DropTable(c, t.resource_id);
        store::ForgetTable(c, t.resource_id);
    });
    return {{"resource_id", t.resource_id}};
}

Json DatastoreService::RecordsDelete(const accounts::Principal* p, const Json& params) {
    TableInfo t = EditableTable(p, params);
    Json filters = In(params).Structured("filters");
    if (filters.is_null()) throw Invalid("filters", "Missing value (give {} to delete every row)");
    auto parsed = ParseFilters(t, filters);
    int64_t deleted = 0;
    db_.Write([&](db::Connection& c) {
        deleted = store::DeleteRows(c, t, parsed);
        t.rows = store::CountRows(c, t.resource_id);
        store::SaveTable(c, t);
    });
    return {{"resource_id", t.resource_id}, {"filters", filters}, {"deleted", deleted}};
}

std::string SearchSqlStatement(const Json& params) {
    std::string sql = core::Trim(In(params).String("sql"));
    while (!sql.empty() &&
           (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back()))))
        sql.pop_back();
    if (sql.empty()) throw Invalid("sql", "Missing value");
    if (sql.size() > db::kSandboxMaxSqlBytes)
        throw Invalid("sql",
                      "is longer than " + std::to_string(db::kSandboxMaxSqlBytes / 1024) + " KB");
    if (sql.find('\0') != std::string::npos) throw Invalid("sql", "holds a NUL character");
    return sql;
}

std::vector<std::string> SqlTableIds(std::string_view sql) {
    std::vector<std::string> out;
    auto add = [&](std::string id) {
        if (id.size() >= 36 && core::IsUuid(std::string_view(id).substr(0, 36)) &&
            std::find(out.begin(), out.end(), id) == out.end())
            out.push_back(std::move(id));
    };
    size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // -- to the end of the line
            size_t end = sql.find('\n', i);
            i = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            size_t end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
        } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
            // A quoted string or identifier; a doubled quote stands for itself ([...] has none).
            char close = c == '[' ? ']' : c;
            std::string text;
            size_t j = i + 1;
            for (; j < sql.size(); ++j) {
                if (sql[j] != close) {
                    text += sql[j];
                } else if (close != ']' && j + 1 < sql.size() && sql[j + 1] == close) {
                    text += close;
                    ++j;
                } else {
                    break;
                }
            }
            if (c != '\'') add(std::move(text));
            i = j + 1;
        } else {
            ++i;
        }
    }
    return out;
}

void CheckSqlTableIds(std::string_view sql,
                      const std::function<bool(const std::string&)>& readable) {
    for (const auto& id : SqlTableIds(sql))
        if (!readable(core::ToLower(id.substr(0, 36))))
            throw HttpError::Validation({{"query", "no such table: " + id}},
                                        "datastore.sql_refused");
}

Json DatastoreService::SearchSql(const accounts::Principal* p, const Json& params) {
    std::string sql = SearchSqlStatement(params);
    // Each table the statement reads: a loaded table of a resource the caller may read.
    std::map<std::string, bool> decided;
    auto readable = [&](const std::string& table) {
        if (auto it = decided.find(table); it != decided.end()) return it->second;
        bool ok = false;
        if (core::IsUuid(table)) {
            try {
                catalog_.ResourceAccess(p, table);
                ok = db_.Read(
                    [&](db::Connection& c) { return store::FindTable(c, table).has_value(); });
            } catch (const HttpError&) {
            }
        }
        decided[table] = ok;
        return ok;
    };
    // First by name: a table the caller may not read answers as one that does not exist,
    // whatever else is wrong with the statement (the database would name the missing table, or
    // another fault, in an order that told the two apart).
    CheckSqlTableIds(sql, readable);
    db::SandboxPolicy policy;
    policy.timeout_ms = config_.sql_timeout_ms;
    policy.max_rows = kMaxLimit;
    policy.pg_schema = "datastore";
    policy.pg_role = "govhub_datastore_reader";
    policy.may_read = [&](const std::string& schema, const std::string& table) {
        if (db_.engine() == db::Engine::kPostgres && schema != "datastore") return false;
        return readable(table);
    };
    db::SandboxResult r;
    try {
        r = db_.QuerySandboxed(sql, policy);
    } catch (const db::SandboxError& e) {
        throw HttpError::Validation({{"query", e.what()}}, "datastore.sql_refused");
    }
    // The index column PostgreSQL's tables carry (SELECT * would show it) is not data.
    Json fields = Json::array();
    std::vector<FieldType> types;
    std::vector<bool> shown;
    for (size_t i = 0; i < r.columns.size(); ++i) {
        shown.push_back(r.columns[i] != "_full_text");
        if (shown.back()) fields.push_back({{"id", r.columns[i]}, {"type", r.types[i]}});
        types.push_back(ParseTypeName(r.types[i]).value_or(FieldType::kText));
    }
    Json records = Json::array();
    for (const auto& row : r.rows) {
        Json obj = Json::object();
        for (size_t i = 0; i < row.size(); ++i)
            if (shown[i]) obj[r.columns[i]] = JsonValue(types[i], row.OptStr(i));
        records.push_back(std::move(obj));
    }
    Json out = {{"sql", sql}, {"fields", fields}, {"records", records}};
    if (r.truncated) out["records_truncated"] = true;
    return out;
}

Json DatastoreService::ChartData(const accounts::Principal* p, const std::string& resource_id,
                                 const Json& params) {
    catalog_.ResourceAccess(p, resource_id);
    TableInfo t = RequireTable(resource_id);
    AggregateQuery q;
    auto field = [&](const char* key, bool required) -> size_t {
        std::string id = In(params).String(key);
        if (id.empty()) {
            if (required) throw Invalid(key, "Missing value");
            return SIZE_MAX;
        }
        size_t i = FieldIndex(t, id);
        if (i == SIZE_MAX - 1 || i == SIZE_MAX)
            throw Invalid(key, "field \"" + id + "\" not in the table");
        return i;
    };
    q.x = field("x", true);
    q.fn = In(params).String("aggregate", "count");
    if (q.fn != "count" && q.fn != "sum" && q.fn != "avg" && q.fn != "none")
        throw Invalid("aggregate", "must be count, sum, avg or none");
    q.y = field("y", q.fn != "count");
    if (q.y != SIZE_MAX && q.fn != "count") {
        FieldType yt = t.fields[q.y].type;
        if (yt != FieldType::kInt && yt != FieldType::kNumeric)
            throw Invalid("y", "field \"" + t.fields[q.y].id + "\" is not a number");
    }
    q.filters = ParseFilters(t, In(params).Structured("filters"));
    if (auto words = In(params).String("q"); !words.empty()) q.terms = QueryTerms(words);
    q.limit = In(params).Int("limit", 50, 1, 1000);
    std::string order = In(params).String("order", "x");
    if (order != "x" && order != "value") throw Invalid("order", "must be x or value");
    q.by_value_desc = order == "value";
    auto rows = db_.Read([&](db::Connection& c) { return store::Aggregate(c, t, q); });
    Json xs = Json::array(), ys = Json::array();
    for (const auto& [x, y] : rows) {
        xs.push_back(JsonValue(t.fields[q.x].type, x));
        ys.push_back(JsonValue(FieldType::kNumeric, y));
    }
    return {{"resource_id", resource_id},
            {"x_field", t.fields[q.x].id},
            {"x_label", t.fields[q.x].label.empty() ? t.fields[q.x].id : t.fields[q.x].label},
            {"y_field", q.y == SIZE_MAX ? Json(nullptr) : Json(t.fields[q.y].id)},
            {"aggregate", q.fn},
            {"x", xs},
            {"y", ys}};
}

std::optional<std::pair<size_t, size_t>> DatastoreService::GuessLatLon(const TableInfo& t) {
    auto find = [&](std::initializer_list<const char*> names) -> std::optional<size_t> {
        for (size_t i = 0; i < t.fields.size(); ++i) {
            if (t.fields[i].type != FieldType::kNumeric && t.fields[i].type != FieldType::kInt)
                continue;
            std::string id = core::ToLower(t.fields[i].id);
            for (const char* n : names)
                if (id == n) return i;
        }
        return std::nullopt;
    };
    auto lat = find({"lat", "latitude", "ละติจูด", "y"});
    auto lon = find({"lon", "lng", "long", "longitude", "ลองจิจูด", "x"});
    if (lat && lon && *lat != *lon) return std::make_pair(*lat, *lon);
    return std::nullopt;
}

Json DatastoreService::GeoJson(const accounts::Principal* p, const std::string& resource_id,
                               const Json& params) {
    catalog_.ResourceAccess(p, resource_id);
    TableInfo t = RequireTable(resource_id);
    SearchQuery q;
    q.filters = ParseFilters(t, In(params).Structured("filters"));
    // A negative limit meant no limit at all to SQLite.
    q.limit = std::min<int64_t>(In(params).Int("limit", 5000, 0, INT64_MAX), 5000);
    q.total = true;
    Json features = Json::array();
    size_t geometry = FieldIndex(t, "geometry");
    std::optional<std::pair<size_t, size_t>> latlon;
    if (!In(params).String("lat").empty() || !In(params).String("lon").empty()) {
        size_t lat = FieldIndex(t, In(params).String("lat")),
               lon = FieldIndex(t, In(params).String("lon"));
        if (lat >= SIZE_MAX - 1) throw Invalid("lat", "field not in the table");
        if (lon >= SIZE_MAX - 1) throw Invalid("lon", "field not in the table");
        latlon = std::make_pair(lat, lon);
    } else if (geometry >= SIZE_MAX - 1) {
        latlon = GuessLatLon(t);
        if (!latlon)
            throw Invalid("lat", "the table has no geometry and no latitude/longitude fields");
    }
    SearchResult r = db_.Read([&](db::Connection& c) { return store::Search(c, t, q); });
    for (const auto& row : r.rows) {
        // Rows are _id then every field.
        Json props = Json::object();
        for (size_t i = 0; i < t.fields.size(); ++i)
            if (i != geometry) props[t.fields[i].id] = JsonValue(t.fields[i].type, row[i + 1]);
        Json geom;
        if (latlon) {
            auto lat = row[latlon->first + 1], lon = row[latlon->second + 1];
            if (!lat || !lon) continue;
            double la, lo;
            try {
                la = std::stod(*lat);
                lo = std::stod(*lon);
            } catch (const std::exception&) {
                continue;
            }
            if (la < -90 || la > 90 || lo < -180 || lo > 180) continue;
            geom = {{"type", "Point"}, {"coordinates", {lo, la}}};
        } else {
            if (!row[geometry + 1]) continue;
            geom = Json::parse(*row[geometry + 1], nullptr, false);
            if (geom.is_discarded()) continue;
        }
        features.push_back({{"type", "Feature"}, {"geometry", geom}, {"properties", props}});
    }
    return {{"type", "FeatureCollection"},
            {"features", features},
            {"total", r.total.value_or(0)},
            {"truncated", r.total.value_or(0) > q.limit}};
}

DumpPlan DatastoreService::PlanDump(const accounts::Principal* p, const std::string& resource_id,
                                    const Json& params) {
    catalog_.ResourceAccess(p, resource_id);
    DumpPlan plan;
    plan.table = RequireTable(resource_id);
    plan.query = ParseSearchQuery(plan.table, params, true);
    plan.query.total = false;
    std::vector<size_t> cols = plan.query.columns;
    if (cols.empty()) {
        cols.push_back(SIZE_MAX);
        for (size_t i = 0; i < plan.table.fields.size(); ++i) cols.push_back(i);
    }
    plan.query.columns = cols;
    for (size_t c : cols) {
        plan.headers.push_back(IdAt(plan.table, c));
        plan.types.push_back(TypeAt(plan.table, c));
    }
    plan.limit = plan.query.limit;
    plan.keyset = plan.query.sort.empty() && !plan.query.distinct;
    if (plan.keyset) plan.query.columns.push_back(SIZE_MAX);  // the keyset position, not written
    return plan;
}

std::vector<std::vector<std::optional<std::string>>> DatastoreService::NextDumpBatch(
    DumpPlan& plan) {
    const int64_t kBatch = 5000;
    if (plan.done) return {};
    plan.query.limit = std::min(kBatch, plan.limit - plan.sent);
    if (plan.query.limit <= 0) {
        plan.done = true;
        return {};
    }
    auto rows =
        db_.Read([&](db::Connection& c) { return store::Search(c, plan.table, plan.query); }).rows;
    if (static_cast<int64_t>(rows.size()) < plan.query.limit) plan.done = true;
    plan.sent += static_cast<int64_t>(rows.size());
    if (plan.keyset) {
        if (!rows.empty() && rows.back().back())
            plan.query.after_id = core::ParseInt(*rows.back().back());
        plan.query.offset = 0;
        for (auto& r : rows) r.pop_back();
    } else {
        plan.query.offset += static_cast<int64_t>(rows.size());
    }
    return rows;
}

void RegisterJobs(jobs::JobRunner& runner, DatastoreService& service) {
    runner.Register(DatastoreService::kLoadJob,
                    [&service](jobs::JobContext& ctx) { return service.RunLoad(ctx); });
}

}  // namespace govhub::datastore
