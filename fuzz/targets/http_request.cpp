// The server's request reader (src/http/wire.hpp, driven from memory by MemoryConnection): the
// bytes of one connection — request line, headers, body, pipelined requests — through Beast's
// parser configured the server's way, the head turned into a Request or refused (400, 413, 431)
// by the code the server runs, the body streamed into the server's sinks (uploads and multipart
// parts to temp files). Then what handlers read from a Request: query, form, cookies, parts.
//
// Input: the first byte is the configuration and how the bytes arrive (bit 0 trust_proxy, bit 1
// assume_tls, bits 2-4 the sizes of the socket reads); the rest is what the client sends.
#include <sys/stat.h>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "fuzz_target.hpp"
#include "http/memory_connection.hpp"
#include "http/multipart.hpp"
#include "temp_dir.hpp"

namespace {

using namespace govhub::http;

constexpr size_t kUnroutedBodyLimit = 64 * 1024;  // wire.cpp: a body no route takes

const Router& Routes() {
    static const Router router = [] {
        Router r;
        auto ok = [](Request&) { return Response::Text("ok"); };
        r.Get("/", ok, {.run_inline = true});
        r.Get("/hello", ok);
        r.Post("/echo", ok, {.body_limit = 1000});
        r.Post("/form", ok, {.body_limit = 64 << 10});
        r.Post("/upload", ok, {.body_limit = 1 << 20, .upload = true});
        r.Post("/dataset/{name}/resource/{id}/upload", ok, {.body_limit = 4096, .upload = true});
        r.Get("/dataset/{name}/resource/{id}", ok);
        r.Get("/files/{path*}", ok);
        r.Get("/api/3/action/{action}", ok);
        r.Post("/api/3/action/{action}", ok);
        return r;
    }();
    return router;
}

uint64_t FileSize(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) __builtin_trap();  // a part's temp file is gone
    return static_cast<uint64_t>(st.st_size);
}

// What the reader guarantees every handler: the bounds below are the server's promises.
void Check(const Request& req, const ServerConfig& cfg) {
    if (req.target.empty() || req.target[0] != '/') __builtin_trap();
    if (!govhub::core::IsValidUtf8(req.path) || req.path.find('\0') != std::string::npos)
        __builtin_trap();
    if (req.request_id.empty() || req.request_id.size() > 64) __builtin_trap();
    if (!cfg.trust_proxy && req.client_ip != "192.0.2.1") __builtin_trap();
    uint64_t limit = req.route ? req.route->options.body_limit : kUnroutedBodyLimit;
    uint64_t body = req.body.size();
    if (req.body_file) body += FileSize(req.body_file->path());
    uint64_t fields = 0;
    for (const auto& p : req.parts) {
        body += p.size;
        if (p.file) {
            if (FileSize(p.file->path()) != p.size) __builtin_trap();
        } else {
            if (p.value.size() != p.size) __builtin_trap();
            fields += p.size;
        }
        if (p.filename.find_first_of("/\\") != std::string::npos) __builtin_trap();
    }
    // Multipart framing and part headers count against the route's limit too.
    if (body > limit) __builtin_trap();
    if (fields > cfg.form_memory_limit) __builtin_trap();
    if (req.parts.size() > cfg.max_parts) __builtin_trap();
    if (!req.route || !req.route->options.upload) {
        if (req.body_file || !req.parts.empty()) __builtin_trap();
    }
}

// What handlers read; their refusals are HttpErrors (4xx).
void Use(const Request& req) {
    try {
        for (const auto& [k, v] : req.QueryParams()) (void)k, (void)v;
        (void)req.Query("q");
    } catch (const govhub::HttpError& e) {
        if (e.status() != 400) __builtin_trap();
    }
    try {
        for (const auto& [k, v] : req.Form()) (void)k, (void)v;
        (void)req.FormValue("csrf_token");
    } catch (const govhub::HttpError& e) {
        if (e.status() != 400) __builtin_trap();
    }
    (void)req.Cookie("govhub_session");
    (void)req.FilePart("upload");
    (void)req.PathParam("id");
    (void)req.IsApi();
    (void)req.IsCkanApi();
}

}  // namespace

GOVHUB_FUZZ_TARGET(http_request) {
    if (size == 0) return;
    uint8_t flags = data[0];
    static const ServerConfig base = [] {
        ServerConfig c;
        c.upload_dir = govhub::fuzz::TempDir();
        c.form_memory_limit = 4096;  // reachable within a fuzz input (the default is 1 MiB)
        c.access_log = false;
        return c;
    }();
    ServerConfig cfg = base;
    cfg.trust_proxy = flags & 1;
    cfg.assume_tls = flags & 2;
    static constexpr size_t kReads[] = {0, 1, 2, 3, 7, 64, 1000, 8192};
    size_t read = kReads[(flags >> 2) & 7];
    std::vector<size_t> reads{read};
    if (read) reads.push_back(read * 5 + 3);  // boundaries that do not line up
    {
        MemoryConnection conn(std::string(govhub::fuzz::AsText(data + 1, size - 1)), cfg, Routes(),
                              reads);
        for (int i = 0; i < 64; ++i) {
            auto r = conn.Next();
            if (r.kind == MemoryConnection::Result::Kind::kClosed) break;
            if (r.kind == MemoryConnection::Result::Kind::kRefused) {
                int status = r.refusal->status();
                if (status != 400 && status != 413 && status != 431) __builtin_trap();
                break;
            }
            Check(*r.request, cfg);
            Use(*r.request);
            if (!r.keep_alive) break;
        }
    }
    govhub::fuzz::TrapIfLeftFiles();
}
