// govhub-sql-sandbox: the datastore_search_sql child process (db/sqlite/sandbox.hpp) as a binary
// of its own. It links SQLite and little else, so it starts in about a millisecond where the
// whole server binary (150 shared libraries: GDAL, Pango, ICU ...) took about 100 ms, twice per
// statement (the check, then the run). The server runs it from its own directory.
#include "db/sqlite/sandbox.hpp"

int main() {
    return govhub::db::RunSqlSandboxChild();
}
