// govhub-sandbox: the child processes of core/child_process.hpp as a binary of their own. It
// links SQLite and FreeXL and little else, so it starts in about a millisecond where the whole
// server binary (150 shared libraries: GDAL, Pango, ICU ...) takes about 100 ms.
//   govhub-sandbox sql               one datastore_search_sql statement (db/sqlite/sandbox.hpp)
//   govhub-sandbox xls PATH SHEET    a legacy .xls workbook read through FreeXL (xls_source.cpp)
#include "app/sandbox_child.hpp"

int main(int argc, char** argv) {
    return govhub::app::RunSandboxChild(argc - 1, argv + 1);
}
