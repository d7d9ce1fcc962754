#include "app/backup.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "app/version.hpp"
#include "core/crypto.hpp"
#include "db/backup.hpp"
#include "db/postgres/postgres_database.hpp"

namespace govhub::app {

namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

constexpr const char* kFormat = "govhub-backup";
constexpr int kFormatVersion = 1;

std::string IsoTime(std::chrono::system_clock::time_point t, bool compact) {
    auto secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%S", &tm);
    if (compact) return buf;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()) % 1000;
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms.count()));
    return std::string(buf) + frac;
}

std::string Errno(const std::string& what, const fs::path& p) {
    return what + " " + p.string() + ": " + std::strerror(errno);
}

// Copies `from` to `to` (created, must not exist), synced; returns the content's SHA-256.
std::string CopyAndHash(const fs::path& from, const fs::path& to, uint64_t* size = nullptr) {
    int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) throw std::runtime_error(Errno("cannot read", from));
    int out = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (out < 0) {
        close(in);
        throw std::runtime_error(Errno("cannot create", to));
    }
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    std::string buf(1 << 20, '\0');
    uint64_t total = 0;
    auto fail = [&](const std::string& msg) {
        close(in);
        close(out);
        throw std::runtime_error(msg);
    };
    for (;;) {
        ssize_t n = read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(Errno("cannot read", from));
        if (n == 0) break;
        crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()),
                                  static_cast<unsigned long long>(n));
        total += static_cast<uint64_t>(n);
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf.data() + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) fail(Errno("cannot write", to));
            done += w;
        }
    }
    if (fdatasync(out) != 0) fail(Errno("cannot sync", to));
    close(in);
    close(out);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, digest);
    if (size) *size = total;
    return core::HexEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
}

void SyncPath(const fs::path& p) {
    int fd = open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

// Every regular file under `dir` (symbolic links are not followed), skipping `skip`.
// Directories and files that vanish while it walks are passed over.
void Walk(const fs::path& dir, const fs::path& rel, const std::set<fs::path>& skip,
          const std::function<void(const fs::path& abs, const fs::path& rel)>& file) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        if (skip.count(p)) continue;
        std::error_code sec;
        auto st = it->symlink_status(sec);
        if (sec) continue;
        if (fs::is_directory(st))
            Walk(p, rel / p.filename(), skip, file);
        else if (fs::is_regular_file(st))
            file(p, rel / p.filename());
    }
}

// sha256sum's line: names with a backslash or newline are escaped and the line starts with '\'.
std::string SumLine(const std::string& sha, const std::string& name) {
    if (name.find_first_of("\\\n") == std::string::npos) return sha + "  " + name + "\n";
    std::string esc;
    for (char c : name) esc += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
    return "\\" + sha + "  " + esc + "\n";
}

std::map<std::string, std::string> ReadSums(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("no SHA256SUMS in " + file.parent_path().string());
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        bool escaped = !line.empty() && line[0] == '\\';
        if (escaped) line.erase(0, 1);
        if (line.size() < 67 || line.substr(64, 2) != "  ")
            throw std::runtime_error("SHA256SUMS is damaged (a line is not \"<sha256>  <file>\")");
        std::string name = line.substr(66), plain;
        if (escaped) {
            for (size_t i = 0; i < name.size(); ++i) {
                if (name[i] == '\\' && i + 1 < name.size()) {
                    plain += name[i + 1] == 'n' ? '\n' : name[i + 1];
                    ++i;
                } else {
                    plain += name[i];
                }
            }
            name = plain;
        }
        out[name] = line.substr(0, 64);
    }
    return out;
}

// One backup at a time per data directory: two would see each other's hard links as new files.
class BackupLock {
  public:
    explicit BackupLock(const fs::path& file) {
        fd_ = open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
        if (fd_ < 0) throw std::runtime_error(Errno("cannot open", file));
        if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            close(fd_);
            throw std::runtime_error("another backup of this site is running (" + file.string() +
                                     " is locked)");
        }
    }
    ~BackupLock() { close(fd_); }

  private:
    int fd_;
};

fs::path Canonical(const std::string& p) {
    return fs::weakly_canonical(fs::absolute(p));
}

bool DatastoreSharesMain(const Config& c) {
    return c.DatastoreUrl() == c.DatabaseUrl();
}

std::string HumanBytes(uint64_t n) {
    std::ostringstream s;
    if (n >= (1ull << 30))
        s << n / double(1ull << 30) << " GiB";
    else if (n >= (1ull << 20))
        s << n / double(1ull << 20) << " MiB";
    else
        s << n << " bytes";
    return s.str();
}

}  // namespace

