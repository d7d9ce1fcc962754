#pragma once

namespace govhub::search {

// Registers the FTS5 tokenizer "govhub_th" (the Thai analyzer) on every SQLite connection
// opened from now on. Idempotent; call before opening the database.
void InstallSqliteTokenizer();

}  // namespace govhub::search
