"""The catalog's metadata as a GD-Catalog Excel workbook: exported with a sheet per data type and
Thai headers, edited in Excel, imported back as a job with a report for every row; on both
engines."""
import io
import time

import openpyxl
import pytest

from accounts_helpers import registered_user
from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset, world  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def editor_browser(server, smtp, world):
    b = Browser(server)
    name = registered_user(b, smtp, "wbeditor")
    ok(call(Browser(server), "organization_member_create", {"id": world["orgs"]["a"], "username": name,
                                                             "role": "editor"}, world["sysadmin"]))
    return b


def upload_workbook(b, data):
    import uuid
    boundary = "wb" + uuid.uuid4().hex
    csrf = b.csrf_from("/ckan-admin/catalog-import")
    body = ("--%s\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n" % (boundary, csrf)).encode()
    body += ("--%s\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"catalog.xlsx\"\r\n"
             "Content-Type: application/octet-stream\r\n\r\n" % boundary).encode() + data
    body += ("\r\n--%s--\r\n" % boundary).encode()
    return b.request("POST", "/ckan-admin/catalog-import", body,
                     {"Content-Type": "multipart/form-data; boundary=" + boundary})


def wait_report(b, location, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = b.get(location)
        if 'http-equiv="refresh"' not in r.text:
            return r.text
        time.sleep(0.2)
    raise AssertionError("the import did not finish")


def test_export_has_a_sheet_per_data_type_with_thai_headers(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "wb-export-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, title_en="Bangkok population by district",
                                                  notes_en="Registered population per district",
                                                  resources=[{"name": "ไฟล์", "url": "https://example.go.th/a.csv"}]), editor))
    r = Browser(server).get("/catalog.xlsx?organization=" + world["orgs"]["a"])
    assert r.status == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.body))
    assert wb.sheetnames == ["ข้อมูลระเบียน", "ข้อมูลสถิติ", "ข้อมูลภูมิสารสนเทศเชิงพื้นที่", "ข้อมูลหลากหลายประเภท",
                             "ข้อมูลประเภทอื่นๆ", "ทรัพยากร (resources)"]
    ws = wb["ข้อมูลระเบียน"]
    keys = [c.value for c in ws[3]]
    # The English title and description stand beside their Thai fields.
    assert keys[:4] == ["title", "title_en", "name", "owner_org"] and "objective" in keys
    assert keys[keys.index("notes") + 1] == "notes_en"
    assert ws.cell(1, keys.index("title") + 1).value == "ชื่อชุดข้อมูล"  # Thai labels in row 1
    assert ws.cell(1, keys.index("title_en") + 1).value == "ชื่อชุดข้อมูลภาษาอังกฤษ"
    assert ws.cell(2, keys.index("title_en") + 1).value == "English title"
    assert ws.cell(2, keys.index("notes_en") + 1).value == "English description"
    names = [ws.cell(r, keys.index("name") + 1).value for r in range(4, ws.max_row + 1)]
    assert name in names
    row = names.index(name) + 4
    assert ws.cell(row, keys.index("owner_org") + 1).value == world["orgs"]["a"]
    assert ws.cell(row, keys.index("tag_string") + 1).value == "กรุงเทพมหานคร, ประชากร"
    assert ws.cell(row, keys.index("objective") + 1).value == "ยุทธศาสตร์ชาติ"
    assert ws.cell(row, keys.index("title_en") + 1).value == "Bangkok population by district"
    assert ws.cell(row, keys.index("notes_en") + 1).value == "Registered population per district"
    res = wb["ทรัพยากร (resources)"]
    assert [c.value for c in res[3]][:2] == ["package_name", "url"]
    assert any(res.cell(r, 1).value == name for r in range(4, res.max_row + 1))
    # Private datasets are exported only to those who may see them.
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name + "-p", private=True), editor))
    anon = openpyxl.load_workbook(io.BytesIO(Browser(server).get("/catalog.xlsx").body))
    assert (name + "-p") not in [c.value for c in anon["ข้อมูลระเบียน"]["C"]]


