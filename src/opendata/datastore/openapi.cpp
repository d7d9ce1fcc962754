#include "opendata/datastore/openapi.hpp"

#include "core/strings.hpp"

namespace govhub::datastore {

using Json = nlohmann::json;

namespace {

Json SchemaOf(FieldType t) {
    switch (t) {
        case FieldType::kInt:
            return {{"type", "integer"}};
        case FieldType::kNumeric:
            return {{"type", "number"}};
        case FieldType::kBool:
            return {{"type", "boolean"}};
        case FieldType::kDate:
            return {{"type", "string"}, {"format", "date"}};
        case FieldType::kTimestamp:
            return {{"type", "string"}, {"format", "date-time"}};
        case FieldType::kJson:
            return Json::object();
        case FieldType::kText:
            break;
    }
    return {{"type", "string"}};
}

// A field for the examples: the first text field (filters), the first number (sorting).
const Field* First(const TableInfo& t, bool numeric) {
    for (const auto& f : t.fields)
        if ((f.type == FieldType::kInt || f.type == FieldType::kNumeric) == numeric) return &f;
    return t.fields.empty() ? nullptr : &t.fields[0];
}

std::string ShellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

Json OpenApiDocument(const std::string& site_url, const std::string& resource_id,
                     const TableInfo& table) {
    Json record = {{"type", "object"}, {"properties", {{"_id", {{"type", "integer"}}}}}};
    for (const auto& f : table.fields) {
        Json s = SchemaOf(f.type);
        if (!f.label.empty()) s["title"] = f.label;
        if (!f.description.empty()) s["description"] = f.description;
        s["nullable"] = true;
        record["properties"][f.id] = s;
    }
    Json field_names = Json::array({"_id"});
    for (const auto& f : table.fields) field_names.push_back(f.id);
    auto param = [](const char* name, const char* in, const char* desc, Json schema) {
        return Json{{"name", name}, {"in", in}, {"description", desc}, {"schema", schema}};
    };
    Json search_params = Json::array(
        {param("resource_id", "query", "this resource",
               {{"type", "string"}, {"enum", {resource_id}}}),
         param("q", "query",
               "words (Thai segmented), each matched as a prefix in any field; or a JSON object "
               "{field: words}",
               {{"type", "string"}}),
         param("filters", "query", "JSON object {field: value | [values] | {gt|gte|lt|lte: value}}",
               {{"type", "string"}}),
         param("fields", "query", "comma-separated field ids", {{"type", "string"}}),
         param("sort", "query", "\"field\" or \"field desc\", comma-separated",
               {{"type", "string"}}),
         param("distinct", "query", "distinct rows", {{"type", "boolean"}}),
         param("limit", "query", "rows per page (at most 32000)",
               {{"type", "integer"}, {"default", 100}}),
         param("offset", "query", "rows to skip", {{"type", "integer"}, {"default", 0}}),
         param("after", "query",
               "keyset paging: the _id after which the page starts (next_page.after)",
               {{"type", "integer"}}),
         param("include_total", "query", "count every matching row",
               {{"type", "boolean"}, {"default", true}}),
         param("records_format", "query", "objects, lists, csv or tsv",
               {{"type", "string"}, {"enum", {"objects", "lists", "csv", "tsv"}}})});
    Json doc = {
        {"openapi", "3.0.3"},
        {"info",
         {{"title", "govhub datastore: " + resource_id},
          {"version", "1"},
          {"description", "The automatic API of one resource's table (CKAN's datastore_search)."}}},
        {"servers", Json::array({{{"url", site_url}}})},
        {"components",
         {{"schemas", {{"Record", record}}},
          {"securitySchemes",
           {{"apiToken", {{"type", "apiKey"}, {"in", "header"}, {"name", "Authorization"}}}}}}},
        {"paths",
         {{"/api/3/action/datastore_search",
           {{"get",
             {{"summary", "Rows of the table"},
              {"parameters", search_params},
              {"security", Json::array({Json::object(), {{"apiToken", Json::array()}}})},
              {"responses",
               {{"200",
                 {{"description", "CKAN envelope; result.records are the rows"},
                  {"content",
                   {{"application/json",
                     {{"schema",
                       {{"type", "object"},
                        {"properties",
                         {{"success", {{"type", "boolean"}}},
                          {"result",
                           {{"type", "object"},
                            {"properties",
                             {{"records",
                               {{"type", "array"},
                                {"items", {{"$ref", "#/components/schemas/Record"}}}}},
                              {"total", {{"type", "integer"}}},
                              {"next_page", {{"type", "object"}}}}}}}}}}}}}}}}},
                {"409", {{"description", "a parameter is not valid (the error names it)"}}},
                {"404", {{"description", "no such table"}}}}}}}}},
          {"/datastore/dump/" + resource_id,
           {{"get",
             {{"summary", "Every matching row as a file"},
              {"parameters",
               Json::array(
                   {param("format", "query", "csv, tsv, json or xlsx",
                          {{"type", "string"}, {"enum", {"csv", "tsv", "json", "xlsx"}}}),
                    param("bom", "query", "start CSV with a UTF-8 byte-order mark (Excel)",
                          {{"type", "boolean"}}),
                    param("q", "query", "as datastore_search", {{"type", "string"}}),
                    param("filters", "query", "as datastore_search", {{"type", "string"}}),
                    param("sort", "query", "as datastore_search", {{"type", "string"}}),
                    param("fields", "query", "as datastore_search", {{"type", "string"}})})},
              {"responses", {{"200", {{"description", "the file, streamed"}}}}}}}}}}},
        {"x-fields", field_names}};
    return doc;
}

render::View ApiExamples(const std::string& site_url, const std::string& resource_id,
                         const TableInfo& table,
                         const std::vector<std::optional<std::string>>& sample) {
    render::View v;
    // The examples use a value of the table's first row, so that copying one returns rows: the
    // first text field that has a value there (filters, q), else any field that has one.
    auto value_of = [&](const Field& f) -> const std::optional<std::string>* {
        size_t i = static_cast<size_t>(&f - table.fields.data());
        if (i >= sample.size() || !sample[i] || sample[i]->empty()) return nullptr;
        return &sample[i];
    };
    const Field* text = nullptr;
    for (const auto& f : table.fields)
        if (f.type == FieldType::kText && value_of(f)) {
            text = &f;
            break;
        }
    if (!text)
        for (const auto& f : table.fields)
            if (value_of(f)) {
                text = &f;
                break;
            }
    const Field* number = First(table, true);
    std::string search = site_url + "/api/3/action/datastore_search";
    std::string rid_q = "?resource_id=" + core::UrlEncode(resource_id);
    v.Set("search_url", search + rid_q + "&limit=5");
    std::string filter_field = text ? text->id : "_id";
    std::string sort_field = number ? number->id : "_id";
    Json filters = Json::object();
    std::string value = text ? **value_of(*text) : "1";
    if (text)
        filters[filter_field] = value;
    else
        filters[filter_field] = 1;
    // Full-text words: the value's first words (the whole of a long value is a mouthful).
    std::string words = value.size() > 60 ? value.substr(0, value.find(' ', 40)) : value;
    std::string fields =
        filter_field == sort_field ? filter_field : filter_field + "," + sort_field;
    render::View examples = render::View::List();
    // The link's text is the URL as a person reads it (Thai words, not percent escapes).
    auto example = [&](const std::string& key,
                       const std::vector<std::pair<std::string, std::string>>& params) {
        std::string url = search + rid_q, shown = search + rid_q;
        for (const auto& [k, val] : params) {
            url += "&" + k + "=" + core::UrlEncode(val);
            shown += "&" + k + "=" + val;
        }
        render::View e;
        e.Set("key", key).Set("url", url).Set("text", shown).Set("is_" + key, true);
        examples.Push(std::move(e));
    };
    example("filters", {{"filters", filters.dump()}, {"limit", "5"}});
    bool words_example = text && text->type == FieldType::kText;
    if (words_example) example("q", {{"q", words}, {"limit", "5"}});
    example("fields_sort", {{"fields", fields}, {"sort", sort_field + " desc"}, {"limit", "5"}});
    v.Set("examples", std::move(examples));
    std::string curl = "curl -G " + ShellQuote(search) + " \\\n  --data-urlencode " +
                       ShellQuote("resource_id=" + resource_id) + " \\\n  --data-urlencode " +
                       ShellQuote(words_example ? "q=" + words : "filters=" + filters.dump()) +
                       " \\\n  --data-urlencode " + ShellQuote("sort=" + sort_field + " desc") +
                       " \\\n  --data-urlencode 'limit=5'";
    v.Set("curl", curl);
    // Python's single-quoted string holds the filters' JSON; a quote or backslash in the value
    // is escaped for Python.
    std::string py_filters;
    for (char c : filters.dump()) {
        if (c == '\\' || c == '\'') py_filters += '\\';
        py_filters += c;
    }
    std::string py =
        "import requests\n\n"
        "r = requests.get(\"" +
        search +
        "\", params={\n"
        "    \"resource_id\": \"" +
        resource_id +
        "\",\n"
        "    \"filters\": '" +
        py_filters +
        "',\n"
        "    \"sort\": \"" +
        core::JsonEscape(sort_field) +
        " desc\",\n"
        "    \"limit\": 5,\n"
        "})\n"
        "for row in r.json()[\"result\"][\"records\"]:\n"
        "    print(row[\"" +
        core::JsonEscape(filter_field) + "\"], row[\"" + core::JsonEscape(sort_field) + "\"])\n";
    v.Set("python", py);
    std::string js = "const url = new URL(\"" + search +
                     "\");\n"
                     "url.search = new URLSearchParams({\n"
                     "  resource_id: \"" +
                     resource_id +
                     "\",\n"
                     "  fields: \"" +
                     core::JsonEscape(fields) +
                     "\",\n"
                     "  sort: \"" +
                     core::JsonEscape(sort_field) +
                     " desc\",\n"
                     "  limit: \"5\",\n"
                     "});\n"
                     "const { result } = await (await fetch(url)).json();\n"
                     "console.table(result.records);\n";
    v.Set("js", js);
    v.Set("sql",
          "SELECT \"" + filter_field + "\", COUNT(*) FROM \"" + resource_id + "\" GROUP BY 1");
    v.Set("sql_url", site_url + "/api/3/action/datastore_search_sql?sql=" +
                         core::UrlEncode("SELECT * FROM \"" + resource_id + "\" LIMIT 5"));
    v.Set("dump_url", site_url + "/datastore/dump/" + resource_id + "?format=csv&bom=true");
    return v;
}

}  // namespace govhub::datastore
