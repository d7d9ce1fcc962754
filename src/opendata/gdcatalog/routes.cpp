#include "opendata/gdcatalog/routes.hpp"
#include "core/i18n.hpp"

#include <filesystem>

#include "accounts/middleware.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "opendata/datastore/source.hpp"
#include "opendata/gdcatalog/workbook.hpp"

namespace govhub::gdcatalog {

namespace {
using render::View;

}  // namespace

void RegisterRoutes(http::Router& router, catalog::CatalogService& catalog, jobs::JobService& jobs,
                    const render::PageRenderer& pages, const std::string& tmp_dir) {
    router.Get(
        "/catalog.xlsx",
        [&catalog, tmp_dir](http::Request& req) {
            std::string path = tmp_dir + "/export-" + core::RandomToken(8) + ".xlsx";
            std::string org = req.Query("organization");
            ExportWorkbook(catalog, accounts::CurrentUser(req), org, path);
            return http::TemporaryFileResponse(
                path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                org.empty() ? "catalog.xlsx" : "catalog-" + org + ".xlsx");
        },
        {.pool = "catalog_export"});  // the whole catalog into a workbook: a bulkhead of its own
    router.Get("/ckan-admin/catalog-import", [&pages](http::Request& req) {
        api::RequireUser(api::CurrentUser(req));
        return http::Response::Html(pages.Render("gdcatalog/import", View(),
                                                 accounts::PageContextOf(req), "gdcatalog.title"));
    });
    router.Post("/ckan-admin/catalog-import",
                [&jobs, tmp_dir](http::Request& req) {
                    const accounts::Principal* p = accounts::CurrentUser(req);
                    if (!p) throw HttpError::Unauthorized();
                    const http::Part* part = req.FilePart("workbook");
                    if (!part || part->size == 0)
                        throw HttpError::Validation({{"workbook", "gdcatalog.no_file"}});
                    std::string dest = tmp_dir + "/import-" + core::RandomToken(8) + ".xlsx";
                    if (!part->file->MoveTo(dest))
                        throw HttpError(500, "internal", "error.storage");
                    // Refuse what is not a workbook now, rather than in the job.
                    try {
                        datastore::OpenXlsx(dest, "");
                    } catch (const datastore::SourceError& e) {
                        std::filesystem::remove(dest);
                        throw HttpError::Validation({{"workbook", e.what()}});
                    }
                    std::string id = jobs.Enqueue(kImportJob, nlohmann::json{{"path", dest}}.dump(),
                                                  {.owner_id = p->user_id, .max_attempts = 1});
                    return http::Response::Redirect("/ckan-admin/catalog-import/" + id);
                },
                {.body_limit = 64 << 20, .upload = true, .rate_limit = "form"});
    router.Get("/ckan-admin/catalog-import/{job}", [&jobs, &pages](http::Request& req) {
        const accounts::Principal* p = accounts::CurrentUser(req);
        if (!p) return http::Response::Redirect("/user/login");
        auto job = jobs.Get(std::string(req.PathParam("job")), p);
        if (!job || job->kind != kImportJob) throw HttpError::NotFound();
        View v;
        v.Set("state", jobs::ToString(job->state))
            .Set("message", job->message)
            .Set("error", job->error)
            .Set("has_error", !job->error.empty())
            .Set("done", job->finished_state());
        auto result =
            nlohmann::json::parse(job->result.empty() ? "{}" : job->result, nullptr, false);
        if (result.is_object() && result.contains("rows")) {
            View rows = View::List();
            for (const auto& r : result["rows"]) {
                View row;
                std::string errors;
                for (auto it = r["errors"].begin(); it != r["errors"].end(); ++it)
                    for (const auto& m : *it)
                        errors += (errors.empty() ? "" : "; ") + it.key() + ": " +
                                  pages.T(req.locale, m.get<std::string>());
                row.Set("sheet", r.value("sheet", ""))
                    .Set("row", r.value("row", 0))
                    .Set("name", r.value("name", ""))
                    .Set("result", r.value("result", ""))
                    .Set("result_label", pages.T(req.locale, "gdcatalog." + r.value("result", "")))
                    .Set("rejected", r.value("result", "") == "rejected")
                    .Set("errors", errors);
                rows.Push(std::move(row));
            }
            v.Set("rows", std::move(rows)).Set("has_rows", true);
            for (const char* k : {"created", "updated", "rejected"}) v.Set(k, result.value(k, 0));
        }
        auto ctx = accounts::PageContextOf(req);
        if (!job->finished_state()) ctx.refresh_seconds = 2;
        return http::Response::Html(
            pages.Render("gdcatalog/report", std::move(v), ctx, "gdcatalog.report_title"));
    });
}

void RegisterJobs(jobs::JobRunner& runner, catalog::CatalogService& catalog,
                  accounts::AccountService& accounts) {
    runner.Register(kImportJob, [&catalog, &accounts](jobs::JobContext& ctx) {
        auto payload = nlohmann::json::parse(ctx.payload(), nullptr, false);
        std::string path = payload.is_object() ? payload.value("path", "") : "";
        struct Remove {
            std::string p;
            ~Remove() {
                if (!p.empty()) std::filesystem::remove(p);
            }
        } remove{path};
        if (path.empty() || !std::filesystem::exists(path))
            throw jobs::PermanentJobError("the workbook is gone");
        auto p = accounts.PrincipalOfActiveUser(ctx.job().owner_id);
        if (!p) throw jobs::PermanentJobError(core::Message("gdcatalog.importer_inactive"));
        nlohmann::json rows;
        try {
            rows = ImportWorkbook(catalog, *p, path, [&](int64_t done, const std::string& m) {
                ctx.Progress(done, 0, m);
                ctx.ThrowIfInterrupted();
            });
        } catch (const datastore::SourceError& e) {
            throw jobs::PermanentJobError(e.what());
        }
        nlohmann::json result = {{"rows", rows}, {"created", 0}, {"updated", 0}, {"rejected", 0}};
        for (const auto& r : rows)
            result[r["result"].get<std::string>()] =
                result[r["result"].get<std::string>()].get<int>() + 1;
        ctx.Log(core::Message("gdcatalog.import_summary",
                              {{"created", std::to_string(result["created"].get<int>())},
                               {"updated", std::to_string(result["updated"].get<int>())},
                               {"rejected", std::to_string(result["rejected"].get<int>())}}));
        return result.dump();
    });
}

}  // namespace govhub::gdcatalog
