#pragma once
// Learning's routes: the pages (pages.cpp) and the JSON API (api.cpp), both over one
// LearningService so they agree on every rule.
#include <nlohmann/json.hpp>

#include "accounts/identities.hpp"
#include "accounts/routes.hpp"
#include "api/action.hpp"
#include "http/router.hpp"
#include "learning/quiz_service.hpp"
#include "learning/scorm_service.hpp"
#include "learning/service.hpp"
#include "render/page.hpp"

namespace govhub::learning {

class BrandingService;
class BulkEnrolService;
class CertificateService;

// What every Learning page shows besides its content.
struct PageSettings {
    // "demo": identities are not really verified; every Learning page says so.
    std::string verifier_mode;
    // SCORM lessons (scorm_service.hpp); null: scorm lessons show no package (tests, `routes`).
    ScormLessons* scorm = nullptr;
    // Certificate designs, verification and the issuer's keys (branding.hpp); null: not served.
    BrandingService* branding = nullptr;
    // Bulk enrolment from a CSV (bulk_enrol.hpp); null: no bulk routes or job (tests, `routes`
    // sets it as `serve` does).
    BulkEnrolService* bulk = nullptr;
    // Certificates (certificates.hpp); null: the course page offers none (`routes`, tests).
    CertificateService* certificates = nullptr;
};

void RegisterPages(http::Router& router, LearningService& service, QuizService& quiz,
                   const render::PageRenderer& pages, const PageSettings& settings);
// The profile's Learning section (/user/{name}, the person's own only): courses in progress and
// completed, with the way to "my courses", or to adding the identity when it is missing.
accounts::ProfileExtension ProfileLearning(LearningService& service);
// Quiz lessons: the learner's attempts, the author's editor, and their JSON (pages_quiz.cpp).
void RegisterQuizRoutes(http::Router& router, QuizService& quiz, LearningService& learning,
                        const render::PageRenderer& pages, const PageSettings& settings);
// The authoring pages (pages_author.cpp), added by RegisterPages.
void RegisterAuthoringPages(http::Router& router, LearningService& service,
                            const render::PageRenderer& pages, const PageSettings& settings);
void RegisterApi(http::Router& router, LearningService& service);
// "My learning" (pages_history.cpp): the history /learning/my shows (AddMyHistory fills its
// list, filter and totals), GET /api/learning/my/history, and the transcript
// /learning/my/transcript.pdf and .csv, each the signed-in learner's own.
void AddMyHistory(render::View& v, LearningService& service, const render::PageRenderer& pages,
                  const http::Request& req, const api::Principal& p);
void RegisterHistoryRoutes(http::Router& router, LearningService& service,
                           const render::PageRenderer& pages);
// Sign-up with the laser code and "add my identity" (pages_signup.cpp).
class SignupService;
void RegisterSignupRoutes(http::Router& router, SignupService& signup, LearningService& learning,
                          accounts::IdentityService& identities, const render::PageRenderer& pages,
                          const PageSettings& settings);
// The SCORM runtime's JSON (api_scorm.cpp): launch on the site, and the commits the runtime page
// sends cross-origin from the package origin with its per-attempt token.
void RegisterScormApi(http::Router& router, ScormLessons& scorm);
// The package origin's own router (package_site.cpp): /pkg/<dir>/<path> (a package's files),
// /run/<token>?sco=<id> (the runtime page) and /run/lib/* (its scripts), nothing else.
void RegisterPackageSite(http::Router& router, ScormLessons& scorm, const std::string& web_dir);
// Headers of every package-origin response: its CSP, nosniff, no referrer, never a cookie.
void DecoratePackageSite(const http::Request& req, http::Response& res,
                         const std::string& site_origin);

class ReportService;
// The learner's work details: /learning/profile and /api/learning/my/profile (pages_profile.cpp).
void RegisterProfileRoutes(http::Router& router, LearningService& learning, ReportService& reports,
                           const render::PageRenderer& pages, const PageSettings& settings);
// Staff membership and the reports (pages_reports.cpp, reports.hpp): downloads are written to
// `tmp_dir` first (the XLSX workbook).
void RegisterReportRoutes(http::Router& router, ReportService& reports,
                          const render::PageRenderer& pages, const PageSettings& settings,
                          const std::string& tmp_dir);
// An agency's certificate design: its page and JSON (pages_branding.cpp).
void RegisterDesignRoutes(http::Router& router, BrandingService& branding,
                          const render::PageRenderer& pages, const PageSettings& settings);
// Public verification, the name choice, the credential, JWKS, DID and status list
// (pages_verify.cpp).
void RegisterVerifyRoutes(http::Router& router, BrandingService& branding,
                          const render::PageRenderer& pages, const PageSettings& settings);
// Bulk enrolment's page, report and JSON (pages_bulk.cpp).
void RegisterBulkRoutes(http::Router& router, BulkEnrolService& bulk,
                        const render::PageRenderer& pages, const PageSettings& settings);
// Certificates (pages_certificates.cpp, api_certificates.cpp): requesting one, its PDF and
// credential, revocation and the annulment of a completion; and what the course page and the
// manage page show of them.
void RegisterCertificateRoutes(http::Router& router, CertificateService& certificates,
                               const render::PageRenderer& pages, const PageSettings& settings);
void RegisterCertificateApi(http::Router& router, CertificateService& certificates);
void AddCertificateStanding(render::View& v, CertificateService& certificates,
                            const CourseOutline& o, const http::Request& req,
                            const render::PageRenderer& pages);
void AddCompletions(render::View& v, CertificateService& certificates, const Course& course,
                    const http::Request& req, const render::PageRenderer& pages);

// JSON shared by the API files.
nlohmann::json StandingJson(const CourseProgress& p);
nlohmann::json LessonProgressJson(const LessonProgress* p);

}  // namespace govhub::learning
