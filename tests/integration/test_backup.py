"""`govhub admin backup` / `restore`: a site backed up while a writer keeps adding datasets, files and
datastore rows, restored into a new data directory and new databases, and compared table by table
and file by file with the source; a damaged backup and a non-empty target are refused."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest

from govhub_harness import BIN, ENGINE, Browser, Server, engine_args, new_database_url
from test_catalog_api import call, ok, record_dataset
from test_datastore import wait_for_load
from test_resource_upload import upload

# Rows these tables hold are updated after they are written, so a row of the backup may be older
# than the same row at the end of the test: they are matched by key (the first column), not content.
UPDATED_IN_PLACE = {
    "datasets": "metadata_modified moves when a resource is added",
    "resources": "datastore_active turns true when the resource's table has loaded",
    "api_tokens": "last_used moves with each call",
    "api_token_usage": "calls are counted per token and day",
    "rate_limits": "counted per window",
    "sessions": "last seen moves",
    "jobs": "a load job goes from queued to running to succeeded",
    "catalog_state": "the catalog's change counter",
    "search_documents": "a dataset's search text is rewritten when a resource is added",
    "_govhub_tables": "row_count and modified move with each datastore_upsert",
    "sqlite_sequence": "the next id per table",
}
# SQLite's full-text index keeps its segments in these; FTS5 merges and rewrites them as it goes, so
# they are checked through search on the restored site instead (and the datastore's full-text
# indexes, <resource id>__fts_*, through datastore_search).
DERIVED_PREFIX = "search_fts_"
CSV = "อำเภอ,จำนวน\nเมือง,1\nสันทราย,2\n"


def cli(*args, check=True):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if check:
        assert r.returncode == 0, "govhub %s failed:\n%s%s" % (args, r.stdout, r.stderr)
    return r


def site_args(data_dir, database_url, datastore_url=None):
    return ["--data-dir", data_dir, *engine_args(database_url)] + \
        (["--datastore-url", datastore_url] if datastore_url else [])


class Site:
    """The databases of a site, read directly (not through a server)."""

    def __init__(self, data_dir, database_url, datastore_url=None):
        self.data_dir, self.database_url, self.datastore_url = data_dir, database_url, datastore_url

    def _pg(self, url, sql):
        r = subprocess.run(["psql", url, "-AtX", "-F", "\x1f", "-R", "\x1e", "-c", sql],
                           capture_output=True, text=True, check=True)
        return [tuple(line.split("\x1f")) for line in r.stdout.rstrip("\n").split("\x1e") if line]

    def _sqlite(self, path, sql):
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            return [tuple("\\N" if v is None else (v.hex() if isinstance(v, bytes) else str(v)) for v in row)
                    for row in db.execute(sql)]
        finally:
            db.close()

    def databases(self):
        """(name, runner) of each database."""
        if ENGINE == "postgres":
            out = [("main", lambda sql: self._pg(self.database_url, sql))]
            if self.datastore_url:
                out.append(("datastore", lambda sql: self._pg(self.datastore_url, sql)))
            return out
        return [("main", lambda sql: self._sqlite(os.path.join(self.data_dir, "govhub.db"), sql)),
                ("datastore", lambda sql: self._sqlite(os.path.join(self.data_dir, "datastore.db"), sql))]

    def query(self, sql, database="main"):
        return dict(self.databases())[database](sql)

    def tables(self):
        """{(database, table): sorted rows} of every table, found through the engine's catalog."""
        out = {}
        for name, q in self.databases():
            if ENGINE == "postgres":
                names = [r[0] for r in q("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)"
                                         " FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                                         " AND table_schema NOT IN ('pg_catalog', 'information_schema')")]
                # Every row as JSON in one query (NULL and text told apart, columns in order).
                for t in names:
                    out[(name, t.split(".")[-1].strip('"'))] = []
                union = " UNION ALL ".join("SELECT %s, row_to_json(x)::text FROM %s x"
                                           % ("'" + t.replace("'", "''") + "'", t) for t in names)
                for t, row in q(union):
                    values = json.loads(row, object_pairs_hook=list)
                    out[(name, t.split(".")[-1].strip('"'))].append(
                        tuple("\\N" if v is None else json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list))
                              else str(v) for _, v in values))
                for k in out:
                    out[k].sort()
                continue
            # FTS5 tables are read through their shadow tables (the tokenizer lives in govhub).
            for (t,) in q("SELECT name FROM sqlite_master WHERE type = 'table'"
                          " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"):
                out[(name, t)] = sorted(q('SELECT * FROM "%s"' % t))
        return out

    def files(self):
        """{relative path: sha256} of the data directory's files (not tmp/, the SQLite files, the log)."""
        out = {}
        for root, dirs, files in os.walk(self.data_dir):
            rel_root = os.path.relpath(root, self.data_dir)
            if rel_root.split("/")[0] in ("tmp", "run", ".backup"):
                continue
            for f in files:
                rel = os.path.normpath(os.path.join(rel_root, f))
                if rel.split("-")[0] in ("govhub.db", "datastore.db") or rel == "server.log":
                    continue
                with open(os.path.join(root, f), "rb") as fh:
                    out[rel] = hashlib.sha256(fh.read()).hexdigest()
        return out


