// Learning's report pages and their JSON (issue 17, step 7; rules in reports.hpp):
//   /learning/agency/{agency}/staff         an agency's declared staff: confirm, decline, remove
//   /learning/agency/{agency}/report        the HR report (?format=csv|xlsx downloads it)
//   /learning/course/{name}/report          a course's report (?format=csv|xlsx)
//   /api/learning/agencies/{agency}/staff   (+ /confirm, /decline), /api/learning/agencies/
//   {agency}/report, /api/learning/courses/{name}/report: the same as JSON.
#include <xlsxwriter.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/csv.hpp"
#include "core/strings.hpp"
#include "core/thai_date.hpp"
#include "learning/reports.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using http::Request;
using http::Response;
using Json = nlohmann::json;
using render::View;

// A stored UTC time as the day it was in Thai time, ISO "2026-12-07" ("" for none): the
// downloads' dates, which spreadsheets read as dates in any language.
std::string ThaiDay(const std::string& iso) {
    if (iso.empty()) return "";
    int64_t t = core::ParseIsoMicros(iso);
    if (t < 0) return iso;
    return core::IsoUtc(t + int64_t{7} * 3600 * 1000000).substr(0, 10);
}

std::string OneDecimal(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", x);
    return buf;
}

std::string DisplayName(const store::ReportRow& r, const std::string& locale) {
    if (locale == "en" && !r.fullname_en.empty()) return r.fullname_en;
    return r.fullname_th.empty() ? r.user_name : r.fullname_th;
}

// not_enrolled | completed | annulled | in_progress
std::string StatusKey(const store::ReportRow& r) {
    if (r.course_id.empty()) return "not_enrolled";
    if (ReportCompleted(r)) return "completed";
    if (!r.annulled_at.empty()) return "annulled";
    return "in_progress";
}

ReportQuery QueryOf(const Request& req) {
    ReportQuery q{.course = req.Query("course"),
                  .date_field = req.Query("date_field"),
                  .from = req.Query("from"),
                  .to = req.Query("to"),
                  .status = req.Query("status")};
    std::string page = req.Query("page");
    if (!page.empty() && page.size() < 7 &&
        page.find_first_not_of("0123456789") == std::string::npos)
        q.page = std::stoi(page);
    return q;
}

Json RowJson(const store::ReportRow& r) {
    Json j = {{"user_id", r.user_id},
              {"user_name", r.user_name},
              {"fullname_th", r.fullname_th},
              {"fullname_en", r.fullname_en},
              {"position", r.position},
              {"status", StatusKey(r)},
              {"percent", ReportPercent(r)},
              {"score", r.score ? Json(*r.score) : Json(nullptr)},
              {"study_minutes", r.study_seconds / 60}};
    if (!r.course_id.empty()) {
        j["course"] = {{"id", r.course_id},
                       {"name", r.course_name},
                       {"title", r.course_title},
                       {"title_en", r.course_title_en}};
        j["enrolled_at"] = r.enrolled_at;
        j["completed_at"] = ReportCompleted(r) ? Json(r.completed_at) : Json(nullptr);
        if (!r.annulled_at.empty()) j["annulled_at"] = r.annulled_at;
    }
    if (!r.certificate_code.empty())
        j["certificate"] = {{"code", r.certificate_code},
                            {"issued_at", r.certificate_issued_at},
                            {"revoked", !r.certificate_revoked_at.empty()},
                            {"revoked_at", r.certificate_revoked_at}};
    return j;
}

struct ReportPages {
    ReportService& reports;
    const render::PageRenderer& pages;
    PageSettings settings;
    std::string tmp_dir;  // <data dir>/learning/tmp: workbooks written before they are sent

    Response Page(const Request& req, const std::string& tmpl, View v, const std::string& title,
                  int status = 200) const {
        return LearningPage(pages, settings, req, tmpl, std::move(v), title, status);
    }
    std::string T(const Request& req, const std::string& key) const {
        return pages.T(req.locale, key);
    }

