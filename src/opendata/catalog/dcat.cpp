#include "opendata/catalog/dcat.hpp"

#include "core/strings.hpp"

#include <set>
#include <vector>

namespace govhub::catalog {

using nlohmann::json;

namespace {

// update_frequency_unit (GD-Catalog) -> EU frequency vocabulary.
std::string Frequency(const std::string& unit) {
    static const std::pair<const char*, const char*> kMap[] = {
        {"ปี", "ANNUAL"},
        {"ครึ่งปี", "ANNUAL_2"},
        {"ไตรมาส", "QUARTERLY"},
        {"เดือน", "MONTHLY"},
        {"สัปดาห์", "WEEKLY"},
        {"วัน", "DAILY"},
        {"วันทำการ", "DAILY"},
        {"ชั่วโมง", "HOURLY"},
        {"นาที", "CONT"},
        {"ตามเวลาจริง", "UPDATE_CONT"},
        {"ไม่มีการปรับปรุงหลังจากการจัดเก็บข้อมูล", "NEVER"}};
    for (const auto& [th, eu] : kMap)
        if (unit == th)
            return std::string("http://publications.europa.eu/resource/authority/frequency/") + eu;
    return {};
}

std::string DatasetUri(const std::string& site, const json& d) {
    return site + "/dataset/" + d["name"].get<std::string>();
}

json DatasetNode(const std::string& site, const json& d) {
    json node = {{"@id", DatasetUri(site, d)},
                 {"@type", "dcat:Dataset"},
                 {"dct:identifier", d["id"]},
                 {"dct:title", {{"@value", d["title"]}, {"@language", "th"}}},
                 {"dct:description", {{"@value", d["notes"]}, {"@language", "th"}}},
                 {"dct:issued", {{"@value", d["metadata_created"]}, {"@type", "xsd:dateTime"}}},
                 {"dct:modified", {{"@value", d["metadata_modified"]}, {"@type", "xsd:dateTime"}}},
                 {"dcat:landingPage", {{"@id", DatasetUri(site, d)}}}};
    // English beside the Thai, as @en literals (ckanext-fluent's title_translated /
    // notes_translated).
    for (auto [base, prop] :
         {std::pair{"title", "dct:title"}, std::pair{"notes", "dct:description"}})
        if (auto tr = d.find(std::string(base) + "_translated"); tr != d.end() && tr->is_object())
            if (std::string en = tr->value("en", ""); !en.empty())
                node[prop] = json::array({node[prop], {{"@value", en}, {"@language", "en"}}});
    json keywords = json::array();
    for (const auto& t : d["tags"])
        keywords.push_back({{"@value", t["name"]}, {"@language", "th"}});
    node["dcat:keyword"] = keywords;
    if (d.contains("organization"))
        node["dct:publisher"] = {
            {"@id", site + "/organization/" + d["organization"]["name"].get<std::string>()},
            {"@type", "foaf:Organization"},
            {"foaf:name", d["organization"]["title"]}};
    if (!d.value("maintainer", "").empty() || !d.value("maintainer_email", "").empty())
        node["dcat:contactPoint"] = {
            {"@type", "vcard:Kind"},
            {"vcard:fn", d.value("maintainer", "")},
            {"vcard:hasEmail", {{"@id", "mailto:" + d.value("maintainer_email", "")}}}};
    if (d.contains("update_frequency_unit") && d["update_frequency_unit"].is_string()) {
        std::string f = Frequency(d["update_frequency_unit"]);
        if (!f.empty()) node["dct:accrualPeriodicity"] = {{"@id", f}};
    }
    if (d.contains("data_language") && d["data_language"].is_array())
        for (const auto& l : d["data_language"])
            if (l == "ไทย")
                node["dct:language"] = {
                    {"@id", "http://publications.europa.eu/resource/authority/language/THA"}};
    if (d.contains("geo_coverage") && d["geo_coverage"].is_string())
        node["dct:spatial"] = {{"@type", "dct:Location"}, {"rdfs:label", d["geo_coverage"]}};
    if (d.contains("data_source")) node["dct:source"] = d["data_source"];
    if (d.contains("data_category"))
        node["dct:accessRights"] = {{"rdfs:label", d["data_category"]}};
    json dists = json::array();
    for (const auto& r : d["resources"]) {
        json dist = {{"@id", site + "/dataset/" + d["name"].get<std::string>() + "/resource/" +
                                 r["id"].get<std::string>()},
                     {"@type", "dcat:Distribution"},
                     {"dct:title", r["name"]},
                     {"dct:description", r["description"]},
                     {"dcat:accessURL", {{"@id", r["url"]}}},
                     {"dct:format", r["format"]}};
        if (r.value("url_type", json()).is_string()) dist["dcat:downloadURL"] = {{"@id", r["url"]}};
        if (r["size"].is_number())
            dist["dcat:byteSize"] = {{"@value", r["size"]}, {"@type", "xsd:decimal"}};
        if (r["mimetype"].is_string()) dist["dcat:mediaType"] = r["mimetype"];
        if (!d.value("license_url", "").empty()) dist["dct:license"] = {{"@id", d["license_url"]}};
        dists.push_back(dist);
    }
    node["dcat:distribution"] = dists;
    if (!d.value("license_url", "").empty()) node["dct:license"] = {{"@id", d["license_url"]}};
    return node;
}

const json& Context() {
    static const json ctx = {{"dcat", "http://www.w3.org/ns/dcat#"},
                             {"dct", "http://purl.org/dc/terms/"},
                             {"foaf", "http://xmlns.com/foaf/0.1/"},
                             {"vcard", "http://www.w3.org/2006/vcard/ns#"},
                             {"xsd", "http://www.w3.org/2001/XMLSchema#"},
                             {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
                             {"adms", "http://www.w3.org/ns/adms#"}};
    return ctx;
}

// JSON's string escapes (\" \\ \n \r \t \uXXXX) are all Turtle escapes too.
std::string TurtleString(const std::string& s) {
    return "\"" + core::JsonEscape(s) + "\"";
}

// Turtle for one JSON-LD node (the shapes DatasetNode produces). Nodes without an @id are
// written inline as blank nodes; a nested node with its own @id (a publisher, a distribution)
// is referred to by IRI and queued in `named`, to be written as a subject of its own.
void WriteNode(std::string& out, const json& node, int indent, std::vector<json>& named) {
    std::string pad(static_cast<size_t>(indent), ' ');
    bool first = true;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (it.key() == "@id") continue;
        std::string pred = it.key() == "@type" ? "a" : it.key();
        json values = it->is_array() ? *it : json::array({*it});
        if (values.empty()) continue;
        out += first ? "" : " ;\n";
        first = false;
        out += pad + pred + " ";
        bool first_value = true;
        for (const auto& v : values) {
            out += first_value ? "" : ", ";
            first_value = false;
            if (pred == "a") {
                out += v.get<std::string>();
            } else if (v.is_object() && v.contains("@value")) {
                out += TurtleString(v["@value"].is_string() ? v["@value"].get<std::string>()
                                                            : v["@value"].dump());
                if (v.contains("@language")) out += "@" + v["@language"].get<std::string>();
                if (v.contains("@type")) out += "^^" + v["@type"].get<std::string>();
            } else if (v.is_object() && v.contains("@id")) {
                out += "<" + v["@id"].get<std::string>() + ">";
                if (v.size() > 1) named.push_back(v);
            } else if (v.is_object()) {
                out += "[\n";
                WriteNode(out, v, indent + 4, named);
                out += "\n" + pad + "]";
            } else if (v.is_string()) {
                out += TurtleString(v.get<std::string>());
            } else {
                out += TurtleString(v.dump());
            }
        }
    }
}

}  // namespace

json DcatJsonLd(const std::string& site, const std::string& title,
                const std::vector<json>& datasets, bool whole_catalog) {
    json graph = json::array();
    for (const auto& d : datasets) graph.push_back(DatasetNode(site, d));
    if (!whole_catalog && !graph.empty()) {
        json node = graph[0];
        node["@context"] = Context();
        return node;
    }
    json catalog = {{"@id", site + "/catalog"},
                    {"@type", "dcat:Catalog"},
                    {"dct:title", {{"@value", title}, {"@language", "th"}}},
                    {"foaf:homepage", {{"@id", site + "/"}}},
                    {"dcat:dataset", json::array()}};
    for (const auto& d : datasets)
        catalog["dcat:dataset"].push_back({{"@id", DatasetUri(site, d)}});
    graph.insert(graph.begin(), catalog);
    return {{"@context", Context()}, {"@graph", graph}};
}

std::string DcatTurtle(const std::string& site, const std::string& title,
                       const std::vector<json>& datasets, bool whole_catalog) {
    std::string out;
    for (auto it = Context().begin(); it != Context().end(); ++it)
        out += "@prefix " + it.key() + ": <" + it->get<std::string>() + "> .\n";
    out += "\n";
    json doc = DcatJsonLd(site, title, datasets, whole_catalog);
    json graph = doc.contains("@graph") ? doc["@graph"] : json::array({doc});
    std::vector<json> nodes(graph.begin(), graph.end());
    std::set<std::string> written;  // a publisher shared by many datasets is described once
    for (size_t i = 0; i < nodes.size(); ++i) {
        json node = nodes[i];
        node.erase("@context");
        std::string id = node["@id"].get<std::string>();
        if (!written.insert(id).second) continue;
        out += "<" + id + ">\n";
        WriteNode(out, node, 4, nodes);
        out += " .\n\n";
    }
    return out;
}

}  // namespace govhub::catalog
