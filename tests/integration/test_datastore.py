"""The automatic API: a published file becomes a table behind CKAN's datastore actions, on both
engines. Loading through the job queue, every datastore_search parameter, writes, dumps,
permissions, and bad input that gets a clear error and changes nothing."""
import csv
import html
import http.server
import io
import json
import threading
import time
import zipfile

import pytest

from govhub_harness import Browser, Server
from test_catalog_api import call, ok, record_dataset, world  # noqa: F401  (fixture)
from test_resource_upload import upload

POPULATION = ("อำเภอ,ชาย,หญิง,วันที่สำรวจ,หมายเหตุ\r\n"
              "เมืองเชียงใหม่,\"112,201\",\"121,933\",31/12/2566,ศูนย์กลางจังหวัด\r\n"
              "สันทราย,\"64,010\",\"69,842\",31/12/2566,\r\n"
              "ฝาง,\"58,222\",\"59,307\",๓๑ ธ.ค. ๒๕๖๖,ชายแดนภาคเหนือ\r\n"
              "แม่ริม,\"46,980\",\"50,114\",2023-12-31,ท่องเที่ยว\r\n")


def wait_for_load(api, resource_id, token=None, timeout=30):
    """Polls datastore_info until the table exists; returns the table's info."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = call(api, "datastore_info", {"resource_id": resource_id}, token, method="GET")
        if r.status == 200:
            return r.json()["result"]
        time.sleep(0.1)
    raise AssertionError("the table of %s was not loaded" % resource_id)


def latest_job(server, resource_id):
    rows = server.query("SELECT id, state, error FROM jobs WHERE subject = 'resource:%s' ORDER BY created DESC LIMIT 1"
                        % resource_id)
    return rows[0] if rows else None


def job_as_read(server, job_id, token, lang):
    """The job as /api/jobs shows it, its messages in the reader's language."""
    r = Browser(server).get("/api/jobs/%s?lang=%s" % (job_id, lang), headers={"Authorization": token})
    assert r.status == 200, r.text
    return r.json()


def shown_on_resource_page(server, resource_id, lang="th"):
    """The text of the resource's page as a visitor reads it."""
    api = Browser(server)
    res = ok(call(api, "resource_show", {"id": resource_id}, method="GET"))
    page = api.get("/dataset/%s/resource/%s?lang=%s" % (res["package_id"], resource_id, lang))
    assert page.status == 200, page.status
    return html.unescape(page.text)


