#pragma once
// Where a request body goes while it streams in (wire.hpp picks the sink once the route is
// known): a string, one temp file (uploads that are not multipart), or the multipart parser
// (uploads: file parts spooled to temp files, plain fields held in memory up to
// ServerConfig::form_memory_limit, at most ServerConfig::max_parts parts). The temp files are
// TempFiles: they go when the request (or the sink, on a refusal) goes.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/multipart.hpp"
#include "http/request.hpp"
#include "http/server.hpp"

namespace govhub::http {

class BodySink {
  public:
    virtual ~BodySink() = default;
    // Returns false with `error` set when the body must be refused.
    virtual bool Write(const char* data, size_t n) = 0;
    // Hands the body to the request once it is complete; false with `error` set otherwise.
    virtual bool Finish(Request& req) = 0;
    HttpError error{400, "bad_request", "error.bad_request"};
};

// Request::body.
class StringSink : public BodySink {
  public:
    bool Write(const char* data, size_t n) override;
    bool Finish(Request& req) override;

  private:
    std::string body_;
};

// Request::body_file: a temp file in `dir`.
class FileSink : public BodySink {
  public:
    explicit FileSink(const std::string& dir);
    ~FileSink() override;
    bool Write(const char* data, size_t n) override;
    bool Finish(Request& req) override;

  private:
    int fd_ = -1;
    std::shared_ptr<TempFile> file_;
};

// Request::parts, parsed while the body streams: file parts go to temp files in
// cfg.upload_dir, plain fields to memory (bounded by cfg.form_memory_limit, 413), at most
// cfg.max_parts parts (413); bad multipart syntax is a 400.
class MultipartSink : public BodySink {
  public:
    MultipartSink(std::string boundary, const ServerConfig& cfg);
    ~MultipartSink() override;
    bool Write(const char* data, size_t n) override;
    bool Finish(Request& req) override;

  private:
    bool Begin(const PartHeaders& h);
    bool Data(std::string_view d);
    bool End();
    bool Fail(int status, const char* code, const char* msg);

    const ServerConfig& cfg_;
    MultipartParser parser_;
    std::vector<Part> parts_;
    Part current_;
    int fd_ = -1;
    size_t field_bytes_ = 0;
    bool failed_ = false;
};

}  // namespace govhub::http
