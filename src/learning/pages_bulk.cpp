// Bulk enrolment's page and JSON (bulk_enrol.hpp has the rules):
//   GET/POST /learning/course/{name}/enrol-bulk            the upload form; the file queues a job
//   GET      /learning/course/{name}/enrol-bulk/{job}      its progress, then the per-row report
//   GET      /learning/course/{name}/enrol-bulk/{job}/report.csv
//   POST     /api/learning/courses/{name}/enrolments/bulk  multipart `file` or a text/csv body
//   GET      /api/learning/courses/{name}/enrolments/bulk/{job}
// The upload routes take at most the CSV cap and 64 KiB of form around it: a larger body is
// refused (413) before it is read, let alone parsed.
#include <fstream>
#include <iterator>

#include "core/strings.hpp"
#include "jobs/model.hpp"
#include "learning/bulk_enrol.hpp"
#include "learning/enrolment_csv.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;
using render::View;

// The uploaded file: a multipart part named `file` (or the first file part), else the raw body
// (a text/csv POST). The route's body limit bounds what can be read here.
std::string UploadedCsv(const Request& req) {
    const http::Part* part = req.FilePart("file");
    if (!part)
        for (const auto& p : req.parts)
            if (p.file) part = &p;
    std::shared_ptr<http::TempFile> file = part ? part->file : req.body_file;
    if (!file) return req.body;
    std::ifstream in(file->path(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The agency field of a multipart form, a form or the query.
std::string AgencyField(const Request& req) {
    std::string a = req.Query("agency_id");
    for (const auto& p : req.parts)
        if (p.name == "agency_id" && !p.file) a = p.value;
    return core::Trim(a);
}

// A job of this course (its subject), seen by its owner or a sysadmin; else 404.
jobs::Job CourseJob(BulkEnrolService& bulk, const Course& course, const Request& req) {
    auto job = bulk.Find(std::string(req.PathParam("job")), api::CurrentUser(req));
    if (!job || job->subject != "course:" + course.id)
        throw HttpError::NotFound("learning.bulk.no_such_job");
    return *job;
}

Json JobJson(const jobs::Job& job) {
    Json j = {{"id", job.id},
              {"state", jobs::ToString(job.state)},
              {"done", job.progress_done},
              {"total", job.progress_total},
              {"created", job.created},
              {"finished", job.finished}};
    if (job.state == jobs::JobState::kFailed) j["error"] = job.error;
    return j;
}

struct BulkPages {
    BulkEnrolService& bulk;
    const render::PageRenderer& pages;
    PageSettings settings;

    Response Form(const Request& req, const BulkAccess& a, const std::vector<FieldError>& errors,
                  const std::string& agency, int status) const {
        const std::string& locale = req.locale;
        View v;
        const Course& c = a.course;
        std::string title = locale == "en" && !c.title_en.empty() ? c.title_en : c.title;
        SelectChoices agencies;
        for (const auto& [id, name] : a.agencies) agencies.emplace_back(id, name);
        v.Set("name", c.name)
            .Set("course_title", title)
            .Set("any_person", a.any_person)
            .Set("choose_agency", !a.any_person && a.agencies.size() > 1)
            .Set("one_agency", !a.any_person && a.agencies.size() == 1)
            .Set("agency_title", a.agencies.empty() ? "" : a.agencies.front().second)
            .Set("agencies", SelectOptions(agencies, agency))
            .Set("max_rows", std::to_string(kMaxEnrolmentRows))
            .Set("max_mib", std::to_string(kMaxEnrolmentBytes >> 20));
        pages.AddErrors(v, errors, locale);
        return LearningPage(pages, settings, req, "learning/bulk_form", std::move(v),
                            pages.T(locale, "learning.bulk.title"), status);
    }

    Response Report(const Request& req, const Course& c, const jobs::Job& job) const {
        const std::string& locale = req.locale;
        View v;
        std::string title = locale == "en" && !c.title_en.empty() ? c.title_en : c.title;
        bool running = !job.finished_state();
        v.Set("name", c.name)
            .Set("course_title", title)
            .Set("job", job.id)
            .Set("running", running)
            .Set("failed",
                 job.state == jobs::JobState::kFailed || job.state == jobs::JobState::kCancelled)
            .Set("done", std::to_string(job.progress_done))
            .Set("total", std::to_string(job.progress_total))
            .Set("percent", std::to_string(job.progress_total > 0
                                               ? job.progress_done * 100 / job.progress_total
                                               : 0));
        Json report = Json::parse(job.result.empty() ? "null" : job.result, nullptr, false);
        bool has_report = job.state == jobs::JobState::kSucceeded && report.is_object();
        v.Set("has_report", has_report);
        if (has_report) {
            View counts = View::List();
            // In the outcomes' own order (enrolled first), not the JSON's alphabetical one.
            for (const auto& [outcome, name] : kBulkOutcomeText.all()) {
                std::string key(name);
                int64_t n = report["counts"].value(key, int64_t{0});
                if (n == 0) continue;
                counts.Push(View()
                                .Set("outcome", key)
                                .Set("label", pages.T(locale, "learning.bulk.count." + key))
                                .Set("n", std::to_string(n)));
            }
            View rows = View::List();
            for (const auto& r : report["rows"])
                rows.Push(View()
                              .Set("line", std::to_string(r.value("line", 0)))
                              .Set("shown", r.value("shown", ""))
                              .Set("outcome", r.value("outcome", ""))
                              .Set("ok", r.value("outcome", "") == "enrolled")
                              .Set("message", pages.T(locale, r.value("message_key", ""))));
            v.Set("counts", std::move(counts))
                .Set("rows", std::move(rows))
                .Set("row_total", std::to_string(report.value("total", 0)));
        }
        Response res = LearningPage(pages, settings, req, "learning/bulk_report", std::move(v),
                                    pages.T(locale, "learning.bulk.report_title"));
        // A page that follows the job without JavaScript: it reloads itself while it runs.
        if (running) res.headers.Set("Refresh", "2");
        return res;
    }
};

}  // namespace

void RegisterBulkRoutes(http::Router& router, BulkEnrolService& bulk,
                        const render::PageRenderer& pages, const PageSettings& settings) {
    auto pg = std::make_shared<BulkPages>(BulkPages{bulk, pages, settings});
    http::RouteOptions upload{
        .body_limit = kMaxEnrolmentBytes + (64 << 10), .upload = true, .rate_limit = "form"};
    router.Get("/learning/course/{name}/enrol-bulk", [pg](Request& req) {
        BulkAccess a =
            pg->bulk.Access(std::string(req.PathParam("name")), api::CurrentUser(req), req.locale);
        return pg->Form(req, a, {}, req.Query("agency_id"), 200);
    });
    router.Post(
        "/learning/course/{name}/enrol-bulk",
        [pg](Request& req) {
            std::string name(req.PathParam("name"));
            BulkAccess a = pg->bulk.Access(name, api::CurrentUser(req), req.locale);
            std::string agency = AgencyField(req);
            try {
                std::string job =
                    pg->bulk.Start(name, UploadedCsv(req), agency, api::CallerOf(req));
                return Response::Redirect("/learning/course/" + a.course.name + "/enrol-bulk/" +
                                          job);
            } catch (const HttpError& e) {
                if (!e.fields().empty()) return pg->Form(req, a, e.fields(), agency, 422);
                if (e.status() == 413)
                    return pg->Form(req, a, {{"file", e.message()}}, agency, 413);
                throw;
            }
        },
        upload);
    router.Get("/learning/course/{name}/enrol-bulk/{job}", [pg](Request& req) {
        BulkAccess a =
            pg->bulk.Access(std::string(req.PathParam("name")), api::CurrentUser(req), req.locale);
        return pg->Report(req, a.course, CourseJob(pg->bulk, a.course, req));
    });
    router.Get("/learning/course/{name}/enrol-bulk/{job}/report.csv", [pg](Request& req) {
        BulkAccess a =
            pg->bulk.Access(std::string(req.PathParam("name")), api::CurrentUser(req), req.locale);
        jobs::Job job = CourseJob(pg->bulk, a.course, req);
        if (job.state != jobs::JobState::kSucceeded)
            throw HttpError(409, "not_ready", "learning.bulk.not_ready");
        Json report = Json::parse(job.result, nullptr, false);
        Response res = Response::Text(
            BulkReportCsv(report, [&](const std::string& k) { return pg->pages.T(req.locale, k); }),
            200, "text/csv; charset=utf-8");
        res.headers.Set("Content-Disposition",
                        http::AttachmentDisposition("enrol-" + a.course.name + ".csv"));
        return res;
    });

    router.Post(
        "/api/learning/courses/{name}/enrolments/bulk",
        [pg](Request& req) {
            std::string name(req.PathParam("name"));
            std::string job =
                pg->bulk.Start(name, UploadedCsv(req), AgencyField(req), api::CallerOf(req));
            return SendJson(
                {{"job_id", job},
                 {"status_url", "/api/learning/courses/" + name + "/enrolments/bulk/" + job}},
                202);
        },
        upload);
    router.Get("/api/learning/courses/{name}/enrolments/bulk/{job}", [pg](Request& req) {
        BulkAccess a =
            pg->bulk.Access(std::string(req.PathParam("name")), api::CurrentUser(req), req.locale);
        jobs::Job job = CourseJob(pg->bulk, a.course, req);
        Json out = {{"job", JobJson(job)}, {"report", nullptr}};
        if (job.state == jobs::JobState::kSucceeded) {
            Json report = Json::parse(job.result, nullptr, false);
            if (report.is_object()) {
                // Each row's message in the caller's language beside its key.
                for (auto& r : report["rows"])
                    r["message"] = pg->pages.T(req.locale, r.value("message_key", ""));
                out["report"] = std::move(report);
            }
        }
        return SendJson(out);
    });
}

}  // namespace govhub::learning
