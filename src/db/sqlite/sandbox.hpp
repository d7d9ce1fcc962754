#pragma once
// The SQLite side of Database::QuerySandboxed: checked in the server, run in a child process
// (`govhub __datastore-sql-sandbox`) that is killed at the deadline (see sandbox.cpp).
#include <string>

#include "db/database.hpp"

namespace govhub::db {

// argv[1] that makes `govhub` run as the sandbox's child process (main.cpp checks it first).
inline constexpr const char* kSqlSandboxArg = "__datastore-sql-sandbox";

// The child's main: reads one request on stdin, answers on stdout.
int RunSqlSandboxChild();

// Throws SandboxError.
SandboxResult RunSqliteSandbox(const std::string& path, const std::string& sql,
                               const SandboxPolicy& policy);

}  // namespace govhub::db
