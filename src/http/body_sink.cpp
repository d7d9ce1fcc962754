#include "http/body_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "core/crash_point.hpp"

namespace govhub::http {

namespace {

std::shared_ptr<TempFile> MakeTempFile(const std::string& dir, int& fd) {
    std::string tmpl = dir + "/upload-XXXXXX";
    fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (fd < 0) return nullptr;
    return std::make_shared<TempFile>(tmpl);
}

bool WriteAll(int fd, const char* data, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, data, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

}  // namespace

bool StringSink::Write(const char* data, size_t n) {
    body_.append(data, n);
    return true;
}

bool StringSink::Finish(Request& req) {
    req.body = std::move(body_);
    return true;
}

FileSink::FileSink(const std::string& dir) {
    file_ = MakeTempFile(dir, fd_);
    if (!file_) error = HttpError(500, "internal", "error.internal");
}

FileSink::~FileSink() {
    if (fd_ >= 0) ::close(fd_);
}

bool FileSink::Write(const char* data, size_t n) {
    if (!file_) return false;
    if (!WriteAll(fd_, data, n)) {
        error = HttpError(507, "storage", "error.storage");
        return false;
    }
    return true;
}

bool FileSink::Finish(Request& req) {
    if (!file_) return false;
    ::close(fd_);
    fd_ = -1;
    req.body_file = file_;
    return true;
}

MultipartSink::MultipartSink(std::string boundary, const ServerConfig& cfg)
    : cfg_(cfg),
      parser_(std::move(boundary),
              {[this](const PartHeaders& h) { return Begin(h); },
               [this](std::string_view d) { return Data(d); }, [this] { return End(); }}) {}

MultipartSink::~MultipartSink() {
    if (fd_ >= 0) ::close(fd_);
}

bool MultipartSink::Write(const char* data, size_t n) {
    if (parser_.Feed(std::string_view(data, n))) return true;
    if (!failed_) error = HttpError(400, "bad_multipart", "error.bad_multipart");
    return false;
}

bool MultipartSink::Finish(Request& req) {
    if (!parser_.done()) {
        error = HttpError(400, "bad_multipart", "error.bad_multipart");
        return false;
    }
    req.parts = std::move(parts_);
    return true;
}

bool MultipartSink::Begin(const PartHeaders& h) {
    if (parts_.size() >= cfg_.max_parts) return Fail(413, "too_many_parts", "error.too_large");
    current_ = Part{};
    current_.name = h.name;
    current_.filename = h.filename;
    current_.content_type = h.content_type;
    if (h.has_filename) {
        current_.file = MakeTempFile(cfg_.upload_dir, fd_);
        if (!current_.file) return Fail(500, "internal", "error.internal");
    }
    return true;
}

bool MultipartSink::Data(std::string_view d) {
    current_.size += d.size();
    if (current_.file) {
        if (!WriteAll(fd_, d.data(), d.size())) return Fail(507, "storage", "error.storage");
        core::CrashPoint("upload.part_written");  // a file part half on disk
        return true;
    }
    field_bytes_ += d.size();
    if (field_bytes_ > cfg_.form_memory_limit) return Fail(413, "too_large", "error.too_large");
    current_.value.append(d);
    return true;
}

bool MultipartSink::End() {
    if (fd_ >= 0) ::close(fd_), fd_ = -1;
    parts_.push_back(std::move(current_));
    return true;
}

bool MultipartSink::Fail(int status, const char* code, const char* msg) {
    failed_ = true;
    error = HttpError(status, code, msg);
    return false;
}

}  // namespace govhub::http
