// A dataset's activity stream as a person reads it on the dataset page: each change named by
// what happened (published, made private, a file added by its name) and each changed field by
// the label the forms use, in the reader's language; the bookkeeping the API's diffs carry
// (hashes, sizes, timestamps, ids) left out. The API's activity dicts stay CKAN's.
#include <algorithm>
#include <set>
#include <vector>

#include "core/thai_date.hpp"
#include "opendata/catalog/pages_internal.hpp"

namespace govhub::catalog::internal {

namespace {

using render::View;

// Keys of a dataset's or resource's dict that change with every edit or upload and mean
// nothing to a reader: the stream does not list them.
const std::set<std::string> kBookkeeping = {"id",
                                            "type",
                                            "package_id",
                                            "position",
                                            "hash",
                                            "size",
                                            "mimetype",
                                            "mimetype_inner",
                                            "url_type",
                                            "created",
                                            "last_modified",
                                            "metadata_created",
                                            "metadata_modified",
                                            "revision_id",
                                            "datastore_active",
                                            "tracking_summary",
                                            "creator_user_id",
                                            "num_resources",
                                            "num_tags",
                                            "organization",
                                            "license_title",
                                            "license_url",
                                            "cache_url",
                                            "cache_last_updated",
                                            "state",
                                            "package_name",
                                            "display_name"};

// `pattern` with {key} replaced by its value, in one pass (a value is never read as a pattern).
std::string Fill(const std::string& pattern,
                 const std::vector<std::pair<std::string, std::string>>& values) {
    std::string out;
    for (size_t i = 0; i < pattern.size();) {
        bool done = false;
        if (pattern[i] == '{')
            for (const auto& [k, v] : values)
                if (pattern.compare(i + 1, k.size(), k) == 0 &&
                    pattern.compare(i + 1 + k.size(), 1, "}") == 0) {
                    out += v;
                    i += k.size() + 2;
                    done = true;
                    break;
                }
        if (!done) out += pattern[i++];
    }
    return out;
}

// A bilingual form label ("English title (ชื่อชุดข้อมูลภาษาอังกฤษ)") without its gloss in the
// other language, which a stream in one language does not need.
std::string WithoutGloss(const std::string& label) {
    size_t open = label.rfind(" (");
    if (open == std::string::npos || open == 0 || label.back() != ')') return label;
    return label.substr(0, open);
}

std::string Str(const Json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                  : std::string();
}

class Wording {
  public:
    Wording(const PagesBase& base, const std::string& locale) : base_(base), locale_(locale) {}

    std::string T(const std::string& key) const { return base_.pages.T(locale_, key); }
    std::string Activity(const std::string& key) const { return T("opendata.activity." + key); }

    // The label of a changed dataset field, or "" when it is bookkeeping or worded apart.
    std::string DatasetLabel(const std::string& key) const {
        if (kBookkeeping.count(key) || key == "private" || key == "resources") return "";
        if (key == "title_translated") return WithoutGloss(T("opendata.form.title_en"));
        if (key == "notes_translated") return WithoutGloss(T("opendata.form.notes_en"));
        if (key == "tags") return Schema(base_.catalog.schema().DatasetField("tag_string"));
        if (key == "groups") return T("opendata.groups");
        if (const FieldSpec* f = base_.catalog.schema().DatasetField(key)) return Schema(f);
        return Activity("other_fields");
    }

    // The label of a changed resource field (the resource form's own where it has one).
    std::string ResourceLabel(const std::string& key) const {
        if (kBookkeeping.count(key) || key == "resource_private") return "";
        if (key == "name" || key == "description" || key == "format")
            return T("opendata.pub." + key);
        if (const FieldSpec* f = base_.catalog.schema().ResourceField(key)) return Schema(f);
        return Activity("other_fields");
    }

