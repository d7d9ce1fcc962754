"""Crash safety, on both engines: govhub is killed with SIGKILL in the middle of an upload, a data
load, a workflow transition and a form save, then started again on the same data dir and
databases. What a user would notice is checked: the previous table is still served until the
re-queued load finishes, the job ends succeeded instead of stuck running, no half-received file
is left or served, and each request is wholly before or wholly after its step.

The kill lands at an exact point: the server runs with the test-only `--test-stall-at=POINT`
(core/crash_point.hpp), whose thread writes "govhub: test stall at POINT" and blocks there until
the test kills the process. One site (data dir + database) is shared by the tests and restarted
for each crash."""
import hashlib
import http.client
import http.server
import json
import os
import socket
import sqlite3
import tempfile
import threading
import time
import urllib.parse
import uuid

import pytest

from accounts_helpers import login
from govhub_harness import ENGINE, Browser, Server, new_database_url
from test_catalog_api import call, ok, record_dataset
from test_officer_membership import GOOD, upload as upload_document

V1 = "จังหวัด,ประชากร\nเชียงใหม่,1800000\nลำปาง,740000\n".encode()
# Enough rows that the stall point is reached with rows written to the staging table.
V2 = ("จังหวัด,ประชากร\n" + "".join("อำเภอ-%d,%d\n" % (i, i) for i in range(500))).encode()
ARGS = ["--staff-second-factor", "optional", "--rate-limit-login", "10000", "--rate-limit-form", "10000",
        "--rate-limit-api", "100000", "--datastore-allow-private-urls", "--job-poll-ms", "100"]
PASSWORD = "รหัสผ่าน-ที่ดี-2569"


class _Files(http.server.BaseHTTPRequestHandler):
    files = {}

    def do_GET(self):  # noqa: N802
        body = self.files.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


class Site:
    """One govhub site (data dir + database) that outlives its processes."""

    def __init__(self):
        self.data_dir = tempfile.mkdtemp(prefix="govhub-crash-")
        self.database_url = new_database_url()
        self.server = None

    def start(self, *extra):
        log = os.path.join(self.data_dir, "server.log")
        self.log_offset = os.path.getsize(log) if os.path.exists(log) else 0
        self.server = Server(*ARGS, *extra, data_dir=self.data_dir, database_url=self.database_url)
        return self.server

    def stop(self):
        assert self.server.stop() == 0, self.server.output()[-3000:]

    def crash_at(self, point, action, while_stalled=lambda: None):
        """Restarts the server stalling at `point`, runs `action` in a thread, calls
        `while_stalled` once the point is reached, then kills the server with SIGKILL; returns
        while the site is down."""
        self.stop()
        server = self.start("--test-stall-at", point)
        worker = threading.Thread(target=self._quietly, args=(action,), daemon=True)
        worker.start()
        marker = "govhub: test stall at " + point
        deadline = time.time() + 60
        while marker not in server.output()[self.log_offset:]:
            assert server.alive(), server.output()[-3000:]
            assert time.time() < deadline, "never reached %s:\n%s" % (point, server.output()[-3000:])
            time.sleep(0.05)
        while_stalled()
        server.proc.kill()  # SIGKILL: nothing runs after this
        server.proc.wait()
        server.log.close()
        worker.join(timeout=30)

    @staticmethod
    def _quietly(action):
        try:
            action()
        except (OSError, http.client.HTTPException):
            pass  # the server died under the request, as intended

    def query(self, sql):
        return self.server.query(sql)


def sqlite_files(site):
    return [os.path.join(site.data_dir, f) for f in ("govhub.db", "datastore.db")]


def assert_consistent(site):
    """The databases as a restart leaves them: SQLite's own checks, and on both engines every
    workflow request stands where its recorded history says it does (no state changed
    without its history row, nor a history row without its state)."""
    if ENGINE == "sqlite":
        for path in sqlite_files(site):
            db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
            try:
                assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], path
                assert db.execute("PRAGMA foreign_key_check").fetchall() == [], path
            finally:
                db.close()
    else:
        # Nothing half-done is left open, and no foreign key is switched off.
        assert site.query("SELECT COUNT(*) FROM pg_prepared_xacts") == [("0",)]
        assert site.query("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
                          " AND connamespace = 'public'::regnamespace") == [("0",)]
    steps = {}
    for object_id, details in site.query("SELECT object_id, details FROM audit_log WHERE action ="
                                         " 'workflow.transition' ORDER BY id"):
        steps[object_id] = json.loads(details)["to"]
    for rid, state in site.query("SELECT id, state FROM workflow_requests"):
        assert state == steps.get(rid, "draft"), (rid, state, steps.get(rid))


def files_under(path):
    return sorted(os.path.relpath(os.path.join(d, f), path) for d, _, fs in os.walk(path) for f in fs)


def job_of(site, resource_id):
    rows = site.query("SELECT id, state, attempts FROM jobs WHERE subject = 'resource:%s'"
                      " ORDER BY created DESC LIMIT 1" % resource_id)
    return rows[0] if rows else None


