// A JSON array of objects, read element by element: a small scanner finds where each top-level
// element ends (strings and nesting respected) and only that element is parsed, so the array
// may be of any length. The fields are every key, in the order they first appear.
#include <sys/stat.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "core/i18n.hpp"
#include "core/json_reader.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::datastore {

namespace {

constexpr size_t kMaxElement = 16 << 20;

class JsonArraySource : public TableSource {
  public:
    explicit JsonArraySource(std::string path) : path_(std::move(path)) {
        struct stat st {};
        if (::stat(path_.c_str(), &st) != 0)
            throw SourceError(core::Message("datastore.load.unreadable"));
        size_ = static_cast<uint64_t>(st.st_size);
        // First pass: the keys.
        Open();
        std::set<std::string> seen;
        while (auto e = NextElement())
            for (auto it = e->begin(); it != e->end(); ++it)
                if (seen.insert(it.key()).second) keys_.push_back(it.key());
        Close();
        Rewind();
    }
    ~JsonArraySource() override { Close(); }

    void Rewind() override {
        Close();
        Open();
        header_sent_ = false;
    }

    bool Step(const core::RecordFn& record) override {
        if (!header_sent_) {
            std::vector<std::string> h = keys_;
            record(h);
            header_sent_ = true;
        }
        for (int n = 0; n < 1000; ++n) {
            auto e = NextElement();
            if (!e) return false;
            std::vector<std::string> row;
            row.reserve(keys_.size());
            for (const auto& k : keys_) {
                auto it = e->find(k);
                if (it == e->end() || it->is_null())
                    row.emplace_back();
                else if (it->is_string())
                    row.push_back(it->get<std::string>());
                else
                    row.push_back(it->dump());
            }
            record(row);
        }
        return true;
    }

    uint64_t bytes_total() const override { return size_; }
    uint64_t bytes_done() const override { return done_bytes_; }
    std::string Describe() const override {
        return core::Message("datastore.load.json", {{"count", std::to_string(keys_.size())}});
    }

  private:
    void Open() {
        f_ = std::fopen(path_.c_str(), "rb");
        if (!f_) throw SourceError(core::Message("datastore.load.unreadable"));
        started_ = ended_ = false;
        done_bytes_ = 0;
        buf_.clear();
        pos_ = 0;
    }
    void Close() {
        if (f_) std::fclose(f_);
        f_ = nullptr;
    }
    int Get() {
        if (pos_ >= buf_.size()) {
            buf_.resize(1 << 16);
            size_t n = std::fread(buf_.data(), 1, buf_.size(), f_);
            buf_.resize(n);
            pos_ = 0;
            if (n == 0) return -1;
        }
        ++done_bytes_;
        return static_cast<unsigned char>(buf_[pos_++]);
    }
    int Skip() {
        int c;
        while ((c = Get()) != -1 && (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF ||
                                     c == 0xBB || c == 0xBF)) {
        }
        return c;
    }

    // The next element of the array, or nothing at its end.
    std::optional<nlohmann::ordered_json> NextElement() {
        if (ended_) return std::nullopt;
        int c = Skip();
        if (!started_) {
            if (c != '[') throw SourceError(core::Message("datastore.load.json_not_array"));
            started_ = true;
            c = Skip();
            if (c == ']') {
                ended_ = true;
                return std::nullopt;
            }
        } else {
            if (c == ']') {
                ended_ = true;
                return std::nullopt;
            }
            if (c != ',') throw SourceError(core::Message("datastore.load.json_malformed"));
            c = Skip();
        }
        if (c != '{')
            throw SourceError(core::Message("datastore.load.json_not_object",
                                            {{"n", std::to_string(count_ + 1)}}));
        std::string text(1, '{');
        int depth = 1;
        bool in_string = false, escape = false;
        while (depth > 0) {
            c = Get();
            if (c == -1) throw SourceError(core::Message("datastore.load.json_truncated"));
            text += static_cast<char>(c);
            if (text.size() > kMaxElement)
                throw SourceError(core::Message("datastore.load.json_big_element"));
            if (in_string) {
                if (escape)
                    escape = false;
                else if (c == '\\')
                    escape = true;
                else if (c == '"')
                    in_string = false;
            } else if (c == '"') {
                in_string = true;
            } else if (c == '{' || c == '[') {
                // The values of a record are later written out recursively (dump()).
                if (++depth > static_cast<int>(core::DefaultJsonLimits().max_depth))
                    throw SourceError(core::Message(
                        "datastore.load.json_too_deep",
                        {{"n", std::to_string(count_ + 1)},
                         {"max", std::to_string(core::DefaultJsonLimits().max_depth)}}));
            } else if (c == '}' || c == ']') {
                --depth;
            }
        }
        auto e = nlohmann::ordered_json::parse(text, nullptr, false);
        if (e.is_discarded() || !e.is_object())
            throw SourceError(
                core::Message("datastore.load.json_invalid", {{"n", std::to_string(count_ + 1)}}));
        ++count_;
        return e;
    }

    std::string path_;
    uint64_t size_ = 0, done_bytes_ = 0;
    FILE* f_ = nullptr;
    std::string buf_;
    size_t pos_ = 0;
    bool started_ = false, ended_ = false, header_sent_ = false;
    int64_t count_ = 0;
    std::vector<std::string> keys_;
};

}  // namespace

std::unique_ptr<TableSource> OpenJsonArray(const std::string& path) {
    return std::make_unique<JsonArraySource>(path);
}

}  // namespace govhub::datastore