    // Where a changed field comes in the list: the forms' order (the schema's, an English text
    // right after its Thai one), what they do not show last.
    int DatasetRank(const std::string& key) const {
        if (key == "title_translated")
            return Index(base_.catalog.schema().dataset_fields(), "title") * 2 + 1;
        if (key == "notes_translated")
            return Index(base_.catalog.schema().dataset_fields(), "notes") * 2 + 1;
        return Index(base_.catalog.schema().dataset_fields(), key == "tags" ? "tag_string" : key) *
               2;
    }
    int ResourceRank(const std::string& key) const {
        if (key == "name") return 0;
        if (key == "description") return 1;
        if (key == "format") return 2;
        return 3 + Index(base_.catalog.schema().resource_fields(), key);
    }

  private:
    std::string Schema(const FieldSpec* f) const { return f ? f->label.in(locale_) : ""; }
    static int Index(const std::vector<FieldSpec>& fields, const std::string& key) {
        for (size_t i = 0; i < fields.size(); ++i)
            if (fields[i].name == key) return static_cast<int>(i);
        return static_cast<int>(fields.size()) + 1;
    }

    const PagesBase& base_;
    const std::string& locale_;
};

void AddOnce(std::vector<std::string>& list, const std::string& item) {
    if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end())
        list.push_back(item);
}

// The labels of `ranked` ({rank, label}) in rank order, each once.
void AddRanked(std::vector<std::string>& list, std::vector<std::pair<int, std::string>> ranked) {
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [rank, label] : ranked) AddOnce(list, label);
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
    return out;
}

// A file added or deleted with the dataset (a dict of its `resources` list), by its name; a
// private one (which this reader may not be allowed to see) without it.
std::string FilePhrase(const Wording& w, const std::string& action, const Json& r) {
    std::string name = Str(r, "name");
    if (name.empty() || Str(r, "resource_private") == "True") return w.Activity(action);
    return Fill(w.Activity(action + "_named"), {{"name", name}});
}

}  // namespace

