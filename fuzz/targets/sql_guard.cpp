// datastore_search_sql's guard: the statement text the action takes
// (datastore::SearchSqlStatement), the check the sandbox's child process makes of it
// (db::CheckSqliteStatement: a read-only connection, the authorizer, the function allow-list,
// one read-only statement of at most 10 KB) and the server's decision on what the check found
// (db::DecideSqliteCheck: only tables the caller may read). Nothing is executed: running
// statements is the child's job, killed at its deadline.
//
// The check runs here in-process, as in the child, under a cap on SQLite's memory like the
// child's (smaller, so that statements whose preparation grows exponentially — nested common
// table expressions — end quickly with "needed more than N MB" instead of timing out).
//
// The datastore holds two tables made by the datastore's own store: one the caller may read
// and one it may not (a private resource's).
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "core/error.hpp"
#include "core/strings.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "db/sqlite/sandbox.hpp"
#include "fuzz_target.hpp"
#include "opendata/datastore/service.hpp"
#include "opendata/datastore/store.hpp"
#include "search/sqlite_tokenizer.hpp"

namespace {

namespace ds = govhub::datastore;

constexpr const char* kPublic = "3f2a8c1e-0b6d-4f59-9a51-2c7d8e9f0a1b";
constexpr const char* kPrivate = "9c0d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f";
constexpr int64_t kMemoryCap = 64 << 20;

std::string Scratch() {
    static const std::string path = [] {
        std::string dir =
            std::filesystem::temp_directory_path().string() + "/govhub-sqlguard-XXXXXX";
        if (!mkdtemp(dir.data())) abort();
        static std::string removed = dir;
        atexit([] { std::filesystem::remove_all(removed); });
        std::string file = dir + "/datastore.db";
        govhub::search::InstallSqliteTokenizer();
        auto db = govhub::db::Open("sqlite:" + file);
        govhub::db::MigrationSet set;
        ds::store::AddMigrations(set);
        govhub::db::ApplyMigrations(*db, set);
        std::vector<ds::Field> fields;
        for (auto [id, type] : {std::pair{"รหัส", ds::FieldType::kText},
                                {"จังหวัด", ds::FieldType::kText},
                                {"จำนวน", ds::FieldType::kInt},
                                {"งบประมาณ", ds::FieldType::kNumeric},
                                {"วันที่", ds::FieldType::kDate}}) {
            ds::Field f;
            f.id = id;
            f.type = type;
            f.column = id;
            fields.push_back(f);
        }
        db->Write([&](govhub::db::Connection& c) {
            for (const char* table : {kPublic, kPrivate}) {
                ds::store::CreateTable(c, table, fields, {"รหัส"});
                int n = 0;
                ds::store::InsertRows(c, table, fields, [&](auto& row) {
                    if (n == 3) return false;
                    row = {std::string("0") + std::to_string(n), std::string("ลำปาง"),
                           std::to_string(n * 10), std::string("1234.5"),
                           std::string("2024-01-3") + std::to_string(n)};
                    ++n;
                    return true;
                });
            }
        });
        db.reset();  // the sandbox opens its own read-only connections
        // The child's cap on SQLite's memory (sandbox.cpp ChildMain), process-wide as there.
        sqlite3_hard_heap_limit64(kMemoryCap);
        return file;
    }();
    return path;
}

// What datastore_search_sql answers before running the statement: "" when it would run it,
// otherwise the refusal's words. Also checks what the check reports.
std::string Refusal(const std::string& path, const std::string& sql) {
    auto readable = [](const std::string& table) { return table == kPublic; };
    try {
        ds::CheckSqlTableIds(sql, readable);
    } catch (const govhub::HttpError& e) {
        if (e.status() != 409 || e.fields().size() != 1) __builtin_trap();
        return e.fields()[0].message;
    }
    govhub::db::SandboxPolicy policy;
    policy.max_memory_bytes = kMemoryCap;
    policy.may_read = [&](const std::string& schema, const std::string& table) {
        if (!schema.empty()) __builtin_trap();  // SQLite has no schemas here
        return readable(table);
    };
    govhub::db::SandboxCheck check = govhub::db::CheckSqliteStatement(path, sql, policy);
    // What the child reports: each table once; at most one refusal, which is then the error.
    std::set<std::string> seen;
    size_t refusals = 0;
    for (const auto& e : check.events) {
        if (e.kind == govhub::db::SandboxCheck::Event::kDenied) {
            if (++refusals > 1 || check.error != e.text) __builtin_trap();
        } else if (!seen.insert(e.text).second) {
            __builtin_trap();
        }
    }
    try {
        std::set<std::string> reads = govhub::db::DecideSqliteCheck(check, policy);
        // Only what the policy allowed is ever approved, and only a statement without faults.
        for (const auto& t : reads)
            if (t != kPublic) __builtin_trap();
        if (!check.error.empty()) __builtin_trap();
        return "";
    } catch (const govhub::db::SandboxError& e) {
        return e.what();
    }
}

// `text` with every `from` (in any case; `from` is lower case) replaced by `to`.
std::string Replace(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = govhub::core::ToLower(text).find(from); at != std::string::npos;
         at = govhub::core::ToLower(text).find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// An id that does not exist, character for character of the same kind as `id`.
std::string SameShape(const std::string& id) {
    std::string out = id;
    for (char& c : out) {
        if (c >= '0' && c <= '9')
            c = static_cast<char>('0' + (c - '0' + 1) % 10);
        else if (c >= 'a' && c <= 'f')
            c = static_cast<char>('a' + (c - 'a' + 1) % 6);
    }
    return out;
}

// `text` without the characters of an id's alphabet (hexadecimal digits and '-'). The
// statement's own text, which messages quote, may hold pieces of either id anywhere (the fuzzer
// splices them in from the dictionary: "...-9f3a-2b5..."), and SQLite quotes tokens that are
// short pieces of one ("unrecognized token: "5a4b"", "near "?9""); what must not differ is
// the rest: the words, which tell "no such table" from any other refusal.
std::string WithoutIdPieces(const std::string& text) {
    std::string out;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) out += c;
    return out;
}

}  // namespace

GOVHUB_FUZZ_TARGET(sql_guard) {
    const std::string& path = Scratch();
    std::string sql;
    try {
        sql = ds::SearchSqlStatement({{"sql", std::string(govhub::fuzz::AsText(data, size))}});
    } catch (const govhub::HttpError& e) {
        if (e.status() != 409) __builtin_trap();
        return;
    }
    std::string refusal = Refusal(path, sql);
    // A private table answers exactly as a table that does not exist: the statement with the
    // private id replaced by a made-up one gets the same words (but for the id).
    // The made-up id has the private one's shape (a digit where it has a digit, a letter where
    // it has a letter), so SQLite's tokenizer reads both alike even when the id stands outside
    // quotes ("9c0d7e6f" is an unrecognized token, "00000000" a number); the words are compared
    // without the characters ids are made of (WithoutIdPieces).
    if (govhub::core::ToLower(sql).find(kPrivate) != std::string::npos) {
        std::string made_up = SameShape(kPrivate);
        std::string other = Refusal(path, Replace(sql, kPrivate, made_up));
        if (WithoutIdPieces(govhub::core::ToLower(refusal)) !=
            WithoutIdPieces(govhub::core::ToLower(other)))
            __builtin_trap();
    }
}
