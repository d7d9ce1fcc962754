// CKAN's catalog actions: each reads its parameters with api::Params and calls the catalog
// service, which decides permissions. The help texts are what help_show answers.
#include "opendata/catalog/api.hpp"

namespace govhub::catalog {

namespace {

using api::ActionContext;
using api::ActionOptions;
using api::ListSplit;

// Read-only actions (GET or POST); search-style ones answer a bad parameter with CKAN's
// Search Query Error (400), as they did before the shared reader.
ActionOptions Read(const char* help) {
    return {.help = help, .side_effect_free = true};
}
ActionOptions Search(const char* help) {
    return {.help = help, .side_effect_free = true, .search_errors = true};
}
ActionOptions Write(const char* help) {
    return {.help = help};
}

int Int(const ActionContext& ctx, const char* key, int fallback, int min, int max) {
    return static_cast<int>(ctx.args.Int(key, fallback, min, max));
}

// ---- help texts (CKAN docstring style; help_show answers them)

constexpr const char* kPackageList =
    "Returns the names of the datasets anyone may read (public and active).\n\n"
    "Takes no parameters.\n\n"
    ":rtype: list of strings";
constexpr const char* kPackageShow =
    "Returns a dataset's dictionary: the CKAN fields, the GD-Catalog fields at the top level, "
    "its resources, tags, groups and organization.\n\n"
    ":param id: the id or name of the dataset\n"
    ":type id: string\n\n"
    ":returns: the dataset (a Not Found Error for a dataset the caller may not read: private "
    "to members of its organization, drafts to their creator and its editors)\n"
    ":rtype: dictionary";
constexpr const char* kPackageCreate =
    "Creates a dataset in an organization; the caller must be an editor or admin of it (or a "
    "sysadmin).\n\n"
    ":param name: the unique name (lower-case letters, digits, - and _)\n"
    ":type name: string\n"
    ":param owner_org: the id or name of the organization\n"
    ":type owner_org: string\n"
    ":param title: the title (the name when not given)\n"
    ":type title: string\n"
    ":param private: visible to the organization's members only (default false)\n"
    ":type private: boolean\n"
    ":param tags: [{\"name\": ...}, ...]\n"
    ":type tags: list of dictionaries\n"
    ":param groups: [{\"name\": ...}, ...]\n"
    ":type groups: list of dictionaries\n"
    ":param resources: resources to create with it\n"
    ":type resources: list of dictionaries\n"
    ":param data_type: the GD-Catalog data type; it chooses the required fields, which sit at "
    "the top level (web/schema/gdc_dataset.json)\n"
    ":type data_type: string\n\n"
    ":returns: the new dataset (every problem at once, per field, as a Validation Error)\n"
    ":rtype: dictionary";
constexpr const char* kPackageUpdate =
    "Replaces a dataset with the dictionary given: fields left out are cleared. Editors and "
    "admins of its organization, sysadmins.\n\n"
    ":param id: the id or name of the dataset\n"
    ":type id: string\n"
    "and the dataset's fields, as package_create takes them\n\n"
    ":returns: the updated dataset\n"
    ":rtype: dictionary";
constexpr const char* kPackagePatch =
    "Changes only the fields given of a dataset. Editors and admins of its organization, "
    "sysadmins.\n\n"
    ":param id: the id or name of the dataset\n"
    ":type id: string\n"
    "and the fields to change, as package_create takes them\n\n"
    ":returns: the updated dataset\n"
    ":rtype: dictionary";
constexpr const char* kPackageRevise =
    "Changes a dataset found by match: removes the fields filter names, then merges update "
    "in (objects deeply, lists replaced).\n\n"
    ":param match: fields the dataset must have, with id or name among them\n"
    ":type match: dictionary (or a string holding JSON)\n"
    ":param filter: fields to remove: \"-field\" or \"-resources__<index>\"\n"
    ":type filter: list of strings (or a string holding JSON)\n"
    ":param update: fields to merge in\n"
    ":type update: dictionary (or a string holding JSON)\n"
    ":param include: the keys of the dataset to return (all when not given)\n"
    ":type include: list of strings (or a string holding JSON)\n\n"
    ":returns: {\"package\": the revised dataset}\n"
    ":rtype: dictionary";
constexpr const char* kPackageDelete =
    "Moves a dataset to the trash (state deleted); a sysadmin may purge it later. Editors and "
    "admins of its organization, sysadmins.\n\n"
    ":param id: the id or name of the dataset\n"
    ":type id: string\n\n"
    ":returns: null";
constexpr const char* kDatasetPurge =
    "Removes a dataset for good, with its resources, files and datastore tables. Sysadmins "
    "only.\n\n"
    ":param id: the id or name of the dataset\n"
    ":type id: string\n\n"
    ":returns: null";
constexpr const char* kPackageSearch =
    "Searches the datasets with CKAN's package_search parameters (Solr syntax, run by govhub's "
    "own index; Thai words are split as in the page's search).\n\n"
    ":param q: the query: words, field:value, \"phrases\", AND/OR/NOT, -, parentheses, "
    "ranges [a TO b] (at most 2,000 characters, 100 clauses, 32 deep)\n"
    ":type q: string\n"
    ":param fq: a filter query in the same syntax (repeat it, or use fq_list, for more)\n"
    ":type fq: string\n"
    ":param fq_list: more filter queries (at most 100 filters in all)\n"
    ":type fq_list: list of strings\n"
    ":param rows: how many results (0 to 1000, default 10)\n"
    ":type rows: integer\n"
    ":param start: the first result's offset (default 0)\n"
    ":type start: integer\n"
    ":param sort: comma-separated \"field asc|desc\": score, metadata_modified, "
    "metadata_created, name, title_string, views_recent, views_total (default score desc, "
    "metadata_modified desc with words in q; metadata_modified desc otherwise)\n"
    ":type sort: string\n"
    ":param facet.field: the fields to count: organization, groups, tags, res_format, "
    "license_id, data_type, data_category\n"
    ":type facet.field: list of strings (or a string holding a JSON list)\n"
    ":param facet.limit: values per facet (-1: all; default 50)\n"
    ":type facet.limit: integer\n"
    ":param facet.mincount: the least count a facet value needs (default 1)\n"
    ":type facet.mincount: integer\n"
    ":param include_private: also the private datasets of the caller's organizations "
    "(default false)\n"
    ":type include_private: boolean\n"
    ":param include_drafts: also drafts the caller may edit (default false)\n"
    ":type include_drafts: boolean\n\n"
    ":returns: count, results (dataset dictionaries), facets, search_facets and sort; a bad "
    "parameter is a Search Query Error\n"
    ":rtype: dictionary";
constexpr const char* kResourceShow =
    "Returns a resource's dictionary.\n\n"
    ":param id: the id of the resource\n"
    ":type id: string\n\n"
    ":returns: the resource (a Not Found Error when the caller may not read its dataset, or it "
    "is private to the organization's editors)\n"
    ":rtype: dictionary";
constexpr const char* kResourceCreate =
    "Adds a resource to a dataset: a link (url), or a file sent as multipart/form-data in "
    "\"upload\" (up to the site's upload limit). Editors and admins of the dataset's "
    "organization, sysadmins.\n\n"
    ":param package_id: the id or name of the dataset\n"
    ":type package_id: string\n"
    ":param url: the link (for a link resource)\n"
    ":type url: string\n"
    ":param upload: the file (multipart/form-data only)\n"
    ":type upload: file\n"
    ":param name: the name\n"
    ":type name: string\n"
    ":param format: the format (detected from the file when not given)\n"
    ":type format: string\n"
    ":param resource_private: visible to the organization's editors only (default false)\n"
    ":type resource_private: boolean\n"
    "and the GD-Catalog resource fields\n\n"
    ":returns: the new resource; a tabular file is loaded into the datastore in the background\n"
    ":rtype: dictionary";
constexpr const char* kResourceUpdate =
    "Replaces a resource with the dictionary given (fields left out are cleared). Editors and "
    "admins of the dataset's organization, sysadmins.\n\n"
    ":param id: the id of the resource\n"
    ":type id: string\n"
    "and its fields, as resource_create takes them\n\n"
    ":returns: the updated resource\n"
    ":rtype: dictionary";
constexpr const char* kResourcePatch =
    "Changes only the fields given of a resource. Editors and admins of the dataset's "
    "organization, sysadmins.\n\n"
    ":param id: the id of the resource\n"
    ":type id: string\n"
    "and the fields to change\n\n"
    ":returns: the updated resource\n"
    ":rtype: dictionary";
constexpr const char* kPackageResourceReorder =
    "Reorders the resources of a dataset. Editors and admins of the dataset's organization, "
    "sysadmins.\n\n"
    ":param id: the id or name of the dataset\n"
    ":type id: string\n"
    ":param order: resource ids in their new order; resources left out keep their order after "
    "them\n"
    ":type order: list\n\n"
    ":returns: {\"id\": the dataset id, \"order\": every resource id in the new order}\n"
    ":rtype: dictionary";
constexpr const char* kResourceDelete =
    "Deletes a resource (and its datastore table). Editors and admins of the dataset's "
    "organization, sysadmins.\n\n"
    ":param id: the id of the resource\n"
    ":type id: string\n\n"
    ":returns: null";
constexpr const char* kOrganizationList =
    "Lists the organizations.\n\n"
    ":param all_fields: whole dictionaries (with dataset counts) instead of names "
    "(default false)\n"
    ":type all_fields: boolean\n\n"
    ":rtype: list of strings or dictionaries";
constexpr const char* kOrganizationShow =
    "Returns an organization's dictionary; its members are listed for its own people and "
    "sysadmins only.\n\n"
    ":param id: the id or name of the organization\n"
    ":type id: string\n"
    ":param include_datasets: also its datasets the caller may read, up to 1,000 "
    "(default false)\n"
    ":type include_datasets: boolean\n\n"
    ":rtype: dictionary";
constexpr const char* kOrganizationCreate =
    "Creates an organization. Sysadmins only.\n\n"
    ":param name: the unique name\n"
    ":type name: string\n"
    ":param title: the title\n"
    ":type title: string\n"
    ":param description: the description (Markdown)\n"
    ":type description: string\n"
    ":param image_url: the logo's address\n"
    ":type image_url: string\n"
    ":param parent: the id or name of the parent organization (a department's ministry)\n"
    ":type parent: string\n\n"
    ":returns: the new organization\n"
    ":rtype: dictionary";
constexpr const char* kOrganizationUpdate =
    "Replaces an organization's title, description and image_url (those left out are "
    "cleared). Admins of the organization, sysadmins.\n\n"
    ":param id: the id or name of the organization\n"
    ":type id: string\n\n"
    ":returns: the updated organization\n"
    ":rtype: dictionary";
constexpr const char* kOrganizationPatch =
    "Changes only the given title, description or image_url of an organization. Admins of "
    "the organization, sysadmins.\n\n"
    ":param id: the id or name of the organization\n"
    ":type id: string\n\n"
    ":returns: the updated organization\n"
    ":rtype: dictionary";
constexpr const char* kOrganizationDelete =
    "Deletes an organization (state deleted). Sysadmins only.\n\n"
    ":param id: the id or name of the organization\n"
    ":type id: string\n\n"
    ":returns: null";
constexpr const char* kOrganizationListForUser =
    "Lists the organizations in which the caller holds at least a capacity (every one for a "
    "sysadmin; none for an anonymous caller).\n\n"
    ":param permission: read or member (member), manage_group (editor; the default) or admin\n"
    ":type permission: string\n\n"
    ":returns: organization dictionaries with the caller's capacity\n"
    ":rtype: list of dictionaries";
constexpr const char* kOrganizationMemberCreate =
    "Makes a user a member of an organization, or changes their capacity. Admins of the "
    "organization, sysadmins.\n\n"
    ":param id: the id or name of the organization\n"
    ":type id: string\n"
    ":param username: the user's name or id\n"
    ":type username: string\n"
    ":param role: member, editor or admin\n"
    ":type role: string\n\n"
    ":returns: null";
constexpr const char* kOrganizationMemberDelete =
    "Removes a user from an organization. Admins of the organization, sysadmins.\n\n"
    ":param id: the id or name of the organization\n"
    ":type id: string\n"
    ":param username: the user's name or id\n"
    ":type username: string\n\n"
    ":returns: null";
constexpr const char* kGroupList =
    "Lists the groups (GD-Catalog categories).\n\n"
    ":param all_fields: whole dictionaries instead of names (default false)\n"
    ":type all_fields: boolean\n\n"
    ":rtype: list of strings or dictionaries";
constexpr const char* kGroupShow =
    "Returns a group's dictionary.\n\n"
    ":param id: the id or name of the group\n"
    ":type id: string\n\n"
    ":rtype: dictionary";
constexpr const char* kGroupCreate =
    "Creates a group. Sysadmins only.\n\n"
    ":param name: the unique name\n"
    ":type name: string\n"
    ":param title: the title\n"
    ":type title: string\n"
    ":param description: the description\n"
    ":type description: string\n"
    ":param category: the GD-Catalog type, category01 ... category07\n"
    ":type category: string\n\n"
    ":returns: the new group\n"
    ":rtype: dictionary";
constexpr const char* kGroupUpdate =
    "Replaces a group's title, description and image_url (those left out are cleared). "
    "Sysadmins only.\n\n"
    ":param id: the id or name of the group\n"
    ":type id: string\n\n"
    ":returns: the updated group\n"
    ":rtype: dictionary";
constexpr const char* kGroupPatch =
    "Changes only the given title, description or image_url of a group. Sysadmins only.\n\n"
    ":param id: the id or name of the group\n"
    ":type id: string\n\n"
    ":returns: the updated group\n"
    ":rtype: dictionary";
constexpr const char* kGroupDelete =
    "Deletes a group (state deleted) and takes its datasets out of it. Sysadmins only.\n\n"
    ":param id: the id or name of the group\n"
    ":type id: string\n\n"
    ":returns: null";
constexpr const char* kMemberCreate =
    "Puts a dataset in a group (editors of the dataset's organization), or a user in an "
    "organization (as organization_member_create).\n\n"
    ":param id: the id or name of the group or organization\n"
    ":type id: string\n"
    ":param object: the dataset's or user's id or name\n"
    ":type object: string\n"
    ":param object_type: package or user\n"
    ":type object_type: string\n"
    ":param capacity: for a user: member (default), editor or admin\n"
    ":type capacity: string\n\n"
    ":returns: null";
constexpr const char* kMemberDelete =
    "Takes a dataset out of a group, or a user out of an organization.\n\n"
    ":param id: the id or name of the group or organization\n"
    ":type id: string\n"
    ":param object: the dataset's or user's id or name\n"
    ":type object: string\n"
    ":param object_type: package or user\n"
    ":type object_type: string\n\n"
    ":returns: null";
constexpr const char* kMemberList =
    "Lists the members of an organization (its own members and sysadmins may) or the datasets "
    "of a group that the caller may read.\n\n"
    ":param id: the id or name of the organization or group\n"
    ":type id: string\n"
    ":param object_type: user or package (default: both)\n"
    ":type object_type: string\n\n"
    ":returns: [id, type, capacity] triples\n"
    ":rtype: list of lists";
constexpr const char* kPackageActivityList =
    "Returns a dataset's activity stream (its audited changes), newest first.\n\n"
    ":param id: the id or name of the dataset\n"
    ":type id: string\n"
    ":param limit: at most this many (1 to 1000, default 31)\n"
    ":type limit: integer\n\n"
    ":rtype: list of activity dictionaries";
constexpr const char* kOrganizationActivityList =
    "Returns the activity of an organization and of its datasets the caller may read, newest "
    "first.\n\n"
    ":param id: the id or name of the organization\n"
    ":type id: string\n"
    ":param limit: at most this many (1 to 1000, default 31)\n"
    ":type limit: integer\n\n"
    ":rtype: list of activity dictionaries";
constexpr const char* kPackageAutocomplete =
    "Returns datasets whose text matches q (a package_search), for a search box.\n\n"
    ":param q: the words typed\n"
    ":type q: string\n"
    ":param limit: at most this many (1 to 100, default 10)\n"
    ":type limit: integer\n\n"
    ":returns: name, title, match_field and match_displayed of each\n"
    ":rtype: list of dictionaries";
constexpr const char* kOrganizationAutocomplete =
    "Returns organizations whose name or title contains q.\n\n"
    ":param q: the text typed\n"
    ":type q: string\n"
    ":param limit: at most this many (1 to 100, default 20)\n"
    ":type limit: integer\n\n"
    ":returns: id, name and title of each\n"
    ":rtype: list of dictionaries";
constexpr const char* kTagAutocomplete =
    "Returns the tags that contain the text typed, most used first.\n\n"
    ":param query: the text typed (q is read when query is not given)\n"
    ":type query: string\n"
    ":param limit: at most this many (1 to 1000, default 10)\n"
    ":type limit: integer\n\n"
    ":rtype: list of strings";
constexpr const char* kCurrentPackageList =
    "Returns the datasets the caller may read with their resources, most recently changed "
    "first.\n\n"
    ":param limit: at most this many (1 to 1000, default 100)\n"
    ":type limit: integer\n"
    ":param offset: skip this many (default 0)\n"
    ":type offset: integer\n\n"
    ":rtype: list of dataset dictionaries";
constexpr const char* kBulkUpdatePrivate =
    "Makes datasets of one organization private. Editors and admins of the organization, "
    "sysadmins; datasets of other organizations are left alone.\n\n"
    ":param org_id: the id or name of the organization\n"
    ":type org_id: string\n"
    ":param datasets: the datasets' ids or names\n"
    ":type datasets: list of strings (or a comma-separated string)\n\n"
    ":returns: null";
constexpr const char* kBulkUpdatePublic =
    "Makes datasets of one organization public. Editors and admins of the organization, "
    "sysadmins; datasets of other organizations are left alone.\n\n"
    ":param org_id: the id or name of the organization\n"
    ":type org_id: string\n"
    ":param datasets: the datasets' ids or names\n"
    ":type datasets: list of strings (or a comma-separated string)\n\n"
    ":returns: null";
constexpr const char* kBulkUpdateDelete =
    "Deletes datasets of one organization (to the trash). Editors and admins of the "
    "organization, sysadmins; datasets of other organizations are left alone.\n\n"
    ":param org_id: the id or name of the organization\n"
    ":type org_id: string\n"
    ":param datasets: the datasets' ids or names\n"
    ":type datasets: list of strings (or a comma-separated string)\n\n"
    ":returns: null";
constexpr const char* kLicenseList =
    "Lists the licenses a dataset may have, with stable ids (cc-by, ...) and titles in the "
    "request's language.\n\n"
    "Takes no parameters.\n\n"
    ":rtype: list of dictionaries";
constexpr const char* kTagList =
    "Lists the tags in use, most used first.\n\n"
    ":param query: only tags containing this text\n"
    ":type query: string\n"
    ":param limit: at most this many (1 to 1000, default 1000)\n"
    ":type limit: integer\n\n"
    ":rtype: list of strings";

constexpr const char* kResourceSearch =
    "Searches resources by their own fields, as CKAN's resource_search: every \"field:term\" "
    "must match (a case-insensitive substring; hash must equal the term). Only resources of "
    "datasets the caller may read, and private resources only for the organization's editors.\n\n"
    ":param query: \"field:term\" or a list of them; fields: id, package_id, name, "
    "description, format, url, mimetype, url_type, hash\n"
    ":type query: string or list of strings\n"
    ":param fields: (deprecated in CKAN) the same as a dictionary {field: term}\n"
    ":type fields: dictionary\n"
    ":param order_by: one of the fields above, or position, size, created, last_modified "
    "(default: by dataset, then position)\n"
    ":type order_by: string\n"
    ":param offset: skip this many (default 0)\n"
    ":type offset: integer\n"
    ":param limit: at most this many (0 to 1000, default 100)\n"
    ":type limit: integer\n\n"
    ":returns: count (all matches) and results (resource dictionaries); an unknown field or a "
    "term without \"field:\" is a Validation Error on query\n"
    ":rtype: dictionary";
constexpr const char* kFormatAutocomplete =
    "Lists the resource formats in use on public datasets that contain q (lower-case, most "
    "used first), for a format field's suggestions.\n\n"
    ":param q: the text to look for (may be empty: every format)\n"
    ":type q: string\n"
    ":param limit: at most this many (1 to 100, default 5)\n"
    ":type limit: integer\n\n"
    ":rtype: list of strings";
constexpr const char* kVocabularyList =
    "Lists the tag vocabularies: govhub's are the GD-Catalog schema's choice lists (data_type "
    "and every field with fixed choices), read-only. Each tag's name is the exact stored value; "
    "display_name is its label in the request's language.\n\n"
    "Takes no parameters.\n\n"
    ":returns: [{id, name, tags: [{id, name, display_name, vocabulary_id}]}]\n"
    ":rtype: list of dictionaries";
constexpr const char* kVocabularyShow =
    "Returns one vocabulary (a GD-Catalog choice list) as vocabulary_list gives it.\n\n"
    ":param id: the id or name of the vocabulary (the field's name, e.g. data_type)\n"
    ":type id: string\n\n"
    ":returns: {id, name, tags}; a Not Found Error for an unknown vocabulary\n"
    ":rtype: dictionary";

}  // namespace

void RegisterActions(api::ActionRegistry& a, CatalogService& cat) {
    // Datasets
    a.Add(
        "package_list", [&cat](ActionContext&) { return cat.PackageList(); }, Read(kPackageList));
    a.Add(
        "package_show",
        [&cat](ActionContext& ctx) { return cat.PackageShow(ctx.user, ctx.args.Require("id")); },
        Read(kPackageShow));
    a.Add(
        "package_create",
        [&cat](ActionContext& ctx) { return cat.PackageCreate(ctx.user, ctx.params, ctx.caller); },
        Write(kPackageCreate));
    a.Add(
        "package_update",
        [&cat](ActionContext& ctx) {
            return cat.PackageUpdate(ctx.user, ctx.params, false, ctx.caller);
        },
        Write(kPackageUpdate));
    a.Add(
        "package_patch",
        [&cat](ActionContext& ctx) {
            return cat.PackageUpdate(ctx.user, ctx.params, true, ctx.caller);
        },
        Write(kPackagePatch));
    a.Add(
        "package_revise",
        [&cat](ActionContext& ctx) {
            // Form-encoded clients send the dictionaries as JSON strings.
            const api::Params& in = ctx.args;
            return cat.PackageRevise(ctx.user, in.Structured("match"), in.Structured("filter"),
                                     in.Structured("update"), in.Structured("include"), ctx.caller);
        },
        Write(kPackageRevise));
    a.Add(
        "package_delete",
        [&cat](ActionContext& ctx) -> Json {
            cat.PackageDelete(ctx.user, ctx.args.Require("id"), ctx.caller);
            return nullptr;
        },
        Write(kPackageDelete));
    a.Add(
        "dataset_purge",
        [&cat](ActionContext& ctx) -> Json {
            cat.DatasetPurge(ctx.user, ctx.args.Require("id"), ctx.caller);
            return nullptr;
        },
        Write(kDatasetPurge));
    a.Add(
        "package_search",
        [&cat](ActionContext& ctx) {
            const api::Params& in = ctx.args;
            SearchParams sp;
            sp.q = in.String("q");
            for (auto& f : in.List("fq", ListSplit::kWhole)) sp.fq.push_back(std::move(f));
            for (auto& f : in.List("fq_list", ListSplit::kWhole)) sp.fq.push_back(std::move(f));
            sp.rows = Int(ctx, "rows", 10, 0, 1000);
            sp.start = Int(ctx, "start", 0, 0, 1'000'000'000);
            sp.sort = in.String("sort");
            sp.facet_fields = in.List("facet.field");
            sp.facet_limit = Int(ctx, "facet.limit", 50, -1, 1'000'000'000);
            sp.facet_mincount = Int(ctx, "facet.mincount", 1, 0, 1'000'000'000);
            sp.include_private = in.Bool("include_private", false);
            sp.include_drafts = in.Bool("include_drafts", false);
            return cat.PackageSearch(ctx.user, sp);
        },
        Search(kPackageSearch));

    // Resources
    a.Add(
        "resource_show",
        [&cat](ActionContext& ctx) { return cat.ResourceShow(ctx.user, ctx.args.Require("id")); },
        Read(kResourceShow));
    ActionOptions upload = Write(kResourceCreate);
    upload.body_limit = static_cast<size_t>(cat.max_upload_bytes()) + (1 << 20);
    upload.upload = true;
    a.Add(
        "resource_create",
        [&cat](ActionContext& ctx) {
            const http::Part* part = ctx.req.FilePart("upload");
            if (!part) return cat.ResourceCreate(ctx.user, ctx.params, ctx.caller);
            auto file = part->file;
            UploadedFile uploaded{file->path(), part->filename, part->size,
                                  [file](const std::string& dest) { return file->MoveTo(dest); }};
            return cat.ResourceCreate(ctx.user, ctx.params, ctx.caller, &uploaded);
        },
        upload);
    // resource_update and resource_patch take a new file in "upload" too (ckanapi load's
    // --upload-resources sends it so).
    auto update = [&cat](ActionContext& ctx, bool patch) {
        const http::Part* part = ctx.req.FilePart("upload");
        if (!part) return cat.ResourceUpdate(ctx.user, ctx.params, patch, ctx.caller);
        auto file = part->file;
        UploadedFile uploaded{file->path(), part->filename, part->size,
                              [file](const std::string& dest) { return file->MoveTo(dest); }};
        return cat.ResourceUpdate(ctx.user, ctx.params, patch, ctx.caller, &uploaded);
    };
    ActionOptions update_options = Write(kResourceUpdate);
    update_options.body_limit = upload.body_limit;
    update_options.upload = true;
    a.Add(
        "resource_update", [update](ActionContext& ctx) { return update(ctx, false); },
        update_options);
    ActionOptions patch_options = Write(kResourcePatch);
    patch_options.body_limit = upload.body_limit;
    patch_options.upload = true;
    a.Add(
        "resource_patch", [update](ActionContext& ctx) { return update(ctx, true); },
        patch_options);
    a.Add(
        "resource_search",
        [&cat](ActionContext& ctx) {
            std::vector<std::string> query = ctx.args.List("query", ListSplit::kWhole);
            Json fields = ctx.args.Structured("fields");
            if (!fields.is_null() && !fields.is_object())
                ctx.args.Fail("fields", "catalog.must_be_dict");
            if (fields.is_object())
                for (auto it = fields.begin(); it != fields.end(); ++it) {
                    if (!it.value().is_string()) ctx.args.Fail("fields", "catalog.must_be_dict");
                    query.push_back(it.key() + ":" + it.value().get<std::string>());
                }
            if (query.size() > 50) ctx.args.Fail("query", "catalog.resource_query_too_many");
            return cat.ResourceSearch(ctx.user, query, ctx.args.String("order_by"),
                                      Int(ctx, "offset", 0, 0, 1'000'000'000),
                                      Int(ctx, "limit", 100, 0, 1000));
        },
        Read(kResourceSearch));
    a.Add(
        "format_autocomplete",
        [&cat](ActionContext& ctx) {
            return cat.FormatAutocomplete(ctx.args.String("q"), Int(ctx, "limit", 5, 1, 100));
        },
        Read(kFormatAutocomplete));
    a.Add(
        "resource_delete",
        [&cat](ActionContext& ctx) -> Json {
            cat.ResourceDelete(ctx.user, ctx.args.Require("id"), ctx.caller);
            return nullptr;
        },
        Write(kResourceDelete));
    a.Add(
        "package_resource_reorder",
        [&cat](ActionContext& ctx) {
            std::vector<std::string> order = ctx.args.List("order");
            if (order.empty()) ctx.args.Fail("order", "schema.required");
            return cat.PackageResourceReorder(ctx.user, ctx.args.Require("id"), order, ctx.caller);
        },
        Write(kPackageResourceReorder));

    // Organizations
    a.Add(
        "organization_list",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationList(ctx.args.Bool("all_fields", false));
        },
        Read(kOrganizationList));
    a.Add(
        "organization_show",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationShow(ctx.user, ctx.args.Require("id"),
                                        ctx.args.Bool("include_datasets", false));
        },
        Read(kOrganizationShow));
    a.Add(
        "organization_create",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationCreate(ctx.user, ctx.params, ctx.caller);
        },
        Write(kOrganizationCreate));
    a.Add(
        "organization_update",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationUpdate(ctx.user, ctx.params, false, ctx.caller);
        },
        Write(kOrganizationUpdate));
    a.Add(
        "organization_patch",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationUpdate(ctx.user, ctx.params, true, ctx.caller);
        },
        Write(kOrganizationPatch));
    a.Add(
        "organization_delete",
        [&cat](ActionContext& ctx) -> Json {
            cat.OrganizationDelete(ctx.user, ctx.args.Require("id"), ctx.caller);
            return nullptr;
        },
        Write(kOrganizationDelete));
    a.Add(
        "organization_list_for_user",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationListForUser(ctx.user,
                                               ctx.args.String("permission", "manage_group"));
        },
        Read(kOrganizationListForUser));
    a.Add(
        "organization_member_create",
        [&cat](ActionContext& ctx) -> Json {
            cat.OrganizationMemberCreate(ctx.user, ctx.args.Require("id"),
                                         ctx.args.Require("username"), ctx.args.Require("role"),
                                         ctx.caller);
            return nullptr;
        },
        Write(kOrganizationMemberCreate));
    a.Add(
        "organization_member_delete",
        [&cat](ActionContext& ctx) -> Json {
            cat.OrganizationMemberDelete(ctx.user, ctx.args.Require("id"),
                                         ctx.args.Require("username"), ctx.caller);
            return nullptr;
        },
        Write(kOrganizationMemberDelete));

    // Groups
    a.Add(
        "group_list",
        [&cat](ActionContext& ctx) { return cat.GroupList(ctx.args.Bool("all_fields", false)); },
        Read(kGroupList));
    a.Add(
        "group_show", [&cat](ActionContext& ctx) { return cat.GroupShow(ctx.args.Require("id")); },
        Read(kGroupShow));
    a.Add(
        "group_create",
        [&cat](ActionContext& ctx) { return cat.GroupCreate(ctx.user, ctx.params, ctx.caller); },
        Write(kGroupCreate));
    a.Add(
        "group_update",
        [&cat](ActionContext& ctx) {
            return cat.GroupUpdate(ctx.user, ctx.params, false, ctx.caller);
        },
        Write(kGroupUpdate));
    a.Add(
        "group_patch",
        [&cat](ActionContext& ctx) {
            return cat.GroupUpdate(ctx.user, ctx.params, true, ctx.caller);
        },
        Write(kGroupPatch));
    a.Add(
        "group_delete",
        [&cat](ActionContext& ctx) -> Json {
            cat.GroupDelete(ctx.user, ctx.args.Require("id"), ctx.caller);
            return nullptr;
        },
        Write(kGroupDelete));
    a.Add(
        "member_create",
        [&cat](ActionContext& ctx) -> Json {
            const api::Params& in = ctx.args;
            cat.MemberCreate(ctx.user, in.Require("id"), in.Require("object"),
                             in.Require("object_type"), in.String("capacity", "member"),
                             ctx.caller);
            return nullptr;
        },
        Write(kMemberCreate));
    a.Add(
        "member_delete",
        [&cat](ActionContext& ctx) -> Json {
            const api::Params& in = ctx.args;
            cat.MemberDelete(ctx.user, in.Require("id"), in.Require("object"),
                             in.Require("object_type"), ctx.caller);
            return nullptr;
        },
        Write(kMemberDelete));
    a.Add(
        "member_list",
        [&cat](ActionContext& ctx) {
            return cat.MemberList(ctx.user, ctx.args.Require("id"), ctx.args.String("object_type"));
        },
        Read(kMemberList));
    // user_list is the accounts module's (accounts/api.cpp): who may list and what they see.

    // Activity streams and helpers clients use.
    a.Add(
        "package_activity_list",
        [&cat](ActionContext& ctx) {
            return cat.PackageActivityList(ctx.user, ctx.args.Require("id"),
                                           Int(ctx, "limit", 31, 1, 1000));
        },
        Read(kPackageActivityList));
    a.Add(
        "organization_activity_list",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationActivityList(ctx.user, ctx.args.Require("id"),
                                                Int(ctx, "limit", 31, 1, 1000));
        },
        Read(kOrganizationActivityList));
    a.Add(
        "package_autocomplete",
        [&cat](ActionContext& ctx) {
            return cat.PackageAutocomplete(ctx.user, ctx.args.String("q"),
                                           Int(ctx, "limit", 10, 1, 100));
        },
        Search(kPackageAutocomplete));
    a.Add(
        "organization_autocomplete",
        [&cat](ActionContext& ctx) {
            return cat.OrganizationAutocomplete(ctx.args.String("q"),
                                                Int(ctx, "limit", 20, 1, 100));
        },
        Search(kOrganizationAutocomplete));
    a.Add(
        "tag_autocomplete",
        [&cat](ActionContext& ctx) {
            return cat.TagList(ctx.args.String("query", ctx.args.String("q")),
                               Int(ctx, "limit", 10, 1, 1000));
        },
        Search(kTagAutocomplete));
    a.Add(
        "current_package_list_with_resources",
        [&cat](ActionContext& ctx) {
            return cat.CurrentPackageListWithResources(ctx.user, Int(ctx, "limit", 100, 1, 1000),
                                                       Int(ctx, "offset", 0, 0, 1'000'000'000));
        },
        Search(kCurrentPackageList));
    for (auto [change, help] :
         {std::pair{"private", kBulkUpdatePrivate}, std::pair{"public", kBulkUpdatePublic},
          std::pair{"delete", kBulkUpdateDelete}}) {
        a.Add(
            std::string("bulk_update_") + change,
            [&cat, change](ActionContext& ctx) -> Json {
                cat.BulkUpdate(ctx.user, ctx.args.Require("org_id"), ctx.args.List("datasets"),
                               change, ctx.caller);
                return nullptr;
            },
            Write(help));
    }

    // Vocabularies
    a.Add(
        "license_list", [&cat](ActionContext& ctx) { return cat.LicenseList(ctx.req.locale); },
        Read(kLicenseList));
    a.Add(
        "vocabulary_list",
        [&cat](ActionContext& ctx) { return cat.VocabularyList(ctx.req.locale); },
        Read(kVocabularyList));
    a.Add(
        "vocabulary_show",
        [&cat](ActionContext& ctx) {
            return cat.VocabularyShow(ctx.args.Require("id"), ctx.req.locale);
        },
        Read(kVocabularyShow));
    a.Add(
        "tag_list",
        [&cat](ActionContext& ctx) {
            return cat.TagList(ctx.args.String("query"), Int(ctx, "limit", 1000, 1, 1000));
        },
        Search(kTagList));
}

}  // namespace govhub::catalog
