// The datastore service's loads: the catalog's resource events, the load job (a file, fetched
// first when it is a link, into the resource's table) and its latest run.
#include "opendata/datastore/service.hpp"

#include "opendata/datastore/auth.hpp"

#include <filesystem>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/i18n.hpp"
#include "opendata/datastore/fetch.hpp"
#include "opendata/datastore/loader.hpp"
#include "opendata/datastore/source.hpp"
#include "opendata/datastore/store.hpp"

namespace govhub::datastore {

namespace {

std::string Subject(const std::string& resource_id) {
    return "resource:" + resource_id;
}

}  // namespace

void DatastoreService::OnResourceChanged(db::Connection&, const catalog::Resource& r,
                                         const catalog::Dataset&, const std::string& actor_id) {
    std::string ext = std::filesystem::path(r.url).extension().string();
    if (!IsTabularFormat(r.format) && !IsTabularFormat(ext)) return;
    jobs_.Enqueue(kLoadJob, Json{{"resource_id", r.id}}.dump(),
                  {.owner_id = actor_id, .max_attempts = 3, .subject = Subject(r.id)});
}

void DatastoreService::SyncCatalog() {
    std::vector<std::string> ids;
    for (const auto& t : db_.Read([](db::Connection& c) { return store::ListTables(c); }))
        ids.push_back(t.resource_id);
    catalog_.SyncDatastoreActive(ids);
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
    catalog_.SetDatastoreActive(id, true);
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

std::optional<jobs::Job> DatastoreService::LatestLoad(const std::string& resource_id) {
    return jobs_.Latest(kLoadJob, Subject(resource_id));
}

void RegisterJobs(jobs::JobRunner& runner, DatastoreService& service) {
    runner.Register(DatastoreService::kLoadJob,
                    [&service](jobs::JobContext& ctx) { return service.RunLoad(ctx); });
}

}  // namespace govhub::datastore