def source_site(smtp, own_datastore):
    database_url = new_database_url()
    datastore_url = new_database_url() if own_datastore else None
    extra = ["--datastore-url", datastore_url] if datastore_url else []
    server = Server(*extra, "--enable-test-jobs", "--job-poll-ms", "100", "--rate-limit-api", "100000",
                    smtp_url=smtp.url, database_url=database_url)
    return server, Site(server.data_dir, database_url or server.database_url, datastore_url)


class Writer(threading.Thread):
    """Adds, one after the other: a dataset, a file to it, a row to a datastore table. Every write is
    answered before the next begins, so a consistent snapshot holds a prefix of the events."""

    def __init__(self, server, token, org, table_id):
        super().__init__(daemon=True)
        self.server, self.token, self.org, self.table_id = server, token, org, table_id
        self.stop = threading.Event()
        self.done = []  # (event, time answered)
        self.error = None

    def run(self):
        api = Browser(self.server)
        i = 0
        try:
            while not self.stop.is_set():
                ok(call(api, "package_create", record_dataset(self.org, "live-%d" % i), self.token))
                self.done.append((("dataset", i), time.time()))
                body = ("n,ค่า\n%d,%s\n" % (i, "ข้อมูล" * (i % 7 + 1))).encode()
                status, raw = upload(self.server, self.token, {"package_id": "live-%d" % i}, "live-%d.csv" % i,
                                     [body], len(body))
                assert status == 200, raw[:300]
                self.done.append((("file", i), time.time()))
                ok(call(api, "datastore_upsert", {"resource_id": self.table_id, "method": "insert",
                                                  "records": [{"n": i, "ค่า": "แถว %d" % i}]}, self.token))
                self.done.append((("row", i), time.time()))
                i += 1
        except Exception as e:  # noqa: BLE001  (reported by the test)
            self.error = e


def events_in(site):
    """The writer's events a site holds."""
    datasets = {int(r[0][5:]) for r in site.query("SELECT name FROM datasets WHERE name LIKE 'live-%'")}
    files = {int(r[0][5:].split(".")[0]) for r in site.query(
        "SELECT url FROM resources WHERE url LIKE 'live-%' AND url_type = 'upload'")}
    db = "datastore" if len(site.databases()) > 1 else "main"
    table = '"%s"' % WRITER_TABLE[0] if ENGINE == "sqlite" else 'datastore."%s"' % WRITER_TABLE[0]
    rows = {int(r[0]) for r in site.query("SELECT n FROM %s" % table, db)}
    return [("dataset", i) for i in datasets] + [("file", i) for i in files] + [("row", i) for i in rows]


WRITER_TABLE = [None]
ORDER = {"dataset": 0, "file": 1, "row": 2}


def seq(event):
    return event[1] * 3 + ORDER[event[0]]