std::string BackupSite(const Config& site, const std::string& into, std::ostream& out) {
    const fs::path data = Canonical(site.data_dir);
    if (!fs::is_directory(data)) throw std::runtime_error("no data directory at " + data.string());
    // The databases: main, and the datastore's when it is a database of its own.
    struct Db {
        std::string name, url;
    };
    std::vector<Db> dbs{{"main", site.DatabaseUrl()}};
    if (!DatastoreSharesMain(site)) dbs.push_back({"datastore", site.DatastoreUrl()});
    const db::Engine engine = db::EngineOf(dbs[0].url);
    if (db::EngineOf(dbs.back().url) != engine)
        throw std::runtime_error(
            "the main database and the datastore's use different engines; "
            "a backup holds one engine");

    // Not the site's files: its temporary files and process leases (uploads in flight, state of
    // running processes), this backup's own directory, the SQLite files (they come through the
    // backup API), the backups.
    const fs::path own = data / ".backup";
    fs::create_directories(own);
    // Nor the vault's keys (core/vault.hpp): a backup that held them beside the sealed values
    // would give a thief of the backup every citizen ID. They are backed up on their own.
    std::set<fs::path> skip{data / "tmp", data / "run", own, data / "secrets"};
    for (const auto& d : dbs)
        if (auto p = db::SqlitePath(d.url))
            for (const char* suffix : {"", "-wal", "-shm", "-journal"})
                skip.insert(Canonical(*p + suffix));
    fs::create_directories(into);
    const fs::path root = Canonical(into);
    skip.insert(root);

    BackupLock lock(own / "lock");
    std::string name = "govhub-backup-" + IsoTime(std::chrono::system_clock::now(), true);
    fs::path final_dir = root / name;
    for (int n = 2; fs::exists(final_dir) || fs::exists(final_dir.string() + ".partial"); ++n)
        final_dir = root / (name + "-" + std::to_string(n));
    const fs::path dir = final_dir.string() + ".partial";
    // Under the lock, a staging directory left is a killed backup's: its links go.
    const fs::path staging = own / "staging";
    fs::remove_all(staging);
    fs::create_directories(dir / "databases");
    fs::create_directories(staging);
    struct Cleanup {
        fs::path staging, partial;
        bool done = false;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(staging, ec);  // links only: the site's files stay
            if (!done) fs::remove_all(partial, ec);
        }
    } cleanup{staging, dir};

    // A hard link keeps a file readable when the site deletes it (a purge); the staging
    // directory is in the data directory, so on its file system. Elsewhere (another mount):
    // a copy.
    std::set<std::string> staged;
    uint64_t link_fallbacks = 0;
    auto stage = [&](const fs::path& abs, const fs::path& rel) {
        fs::path to = staging / rel;
        fs::create_directories(to.parent_path());
        if (::link(abs.c_str(), to.c_str()) == 0) {
            staged.insert(rel.string());
            return;
        }
        if (errno == ENOENT) return;  // deleted meanwhile
        std::error_code ec;
        if (fs::copy_file(abs, to, ec)) {
            ++link_fallbacks;
            staged.insert(rel.string());
        } else if (fs::exists(abs)) {
            throw std::runtime_error("cannot read " + abs.string() + ": " + ec.message());
        }
    };
    Walk(data, "", skip, stage);

    auto snapshot = [&] {
        std::vector<std::string> urls;
        for (const auto& d : dbs) urls.push_back(d.url);
        return db::TakeSnapshot(urls);
    }();
    const auto point = snapshot->point;
    const auto point_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(point.time_since_epoch()).count();
    // Files that reached their place before the snapshot and after the first pass.
    uint64_t after_snapshot = 0;
    Walk(data, "", skip, [&](const fs::path& abs, const fs::path& rel) {
        if (staged.count(rel.string())) return;
        struct stat st;
        if (lstat(abs.c_str(), &st) != 0) return;
        int64_t ctime_ns = int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec;
        if (ctime_ns > point_ns) {
            ++after_snapshot;
            return;
        }
        stage(abs, rel);
    });

    out << "snapshot at " << IsoTime(point, false) << " (" << snapshot->consistency << ")\n";
    Json manifest = {{"format", kFormat},
                     {"format_version", kFormatVersion},
                     {"govhub_version", kVersion},
                     {"engine", db::EngineName(engine)},
                     {"snapshot", IsoTime(point, false)},
                     {"consistency", snapshot->consistency},
                     {"datastore_database", dbs.size() > 1 ? "own" : "main"},
                     {"databases", Json::array()},
                     {"schema", Json::object()},
                     {"files", Json::array()}};
    std::string sums;
    const std::string ext = engine == db::Engine::kSqlite ? ".db" : ".dump";
    for (size_t i = 0; i < dbs.size(); ++i) {
        std::string rel = "databases/" + dbs[i].name + ext;
        snapshot->Write(i, (dir / rel).string());
        manifest["schema"][dbs[i].name] = snapshot->SchemaVersions(i);
        uint64_t size = fs::file_size(dir / rel);
        std::string sha = core::Sha256FileHex((dir / rel).string());
        SyncPath(dir / rel);
        manifest["databases"].push_back({{"name", dbs[i].name},
                                         {"url", db::RedactUrl(dbs[i].url)},
                                         {"path", rel},
                                         {"size", size},
                                         {"sha256", sha}});
        sums += SumLine(sha, rel);
        out << "  database " << dbs[i].name << ": " << HumanBytes(size) << "\n";
    }
    snapshot.reset();  // the site's WAL or old row versions need not wait for the file copies

    uint64_t file_bytes = 0;
    for (const auto& rel : staged) {
        fs::path to = dir / "files" / rel;
        fs::create_directories(to.parent_path());
        uint64_t size = 0;
        std::string sha = CopyAndHash(staging / rel, to, &size);
        file_bytes += size;
        std::string path = "files/" + rel;
        manifest["files"].push_back({{"path", path}, {"size", size}, {"sha256", sha}});
        sums += SumLine(sha, path);
    }
    out << "  files: " << staged.size() << " (" << HumanBytes(file_bytes) << ")";
    if (after_snapshot) out << "; " << after_snapshot << " newer than the snapshot left out";
    if (link_fallbacks) out << "; " << link_fallbacks << " copied (not on the data file system)";
    out << "\n";
    out << "  not included: secrets/ (the vault's keys, Learning's signing key): keep a copy of "
           "them apart from the "
           "backups (docs/operators.md, \"Secrets: the vault\")\n";

    std::string text = manifest.dump(1) + "\n";
    {
        std::ofstream m(dir / "manifest.json", std::ios::binary);
        m << text;
        if (!m) throw std::runtime_error("cannot write " + (dir / "manifest.json").string());
    }
    SyncPath(dir / "manifest.json");
    sums = SumLine(core::Sha256Hex(text), "manifest.json") + sums;
    {
        std::ofstream s(dir / "SHA256SUMS", std::ios::binary);
        s << sums;
        if (!s) throw std::runtime_error("cannot write " + (dir / "SHA256SUMS").string());
    }
    SyncPath(dir / "SHA256SUMS");
    // Every directory's entries, then the rename that makes it a backup.
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
         ++it)
        if (it->is_directory()) SyncPath(it->path());
    SyncPath(dir);
    fs::rename(dir, final_dir);
    SyncPath(root);
    cleanup.done = true;
    return final_dir.string();
}

