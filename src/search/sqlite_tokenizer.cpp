#include "search/sqlite_tokenizer.hpp"

#include <sqlite3.h>

#include <mutex>

#include "db/sqlite/sqlite_database.hpp"
#include "search/analyzer.hpp"

namespace govhub::search {

namespace {

struct Tokenizer {};  // stateless: the analyzer keeps its ICU objects per thread

int Create(void*, const char**, int, Fts5Tokenizer** out) {
    *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer());
    return SQLITE_OK;
}

void Delete(Fts5Tokenizer* t) {
    delete reinterpret_cast<Tokenizer*>(t);
}

int Tokenize(Fts5Tokenizer*, void* ctx, int, const char* text, int n,
             int (*emit)(void*, int, const char*, int, int, int)) {
    try {
        for (const auto& tok : Analyze(std::string_view(text, static_cast<size_t>(n)))) {
            int rc = emit(ctx, 0, tok.term.data(), static_cast<int>(tok.term.size()),
                          static_cast<int>(tok.start), static_cast<int>(tok.end));
            if (rc != SQLITE_OK) return rc;
        }
    } catch (...) {
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

void Register(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) return;
    sqlite3_bind_pointer(stmt, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (!api) return;
    static fts5_tokenizer tokenizer = {Create, Delete, Tokenize};
    api->xCreateTokenizer(api, "govhub_th", nullptr, &tokenizer, nullptr);
}

}  // namespace

void InstallSqliteTokenizer() {
    static std::once_flag once;
    std::call_once(once, [] { db::SqliteDatabase::AddConnectionHook(Register); });
}

}  // namespace govhub::search
