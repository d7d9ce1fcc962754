#include "core/text_encoding.hpp"
#include "core/i18n.hpp"

#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <vector>

namespace govhub::core {

namespace {

// Bytes 0x80..0xFF that cp874 leaves undefined.
bool Cp874Undefined(unsigned char b) {
    return (b >= 0x81 && b <= 0x84) || (b >= 0x86 && b <= 0x90) || (b >= 0x98 && b <= 0x9F) ||
           (b >= 0xDB && b <= 0xDE) || b >= 0xFC;
}

// Everything DetectEncoding learns in one pass, fed in pieces.
class Scanner {
  public:
    void Feed(std::string_view s) {
        if (total_ == 0) head_.assign(s.substr(0, 4));
        for (char ch : s) {
            auto b = static_cast<unsigned char>(ch);
            if (b == 0 && total_ < (1 << 16)) ++nuls_;
            if (b >= 0x80) {
                if (Cp874Undefined(b)) cp874_ = false;
                if (b >= 0xA1 && b <= 0xFB) ++thai_bytes_;
            }
            Utf8(b);
            ++total_;
        }
        if (sample_.size() < (1 << 20)) sample_.append(s.substr(0, (1 << 20) - sample_.size()));
    }

    Encoding Decide() const {
        auto h = head_;
        if (h.rfind("\xEF\xBB\xBF", 0) == 0)
            return {"UTF-8", 3, core::Message("datastore.load.enc_bom", {{"encoding", "UTF-8"}})};
        if (h.rfind("\xFF\xFE", 0) == 0)
            return {"UTF-16LE", 2,
                    core::Message("datastore.load.enc_bom", {{"encoding", "UTF-16LE"}})};
        if (h.rfind("\xFE\xFF", 0) == 0)
            return {"UTF-16BE", 2,
                    core::Message("datastore.load.enc_bom", {{"encoding", "UTF-16BE"}})};
        if (nuls_ > 0) throw std::runtime_error(core::Message("datastore.load.binary"));
        if (utf8_ok_ && need_ == 0)
            return {"UTF-8", 0, core::Message("datastore.load.enc_valid_utf8")};
        if (cp874_ && thai_bytes_ > 0)
            return {"CP874", 0, core::Message("datastore.load.enc_cp874")};
        std::string guess;
        if (uchardet_t ud = uchardet_new()) {
            if (uchardet_handle_data(ud, sample_.data(), sample_.size()) == 0) {
                uchardet_data_end(ud);
                if (const char* cs = uchardet_get_charset(ud)) guess = cs;
            }
            uchardet_delete(ud);
        }
        if (!guess.empty() && guess != "ASCII")
            return {guess, 0, core::Message("datastore.load.enc_guess", {{"encoding", guess}})};
        return {"CP874", 0, core::Message("datastore.load.enc_fallback")};
    }

  private:
    // A strict UTF-8 check (no overlong forms, surrogates or code points past U+10FFFF).
    void Utf8(unsigned char b) {
        if (!utf8_ok_) return;
        if (need_ > 0) {
            if ((b & 0xC0) != 0x80 || b < lo_ || b > hi_) {
                utf8_ok_ = false;
                return;
            }
            lo_ = 0x80;
            hi_ = 0xBF;
            --need_;
            return;
        }
        if (b < 0x80) return;
        lo_ = 0x80;
        hi_ = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            need_ = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need_ = 2;
            if (b == 0xE0) lo_ = 0xA0;
            if (b == 0xED) hi_ = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need_ = 3;
            if (b == 0xF0) lo_ = 0x90;
            if (b == 0xF4) hi_ = 0x8F;
        } else {
            utf8_ok_ = false;
        }
    }

    std::string head_, sample_;
    uint64_t total_ = 0, nuls_ = 0, thai_bytes_ = 0;
    bool utf8_ok_ = true, cp874_ = true;
    int need_ = 0;
    unsigned char lo_ = 0x80, hi_ = 0xBF;
};

// Copies UTF-8 to `out` with every byte that does not start a valid sequence replaced by
// U+FFFD (valid as Scanner::Utf8 has it: no overlong forms, surrogates or code points past
// U+10FFFF), counting them in `replaced`. Returns the bytes consumed: all of `in` when `final`,
// otherwise up to a sequence that `in` ends inside of (the next piece may complete it).
size_t CopyValidUtf8(std::string_view in, bool final, std::string& out, uint64_t& replaced) {
    size_t i = 0;
    while (i < in.size()) {
        auto b = static_cast<unsigned char>(in[i]);
        if (b < 0x80) {
            out += in[i++];
            continue;
        }
        size_t need = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0) lo = 0xA0;
            if (b == 0xED) hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0) lo = 0x90;
            if (b == 0xF4) hi = 0x8F;
        }
        if (need > 0) {
            size_t k = 1;  // bytes of the sequence that fit so far
            for (; k <= need && i + k < in.size(); ++k) {
                auto c = static_cast<unsigned char>(in[i + k]);
                if (c < lo || c > hi) break;
                lo = 0x80;
                hi = 0xBF;
            }
            if (k == need + 1) {
                out.append(in.substr(i, k));
                i += k;
                continue;
            }
            if (i + k == in.size() && !final) break;  // cut by the end of the piece
        }
        out += "\xEF\xBF\xBD";
        ++replaced;
        ++i;
    }
    return i;
}

}  // namespace

