#include "learning/certificate_page.hpp"

#include <cstdlib>

#include "core/thai_date.hpp"

namespace govhub::learning {

namespace {

void Ymd(const std::string& day, int& y, int& m, int& d) {
    y = day.size() >= 4 ? std::atoi(day.substr(0, 4).c_str()) : 0;
    m = day.size() >= 7 ? std::atoi(day.substr(5, 2).c_str()) : 0;
    d = day.size() >= 10 ? std::atoi(day.substr(8, 2).c_str()) : 0;
}

}  // namespace

std::string ThaiLongDate(const std::string& day) {
    int y, m, d;
    Ymd(day, y, m, d);
    return std::to_string(d) + " " + core::MonthName(m, "th") + " พ.ศ. " +
           std::to_string(core::BuddhistYear(y));
}

std::string EnglishLongDate(const std::string& day) {
    int y, m, d;
    Ymd(day, y, m, d);
    return std::to_string(d) + " " + core::MonthName(m, "en") + " " + std::to_string(y);
}

render::CertificatePage CertificatePageOf(const nlohmann::json& s, const std::string& code,
                                          const std::string& verify_url,
                                          const std::string& branding_dir,
                                          const CertificateWords& words) {
    auto str = [&](const char* k) {
        auto it = s.find(k);
        return it != s.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto T = [&](const char* locale, const char* key) {
        return words(locale, std::string("learning.cert.pdf.") + key);
    };
    render::CertificatePage page;
    if (!str("background_file").empty())
        page.background_png = branding_dir + "/" + str("background_file");
    if (!str("signature_file").empty())
        page.signature_png = branding_dir + "/" + str("signature_file");
    int minutes =
        s.contains("minutes") && s["minutes"].is_number_integer() ? s["minutes"].get<int>() : 0;
    int h = minutes / 60, m = minutes % 60;
    std::string hours_th = (h ? std::to_string(h) + " ชั่วโมง" : "") +
                           (m || !h ? std::string(h ? " " : "") + std::to_string(m) + " นาที" : "");
    std::string hours_en =
        (h ? std::to_string(h) + (h == 1 ? " hour" : " hours") : "") +
        (m || !h ? std::string(h ? " " : "") + std::to_string(m) + " minutes" : "");
    std::string day = str("completed_at");
    page.lines.push_back({T("th", "title"), 30, true, false});
    page.lines.push_back({T("en", "title"), 16, false, false});
    page.lines.push_back({T("th", "given_to") + " / " + T("en", "given_to"), 13});
    page.lines.push_back({str("learner_name"), 26, true, true});
    if (!str("learner_name_en").empty())
        page.lines.push_back({str("learner_name_en"), 16, false, true});
    page.lines.push_back({T("th", "completed") + " / " + T("en", "completed"), 13});
    page.lines.push_back({str("course_title"), 20, true, true});
    if (!str("course_title_en").empty())
        page.lines.push_back({str("course_title_en"), 14, false, true});
    page.lines.push_back(
        {T("th", "hours") + " " + hours_th + " / " + T("en", "hours") + " " + hours_en, 12});
    page.lines.push_back({T("th", "on_date") + " " + ThaiLongDate(day) + " / " +
                              T("en", "on_date") + " " + EnglishLongDate(day),
                          12});
    if (!str("agency_title").empty())
        page.lines.push_back(
            {str("agency_title") +
                 (str("agency_title_en").empty() ? "" : " / " + str("agency_title_en")),
             13, true});
    if (!str("signatory_name").empty()) {
        page.signatory.push_back("(" + str("signatory_name") + ")");
        if (!str("signatory_name_en").empty())
            page.signatory.push_back("(" + str("signatory_name_en") + ")");
        if (!str("signatory_position").empty()) page.signatory.push_back(str("signatory_position"));
        if (!str("signatory_position_en").empty())
            page.signatory.push_back(str("signatory_position_en"));
    }
    page.title = T("th", "title") + " " + code;
    page.qr_data = verify_url;
    page.footer = {T("th", "code") + " / " + T("en", "code") + ": " + code, verify_url};
    return page;
}

}  // namespace govhub::learning