    // ---- staff
    Response StaffPage(const Request& req) const {
        AgencyStaffList list =
            reports.Staff(std::string(req.PathParam("agency")), api::CurrentUser(req), req.locale);
        auto entries = [&](const std::vector<StaffEntry>& in) {
            View l = View::List();
            for (const auto& e : in)
                l.Push(View()
                           .Set("user", e.name)
                           .Set("display_name", e.display_name)
                           .Set("position", e.position)
                           .Set("declared", core::FormatIsoDate(e.declared_at, req.locale))
                           .Set("confirmed", core::FormatIsoDate(e.confirmed_at, req.locale)));
            return l;
        };
        View v;
        v.Set("agency_name", list.agency.name)
            .Set("agency_title", list.agency.title)
            .Set("pending", entries(list.pending))
            .Set("confirmed", entries(list.confirmed))
            .Set("has_pending", !list.pending.empty())
            .Set("has_confirmed", !list.confirmed.empty())
            .Set("done", req.Query("done") == "confirmed" || req.Query("done") == "declined")
            .Set("done_text", req.Query("done") == "confirmed"
                                  ? T(req, "learning.agency_staff.done_confirmed")
                                  : T(req, "learning.agency_staff.done_declined"));
        // "Enrol staff in a course": an administrator need not author a course to reach its
        // bulk enrolment page (pages_bulk.cpp); only when that page is served.
        if (settings.bulk) {
            v.Set("bulk", true);
            AddEnrolPicker(
                v, reports.EnrolCourses(list.agency.name, api::CurrentUser(req), req.locale));
        }
        return Page(req, "learning/agency_staff", std::move(v), "learning.agency_staff.title");
    }

    static void AddEnrolPicker(View& v, const EnrolChoices& choices) {
        v.Set("has_enrol_courses", !choices.courses.empty())
            .Set("enrol_courses", SelectOptions(choices.courses));
    }

    // The picker on a page of its own (no course chosen), then to the course's bulk page.
    Response EnrolPicker(const Request& req) const {
        std::string agency(req.PathParam("agency"));
        if (!req.Query("course").empty())
            return Response::Redirect(
                reports.EnrolTarget(agency, req.Query("course"), api::CurrentUser(req)));
        EnrolChoices choices = reports.EnrolCourses(agency, api::CurrentUser(req), req.locale);
        View v;
        v.Set("agency_name", choices.agency.name).Set("agency_title", choices.agency.title);
        AddEnrolPicker(v, choices);
        return Page(req, "learning/agency_enrol", std::move(v),
                    "learning.agency_staff.enrol_title");
    }

    // ---- reports
    // `agency_id`: the agency report's, whose staff's courses the course filter offers.
    View Filters(const Request& req, const ReportQuery& q, const std::string& agency_id) const {
        View v;
        bool agency = !agency_id.empty();
        v.Set("show_course", agency);
        if (agency) {
            SelectChoices courses = {{"", T(req, "learning.report.course_any")}};
            for (auto& c : reports.StaffCourses(agency_id, req.locale))
                courses.push_back(std::move(c));
            // A course typed in the address that no staff member took still shows as chosen.
            bool known = q.course.empty();
            for (const auto& c : courses) known = known || c.first == q.course;
            if (!known) courses.push_back({q.course, q.course});
            v.Set("courses", SelectOptions(courses, q.course));
        }
        v.Set("course", q.course).Set("from", q.from).Set("to", q.to);
        v.Set("statuses",
              SelectOptions({{"", T(req, "learning.report.status_any")},
                             {"completed", T(req, "learning.report.status_completed")},
                             {"not_completed", T(req, "learning.report.status_not_completed")}},
                            q.status));
        v.Set("date_fields",
              SelectOptions({{"enrolled", T(req, "learning.report.date_enrolled")},
                             {"completed", T(req, "learning.report.date_completed")}},
                            q.date_field.empty() ? "enrolled" : q.date_field));
        return v;
    }

