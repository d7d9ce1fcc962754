// datastore_search_sql on SQLite: the statement is checked (authorizer, one read-only statement)
// and then run, each in a child process that the server kills at the deadline; the server only
// decides which of the tables the check found the caller may read.
//
// Why the check is not made in the server: preparing a statement can itself take time and
// memory without bound. Each reference to a common table expression copies its definition, so
// twenty nested CTEs that each read the previous one twice (600 bytes of SQL) take SQLite
// minutes and gigabytes in sqlite3_prepare, where neither the progress handler nor
// sqlite3_interrupt() reaches. In the child the deadline and the memory cap cover it.
//
// Why a child process: SQLite checks its progress handler and sqlite3_interrupt() only between
// VM steps, so one function call (instr() over two long strings, printf('%.*c', 1e9, 'x'),
// trim() with a long character set, a LIKE with many wildcards ...) runs on past any deadline.
// Which built-in functions are superlinear changes between SQLite versions; a process can be
// killed whatever it is doing, and its memory is capped too.
#include "db/sqlite/sandbox.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>

#include "core/child_process.hpp"

namespace govhub::db {

namespace {

// Functions a sandboxed statement may call: SQLite's own scalar, date and aggregate functions.
// Everything else (load_extension, fts5 internals, anything an extension added) is refused.
// randomblob and zeroblob are left out: they only make big values.
const std::set<std::string>& AllowedFunctions() {
    static const std::set<std::string> kAllowed = {
        "abs",       "avg",        "char",         "coalesce",     "count",
        "date",      "datetime",   "format",       "glob",         "group_concat",
        "hex",       "iif",        "ifnull",       "instr",        "julianday",
        "length",    "like",       "lower",        "ltrim",        "max",
        "min",       "nullif",     "printf",       "quote",        "random",
        "replace",   "round",      "rtrim",        "sign",         "string_agg",
        "strftime",  "substr",     "substring",    "sum",          "time",
        "total",     "trim",       "typeof",       "unicode",      "unixepoch",
        "upper",     "cast",       "concat",       "concat_ws",    "row_number",
        "rank",      "dense_rank", "percent_rank", "cume_dist",    "ntile",
        "lag",       "lead",       "first_value",  "last_value",   "nth_value",
        "likely",    "unlikely",   "json",         "json_extract", "json_array_length",
        "json_type", "json_valid", "ceil",         "ceiling",      "floor",
        "ln",        "log",        "log10",        "mod",          "pi",
        "pow",       "power",      "sqrt",         "exp"};
    return kAllowed;
}

struct Sandbox {
    const SandboxPolicy* policy;
    std::set<std::string> tables;    // the database's tables and views (other names are CTEs)
    std::set<std::string> approved;  // tables the statement reads and may read
    std::string denied;              // why the authorizer refused, for the error
    std::chrono::steady_clock::time_point deadline;
    bool timed_out = false;
    // A check (SandboxCheck) records the tables read and the first refusal, in order.
    std::vector<SandboxCheck::Event>* events = nullptr;
};

// A refusal. A check (which decides nothing) records it and lets SQLite go on preparing, so
// that every table the statement reads is listed: SQLite asks about a function before it reads
// a table, and the server must refuse a table the caller may not read first.
int Deny(Sandbox* s, std::string why) {
    if (s->denied.empty()) {
        s->denied = std::move(why);
        if (s->events) s->events->push_back({SandboxCheck::Event::kDenied, s->denied});
    }
    return s->events ? SQLITE_OK : SQLITE_DENY;
}

std::string NoSuchTable(const std::string& table) {
    return "no such table: " + table;
}

int Authorize(void* user, int action, const char* a, const char* b, const char*, const char*) {
    auto* s = static_cast<Sandbox*>(user);
    switch (action) {
        case SQLITE_SELECT:
        case SQLITE_RECURSIVE:
            return SQLITE_OK;
        case SQLITE_READ: {
            std::string table = a ? a : "";
            // A name that is no table of the database is a common table expression's.
            if (!s->tables.count(table)) return SQLITE_OK;
            if (s->approved.count(table)) return SQLITE_OK;
            if (s->policy->may_read && s->policy->may_read("", table)) {
                s->approved.insert(table);
                return SQLITE_OK;
            }
            // Word for word SQLite's own answer for a table that does not exist: a private
            // table's existence is nobody else's business.
            return Deny(s, NoSuchTable(table));
        }
        case SQLITE_FUNCTION: {
            std::string fn = b ? b : "";
            for (auto& ch : fn)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (AllowedFunctions().count(fn)) return SQLITE_OK;
            return Deny(s, "the function " + fn + "() is not allowed");
        }
        default:
            return Deny(s, "only SELECT statements are allowed");
    }
}

int Progress(void* user) {
    auto* s = static_cast<Sandbox*>(user);
    if (std::chrono::steady_clock::now() > s->deadline) {
        s->timed_out = true;
        return 1;
    }
    return 0;
}

std::string TooLongMessage() {
    return "the statement is longer than " + std::to_string(kSandboxMaxSqlBytes / 1024) + " KB";
}

std::string MemoryMessage(const SandboxPolicy& policy) {
    return "the query needed more than " + std::to_string(policy.max_memory_bytes >> 20) +
           " MB of memory and was stopped";
}

std::string TimeoutMessage(const SandboxPolicy& policy) {
    return "the query ran longer than " + std::to_string(policy.timeout_ms / 1000) +
           " s and was stopped";
}

struct Db {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    ~Db() {
        sqlite3_finalize(stmt);
        sqlite3_close_v2(db);
    }
};

// Opens the sandbox's own read-only connection and prepares the statement under the
// authorizer. Throws SandboxError with a message for the caller.
void Prepare(Db& d, Sandbox& box, const std::string& path, const std::string& sql) {
    const SandboxPolicy& policy = *box.policy;
    if (sql.size() > kSandboxMaxSqlBytes) throw SandboxError(TooLongMessage());
    if (sqlite3_open_v2(path.c_str(), &d.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK)
        throw SandboxError("the datastore cannot be opened");
    sqlite3* db = d.db;
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    // Bounds on what one statement can build; the process deadline is the real guard.
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, static_cast<int>(policy.max_value_bytes));
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, static_cast<int>(kSandboxMaxSqlBytes));
    sqlite3_limit(db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 1024);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    {
        sqlite3_stmt* names = nullptr;
        sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')", -1,
                           &names, nullptr);
        while (names && sqlite3_step(names) == SQLITE_ROW)
            box.tables.insert(reinterpret_cast<const char*>(sqlite3_column_text(names, 0)));
        sqlite3_finalize(names);
        box.tables.insert(
            {"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_sequence"});
    }
    sqlite3_set_authorizer(db, Authorize, &box);
    sqlite3_progress_handler(db, 1000, Progress, &box);
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &d.stmt, &tail);
    if (rc != SQLITE_OK || !d.stmt) {
        std::string why = !box.denied.empty() ? box.denied : sqlite3_errmsg(db);
        throw SandboxError(d.stmt || rc != SQLITE_OK ? why : "the statement is empty");
    }
    for (const char* p = tail; p && *p; ++p)
        if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';')
            throw SandboxError("only one statement is allowed");
    if (!sqlite3_stmt_readonly(d.stmt)) throw SandboxError("only SELECT statements are allowed");
}

