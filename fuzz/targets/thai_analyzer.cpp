// The Thai analyzer behind every search index (search::Analyze, Terms, NormalizeWord and the
// ICU path NormalizeWordWithIcu), then the same text through SQLite's FTS5 tokenizer
// "govhub_th" as the full-text index uses it (search::IndexDocument, Search, MatchRowIds,
// RemoveDocument on a scratch database).
// Invariants: each token's byte offsets lie within the text, in order, and (for valid UTF-8)
// on character boundaries; every term is valid UTF-8 and not empty; NormalizeWord's shortcut
// gives what ICU gives.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/strings.hpp"
#include "db/database.hpp"
#include "db/migrations.hpp"
#include "fuzz_target.hpp"
#include "search/analyzer.hpp"
#include "search/index.hpp"
#include "search/sqlite_tokenizer.hpp"

namespace {

bool CharStart(std::string_view text, size_t i) {
    return i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
}

govhub::db::Database& Index() {
    static const std::unique_ptr<govhub::db::Database> db = [] {
        govhub::search::InstallSqliteTokenizer();
        std::string dir =
            std::filesystem::temp_directory_path().string() + "/govhub-analyzer-XXXXXX";
        if (!mkdtemp(dir.data())) abort();
        static std::string removed = dir;
        atexit([] { std::filesystem::remove_all(removed); });
        auto d = govhub::db::Open("sqlite:" + dir + "/index.db", {.read_connections = 1});
        govhub::db::MigrationSet set;
        govhub::search::AddMigrations(set);
        govhub::db::ApplyMigrations(*d, set);
        return d;
    }();
    return *db;
}

}  // namespace

GOVHUB_FUZZ_TARGET(thai_analyzer) {
    auto text = govhub::fuzz::AsText(data, size);
    const bool valid = govhub::core::IsValidUtf8(text);
    size_t previous_end = 0;
    for (const auto& tok : govhub::search::Analyze(text)) {
        if (tok.start >= tok.end || tok.end > text.size() || tok.start < previous_end)
            __builtin_trap();
        if (valid && (!CharStart(text, tok.start) || !CharStart(text, tok.end))) __builtin_trap();
        if (tok.term.empty() || !govhub::core::IsValidUtf8(tok.term)) __builtin_trap();
        previous_end = tok.end;
        std::string_view word = text.substr(tok.start, tok.end - tok.start);
        if (govhub::search::NormalizeWord(word) != govhub::search::NormalizeWordWithIcu(word))
            __builtin_trap();
    }
    // The shortcut and ICU agree on any text, not only on the segments ICU cuts.
    if (size <= 256 &&
        govhub::search::NormalizeWord(text) != govhub::search::NormalizeWordWithIcu(text))
        __builtin_trap();
    if (!govhub::core::IsValidUtf8(govhub::search::NormalizeWordWithIcu(text))) __builtin_trap();

    // The FTS5 tokenizer: the text as a document's fields and as a query. Queries have at most
    // 100 words where a request reaches the index (datastore_search's q; package_search's
    // clauses): past that FTS5's work grows quadratically, so only the first 100 are asked.
    std::string s(text), query;
    auto terms = govhub::search::Terms(text);
    if (terms.size() <= 100) {
        query = s;
    } else {
        for (size_t i = 0; i < 100; ++i) query += (i ? " " : "") + terms[i];
    }
    Index().Write([&](govhub::db::Connection& c) {
        govhub::search::IndexDocument(c, {"dataset", "fuzz", s, s, s});
        govhub::search::Search(c, "dataset", query, 10);
        govhub::search::MatchRowIds(c, "dataset", query);
        govhub::search::RemoveDocument(c, "dataset", "fuzz");
    });
}