def wait_for_job(server, resource_id, states=("succeeded", "failed"), timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = latest_job(server, resource_id)
        if job and job[1] in states:
            return job
        time.sleep(0.1)
    raise AssertionError("no finished load job for %s" % resource_id)


@pytest.fixture(scope="module")
def table(server, world):
    """A public dataset with a cp874 CSV upload, loaded."""
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "ds-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    body = POPULATION.encode("cp874")
    status, raw = upload(server, editor, {"package_id": name}, "ประชากร.csv", [body], len(body))
    assert status == 200, raw[:300]
    res = json.loads(raw)["result"]
    info = wait_for_load(api, res["id"])
    return {"id": res["id"], "dataset": name, "info": info}


def search(server, table, token=None, **params):
    params.setdefault("resource_id", table["id"])
    return call(Browser(server), "datastore_search", params, token, method="GET")


def test_a_cp874_upload_becomes_a_typed_table(server, table, world):
    info = table["info"]
    assert info["meta"]["count"] == 4
    types = {f["id"]: f["type"] for f in info["fields"]}
    assert types == {"อำเภอ": "text", "ชาย": "int", "หญิง": "int", "วันที่สำรวจ": "date", "หมายเหตุ": "text"}
    r = ok(search(server, table))
    assert [f["id"] for f in r["fields"]] == ["_id", "อำเภอ", "ชาย", "หญิง", "วันที่สำรวจ", "หมายเหตุ"]
    first = r["records"][0]
    assert first == {"_id": 1, "อำเภอ": "เมืองเชียงใหม่", "ชาย": 112201, "หญิง": 121933,
                     "วันที่สำรวจ": "2023-12-31", "หมายเหตุ": "ศูนย์กลางจังหวัด"}
    assert {rec["วันที่สำรวจ"] for rec in r["records"]} == {"2023-12-31"}  # every Thai spelling
    assert r["records"][1]["หมายเหตุ"] is None and r["total"] == 4
    # The load job says how it read the file.
    job = latest_job(server, table["id"])
    english = job_as_read(server, job[0], world["sysadmin"], "en")
    log = " ".join(e["message"] for e in english["log"])
    assert "CP874" in log and "4 rows" in log and "comma-separated" in log, log
    # Thai is the default: the same log in Thai words.
    thai = job_as_read(server, job[0], world["sysadmin"], "th")
    log = " ".join(e["message"] for e in thai["log"])
    assert "ข้อความคั่นด้วยจุลภาค" in log and "4 แถว" in log and "นำเข้า 4 แถวแล้ว" in log, log


def test_search_parameters(server, table):
    rows = lambda **p: ok(search(server, table, **p))["records"]  # noqa: E731
    assert [r["อำเภอ"] for r in rows(q="ชายแดน")] == ["ฝาง"]  # Thai words, as prefixes
    assert [r["อำเภอ"] for r in rows(q=json.dumps({"หมายเหตุ": "ท่องเที่ยว"}))] == ["แม่ริม"]
    assert [r["อำเภอ"] for r in rows(filters=json.dumps({"อำเภอ": ["ฝาง", "สันทราย"]}))] == ["สันทราย", "ฝาง"]
    assert [r["อำเภอ"] for r in rows(filters=json.dumps({"ชาย": {"gte": 58222, "lt": 100000}}))] == ["สันทราย", "ฝาง"]
    assert [r["อำเภอ"] for r in rows(filters=json.dumps({"หมายเหตุ": None}))] == ["สันทราย"]
    assert [r["อำเภอ"] for r in rows(sort="ชาย desc", limit=2)] == ["เมืองเชียงใหม่", "สันทราย"]
    assert [r["อำเภอ"] for r in rows(sort="หญิง", offset=1, limit=2)] == ["ฝาง", "สันทราย"]
    assert rows(fields="อำเภอ,ชาย", limit=1) == [{"อำเภอ": "เมืองเชียงใหม่", "ชาย": 112201}]
    assert rows(fields="วันที่สำรวจ", distinct="true") == [{"วันที่สำรวจ": "2023-12-31"}]
    r = ok(search(server, table, records_format="lists", fields="_id,ชาย", limit=2, include_total="false"))
    assert r["records"] == [[1, 112201], [2, 64010]] and "total" not in r
    r = ok(search(server, table, records_format="csv", fields="อำเภอ,หมายเหตุ", limit=2))
    assert r["records"] == "เมืองเชียงใหม่,ศูนย์กลางจังหวัด\nสันทราย,\n"
    r = ok(search(server, table, records_format="tsv", fields="อำเภอ,ชาย", limit=1))
    assert r["records"] == "เมืองเชียงใหม่\t112201\n"
    # Keyset paging: next_page.after continues exactly where the page ended.
    page = ok(search(server, table, limit=2))
    assert page["next_page"]["after"] == 2
    rest = ok(search(server, table, limit=2, after=page["next_page"]["after"]))
    assert [r["_id"] for r in rest["records"]] == [3, 4]
    assert ok(search(server, table, limit=5000000))["limit"] == 32000  # CKAN's ceiling
    # _table_metadata lists the tables the caller may read.
    names = [r["name"] for r in ok(search(server, table, resource_id="_table_metadata", limit=1000))["records"]]
    assert table["id"] in names


@pytest.mark.parametrize("params,field", [
    ({"filters": json.dumps({"ไม่มี": 1})}, "filters"),
    ({"filters": json.dumps({"ชาย": "มาก"})}, "filters"),
    ({"filters": json.dumps({"ชาย": {"around": 5}})}, "filters"),
    ({"filters": json.dumps({"$or": []})}, "filters"),
    ({"filters": "{broken"}, "filters"),
    ({"filters": "[1, 2]"}, "filters"),
    ({"q": json.dumps({"ไม่มี": "x"})}, "q"),
    ({"sort": "ไม่มี desc"}, "sort"),
    ({"sort": "อำเภอ; DROP TABLE x"}, "sort"),
    ({"fields": "อำเภอ,\"_full_text\""}, "fields"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": "-5"}, "offset"),
    ({"records_format": "xml"}, "records_format"),
    ({"distinct": "maybe"}, "distinct"),
    ({"after": "x"}, "after"),
    ({"after": "2", "sort": "ชาย desc"}, "after"),
])
def test_bad_search_parameters_are_named(server, table, params, field):
    r = search(server, table, **params)
    assert r.status == 409, (params, r.text[:300])
    body = r.json()
    assert body["success"] is False and field in body["error"], body


def test_unknown_and_hidden_tables(server, table, world):
    assert search(server, table, resource_id="00000000-0000-4000-8000-000000000000").status == 404
    assert search(server, table, resource_id="' OR 1=1 --").status == 404
    assert call(Browser(server), "datastore_search", {}, method="GET").status == 409
    # A private dataset's table is invisible to visitors, listed for its organization.
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "ds-private-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, private=True), editor))
    body = "ก,ข\n1,2\n".encode()
    status, raw = upload(server, editor, {"package_id": name}, "secret.csv", [body], len(body))
    rid = json.loads(raw)["result"]["id"]
    wait_for_load(api, rid, editor)
    assert call(api, "datastore_search", {"resource_id": rid}, method="GET").status == 404
    assert call(api, "datastore_search", {"resource_id": rid}, world["people"]["other"], method="GET").status == 404
    assert ok(call(api, "datastore_search", {"resource_id": rid}, world["people"]["member"], method="GET"))["total"] == 1
    listed = lambda token: [r["name"] for r in ok(call(api, "datastore_search", {"resource_id": "_table_metadata", "limit": 1000}, token, method="GET"))["records"]]  # noqa: E731
    assert rid not in listed(None) and rid in listed(editor)
    assert Browser(server).get("/datastore/dump/" + rid).status == 404


def test_dumps(server, table):
    b = Browser(server)
    r = b.get("/datastore/dump/%s" % table["id"])
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["_id", "อำเภอ", "ชาย", "หญิง", "วันที่สำรวจ", "หมายเหตุ"] and len(rows) == 5
    assert rows[1][1] == "เมืองเชียงใหม่" and rows[2][5] == ""
    from urllib.parse import quote
    r = b.get("/datastore/dump/%s?bom=true&format=tsv&fields=%s" % (table["id"], quote("อำเภอ")))
    assert r.body.startswith(b"\xef\xbb\xbf") and r.text.lstrip("\ufeff").split("\r\n")[:2] == ["อำเภอ", "เมืองเชียงใหม่"]
    r = b.get("/datastore/dump/%s?format=json&filters=%s" % (table["id"], quote(json.dumps({"อำเภอ": "ฝาง"}))))
    body = r.json()
    assert [f["id"] for f in body["fields"]][:2] == ["_id", "อำเภอ"] and body["records"] == [
        [3, "ฝาง", 58222, 59307, "2023-12-31", "ชายแดนภาคเหนือ"]]
    r = b.get("/datastore/dump/%s?format=xlsx" % table["id"])
    assert r.status == 200
    with zipfile.ZipFile(io.BytesIO(r.body)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else sheet
    assert "เมืองเชียงใหม่" in strings and "112201" in sheet
    assert b.get("/datastore/dump/%s?format=pdf" % table["id"]).status == 400
    assert b.get("/datastore/dump/%s?sort=nope" % table["id"]).status == 409


def test_create_upsert_and_delete_through_the_api(server, world):
    api = Browser(server)
    editor, other = world["people"]["editor"], world["people"]["other"]
    name = "ds-api-" + world["suffix"]
    d = ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    res = ok(call(api, "resource_create", {"package_id": d["id"], "name": "สถานีตรวจวัด",
                                           "url": "https://example.go.th/stations"}, editor))
    fields = [{"id": "รหัส", "type": "text"}, {"id": "ชื่อสถานี", "type": "text",
                                                 "info": {"label": "Station", "notes": "ชื่อทางการ"}},
              {"id": "pm25", "type": "numeric"}, {"id": "เปิด", "type": "bool"}]
    create = {"resource_id": res["id"], "fields": fields, "primary_key": "รหัส",
              "records": [{"รหัส": "01t", "ชื่อสถานี": "เชียงใหม่", "pm25": 41.5, "เปิด": True}]}
    assert call(api, "datastore_create", create, other).status == 403
    assert call(api, "datastore_create", create).status == 403
    ok(call(api, "datastore_create", create, editor))
    info = ok(call(api, "datastore_info", {"resource_id": res["id"]}, method="GET"))
    assert info["meta"]["primary_key"] == ["รหัส"] and info["fields"][1]["info"]["label"] == "Station"
    up = lambda method, records, **extra: call(api, "datastore_upsert", dict(  # noqa: E731
        {"resource_id": res["id"], "method": method, "records": records}, **extra), editor)
    ok(up("insert", [{"รหัส": "02t", "ชื่อสถานี": "ลำปาง", "pm25": "๓๒.๕", "เปิด": "ใช่"}]))
    ok(up("upsert", [{"รหัส": "01t", "pm25": 55}, {"รหัส": "03t", "ชื่อสถานี": "น่าน", "pm25": None}]))
    ok(up("update", [{"รหัส": "02t", "เปิด": False}]))
    rows = ok(call(api, "datastore_search", {"resource_id": res["id"], "sort": "รหัส"}, method="GET"))["records"]
    assert [(r["รหัส"], r["ชื่อสถานี"], r["pm25"], r["เปิด"]) for r in rows] == [
        ("01t", "เชียงใหม่", 55, True), ("02t", "ลำปาง", 32.5, False), ("03t", "น่าน", None, None)]
    # Full text sees written rows too.
    assert [r["รหัส"] for r in ok(call(api, "datastore_search", {"resource_id": res["id"], "q": "ลำปาง"}, method="GET"))["records"]] == ["02t"]
    # Bad writes: named, and nothing changes.
    for method, records in (("update", [{"รหัส": "99t", "pm25": 1}]), ("upsert", [{"pm25": 1}]),
                            ("insert", [{"pm25": "สูง"}]), ("insert", [{"ไม่มี": 1}]), ("merge", [{}]),
                            ("insert", "not a list"), ("insert", [["a"]])):
        r = up(method, records)
        assert r.status == 409, (method, records, r.text[:300])
    assert call(api, "datastore_upsert", {"resource_id": res["id"], "records": [{"รหัส": "04t"}]}, other).status == 403
    r = ok(up("insert", [{"รหัส": "05t", "ชื่อสถานี": "ลองดู"}], dry_run=True))
    assert r["dry_run"] is True
    assert ok(call(api, "datastore_info", {"resource_id": res["id"]}, method="GET"))["meta"]["count"] == 3
    # records_delete with filters, then datastore_delete drops the table.
    assert ok(call(api, "datastore_records_delete", {"resource_id": res["id"], "filters": {"รหัส": "03t"}}, editor))["deleted"] == 1
    assert call(api, "datastore_records_delete", {"resource_id": res["id"]}, editor).status == 409
    assert ok(call(api, "datastore_info", {"resource_id": res["id"]}, method="GET"))["meta"]["count"] == 2
    assert call(api, "datastore_delete", {"resource_id": res["id"]}, other).status == 403
    ok(call(api, "datastore_delete", {"resource_id": res["id"]}, editor))
    assert call(api, "datastore_info", {"resource_id": res["id"]}, method="GET").status == 404
    # Bad table definitions.
    for bad in ({"fields": [{"id": "_id"}]}, {"fields": [{"id": "a"}, {"id": "a"}]},
                {"fields": [{"id": "a", "type": "geometry"}]}, {"fields": "a,b"}, {},
                {"fields": [{"id": "a"}], "primary_key": "b"}):
        r = call(api, "datastore_create", dict(bad, resource_id=res["id"]), editor)
        assert r.status == 409, (bad, r.text[:200])


def test_a_fixed_type_reloads_and_a_bad_file_keeps_the_table(server, table, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    # The data dictionary: "หมายเหตุ" becomes a date, which its values are not: the reload
    # fails with a clear message and the previous table stays, as does its dictionary.
    before = ok(call(api, "datastore_search", {"resource_id": table["id"]}, method="GET"))
    job_before = latest_job(server, table["id"])
    ok(call(api, "datastore_create", {"resource_id": table["id"], "fields": [
        {"id": "หมายเหตุ", "info": {"type_override": "date", "label": "Note"}}]}, editor))
    deadline = time.time() + 30
    while latest_job(server, table["id"])[0] == job_before[0] and time.time() < deadline:
        time.sleep(0.1)
    job = wait_for_job(server, table["id"])
    assert job[1] == "failed", job
    # The resource page says why, in the reader's language.
    assert '"ศูนย์กลางจังหวัด" is not date' in shown_on_resource_page(server, table["id"], "en")
    assert '"ศูนย์กลางจังหวัด" ไม่ใช่ date' in shown_on_resource_page(server, table["id"], "th")
    after = ok(call(api, "datastore_search", {"resource_id": table["id"]}, method="GET"))
    assert after["records"] == before["records"]
    # Back to text: the reload succeeds and the label stays.
    ok(call(api, "datastore_create", {"resource_id": table["id"], "fields": [
        {"id": "หมายเหตุ", "info": {"type_override": "text", "label": "Note"}}]}, editor))
    time.sleep(0.2)
    job = wait_for_job(server, table["id"])
    assert job[1] == "succeeded", job
    info = ok(call(api, "datastore_info", {"resource_id": table["id"]}, method="GET"))
    note = [f for f in info["fields"] if f["id"] == "หมายเหตุ"][0]
    assert note["info"]["label"] == "Note" and note["type"] == "text"


class _Files(http.server.BaseHTTPRequestHandler):
    files = {}

    def do_GET(self):  # noqa: N802
        body = self.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def file_server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()


def test_linked_files_are_fetched_and_private_addresses_refused(server, world, file_server):
    _Files.files["/rain.tsv"] = "สถานี\tปริมาณฝน\nดอยสุเทพ\t120.5\nแม่ฮ่องสอน\t98\n".encode()
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "ds-link-" + world["suffix"]
    d = ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    url = "http://127.0.0.1:%d/rain.tsv" % file_server.server_port
    res = ok(call(api, "resource_create", {"package_id": d["id"], "name": "ฝน", "url": url, "format": "TSV"}, editor))
    wait_for_load(api, res["id"])
    r = ok(call(api, "datastore_search", {"resource_id": res["id"]}, method="GET"))
    assert [(x["สถานี"], x["ปริมาณฝน"]) for x in r["records"]] == [("ดอยสุเทพ", 120.5), ("แม่ฮ่องสอน", 98)]
    # A link that answers 404 fails the job with that reason.
    bad = ok(call(api, "resource_create", {"package_id": d["id"], "name": "หาย",
                                           "url": "http://127.0.0.1:%d/missing.csv" % file_server.server_port}, editor))
    job = wait_for_job(server, bad["id"])
    assert job[1] == "failed", job
    assert "the link answered HTTP 404" in shown_on_resource_page(server, bad["id"], "en")
    assert "ลิงก์ตอบกลับ HTTP 404" in shown_on_resource_page(server, bad["id"])


def test_private_addresses_are_not_fetched_by_default(smtp, file_server):
    s = Server("--enable-test-jobs", "--job-poll-ms", "100", smtp_url=smtp.url)
    try:
        token = s.create_sysadmin("dsroot")
        api = Browser(s)
        ok(call(api, "organization_create", {"name": "ds-guard", "title": "กรมทดสอบ"}, token))
        d = ok(call(api, "package_create", record_dataset("ds-guard", "ds-guard-set"), token))
        _Files.files["/x.csv"] = b"a,b\n1,2\n"
        res = ok(call(api, "resource_create", {"package_id": d["id"], "name": "x",
                                               "url": "http://127.0.0.1:%d/x.csv" % file_server.server_port}, token))
        job = wait_for_job(s, res["id"])
        assert job[1] == "failed", job
        assert "private or local address" in shown_on_resource_page(s, res["id"], "en")
    finally:
        assert s.stop() == 0


def sql(server, statement, token=None):
    return call(Browser(server), "datastore_search_sql", {"sql": statement}, token, method="GET")


def test_search_sql_reads_tables_and_joins(server, table, world):
    t = table["id"]
    r = ok(sql(server, 'SELECT "อำเภอ", "ชาย" + "หญิง" AS "รวม" FROM "%s" WHERE "ชาย" > 50000 ORDER BY "ชาย" DESC' % t))
    assert r["records"] == [{"อำเภอ": "เมืองเชียงใหม่", "รวม": 234134}, {"อำเภอ": "สันทราย", "รวม": 133852},
                            {"อำเภอ": "ฝาง", "รวม": 117529}]
    assert {f["id"]: f["type"] for f in r["fields"]}["รวม"] == "int"
    r = ok(sql(server, 'SELECT "วันที่สำรวจ", COUNT(*) AS n, SUM("ชาย") AS s FROM "%s" GROUP BY "วันที่สำรวจ";' % t))
    assert r["records"] == [{"วันที่สำรวจ": "2023-12-31", "n": 4, "s": 281413}]
    r = ok(sql(server, 'SELECT a."อำเภอ" FROM "%s" a JOIN "%s" b ON a."_id" = b."_id" + 1 ORDER BY a."_id"' % (t, t)))
    assert [x["อำเภอ"] for x in r["records"]] == ["สันทราย", "ฝาง", "แม่ริม"]


@pytest.mark.parametrize("statement", [
    'DELETE FROM "{t}"',
    'UPDATE "{t}" SET "ชาย" = 0',
    'INSERT INTO "{t}" ("อำเภอ") VALUES (\'x\')',
    'DROP TABLE "{t}"',
    'CREATE TABLE x (a int)',
    'SELECT 1; DELETE FROM "{t}"',
    'PRAGMA table_info("{t}")',
    "ATTACH DATABASE '/tmp/x.db' AS x",
    'SELECT * FROM sqlite_master',
    'SELECT * FROM pg_catalog.pg_user',
    'SELECT * FROM information_schema.tables',
    'SELECT * FROM _govhub_tables',
    'SELECT * FROM "{t}__fts"',
    'SELECT * FROM accounts_users',
    'SELECT * FROM "{private}"',
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT * FROM pg_ls_dir('.')",
    "SELECT load_extension('/tmp/x.so')",
    "SELECT readfile('/etc/passwd')",
    'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c',
    'SELEKT nonsense',
    '',
])
def test_search_sql_refuses(server, table, world, statement):
    api = Browser(server)
    editor = world["people"]["editor"]
    # A private resource's table, readable by its organization only.
    private = getattr(test_search_sql_refuses, "private", None)
    if private is None:
        # (A name of its own per attempt: a failed first attempt must not fail every later one.)
        name = "ds-sqlpriv-%s-%d" % (world["suffix"], int(time.time() * 1000) % 100000)
        ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, private=True), editor))
        body = "ลับ\n1\n".encode()
        status, raw = upload(server, editor, {"package_id": name}, "s.csv", [body], len(body))
        private = json.loads(raw)["result"]["id"]
        wait_for_load(api, private, editor)
        assert ok(sql(server, 'SELECT * FROM "%s"' % private, editor))["records"] == [{"_id": 1, "ลับ": 1}]
        test_search_sql_refuses.private = private
    r = sql(server, statement.format(t=table["id"], private=private), world["people"]["other"])
    assert r.status == 409, (statement, r.text[:300])
    assert r.json()["success"] is False
    why = " ".join(r.json()["error"].get("query", r.json()["error"].get("sql", [])))
    if "RECURSIVE" in statement:
        assert "longer than" in why, why  # stopped by the time limit, on both engines
    if "private" in statement or "accounts_users" in statement or "_govhub_tables" in statement:
        assert any(w in why for w in ("not readable", "does not exist", "no such table", "permission denied")), why
    if "read_file" in statement or "readfile" in statement or "load_extension" in statement:
        assert any(w in why for w in ("not allowed", "does not exist", "no such function", "permission")), why
    assert ok(call(api, "datastore_info", {"resource_id": table["id"]}, method="GET"))["meta"]["count"] == 4


def test_the_resource_page_shows_the_table_and_its_tools(server, table, world, browser):
    page = "/dataset/%s/resource/%s" % (table["dataset"], table["id"])
    r = Browser(server).get(page)
    assert r.status == 200
    html = r.text
    assert "เมืองเชียงใหม่" in html and "112,201" in html  # thousands separators
    assert "31 ธ.ค. 2566" in html  # dates in the Buddhist era
    assert "นำเข้าเรียบร้อย" in html  # the load's state
    assert "/openapi.json" in html and "datastore_search" in html
    assert "ลองดู" not in html and "/datastore/dictionary" not in html  # no editor tools for visitors
    # Sorting, a per-column filter and paging are plain links and query parameters.
    r = Browser(server).get(page + "?sort=1&dir=desc")
    assert r.text.index("เมืองเชียงใหม่") < r.text.index("สันทราย") < r.text.index("ฝาง")
    from urllib.parse import quote
    r = Browser(server).get(page + "?f4=" + quote("ท่องเที่ยว"))
    assert "แม่ริม" in r.text and "เมืองเชียงใหม่" not in r.text.split("<tbody>")[1].split("</tbody>")[0]
    r = Browser(server).get(page + "?cols=0&cols=1")
    head = r.text.split("<thead>")[1].split("</thead>")[0]
    assert "อำเภอ" in head and "ชาย" in head and "หมายเหตุ" not in head
    assert "fields=" in r.text  # "download what I see" keeps the columns
    assert Browser(server).get(page + "?page=999&sort=99&cols=-4&f0=%00").status in (200, 400)
    # A mistyped sort or page in a link is the default (unsorted, page 1), never a refusal.
    plain = Browser(server).get(page).text.split("<tbody>")[1].split("</tbody>")[0]
    for query in ("?sort=abc&page=abc", "?sort=99&page=-2", "?sort=-1&page=99999999999999999999",
                  "?sort=1&sort=2&page=1.5"):
        r = Browser(server).get(page + query)
        assert r.status == 200, (query, r.status)
        assert r.text.split("<tbody>")[1].split("</tbody>")[0] == plain, query
    # The API refuses the same sort, naming the parameter.
    r = Browser(server).get("/api/3/action/datastore_search?resource_id=%s&sort=nope" % table["id"])
    assert r.status == 409 and "sort" in r.json()["error"], r.text
    r = Browser(server).get("/api/3/action/datastore_search?resource_id=%s&limit=abc" % table["id"])
    assert r.status == 409 and "limit" in r.json()["error"], r.text
    # The OpenAPI document describes this table's fields.
    doc = Browser(server).get(page + "/openapi.json").json()
    assert doc["openapi"].startswith("3.") and "อำเภอ" in doc["components"]["schemas"]["Record"]["properties"]
    assert doc["components"]["schemas"]["Record"]["properties"]["ชาย"]["type"] == "integer"


def test_every_api_example_on_the_resource_page_returns_rows(server, table):
    """The examples use the table's own columns and a value of its first row, so copying one
    returns records (#15: the filter example used "..." and found nothing)."""
    import re
    import shlex
    from urllib.parse import urlencode, urlsplit
    page = Browser(server).get("/dataset/%s/resource/%s" % (table["dataset"], table["id"]))
    assert page.status == 200
    api = page.text.split('id="api"')[1].split('id="dictionary"')[0]
    links = [html.unescape(u) for u in re.findall(r'href="([^"]*/api/3/action/datastore_search[^"]*)"', api)]
    kinds = re.findall(r'data-example="([a-z_]+)"', api)
    assert kinds == ["filters", "q", "fields_sort"], kinds
    # The code blocks: curl's --data-urlencode pairs and Python's params.
    code = [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", api, re.S)]
    curl = next(c for c in code if c.startswith("curl"))
    pairs = [tuple(a.split("=", 1)) for a in shlex.split(curl.replace("\\\n", " "))[4::2]]
    links.append("/api/3/action/datastore_search?" + urlencode(pairs))
    python = next(c for c in code if c.startswith("import requests"))
    filters = re.search(r"\"filters\": '(.*)',", python).group(1).replace("\\'", "'")
    assert json.loads(filters) == {"อำเภอ": "เมืองเชียงใหม่"}  # a real value, not "..."
    links.append("/api/3/action/datastore_search?" + urlencode(
        {"resource_id": table["id"], "filters": filters, "limit": 5}))
    assert len(links) >= 6, links
    for url in links:
        parts = urlsplit(url)
        r = Browser(server).get(parts.path + "?" + parts.query)
        assert r.status == 200, (url, r.text[:300])
        result = r.json()["result"]
        assert len(result["records"]) >= 1, url
    sql = re.search(r'href="([^"]*datastore_search_sql[^"]*)"', api).group(1)
    parts = urlsplit(html.unescape(sql))
    assert len(Browser(server).get(parts.path + "?" + parts.query).json()["result"]["records"]) >= 1
    # English page: the same examples, labelled in English.
    en = html.unescape(Browser(server).get("/dataset/%s/resource/%s?lang=en" % (table["dataset"], table["id"])).text)
    assert "Filter on a column's value" in en and "Choose columns and sort" in en


def test_decimal_columns_are_grouped_and_right_aligned_like_integers(server, world):
    """#15: a numeric column was shown raw ("20107.057") while integers were grouped."""
    import re
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "ds-dec-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    body = ("จังหวัด,พื้นที่,ดุล,ประชากร\r\n"
            "เชียงใหม่,\"20,107.057\",-1234567.125,1779254\r\n"
            "ลำพูน,4505.882,0.5,405075\r\n").encode("utf-8")
    status, raw = upload(server, editor, {"package_id": name}, "พื้นที่.csv", [body], len(body))
    assert status == 200, raw[:300]
    rid = json.loads(raw)["result"]["id"]
    info = wait_for_load(api, rid)
    assert {f["id"]: f["type"] for f in info["fields"]}["พื้นที่"] == "numeric"
    for lang in ("th", "en"):
        page = api.get("/dataset/%s/resource/%s?lang=%s" % (name, rid, lang)).text
        body_rows = page.split('class="data"')[1].split("<tbody>")[1].split("</tbody>")[0]
        cells = re.findall(r'<td class="([^"]*)">([^<]*)</td>', body_rows)
        assert ("num", "20,107.057") in cells, cells       # every stored decimal kept
        assert ("num", "-1,234,567.125") in cells, cells
        assert ("num", "4,505.882") in cells and ("num", "0.5") in cells, cells
        assert ("num", "1,779,254") in cells, cells         # integers as before
        head = page.split('class="data"')[1].split("</thead>")[0]
        assert re.search(r'<th scope="col"[^>]*class="num"[^>]*><a[^>]*>พื้นที่', head), head


def test_year_columns_are_not_grouped_while_other_integers_are(server, world):
    """A new user's report: a `year` column holding 2569 read "2,569". Integers of a column whose
    name says it is a year are shown as written; other integers (and a column of values for one
    year, "ปี 2566") keep their grouping."""
    import re
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "ds-year-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    body = ("year,ปีงบประมาณ,Fiscal_Year,ปี พ.ศ.,YR,จังหวัด,ประชากร,ปี 2566\r\n"
            "2569,2568,2025,2567,2024,เชียงใหม่,1779254,1779001\r\n"
            "2568,2567,2024,2566,2023,ลำพูน,405075,405001\r\n").encode("utf-8")
    status, raw = upload(server, editor, {"package_id": name}, "years.csv", [body], len(body))
    assert status == 200, raw[:300]
    rid = json.loads(raw)["result"]["id"]
    info = wait_for_load(api, rid)
    types = {f["id"]: f["type"] for f in info["fields"]}
    for column in ("year", "ปีงบประมาณ", "Fiscal_Year", "ปี พ.ศ.", "YR", "ประชากร", "ปี 2566"):
        assert types[column] == "int", types
    for lang in ("th", "en"):
        page = api.get("/dataset/%s/resource/%s?lang=%s" % (name, rid, lang)).text
        body_rows = page.split('class="data"')[1].split("<tbody>")[1].split("</tbody>")[0]
        first = re.findall(r'<td class="([^"]*)">([^<]*)</td>', body_rows.split("</tr>")[0])
        # _id is not shown; the row reads as the file does, years unseparated and right-aligned.
        assert [v for _, v in first] == ["2569", "2568", "2025", "2567", "2024", "เชียงใหม่",
                                         "1,779,254", "1,779,001"], first
        assert first[0] == ("num", "2569") and first[6] == ("num", "1,779,254"), first
        assert "2,569" not in body_rows and "2,025" not in body_rows