def backup_while_writing(smtp, tmp_path, own_datastore):
    src, site = source_site(smtp, own_datastore)
    try:
        token = src.create_sysadmin("backup-admin")
        api = Browser(src)
        org = ok(call(api, "organization_create", {"name": "backup-org", "title": "หน่วยงานสำรอง"}, token))["name"]
        # Content before the backup: a dataset with an uploaded file that becomes a table, and a table
        # made through the API, which the writer appends to.
        ok(call(api, "package_create", record_dataset(org, "before"), token))
        body = CSV.encode()
        status, raw = upload(src, token, {"package_id": "before"}, "ก่อน.csv", [body], len(body))
        assert status == 200, raw[:300]
        wait_for_load(api, json.loads(raw)["result"]["id"])
        res = ok(call(api, "resource_create", {"package_id": "before", "name": "ตาราง",
                                               "url": "https://example.go.th/table"}, token))
        ok(call(api, "datastore_create", {"resource_id": res["id"], "primary_key": "n",
                                          "fields": [{"id": "n", "type": "int"}, {"id": "ค่า", "type": "text"}]},
                token))
        WRITER_TABLE[0] = res["id"]

        writer = Writer(src, token, org, res["id"])
        writer.start()
        while len(writer.done) < 6 and writer.error is None:
            time.sleep(0.05)
        started = time.time()
        r = cli("admin", "backup", str(tmp_path / "backups"),
                *site_args(src.data_dir, site.database_url, site.datastore_url))
        finished = time.time()
        time.sleep(0.5)  # the writer goes on after the backup
        writer.stop.set()
        writer.join(60)
        assert writer.error is None, writer.error
        backup = r.stdout.strip().splitlines()[-1].split("backup: ", 1)[1]
        assert os.path.basename(backup).startswith("govhub-backup-") and os.path.isdir(backup)
        # The site answered writes while the backup ran.
        during = [e for e, t in writer.done if started < t < finished]
        assert during or finished - started < 0.2, (r.stdout, writer.done)
        assert src.alive()
        # Quiet now: the load jobs finish, then the source is read as it ends.
        deadline = time.time() + 30
        while site.query("SELECT COUNT(*) FROM jobs WHERE kind = 'datastore.load'"
                         " AND state IN ('queued', 'running')")[0][0] != "0":
            assert time.time() < deadline
            time.sleep(0.1)
        return src, site, backup, r, [(e, t) for e, t in writer.done], (started, finished)
    except BaseException:
        src.stop()
        raise


@pytest.mark.parametrize("own_datastore", [False, True] if ENGINE == "postgres" else [True],
                         ids=["datastore-in-main", "datastore-database"] if ENGINE == "postgres" else ["sqlite"])