Json VerifyBackup(const std::string& backup) {
    const fs::path dir = backup;
    if (!fs::is_directory(dir)) throw std::runtime_error("no backup at " + backup);
    if (dir.filename().string().ends_with(".partial") ||
        (dir.filename().empty() && dir.parent_path().string().ends_with(".partial")))
        throw std::runtime_error(backup + " is an unfinished backup (.partial)");
    auto damaged = [&](const std::string& what) {
        return std::runtime_error("the backup " + backup + " is damaged: " + what +
                                  "; it cannot be restored");
    };
    auto sums = ReadSums(dir / "SHA256SUMS");
    if (!sums.count("manifest.json")) throw damaged("SHA256SUMS does not list manifest.json");
    // Nothing missing, nothing added.
    std::set<std::string> present;
    Walk(dir, "", {dir / "SHA256SUMS"},
         [&](const fs::path&, const fs::path& rel) { present.insert(rel.string()); });
    for (const auto& [name, sha] : sums)
        if (!present.count(name)) throw damaged(name + " is missing");
    for (const auto& name : present)
        if (!sums.count(name)) throw damaged(name + " is not in SHA256SUMS");

    Json manifest;
    try {
        std::ifstream in(dir / "manifest.json", std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (core::Sha256Hex(text) != sums["manifest.json"])
            throw damaged("manifest.json does not match its SHA-256");
        manifest = Json::parse(text);
    } catch (const Json::exception& e) {
        throw damaged(std::string("manifest.json cannot be read: ") + e.what());
    }
    if (manifest.value("format", "") != kFormat)
        throw std::runtime_error(backup + " is not a govhub backup");
    if (manifest.value("format_version", 0) > kFormatVersion)
        throw std::runtime_error(backup + " was written by a newer govhub (format version " +
                                 std::to_string(manifest.value("format_version", 0)) + ")");
    // The manifest's list and SHA256SUMS agree, and every file has its size and content.
    size_t listed = 1;  // manifest.json
    for (const char* list : {"databases", "files"}) {
        for (const auto& f : manifest.at(list)) {
            std::string path = f.at("path");
            auto it = sums.find(path);
            if (it == sums.end() || it->second != f.at("sha256").get<std::string>())
                throw damaged(path + ": manifest.json and SHA256SUMS disagree");
            ++listed;
            std::error_code ec;
            auto size = fs::file_size(dir / path, ec);
            if (ec || size != f.at("size").get<uint64_t>())
                throw damaged(path + " has " + std::to_string(size) + " bytes, not " +
                              std::to_string(f.at("size").get<uint64_t>()));
        }
    }
    if (listed != sums.size()) throw damaged("SHA256SUMS lists files manifest.json does not");
    for (const auto& [name, sha] : sums)
        if (name != "manifest.json" && core::Sha256FileHex((dir / name).string()) != sha)
            throw damaged(name + " does not match its SHA-256");
    return manifest;
}

void RestoreSite(const std::string& backup, const Config& target, std::ostream& out) {
    Json manifest = VerifyBackup(backup);
    const fs::path dir = backup;
    out << "backup verified: " << manifest["databases"].size() << " database(s), "
        << manifest["files"].size() << " files, snapshot " << manifest.value("snapshot", "")
        << "\n";
    std::string engine = manifest.at("engine");
    std::string target_engine = db::EngineName(db::EngineOf(target.DatabaseUrl()));
    if (engine != target_engine)
        throw std::runtime_error("this is a backup of a " + engine + " site and the target is " +
                                 target_engine + ": restore onto " + engine +
                                 ", then move the site with `govhub admin copy-db`");
    bool own = manifest.value("datastore_database", "main") == "own";
    if (own == DatastoreSharesMain(target))
        throw std::runtime_error(
            own ? "the backup's datastore has a database of its own: give --datastore-url "
                  "(an empty database apart from --database-url)"
                : "the backup's datastore shares the main database: leave --datastore-url out "
                  "(or give the --database-url)");

    // The target: a new or empty data directory and empty databases.
    const fs::path data = fs::absolute(target.data_dir);
    if (fs::exists(data)) {
        if (!fs::is_directory(data))
            throw std::runtime_error("the data directory " + data.string() + " is a file");
        if (!fs::is_empty(data))
            throw std::runtime_error("refusing to restore into " + data.string() +
                                     ": it is not empty (" +
                                     fs::directory_iterator(data)->path().filename().string() +
                                     "); restore into a new, empty data directory");
    }
    std::map<std::string, std::string> urls{{"main", target.DatabaseUrl()}};
    if (own) urls["datastore"] = target.DatastoreUrl();
    for (const auto& [name, url] : urls) {
        if (auto what = db::WhatIsIn(url); !what.empty())
            throw std::runtime_error("refusing to restore: the " + name + " database " +
                                     db::RedactUrl(url) + " is not empty (" + what +
                                     "); restore into a new, empty database");
    }

    bool created = !fs::exists(data);
    fs::create_directories(data);
    try {
        for (const auto& d : manifest["databases"]) {
            std::string name = d.at("name");
            if (!urls.count(name)) throw std::runtime_error("unknown database " + name);
            db::RestoreDatabase(urls[name], (dir / d.at("path").get<std::string>()).string());
            out << "  database " << name << " restored into " << db::RedactUrl(urls[name]) << "\n";
        }
        for (const auto& f : manifest["files"]) {
            std::string path = f.at("path");
            fs::path to = data / fs::path(path).lexically_relative("files");
            if (to.lexically_normal().string().rfind(data.lexically_normal().string() + "/", 0) !=
                0)
                throw std::runtime_error("a file outside the data directory: " + path);
            fs::create_directories(to.parent_path());
            if (CopyAndHash(dir / path, to) != f.at("sha256").get<std::string>())
                throw std::runtime_error(path + " changed while it was restored");
        }
        fs::create_directories(data / "tmp");
        out << "  files: " << manifest["files"].size() << " restored into " << data.string()
            << "\n";
    } catch (const std::exception& e) {
        std::error_code ec;
        if (created) fs::remove_all(data, ec);
        throw std::runtime_error(std::string(e.what()) +
                                 "\nthe restore did not finish: empty the target databases" +
                                 (created ? "" : " and data directory") + " before trying again");
    }
    // Sealed citizen IDs open only with the source site's vault keys, which backups leave out.
    if (!fs::exists(target.VaultKeysFile()) && !std::getenv("GOVHUB_VAULT_KEYS"))
        out << "  the vault's keys are not in a backup: copy the source site's "
               "secrets/vault.keys to "
            << target.VaultKeysFile() << " (mode 0600) before starting, or set GOVHUB_VAULT_KEYS\n";
    out << "restored: start govhub with --data-dir " << data.string() << "\n";
}

}  // namespace govhub::app
