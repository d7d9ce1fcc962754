#include "db/postgres/postgres_database.hpp"

#include <libpq-fe.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <unordered_map>

namespace govhub::db {

namespace {

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

Error::Kind KindOf(const std::string& sqlstate) {
    if (sqlstate == "23505") return Error::Kind::kUniqueViolation;
    if (sqlstate == "23503") return Error::Kind::kForeignKey;
    if (sqlstate == "23514") return Error::Kind::kCheck;
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03")
        return Error::Kind::kBusy;
    if (sqlstate == "25006") return Error::Kind::kReadOnly;
    if (sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01") return Error::Kind::kConnection;
    return Error::Kind::kOther;
}

}  // namespace

std::string RedactUrl(const std::string& url) {
    auto scheme = url.find("://");
    auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
    auto colon = url.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon) + url.substr(at);
}

class PgConnection : public Connection {
  public:
    PgConnection(const std::string& url, bool prepare) : prepare_(prepare) {
        conn_ = PQconnectdb(url.c_str());
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(conn_);
            PQfinish(conn_);
            conn_ = nullptr;
            throw Error(Error::Kind::kConnection,
                        "postgresql: cannot connect to " + RedactUrl(url) + ": " + msg);
        }
        // Quiet NOTICEs (e.g. "relation already exists, skipping") stay out of the logs.
        PQsetNoticeProcessor(
            conn_, [](void*, const char*) {}, nullptr);
        // Reads run read-only, as on SQLite's read connections; Write() opens READ WRITE.
        ExecScript(
            "SET client_encoding = 'UTF8'; SET application_name = 'govhub'; "
            "SET default_transaction_read_only = on");
    }
    ~PgConnection() override {
        if (conn_) PQfinish(conn_);
    }

