// The catalog service: construction, the checks every stage shares (the role held, who may read
// or edit), and the helpers of service_internal.hpp. The stages are in their own files:
// service_groups.cpp (organizations and groups), service_datasets.cpp, service_resources.cpp,
// service_activity.cpp (activity, autocomplete, trash, tag and licence lists, bulk update) and
// service_dictize.cpp (the dictionaries given out).
#include "opendata/catalog/service.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "agencies/store.hpp"
#include "audit/audit.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"
#include "opendata/catalog/auth.hpp"
#include "opendata/catalog/search_snapshot.hpp"
#include "opendata/catalog/service_internal.hpp"
#include "opendata/catalog/store.hpp"

namespace govhub::catalog {

using accounts::Principal;

namespace internal {

bool ValidName(const std::string& s) {
    return accounts::IsValidSlug(s, 2, 100);
}

void CheckName(const std::string& name, const std::string& previous,
               std::vector<FieldError>& errors) {
    static const std::set<std::string> kReserved = {"new", "edit", "search", "delete", "members"};
    if (name.empty())
        errors.push_back({"name", "schema.required"});
    else if (!ValidName(name))
        errors.push_back({"name", "catalog.name_invalid"});
    else if (name != previous && kReserved.count(name))
        errors.push_back({"name", "catalog.name_reserved"});
}

void CheckImageUrl(const std::string& url, std::vector<FieldError>& errors) {
    if (!url.empty() && !core::StartsWith(url, "http://") && !core::StartsWith(url, "https://"))
        errors.push_back({"image_url", "schema.bad_url"});
}

std::string ChosenId(const Principal* p, const Json& dict, std::vector<FieldError>& errors,
                     const std::string& field) {
    if (!p || !p->sysadmin || !dict.is_object()) return {};
    auto it = dict.find("id");
    if (it == dict.end() || it->is_null()) return {};
    std::string id = it->is_string() ? core::Trim(it->get<std::string>()) : std::string("\x01");
    if (id.empty()) return {};
    // It names a directory of uploaded files (<files_dir>/<id>/), a page (/dataset/<id>) and a
    // datastore table: it starts with a letter or digit (never ".", ".." or a hidden name), is
    // no reserved word of the pages or of SQLite ("main", "temp", "sqlite_…"). That it is free,
    // compared without case (SQLite's table names are), is the caller's check.
    static const std::set<std::string> kReserved = {"new",     "edit", "search", "delete",
                                                    "members", "main", "temp"};
    std::string lower = core::ToLower(id);
    bool ok = id.size() <= 100 && std::isalnum(static_cast<unsigned char>(id[0])) &&
              !kReserved.count(lower) && !core::StartsWith(lower, "sqlite_") &&
              std::all_of(id.begin(), id.end(), [](char ch) {
                  return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
                         ch == '.';
              });
    if (!ok) {
        errors.push_back({field, "catalog.bad_id"});
        return {};
    }
    return id;
}

std::string Str(const Json& d, const char* key) {
    auto it = d.find(key);
    if (it == d.end() || it->is_null()) return {};
    if (it->is_string()) return core::Trim(it->get<std::string>());
    return {};
}

Translation ReadTranslation(const Json& dict, const std::string& base, size_t en_limit,
                            const std::string& current, std::vector<FieldError>& errors) {
    Translation t;
    const std::string tkey = base + "_translated", pkey = base + "_en";
    std::optional<std::string> from_translated;
    if (auto found = dict.find(tkey); found != dict.end()) {
        // A form or a JSON client may send the object as JSON text, as ckanext-fluent accepts
        // (read within the JSON limits; text that is no JSON object stays text, refused below).
        const Json* v = &*found;
        Json parsed;
        if (v->is_string() && core::StartsWith(core::Trim(v->get<std::string>()), "{")) {
            parsed = core::ParseJsonBoundedOrDiscarded(v->get<std::string>());
            if (parsed.is_object()) v = &parsed;
        }
        if (v->is_null()) {
            from_translated = "";
        } else if (!v->is_object()) {
            errors.push_back({tkey, "catalog.translated_not_object"});
        } else {
            bool ok = true;
            for (auto e = v->begin(); e != v->end(); ++e) {
                if (e.key() != "th" && e.key() != "en") {
                    errors.push_back({tkey, "catalog.translated_bad_language"});
                    ok = false;
                    break;
                }
                if (!e->is_string() && !e->is_null()) {
                    errors.push_back({tkey, "catalog.translated_not_string"});
                    ok = false;
                    break;
                }
            }
            if (ok) {
                from_translated = Str(*v, "en");
                if (v->contains("th")) t.th = Str(*v, "th");
            }
        }
    }
    std::optional<std::string> plain;
    if (dict.contains(pkey)) {
        if (const Json& v = dict[pkey]; !v.is_string() && !v.is_null())
            errors.push_back({pkey, "catalog.translated_not_string"});
        else
            plain = Str(dict, pkey.c_str());
    }
    std::string from = pkey;
    if (plain && (!from_translated || *plain != current)) {
        t.given = true;
        t.en = *plain;
    } else if (from_translated) {
        t.given = true;
        t.en = *from_translated;
        from = tkey;
    }
    if (t.given && core::Utf8Length(t.en) > en_limit)
        errors.push_back({from, "error.field_too_long"});
    return t;
}

void TakeTranslated(const Json& dict, const std::string& base, size_t en_limit, bool patch,
                    std::string& thai, std::string& english, std::vector<FieldError>& errors) {
    Translation t = ReadTranslation(dict, base, en_limit, english, errors);
    std::string plain = Str(dict, base.c_str());
    // What was given holds no control characters (a title no line breaks either).
    bool multiline = base != "title";
    std::string given_thai = !plain.empty() ? plain : t.th.value_or("");
    if (core::HasStrayControls(given_thai, multiline))
        errors.push_back({plain.empty() ? base + "_translated" : base, "error.stray_controls"});
    if (t.given && core::HasStrayControls(t.en, multiline))
        errors.push_back({dict.contains(base + "_en") ? base + "_en" : base + "_translated",
                          "error.stray_controls"});
    if (!plain.empty())
        thai = plain;
    else if (t.th && !t.th->empty())
        thai = *t.th;
    else if (dict.contains(base) || !patch)
        thai.clear();
    if (t.given)
        english = t.en;
    else if (!patch)
        english.clear();
}

void RecordChange(db::Connection& c, const accounts::Caller& caller, const std::string& action,
                  const std::string& type, const std::string& id, const Json& details) {
    if (type == "dataset" && action != "dataset.purge")
        store::MarkDatasetChanged(c, id);
    else if (action.find(".member_") != std::string::npos)
        store::BumpVersion(c);  // who may see what is decided per query, not held in snapshots
    else
        store::MarkStructureChanged(c);
    audit::Record(c, caller.actor(), action, type, id, details);
}

std::optional<agencies::Role> RoleIn(db::Connection& c, const Principal* p,
                                     const std::string& org_id) {
    if (!p) return std::nullopt;
    return agencies::store::RoleOf(c, p->user_id, org_id);
}

Json Diff(const Json& before, const Json& after) {
    static const std::set<std::string> kIgnore = {"metadata_modified", "num_resources", "num_tags",
                                                  "organization"};
    Json out = Json::object();
    std::set<std::string> keys;
    for (auto it = before.begin(); it != before.end(); ++it) keys.insert(it.key());
    for (auto it = after.begin(); it != after.end(); ++it) keys.insert(it.key());
    for (const auto& k : keys) {
        if (kIgnore.count(k)) continue;
        Json a = before.contains(k) ? before[k] : Json(nullptr);
        Json b = after.contains(k) ? after[k] : Json(nullptr);
        if (a != b) out[k] = Json::array({a, b});
    }
    return out;
}

}  // namespace internal

using internal::RoleIn;

CatalogService::CatalogService(db::Database& db, const CatalogSchema& schema,
                               accounts::AccountService& accounts, std::string site_url,
                               std::string files_dir, uint64_t max_upload_bytes)
    : db_(db),
      schema_(schema),
      accounts_(accounts),
      site_url_(std::move(site_url)),
      files_dir_(std::move(files_dir)),
      max_upload_bytes_(max_upload_bytes),
      snapshots_(std::make_unique<SearchSnapshots>(db)) {}

CatalogService::~CatalogService() = default;

std::optional<agencies::Role> CatalogService::HeldIn(const Principal* p,
                                                     const std::string& org_id) {
    // Anonymous callers hold nothing and sysadmins everything: no need to ask the database.
    if (!p || p->sysadmin) return std::nullopt;
    return db_.Read([&](db::Connection& c) { return RoleIn(c, p, org_id); });
}

bool CatalogService::CanEdit(const Principal* p, const std::string& org_id) {
    return CanEditDataset(p, HeldIn(p, org_id));
}

bool CatalogService::CanRead(const Principal* p, const Dataset& d) {
    // A role only ever adds rights: the role is read only when the answer without one is no.
    DatasetFacts f = FactsOf(d);
    return CanReadDataset(p, f, std::nullopt) || CanReadDataset(p, f, HeldIn(p, d.owner_org));
}

}  // namespace govhub::catalog
