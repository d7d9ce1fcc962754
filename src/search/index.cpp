#include "search/index.hpp"

#include <map>

#include "search/analyzer.hpp"

namespace govhub::search {

namespace {

std::string Quoted(const std::string& term, char quote) {
    std::string out(1, quote);
    for (char ch : term) {
        if (ch == quote) out += quote;
        if (quote == '\'' && ch == '\\') out += '\\';
        out += ch;
    }
    out += quote;
    return out;
}

}  // namespace

void AddMigrations(db::MigrationSet& set) {
    set.Add({.module = "search",
             .version = 1,
             .name = "full-text index with the Thai analyzer",
             .sqlite = R"sql(
CREATE TABLE search_documents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  UNIQUE (object_type, object_id)
);
CREATE VIRTUAL TABLE search_fts USING fts5 (title, tags, body, tokenize = 'govhub_th');
)sql",
             .postgres = R"sql(
CREATE TABLE search_documents (
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  vector tsvector NOT NULL,
  PRIMARY KEY (object_type, object_id)
);
CREATE INDEX search_documents_vector ON search_documents USING GIN (vector);
)sql"});
}

std::string Fts5Match(const std::vector<std::string>& terms) {
    std::string out;
    for (const auto& t : terms) out += (out.empty() ? "" : " AND ") + Quoted(t, '"') + "*";
    return out;
}

std::string TsQuery(const std::vector<std::string>& terms) {
    std::string out;
    for (const auto& t : terms) out += (out.empty() ? "" : " & ") + Quoted(t, '\'') + ":*";
    return out;
}

std::string TsVector(const Document& doc) {
    // Positions run across the fields; each occurrence carries its field's weight.
    std::map<std::string, std::string> positions;
    int pos = 0;
    auto add = [&](const std::string& text, char weight) {
        for (const auto& term : Terms(text)) {
            pos = std::min(pos + 1, 16383);  // PostgreSQL's largest position
            std::string& p = positions[term];
            if (!p.empty()) p += ',';
            p += std::to_string(pos) + weight;
        }
    };
    add(doc.title, 'A');
    add(doc.tags, 'B');
    add(doc.body, 'D');
    std::string out;
    for (const auto& [term, p] : positions)
        out += (out.empty() ? "" : " ") + Quoted(term, '\'') + ":" + p;
    return out;
}

void IndexDocument(db::Connection& c, const Document& doc) {
    if (c.engine() == db::Engine::kPostgres) {
        c.Exec(
            "INSERT INTO search_documents (object_type, object_id, vector) VALUES (?, ?, CAST(? AS "
            "tsvector))"
            " ON CONFLICT (object_type, object_id) DO UPDATE SET vector = excluded.vector",
            {doc.object_type, doc.object_id, TsVector(doc)});
        return;
    }
    auto row = c.One(
        "INSERT INTO search_documents (object_type, object_id) VALUES (?, ?)"
        " ON CONFLICT (object_type, object_id) DO UPDATE SET object_id = excluded.object_id"
        " RETURNING id",
        {doc.object_type, doc.object_id});
    int64_t rowid = row->Int(0);
    c.Exec("DELETE FROM search_fts WHERE rowid = ?", {rowid});
    c.Exec("INSERT INTO search_fts (rowid, title, tags, body) VALUES (?, ?, ?, ?)",
           {rowid, doc.title, doc.tags, doc.body});
}

void RemoveDocument(db::Connection& c, const std::string& object_type,
                    const std::string& object_id) {
    if (c.engine() == db::Engine::kSqlite) {
        c.Exec(
            "DELETE FROM search_fts WHERE rowid = (SELECT id FROM search_documents WHERE "
            "object_type = ?"
            " AND object_id = ?)",
            {object_type, object_id});
    }
    c.Exec("DELETE FROM search_documents WHERE object_type = ? AND object_id = ?",
           {object_type, object_id});
}

std::vector<Hit> Search(db::Connection& c, const std::string& object_type, const std::string& query,
                        int limit) {
    std::vector<Hit> hits;
    std::vector<std::string> terms = Terms(query);
    if (terms.empty()) return hits;
    db::Rows rows;
    if (c.engine() == db::Engine::kPostgres) {
        rows = c.Query(
            "SELECT object_id, ts_rank(vector, q) AS score"
            " FROM search_documents, CAST(? AS tsquery) AS q"
            " WHERE object_type = ? AND vector @@ q ORDER BY score DESC, object_id LIMIT ?",
            {TsQuery(terms), object_type, int64_t{limit}});
    } else {
        // bm25 is lower for better matches; title counts 10x the body, tags 5x.
        rows = c.Query(
            "SELECT d.object_id, -bm25(search_fts, 10.0, 5.0, 1.0) AS score"
            " FROM search_fts JOIN search_documents d ON d.id = search_fts.rowid"
            " WHERE search_fts MATCH ? AND d.object_type = ?"
            " ORDER BY score DESC, d.object_id LIMIT ?",
            {Fts5Match(terms), object_type, int64_t{limit}});
    }
    for (const auto& r : rows) hits.push_back({r.Str(0), r.Double(1)});
    return hits;
}

}  // namespace govhub::search

namespace govhub::search {

std::vector<std::string> MatchIds(db::Connection& c, const std::string& object_type,
                                  const std::string& query) {
    std::vector<std::string> ids;
    std::vector<std::string> terms = Terms(query);
    if (terms.empty()) return ids;
    db::Rows rows;
    if (c.engine() == db::Engine::kPostgres) {
        rows = c.Query(
            "SELECT object_id FROM search_documents WHERE object_type = ? AND vector @@ CAST(? AS "
            "tsquery)",
            {object_type, TsQuery(terms)});
    } else {
        // The MATCH runs first, as a subquery: a join lets the planner probe FTS per document.
        rows = c.Query(
            "SELECT object_id FROM search_documents WHERE id IN"
            " (SELECT rowid FROM search_fts WHERE search_fts MATCH ?) AND object_type = ?",
            {Fts5Match(terms), object_type});
    }
    ids.reserve(rows.size());
    for (const auto& r : rows) ids.push_back(r.Str(0));
    return ids;
}

}  // namespace govhub::search