def wait_for_job(site, resource_id, states=("succeeded", "failed"), timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = job_of(site, resource_id)
        if job and job[1] in states:
            return job
        time.sleep(0.1)
    raise AssertionError("load of %s never reached %s: %s" % (resource_id, states, job_of(site, resource_id)))


def rows_served(site, resource_id):
    r = ok(call(Browser(site.server), "datastore_search", {"resource_id": resource_id, "limit": 1000},
                method="GET"))
    return [(x["จังหวัด"], x["ประชากร"]) for x in r["records"]]


def new_applicant(site, prefix):
    name = "%s-%s" % (prefix, uuid.uuid4().hex[:6])
    site.server.cli("admin", "create-user", "--name", name, "--email", name + "@example.go.th",
                    "--password", PASSWORD)
    b = Browser(site.server)
    assert login(b, name, PASSWORD).status == 303
    return name, b


@pytest.fixture(scope="module")
def site():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    s = Site()
    s.start()
    token = s.server.create_sysadmin("root-crash")
    api = Browser(s.server)
    org = ok(call(api, "organization_create", {"name": "crash-" + uuid.uuid4().hex[:6], "title": "กรมทดสอบ"}, token))
    d = ok(call(api, "package_create", record_dataset(org["name"], "crash-" + uuid.uuid4().hex[:6]), token))
    # A linked CSV, loaded into a table: the table a later load must not lose.
    _Files.files["/population.csv"] = V1
    url = "http://127.0.0.1:%d/population.csv" % httpd.server_port
    linked = ok(call(api, "resource_create", {"package_id": d["id"], "name": "ประชากร", "url": url,
                                             "format": "CSV"}, token))
    assert wait_for_job(s, linked["id"])[1] == "succeeded"
    # An uploaded file that must stay whole.
    from test_resource_upload import upload
    notes = "บันทึกการประชุม ครั้งที่ 1\n".encode() * 2000
    status, raw = upload(s.server, token, {"package_id": d["id"]}, "notes.txt", [notes], len(notes))
    assert status == 200, raw[:300]
    # An officer's application, submitted and waiting for the reviewer.
    applicant, b = new_applicant(s, "officer")
    r = b.post_form("/opendata/officer", dict(GOOD, organization=org["id"]))
    assert r.status == 303, r.text
    ref = r.header("Location").rsplit("/", 1)[1]
    csrf = b.csrf_from("/requests/" + ref)
    r = upload_document(b, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
                        "ใบสมัคร.pdf", b"%PDF-1.7\n% signed scan\n", "application/pdf")
    assert r.status == 303, r.text
    assert b.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref).status == 303
    s.world = {"token": token, "org": org, "dataset": d, "linked": linked, "files": _Files, "notes": notes,
               "applicant": applicant, "reference": ref}
    yield s
    s.stop()
    httpd.shutdown()


