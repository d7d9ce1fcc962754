// An agency's certificate design (issue 17): the page /learning/agency/{name}/certificate (the
// signatory's name and position in Thai and English, a signature image, a background design,
// previews of both and a sample certificate as PDF) and its JSON
// (GET/PUT /api/learning/agencies/{name}/certificate-design, and POST/DELETE
// …/certificate-design/{signature|background} for the images). Who may is
// BrandingService::MayDesign: the agency's administrators and sysadmins.
#include <nlohmann/json.hpp>

#include "accounts/middleware.hpp"
#include "learning/branding.hpp"
#include "learning/route_util.hpp"
#include "learning/routes.hpp"
#include "render/certificate.hpp"

namespace govhub::learning {
namespace {

using http::Request;
using http::Response;
using render::View;

// Two images and the text fields, with room for the multipart framing.
constexpr size_t kDesignBodyLimit = 2 * render::kMaxImageBytes + (1 << 20);

std::optional<ImageUpload> UploadOf(const Request& req, const std::string& field) {
    const http::Part* part = req.FilePart(field);
    // A file input left empty still sends a part, with no file name and no bytes.
    if (!part || !part->file || (part->filename.empty() && part->size == 0)) return std::nullopt;
    auto file = part->file;
    return ImageUpload{file->path(), part->size,
                       [file](const std::string& dest) { return file->MoveTo(dest); }};
}

nlohmann::json DesignJson(const AgencyDesign& d) {
    const CertificateBranding& b = d.branding;
    std::string base = "/learning/agency/" + d.agency.name + "/certificate/";
    return {{"agency", d.agency.name},
            {"signatory_name", b.signatory_name},
            {"signatory_name_en", b.signatory_name_en},
            {"signatory_position", b.signatory_position},
            {"signatory_position_en", b.signatory_position_en},
            {"signature", !b.signature_file.empty()},
            {"background", !b.background_file.empty()},
            {"signature_url", b.signature_file.empty() ? "" : base + "signature.png"},
            {"background_url", b.background_file.empty() ? "" : base + "background.png"},
            {"preview_url", base + "preview.pdf"},
            {"modified", b.modified}};
}

struct DesignPages {
    BrandingService& branding;
    const render::PageRenderer& pages;
    PageSettings settings;

    std::string Name(const Request& req) const { return std::string(req.PathParam("name")); }

    Response Form(const Request& req, const AgencyDesign& d, const DesignChange* typed,
                  const std::vector<FieldError>& errors, bool saved, int status) const {
        const CertificateBranding& b = d.branding;
        auto shown = [](const std::optional<std::string>* t, const std::string& stored) {
            return t && *t ? **t : stored;
        };
        View v;
        v.Set("agency", d.agency.name)
            .Set("agency_title", req.locale == "en" && !d.agency.title_en.empty()
                                     ? d.agency.title_en
                                     : d.agency.title)
            .Set("signatory_name",
                 shown(typed ? &typed->signatory_name : nullptr, b.signatory_name))
            .Set("signatory_name_en",
                 shown(typed ? &typed->signatory_name_en : nullptr, b.signatory_name_en))
            .Set("signatory_position",
                 shown(typed ? &typed->signatory_position : nullptr, b.signatory_position))
            .Set("signatory_position_en",
                 shown(typed ? &typed->signatory_position_en : nullptr, b.signatory_position_en))
            .Set("has_signature", !b.signature_file.empty())
            .Set("has_background", !b.background_file.empty())
            // The file name changes with each upload: the preview is never a cached old one.
            .Set("signature_v", b.signature_file)
            .Set("background_v", b.background_file)
            .Set("saved", saved)
            .Set("max_mib", static_cast<int64_t>(render::kMaxImageBytes >> 20))
            .Set("max_side", static_cast<int64_t>(render::kMaxImageSide));
        pages.AddErrors(v, errors, req.locale);
        return LearningPage(pages, settings, req, "learning/certificate_design", std::move(v),
                            "learning.brand.title", status);
    }

    Response Show(Request& req) const {
        AgencyDesign d = branding.Design(Name(req), api::CallerOf(req));
        return Form(req, d, nullptr, {}, req.Query("saved") == "1", 200);
    }

    Response Save(Request& req) const {
        DesignChange change{.signatory_name = req.FormValue("signatory_name"),
                            .signatory_name_en = req.FormValue("signatory_name_en"),
                            .signatory_position = req.FormValue("signatory_position"),
                            .signatory_position_en = req.FormValue("signatory_position_en"),
                            .signature = UploadOf(req, "signature"),
                            .background = UploadOf(req, "background"),
                            .remove_signature = req.FormValue("remove_signature") == "1",
                            .remove_background = req.FormValue("remove_background") == "1"};
        DesignChange typed = change;
        try {
            AgencyDesign d = branding.SaveDesign(Name(req), std::move(change), api::CallerOf(req));
            return Response::Redirect("/learning/agency/" + d.agency.name + "/certificate?saved=1");
        } catch (const HttpError& e) {
            if (e.fields().empty()) throw;
            AgencyDesign d = branding.Design(Name(req), api::CallerOf(req));
            return Form(req, d, &typed, e.fields(), false, 422);
        }
    }