    View Rows(const Request& req, const std::vector<store::ReportRow>& rows, bool agency) const {
        View l = View::List();
        for (const auto& r : rows) {
            View x;
            x.Set("name", DisplayName(r, req.locale))
                .Set("user", r.user_name)
                .Set("position", r.position)
                .Set("show_course", agency)
                .Set("enrolled", !r.course_id.empty())
                .Set("course_name", r.course_name)
                .Set("course_title", req.locale == "en" && !r.course_title_en.empty()
                                         ? r.course_title_en
                                         : r.course_title)
                .Set("status", T(req, "learning.report.status_" + StatusKey(r)))
                .Set("percent", ReportPercent(r))
                .Set("enrolled_at", core::FormatIsoDate(r.enrolled_at, req.locale))
                .Set("completed_at",
                     ReportCompleted(r) ? core::FormatIsoDate(r.completed_at, req.locale) : "")
                .Set("has_score", r.score.has_value())
                .Set("score", r.score ? std::to_string(*r.score) : std::string())
                .Set("has_certificate", !r.certificate_code.empty())
                .Set("certificate", r.certificate_code)
                .Set("certificate_issued", core::FormatIsoDate(r.certificate_issued_at, req.locale))
                .Set("revoked", !r.certificate_revoked_at.empty())
                .Set("revoked_at", core::FormatIsoDate(r.certificate_revoked_at, req.locale));
            l.Push(std::move(x));
        }
        return l;
    }

    // Paging links keep the filters.
    void Paging(const Request& req, View& v, const ResolvedReport& r, int64_t total,
                const std::string& base) const {
        int pages_n =
            static_cast<int>((total + ResolvedReport::kPerPage - 1) / ResolvedReport::kPerPage);
        std::string qs;
        for (const char* k : {"course", "date_field", "from", "to", "status"}) {
            std::string val = req.Query(k);
            if (!val.empty()) qs += std::string("&") + k + "=" + core::UrlEncode(val);
        }
        v.Set("total", total)
            .Set("page", r.page())
            .Set("pages", std::max(pages_n, 1))
            .Set("has_prev", r.page() > 1)
            .Set("has_next", r.page() < pages_n)
            .Set("prev_url", base + "?page=" + std::to_string(r.page() - 1) + qs)
            .Set("next_url", base + "?page=" + std::to_string(r.page() + 1) + qs)
            .Set("csv_url", base + "?format=csv" + qs)
            .Set("xlsx_url", base + "?format=xlsx" + qs);
    }

    // The download's header and one row's cells, in the reader's language.
    std::vector<std::string> Header(const std::string& locale, bool agency) const {
        auto T = [&](const std::string& key) { return pages.T(locale, key); };
        std::vector<std::string> h = {
            T("learning.report.col_name"), T("learning.report.col_name_en"),
            T("learning.report.col_user"), T("learning.report.col_position")};
        if (agency) {
            h.push_back(T("learning.report.col_course"));
            h.push_back(T("learning.report.col_course_title"));
        }
        for (const char* k :
             {"col_status", "col_enrolled", "col_percent", "col_completed", "col_score",
              "col_minutes", "col_certificate", "col_issued", "col_revoked"})
            h.push_back(T(std::string("learning.report.") + k));
        return h;
    }
    std::vector<std::string> Cells(const std::string& locale, const store::ReportRow& r,
                                   bool agency) const {
        std::vector<std::string> c = {r.fullname_th, r.fullname_en, r.user_name, r.position};
        if (agency) {
            c.push_back(r.course_name);
            c.push_back(r.course_title);
        }
        c.push_back(pages.T(locale, "learning.report.status_" + StatusKey(r)));
        c.push_back(ThaiDay(r.enrolled_at));
        c.push_back(r.course_id.empty() ? "" : std::to_string(ReportPercent(r)));
        c.push_back(ReportCompleted(r) ? ThaiDay(r.completed_at) : "");
        c.push_back(r.score ? std::to_string(*r.score) : "");
        c.push_back(r.course_id.empty() ? "" : std::to_string(r.study_seconds / 60));
        c.push_back(r.certificate_code);
        c.push_back(ThaiDay(r.certificate_issued_at));
        c.push_back(ThaiDay(r.certificate_revoked_at));
        return c;
    }