def test_editors_fix_the_dictionary_and_reload_from_the_page(server, world, smtp):
    from accounts_helpers import registered_user
    api = Browser(server)
    editor_token = world["people"]["editor"]
    name = "ds-page-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor_token))
    body = "รหัส,ชื่อ\n10,ก\n20,ข\n".encode()
    status, raw = upload(server, editor_token, {"package_id": name}, "codes.csv", [body], len(body))
    rid = json.loads(raw)["result"]["id"]
    wait_for_load(api, rid)
    page = "/dataset/%s/resource/%s" % (name, rid)
    # A member of another organization sees no forms and cannot post them.
    outsider = Browser(server)
    registered_user(outsider, smtp, "outsider")  # signed in
    assert "/datastore/dictionary" not in outsider.get(page).text
    r = outsider.post_form(page + "/datastore/reload", {}, csrf_page=page)
    assert r.status in (403, 404)
    # The dataset's editor: a new label, and "รหัส" fixed as text, which reloads the file.
    editor = Browser(server)
    ename = registered_user(editor, smtp, "dseditor")
    ok(call(api, "organization_member_create", {"id": world["orgs"]["a"], "username": ename, "role": "editor"},
            world["sysadmin"]))
    html = editor.get(page).text
    assert "/datastore/dictionary" in html and "/datastore/reload" in html
    before = latest_job(server, rid)[0]
    r = editor.post_form(page + "/datastore/dictionary",
                         {"type0": "text", "label0": "รหัสหน่วยงาน", "notes0": "", "type1": "", "label1": "", "notes1": ""},
                         csrf_page=page)
    assert r.status == 303
    deadline = time.time() + 30
    while latest_job(server, rid)[0] == before and time.time() < deadline:
        time.sleep(0.1)
    assert wait_for_job(server, rid)[1] == "succeeded"
    info = ok(call(api, "datastore_info", {"resource_id": rid}, method="GET"))
    assert info["fields"][0]["type"] == "text" and info["fields"][0]["info"]["label"] == "รหัสหน่วยงาน"
    html = editor.get(page).text
    assert "รหัสหน่วยงาน" in html  # the label heads the column
    # Without the CSRF token, nothing happens.
    r = editor.post_form(page + "/datastore/reload", {}, csrf=False)
    assert r.status == 403