    Engine engine() const override { return Engine::kPostgres; }
    bool healthy() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }
    PGconn* raw() { return conn_; }
    bool in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

    Rows Query(std::string_view sql, const std::vector<Value>& params) override {
        ResultPtr res = Run(sql, params, PGRES_TUPLES_OK);
        Rows rows;
        int n = PQntuples(res.get()), m = PQnfields(res.get());
        rows.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            std::vector<std::optional<std::string>> cells;
            cells.reserve(static_cast<size_t>(m));
            for (int j = 0; j < m; ++j) {
                if (PQgetisnull(res.get(), i, j)) {
                    cells.emplace_back(std::nullopt);
                } else {
                    cells.emplace_back(
                        std::string(PQgetvalue(res.get(), i, j),
                                    static_cast<size_t>(PQgetlength(res.get(), i, j))));
                }
            }
            rows.emplace_back(std::move(cells));
        }
        return rows;
    }

    std::vector<int64_t> QueryInts(std::string_view sql,
                                   const std::vector<Value>& params) override {
        ResultPtr res = Run(sql, params, PGRES_TUPLES_OK);
        int n = PQntuples(res.get());
        std::vector<int64_t> out;
        out.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i)
            out.push_back(PQgetisnull(res.get(), i, 0)
                              ? 0
                              : std::strtoll(PQgetvalue(res.get(), i, 0), nullptr, 10));
        return out;
    }

    int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
        ResultPtr res = Run(sql, params, PGRES_COMMAND_OK);
        const char* n = PQcmdTuples(res.get());
        return n && *n ? std::stoll(n) : 0;
    }

    void ExecScript(std::string_view sql) override {
        std::string s(sql);
        ResultPtr res(PQexec(conn_, s.c_str()));
        auto status = PQresultStatus(res.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Throw(res.get(), sql);
    }

    void CopyIn(std::string_view copy_sql,
                const std::function<bool(std::string&)>& producer) override {
        std::string s(copy_sql);
        ResultPtr res(PQexec(conn_, s.c_str()));
        if (PQresultStatus(res.get()) != PGRES_COPY_IN) Throw(res.get(), copy_sql);
        std::string chunk;
        bool more = true;
        std::string failure;
        std::exception_ptr producer_error;
        while (more) {
            chunk.clear();
            try {
                more = producer(chunk);
            } catch (const std::exception& e) {
                failure = e.what();
                producer_error = std::current_exception();
                break;
            }
            if (!chunk.empty() &&
                PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) {
                failure = PQerrorMessage(conn_);
                break;
            }
        }
        // Aborting the COPY keeps the transaction consistent: nothing of it is kept.
        PQputCopyEnd(conn_, failure.empty() ? nullptr : failure.c_str());
        ResultPtr end(PQgetResult(conn_));
        while (ResultPtr extra{PQgetResult(conn_)}) {
        }
        // The producer's own error is the caller's to see (its type tells what went wrong).
        if (producer_error) std::rethrow_exception(producer_error);
        if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) Throw(end.get(), copy_sql);
        if (!failure.empty())
            throw Error(Error::Kind::kOther, "postgresql: COPY aborted: " + failure);
    }

    void CopyOut(std::string_view copy_sql,
                 const std::function<void(std::string_view)>& consumer) override {
        std::string s(copy_sql);
        ResultPtr res(PQexec(conn_, s.c_str()));
        if (PQresultStatus(res.get()) != PGRES_COPY_OUT) Throw(res.get(), copy_sql);
        char* buf = nullptr;
        int n;
        while ((n = PQgetCopyData(conn_, &buf, 0)) > 0) {
            std::string_view piece(buf, static_cast<size_t>(n));
            try {
                consumer(piece);
            } catch (...) {
                PQfreemem(buf);
                // Drain so the connection stays usable.
                while ((n = PQgetCopyData(conn_, &buf, 0)) > 0) PQfreemem(buf);
                while (ResultPtr extra{PQgetResult(conn_)}) {
                }
                throw;
            }
            PQfreemem(buf);
        }
        ResultPtr end(PQgetResult(conn_));
        while (ResultPtr extra{PQgetResult(conn_)}) {
        }
        if (n == -2 || PQresultStatus(end.get()) != PGRES_COMMAND_OK) Throw(end.get(), copy_sql);
    }

  private:
    ResultPtr Run(std::string_view sql, const std::vector<Value>& params, ExecStatusType expected) {
        std::vector<std::string> storage(params.size());
        std::vector<const char*> values(params.size(), nullptr);
        for (size_t i = 0; i < params.size(); ++i) {
            const Value& v = params[i];
            if (std::holds_alternative<std::nullptr_t>(v)) continue;
            if (auto* n = std::get_if<int64_t>(&v))
                storage[i] = std::to_string(*n);
            else if (auto* d = std::get_if<double>(&v)) {
                char buf[64];
                std::snprintf(buf, sizeof buf, "%.17g", *d);
                storage[i] = buf;
            } else
                storage[i] = std::get<std::string>(v);
            values[i] = storage[i].c_str();
        }
        ResultPtr res;
        if (prepare_) {
            const std::string& name = Prepare(sql);
            res.reset(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()),
                                     values.data(), nullptr, nullptr, 0));
        } else {
            std::string numbered = NumberPlaceholders(sql);
            res.reset(PQexecParams(conn_, numbered.c_str(), static_cast<int>(params.size()),
                                   nullptr, values.data(), nullptr, nullptr, 0));
        }
        auto status = PQresultStatus(res.get());
        // Statements returning rows (RETURNING) are fine for Exec, and vice versa.
        if (status != expected && status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
            Throw(res.get(), sql);
        return res;
    }

    const std::string& Prepare(std::string_view sql) {
        std::string key(sql);
        auto it = prepared_.find(key);
        if (it != prepared_.end()) return it->second;
        // Statements built from data (IN lists of any length) must not grow the cache forever.
        if (prepared_.size() >= kMaxPrepared) {
            ResultPtr(PQexec(conn_, "DEALLOCATE ALL"));
            prepared_.clear();
        }
        std::string name = "g" + std::to_string(++prepared_count_);
        std::string numbered = NumberPlaceholders(sql);
        ResultPtr res(PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr));
        if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) Throw(res.get(), sql);
        return prepared_.emplace(std::move(key), std::move(name)).first->second;
    }

    [[noreturn]] void Throw(const PGresult* res, std::string_view sql) {
        std::string sqlstate, constraint, msg;
        if (res) {
            const char* s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
            const char* c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
            const char* m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
            sqlstate = s ? s : "";
            constraint = c ? c : "";
            msg = m ? m : PQresultErrorMessage(res);
        }
        if (msg.empty()) msg = PQerrorMessage(conn_);
        Error::Kind kind =
            sqlstate.empty() && !healthy() ? Error::Kind::kConnection : KindOf(sqlstate);
        throw Error(
            kind,
            "postgresql: " + msg + " [" + sqlstate + "] [" + std::string(sql.substr(0, 120)) + "]",
            constraint);
    }

    static constexpr size_t kMaxPrepared = 512;
    PGconn* conn_ = nullptr;
    bool prepare_ = true;
    std::unordered_map<std::string, std::string> prepared_;
    uint64_t prepared_count_ = 0;
};