    Response Download(const Request& req, const ResolvedReport& r, const std::string& format,
                      const std::string& filename) const {
        bool agency = r.agency_report();
        auto next = reports.Batches(r);
        auto header = std::make_shared<std::vector<std::string>>(Header(req.locale, agency));
        if (format == "xlsx") {
            // Written in constant memory (row by row) to a file of its own, then streamed.
            std::filesystem::create_directories(tmp_dir);
            std::string path = tmp_dir + "/report-" + core::RandomToken(8) + ".xlsx";
            lxw_workbook_options options{};
            options.constant_memory = LXW_TRUE;
            // Its row files too, not the system's /tmp (which may be small or shared).
            options.tmpdir = const_cast<char*>(tmp_dir.c_str());
            lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
            if (!wb) throw std::runtime_error("cannot create the workbook");
            lxw_worksheet* ws = workbook_add_worksheet(wb, "report");
            lxw_format* bold = workbook_add_format(wb);
            format_set_bold(bold);
            for (size_t i = 0; i < header->size(); ++i)
                worksheet_write_string(ws, 0, static_cast<lxw_col_t>(i), (*header)[i].c_str(),
                                       bold);
            lxw_row_t row = 1;
            for (auto batch = next(); !batch.empty() && row < 1048576; batch = next())
                for (const auto& x : batch) {
                    if (row >= 1048576) break;
                    auto cells = Cells(req.locale, x, agency);
                    for (size_t i = 0; i < cells.size(); ++i)
                        if (!cells[i].empty())
                            worksheet_write_string(ws, row, static_cast<lxw_col_t>(i),
                                                   cells[i].c_str(), nullptr);
                    ++row;
                }
            if (workbook_close(wb) != LXW_NO_ERROR) {
                std::error_code ec;
                std::filesystem::remove(path, ec);
                throw std::runtime_error("cannot write the workbook");
            }
            return http::TemporaryFileResponse(
                path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                filename + ".xlsx");
        }
        // CSV streamed a batch at a time, with a BOM so Excel reads it as UTF-8 (Thai), and no
        // cell Excel would run as a formula (a position or a title is anyone's text).
        Response res;
        res.headers.Set("Content-Type", "text/csv; charset=utf-8");
        res.headers.Set("Content-Disposition", http::AttachmentDisposition(filename + ".csv"));
        res.headers.Set("Cache-Control", "private, no-store");
        auto started = std::make_shared<bool>(false);
        auto self = *this;
        std::string locale = req.locale;
        res.producer = [self, next, header, started, agency, locale](std::string& chunk) {
            auto line = [&](const std::vector<std::string>& cells) {
                for (size_t i = 0; i < cells.size(); ++i) {
                    if (i) chunk += ',';
                    chunk += core::SpreadsheetCsvField(cells[i], ',');
                }
                chunk += "\r\n";
            };
            if (!*started) {
                *started = true;
                chunk += "\xEF\xBB\xBF";
                line(*header);
                return true;
            }
            auto batch = next();
            if (batch.empty()) return false;
            for (const auto& x : batch) line(self.Cells(locale, x, agency));
            return true;
        };
        return res;
    }