def _upload_and_load(server, world, name, filename, body, data_type=None):
    api = Browser(server)
    editor = world["people"]["editor"]
    extra = {"data_type": data_type} if data_type else {}
    ds = record_dataset(world["orgs"]["a"], name, **extra)
    ok(call(api, "package_create", ds, editor))
    status, raw = upload(server, editor, {"package_id": name}, filename, [body], len(body))
    assert status == 200, raw[:300]
    rid = json.loads(raw)["result"]["id"]
    return rid, wait_for_load(api, rid)


def test_a_legacy_xls_workbook_with_two_sheets(server, world, smtp, tmp_path):
    import subprocess
    path = tmp_path / "budget.xls"
    script = r'''
use utf8; use Spreadsheet::WriteExcel;
my $wb = Spreadsheet::WriteExcel->new($ARGV[0]);
my $notes = $wb->add_worksheet("notes"); $notes->write(0, 0, "คำอธิบาย");
my $ws = $wb->add_worksheet("data");
$ws->write(0, 0, "หน่วยงาน"); $ws->write(0, 1, "งบประมาณ");
for my $i (1..300) { $ws->write($i, 0, "หน่วยงานที่ $i"); $ws->write($i, 1, $i * 1000); }
$wb->close();
'''
    subprocess.run(["perl", "-e", script, str(path)], check=True)
    rid, info = _upload_and_load(server, world, "ds-xls-" + world["suffix"], "budget.xls", path.read_bytes())
    # The first sheet ("notes") loads by default; the editor picks "data" and reloads.
    assert info["meta"]["count"] == 0
    api = Browser(server)
    editor = world["people"]["editor"]
    # The table is readable a moment before its job records its result: wait for the job.
    job = wait_for_job(server, rid)
    assert job[1] == "succeeded", job
    result = server.query("SELECT result FROM jobs WHERE id = '%s'" % job[0])[0][0]
    assert json.loads(result)["sheets"] == ["notes", "data"]
    # Reload with the sheet through the page's form (an editor's session).
    b = _editor_browser(server, world, smtp)
    page = "/dataset/%s/resource/%s" % ("ds-xls-" + world["suffix"], rid)
    assert "notes" in b.get(page).text
    r = b.post_form(page + "/datastore/reload", {"sheet": "data"}, csrf_page=page)
    assert r.status == 303
    deadline = time.time() + 30
    while latest_job(server, rid)[0] == job[0] and time.time() < deadline:
        time.sleep(0.1)
    assert wait_for_job(server, rid)[1] == "succeeded"
    info = ok(call(api, "datastore_info", {"resource_id": rid}, editor, method="GET"))
    assert info["meta"]["count"] == 300
    assert {f["id"]: f["type"] for f in info["fields"]} == {"หน่วยงาน": "text", "งบประมาณ": "int"}
    rows = ok(call(api, "datastore_search", {"resource_id": rid, "limit": 1, "offset": 299}, method="GET"))["records"]
    assert rows == [{"_id": 300, "หน่วยงาน": "หน่วยงานที่ 300", "งบประมาณ": 300000}]