View PagesBase::Activity(const Json& entries, const std::string& locale) const {
    Wording w(*this, locale);
    View list = View::List();
    for (const auto& a : entries) {
        const Json& data = a["data"];
        Json changes = data.is_object() && data.contains("changes") && data["changes"].is_object()
                           ? data["changes"]
                           : Json::object();
        std::string action = a["govhub_action"].get<std::string>();
        std::vector<std::string> what;    // what happened: the headline, its fields follow
        std::vector<std::string> fields;  // the labels of the fields changed
        std::vector<std::string> also;    // what else happened with it
        if (action.rfind("resource.", 0) == 0 && action != "resource.reorder") {
            // Named by the name it had then (added, renamed), else the one it has now.
            std::string name = Str(data, "name");
            if (changes.contains("name") && changes["name"].is_array() &&
                changes["name"][1].is_string())
                name = changes["name"][1].get<std::string>();
            if (name.empty()) name = Str(a, "resource_name");
            if (a.value("resource_hidden", false)) name.clear();  // a private one, not named
            std::string verb = action.substr(std::string("resource.").size());
            std::string file = Str(data, "file");
            if (name.empty())
                what.push_back(w.Activity(action));
            else if (verb == "update" && !file.empty())
                what.push_back(
                    Fill(w.Activity("resource.replace_named"), {{"name", name}, {"file", file}}));
            else
                what.push_back(Fill(w.Activity(action + "_named"), {{"name", name}}));
            std::vector<std::pair<int, std::string>> ranked;
            for (auto it = changes.begin(); it != changes.end(); ++it) {
                if (it.key() == "url" && !file.empty()) continue;  // said by "replaced with"
                if (it.key() == "resource_private" && it->is_array())
                    also.push_back(w.Activity((*it)[1] == "True" ? "made_private" : "made_public"));
                ranked.emplace_back(w.ResourceRank(it.key()), w.ResourceLabel(it.key()));
            }
            AddRanked(fields, std::move(ranked));
        } else {
            // A change of state is what happened, not a field: "published", not "state".
            if (changes.contains("state") && changes["state"].is_array()) {
                std::string from = changes["state"][0].is_string()
                                       ? changes["state"][0].get<std::string>()
                                       : std::string();
                std::string to = changes["state"][1].is_string()
                                     ? changes["state"][1].get<std::string>()
                                     : std::string();
                if (to == "active")
                    what.push_back(
                        w.Activity(from == "draft" ? "dataset.publish" : "dataset.restore"));
                else if (to == "deleted")
                    what.push_back(w.Activity("dataset.delete"));
                else if (to == "draft")
                    what.push_back(w.Activity("dataset.to_draft"));
            }
            bool headline = !what.empty();
            bool files_changed = false;  // in place, none added or removed
            if (changes.contains("private") && changes["private"].is_array())
                also.push_back(
                    w.Activity(changes["private"][1] == true ? "made_private" : "made_public"));
            // Files added or removed with the dataset (package_update) are named like their own
            // entries; a file changed in place is "resources".
            if (changes.contains("resources") && changes["resources"].is_array()) {
                const Json& before = changes["resources"][0];
                const Json& after = changes["resources"][1];
                std::set<std::string> ids_before, ids_after;
                if (before.is_array())
                    for (const auto& r : before) ids_before.insert(Str(r, "id"));
                if (after.is_array())
                    for (const auto& r : after) ids_after.insert(Str(r, "id"));
                bool named = false;
                // A file changed in place by a person: some field of it other than the
                // bookkeeping (datastore_active flips when a load ends, between two entries).
                auto plain = [](const Json& r) {
                    Json out = Json::object();
                    if (r.is_object())
                        for (auto f = r.begin(); f != r.end(); ++f)
                            if (!kBookkeeping.count(f.key())) out[f.key()] = *f;
                    return out;
                };
                bool edited = false;
                if (before.is_array() && after.is_array())
                    for (const auto& b : before)
                        for (const auto& a : after)
                            if (Str(a, "id") == Str(b, "id") && plain(a) != plain(b)) edited = true;
                if (after.is_array())
                    for (const auto& r : after)
                        if (!ids_before.count(Str(r, "id"))) {
                            also.push_back(FilePhrase(w, "resource.create", r));
                            named = true;
                        }
                if (before.is_array())
                    for (const auto& r : before)
                        if (!ids_after.count(Str(r, "id"))) {
                            also.push_back(FilePhrase(w, "resource.delete", r));
                            named = true;
                        }
                files_changed = !named && edited;
            }
            std::vector<std::pair<int, std::string>> ranked;
            for (auto it = changes.begin(); it != changes.end(); ++it) {
                // title_translated and notes_translated hold the Thai text too: only a change
                // of the English one is theirs (the Thai one is "title", "notes").
                if ((it.key() == "title_translated" || it.key() == "notes_translated") &&
                    it->is_array() && Str((*it)[0], "en") == Str((*it)[1], "en"))
                    continue;
                ranked.emplace_back(w.DatasetRank(it.key()), w.DatasetLabel(it.key()));
            }
            AddRanked(fields, std::move(ranked));
            if (files_changed) AddOnce(fields, w.T("opendata.resources"));
            // The action's own words lead unless a change of state said what happened; a
            // change of visibility alone is said by itself.
            bool update = action == "dataset.patch" || action == "dataset.update";
            if (!headline && (!fields.empty() || also.empty() || !update)) {
                what.insert(what.begin(), w.Activity(action));
            } else if (!headline) {
                what.push_back(also.front());
                also.erase(also.begin());
            }
        }
        View av;
        av.Set("when", core::FormatIsoDate(a["timestamp"].get<std::string>(), locale));
        av.Set("what", Join(what, " · "));
        if (!also.empty()) av.Set("also", Join(also, " · "));
        av.Set("fields", Join(fields, ", ")).Set("has_fields", !fields.empty());
        // The actor by full name in the reader's language, else the other one, else the login.
        std::string actor;
        if (a.contains("user_fullname") && a["user_fullname"].is_object()) {
            const Json& names = a["user_fullname"];
            actor = Str(names, locale == "en" ? "en" : "th");
            if (actor.empty()) actor = Str(names, locale == "en" ? "th" : "en");
        }
        if (actor.empty()) actor = Str(a, "user_name");
        if (!actor.empty()) av.Set("actor", actor);
        list.Push(std::move(av));
    }
    return list;
}

}  // namespace govhub::catalog::internal
