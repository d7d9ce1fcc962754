#include "app/sandbox_child.hpp"

#include <string_view>

#include "db/sqlite/sandbox.hpp"
#include "opendata/datastore/source.hpp"

namespace govhub::app {

int RunSandboxChild(int argc, char** argv) {
    std::string_view mode = argc > 0 ? argv[0] : "";
    if (mode == "sql" && argc == 1) return db::RunSqlSandboxChild();
    if (mode == "xls" && argc == 3) return datastore::RunXlsReaderChild(argv[1], argv[2]);
    return 2;
}

}  // namespace govhub::app
