#pragma once
// Moves a whole site from one database to another (`govhub admin copy-db`), e.g. from the
// embedded SQLite file to PostgreSQL when an agency outgrows one machine.
#include <functional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace govhub::db {

struct TableCopy {
    std::string table;
    int64_t rows = 0;
};

// Copies every table the target's migrations created, parents before children, in one target
// transaction: COPY on PostgreSQL, batched INSERTs on SQLite. The target must hold no rows yet.
// Identity sequences are moved past the copied ids. Throws (and copies nothing) on any error.
// Tables whose names start with one of `derived_prefixes` hold data rebuilt from the others
// (search indexes, whose layout differs per engine): they are not copied. Tables in `seeded`
// hold rows the migrations put there (the holiday table): the source's rows replace them.
std::vector<TableCopy> CopyDatabase(Database& from, Database& to,
                                    const std::vector<std::string>& derived_prefixes,
                                    const std::function<void(const TableCopy&)>& progress = {},
                                    const std::vector<std::string>& seeded = {});

// Tables of the schema (without schema_migrations), parents before children.
std::vector<std::string> TablesInDependencyOrder(Connection& c);
std::vector<std::string> TableColumns(Connection& c, const std::string& table);

}  // namespace govhub::db
