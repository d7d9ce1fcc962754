// The datastore on a resource's page: the load's progress and log, the table (server-side
// paging, sorting, per-column filters, column choice and "download what I see", all plain links
// and forms, so nothing needs JavaScript), the API with examples using the table's own field
// ids, and the data dictionary editors fill in.
#include "opendata/datastore/pages.hpp"

#include <algorithm>
#include <string_view>

#include "accounts/middleware.hpp"
#include "api/params.hpp"
#include "core/strings.hpp"
#include "opendata/datastore/auth.hpp"
#include "opendata/datastore/openapi.hpp"
#include "opendata/datastore/store.hpp"
#include "search/analyzer.hpp"

namespace govhub::datastore {

namespace {

using render::View;

constexpr int kPageRows = 25;
// The last page a link may ask for: 50 million rows (the load's cap) at kPageRows a page.
constexpr int64_t kMaxPage = 2'000'000;

std::string Thousands(int64_t n) {
    std::string s = std::to_string(n < 0 ? -n : n), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return (n < 0 ? "-" : "") + out;
}

// A decimal as stored, its whole part grouped: "-1234567.125" -> "-1,234,567.125". Every digit
// stays (no rounding); text that is not a plain decimal (an exponent, NaN) is shown as it is.
std::string GroupedDecimal(const std::string& v) {
    size_t start = !v.empty() && (v[0] == '-' || v[0] == '+') ? 1 : 0;
    size_t dot = v.find('.');
    size_t whole_end = dot == std::string::npos ? v.size() : dot;
    if (whole_end == start) return v;
    for (size_t i = start; i < v.size(); ++i)
        if (i != dot && (v[i] < '0' || v[i] > '9')) return v;
    std::string out = v.substr(0, start);
    for (size_t i = start; i < whole_end; ++i) {
        if (i > start && (whole_end - i) % 3 == 0) out += ',';
        out += v[i];
    }
    return out + v.substr(whole_end);
}

// Whether a column's name says it holds years: "year", "Year (B.E.)", "fiscal_year", "fiscalYear",
// "yr", "FY", "ปี", "ปีงบประมาณ", "ปีการศึกษา", "ปี พ.ศ.", "พ.ศ.", "ค.ศ." (ASCII case-insensitive).
// Its integers are shown as written, 2569 and not "2,569". A name with a digit in it ("ปี 2566",
// "year2023") is a column of values for that year, which keep their grouping; so is "years".
bool IsYearColumn(std::string_view name) {
    static constexpr std::string_view kThaiDigits[] = {"๐", "๑", "๒", "๓", "๔",
                                                       "๕", "๖", "๗", "๘", "๙"};
    for (char c : name)
        if (c >= '0' && c <= '9') return false;
    for (auto d : kThaiDigits)
        if (name.find(d) != std::string_view::npos) return false;
    if (name.find("พ.ศ") != std::string_view::npos || name.find("ค.ศ") != std::string_view::npos)
        return true;
    // Words: runs of ASCII letters (lower-cased), and runs of other bytes (Thai) between ASCII
    // separators.
    auto is_alpha = [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    };
    size_t i = 0;
    while (i < name.size()) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        size_t j = i;
        if (is_alpha(c)) {
            while (j < name.size() && is_alpha(static_cast<unsigned char>(name[j]))) ++j;
            std::string word = core::ToLower(name.substr(i, j - i));
            if (word == "yr" || word == "fy" || word == "yyyy" ||
                (word.size() >= 4 && word.ends_with("year")))
                return true;
        } else if (c >= 0x80) {
            while (j < name.size() && static_cast<unsigned char>(name[j]) >= 0x80) ++j;
            std::string_view word = name.substr(i, j - i);
            static constexpr std::string_view kYear = "ปี";
            static constexpr std::string_view kAfter[] = {"งบ", "การศึกษา", "ที่", "ปฏิทิน", "บัญชี"};
            if (word.starts_with(kYear)) {
                std::string_view rest = word.substr(kYear.size());
                if (rest.empty()) return true;
                for (auto a : kAfter)
                    if (rest.starts_with(a)) return true;
            }
        } else {
            j = i + 1;
        }
        i = j;
    }
    return false;
}

std::string ThaiDate(const std::string& iso, const std::string& locale) {
    // "2023-12-31" -> "31 ธ.ค. 2566" (th) / "31 Dec 2023" (en); times keep their clock.
    static const char* kTh[] = {"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                                "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",  "พ.ย.", "ธ.ค."};
    static const char* kEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (iso.size() < 10) return iso;
    auto y = core::ParseInt(iso.substr(0, 4)), m = core::ParseInt(iso.substr(5, 2)),
         d = core::ParseInt(iso.substr(8, 2));
    if (!y || !m || !d || *m < 1 || *m > 12) return iso;
    bool th = locale == "th";
    std::string out = std::to_string(*d) + " " + (th ? kTh[*m - 1] : kEn[*m - 1]) + " " +
                      std::to_string(th ? *y + 543 : *y);
    if (iso.size() >= 16) out += " " + iso.substr(11, 5) + (th ? " น." : "");
    return out;
}

// A cell as the table shows it; `as_written`: a column of years (IsYearColumn, decided once per
// column), whose integers are not grouped.
std::string Display(FieldType t, bool as_written, const std::optional<std::string>& v,
                    const std::string& locale) {
    if (!v) return "";
    switch (t) {
        case FieldType::kInt:
            if (as_written) return *v;
            if (auto n = core::ParseInt(*v)) return Thousands(*n);
            return *v;
        case FieldType::kNumeric:
            return GroupedDecimal(*v);
        case FieldType::kDate:
        case FieldType::kTimestamp:
            return ThaiDate(*v, locale);
        case FieldType::kBool:
            return *v == "true" ? (locale == "th" ? "ใช่" : "yes")
                                : (locale == "th" ? "ไม่ใช่" : "no");
        default:
            return *v;
    }
}

// The page's query string with some keys replaced (others kept), for links that change one
// thing: a sort, a page.
std::string Link(const http::Request& req, const std::map<std::string, std::string>& set,
                 const std::string& anchor = "#data") {
    std::multimap<std::string, std::string> params(req.QueryParams().begin(),
                                                   req.QueryParams().end());
    for (const auto& [k, v] : set) {
        params.erase(k);
        if (!v.empty()) params.emplace(k, v);
    }
    std::string q;
    for (const auto& [k, v] : params)
        q += (q.empty() ? "?" : "&") + core::UrlEncode(k) + "=" + core::UrlEncode(v);
    return std::string(req.path) + q + anchor;
}

View StateView(const jobs::Job& j, bool editor, jobs::JobService* jobs_for_log,
               const render::PageRenderer& pages, const std::string& locale) {
    View v;
    std::string state = jobs::ToString(j.state);
    v.Set("state", state).Set("state_label", pages.T(locale, "datastore.state_" + state));
    v.Set("running", j.state == jobs::JobState::kRunning || j.state == jobs::JobState::kQueued);
    v.Set("failed", j.state == jobs::JobState::kFailed);
    v.Set("succeeded", j.state == jobs::JobState::kSucceeded);
    int64_t max = std::max<int64_t>(1, j.progress_total);
    v.Set("progress_value", std::min(j.progress_done, max)).Set("progress_max", max);
    v.Set("percent", static_cast<int64_t>(100 * std::min(j.progress_done, max) / max));
    v.Set("message", pages.T(locale, j.message))
        .Set("error", pages.T(locale, j.error))
        .Set("has_error", !j.error.empty());
    v.Set("job_id", j.id);
    if (editor && jobs_for_log) {
        View log = View::List();
        for (const auto& e : jobs_for_log->LogUnchecked(j.id)) {
            View line;
            line.Set("at", e.at.size() >= 19 ? e.at.substr(11, 8) : e.at)
                .Set("level", e.level)
                .Set("message", pages.T(locale, e.message));
            log.Push(std::move(line));
        }
        v.Set("log", std::move(log)).Set("show_log", true);
    }
    return v;
}

}  // namespace

catalog::ResourcePageExtension ResourcePanel(DatastoreService& ds, jobs::JobService& jobs,
                                             const render::PageRenderer& pages) {
    return [&ds, &jobs, &pages](http::Request& req, const Json& dataset, const Json& resource,
                                View& page) -> int {
        const accounts::Principal* p = accounts::CurrentUser(req);
        const std::string rid = resource["id"];
        auto [src, held] = ds.Access(p, rid);
        bool editor = CanWriteTable(p, held);
        auto table = ds.TableOf(p, rid);
        auto job = ds.LatestLoad(rid);
        if (!table && !job) return 0;  // not a tabular resource
        const std::string& locale = req.locale;
        View v;
        std::string base = "/dataset/" + dataset["name"].get<std::string>() + "/resource/" + rid;
        v.Set("editor", editor).Set("base", base);
        int refresh = 0;
        if (job) {
            v.Set("load", StateView(*job, editor, &jobs, pages, locale)).Set("has_load", true);
            if (!job->finished_state()) refresh = 2;
            auto result = Json::parse(job->result.empty() ? "{}" : job->result, nullptr, false);
            if (editor && result.is_object() && result.contains("sheets") &&
                result["sheets"].size() > 1) {
                auto payload = Json::parse(job->payload, nullptr, false);
                std::string chosen = payload.is_object() ? payload.value("sheet", "") : "";
                View sheets = View::List();
                bool first = true;
                for (const auto& s : result["sheets"]) {
                    View sv;
                    std::string name = s.get<std::string>();
                    sv.Set("name", name).Set("selected", chosen.empty() ? first : chosen == name);
                    first = false;
                    sheets.Push(std::move(sv));
                }
                v.Set("sheets", std::move(sheets)).Set("has_sheets", true);
            }
        }
        if (!table) {
            page.Set("datastore", std::move(v));
            return refresh;
        }
        const TableInfo& t = *table;
        v.Set("has_table", true)
            .Set("row_count", Thousands(t.rows))
            .Set("field_count", static_cast<int64_t>(t.fields.size()));
        // The visible columns ("cols" lists field positions; default every field).
        std::vector<size_t> visible;
        for (const auto& [k, val] : req.QueryParams())
            if (k == "cols")
                if (auto n = core::ParseInt(val);
                    n && *n >= 0 && static_cast<size_t>(*n) < t.fields.size())
                    visible.push_back(static_cast<size_t>(*n));
        if (visible.empty())
            for (size_t i = 0; i < t.fields.size(); ++i) visible.push_back(i);
        std::sort(visible.begin(), visible.end());
        visible.erase(std::unique(visible.begin(), visible.end()), visible.end());
        // The query: words over every field, per-column filters (contains), a sort, a page.
        SearchQuery q;
        std::string words = req.Query("q");
        q.terms = search::Terms(words);
        View filters = View::List();
        std::map<std::string, std::string> filter_params;
        for (size_t i = 0; i < t.fields.size(); ++i) {
            std::string key = "f" + std::to_string(i);
            std::string val = core::Trim(req.Query(key));
            if (!val.empty()) {
                std::vector<std::string> parts;
                for (auto& w : core::Split(val, ' '))
                    if (!w.empty()) parts.push_back(w);
                q.field_words.emplace_back(i, parts);
                filter_params[key] = val;
            }
        }
        // A mistyped sort or page reads as none and the first page: the page never refuses.
        Json query = api::QueryJson(req);
        api::Params args(query, api::ParamErrors::kFallback);
        int64_t sort_field = args.Int("sort", -1, 0, static_cast<int64_t>(t.fields.size()) - 1);
        bool desc = args.String("dir") == "desc";
        if (sort_field >= 0) q.sort.push_back({static_cast<size_t>(sort_field), desc});
        int64_t page_no = args.Int("page", 1, 1, kMaxPage);
        q.limit = kPageRows;
        q.offset = (page_no - 1) * kPageRows;
        q.columns = visible;
        SearchResult r = ds.Query(t, q);
        int64_t total = r.total.value_or(0);
        int64_t pages_count = std::max<int64_t>(1, (total + kPageRows - 1) / kPageRows);
        View columns = View::List();
        for (size_t i : visible) {
            const Field& f = t.fields[i];
            View c;
            bool sorted = sort_field == static_cast<int64_t>(i);
            c.Set("id", f.id)
                .Set("label", f.label.empty() ? f.id : f.label)
                .Set("type", TypeName(f.type))
                .Set("numeric", f.type == FieldType::kInt || f.type == FieldType::kNumeric)
                .Set("sorted", sorted)
                .Set("sort_desc", sorted && desc)
                .Set("aria_sort", sorted ? (desc ? "descending" : "ascending") : "none")
                .Set("sort_url", Link(req, {{"sort", std::to_string(i)},
                                            {"dir", sorted && !desc ? "desc" : "asc"},
                                            {"page", ""}}))
                .Set("filter_name", "f" + std::to_string(i))
                .Set("filter_value", req.Query("f" + std::to_string(i)));
            columns.Push(std::move(c));
        }
        View all_fields = View::List();
        for (size_t i = 0; i < t.fields.size(); ++i) {
            View c;
            c.Set("index", static_cast<int64_t>(i))
                .Set("id", t.fields[i].id)
                .Set("label", t.fields[i].label.empty() ? t.fields[i].id : t.fields[i].label)
                .Set("shown", std::find(visible.begin(), visible.end(), i) != visible.end());
            all_fields.Push(std::move(c));
        }
        std::vector<bool> years;  // per shown column, decided once for every row
        for (size_t i : visible) {
            const Field& f = t.fields[i];
            years.push_back(f.type == FieldType::kInt &&
                            (IsYearColumn(f.id) || IsYearColumn(f.label)));
        }
        View rows = View::List();
        for (const auto& row : r.rows) {
            View cells = View::List();
            for (size_t c = 0; c < row.size(); ++c) {
                const Field& f = t.fields[visible[c]];
                View cell;
                cell.Set("value", Display(f.type, years[c], row[c], locale))
                    .Set("numeric", f.type == FieldType::kInt || f.type == FieldType::kNumeric)
                    .Set("empty", !row[c].has_value());
                cells.Push(std::move(cell));
            }
            View rv;
            rv.Set("cells", std::move(cells));
            rows.Push(std::move(rv));
        }
        View tv;
        tv.Set("columns", std::move(columns))
            .Set("all_fields", std::move(all_fields))
            .Set("rows", std::move(rows))
            .Set("total", Thousands(total))
            .Set("page", page_no)
            .Set("pages", pages_count)
            .Set("q", words)
            .Set("sort", sort_field >= 0 ? std::to_string(sort_field) : std::string())
            .Set("dir", desc ? "desc" : "")
            .Set("empty", r.rows.empty());
        // The form keeps the sort and the column choice as hidden fields.
        View hidden = View::List();
        auto keep = [&hidden](const std::string& name, const std::string& value) {
            View h;
            h.Set("name", name).Set("value", value);
            hidden.Push(std::move(h));
        };
        if (sort_field >= 0) keep("sort", std::to_string(sort_field));
        if (sort_field >= 0 && desc) keep("dir", "desc");
        for (const auto& [k, val] : req.QueryParams())
            if (k == "cols") keep(k, val);
        tv.Set("hidden", std::move(hidden));
        if (page_no > 1)
            tv.Set("prev_url", Link(req, {{"page", std::to_string(page_no - 1)}}))
                .Set("has_prev", true);
        if (page_no < pages_count)
            tv.Set("next_url", Link(req, {{"page", std::to_string(page_no + 1)}}))
                .Set("has_next", true);
        // "Download what I see": the same words, filters, sort and columns, every row.
        Json dump_q = Json::object();
        for (const auto& [field, ws] : q.field_words) {
            std::string joined;
            for (const auto& w : ws) joined += (joined.empty() ? "" : " ") + w;
            dump_q[t.fields[field].id] = joined;
        }
        std::string dump = "/datastore/dump/" + core::UrlEncode(rid) + "?";
        std::string common;
        if (!words.empty() && dump_q.empty()) common += "&q=" + core::UrlEncode(words);
        if (!dump_q.empty()) {
            // Words over every field and per-column words cannot both go in `q`: the column
            // words win, the general words join them on the first filtered column.
            if (!words.empty())
                dump_q[dump_q.begin().key()] = dump_q.begin()->get<std::string>() + " " + words;
            common += "&q=" + core::UrlEncode(dump_q.dump());
        }
        if (!q.sort.empty())
            common +=
                "&sort=" + core::UrlEncode(t.fields[q.sort[0].field].id + (desc ? " desc" : ""));
        std::string cols;
        for (size_t i : visible) cols += (cols.empty() ? "" : ",") + t.fields[i].id;
        if (visible.size() != t.fields.size()) common += "&fields=" + core::UrlEncode(cols);
        tv.Set("csv_url", dump + "format=csv&bom=true" + common)
            .Set("xlsx_url", dump + "format=xlsx" + common)
            .Set("json_url", dump + "format=json" + common);
        v.Set("table", std::move(tv));
        // The API, with this table's own fields and its first row's values in the examples.
        SearchQuery first_row;
        first_row.limit = 1;
        first_row.total = false;
        for (size_t i = 0; i < t.fields.size(); ++i) first_row.columns.push_back(i);
        SearchResult sample = ds.Query(t, first_row);
        v.Set("api", ApiExamples(ds.site_url(), rid, t,
                                 sample.rows.empty() ? std::vector<std::optional<std::string>>{}
                                                     : sample.rows[0]));
        v.Set("openapi_url", base + "/openapi.json");
        // The data dictionary (editors).
        if (editor) {
            View dict = View::List();
            for (size_t i = 0; i < t.fields.size(); ++i) {
                const Field& f = t.fields[i];
                View fv;
                fv.Set("index", static_cast<int64_t>(i))
                    .Set("id", f.id)
                    .Set("label", f.label)
                    .Set("description", f.description)
                    .Set("type", TypeName(f.type));
                View types = View::List();
                View automatic;
                automatic.Set("value", "")
                    .Set("label", pages.T(locale, "datastore.type_auto"))
                    .Set("selected", !f.type_override);
                types.Push(std::move(automatic));
                for (FieldType ft : {FieldType::kText, FieldType::kInt, FieldType::kNumeric,
                                     FieldType::kBool, FieldType::kDate, FieldType::kTimestamp}) {
                    View o;
                    o.Set("value", TypeName(ft))
                        .Set("label",
                             pages.T(locale, std::string("datastore.type_") + TypeName(ft)))
                        .Set("selected", f.type_override && f.type == ft);
                    types.Push(std::move(o));
                }
                fv.Set("types", std::move(types));
                dict.Push(std::move(fv));
            }
            v.Set("dictionary", std::move(dict));
        }
        page.Set("datastore", std::move(v));
        return refresh;
    };
}

void RegisterPages(http::Router& router, DatastoreService& ds, const render::PageRenderer&) {
    auto back = [](http::Request& req, const std::string& anchor) {
        return http::Response::Redirect("/dataset/" + std::string(req.PathParam("name")) +
                                        "/resource/" + std::string(req.PathParam("id")) + anchor);
    };
    router.Post("/dataset/{name}/resource/{id}/datastore/reload",
                [&ds, back](http::Request& req) {
                    const accounts::Principal* p = accounts::CurrentUser(req);
                    if (!p) throw HttpError::Unauthorized();
                    ds.Reload(p, std::string(req.PathParam("id")), req.FormValue("sheet"));
                    return back(req, "#load");
                },
                {.body_limit = 64 << 10, .rate_limit = "form"});
    router.Post("/dataset/{name}/resource/{id}/datastore/dictionary",
                [&ds, back](http::Request& req) {
                    const accounts::Principal* p = accounts::CurrentUser(req);
                    if (!p) throw HttpError::Unauthorized();
                    std::string rid(req.PathParam("id"));
                    auto table = ds.TableOf(p, rid);
                    if (!table) throw HttpError::NotFound("datastore.no_table");
                    Json fields = Json::array();
                    for (size_t i = 0; i < table->fields.size(); ++i) {
                        std::string n = std::to_string(i);
                        Json info = {{"label", core::Trim(req.FormValue("label" + n))},
                                     {"notes", core::Trim(req.FormValue("notes" + n))}};
                        std::string type = req.FormValue("type" + n);
                        if (!type.empty()) info["type_override"] = type;
                        fields.push_back({{"id", table->fields[i].id}, {"info", info}});
                    }
                    ds.Create(p, {{"resource_id", rid}, {"fields", fields}});
                    return back(req, "#dictionary");
                },
                {.body_limit = 1 << 20, .rate_limit = "form"});
    router.Get("/dataset/{name}/resource/{id}/openapi.json", [&ds](http::Request& req) {
        std::string rid(req.PathParam("id"));
        auto table = ds.TableOf(accounts::CurrentUser(req), rid);
        if (!table) throw HttpError::NotFound("datastore.no_table");
        return http::Response::Json(OpenApiDocument(ds.site_url(), rid, *table).dump(2));
    });
}

}  // namespace govhub::datastore