namespace {
thread_local PgConnection* t_tx_conn = nullptr;
thread_local const PostgresDatabase* t_tx_db = nullptr;
}  // namespace

PostgresDatabase::PostgresDatabase(std::string url, const OpenOptions& options)
    : url_(std::move(url)),
      max_connections_(std::max(2, options.read_connections + 4)),
      prepare_(options.prepare_statements) {
    // Connect once now so a wrong URL fails at start-up, not at the first request.
    Release(Acquire());
}

PostgresDatabase::~PostgresDatabase() = default;

std::string PostgresDatabase::Describe() const {
    return RedactUrl(url_);
}

std::unique_ptr<PgConnection> PostgresDatabase::Acquire() {
    {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
        ++open_;
    }
    try {
        return std::make_unique<PgConnection>(url_, prepare_);
    } catch (...) {
        std::lock_guard lock(mutex_);
        --open_;
        cv_.notify_one();
        throw;
    }
}

void PostgresDatabase::Release(std::unique_ptr<PgConnection> conn) {
    std::lock_guard lock(mutex_);
    // A broken connection is dropped; the next Acquire opens a fresh one.
    if (conn && conn->healthy() && !conn->in_transaction()) {
        idle_.push_back(std::move(conn));
    } else {
        --open_;
    }
    cv_.notify_one();
}

void PostgresDatabase::WithRead(const std::function<void(Connection&)>& f) {
    if (t_tx_conn && t_tx_db == this) return f(*t_tx_conn);
    auto conn = Acquire();
    struct Giveback {
        PostgresDatabase* db;
        std::unique_ptr<PgConnection>& c;
        ~Giveback() { db->Release(std::move(c)); }
    } giveback{this, conn};
    f(*conn);
}