// --- The wire between the server and the child: length-prefixed fields on a pipe. ---

// What a child is asked: to check a statement (answers 'K') or to run it ('C' ... 'D'/'T').
constexpr int64_t kCheckMode = 0, kRunMode = 1;

void PutInt(std::string& out, int64_t v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void PutStr(std::string& out, std::string_view s) {
    PutInt(out, static_cast<int64_t>(s.size()));
    out.append(s);
}

struct Reader {
    std::string_view in;
    int64_t Int() {
        int64_t v;
        if (in.size() < sizeof v) throw SandboxError("the query process answered badly");
        std::memcpy(&v, in.data(), sizeof v);
        in.remove_prefix(sizeof v);
        return v;
    }
    std::string Str() {
        int64_t n = Int();
        if (n < 0 || static_cast<uint64_t>(n) > in.size())
            throw SandboxError("the query process answered badly");
        std::string s(in.substr(0, static_cast<size_t>(n)));
        in.remove_prefix(static_cast<size_t>(n));
        return s;
    }
    char Tag() {
        if (in.empty()) throw SandboxError("the query process answered badly");
        char c = in.front();
        in.remove_prefix(1);
        return c;
    }
};

bool WriteAll(int fd, const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

// The child: reads the request on stdin, answers on stdout, exits.
int ChildMain() {
    std::string input;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        input.append(buf, static_cast<size_t>(n));
        if (input.size() > (64u << 20)) return 2;
    }
    std::string out;
    auto flush = [&] {
        if (!WriteAll(1, out)) _exit(3);
        out.clear();
    };
    try {
        Reader r{input};
        int64_t parent = r.Int();
        // The server going away (even killed) takes its queries with it.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != static_cast<pid_t>(parent)) return 4;
        int64_t mode = r.Int();
        std::string path = r.Str(), sql = r.Str();
        SandboxPolicy policy;
        policy.timeout_ms = static_cast<int>(r.Int());
        policy.max_rows = r.Int();
        policy.max_bytes = r.Int();
        policy.max_value_bytes = r.Int();
        policy.max_memory_bytes = r.Int();
        std::set<std::string> allowed;
        for (int64_t n = r.Int(); n > 0; --n) allowed.insert(r.Str());
        policy.may_read = [&allowed](const std::string&, const std::string& t) {
            return allowed.count(t) > 0;
        };
        // CPU time past the deadline ends the process even if nobody is left to kill it.
        rlimit cpu{static_cast<rlim_t>(policy.timeout_ms / 1000 + 2),
                   static_cast<rlim_t>(policy.timeout_ms / 1000 + 3)};
        setrlimit(RLIMIT_CPU, &cpu);
        // The server's own requests come first on a busy machine.
        if (nice(10) == -1) {
        }
        sqlite3_hard_heap_limit64(policy.max_memory_bytes);

        if (mode == kCheckMode) {
            SandboxCheck check = CheckSqliteStatement(path, sql, policy);
            out += 'K';
            PutStr(out, check.error);
            PutInt(out, static_cast<int64_t>(check.events.size()));
            for (const auto& e : check.events) {
                out += static_cast<char>(e.kind);
                PutStr(out, e.text);
            }
            flush();
            return 0;
        }
        Sandbox box{
            &policy,
            {},
            {},
            "",
            std::chrono::steady_clock::now() + std::chrono::milliseconds(policy.timeout_ms)};
        Db d;
        Prepare(d, box, path, sql);
        sqlite3_stmt* stmt = d.stmt;
        int cols = sqlite3_column_count(stmt);
        out += 'C';
        PutInt(out, cols);
        for (int i = 0; i < cols; ++i) PutStr(out, sqlite3_column_name(stmt, i));
        std::vector<std::string> types(static_cast<size_t>(cols));
        int64_t rows = 0, bytes = 0;
        bool truncated = false;
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            // A column's type is that of its first value (SQLite types values, not columns).
            for (int i = 0; i < cols; ++i) {
                auto& t = types[static_cast<size_t>(i)];
                if (!t.empty()) continue;
                int ct = sqlite3_column_type(stmt, i);
                if (ct == SQLITE_INTEGER)
                    t = "int";
                else if (ct == SQLITE_FLOAT)
                    t = "numeric";
                else if (ct != SQLITE_NULL)
                    t = "text";
            }
            if (rows >= policy.max_rows || bytes >= policy.max_bytes) {
                truncated = true;
                break;
            }
            out += 'R';
            for (int i = 0; i < cols; ++i) {
                if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
                    out += '0';
                } else {
                    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
                    auto len = static_cast<size_t>(sqlite3_column_bytes(stmt, i));
                    out += '1';
                    PutStr(out, std::string_view(text ? text : "", len));
                    bytes += static_cast<int64_t>(len);
                }
            }
            ++rows;
            if (out.size() > (1u << 20)) flush();
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            if (box.timed_out) throw SandboxError(TimeoutMessage(policy));
            if (rc == SQLITE_NOMEM) throw SandboxError(MemoryMessage(policy));
            throw SandboxError(!box.denied.empty() ? box.denied : sqlite3_errmsg(d.db));
        }
        out += truncated ? 'T' : 'D';
        for (auto& t : types) PutStr(out, t.empty() ? "text" : t);
        flush();
        return 0;
    } catch (const std::exception& e) {
        out.clear();
        out += 'E';
        PutStr(out, e.what());
        flush();
        return 0;
    }
}

