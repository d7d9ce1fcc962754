"""`govhub admin copy-db`: a site moves to a new database and keeps working."""
import subprocess
import tempfile

from accounts_helpers import PASSWORD, create_token_via_page, login, registered_user
from govhub_harness import BIN, ENGINE, Browser, Server, new_database_url


def test_copy_a_site_into_a_new_database(smtp):
    old = Server(smtp_url=smtp.url)
    b = Browser(old)
    name = registered_user(b, smtp, "mover")
    token = create_token_via_page(b, name)
    # Some catalog content too: it must stay searchable on the copy.
    old.cli("admin", "create-user", "--name", "mover-admin", "--email", "ma@example.go.th", "--password",
            "ย้ายระบบ-2569", "--sysadmin")
    admin_token = old.cli("admin", "create-token", "mover-admin").stdout.strip()
    from test_catalog_api import record_dataset
    api = Browser(old)
    assert api.post_json("/api/3/action/organization_create", {"name": "moving-org", "title": "หน่วยงานย้าย"},
                         headers={"Authorization": admin_token}).status == 200
    assert api.post_json("/api/3/action/package_create", record_dataset("moving-org", "moved-dataset"),
                         headers={"Authorization": admin_token}).status == 200
    source_url = old.database_url or "sqlite:%s/govhub.db" % old.data_dir
    counts = {t: int(old.query("SELECT COUNT(*) FROM %s" % t)[0][0])
              for t in ("users", "audit_log", "jobs", "job_log", "api_tokens", "sessions", "datasets", "holidays")}
    assert all(counts.values()), counts
    assert old.stop() == 0

    # SQLite -> PostgreSQL is the usual move; in the SQLite run the target is a new SQLite file.
    target_dir = tempfile.mkdtemp()
    target_url = new_database_url() if ENGINE == "postgres" else "sqlite:%s/govhub.db" % target_dir
    if ENGINE == "postgres":
        # Move from SQLite as a real site would: first copy the PostgreSQL source into SQLite.
        sqlite_url = "sqlite:%s/from-pg.db" % tempfile.mkdtemp()
        r = subprocess.run([BIN, "admin", "copy-db", "--from", source_url, "--to", sqlite_url],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        source_url = sqlite_url
    r = subprocess.run([BIN, "admin", "copy-db", "--from", source_url, "--to", target_url],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "users: " in r.stdout and "audit_log: " in r.stdout and "done:" in r.stdout
    assert "search index rebuilt" in r.stdout
    # A second copy into the now-filled target is refused and changes nothing.
    r = subprocess.run([BIN, "admin", "copy-db", "--from", source_url, "--to", target_url],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "not empty" in r.stderr

    # The new site runs on the target (a SQLite target is the data dir's govhub.db).
    if ENGINE == "postgres":
        new = Server(smtp_url=smtp.url, database_url=target_url)
    else:
        new = Server(smtp_url=smtp.url, data_dir=target_dir)
    try:
        for t, n in counts.items():
            assert int(new.query("SELECT COUNT(*) FROM %s" % t)[0][0]) == n, t
        assert login(Browser(new), name, PASSWORD).status == 303
        r = Browser(new).get("/api/3/action/user_show", headers={"Authorization": token})
        assert r.status == 200 and r.json()["result"]["name"] == name
        found = Browser(new).get("/api/3/action/package_search?q=%E0%B8%9B%E0%B8%A3%E0%B8%B0%E0%B8%8A%E0%B8%B2%E0%B8%81%E0%B8%A3")
        assert [d["name"] for d in found.json()["result"]["results"]] == ["moved-dataset"]
        # New audit rows continue after the copied ids.
        before = int(new.query("SELECT MAX(id) FROM audit_log")[0][0])
        assert login(Browser(new), name, PASSWORD).status == 303
        assert int(new.query("SELECT MAX(id) FROM audit_log")[0][0]) > before
    finally:
        assert new.stop() == 0
