#include "db/postgres/backup.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "db/postgres/postgres_database.hpp"

extern char** environ;

namespace govhub::db {

namespace fs = std::filesystem;

namespace {

class Conn {
  public:
    explicit Conn(const std::string& url) : url_(url) {
        c_ = PQconnectdb(url.c_str());
        if (PQstatus(c_) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(c_);
            PQfinish(c_);
            c_ = nullptr;
            throw Error(Error::Kind::kConnection,
                        "postgresql: cannot connect to " + RedactUrl(url) + ": " + msg);
        }
        PQsetNoticeProcessor(
            c_, [](void*, const char*) {}, nullptr);
    }
    ~Conn() {
        if (c_) PQfinish(c_);
    }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    std::vector<std::vector<std::string>> Query(const std::string& sql) {
        PGresult* r = PQexec(c_, sql.c_str());
        auto status = PQresultStatus(r);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw Error(Error::Kind::kOther, "postgresql: " + msg + " [" + sql + "]");
        }
        std::vector<std::vector<std::string>> rows;
        for (int i = 0; i < PQntuples(r); ++i) {
            std::vector<std::string> row;
            for (int j = 0; j < PQnfields(r); ++j) row.emplace_back(PQgetvalue(r, i, j));
            rows.push_back(std::move(row));
        }
        PQclear(r);
        return rows;
    }
    int ServerMajor() const { return PQserverVersion(c_) / 10000; }

  private:
    std::string url_;
    PGconn* c_ = nullptr;
};

// The connection settings of `url` as libpq's environment variables (PGHOST, PGPASSWORD ...),
// so pg_dump and pg_restore get the password without it showing in the process list.
std::vector<std::string> EnvironmentFor(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
    if (!opts) {
        std::string msg = err ? err : "cannot read the URL";
        PQfreemem(err);
        throw std::runtime_error("postgresql: " + msg);
    }
    // The URL's settings replace the process's own; what it leaves out comes from the
    // environment, as for the site's connections.
    std::vector<std::string> set;
    for (auto* o = opts; o->keyword; ++o)
        if (o->val && *o->val && o->envvar) set.push_back(std::string(o->envvar) + "=" + o->val);
    PQconninfoFree(opts);
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string_view var(*e);
        auto name = var.substr(0, var.find('=') + 1);
        bool replaced = false;
        for (const auto& s : set) replaced = replaced || s.rfind(name, 0) == 0;
        if (!replaced) env.emplace_back(var);
    }
    env.insert(env.end(), set.begin(), set.end());
    return env;
}

// pg_dump / pg_restore of the server's major version (a dump by an older pg_dump than the
// server is refused by pg_dump itself), else a newer one, else the one on PATH.
std::string Tool(const std::string& name, int server_major) {
    if (const char* dir = std::getenv("GOVHUB_PG_BIN"); dir && *dir)
        return std::string(dir) + "/" + name;
    std::string best;
    int best_major = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        int major = std::atoi(e.path().filename().c_str());
        if (major < server_major || !fs::exists(e.path() / "bin" / name)) continue;
        if (best.empty() || major < best_major) {  // the closest at or above the server
            best = (e.path() / "bin" / name).string();
            best_major = major;
        }
    }
    return best.empty() ? name : best;
}

// Runs a tool; throws with its last words when it fails.
void Run(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    int err_pipe[2];
    if (pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(err_pipe[1], 2);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
        }
        if (argv[0].find('/') != std::string::npos)
            execve(args[0], args.data(), envp.data());
        else
            execvpe(args[0], args.data(), envp.data());
        dprintf(2, "cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    close(err_pipe[1]);
    std::string err;
    char buf[4096];
    ssize_t n;
    while ((n = read(err_pipe[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && err.size() < 64 * 1024) err.append(buf, static_cast<size_t>(n));
    close(err_pipe[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
        if (err.size() > 2000) err = "..." + err.substr(err.size() - 2000);
        throw std::runtime_error(
            fs::path(argv[0]).filename().string() + " failed" +
            (WIFEXITED(status) ? " (exit " + std::to_string(WEXITSTATUS(status)) + ")" : "") +
            ": " + err);
    }
}

class PostgresSnapshot : public Snapshot {
  public:
    explicit PostgresSnapshot(const std::vector<std::string>& urls) : urls_(urls) {
        // Every connection first, then the snapshots back to back, so they are as close in time
        // as two databases allow.
        for (const auto& u : urls_) conns_.push_back(std::make_unique<Conn>(u));
        for (auto& c : conns_) {
            c->Query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            ids_.push_back(c->Query("SELECT pg_export_snapshot()").at(0).at(0));
        }
        point = std::chrono::system_clock::now();
        consistency = urls_.size() > 1
                          ? "one exported snapshot per database, taken one after the other: "
                            "each database is consistent in itself, and the later may hold "
                            "what was committed in the milliseconds between them"
                          : "one exported snapshot of the database (every schema, the "
                            "datastore's too)";
    }

    void Write(size_t i, const std::string& path) override {
        auto& c = *conns_.at(i);
        // The exporting transaction stays open until pg_dump is done with the snapshot.
        Run({Tool("pg_dump", c.ServerMajor()), "--format=custom", "--snapshot=" + ids_.at(i),
             "--no-password", "--file=" + path},
            EnvironmentFor(urls_.at(i)));
    }

    std::map<std::string, int> SchemaVersions(size_t i) override {
        std::map<std::string, int> out;
        auto& c = *conns_.at(i);
        if (c.Query("SELECT to_regclass('schema_migrations')").at(0).at(0).empty()) return out;
        for (const auto& row :
             c.Query("SELECT module, MAX(version) FROM schema_migrations GROUP BY module"))
            out[row[0]] = std::stoi(row[1]);
        return out;
    }

  private:
    std::vector<std::string> urls_;
    std::vector<std::unique_ptr<Conn>> conns_;
    std::vector<std::string> ids_;
};

}  // namespace

std::unique_ptr<Snapshot> TakePostgresSnapshot(const std::vector<std::string>& urls) {
    return std::make_unique<PostgresSnapshot>(urls);
}

std::string PostgresWhatIsIn(const std::string& url) {
    Conn c(url);
    // Relations and schemas of the database's own (not the system's, not the empty public).
    auto rows = c.Query(
        "SELECT 'table ' || n.nspname || '.' || c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
        "   AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        "   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
        " UNION ALL SELECT 'schema ' || nspname FROM pg_namespace"
        " WHERE nspname NOT IN ('public', 'pg_catalog', 'information_schema')"
        "   AND nspname NOT LIKE 'pg\\_%'"
        " LIMIT 1");
    return rows.empty() ? "" : rows[0][0];
}

void PostgresRestore(const std::string& url, const std::string& file) {
    if (auto what = PostgresWhatIsIn(url); !what.empty())
        throw std::runtime_error("the database " + RedactUrl(url) + " is not empty (" + what + ")");
    int major = Conn(url).ServerMajor();
    // One transaction: a restore that fails leaves the database as empty as it was. Objects
    // belong to the role that restores (the site's role on the new server).
    Run({Tool("pg_restore", major), "--no-owner", "--exit-on-error", "--single-transaction",
         "--no-password",
         "--dbname=" +
             [&] {
                 for (const auto& e : EnvironmentFor(url))
                     if (e.rfind("PGDATABASE=", 0) == 0) return e.substr(11);
                 return std::string("postgres");
             }(),
         file},
        EnvironmentFor(url));
}

}  // namespace govhub::db