struct Pipe {
    int fd[2] = {-1, -1};
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) ::close(f);
    }
    void Close(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
};

}  // namespace

int RunSqlSandboxChild() {
    return ChildMain();
}

SandboxCheck CheckSqliteStatement(const std::string& path, const std::string& sql,
                                  const SandboxPolicy& policy) {
    SandboxCheck out;
    // Every table is readable here: the server decides on the list (DecideSqliteCheck).
    SandboxPolicy recording = policy;
    std::set<std::string> seen;
    recording.may_read = [&](const std::string&, const std::string& table) {
        if (seen.insert(table).second) out.events.push_back({SandboxCheck::Event::kRead, table});
        return true;
    };
    Sandbox box{&recording,
                {},
                {},
                "",
                std::chrono::steady_clock::now() + std::chrono::milliseconds(policy.timeout_ms)};
    box.events = &out.events;
    Db d;
    try {
        Prepare(d, box, path, sql);
        if (!box.denied.empty()) out.error = box.denied;
    } catch (const SandboxError& e) {
        out.error = !box.denied.empty()                             ? box.denied
                    : d.db && sqlite3_errcode(d.db) == SQLITE_NOMEM ? MemoryMessage(policy)
                                                                    : e.what();
    }
    return out;
}

std::set<std::string> DecideSqliteCheck(const SandboxCheck& check, const SandboxPolicy& policy) {
    // A table the caller may not read is one that does not exist, and SQLite reports a missing
    // table before anything else: so is such a table, before the first refusal of another kind.
    std::set<std::string> approved;
    for (const auto& e : check.events) {
        if (e.kind != SandboxCheck::Event::kRead || approved.count(e.text)) continue;
        if (!policy.may_read || !policy.may_read("", e.text))
            throw SandboxError(NoSuchTable(e.text));
        approved.insert(e.text);
    }
    for (const auto& e : check.events)
        if (e.kind == SandboxCheck::Event::kDenied) throw SandboxError(e.text);
    if (!check.error.empty()) throw SandboxError(check.error);
    return approved;
}

