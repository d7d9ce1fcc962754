#include "db/database.hpp"

#include "core/strings.hpp"
#include "db/postgres/postgres_database.hpp"
#include "db/sqlite/sqlite_database.hpp"

namespace govhub::db {

namespace {
const std::string kEmpty;
}

const std::string& Row::Str(size_t i) const {
    const auto& c = cells_.at(i);
    return c ? *c : kEmpty;
}

int64_t Row::Int(size_t i) const {
    const auto& c = cells_.at(i);
    if (!c || c->empty()) return 0;
    return std::stoll(*c);
}

double Row::Double(size_t i) const {
    const auto& c = cells_.at(i);
    if (!c || c->empty()) return 0;
    return std::stod(*c);
}

bool Row::Bool(size_t i) const {
    const auto& c = cells_.at(i);
    return c && (*c == "1" || *c == "t" || *c == "true");
}

void Connection::CopyIn(std::string_view, const std::function<bool(std::string&)>&) {
    throw Error(Error::Kind::kOther, "COPY is a PostgreSQL feature; this engine has none");
}

void Connection::CopyOut(std::string_view, const std::function<void(std::string_view)>&) {
    throw Error(Error::Kind::kOther, "COPY is a PostgreSQL feature; this engine has none");
}

std::string LikeContaining(std::string_view text) {
    std::string out = "%";
    for (char ch : text) {
        if (ch == '%' || ch == '_' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "%";
}

std::string NumberPlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            // Copy the quoted run; doubled quotes stay inside.
            size_t end = i + 1;
            while (end < sql.size()) {
                if (sql[end] == c) {
                    if (end + 1 < sql.size() && sql[end + 1] == c) {
                        end += 2;
                        continue;
                    }
                    break;
                }
                ++end;
            }
            out.append(sql.substr(i, end - i + 1));
            i = end;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            size_t end = sql.find('\n', i);
            if (end == std::string_view::npos) end = sql.size() - 1;
            out.append(sql.substr(i, end - i + 1));
            i = end;
        } else if (c == '?') {
            out += '$' + std::to_string(++n);
        } else {
            out += c;
        }
    }
    return out;
}

std::unique_ptr<Database> Open(const std::string& url, const OpenOptions& options) {
    if (core::StartsWith(url, "sqlite:")) {
        std::string path = url.substr(7);
        if (core::StartsWith(path, "//")) path = path.substr(2);  // sqlite:///abs/path
        return std::make_unique<SqliteDatabase>(path, options);
    }
    if (core::StartsWith(url, "postgresql://") || core::StartsWith(url, "postgres://")) {
        return std::make_unique<PostgresDatabase>(url, options);
    }
    throw std::runtime_error("unknown database URL (expected sqlite:PATH or postgresql://...)");
}

}  // namespace govhub::db
