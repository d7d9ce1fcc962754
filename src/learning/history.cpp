#include "learning/history.hpp"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "learning/store.hpp"

namespace govhub::learning {

HistoryFilter ParseHistoryFilter(const std::string& text) {
    if (text == "in_progress") return HistoryFilter::kInProgress;
    if (text == "completed") return HistoryFilter::kCompleted;
    return HistoryFilter::kAll;
}

const Certificate* HistoryCourse::ValidCertificate() const {
    for (const auto& c : certificates)
        if (c.revoked_at.empty()) return &c;
    return nullptr;
}

std::string CertificateCourseTitle(const Certificate& c, const std::string& locale) {
    auto j = nlohmann::json::parse(c.snapshot, nullptr, false);
    if (!j.is_object()) return "";
    std::string th = j.value("course_title", ""), en = j.value("course_title_en", "");
    return locale == "en" && !en.empty() ? en : th;
}

namespace {
HistoryState StateOf(const store::HistoryRow& r) {
    // A completion recorded after the annulment is a new one (CompletionCounts).
    if (CompletionCounts(r.completed_at, r.annulled_at)) return HistoryState::kCompleted;
    return r.annulled_at.empty() ? HistoryState::kInProgress : HistoryState::kAnnulled;
}
}  // namespace

LearningHistory HistoryService::Of(const api::Principal& p, const std::string& locale,
                                   HistoryFilter filter) {
    LearningHistory out;
    std::vector<store::HistoryRow> rows;
    std::vector<Course> courses;
    std::vector<Certificate> certificates;
    learning_.db().Read([&](db::Connection& c) {
        rows = store::HistoryRows(c, p.user_id);
        for (const auto& r : rows) {
            auto course = store::FindCourse(c, r.course_id);
            courses.push_back(course ? std::move(*course) : Course{});
        }
        certificates = store::CertificatesOf(c, p.user_id);
    });
    std::vector<std::string> agency_ids;
    for (const auto& c : courses) agency_ids.push_back(c.agency_id);
    auto agencies = learning_.AgencyTitles(agency_ids, locale);

    std::unordered_map<std::string, HistoryCourse*> by_course;
    std::vector<HistoryCourse> all;
    all.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        if (courses[i].id.empty()) continue;  // deleted between the two reads
        HistoryCourse h;
        h.course = std::move(courses[i]);
        h.agency_title = h.course.agency_id.empty() ? "" : agencies[h.course.agency_id];
        h.state = StateOf(r);
        h.enrolled_at = r.enrolled_at;
        h.completed_at = h.state == HistoryState::kCompleted ? r.completed_at : "";
        if (h.state == HistoryState::kAnnulled) {
            h.annulled_at = r.annulled_at;
            h.annul_reason = r.annul_reason;
        }
        h.course_version = r.course_version;
        h.lessons_required = r.lessons_required;
        h.lessons_done = r.lessons_done;
        h.percent = r.lessons_required ? r.lessons_done * 100 / r.lessons_required : 0;
        h.study_seconds = r.study_seconds;
        if (r.scored_lessons > 0)
            h.score = static_cast<int>((r.score_sum * 2 + r.scored_lessons) /
                                       (2 * int64_t{r.scored_lessons}));
        ++out.enrolled;
        out.study_seconds += r.study_seconds;
        if (h.state == HistoryState::kCompleted) {
            ++out.completed;
            out.completed_minutes += h.course.minutes;
        } else {
            ++out.in_progress;
        }
        all.push_back(std::move(h));
    }
    for (auto& h : all) by_course[h.course.id] = &h;
    for (auto& c : certificates) {
        auto it = by_course.find(c.course_id);
        if (it != by_course.end())
            it->second->certificates.push_back(std::move(c));
        else
            out.other_certificates.push_back(std::move(c));
    }
    for (auto& h : all) {
        bool done = h.state == HistoryState::kCompleted;
        if (filter == HistoryFilter::kAll || (filter == HistoryFilter::kCompleted) == done)
            out.courses.push_back(std::move(h));
    }
    return out;
}

}  // namespace govhub::learning
