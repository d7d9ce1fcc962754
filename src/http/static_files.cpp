#include "http/static_files.hpp"

#include "core/error.hpp"
#include "core/strings.hpp"

namespace govhub::http {

Handler StaticFiles(std::string root, std::string cache_control) {
    return [root = std::move(root), cache_control = std::move(cache_control)](Request& req) {
        std::string rel(req.PathParam("path"));
        for (const auto& seg : core::Split(rel, '/'))
            if (seg.empty() || seg[0] == '.' || seg.find('\\') != std::string::npos)
                throw HttpError::NotFound();
        Response r = FileResponse(req, root + "/" + rel, MimeType(rel), cache_control);
        return r;
    };
}

}  // namespace govhub::http