def test_import_creates_updates_and_rejects_with_a_report(server, world, editor_browser):
    b = editor_browser
    existing = "wb-existing-" + world["suffix"]
    ok(call(Browser(server), "package_create", record_dataset(world["orgs"]["a"], existing), world["people"]["editor"]))
    wb = openpyxl.load_workbook(io.BytesIO(b.get("/catalog.xlsx?organization=" + world["orgs"]["a"]).body))
    ws = wb["ข้อมูลระเบียน"]
    keys = [c.value for c in ws[3]]
    col = {k: i + 1 for i, k in enumerate(keys)}
    template = [ws.cell(4, i + 1).value for i in range(len(keys))]
    # Row: a new dataset; row: the existing one with a new title; row: a bad one.
    for r in range(4, ws.max_row + 1):
        for c in range(1, len(keys) + 1):
            ws.cell(r, c).value = None
    def put(r, values):
        for i, v in enumerate(template):
            ws.cell(r, i + 1).value = v
        for k, v in values.items():
            ws.cell(r, col[k]).value = v
    new = "wb-new-" + world["suffix"]
    put(4, {"name": new, "title": "ชุดข้อมูลจาก Excel", "owner_org": world["orgs"]["a"],
            "title_en": "A dataset from Excel", "notes_en": "Written in a workbook"})
    put(5, {"name": existing, "title": "ชื่อใหม่จาก Excel", "owner_org": world["orgs"]["a"],
            "title_en": "New name from Excel"})
    put(6, {"name": "wb-bad-" + world["suffix"], "title": "ผิด", "owner_org": world["orgs"]["a"],
            "geo_coverage": "ดาวอังคาร", "maintainer_email": "not-an-email"})
    put(7, {"name": "wb-other-" + world["suffix"], "title": "หน่วยงานอื่น", "owner_org": world["orgs"]["b"]})
    rs = wb["ทรัพยากร (resources)"]
    rs.delete_rows(4, rs.max_row)
    rs.cell(4, 1).value = new
    rs.cell(4, 2).value = "https://example.go.th/excel.csv"
    rs.cell(4, 3).value = "ไฟล์จาก Excel"
    rs.cell(5, 1).value = "no-such-dataset"
    rs.cell(5, 2).value = "https://example.go.th/x.csv"
    rs.cell(5, 3).value = "x"
    out = io.BytesIO()
    wb.save(out)
    r = upload_workbook(b, out.getvalue())
    assert r.status == 303, r.text[:300]
    report = wait_report(b, r.header("Location"))
    assert "สร้างใหม่: 2" in report and "ปรับปรุง: 1" in report and "ไม่ผ่าน: 3" in report, report
    assert "geo_coverage" in report and "maintainer_email" in report
    d = ok(call(Browser(server), "package_show", {"id": new}, method="GET"))
    assert d["title"] == "ชุดข้อมูลจาก Excel" and [x["name"] for x in d["resources"]] == ["ไฟล์จาก Excel"]
    assert d["title_translated"] == {"th": "ชุดข้อมูลจาก Excel", "en": "A dataset from Excel"}
    assert d["notes_translated"]["en"] == "Written in a workbook"
    e = ok(call(Browser(server), "package_show", {"id": existing}, method="GET"))
    assert e["title"] == "ชื่อใหม่จาก Excel" and e["title_translated"]["en"] == "New name from Excel"
    # Round trip: the exported workbook, imported unchanged, keeps the English texts.
    again = b.get("/catalog.xlsx?organization=" + world["orgs"]["a"]).body
    r = upload_workbook(b, again)
    assert r.status == 303
    report = wait_report(b, r.header("Location"))
    assert "ไม่ผ่าน: 0" in report, report
    d = ok(call(Browser(server), "package_show", {"id": new}, method="GET"))
    assert d["title_translated"]["en"] == "A dataset from Excel"
    assert d["notes_translated"]["en"] == "Written in a workbook"
    assert call(Browser(server), "package_show", {"id": "wb-bad-" + world["suffix"]}, method="GET").status == 404
    assert call(Browser(server), "package_show", {"id": "wb-other-" + world["suffix"]}, method="GET").status == 404


def test_import_refuses_what_is_not_a_workbook(server, editor_browser):
    r = upload_workbook(editor_browser, b"not,a,workbook\n1,2,3\n")
    assert r.status == 409
    assert Browser(server).get("/ckan-admin/catalog-import").status == 303  # sign in first
