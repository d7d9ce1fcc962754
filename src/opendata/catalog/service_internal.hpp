#pragma once
// Pieces the catalog service's own files share (service.cpp, service_groups.cpp,
// service_datasets.cpp, service_resources.cpp, service_activity.cpp, service_dictize.cpp);
// not for other modules.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "accounts/service.hpp"
#include "agencies/model.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "opendata/catalog/service.hpp"

namespace govhub::catalog::internal {

// The search index's document type of datasets.
inline constexpr const char* kSearchType = "dataset";

inline HttpError Invalid(std::vector<FieldError> errors) {
    return HttpError::Validation(std::move(errors));
}

// The helpers below are defined in service.cpp.

// The name slug of organizations, groups and datasets: [a-z0-9_-], 2..100.
bool ValidName(const std::string& s);
// The name a dataset, organization or group is given (`previous`: the one it has, unchecked
// for reserved words so an old name keeps working): a valid slug that is not a page's own path
// word (/dataset/new, /organization/{name}/edit, …), as CKAN refuses them.
void CheckName(const std::string& name, const std::string& previous,
               std::vector<FieldError>& errors);
// The id a sysadmin gives a new organization, group, dataset or resource (as CKAN, for moving a
// site in: ids are kept); empty for anyone else and when none is given (a new UUID then). A
// malformed one is reported on `field`.
std::string ChosenId(const accounts::Principal* p, const Json& dict,
                     std::vector<FieldError>& errors, const std::string& field = "id");
// A logo address is empty or http(s)://.
void CheckImageUrl(const std::string& url, std::vector<FieldError>& errors);
// A string member of a dict, trimmed; empty when absent, null or not a string.
std::string Str(const Json& d, const char* key);

// The English limits: a title as the Thai title's (500 characters), a text as a schema
// field's (10,000).
inline constexpr size_t kMaxEnglishTitle = 500;
inline constexpr size_t kMaxEnglishText = 10000;

// A text in two languages from a CKAN dict: ckanext-fluent's `<base>_translated`
// ({"th": "…", "en": "…"}, only those languages, string values) and the forms' plain
// `<base>_en`. A bad shape or an English text over `en_limit` characters is reported on the key
// that carried it.
struct Translation {
    bool given = false;             // an English text was given (`<base>_translated` or `_en`)
    std::string en;                 // that text, trimmed ("" clears it)
    std::optional<std::string> th;  // `<base>_translated`'s "th", trimmed
};
// `current`: the English text stored now. Both keys given: the plain `<base>_en` wins unless it
// only repeats `current` (a client that edited `_translated` of a dict it read back).
Translation ReadTranslation(const Json& dict, const std::string& base, size_t en_limit,
                            const std::string& current, std::vector<FieldError>& errors);
// `thai` and `english` from a dict's `<base>`, `<base>_translated` and `<base>_en`: a plain Thai
// `<base>` wins over the "th" of `<base>_translated`, which is used when `<base>` is absent or
// empty; what is absent keeps its value when `patch`, and is cleared otherwise.
void TakeTranslated(const Json& dict, const std::string& base, size_t en_limit, bool patch,
                    std::string& thai, std::string& english, std::vector<FieldError>& errors);

// The descriptive fields organizations and groups share, from a CKAN dict: a key that is
// absent keeps its value when `patch`, and is cleared otherwise. An empty title is the name.
template <class OrgOrGroup>
void TakeDescription(OrgOrGroup& x, const Json& dict, bool patch, std::vector<FieldError>& errors) {
    if (dict.contains("image_url"))
        x.image_url = Str(dict, "image_url");
    else if (!patch)
        x.image_url.clear();
    TakeTranslated(dict, "title", kMaxEnglishTitle, patch, x.title, x.title_en, errors);
    TakeTranslated(dict, "description", kMaxEnglishText, patch, x.description, x.description_en,
                   errors);
    if (x.title.empty()) x.title = x.name;
    // A logo uploaded to CKAN is a bare file name in image_url, with its address in
    // image_display_url (what a dump carries): the address is kept.
    std::string shown = Str(dict, "image_display_url");
    if (!x.image_url.empty() && x.image_url.find("://") == std::string::npos &&
        (shown.rfind("http://", 0) == 0 || shown.rfind("https://", 0) == 0))
        x.image_url = shown;
}

// Every catalog change is audited (audit::Record); the same call marks the change for the search
// snapshots of every node: a dataset's change (its resources' included) stamps that dataset;
// organizations, groups and purges move the structure version.
void RecordChange(db::Connection& c, const accounts::Caller& caller, const std::string& action,
                  const std::string& type, const std::string& id, const Json& details);

// The role the principal holds in an organization (agencies::Role), none when anonymous.
std::optional<agencies::Role> RoleIn(db::Connection& c, const accounts::Principal* p,
                                     const std::string& org_id);

// Field-level differences between two dictionaries (top-level keys): {"field": [old, new]}.
Json Diff(const Json& before, const Json& after);

}  // namespace govhub::catalog::internal