namespace {

std::string Request(int64_t mode, const std::string& path, const std::string& sql,
                    const SandboxPolicy& policy, const std::set<std::string>& approved) {
    std::string request;
    PutInt(request, static_cast<int64_t>(getpid()));
    PutInt(request, mode);
    PutStr(request, path);
    PutStr(request, sql);
    PutInt(request, policy.timeout_ms);
    PutInt(request, policy.max_rows);
    PutInt(request, policy.max_bytes);
    PutInt(request, policy.max_value_bytes);
    PutInt(request, policy.max_memory_bytes);
    PutInt(request, static_cast<int64_t>(approved.size()));
    for (const auto& t : approved) PutStr(request, t);
    return request;
}

// Runs one child with `request` and returns its whole answer; kills it at the deadline.
std::string Exchange(const std::string& request, const SandboxPolicy& policy,
                     std::chrono::steady_clock::time_point deadline) {
    Pipe in, out;
    if (pipe2(in.fd, O_CLOEXEC) != 0 || pipe2(out.fd, O_CLOEXEC) != 0)
        throw SandboxError("the query could not be started");
    pid_t pid = -1;
    try {
        pid = core::SpawnChild(core::SandboxCommand("sql"), in.fd[0], out.fd[1]);
    } catch (const std::exception&) {
        throw SandboxError("the query could not be started");
    }
    in.Close(0);
    out.Close(1);
    fcntl(in.fd[1], F_SETFL, O_NONBLOCK);

    std::string answer;
    size_t written = 0;
    bool timed_out = false, too_big = false;
    // The child stops at max_bytes itself; this is the bound whatever it does.
    size_t answer_cap = static_cast<size_t>(policy.max_bytes) + (16u << 20);
    char buf[65536];
    for (;;) {
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            timed_out = true;
            break;
        }
        pollfd fds[2];
        int n = 0;
        fds[n++] = {out.fd[0], POLLIN, 0};
        if (in.fd[1] >= 0) fds[n++] = {in.fd[1], POLLOUT, 0};
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        int ready = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(wait) + 1);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) break;
        if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = ::write(in.fd[1], request.data() + written, request.size() - written);
            if (w > 0) written += static_cast<size_t>(w);
            if (w < 0 && errno != EAGAIN && errno != EINTR) written = request.size();
            if (written >= request.size()) in.Close(1);
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t got = ::read(out.fd[0], buf, sizeof buf);
            if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (got <= 0) break;  // the child finished (or died)
            answer.append(buf, static_cast<size_t>(got));
            if (answer.size() > answer_cap) {
                too_big = true;
                break;
            }
        }
    }
    int status = 0;
    if (timed_out || too_big) ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) throw SandboxError(TimeoutMessage(policy));
    if (too_big) throw SandboxError("the result is too large");
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGXCPU || sig == SIGKILL) throw SandboxError(TimeoutMessage(policy));
        throw SandboxError("the query failed");
    }

    return answer;
}

}  // namespace