def test_backup_while_serving_then_restore_and_compare(smtp, tmp_path, own_datastore):
    src, site, backup, r, done, (started, finished) = backup_while_writing(smtp, tmp_path, own_datastore)
    try:
        manifest = json.load(open(os.path.join(backup, "manifest.json")))
        assert manifest["engine"] == ("postgresql" if ENGINE == "postgres" else "sqlite")
        assert manifest["datastore_database"] == ("own" if own_datastore else "main")
        assert manifest["schema"]["main"]["catalog"] >= 1
        # Operators check a backup with the standard tool too.
        subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=backup, check=True)
        assert cli("admin", "verify-backup", backup).stdout.startswith("backup ok")
        source_tables, source_files = site.tables(), site.files()
    finally:
        assert src.stop() == 0

    # Restore into a new data directory and new, empty databases.
    target_dir = str(tmp_path / "restored")
    target = Site(target_dir, new_database_url(), new_database_url() if own_datastore else None)
    r = cli("admin", "restore", backup, *site_args(target_dir, target.database_url, target.datastore_url))
    assert "restored" in r.stdout

    # A snapshot of one point: the writer's events it holds are a prefix of what the writer did, across
    # both databases (on PostgreSQL with two databases the datastore's snapshot is taken a moment later,
    # so it may hold a little more, never less).
    events = sorted(events_in(target), key=seq)
    n = len(events)
    if own_datastore and ENGINE == "postgres":
        main_events = [e for e in events if e[0] != "row"]
        assert [seq(e) for e in main_events] == [seq(e) for e in sorted(
            [e for e, _ in done if e[0] != "row"], key=seq)][:len(main_events)]
        rows = sorted(e[1] for e in events if e[0] == "row")
        assert rows == list(range(len(rows))) and len(rows) >= len([e for e in main_events if e[0] == "file"]) - 1
    else:
        assert [seq(e) for e in events] == list(range(n)), events
    # Everything answered before the backup began is in it, and the writer went on after the snapshot.
    before = [e for e, t in done if t < started]
    assert n >= len(before) and n < len(done), (n, len(before), len(done))

    restored_tables, restored_files = target.tables(), target.files()
    # Every table: the same tables, and each restored row is the source's row (the source only went on
    # adding rows after the snapshot; rows it updates in place are matched by key).
    # The same tables, but for the datastore's tables loaded after the snapshot.
    assert set(restored_tables) <= set(source_tables), set(restored_tables) - set(source_tables)
    later = {t for t in set(source_tables) - set(restored_tables)}
    assert all(len(t.split("__")[0]) == 36 for _, t in later), later
    # The datastore's tables and its list of them agree, and (one instant) every table's resource is in
    # the catalog.
    ds = "datastore" if own_datastore else "main"
    listed = {row[0] for row in restored_tables[(ds, "_govhub_tables")]}
    assert listed == {t for d, t in restored_tables if d == ds and len(t) == 36}
    if not (own_datastore and ENGINE == "postgres"):
        assert listed <= {row[0] for row in target.query("SELECT id FROM resources")}
    for key, rows in restored_tables.items():
        table = key[1]
        if table.startswith(DERIVED_PREFIX) or "__fts_" in table:
            continue
        if table in UPDATED_IN_PLACE:
            have = {row[0] for row in source_tables[key]}
            missing = [row for row in rows if row[0] not in have]
        else:
            have = set(source_tables[key])
            missing = [row for row in rows if row not in have]
        assert not missing, "%s: %d restored rows the source never had, e.g. %s" % (key, len(missing), missing[:2])
    # Some tables must have exactly the rows of the moment: the writer's datasets as counted above.
    assert len(restored_tables[("main", "datasets")]) >= 1 + len([e for e in events if e[0] == "dataset"])

    # Every file: the bytes of the source's file; every uploaded resource has its file with its hash.
    for rel, sha in restored_files.items():
        assert source_files.get(rel) == sha, rel
    uploads = target.query("SELECT id, url, hash FROM resources WHERE url_type = 'upload'")
    assert len(uploads) >= 1 + len([e for e in events if e[0] == "file"])
    for rid, url, h in uploads:
        rel = os.path.join("resources", rid, url)
        assert rel in restored_files, "the file of resource %s is missing" % rid
        assert "sha256:" + restored_files[rel] == h
    # A file without its row can only be the upload that was on its way at the snapshot.
    referenced = {os.path.join("resources", rid, url) for rid, url, _ in uploads}
    orphans = [f for f in restored_files if f.startswith("resources/") and f not in referenced]
    assert len(orphans) <= 1, orphans

    # The restored site serves: the datasets, the files and the datastore rows are there.
    new = Server(*(["--datastore-url", target.datastore_url] if target.datastore_url else []),
                 data_dir=target_dir, database_url=target.database_url)
    try:
        api = Browser(new)
        assert ok(call(api, "package_show", {"id": "before"}, method="GET"))["name"] == "before"
        rid, url, h = uploads[0]
        d = ok(call(api, "resource_show", {"id": rid}, method="GET"))
        got = api.get(d["url"][len(new.url):])
        assert got.status == 200 and "sha256:" + hashlib.sha256(got.body).hexdigest() == h
        found = ok(call(api, "datastore_search", {"resource_id": WRITER_TABLE[0], "limit": 1000}, method="GET"))
        assert found["total"] == len([e for e in events if e[0] == "row"])
        # The search index came along: every restored dataset is found.
        hits = ok(call(api, "package_search", {"q": "ประชากร", "rows": 1000}, method="GET"))
        assert hits["count"] == len(restored_tables[("main", "datasets")]), hits["count"]
    finally:
        assert new.stop() == 0


