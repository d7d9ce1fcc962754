"""A data load has caps on the decompressed data it reads and on its rows (issue 12, finding 8):
a small workbook that expands to megabytes, or a file with too many rows, fails its job with a
clear message in Thai and English, and the previous table keeps answering. A server of its own
with tiny caps (1 MiB, 100 rows) keeps this fast."""
import http.server
import io
import threading
import time
import zipfile

import pytest

from govhub_harness import Browser, Server
from test_catalog_api import call, ok, record_dataset
from test_datastore import _Files, shown_on_resource_page, wait_for_load


def csv_rows(n):
    return ("ลำดับ,ชื่อ\n" + "".join("%d,แถว %d\n" % (i, i) for i in range(1, n + 1))).encode()


def xlsx_expanding(rows, cell_bytes):
    """An XLSX of `rows` rows whose one column holds `cell_bytes` bytes each: it compresses to
    almost nothing."""
    sheet = ['<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ข้อความ</t></is></c></row>']
    for r in range(2, rows + 2):
        sheet.append('<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (r, r, "x" * cell_bytes))
    sheet.append("</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="s" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
    return out.getvalue()


@pytest.fixture(scope="module")
def capped(smtp):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    s = Server("--enable-test-jobs", "--job-poll-ms", "100", "--datastore-allow-private-urls",
               "--datastore-max-load-mib", "1", "--datastore-max-rows", "100", smtp_url=smtp.url)
    token = s.create_sysadmin("caproot")
    api = Browser(s)
    ok(call(api, "organization_create", {"name": "cap-org", "title": "กรมทดสอบขีดจำกัด"}, token))
    d = ok(call(api, "package_create", record_dataset("cap-org", "cap-set"), token))
    yield {"server": s, "token": token, "dataset": d["id"], "base": "http://127.0.0.1:%d" % httpd.server_port}
    httpd.shutdown()
    assert s.stop() == 0


def jobs_of(s, resource_id):
    return {row[0]: row for row in s.query("SELECT id, state, error FROM jobs WHERE subject = 'resource:%s'"
                                           % resource_id)}


def relink(c, resource_id, path, fmt):
    """Points the resource at another file; returns its load job once finished."""
    s = c["server"]
    before = set(jobs_of(s, resource_id))
    ok(call(Browser(s), "resource_update",
            {"id": resource_id, "url": c["base"] + path, "format": fmt, "name": "ข้อมูล"}, c["token"]))
    deadline = time.time() + 30
    while time.time() < deadline:
        new = [j for k, j in jobs_of(s, resource_id).items() if k not in before]
        if new and new[0][1] in ("succeeded", "failed"):
            return new[0]
        time.sleep(0.1)
    raise AssertionError("no finished load job for %s" % resource_id)


def rows_of(c, resource_id):
    r = ok(call(Browser(c["server"]), "datastore_search", {"resource_id": resource_id, "limit": 1000}, method="GET"))
    return r["total"]


def test_row_and_size_caps_keep_the_previous_table(capped):
    c, s = capped, capped["server"]
    _Files.files["/small.csv"] = csv_rows(3)
    res = ok(call(Browser(s), "resource_create", {"package_id": c["dataset"], "name": "ข้อมูล",
                                                  "url": c["base"] + "/small.csv", "format": "CSV"}, c["token"]))
    rid = res["id"]
    wait_for_load(Browser(s), rid)
    assert rows_of(c, rid) == 3

    # One row past the cap: refused, the old table stays.
    _Files.files["/rows-101.csv"] = csv_rows(101)
    job = relink(c, rid, "/rows-101.csv", "CSV")
    assert job[1] == "failed", job
    assert "more than 100 rows" in shown_on_resource_page(s, rid, "en")
    assert "มากกว่า 100 แถว" in shown_on_resource_page(s, rid, "th")
    assert rows_of(c, rid) == 3

    # 30 KB of workbook that holds 2 MiB of text: refused by what it expands to.
    bomb = xlsx_expanding(40, 50000)
    assert len(bomb) < 100000
    _Files.files["/expands.xlsx"] = bomb
    job = relink(c, rid, "/expands.xlsx", "XLSX")
    assert job[1] == "failed", job
    page = shown_on_resource_page(s, rid, "en")
    assert "more than 1 MiB of data once decompressed" in page, page[-2000:]
    assert "เกิน 1 MiB" in shown_on_resource_page(s, rid, "th")
    assert rows_of(c, rid) == 3

    # At the caps: 100 rows load.
    _Files.files["/rows-100.csv"] = csv_rows(100)
    job = relink(c, rid, "/rows-100.csv", "CSV")
    assert job[1] == "succeeded", job
    assert rows_of(c, rid) == 100
