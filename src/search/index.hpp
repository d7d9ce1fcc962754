#pragma once
// The full-text index every module searches through: one row per object (dataset, course ...),
// weighted fields (title above tags above body), the Thai analyzer on both sides. SQLite keeps
// it in FTS5 with the "govhub_th" tokenizer; PostgreSQL in a tsvector column with a GIN index,
// built from the same tokens (no PostgreSQL text parser touches Thai).
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migrations.hpp"

namespace govhub::search {

struct Document {
    std::string object_type;  // "dataset", ...
    std::string object_id;
    std::string title;
    std::string tags;  // space- or comma-separated
    std::string body;
};

struct Hit {
    std::string object_id;
    double score = 0;  // higher is better
};

void AddMigrations(db::MigrationSet& set);

// Inserts or replaces the document.
void IndexDocument(db::Connection& c, const Document& doc);
void RemoveDocument(db::Connection& c, const std::string& object_type,
                    const std::string& object_id);

// Documents of `object_type` containing every word of `query`, each as a prefix
// ("กรุงเทพ" finds "กรุงเทพมหานคร"), best first. A query without words matches nothing.
std::vector<Hit> Search(db::Connection& c, const std::string& object_type, const std::string& query,
                        int limit = 100);

// Ids of the documents containing every word of `query` (each as a prefix), unranked: the
// cheap form for callers that rank and facet in memory.
std::vector<std::string> MatchIds(db::Connection& c, const std::string& object_type,
                                  const std::string& query);

// The same as integer index ids (search_documents.id), without the per-type filter: callers
// map the ids they know (DocumentIds) and ignore the rest. Much cheaper for common words.
std::vector<int64_t> MatchRowIds(db::Connection& c, const std::string& object_type,
                                 const std::string& query);
// Every indexed document of a type: (index id, object id).
std::vector<std::pair<int64_t, std::string>> DocumentIds(db::Connection& c,
                                                         const std::string& object_type);

// The engine-specific query text for `query`'s words: an FTS5 MATCH expression or a tsquery
// literal (exposed for tests).
std::string Fts5Match(const std::vector<std::string>& terms);
std::string TsQuery(const std::vector<std::string>& terms);
std::string TsVector(const Document& doc);

}  // namespace govhub::search