std::set<std::string> CheckSqliteSandboxed(const std::string& path, const std::string& sql,
                                           const SandboxPolicy& policy) {
    return CheckSqliteSandboxed(
        path, sql, policy,
        std::chrono::steady_clock::now() + std::chrono::milliseconds(policy.timeout_ms));
}

std::set<std::string> CheckSqliteSandboxed(const std::string& path, const std::string& sql,
                                           const SandboxPolicy& policy,
                                           std::chrono::steady_clock::time_point deadline) {
    // Refused at once, without a process.
    if (sql.size() > kSandboxMaxSqlBytes) throw SandboxError(TooLongMessage());
    std::string answer = Exchange(Request(kCheckMode, path, sql, policy, {}), policy, deadline);
    Reader r{answer};
    char tag = r.Tag();
    if (tag == 'E') throw SandboxError(r.Str());
    if (tag != 'K') throw SandboxError("the query process answered badly");
    SandboxCheck check;
    check.error = r.Str();
    int64_t n = r.Int();
    if (n < 0 || static_cast<uint64_t>(n) > answer.size())
        throw SandboxError("the query process answered badly");
    for (int64_t i = 0; i < n; ++i) {
        char kind = r.Tag();
        if (kind != SandboxCheck::Event::kRead && kind != SandboxCheck::Event::kDenied)
            throw SandboxError("the query process answered badly");
        check.events.push_back({static_cast<SandboxCheck::Event::Kind>(kind), r.Str()});
    }
    return DecideSqliteCheck(check, policy);
}

SandboxResult RunSqliteSandbox(const std::string& path, const std::string& sql,
                               const SandboxPolicy& policy) {
    auto started = std::chrono::steady_clock::now();
    auto deadline = started + std::chrono::milliseconds(policy.timeout_ms);
    // One deadline for the check and the run.
    std::set<std::string> approved = CheckSqliteSandboxed(path, sql, policy, deadline);
    std::string answer = Exchange(Request(kRunMode, path, sql, policy, approved), policy, deadline);
    Reader r{answer};
    SandboxResult result;
    char tag = r.Tag();
    if (tag == 'E') throw SandboxError(r.Str());
    if (tag != 'C') throw SandboxError("the query process answered badly");
    int64_t cols = r.Int();
    if (cols < 0 || cols > 100000) throw SandboxError("the query process answered badly");
    for (int64_t i = 0; i < cols; ++i) result.columns.push_back(r.Str());
    for (;;) {
        tag = r.Tag();
        if (tag == 'R') {
            std::vector<std::optional<std::string>> cells;
            cells.reserve(static_cast<size_t>(cols));
            for (int64_t i = 0; i < cols; ++i) {
                if (r.Tag() == '0')
                    cells.emplace_back(std::nullopt);
                else
                    cells.emplace_back(r.Str());
            }
            result.rows.emplace_back(std::move(cells));
        } else if (tag == 'D' || tag == 'T') {
            result.truncated = tag == 'T';
            for (int64_t i = 0; i < cols; ++i) result.types.push_back(r.Str());
            break;
        } else if (tag == 'E') {
            throw SandboxError(r.Str());
        } else {
            throw SandboxError("the query process answered badly");
        }
    }
    return result;
}

}  // namespace govhub::db
