#include "db/backup.hpp"

#include <stdexcept>

#include "core/strings.hpp"
#include "db/postgres/backup.hpp"
#include "db/sqlite/backup.hpp"

namespace govhub::db {

std::optional<std::string> SqlitePath(const std::string& url) {
    if (!core::StartsWith(url, "sqlite:")) return std::nullopt;
    std::string path = url.substr(7);
    if (core::StartsWith(path, "//")) path = path.substr(2);  // sqlite:///abs/path, as Open
    return path;
}

Engine EngineOf(const std::string& url) {
    if (core::StartsWith(url, "sqlite:")) return Engine::kSqlite;
    if (core::StartsWith(url, "postgresql://") || core::StartsWith(url, "postgres://"))
        return Engine::kPostgres;
    throw std::runtime_error("unknown database URL (expected sqlite:PATH or postgresql://...)");
}

const char* EngineName(Engine engine) {
    return engine == Engine::kSqlite ? "sqlite" : "postgresql";
}

std::unique_ptr<Snapshot> TakeSnapshot(const std::vector<std::string>& urls) {
    if (urls.empty()) throw std::invalid_argument("TakeSnapshot: no database");
    Engine engine = EngineOf(urls.front());
    for (const auto& u : urls)
        if (EngineOf(u) != engine)
            throw std::runtime_error("the databases of one backup must share an engine");
    if (engine == Engine::kPostgres) return TakePostgresSnapshot(urls);
    std::vector<std::string> paths;
    for (const auto& u : urls) paths.push_back(*SqlitePath(u));
    return TakeSqliteSnapshot(paths);
}

std::string WhatIsIn(const std::string& url) {
    if (auto path = SqlitePath(url)) return SqliteWhatIsIn(*path);
    EngineOf(url);
    return PostgresWhatIsIn(url);
}

void RestoreDatabase(const std::string& url, const std::string& path) {
    if (auto p = SqlitePath(url)) return SqliteRestore(*p, path);
    EngineOf(url);
    PostgresRestore(url, path);
}

}  // namespace govhub::db
