#include "http/multipart.hpp"

#include "core/strings.hpp"

namespace govhub::http {
namespace {
// Splits `; key=value` parameters, honouring quoted strings with backslash escapes.
std::map<std::string, std::string> HeaderParams(std::string_view v) {
    std::map<std::string, std::string> out;
    size_t i = v.find(';');
    while (i != std::string_view::npos && i < v.size()) {
        ++i;
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
        size_t eq = v.find('=', i);
        if (eq == std::string_view::npos) break;
        std::string key = core::ToLower(core::Trim(v.substr(i, eq - i)));
        i = eq + 1;
        std::string value;
        if (i < v.size() && v[i] == '"') {
            ++i;
            while (i < v.size() && v[i] != '"') {
                if (v[i] == '\\' && i + 1 < v.size()) ++i;
                value += v[i++];
            }
            ++i;
            i = v.find(';', i);
        } else {
            size_t end = v.find(';', i);
            value = core::Trim(v.substr(i, end == std::string_view::npos ? v.npos : end - i));
            i = end;
        }
        out[key] = value;
    }
    return out;
}
}  // namespace

std::string MultipartBoundary(std::string_view content_type) {
    if (!core::StartsWith(core::ToLower(content_type), "multipart/form-data")) return {};
    auto params = HeaderParams(content_type);
    auto it = params.find("boundary");
    if (it == params.end() || it->second.empty() || it->second.size() > 70) return {};
    return it->second;
}

MultipartParser::MultipartParser(std::string boundary, Callbacks callbacks, size_t max_header_bytes,
                                 size_t max_parts)
    : delimiter_("\r\n--" + boundary),
      cb_(std::move(callbacks)),
      max_header_bytes_(max_header_bytes),
      max_parts_(max_parts) {
    // The first boundary may start the body without a preceding CRLF.
    buf_ = "\r\n";
}

bool MultipartParser::Fail(std::string why) {
    state_ = State::kError;
    error_ = std::move(why);
    return false;
}

bool MultipartParser::ParseHeaders(std::string_view block) {
    PartHeaders h;
    bool has_disposition = false;
    for (const auto& raw : core::Split(block, '\n')) {
        std::string line = raw;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        size_t colon = line.find(':');
        if (colon == std::string::npos) return Fail("malformed part header");
        std::string name = core::ToLower(core::Trim(std::string_view(line).substr(0, colon)));
        std::string value = core::Trim(std::string_view(line).substr(colon + 1));
        if (name == "content-disposition") {
            if (!core::StartsWith(core::ToLower(value), "form-data"))
                return Fail("part is not form-data");
            has_disposition = true;
            auto params = HeaderParams(value);
            h.name = params["name"];
            if (params.count("filename")) {
                h.has_filename = true;
                h.filename = params["filename"];
            }
            auto ext = params.find("filename*");
            if (ext != params.end() && core::StartsWith(core::ToLower(ext->second), "utf-8''")) {
                std::string decoded;
                if (core::UrlDecode(std::string_view(ext->second).substr(7), decoded, false)) {
                    h.has_filename = true;
                    h.filename = decoded;
                }
            }
        } else if (name == "content-type") {
            h.content_type = value;
        }
    }
    if (!has_disposition) return Fail("part without Content-Disposition");
    // Browsers on Windows may send a full path; keep the last component only.
    size_t slash = h.filename.find_last_of("/\\");
    if (slash != std::string::npos) h.filename = h.filename.substr(slash + 1);
    // The caller sees the part first, so a caller with its own (smaller or equal) bound answers
    // with its own message.
    if (cb_.on_part_begin && !cb_.on_part_begin(h)) return Fail("part rejected");
    if (++parts_ > max_parts_) return Fail("more than " + std::to_string(max_parts_) + " parts");
    return true;
}

bool MultipartParser::Feed(std::string_view data) {
    if (state_ == State::kError) return false;
    if (state_ == State::kEpilogue) return true;
    buf_.append(data);
    while (true) {
        switch (state_) {
            case State::kPreamble: {
                size_t pos = buf_.find(delimiter_);
                if (pos == std::string::npos) {
                    // Keep only what could still begin a delimiter.
                    if (buf_.size() > delimiter_.size())
                        buf_.erase(0, buf_.size() - delimiter_.size());
                    return true;
                }
                buf_.erase(0, pos + delimiter_.size());
                state_ = State::kAfterBoundary;
                break;
            }
            case State::kAfterBoundary: {
                // Optional linear whitespace, then CRLF (next part) or "--" (end). The
                // whitespace is dropped as it is read: kept, it was scanned again on every
                // chunk, quadratic in a body of spaces as long as an upload's limit.
                size_t i = 0;
                while (i < buf_.size() && (buf_[i] == ' ' || buf_[i] == '\t')) ++i;
                buf_.erase(0, i);
                if (buf_.size() < 2) return true;
                if (buf_.compare(0, 2, "--") == 0) {
                    state_ = State::kEpilogue;
                    buf_.clear();
                    return true;
                }
                if (buf_.compare(0, 2, "\r\n") != 0) return Fail("bad boundary line");
                buf_.erase(0, 2);
                state_ = State::kHeaders;
                break;
            }
            case State::kHeaders: {
                // A part with no headers at all starts with CRLF directly (checked before the
                // end of the headers is looked for, so the answer does not depend on where the
                // chunks were cut).
                if (core::StartsWith(buf_, "\r\n")) return Fail("part without headers");
                size_t end = buf_.find("\r\n\r\n");
                if (end == std::string::npos) {
                    // The end may still begin in the last 3 bytes: too large only past that.
                    if (buf_.size() > max_header_bytes_ + 3) return Fail("part headers too large");
                    return true;
                }
                if (end > max_header_bytes_) return Fail("part headers too large");
                if (!ParseHeaders(std::string_view(buf_).substr(0, end))) return false;
                buf_.erase(0, end + 4);
                state_ = State::kBody;
                break;
            }
            case State::kBody: {
                size_t pos = buf_.find(delimiter_);
                if (pos == std::string::npos) {
                    if (buf_.size() >= delimiter_.size()) {
                        size_t emit = buf_.size() - (delimiter_.size() - 1);
                        if (cb_.on_part_data &&
                            !cb_.on_part_data(std::string_view(buf_).substr(0, emit)))
                            return Fail("part data rejected");
                        buf_.erase(0, emit);
                    }
                    return true;
                }
                if (pos > 0 && cb_.on_part_data &&
                    !cb_.on_part_data(std::string_view(buf_).substr(0, pos)))
                    return Fail("part data rejected");
                if (cb_.on_part_end && !cb_.on_part_end()) return Fail("part rejected");
                buf_.erase(0, pos + delimiter_.size());
                state_ = State::kAfterBoundary;
                break;
            }
            case State::kEpilogue:
                return true;
            case State::kError:
                return false;
        }
    }
}

}  // namespace govhub::http