def test_restore_refuses_a_non_empty_target_and_a_damaged_backup(smtp, tmp_path):
    database_url = new_database_url()
    src = Server(smtp_url=smtp.url, database_url=database_url)
    try:
        token = src.create_sysadmin("backup-admin2")
        api = Browser(src)
        org = ok(call(api, "organization_create", {"name": "backup-org2", "title": "หน่วยงาน"}, token))["name"]
        ok(call(api, "package_create", record_dataset(org, "kept"), token))
        body = CSV.encode()
        status, raw = upload(src, token, {"package_id": "kept"}, "ไฟล์.csv", [body], len(body))
        assert status == 200
        backup = cli("admin", "backup", str(tmp_path / "b"), *site_args(src.data_dir, src.database_url)
                     ).stdout.strip().splitlines()[-1].split("backup: ", 1)[1]
    finally:
        assert src.stop() == 0

    # A data directory with something in it.
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("ของเดิม")
    r = cli("admin", "restore", backup, *site_args(str(busy), new_database_url()), check=False)
    assert r.returncode == 1 and "not empty" in r.stderr and "notes.txt" in r.stderr, r.stderr
    assert sorted(os.listdir(busy)) == ["notes.txt"]
    # A database with tables in it (the source's own).
    if ENGINE == "postgres":
        r = cli("admin", "restore", backup, *site_args(str(tmp_path / "new1"), database_url), check=False)
        assert r.returncode == 1 and "not empty" in r.stderr and "table " in r.stderr, r.stderr
        assert not os.path.exists(tmp_path / "new1")
    # Another engine.
    other = ["--database-url", "sqlite:%s/x.db" % tmp_path] if ENGINE == "postgres" else \
        ["--database-url", os.environ.get("GOVHUB_TEST_PG_URL", "postgresql://nobody@127.0.0.1:1/none")]
    r = cli("admin", "restore", backup, "--data-dir", str(tmp_path / "new2"), *other, check=False)
    assert r.returncode == 1 and "copy-db" in r.stderr, r.stderr

    # One flipped byte, in a database or a file: refused before anything is written.
    for victim in [m["path"] for m in json.load(open(os.path.join(backup, "manifest.json")))["databases"]][:1] + \
            [m["path"] for m in json.load(open(os.path.join(backup, "manifest.json")))["files"]][:1]:
        broken = str(tmp_path / ("broken-" + victim.replace("/", "_")))
        shutil.copytree(backup, broken)
        path = os.path.join(broken, victim)
        data = bytearray(open(path, "rb").read())
        data[len(data) // 2] ^= 0x01
        open(path, "wb").write(bytes(data))
        target_dir = str(tmp_path / ("from-" + os.path.basename(broken)))
        target_url = new_database_url()
        r = cli("admin", "restore", broken, *site_args(target_dir, target_url), check=False)
        assert r.returncode == 1, r.stdout
        assert "damaged" in r.stderr and victim in r.stderr and "SHA-256" in r.stderr, r.stderr
        assert not os.path.exists(target_dir)
        if target_url:
            assert Site(target_dir, target_url).query("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'") \
                == [("0",)]
        r = cli("admin", "verify-backup", broken, check=False)
        assert r.returncode == 1 and "damaged" in r.stderr
    # A file added to the backup, or the manifest edited, is refused too.
    extra = str(tmp_path / "extra")
    shutil.copytree(backup, extra)
    open(os.path.join(extra, "files", "stray.txt"), "w").write("x")
    r = cli("admin", "verify-backup", extra, check=False)
    assert r.returncode == 1 and "files/stray.txt is not in SHA256SUMS" in r.stderr, r.stderr
    edited = str(tmp_path / "edited")
    shutil.copytree(backup, edited)
    m = open(os.path.join(edited, "manifest.json")).read().replace('"snapshot": "2', '"snapshot": "1')
    open(os.path.join(edited, "manifest.json"), "w").write(m)
    r = cli("admin", "verify-backup", edited, check=False)
    assert r.returncode == 1 and "manifest.json does not match" in r.stderr, r.stderr
    # The untouched backup still restores.
    r = cli("admin", "restore", backup, *site_args(str(tmp_path / "good"), new_database_url()))
    assert "restored" in r.stdout
