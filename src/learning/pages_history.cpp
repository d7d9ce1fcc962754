// "My learning" (issue 17, step 7): the learner's history on /learning/my (pages.cpp's page
// takes its list from here), its JSON twin, and the transcript as PDF and CSV. Only the
// signed-in learner's own history: there is no user in any of these addresses.
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/csv.hpp"
#include "core/i18n.hpp"
#include "core/thai_date.hpp"
#include "learning/history.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"
#include "render/transcript.hpp"

namespace govhub::learning {
namespace {

using http::Request;
using http::Response;
using render::View;
using Json = nlohmann::json;

const std::string& Localized(const std::string& th, const std::string& en,
                             const std::string& locale) {
    return locale == "en" && !en.empty() ? en : th;
}

// Study time and hours as h:mm ("12:05"), the way HR sheets count them.
std::string HoursMinutes(int64_t minutes) {
    if (minutes < 0) minutes = 0;
    std::string m = std::to_string(minutes % 60);
    return std::to_string(minutes / 60) + ":" + (m.size() < 2 ? "0" + m : m);
}

std::string Score(const std::optional<int>& score) {
    return score ? std::to_string(*score) + "%" : "";
}

std::string Date(const std::string& iso, const std::string& locale) {
    return core::FormatIsoDate(iso, locale);
}

// A stored ISO time's date alone ("2026-12-07"): what a spreadsheet reads as a date.
std::string IsoDay(const std::string& iso) {
    return iso.size() >= 10 ? iso.substr(0, 10) : iso;
}

std::string Translate(const render::PageRenderer& pages, const std::string& locale,
                      const std::string& key,
                      std::initializer_list<std::pair<std::string_view, std::string>> values) {
    return pages.T(locale, core::Message(key, values));
}

Json CertificateJson(const Certificate& c, const std::string& locale) {
    return {{"code", c.code},
            {"course_title", CertificateCourseTitle(c, locale)},
            {"issued_at", c.issued_at},
            {"revoked", !c.revoked_at.empty()},
            {"revoked_at", c.revoked_at},
            {"revoke_reason", c.revoke_reason},
            {"pdf", "/learning/certificates/" + c.code + ".pdf"},
            {"verify", "/learning/verify/" + c.code}};
}

View CertificateView(const Certificate& c, const std::string& locale) {
    View v;
    v.Set("code", c.code)
        .Set("course_title", CertificateCourseTitle(c, locale))
        .Set("issued", Date(c.issued_at, locale))
        .Set("revoked", !c.revoked_at.empty())
        .Set("revoked_date", Date(c.revoked_at, locale))
        .Set("revoke_reason", c.revoke_reason)
        .Set("has_revoke_reason", !c.revoke_reason.empty());
    return v;
}

// The courses a transcript lists: the completed ones, oldest completion first.
std::vector<const HistoryCourse*> TranscriptCourses(const LearningHistory& h) {
    std::vector<const HistoryCourse*> out;
    for (const auto& c : h.courses)
        if (c.state == HistoryState::kCompleted) out.push_back(&c);
    std::stable_sort(out.begin(), out.end(), [](const HistoryCourse* a, const HistoryCourse* b) {
        return a->completed_at < b->completed_at;
    });
    return out;
}

std::vector<std::string> TranscriptRow(const HistoryCourse& c, const std::string& locale,
                                       bool iso_dates) {
    const Certificate* cert = c.ValidCertificate();
    return {Localized(c.course.title, c.course.title_en, locale),
            c.agency_title,
            HoursMinutes(c.course.minutes),
            iso_dates ? IsoDay(c.completed_at)
                      : core::FormatDateShort(core::ParseIsoMicros(c.completed_at), locale),
            Score(c.score),
            cert ? cert->code : ""};
}

std::vector<std::string> TranscriptHeadings(const render::PageRenderer& pages,
                                            const std::string& locale) {
    std::vector<std::string> out;
    for (const char* k : {"course", "agency", "hours", "completed", "score", "certificate"})
        out.push_back(pages.T(locale, std::string("learning.history.col_") + k));
    return out;
}

Response PersonalFile(std::string body, const std::string& type, const std::string& name) {
    Response res = Response::Text(std::move(body), 200, type);
    res.headers.Set("Content-Disposition", http::AttachmentDisposition(name));
    res.headers.Set("Cache-Control", "private, no-store");  // someone's own record
    return res;
}

}  // namespace

void AddMyHistory(View& v, LearningService& service, const render::PageRenderer& pages,
                  const Request& req, const api::Principal& p) {
    const std::string& locale = req.locale;
    HistoryFilter filter = ParseHistoryFilter(req.Query("show"));
    LearningHistory h = HistoryService(service).Of(p, locale, filter);
    View list = View::List();
    for (const auto& c : h.courses) {
        View card;
        View standing;
        standing.Set("percent", c.percent)
            .Set("done", c.lessons_done)
            .Set("required", c.lessons_required)
            .Set("completed", c.state == HistoryState::kCompleted);
        View certs = View::List();
        for (const auto& x : c.certificates) certs.Push(CertificateView(x, locale));
        card.Set("name", c.course.name)
            .Set("title", Localized(c.course.title, c.course.title_en, locale))
            .Set("agency", c.agency_title)
            .Set("has_agency", !c.agency_title.empty())
            .Set("hours", HoursMinutes(c.course.minutes))
            .Set("standing", std::move(standing))
            .Set("completed", c.state == HistoryState::kCompleted)
            .Set("annulled", c.state == HistoryState::kAnnulled)
            .Set("annulled_date", Date(c.annulled_at, locale))
            .Set("annul_reason", c.annul_reason)
            .Set("has_annul_reason", !c.annul_reason.empty())
            .Set("score", Score(c.score))
            .Set("has_score", c.score.has_value())
            .Set("study_time", HoursMinutes(c.study_seconds / 60))
            .Set("enrolled_date", Date(c.enrolled_at, locale))
            .Set("completed_date", Date(c.completed_at, locale))
            .Set("has_certificates", !c.certificates.empty())
            .Set("certificates", std::move(certs));
        list.Push(std::move(card));
    }
    View others = View::List();
    for (const auto& x : h.other_certificates) others.Push(CertificateView(x, locale));
    const std::string shown = filter == HistoryFilter::kCompleted    ? "completed"
                              : filter == HistoryFilter::kInProgress ? "in_progress"
                                                                     : "all";
    View filters = View::List();
    for (const char* key : {"all", "in_progress", "completed"}) {
        View f;
        f.Set("key", std::string(key))
            .Set("label", pages.T(locale, std::string("learning.history.show_") + key))
            .Set("current", shown == key);
        filters.Push(std::move(f));
    }
    View totals;
    totals
        .Set("completed",
             Translate(pages, locale, "learning.history.total_completed",
                       {{"n", std::to_string(h.completed)}, {"of", std::to_string(h.enrolled)}}))
        .Set("hours", Translate(pages, locale, "learning.history.total_hours",
                                {{"h", HoursMinutes(h.completed_minutes)}}))
        .Set("study", Translate(pages, locale, "learning.history.total_study",
                                {{"h", HoursMinutes(h.study_seconds / 60)}}));
    v.Set("has_courses", !list.items().empty())
        .Set("courses", std::move(list))
        .Set("has_enrolments", h.enrolled > 0)
        .Set("filtered", filter != HistoryFilter::kAll)
        .Set("filters", std::move(filters))
        .Set("totals", std::move(totals))
        .Set("has_transcript", h.completed > 0)
        .Set("has_other_certificates", !h.other_certificates.empty())
        .Set("other_certificates", std::move(others));
}

void RegisterHistoryRoutes(http::Router& router, LearningService& service,
                           const render::PageRenderer& pages) {
    router.Get("/api/learning/my/history", [&service](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        const std::string& locale = req.locale;
        LearningHistory h =
            HistoryService(service).Of(p, locale, ParseHistoryFilter(req.Query("state")));
        Json courses = Json::array();
        for (const auto& c : h.courses) {
            Json certs = Json::array();
            for (const auto& x : c.certificates) certs.push_back(CertificateJson(x, locale));
            courses.push_back({{"name", c.course.name},
                               {"title", c.course.title},
                               {"title_en", c.course.title_en},
                               {"agency_id", c.course.agency_id},
                               {"agency", c.agency_title},
                               {"minutes", c.course.minutes},
                               {"state", std::string(kHistoryStateText.Name(c.state))},
                               {"enrolled_at", c.enrolled_at},
                               {"completed_at", c.completed_at},
                               {"annulled_at", c.annulled_at},
                               {"annul_reason", c.annul_reason},
                               {"course_version", c.course_version},
                               {"progress",
                                {{"percent", c.percent},
                                 {"done", c.lessons_done},
                                 {"required", c.lessons_required}}},
                               {"study_seconds", c.study_seconds},
                               {"score", c.score ? Json(*c.score) : Json(nullptr)},
                               {"certificates", std::move(certs)}});
        }
        Json others = Json::array();
        for (const auto& x : h.other_certificates) others.push_back(CertificateJson(x, locale));
        return SendJson({{"totals",
                          {{"enrolled", h.enrolled},
                           {"completed", h.completed},
                           {"in_progress", h.in_progress},
                           {"completed_minutes", h.completed_minutes},
                           {"study_seconds", h.study_seconds}}},
                         {"courses", std::move(courses)},
                         {"other_certificates", std::move(others)}});
    });

    // The transcript lists completed courses; an annulled completion is not one.
    router.Get("/learning/my/transcript.pdf",
               [&service, &pages](Request& req) {
                   const api::Principal& p = api::RequireUser(api::CurrentUser(req));
                   const std::string& locale = req.locale;
                   LearningHistory h = HistoryService(service).Of(p, locale);
                   render::TranscriptDocument doc;
                   doc.title = pages.T(locale, "learning.history.transcript_title");
                   doc.header.push_back(Translate(pages, locale, "learning.history.name_th",
                                                  {{"name", p.display_name_th}}));
                   if (!p.display_name_en.empty() && p.display_name_en != p.display_name_th)
                       doc.header.push_back(Translate(pages, locale, "learning.history.name_en",
                                                      {{"name", p.display_name_en}}));
                   doc.header.push_back(pages.SiteTitle(locale));
                   doc.header.push_back(Translate(
                       pages, locale, "learning.history.generated",
                       {{"date", core::FormatDate(core::ParseIsoMicros(core::NowIso()), locale)}}));
                   std::vector<std::string> headings = TranscriptHeadings(pages, locale);
                   const double weights[] = {3.2, 2.2, 0.9, 1.4, 0.9, 1.6};
                   for (size_t i = 0; i < headings.size(); ++i)
                       doc.columns.push_back({headings[i], weights[i], i == 2 || i == 4});
                   for (const HistoryCourse* c : TranscriptCourses(h))
                       doc.rows.push_back(TranscriptRow(*c, locale, false));
                   doc.empty_text = pages.T(locale, "learning.history.transcript_empty");
                   doc.totals.push_back(Translate(
                       pages, locale, "learning.history.total_completed",
                       {{"n", std::to_string(h.completed)}, {"of", std::to_string(h.enrolled)}}));
                   doc.totals.push_back(Translate(pages, locale, "learning.history.total_hours",
                                                  {{"h", HoursMinutes(h.completed_minutes)}}));
                   doc.page_label = [&pages, locale](int n, int m) {
                       return Translate(pages, locale, "learning.history.page",
                                        {{"n", std::to_string(n)}, {"m", std::to_string(m)}});
                   };
                   return PersonalFile(
                       render::WriteTranscriptPdf(doc), "application/pdf",
                       pages.T(locale, "learning.history.transcript_file") + ".pdf");
               },
               {.pool = "pdf"});

    router.Get("/learning/my/transcript.csv", [&service, &pages](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        const std::string& locale = req.locale;
        LearningHistory h = HistoryService(service).Of(p, locale);
        // A BOM so spreadsheet programs read the Thai as UTF-8; CRLF as RFC 4180 writes; no cell
        // a spreadsheet would run as a formula (a course title is anyone's text).
        std::string out = "\xEF\xBB\xBF";
        auto line = [&out](const std::vector<std::string>& cells) {
            for (size_t i = 0; i < cells.size(); ++i)
                out += (i ? "," : "") + core::SpreadsheetCsvField(cells[i], ',');
            out += "\r\n";
        };
        line(TranscriptHeadings(pages, locale));
        for (const HistoryCourse* c : TranscriptCourses(h)) line(TranscriptRow(*c, locale, true));
        return PersonalFile(std::move(out), "text/csv; charset=utf-8",
                            pages.T(locale, "learning.history.transcript_file") + ".csv");
    });
}

}  // namespace govhub::learning