def test_an_upload_killed_half_way_leaves_no_file_and_no_resource(site):
    w = site.world
    before = ok(call(Browser(site.server), "package_show", {"id": w["dataset"]["id"]}, method="GET"))["resources"]
    content = os.urandom(1 << 20)

    def half_an_upload():
        boundary = "gh" + uuid.uuid4().hex
        head = ("--%s\r\nContent-Disposition: form-data; name=\"package_id\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"big.bin\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n"
                % (boundary, w["dataset"]["id"], boundary)).encode()
        tail = ("\r\n--%s--\r\n" % boundary).encode()
        s = socket.create_connection(("127.0.0.1", site.server.port), timeout=60)
        s.sendall(("POST /api/3/action/resource_create HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"
                   "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
                   % (w["token"], boundary, len(head) + len(content) + len(tail))).encode())
        s.sendall(head + content[:len(content) // 2])  # the rest never comes
        s.recv(1)

    def a_part_file_is_half_written():
        parts = files_under(os.path.join(site.data_dir, "tmp"))
        assert len(parts) == 1, parts
        size = os.path.getsize(os.path.join(site.data_dir, "tmp", parts[0]))
        assert 0 < size < len(content), size

    site.crash_at("upload.part_written", half_an_upload, a_part_file_is_half_written)
    site.start()

    # The restart swept the dead process's temp files: nothing half-received is left.
    assert files_under(os.path.join(site.data_dir, "tmp")) == []
    assert len(os.listdir(os.path.join(site.data_dir, "run"))) == 1  # the live process's lease
    after = ok(call(Browser(site.server), "package_show", {"id": w["dataset"]["id"]}, method="GET"))["resources"]
    assert [r["id"] for r in after] == [r["id"] for r in before]
    # Every uploaded resource's file is there, whole, and served whole.
    for r in after:
        if r["url_type"] != "upload":
            continue
        stored = files_under(os.path.join(site.data_dir, "resources", r["id"]))
        assert len(stored) == 1, stored
        assert os.path.getsize(os.path.join(site.data_dir, "resources", r["id"], stored[0])) == r["size"]
        got = Browser(site.server).get(urllib.parse.urlsplit(r["url"]).path)
        assert got.status == 200 and got.body == w["notes"]
        assert "sha256:" + hashlib.sha256(got.body).hexdigest() == r["hash"]
    assert_consistent(site)


def test_a_load_killed_before_the_swap_keeps_the_old_table_and_finishes_on_restart(site):
    w = site.world
    rid = w["linked"]["id"]
    assert rows_served(site, rid) == [("เชียงใหม่", 1800000), ("ลำปาง", 740000)]
    w["files"].files["/population.csv"] = V2
    page = "/dataset/%s/resource/%s" % (w["dataset"]["name"], rid)
    admin = Browser(site.server)
    assert login(admin, "root-crash", "ผู้ดูแล-ทดสอบ-2569").status == 303

    def reload():
        admin.server = site.server  # the restarted one
        admin.post_form(page + "/datastore/reload", {}, csrf_page=page)

    def old_table_served_while_loading():
        assert rows_served(site, rid) == [("เชียงใหม่", 1800000), ("ลำปาง", 740000)]
        assert job_of(site, rid)[1] == "running"

    site.crash_at("datastore.load.rows_written", reload, old_table_served_while_loading)

    # Back without job workers: the dead process's job is queued again at once (not left
    # "running"), and the previous table is what readers get.
    site.start("--job-workers", "0")
    job_id, state, attempts = job_of(site, rid)
    assert (state, attempts) == ("queued", "1")
    assert rows_served(site, rid) == [("เชียงใหม่", 1800000), ("ลำปาง", 740000)]
    log = [m for (m,) in site.query("SELECT message FROM job_log WHERE job_id = '%s' ORDER BY id" % job_id)]
    assert log[-1] == "@jobs.run.stalled_requeued", log
    assert_consistent(site)
    site.stop()

    # With workers, the re-queued load runs again and its rows replace the old ones.
    site.start()
    assert wait_for_job(site, rid) == (job_id, "succeeded", "2")
    rows = rows_served(site, rid)
    assert len(rows) == 500 and rows[0] == ("อำเภอ-0", 0)
    # No staging table of the killed load is left behind.
    if ENGINE == "sqlite":
        db = sqlite3.connect("file:%s/datastore.db?mode=ro" % site.data_dir, uri=True)
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        db.close()
    else:
        names = [n for (n,) in site.query("SELECT table_name FROM information_schema.tables"
                                          " WHERE table_schema = 'datastore'")]
    assert [n for n in names if n.startswith(rid) and n != rid and not n.startswith(rid + "__fts")] == [], names
    assert_consistent(site)


def test_a_transition_killed_half_way_is_not_taken(site):
    w = site.world
    ref = w["reference"]
    staff_page = "/staff/requests/" + ref
    admin = Browser(site.server)
    assert login(admin, "root-crash", "ผู้ดูแล-ทดสอบ-2569").status == 303

    def approve():
        admin.server = site.server  # the restarted one
        admin.post_form(staff_page, {"transition": "approve"}, csrf_page=staff_page)

    site.crash_at("workflow.transition.state_written", approve)
    site.start()

    user_id = site.query("SELECT id FROM users WHERE name = '%s'" % w["applicant"])[0][0]
    role = "SELECT capacity FROM memberships WHERE user_id = '%s' AND object_id = '%s'" % (user_id, w["org"]["id"])
    # Wholly before the step: still waiting, no role granted, no "approved" in its history.
    assert site.query("SELECT state FROM workflow_requests WHERE reference = '%s'" % ref) == [("submitted",)]
    assert site.query(role) == []
    assert_consistent(site)
    # The reviewer simply approves again, once.
    admin = Browser(site.server)
    assert login(admin, "root-crash", "ผู้ดูแล-ทดสอบ-2569").status == 303
    r = admin.post_form(staff_page, {"transition": "approve"}, csrf_page=staff_page)
    assert r.status == 303, r.text
    assert site.query("SELECT state FROM workflow_requests WHERE reference = '%s'" % ref) == [("approved",)]
    assert site.query(role) == [("editor",)]
    approvals = [d for (d,) in site.query("SELECT details FROM audit_log WHERE action = 'workflow.transition'")
                 if json.loads(d)["reference"] == ref and json.loads(d)["transition"] == "approve"]
    assert len(approvals) == 1
    assert_consistent(site)


def test_a_form_save_killed_half_way_saves_nothing(site):
    w = site.world
    name, b = new_applicant(site, "officer2")
    user_id = site.query("SELECT id FROM users WHERE name = '%s'" % name)[0][0]

    def save():
        b.server = site.server  # the restarted one
        b.post_form("/opendata/officer", dict(GOOD, organization=w["org"]["id"]))

    site.crash_at("workflow.create.request_written", save)
    site.start()

    mine = "SELECT reference FROM workflow_requests WHERE applicant_id = '%s'" % user_id
    assert site.query(mine) == []
    assert site.query("SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.create' AND actor_id = '%s'"
                      % user_id) == [("0",)]
    b.server = site.server
    # The applicant finds the form again (not a request that half exists), and saving works.
    assert b.get("/opendata/officer").status == 200
    r = b.post_form("/opendata/officer", dict(GOOD, organization=w["org"]["id"]))
    assert r.status == 303
    assert site.query(mine) == [(r.header("Location").rsplit("/", 1)[1],)]
    assert_consistent(site)