void PostgresDatabase::WithWrite(const std::function<void(Connection&)>& f) {
    if (t_tx_conn && t_tx_db == this) return f(*t_tx_conn);
    auto conn = Acquire();
    struct Giveback {
        PostgresDatabase* db;
        std::unique_ptr<PgConnection>& c;
        ~Giveback() {
            t_tx_conn = nullptr;
            t_tx_db = nullptr;
            db->Release(std::move(c));
        }
    } giveback{this, conn};
    conn->ExecScript("BEGIN READ WRITE");
    t_tx_conn = conn.get();
    t_tx_db = this;
    try {
        f(*conn);
        t_tx_conn = nullptr;
        t_tx_db = nullptr;
        conn->ExecScript("COMMIT");
    } catch (...) {
        t_tx_conn = nullptr;
        t_tx_db = nullptr;
        try {
            if (conn->healthy()) conn->ExecScript("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
}

namespace {

// Every relation a plan reads, with its schema (EXPLAIN VERBOSE), and the functions it scans.
void PlanRelations(const nlohmann::json& node,
                   std::vector<std::pair<std::string, std::string>>& rels,
                   std::vector<std::string>& functions) {
    if (node.is_object()) {
        if (node.contains("Relation Name"))
            rels.emplace_back(node.value("Schema", ""), node["Relation Name"].get<std::string>());
        if (node.value("Node Type", "") == "Function Scan")
            functions.push_back(node.value("Function Name", ""));
        for (auto it = node.begin(); it != node.end(); ++it) PlanRelations(*it, rels, functions);
    } else if (node.is_array()) {
        for (const auto& e : node) PlanRelations(e, rels, functions);
    }
}

std::string PrimaryMessage(PGresult* r, PGconn* c) {
    const char* m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    return m ? m : PQerrorMessage(c);
}

}  // namespace

SandboxResult PostgresDatabase::QuerySandboxed(const std::string& sql,
                                               const SandboxPolicy& policy) {
    auto conn = Acquire();
    struct Giveback {
        PostgresDatabase* db;
        std::unique_ptr<PgConnection>& c;
        ~Giveback() { db->Release(std::move(c)); }
    } giveback{this, conn};
    PGconn* pg = conn->raw();
    auto exec = [&](const std::string& q) {
        ResultPtr r(PQexecParams(pg, q.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
        return r;
    };
    auto fail = [&](const std::string& why) -> SandboxError {
        ResultPtr(PQexec(pg, "ROLLBACK"));
        return SandboxError(why);
    };
    auto ident = [&](const std::string& name) {
        char* q = PQescapeIdentifier(pg, name.c_str(), name.size());
        std::string out = q ? q : "\"\"";
        PQfreemem(q);
        return out;
    };
    ResultPtr(PQexec(pg, "BEGIN READ ONLY"));
    for (const std::string& setup :
         {"SET LOCAL statement_timeout = " + std::to_string(policy.timeout_ms),
          "SET LOCAL search_path = " +
              ident(policy.pg_schema.empty() ? "public" : policy.pg_schema)}) {
        ResultPtr r = exec(setup);
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw fail(PrimaryMessage(r.get(), pg));
    }
    if (!policy.pg_role.empty()) {
        ResultPtr r = exec("SET LOCAL ROLE " + ident(policy.pg_role));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK)
            throw fail("the read-only role " + policy.pg_role +
                       " is missing or not granted to govhub (see docs/deploy.md)");
    }
    // The plan names every relation the statement reads: each must be allowed.
    {
        ResultPtr r = exec("EXPLAIN (VERBOSE, FORMAT JSON) " + sql);
        if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw fail(PrimaryMessage(r.get(), pg));
        auto plan = nlohmann::json::parse(PQgetvalue(r.get(), 0, 0), nullptr, false);
        std::vector<std::pair<std::string, std::string>> rels;
        std::vector<std::string> functions;
        PlanRelations(plan, rels, functions);
        for (const auto& [schema, table] : rels)
            if (!policy.may_read || !policy.may_read(schema, table))
                // Word for word PostgreSQL's own answer for a relation that does not exist:
                // a private table's existence is nobody else's business.
                throw fail("relation \"" + table + "\" does not exist");
        for (const auto& f : functions)
            if (f != "generate_series" && f != "unnest")
                throw fail("the function " + f + "() is not allowed as a table");
    }
    // Row by row, so a result of huge values (repeat('x', 1e8) FROM generate_series(1, 30))
    // is cut at max_bytes instead of being held whole in memory.
    std::string query =
        "SELECT * FROM (" + sql + "\n) AS _q LIMIT " + std::to_string(policy.max_rows + 1);
    if (!PQsendQueryParams(pg, query.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0))
        throw fail(PQerrorMessage(pg));
    PQsetSingleRowMode(pg);
    SandboxResult out;
    std::string error;
    bool described = false, cancelled = false;
    int64_t bytes = 0;
    for (;;) {
        ResultPtr r(PQgetResult(pg));
        if (!r) break;
        auto status = PQresultStatus(r.get());
        if (status != PGRES_SINGLE_TUPLE && status != PGRES_TUPLES_OK) {
            if (cancelled || !error.empty()) continue;  // drained after a cut
            const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
            if (state && std::string(state) == "57014")
                error = "the query ran longer than " + std::to_string(policy.timeout_ms / 1000) +
                        " s and was stopped";
            else if (state && std::string(state) == "42501")
                error = "not allowed: " + PrimaryMessage(r.get(), pg);
            else
                error = PrimaryMessage(r.get(), pg);
            continue;
        }
        int m = PQnfields(r.get());
        if (!described) {
            described = true;
            for (int j = 0; j < m; ++j) {
                out.columns.emplace_back(PQfname(r.get(), j));
                Oid oid = PQftype(r.get(), j);
                out.types.push_back(oid == 20 || oid == 21 || oid == 23       ? "int"
                                    : oid == 700 || oid == 701 || oid == 1700 ? "numeric"
                                    : oid == 16                               ? "bool"
                                    : oid == 1082                             ? "date"
                                    : oid == 1114                             ? "timestamp"
                                                                              : "text");
            }
        }
        if (status != PGRES_SINGLE_TUPLE || cancelled) continue;
        if (static_cast<int64_t>(out.rows.size()) >= policy.max_rows || bytes >= policy.max_bytes) {
            out.truncated = true;
            cancelled = true;
            if (PGcancel* c = PQgetCancel(pg)) {
                char why[256];
                PQcancel(c, why, sizeof why);
                PQfreeCancel(c);
            }
            continue;
        }
        std::vector<std::optional<std::string>> cells;
        for (int j = 0; j < m; ++j) {
            if (PQgetisnull(r.get(), 0, j)) {
                cells.emplace_back(std::nullopt);
                continue;
            }
            auto len = static_cast<size_t>(PQgetlength(r.get(), 0, j));
            bytes += static_cast<int64_t>(len);
            cells.emplace_back(std::string(PQgetvalue(r.get(), 0, j), len));
        }
        out.rows.emplace_back(std::move(cells));
    }
    if (!error.empty()) throw fail(error);
    ResultPtr(PQexec(pg, "ROLLBACK"));
    return out;
}

}  // namespace govhub::db