    Response Image(Request& req, bool signature) const {
        AgencyDesign d = branding.Design(Name(req), api::CallerOf(req));
        const std::string& file =
            signature ? d.branding.signature_file : d.branding.background_file;
        if (file.empty()) throw HttpError::NotFound();
        return http::FileResponse(req, branding.BrandingPath(file), "image/png",
                                  "private, max-age=60");
    }

    Response Preview(Request& req) const {
        AgencyDesign d = branding.Design(Name(req), api::CallerOf(req));
        std::string path = branding.PreviewPdf(
            d, req.locale, [this](const char* l, const std::string& k) { return pages.T(l, k); });
        return http::TemporaryFileResponse(path, "application/pdf",
                                           "certificate-preview-" + d.agency.name + ".pdf");
    }
};

}  // namespace

void RegisterDesignRoutes(http::Router& router, BrandingService& branding,
                          const render::PageRenderer& pages, const PageSettings& settings) {
    auto pg = std::make_shared<DesignPages>(DesignPages{branding, pages, settings});
    http::RouteOptions upload{.body_limit = kDesignBodyLimit, .upload = true, .rate_limit = "form"};
    http::RouteOptions image{
        .body_limit = render::kMaxImageBytes + (1 << 20), .upload = true, .rate_limit = "form"};
    http::RouteOptions small{.body_limit = 16 << 10, .rate_limit = "form"};

    router.Get("/learning/agency/{name}/certificate", [pg](Request& req) { return pg->Show(req); });
    router.Post(
        "/learning/agency/{name}/certificate", [pg](Request& req) { return pg->Save(req); },
        upload);
    router.Get("/learning/agency/{name}/certificate/signature.png",
               [pg](Request& req) { return pg->Image(req, true); });
    router.Get("/learning/agency/{name}/certificate/background.png",
               [pg](Request& req) { return pg->Image(req, false); });
    // Drawing a PDF with a full-page background: one at a time per client (429 beyond).
    router.Get("/learning/agency/{name}/certificate/preview.pdf",
               [pg](Request& req) { return pg->Preview(req); }, {.pool = "pdf"});

    router.Get("/api/learning/agencies/{name}/certificate-design", [&branding](Request& req) {
        return SendJson(
            DesignJson(branding.Design(std::string(req.PathParam("name")), api::CallerOf(req))));
    });
    router.Add(
        "PUT", "/api/learning/agencies/{name}/certificate-design",
        [&branding](Request& req) {
            nlohmann::json body = JsonObjectBody(req);
            DesignChange change;
            auto text = [&](const char* key, std::optional<std::string>& to) {
                if (body.contains(key)) to = JsonText(body, key);
            };
            text("signatory_name", change.signatory_name);
            text("signatory_name_en", change.signatory_name_en);
            text("signatory_position", change.signatory_position);
            text("signatory_position_en", change.signatory_position_en);
            return SendJson(DesignJson(branding.SaveDesign(std::string(req.PathParam("name")),
                                                           std::move(change), api::CallerOf(req))));
        },
        small);
    // An image: multipart (field "file") or the PNG itself as the body.
    router.Post(
        "/api/learning/agencies/{name}/certificate-design/{image}",
        [&branding](Request& req) {
            std::string which(req.PathParam("image"));
            if (which != "signature" && which != "background") throw HttpError::NotFound();
            std::optional<ImageUpload> up = UploadOf(req, "file");
            if (!up && req.body_file) {
                auto file = req.body_file;
                std::error_code ec;
                auto size = std::filesystem::file_size(file->path(), ec);
                up = ImageUpload{file->path(), ec ? 0 : static_cast<uint64_t>(size),
                                 [file](const std::string& dest) { return file->MoveTo(dest); }};
            }
            if (!up) up = ImageUpload{};  // nothing sent: the service names the field
            DesignChange change;
            (which == "signature" ? change.signature : change.background) = std::move(up);
            return SendJson(DesignJson(branding.SaveDesign(std::string(req.PathParam("name")),
                                                           std::move(change), api::CallerOf(req))));
        },
        image);
    router.Add(
        "DELETE", "/api/learning/agencies/{name}/certificate-design/{image}",
        [&branding](Request& req) {
            std::string which(req.PathParam("image"));
            if (which != "signature" && which != "background") throw HttpError::NotFound();
            DesignChange change;
            (which == "signature" ? change.remove_signature : change.remove_background) = true;
            return SendJson(DesignJson(branding.SaveDesign(std::string(req.PathParam("name")),
                                                           std::move(change), api::CallerOf(req))));
        },
        small);
}

}  // namespace govhub::learning
