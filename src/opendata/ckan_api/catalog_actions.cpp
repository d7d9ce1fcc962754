#include "opendata/ckan_api/catalog_actions.hpp"

#include "accounts/middleware.hpp"
#include "core/json_reader.hpp"
#include "core/strings.hpp"

namespace govhub::ckan_api {

namespace {

using catalog::CatalogService;

const accounts::Principal* User(ActionContext& ctx) {
    return accounts::CurrentUser(ctx.req);
}
accounts::Caller CallerOf(ActionContext& ctx) {
    return accounts::CallerOf(ctx.req);
}

bool BoolParam(const ActionContext& ctx, const std::string& key, bool fallback) {
    auto it = ctx.params.find(key);
    if (it == ctx.params.end() || it->is_null()) return fallback;
    if (it->is_boolean()) return it->get<bool>();
    if (it->is_string()) {
        std::string v = core::ToLower(it->get<std::string>());
        if (v == "true" || v == "1" || v == "yes") return true;
        if (v == "false" || v == "0" || v == "no") return false;
    }
    if (it->is_number_integer()) return it->get<int64_t>() != 0;
    throw HttpError::Validation({{key, "catalog.bad_boolean"}});
}

int IntParam(const ActionContext& ctx, const std::string& key, int fallback) {
    auto it = ctx.params.find(key);
    if (it == ctx.params.end() || it->is_null()) return fallback;
    // Within ±1e9 so that the cast to int can never wrap (2^63-1 became -1 before).
    auto in_range = [](int64_t v) { return v > -1'000'000'000 && v < 1'000'000'000; };
    if (it->is_number_unsigned() && it->get<uint64_t>() < 1'000'000'000)
        return static_cast<int>(it->get<uint64_t>());
    if (it->is_number_integer() && !it->is_number_unsigned() && in_range(it->get<int64_t>()))
        return static_cast<int>(it->get<int64_t>());
    if (it->is_string())
        if (auto v = core::ParseInt(it->get<std::string>()); v && in_range(*v))
            return static_cast<int>(*v);
    throw HttpError(400, "search_query", "Search Query Error: " + key + " must be an integer");
}

std::vector<std::string> StringList(const ActionContext& ctx, const std::string& key) {
    std::vector<std::string> out;
    auto it = ctx.params.find(key);
    if (it == ctx.params.end() || it->is_null()) return out;
    if (it->is_string()) {
        std::string v = it->get<std::string>();
        // facet.field arrives as a JSON list in a string: '["tags","res_format"]'.
        if (!v.empty() && v[0] == '[') {
            Json parsed = core::ParseJsonBoundedOrDiscarded(v);
            if (parsed.is_array()) {
                for (const auto& e : parsed)
                    if (e.is_string()) out.push_back(e.get<std::string>());
                return out;
            }
        }
        out.push_back(v);
    } else if (it->is_array()) {
        for (const auto& e : *it)
            if (e.is_string()) out.push_back(e.get<std::string>());
    }
    return out;
}

}  // namespace

void RegisterCatalogActions(ActionRegistry& a, CatalogService& cat) {
    const ActionOptions read{.side_effect_free = true};

    // Datasets
    a.Add(
        "package_list", [&cat](ActionContext&) { return cat.PackageList(); }, read);
    a.Add(
        "package_show",
        [&cat](ActionContext& ctx) { return cat.PackageShow(User(ctx), RequireString(ctx, "id")); },
        read);
    a.Add("package_create", [&cat](ActionContext& ctx) {
        return cat.PackageCreate(User(ctx), ctx.params, CallerOf(ctx));
    });
    a.Add("package_update", [&cat](ActionContext& ctx) {
        return cat.PackageUpdate(User(ctx), ctx.params, false, CallerOf(ctx));
    });
    a.Add("package_patch", [&cat](ActionContext& ctx) {
        return cat.PackageUpdate(User(ctx), ctx.params, true, CallerOf(ctx));
    });
    a.Add("package_revise", [&cat](ActionContext& ctx) {
        auto field = [&](const char* key) -> Json {
            auto it = ctx.params.find(key);
            if (it == ctx.params.end()) return nullptr;
            // Form-encoded clients send the dictionaries as JSON strings.
            if (it->is_string()) {
                Json parsed = core::ParseJsonBoundedOrDiscarded(it->get<std::string>());
                if (parsed.is_discarded())
                    throw HttpError::Validation({{key, "catalog.bad_json_field"}});
                return parsed;
            }
            return *it;
        };
        return cat.PackageRevise(User(ctx), field("match"), field("filter"), field("update"),
                                 field("include"), CallerOf(ctx));
    });
    a.Add("package_delete", [&cat](ActionContext& ctx) -> Json {
        cat.PackageDelete(User(ctx), RequireString(ctx, "id"), CallerOf(ctx));
        return nullptr;
    });
    a.Add("dataset_purge", [&cat](ActionContext& ctx) -> Json {
        cat.DatasetPurge(User(ctx), RequireString(ctx, "id"), CallerOf(ctx));
        return nullptr;
    });
    a.Add(
        "package_search",
        [&cat](ActionContext& ctx) {
            catalog::SearchParams sp;
            sp.q = OptionalString(ctx, "q");
            for (const auto& f : StringList(ctx, "fq")) sp.fq.push_back(f);
            for (const auto& f : StringList(ctx, "fq_list")) sp.fq.push_back(f);
            sp.rows = IntParam(ctx, "rows", 10);
            sp.start = IntParam(ctx, "start", 0);
            sp.sort = OptionalString(ctx, "sort");
            sp.facet_fields = StringList(ctx, "facet.field");
            sp.facet_limit = IntParam(ctx, "facet.limit", 50);
            sp.facet_mincount = IntParam(ctx, "facet.mincount", 1);
            sp.include_private = BoolParam(ctx, "include_private", false);
            sp.include_drafts = BoolParam(ctx, "include_drafts", false);
            return cat.PackageSearch(User(ctx), sp);
        },
        read);

    // Resources
    a.Add(
        "resource_show",
        [&cat](ActionContext& ctx) {
            return cat.ResourceShow(User(ctx), RequireString(ctx, "id"));
        },
        read);
    a.Add("resource_create",
          [&cat](ActionContext& ctx) {
              const http::Part* part = ctx.req.FilePart("upload");
              if (!part) return cat.ResourceCreate(User(ctx), ctx.params, CallerOf(ctx));
              auto file = part->file;
              catalog::UploadedFile upload{
                  file->path(), part->filename, part->size,
                  [file](const std::string& dest) { return file->MoveTo(dest); }};
              return cat.ResourceCreate(User(ctx), ctx.params, CallerOf(ctx), &upload);
          },
          {.body_limit = static_cast<size_t>(cat.max_upload_bytes()) + (1 << 20), .upload = true});
    a.Add("resource_update", [&cat](ActionContext& ctx) {
        return cat.ResourceUpdate(User(ctx), ctx.params, false, CallerOf(ctx));
    });
    a.Add("resource_patch", [&cat](ActionContext& ctx) {
        return cat.ResourceUpdate(User(ctx), ctx.params, true, CallerOf(ctx));
    });
    a.Add("resource_delete", [&cat](ActionContext& ctx) -> Json {
        cat.ResourceDelete(User(ctx), RequireString(ctx, "id"), CallerOf(ctx));
        return nullptr;
    });

    // Organizations
    a.Add(
        "organization_list",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationList(BoolParam(ctx, "all_fields", false));
        },
        read);
    a.Add(
        "organization_show",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationShow(User(ctx), RequireString(ctx, "id"),
                                        BoolParam(ctx, "include_datasets", false));
        },
        read);
    a.Add("organization_create", [&cat](ActionContext& ctx) {
        return cat.OrganizationCreate(User(ctx), ctx.params, CallerOf(ctx));
    });
    a.Add("organization_update", [&cat](ActionContext& ctx) {
        return cat.OrganizationUpdate(User(ctx), ctx.params, false, CallerOf(ctx));
    });
    a.Add("organization_patch", [&cat](ActionContext& ctx) {
        return cat.OrganizationUpdate(User(ctx), ctx.params, true, CallerOf(ctx));
    });
    a.Add("organization_delete", [&cat](ActionContext& ctx) -> Json {
        cat.OrganizationDelete(User(ctx), RequireString(ctx, "id"), CallerOf(ctx));
        return nullptr;
    });
    a.Add(
        "organization_list_for_user",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationListForUser(User(ctx),
                                               OptionalString(ctx, "permission", "manage_group"));
        },
        read);
    a.Add("organization_member_create", [&cat](ActionContext& ctx) -> Json {
        cat.OrganizationMemberCreate(User(ctx), RequireString(ctx, "id"),
                                     RequireString(ctx, "username"), RequireString(ctx, "role"),
                                     CallerOf(ctx));
        return nullptr;
    });
    a.Add("organization_member_delete", [&cat](ActionContext& ctx) -> Json {
        cat.OrganizationMemberDelete(User(ctx), RequireString(ctx, "id"),
                                     RequireString(ctx, "username"), CallerOf(ctx));
        return nullptr;
    });

    // Groups
    a.Add(
        "group_list",
        [&cat](ActionContext& ctx) { return cat.GroupList(BoolParam(ctx, "all_fields", false)); },
        read);
    a.Add(
        "group_show",
        [&cat](ActionContext& ctx) { return cat.GroupShow(RequireString(ctx, "id")); }, read);
    a.Add("group_create", [&cat](ActionContext& ctx) {
        return cat.GroupCreate(User(ctx), ctx.params, CallerOf(ctx));
    });
    a.Add("group_update", [&cat](ActionContext& ctx) {
        return cat.GroupUpdate(User(ctx), ctx.params, false, CallerOf(ctx));
    });
    a.Add("group_patch", [&cat](ActionContext& ctx) {
        return cat.GroupUpdate(User(ctx), ctx.params, true, CallerOf(ctx));
    });
    a.Add("group_delete", [&cat](ActionContext& ctx) -> Json {
        cat.GroupDelete(User(ctx), RequireString(ctx, "id"), CallerOf(ctx));
        return nullptr;
    });
    a.Add("member_create", [&cat](ActionContext& ctx) -> Json {
        cat.MemberCreate(User(ctx), RequireString(ctx, "id"), RequireString(ctx, "object"),
                         RequireString(ctx, "object_type"),
                         OptionalString(ctx, "capacity", "member"), CallerOf(ctx));
        return nullptr;
    });
    a.Add("member_delete", [&cat](ActionContext& ctx) -> Json {
        cat.MemberDelete(User(ctx), RequireString(ctx, "id"), RequireString(ctx, "object"),
                         RequireString(ctx, "object_type"), CallerOf(ctx));
        return nullptr;
    });
    a.Add(
        "member_list",
        [&cat](ActionContext& ctx) {
            return cat.MemberList(User(ctx), RequireString(ctx, "id"),
                                  OptionalString(ctx, "object_type"));
        },
        read);
    // user_list is the accounts module's (accounts/api.cpp): who may list and what they see.

    // Activity streams and helpers clients use.
    a.Add(
        "package_activity_list",
        [&cat](ActionContext& ctx) {
            return cat.PackageActivityList(User(ctx), RequireString(ctx, "id"),
                                           IntParam(ctx, "limit", 31));
        },
        read);
    a.Add(
        "organization_activity_list",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationActivityList(User(ctx), RequireString(ctx, "id"),
                                                IntParam(ctx, "limit", 31));
        },
        read);
    a.Add(
        "package_autocomplete",
        [&cat](ActionContext& ctx) {
            return cat.PackageAutocomplete(User(ctx), OptionalString(ctx, "q"),
                                           IntParam(ctx, "limit", 10));
        },
        read);
    a.Add(
        "organization_autocomplete",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationAutocomplete(OptionalString(ctx, "q"),
                                                IntParam(ctx, "limit", 20));
        },
        read);
    a.Add(
        "tag_autocomplete",
        [&cat](ActionContext& ctx) {
            return cat.TagList(OptionalString(ctx, "query", OptionalString(ctx, "q")),
                               IntParam(ctx, "limit", 10));
        },
        read);
    a.Add(
        "current_package_list_with_resources",
        [&cat](ActionContext& ctx) {
            return cat.CurrentPackageListWithResources(User(ctx), IntParam(ctx, "limit", 100),
                                                       IntParam(ctx, "offset", 0));
        },
        read);
    for (const char* change : {"private", "public", "delete"}) {
        a.Add(std::string("bulk_update_") + change, [&cat, change](ActionContext& ctx) -> Json {
            cat.BulkUpdate(User(ctx), RequireString(ctx, "org_id"), StringList(ctx, "datasets"),
                           change, CallerOf(ctx));
            return nullptr;
        });
    }

    // Vocabularies
    a.Add(
        "license_list", [&cat](ActionContext& ctx) { return cat.LicenseList(ctx.req.locale); },
        read);
    a.Add(
        "tag_list",
        [&cat](ActionContext& ctx) {
            return cat.TagList(OptionalString(ctx, "query"), IntParam(ctx, "limit", 1000));
        },
        read);
}

}  // namespace govhub::ckan_api