_EDITORS = {}


def _editor_browser(server, world, smtp):
    """A signed-in browser of an editor of organization a (made once per server)."""
    from accounts_helpers import registered_user
    if id(server) not in _EDITORS:
        b = Browser(server)
        name = registered_user(b, smtp, "xeditor")
        ok(call(Browser(server), "organization_member_create", {"id": world["orgs"]["a"], "username": name,
                                                                 "role": "editor"}, world["sysadmin"]))
        _EDITORS[id(server)] = b
    return _EDITORS[id(server)]


def test_geojson_loads_with_a_map_and_fills_the_bounding_box(server, world):
    body = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ชื่อ": "สวนลุมพินี", "ไร่": 360},
         "geometry": {"type": "Point", "coordinates": [100.5418, 13.7306]}},
        {"type": "Feature", "properties": {"ชื่อ": "สวนจตุจักร", "ไร่": 155},
         "geometry": {"type": "Polygon", "coordinates": [[[100.55, 13.80], [100.56, 13.80], [100.56, 13.81], [100.55, 13.80]]]}},
    ]}, ensure_ascii=False).encode()
    name = "ds-geo-" + world["suffix"]
    rid, info = _upload_and_load(server, world, name, "parks.geojson", body, "ข้อมูลภูมิสารสนเทศเชิงพื้นที่")
    assert {f["id"]: f["type"] for f in info["fields"]} == {"ชื่อ": "text", "ไร่": "int", "geometry": "json"}
    gj = Browser(server).get("/api/datastore/%s/geojson" % rid).json()
    assert [f["properties"]["ชื่อ"] for f in gj["features"]] == ["สวนลุมพินี", "สวนจตุจักร"]
    assert gj["features"][1]["geometry"]["type"] == "Polygon"
    d = ok(call(Browser(server), "package_show", {"id": name}, method="GET"))
    assert (d["west_bound_longitude"], d["east_bound_longitude"]) == (100.5418, 100.56)
    assert (d["south_bound_longitude"], d["north_bound_longitude"]) == (13.7306, 13.81)
    html = Browser(server).get("/dataset/%s/resource/%s" % (name, rid)).text
    assert "data-geojson-src" in html
