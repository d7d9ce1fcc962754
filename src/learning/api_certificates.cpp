// Certificates' JSON (docs/api.md, "Learning certificates"): request a course's certificate,
// read one's standing, revoke a certificate, annul a completion.
#include <nlohmann/json.hpp>

#include "learning/certificates.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"

namespace govhub::learning {
namespace {

using Json = nlohmann::json;
using http::Request;
using http::Response;

Json CertificateJson(const Certificate& x) {
    return {{"code", x.code},
            {"issued_at", x.issued_at},
            {"completed_at", x.completed_at},
            {"course_version", x.course_version},
            {"pdf", "/learning/certificates/" + x.code + ".pdf"},
            {"verify", "/learning/verify/" + x.code},
            {"credential", "/learning/certificates/" + x.code + "/credential.jwt"},
            {"revoked_at", x.revoked_at.empty() ? Json(nullptr) : Json(x.revoked_at)},
            {"revoke_reason", x.revoke_reason}};
}

Json StandingJson(const CertificateStanding& s, int sla_days) {
    Json j = {{"state", s.state},
              {"reference", s.reference.empty() ? Json(nullptr) : Json(s.reference)},
              {"due", s.due.empty() ? Json(nullptr) : Json(s.due)},
              {"note", s.note},
              {"sla_working_days", sla_days},
              {"certificate", s.certificate ? CertificateJson(*s.certificate) : Json(nullptr)}};
    if (s.completion) {
        j["completed_at"] = s.completion->completed_at;
        j["course_version"] = s.completion->course_version;
        j["annulled_at"] = s.completion->annulled_at;
        j["annul_reason"] = s.completion->annul_reason;
    }
    return j;
}

}  // namespace

void RegisterCertificateApi(http::Router& router, CertificateService& certificates) {
    http::RouteOptions small{.body_limit = 16 << 10, .rate_limit = "form"};
    router.Get("/api/learning/courses/{name}/certificate", [&certificates](Request& req) {
        const api::Principal& p = api::RequireUser(api::CurrentUser(req));
        auto course = certificates.CourseFor(std::string(req.PathParam("name")), &p);
        return SendJson(
            StandingJson(certificates.StandingOf(course, p.user_id), certificates.sla_days()));
    });
    router.Post(
        "/api/learning/courses/{name}/certificate",
        [&certificates](Request& req) {
            const api::Principal& p = api::RequireUser(api::CurrentUser(req));
            std::string name(req.PathParam("name"));
            auto r = certificates.Request(name, api::CallerOf(req));
            auto course = certificates.CourseFor(name, &p);
            Json out =
                StandingJson(certificates.StandingOf(course, p.user_id), certificates.sla_days());
            return SendJson(out, 201);
        },
        small);
    router.Post(
        "/api/learning/certificates/{code}/revoke",
        [&certificates](Request& req) {
            Json body = FieldsOf(req);
            auto cert = certificates.Revoke(std::string(req.PathParam("code")),
                                            JsonText(body, "reason"), api::CallerOf(req));
            return SendJson(CertificateJson(cert));
        },
        small);
    router.Post(
        "/api/learning/courses/{name}/learners/{user}/annul",
        [&certificates](Request& req) {
            Json body = FieldsOf(req);
            auto done = certificates.Annul(std::string(req.PathParam("name")),
                                           std::string(req.PathParam("user")),
                                           JsonText(body, "reason"), api::CallerOf(req));
            return SendJson({{"user", done.user_name},
                             {"completed_at", done.completed_at},
                             {"course_version", done.course_version},
                             {"annulled_at", done.annulled_at},
                             {"annul_reason", done.annul_reason}});
        },
        small);
}

}  // namespace govhub::learning