Encoding DetectEncodingOf(std::string_view bytes) {
    Scanner s;
    s.Feed(bytes);
    return s.Decide();
}

Encoding DetectEncoding(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error(core::Message("datastore.load.unreadable"));
    Scanner s;
    std::vector<char> buf(1 << 16);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) s.Feed({buf.data(), n});
    bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) throw std::runtime_error(core::Message("datastore.load.unreadable"));
    return s.Decide();
}

std::string ValidUtf8(std::string_view text) {
    std::string out;
    uint64_t replaced = 0;
    CopyValidUtf8(text, true, out, replaced);
    return out;
}

std::string ToUtf8(std::string_view bytes, const Encoding& encoding) {
    bytes.remove_prefix(std::min(bytes.size(), encoding.bom));
    if (encoding.name == "UTF-8") {
        // A BOM (or uchardet) may say UTF-8 of bytes that are not: they are replaced too.
        return ValidUtf8(bytes);
    }
    iconv_t cd = iconv_open("UTF-8", encoding.name.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1))
        throw std::runtime_error(
            core::Message("datastore.load.no_converter", {{"encoding", encoding.name}}));
    std::string out(bytes.size() * 4 + 16, '\0');
    char* in = const_cast<char*>(bytes.data());
    size_t in_left = bytes.size(), out_left = out.size();
    char* dst = out.data();
    while (in_left > 0) {
        if (iconv(cd, &in, &in_left, &dst, &out_left) != static_cast<size_t>(-1)) break;
        if (errno == E2BIG) break;
        ++in;  // an undecodable byte, or a character cut at the end
        --in_left;
        for (char c : std::string_view("\xEF\xBF\xBD", 3)) {
            *dst++ = c;
            --out_left;
        }
    }
    iconv_close(cd);
    out.resize(out.size() - out_left);
    return out;
}

struct Utf8Reader::Iconv {
    iconv_t cd;
};

Utf8Reader::Utf8Reader(const std::string& path, const Encoding& encoding) {
    file_ = std::fopen(path.c_str(), "rb");
    if (!file_) throw std::runtime_error(core::Message("datastore.load.unreadable"));
    if (encoding.bom) {
        char skip[4];
        bytes_read_ = std::fread(skip, 1, encoding.bom, file_);
    }
    if (encoding.name != "UTF-8") {
        iconv_t cd = iconv_open("UTF-8", encoding.name.c_str());
        if (cd == reinterpret_cast<iconv_t>(-1)) {
            std::fclose(file_);
            throw std::runtime_error(
                core::Message("datastore.load.no_converter", {{"encoding", encoding.name}}));
        }
        iconv_ = std::make_unique<Iconv>(Iconv{cd});
    }
}

Utf8Reader::~Utf8Reader() {
    if (iconv_) iconv_close(iconv_->cd);
    if (file_) std::fclose(file_);
}

bool Utf8Reader::Read(std::string& out, size_t max) {
    if (eof_ && pending_.empty()) return false;
    std::vector<char> buf(max);
    size_t n = eof_ ? 0 : std::fread(buf.data(), 1, buf.size(), file_);
    if (n < buf.size()) {
        if (std::ferror(file_))
            throw std::runtime_error(core::Message("datastore.load.unreadable"));
        eof_ = true;
    }
    bytes_read_ += n;
    if (!iconv_) {
        // UTF-8 already, but checked: a BOM (or uchardet) may say UTF-8 of bytes that are not.
        pending_.append(buf.data(), n);
        size_t before = out.size();
        pending_.erase(0, CopyValidUtf8(pending_, eof_, out, replaced_));
        return !(eof_ && pending_.empty()) || out.size() != before;
    }
    pending_.append(buf.data(), n);
    std::string converted(pending_.size() * 4 + 16, '\0');
    char* in = pending_.data();
    size_t in_left = pending_.size();
    char* dst = converted.data();
    size_t dst_left = converted.size();
    while (in_left > 0) {
        size_t rc = iconv(iconv_->cd, &in, &in_left, &dst, &dst_left);
        if (rc != static_cast<size_t>(-1)) break;
        if (errno == EINVAL && !eof_) break;  // a character split across reads
        if (errno == E2BIG) throw std::runtime_error("conversion buffer too small");
        // An undecodable byte (or a truncated character at the end): U+FFFD, then go on.
        ++in;
        --in_left;
        ++replaced_;
        const char kReplacement[] = "\xEF\xBF\xBD";
        for (char c : std::string_view(kReplacement, 3)) {
            *dst++ = c;
            --dst_left;
        }
    }
    out.append(converted.data(), static_cast<size_t>(dst - converted.data()));
    pending_.erase(0, pending_.size() - in_left);
    return !(eof_ && pending_.empty()) || dst != converted.data();
}

}  // namespace govhub::core
