#include "db/migrations.hpp"

#include <algorithm>
#include <set>

#include "core/clock.hpp"

namespace govhub::db {

MigrationReport ApplyMigrations(Database& db, const MigrationSet& set) {
    db.Write([](Connection& c) {
        c.ExecScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " module TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL, PRIMARY KEY (module, version))");
    });
    std::set<std::pair<std::string, int>> done;
    db.Read([&](Connection& c) {
        for (const auto& r : c.Query("SELECT module, version FROM schema_migrations"))
            done.emplace(r.Str(0), static_cast<int>(r.Int(1)));
    });
    // Stable order: modules in registration order, versions ascending within each.
    std::vector<std::string> module_order;
    for (const auto& m : set.all())
        if (std::find(module_order.begin(), module_order.end(), m.module) == module_order.end())
            module_order.push_back(m.module);
    auto rank = [&](const Migration* m) {
        auto pos =
            std::find(module_order.begin(), module_order.end(), m->module) - module_order.begin();
        return std::make_pair(pos, m->version);
    };
    std::vector<const Migration*> todo;
    for (const auto& m : set.all())
        if (!done.count({m.module, m.version})) todo.push_back(&m);
    std::sort(todo.begin(), todo.end(),
              [&](const Migration* a, const Migration* b) { return rank(a) < rank(b); });
    MigrationReport report;
    for (const Migration* m : todo) {
        db.Write([&](Connection& c) {
            if (!m->sql.empty()) c.ExecScript(m->sql);
            const std::string& variant = c.engine() == Engine::kSqlite ? m->sqlite : m->postgres;
            if (!variant.empty()) c.ExecScript(variant);
            c.Exec(
                "INSERT INTO schema_migrations (module, version, name, applied_at) VALUES (?, ?, "
                "?, ?)",
                {m->module, int64_t{m->version}, m->name, core::NowIso()});
        });
        report.applied.push_back(m->module + ":" + std::to_string(m->version) + " " + m->name);
    }
    return report;
}

}  // namespace govhub::db
