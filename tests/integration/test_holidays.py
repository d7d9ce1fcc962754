"""The holiday table behind working-day service times: seeded for 2026 and 2027, shown in the
Buddhist era, edited by sysadmins only, with bad input refused and what was typed kept."""
import html
import re

from accounts_helpers import login, registered_user
from govhub_harness import Browser


def admin_browser(server, sysadmin):
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    return admin


def test_the_seeded_table_as_json(server):
    r = Browser(server).get("/api/holidays?year=2026")
    assert r.status == 200
    days = {h["date"]: h for h in r.json()["holidays"]}
    assert len(days) == 20
    assert days["2026-04-13"]["name_th"] == "วันสงกรานต์" and days["2026-04-13"]["confirmed"]
    assert days["2026-06-01"]["kind"] == "substitution"
    # 2027: fixed dates confirmed, lunar and substitution days waiting for the Cabinet.
    y2027 = Browser(server).get("/api/holidays?year=2570").json()["holidays"]  # a B.E. year works
    assert {h["date"] for h in y2027} >= {"2027-01-01", "2027-04-13", "2027-12-10"}
    assert all(h["confirmed"] == (h["kind"] == "fixed") for h in y2027)
    # The API refuses a year it cannot read, naming it (the page falls back: test_page_params.py).
    for bad in ("abc", "2300", "12", "1e3"):
        r = Browser(server).get("/api/holidays?year=" + bad)
        assert r.status == 409, (bad, r.status, r.text)
        assert "year" in r.json()["error"]["fields"], r.text


def test_only_sysadmins_edit_holidays(server, smtp, sysadmin):
    visitor = Browser(server)
    r = visitor.get("/admin/holidays")
    assert r.status == 303 and "/user/login" in r.header("Location")
    user = Browser(server)
    registered_user(user, smtp, "holiday")
    assert user.get("/admin/holidays").status == 403
    csrf = user.csrf()
    r = user.post_form("/admin/holidays", {"_csrf": csrf, "day": "2027-03-01", "name_th": "วันของฉัน"},
                       csrf=False)
    assert r.status == 403
    assert "2027-03-01" not in Browser(server).get("/api/holidays?year=2027").text


def test_add_confirm_and_delete_a_holiday(server, sysadmin):
    admin = admin_browser(server, sysadmin)
    page = admin.get("/admin/holidays?year=2027")
    assert page.status == 200
    text = html.unescape(page.text)
    assert "พ.ศ. 2570" in text and "รอยืนยัน" in text and "ส. 20 กุมภาพันธ์ 2570" in text
    # A special holiday added by the Cabinet.
    r = admin.post_form("/admin/holidays", {"day": "2027-03-01", "name_th": "วันหยุดพิเศษ",
                                            "name_en": "Special holiday", "kind": "special",
                                            "confirmed": "1"}, csrf_page="/admin/holidays?year=2027")
    assert r.status == 303 and r.header("Location") == "/admin/holidays?year=2027"
    days = {h["date"]: h for h in Browser(server).get("/api/holidays?year=2027").json()["holidays"]}
    assert days["2027-03-01"] == {"date": "2027-03-01", "name_th": "วันหยุดพิเศษ",
                                  "name_en": "Special holiday", "kind": "special", "confirmed": True}
    # Confirming a lunar day: the same form with the box ticked.
    makha = days["2027-02-20"]
    r = admin.post_form("/admin/holidays", {"day": makha["date"], "name_th": makha["name_th"],
                                            "name_en": makha["name_en"], "kind": "lunar", "confirmed": "1"},
                        csrf_page="/admin/holidays?year=2027")
    assert r.status == 303
    days = {h["date"]: h for h in Browser(server).get("/api/holidays?year=2027").json()["holidays"]}
    assert days["2027-02-20"]["confirmed"] is True
    r = admin.post_form("/admin/holidays", {"day": "2027-03-01", "action": "delete"},
                        csrf_page="/admin/holidays?year=2027")
    assert r.status == 303
    assert "2027-03-01" not in Browser(server).get("/api/holidays?year=2027").text
    # The changes are in the audit log.
    actions = [row[0] for row in server.query(
        "SELECT action FROM audit_log WHERE object_type = 'holiday' AND object_id IN ('2027-03-01', '2027-02-20')"
        " ORDER BY id")]
    assert actions == ["holiday.create", "holiday.update", "holiday.delete"]


def test_bad_holiday_input_is_refused_and_kept(server, sysadmin):
    admin = admin_browser(server, sysadmin)
    for fields, field in (({"day": "2027-02-30", "name_th": "ไม่มีวันนี้"}, "day"),
                          ({"day": "30/02/2570", "name_th": "รูปแบบอื่น"}, "day"),
                          ({"day": "2027-05-05", "name_th": "   "}, "name_th"),
                          ({"day": "2027-05-05", "name_th": "ก" * 400}, "name_th"),
                          ({"day": "2027-05-05", "name_th": "ชนิดแปลก", "kind": "<script>"}, None),
                          ({}, "day")):
        r = admin.post_form("/admin/holidays", fields, csrf_page="/admin/holidays?year=2027")
        assert r.status == 409, (fields, r.status)
        if field:
            assert 'id="%s-error"' % field in r.text, fields
        # What was typed is still in the form.
        if fields.get("name_th", "").strip() and len(fields["name_th"]) < 300:
            assert html.escape(fields["name_th"], quote=True) in r.text or fields["name_th"] in r.text
        assert "<script>" not in r.text.split("</header>", 1)[-1] or "&lt;script&gt;" in r.text
    # Deleting a day that is not a holiday says so.
    r = admin.post_form("/admin/holidays", {"day": "2031-01-06", "action": "delete"},
                        csrf_page="/admin/holidays?year=2027")
    assert r.status == 404
    # Without the CSRF token nothing changes.
    r = admin.post_form("/admin/holidays", {"day": "2027-05-06", "name_th": "ไม่มีโทเค็น"}, csrf=False)
    assert r.status == 403
    assert "2027-05-06" not in Browser(server).get("/api/holidays?year=2027").text


def test_the_staff_queue_is_for_staff(server, smtp, sysadmin):
    user = Browser(server)
    registered_user(user, smtp, "queue")
    assert user.get("/staff/requests").status == 403
    assert user.get("/requests").status == 200
    assert user.get("/requests/TM-2569-000000").status == 404
    assert Browser(server).get("/staff/requests").status == 303
    # Sysadmins review every kind of request; hostile filters are only text to look for.
    admin = admin_browser(server, sysadmin)
    page = admin.get("/staff/requests?q=%25_%3Cb%3E&page=abc&overdue=1&type=&state=x")
    assert page.status == 200 and "&lt;b&gt;" in page.text and "<b>" not in page.text.split("<main", 1)[-1]
    assert admin.get("/staff/requests?type=no_such_kind").status == 404