    Response AgencyReport(Request& req) const {
        ReportQuery q = QueryOf(req);
        std::string agency(req.PathParam("agency"));
        std::string format = req.Query("format");
        std::string agency_id;
        View v;
        try {
            ResolvedReport r = reports.AgencyReport(agency, q, api::CurrentUser(req), req.locale);
            if (format == "csv" || format == "xlsx")
                return Download(req, r, format, "learning-report-" + r.agency().name);
            ReportPage page = reports.Page(r);
            agency_id = r.agency().id;
            v.Set("agency_name", r.agency().name).Set("agency_title", r.agency().title);
            v.Set("rows", Rows(req, page.rows, true)).Set("has_rows", !page.rows.empty());
            Paging(req, v, r, page.total, "/learning/agency/" + r.agency().name + "/report");
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            // The filters as typed, with what is wrong; the agency's name and title again.
            AgencyStaffList l = reports.Staff(agency, api::CurrentUser(req), req.locale);
            v.Set("agency_name", l.agency.name).Set("agency_title", l.agency.title);
            pages.AddErrors(v, e.fields(), req.locale);
            v.Set("filters", Filters(req, q, l.agency.id));
            return Page(req, "learning/agency_report", std::move(v), "learning.report.title", 422);
        }
        v.Set("filters", Filters(req, q, agency_id)).Set("agency_report", true);
        return Page(req, "learning/agency_report", std::move(v), "learning.report.title");
    }

    Response CourseReport(Request& req) const {
        ReportQuery q = QueryOf(req);
        std::string format = req.Query("format");
        View v;
        v.Set("filters", Filters(req, q, "")).Set("agency_report", false);
        ResolvedReport r = [&] {
            try {
                return reports.CourseReport(std::string(req.PathParam("name")), q,
                                            api::CurrentUser(req));
            } catch (const HttpError& e) {
                if (e.fields().empty()) throw;
                pages.AddErrors(v, e.fields(), req.locale);
                return reports.CourseReport(std::string(req.PathParam("name")), ReportQuery{},
                                            api::CurrentUser(req));
            }
        }();
        bool bad = v.Find("has_errors") != nullptr;
        if (!bad && (format == "csv" || format == "xlsx"))
            return Download(req, r, format, "learning-course-" + r.course().name);
        const Course& c = r.course();
        store::CourseTotals t = reports.Totals(r);
        v.Set("name", c.name)
            .Set("title", req.locale == "en" && !c.title_en.empty() ? c.title_en : c.title)
            .Set("enrolled", t.enrolled)
            .Set("in_progress", t.enrolled - t.completed)
            .Set("completed", t.completed)
            .Set("certificates", t.certificates)
            .Set("revoked", t.revoked)
            .Set("has_revoked", t.revoked > 0)
            .Set("has_average", t.average_score.has_value())
            .Set("average", t.average_score ? OneDecimal(*t.average_score) : "");
        if (!bad) {
            ReportPage page = reports.Page(r);
            v.Set("rows", Rows(req, page.rows, false)).Set("has_rows", !page.rows.empty());
            Paging(req, v, r, page.total, "/learning/course/" + c.name + "/report");
        }
        return Page(req, "learning/course_report", std::move(v), "learning.report.course_title",
                    bad ? 422 : 200);
    }
};

Json StaffListJson(const AgencyStaffList& l) {
    auto list = [](const std::vector<StaffEntry>& in) {
        Json a = Json::array();
        for (const auto& e : in)
            a.push_back({{"user_id", e.user_id},
                         {"name", e.name},
                         {"display_name", e.display_name},
                         {"position", e.position},
                         {"declared_at", e.declared_at},
                         {"confirmed_at", e.confirmed_at}});
        return a;
    };
    return {{"agency", {{"id", l.agency.id}, {"name", l.agency.name}, {"title", l.agency.title}}},
            {"pending", list(l.pending)},
            {"confirmed", list(l.confirmed)}};
}

