// Multipart uploads (src/http/multipart.hpp, body_sink.hpp): the boundary from the
// Content-Type (MultipartBoundary), then the body fed in chunks, as the server streams it,
// through the server's MultipartSink (file parts spooled to temp files, fields in memory up to
// form_memory_limit, at most max_parts parts) and Request::Form over the parts it gives. The
// parser itself runs twice more with recording callbacks and small bounds of its own: once on
// the whole body and once in the chunks; what it reports may not depend on how the bytes were
// cut.
//
// Input, lines: 1. the chunk sizes (each byte b a chunk of b + 1 bytes, cycled; empty: the body
// in one piece), 2. the Content-Type, 3... the body.
#include <sys/stat.h>

#include "core/error.hpp"
#include "fuzz_target.hpp"
#include "http/body_sink.hpp"
#include "http/multipart.hpp"
#include "temp_dir.hpp"

namespace {

using namespace govhub::http;

std::vector<std::string_view> Chunks(std::string_view body, std::string_view plan) {
    std::vector<std::string_view> out;
    for (size_t i = 0; !body.empty(); ++i) {
        size_t n =
            plan.empty() ? body.size() : size_t{1} + static_cast<uint8_t>(plan[i % plan.size()]);
        n = std::min(n, body.size());
        out.push_back(body.substr(0, n));
        body.remove_prefix(n);
    }
    return out;
}

// What the parser reported, event by event.
struct Recording {
    std::vector<std::string> events;
    bool ok = true;
    bool done = false;
};

Recording Record(const std::string& boundary, const std::vector<std::string_view>& chunks) {
    Recording r;
    MultipartParser parser(boundary,
                           {[&](const PartHeaders& h) {
                                r.events.push_back("part " + h.name + "|" + h.filename + "|" +
                                                   (h.has_filename ? "f|" : "-|") + h.content_type);
                                return true;
                            },
                            [&](std::string_view d) {
                                // Data may arrive in any pieces; consecutive pieces are one event.
                                if (r.events.empty() || r.events.back().rfind("data ", 0) != 0)
                                    r.events.push_back("data ");
                                r.events.back().append(d);
                                return true;
                            },
                            [&] {
                                r.events.push_back("end");
                                return true;
                            }},
                           /*max_header_bytes=*/256, /*max_parts=*/8);
    for (auto c : chunks) {
        if (!parser.Feed(c)) {
            r.ok = false;
            break;
        }
    }
    r.done = parser.done();
    return r;
}

uint64_t FileSize(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) __builtin_trap();
    return static_cast<uint64_t>(st.st_size);
}

}  // namespace

GOVHUB_FUZZ_TARGET(multipart) {
    auto f = govhub::fuzz::Fields(govhub::fuzz::AsText(data, size), 3);
    std::string boundary = MultipartBoundary(f[1]);
    if (boundary.empty()) return;
    if (boundary.size() > 70) __builtin_trap();  // RFC 2046: 1 to 70 characters
    auto chunks = Chunks(f[2], f[0]);

    static const ServerConfig cfg = [] {
        ServerConfig c;
        c.upload_dir = govhub::fuzz::TempDir();
        c.form_memory_limit = 4096;  // reachable within a fuzz input (the default is 1 MiB)
        return c;
    }();
    {
        MultipartSink sink(boundary, cfg);
        bool ok = true;
        for (auto c : chunks) {
            if (!sink.Write(c.data(), c.size())) {
                ok = false;
                break;
            }
        }
        Request req;
        req.headers.Add("Content-Type", std::string(f[1]));
        if (ok && sink.Finish(req)) {
            if (req.parts.size() > cfg.max_parts) __builtin_trap();
            uint64_t fields = 0;
            for (const auto& p : req.parts) {
                if (p.file) {
                    if (FileSize(p.file->path()) != p.size) __builtin_trap();
                } else {
                    if (p.value.size() != p.size) __builtin_trap();
                    fields += p.size;
                }
                // Only the last component of a path in a filename is kept.
                if (p.filename.find_first_of("/\\") != std::string::npos) __builtin_trap();
            }
            if (fields > cfg.form_memory_limit) __builtin_trap();
            try {
                for (const auto& [k, v] : req.Form()) (void)k, (void)v;
                (void)req.FilePart("upload");
            } catch (const govhub::HttpError& e) {
                if (e.status() != 400) __builtin_trap();
            }
        } else {
            int status = sink.error.status();
            if (status != 400 && status != 413) __builtin_trap();
        }
    }
    govhub::fuzz::TrapIfLeftFiles();

    // The same bytes, whole or in pieces, are the same parts (or the same refusal).
    Recording whole = Record(boundary, {f[2]});
    Recording pieces = Record(boundary, chunks);
    if (whole.ok != pieces.ok || whole.done != pieces.done) __builtin_trap();
    if (whole.ok && whole.events != pieces.events) __builtin_trap();
}
