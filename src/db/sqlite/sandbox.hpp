#pragma once
// The SQLite side of Database::QuerySandboxed: checked, then run, each in a child process
// (`govhub-sandbox sql`, core/child_process.hpp) that is killed at the deadline (see sandbox.cpp).
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace govhub::db {

// The child's main (`govhub-sandbox sql`, core/child_process.hpp): reads one request on stdin,
// answers on stdout.
int RunSqlSandboxChild();

// What checking a statement found, before anyone decided what the caller may read: the tables
// of the database it reads, in the order SQLite's authorizer asked about them, with the first
// refusal among them (a function not allowed, anything but reading); and why the statement
// fails even if every table were readable ("" when it would run).
struct SandboxCheck {
    struct Event {
        enum Kind : char { kRead = 'R', kDenied = 'D' } kind;
        std::string text;  // the table read, or why it was refused
    };
    std::vector<Event> events;
    std::string error;
};

// The check, in this process (the sandbox's child makes it, under the deadline and
// policy.max_memory_bytes): prepares `sql` on a read-only connection of its own to the
// database at `path` under the authorizer (SELECT only, the allowed functions), as one read-only
// statement of at most kSandboxMaxSqlBytes. Nothing runs. The statement's faults are in the
// result, not thrown. Preparing is not bounded in time or memory by SQLite (nested common
// table expressions grow exponentially): the server never calls this itself.
SandboxCheck CheckSqliteStatement(const std::string& path, const std::string& sql,
                                  const SandboxPolicy& policy);

// The server's decision on a check: the tables the statement reads, each allowed by
// policy.may_read; otherwise throws SandboxError: first for a table the caller may not read
// (worded as SQLite words a table that does not exist), then the check's refusal or error.
std::set<std::string> DecideSqliteCheck(const SandboxCheck& check, const SandboxPolicy& policy);

// The check made by a child process that is killed at the deadline, then the server's decision
// on it. Returns the tables the statement reads; throws SandboxError.
std::set<std::string> CheckSqliteSandboxed(const std::string& path, const std::string& sql,
                                           const SandboxPolicy& policy);
std::set<std::string> CheckSqliteSandboxed(const std::string& path, const std::string& sql,
                                           const SandboxPolicy& policy,
                                           std::chrono::steady_clock::time_point deadline);

// Throws SandboxError.
SandboxResult RunSqliteSandbox(const std::string& path, const std::string& sql,
                               const SandboxPolicy& policy);

}  // namespace govhub::db