Json ReportJson(ReportService& reports, const ResolvedReport& r) {
    ReportPage page = reports.Page(r);
    Json rows = Json::array();
    for (const auto& x : page.rows) rows.push_back(RowJson(x));
    Json out = {{"total", page.total},
                {"page", r.page()},
                {"per_page", ResolvedReport::kPerPage},
                {"rows", rows}};
    if (r.agency_report())
        out["agency"] = {{"id", r.agency().id}, {"name", r.agency().name}};
    else {
        store::CourseTotals t = reports.Totals(r);
        out["course"] = {{"id", r.course().id}, {"name", r.course().name}};
        out["totals"] = {
            {"enrolled", t.enrolled},
            {"in_progress", t.enrolled - t.completed},
            {"completed", t.completed},
            {"certificates", t.certificates},
            {"revoked", t.revoked},
            {"average_score", t.average_score ? Json(*t.average_score) : Json(nullptr)}};
    }
    return out;
}

}  // namespace

void RegisterReportRoutes(http::Router& router, ReportService& reports,
                          const render::PageRenderer& pages, const PageSettings& settings,
                          const std::string& tmp_dir) {
    auto pg = std::make_shared<ReportPages>(ReportPages{reports, pages, settings, tmp_dir});
    http::RouteOptions form{.body_limit = 16 << 10, .rate_limit = "form"};
    router.Get("/learning/agency/{agency}/staff",
               [pg](Request& req) { return pg->StaffPage(req); });
    for (const char* action : {"confirm", "decline"}) {
        bool confirm = std::string(action) == "confirm";
        router.Post(
            std::string("/learning/agency/{agency}/staff/") + action,
            [pg, confirm](Request& req) {
                std::string agency(req.PathParam("agency"));
                std::string user = req.FormValue("user");
                if (confirm)
                    pg->reports.Confirm(agency, user, api::CallerOf(req));
                else
                    pg->reports.Decline(agency, user, api::CallerOf(req));
                return Response::Redirect("/learning/agency/" + core::UrlEncode(agency) +
                                          "/staff?done=" + (confirm ? "confirmed" : "declined"));
            },
            form);
        router.Post(
            std::string("/api/learning/agencies/{agency}/staff/") + action,
            [&reports, confirm](Request& req) {
                std::string agency(req.PathParam("agency"));
                std::string user = JsonText(FieldsOf(req), "user");
                bool changed = confirm ? reports.Confirm(agency, user, api::CallerOf(req))
                                       : reports.Decline(agency, user, api::CallerOf(req));
                Json out = StaffListJson(reports.Staff(agency, api::CurrentUser(req), req.locale));
                out["changed"] = changed;
                return SendJson(out);
            },
            form);
    }
    // The staff page's course picker (a GET form, no JavaScript) to the course's bulk page.
    if (settings.bulk)
        router.Get("/learning/agency/{agency}/enrol-bulk",
                   [pg](Request& req) { return pg->EnrolPicker(req); });
    router.Get("/api/learning/agencies/{agency}/staff", [&reports](Request& req) {
        return SendJson(StaffListJson(reports.Staff(std::string(req.PathParam("agency")),
                                                    api::CurrentUser(req), req.locale)));
    });
    router.Get("/learning/agency/{agency}/report",
               [pg](Request& req) { return pg->AgencyReport(req); });
    router.Get("/learning/course/{name}/report",
               [pg](Request& req) { return pg->CourseReport(req); });
    router.Get("/api/learning/agencies/{agency}/report", [&reports](Request& req) {
        return SendJson(ReportJson(
            reports, reports.AgencyReport(std::string(req.PathParam("agency")), QueryOf(req),
                                          api::CurrentUser(req), req.locale)));
    });
    router.Get("/api/learning/courses/{name}/report", [&reports](Request& req) {
        return SendJson(
            ReportJson(reports, reports.CourseReport(std::string(req.PathParam("name")),
                                                     QueryOf(req), api::CurrentUser(req))));
    });
}

}  // namespace govhub::learning
