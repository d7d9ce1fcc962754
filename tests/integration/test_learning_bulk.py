"""Bulk enrolment from a CSV (issue 17) over HTTP, on the engine of the run (SQLite or
PostgreSQL): the upload page and POST /api/learning/courses/{name}/enrolments/bulk queue a job
whose report says what happened to each row (enrolled, already enrolled, invited, no account,
not the agency's staff, invalid, duplicate); an e-mail without an account is sent an invitation
by a course author's job (an agency administrator's invites no one and does not tell which
addresses have accounts), and signing up with it enrols; a binary file is refused; who may (a course author: anyone; an agency administrator: their
staff, in an open published course; nobody else); Thai Excel's cp874 files; an oversized file
refused before it is parsed."""
import json
import re
import time

import pytest

from accounts_helpers import registered_user, unique_name
from govhub_harness import Browser, raw_request, status_of
from learning_helpers import citizen_id, enrol, identity_fields, sign_up, verified_learner
from test_catalog_api import call, ok
from test_learning_courses import Author, multipart


@pytest.fixture(scope="module")
def author(server, smtp, sysadmin):
    return Author(server, smtp, sysadmin)


def admin_of(server, smtp, sysadmin, agency, with_name=False):
    """A signed-in browser of a new administrator of `agency` (and its user name)."""
    b = Browser(server)
    name = registered_user(b, smtp, "agadmin")
    ok(call(Browser(server), "organization_member_create", {"id": agency, "username": name, "role": "admin"}, sysadmin))
    return (b, name) if with_name else b


def new_agency(server, sysadmin, title="กรมผู้เรียนทดสอบ"):
    name = unique_name("staffag")
    ok(call(Browser(server), "organization_create", {"name": name, "title": title}, sysadmin))
    return name


def published_course(author, **over):
    name = author.create(**over)
    section = author.add_section(name)
    author.add_lesson(name, section)
    assert author.publish(name).status == 303
    return name


def learner(server, smtp, agency=None):
    """A verified learner (its browser, e-mail, citizen ID); staff of `agency` by its profile."""
    b = Browser(server)
    cid = citizen_id()
    over = {"cid": cid}
    if agency:
        over.update({"civil_servant": "1", "agency_id": agency, "position": "นักวิชาการ"})
    email = verified_learner(b, smtp, **over)
    return b, email, cid


def upload_api(browser, course, content, agency=None, filename="people.csv"):
    fields = {"agency_id": agency} if agency else {}
    body, headers = multipart(fields, [("file", filename, content)])
    headers["X-CSRF-Token"] = browser.csrf_from("/learning")
    return browser.request("POST", "/api/learning/courses/%s/enrolments/bulk" % course, body=body, headers=headers)


def wait_report(browser, course, job, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = browser.get("/api/learning/courses/%s/enrolments/bulk/%s" % (course, job))
        assert r.status == 200, r.text[:2000]
        if r.json()["job"]["state"] in ("succeeded", "failed", "cancelled"):
            assert r.json()["job"]["state"] == "succeeded", r.text[:3000]
            return r.json()["report"]
        time.sleep(0.2)
    raise AssertionError("the bulk enrolment job did not finish")


def enrolled(server, course, email):
    rows = server.query(
        "SELECT e.state FROM learning_enrolments e JOIN users u ON u.id = e.user_id "
        "JOIN learning_courses c ON c.id = e.course_id WHERE c.name = '%s' AND lower(u.email) = '%s'"
        % (course, email.lower()))
    return bool(rows) and rows[0][0] == "active"


def by_line(report):
    return {r["line"]: r for r in report["rows"]}


def test_admin_enrols_staff_with_a_per_row_report(server, smtp, sysadmin, author):
    # The course is agency A's; B's administrator enrols B's staff in it (an open course).
    course = published_course(author)
    agency = new_agency(server, sysadmin)
    admin = admin_of(server, smtp, sysadmin, agency)
    staff_b, staff_email, staff_cid = learner(server, smtp, agency)
    already_b, already_email, _ = learner(server, smtp, agency)
    enrol(already_b, course)
    outsider_b, outsider_email, outsider_cid = learner(server, smtp)
    unknown_email = "%s@example.com" % unique_name("invitee")
    dashed = "%s-%s-%s-%s-%s" % (staff_cid[0], staff_cid[1:5], staff_cid[5:10], staff_cid[10:12], staff_cid[12])
    bad_digit = staff_cid[:12] + str((int(staff_cid[12]) + 1) % 10)
    csv = "\n".join([
        "เลขบัตรประชาชน",  # line 1: a header
        staff_cid,                  # 2 enrolled
        already_email.upper(),      # 3 already enrolled (e-mail case does not matter)
        outsider_cid,               # 4 not the agency's staff
        dashed,                     # 5 duplicate of line 2
        "hello world",              # 6 invalid: no ID or e-mail
        bad_digit,                  # 7 invalid: check digit
        unknown_email,              # 8 no account: for an administrator, "not your staff"
        citizen_id(),               # 9 nobody: for an administrator, "not your staff"
        outsider_email,             # 10 someone else's account: "not your staff" too
    ]).encode()
    r = upload_api(admin, course, csv)
    assert r.status == 202, r.text[:2000]
    job = r.json()["job_id"]
    report = wait_report(admin, course, job)
    rows = by_line(report)
    assert report["total"] == 9 and report["header"] is True
    assert {k: v for k, v in report["counts"].items() if v} == {
        "enrolled": 1, "already_enrolled": 1, "not_staff": 4, "duplicate": 1, "invalid": 2}
    assert rows[2]["outcome"] == "enrolled"
    assert rows[3]["outcome"] == "already_enrolled"
    assert rows[4]["outcome"] == "not_staff"
    assert rows[5]["outcome"] == "duplicate" and rows[5]["message_key"] == "learning.bulk.duplicate_row"
    assert rows[6]["outcome"] == "invalid" and rows[6]["message_key"] == "learning.bulk.no_id_or_email"
    assert rows[7]["outcome"] == "invalid" and rows[7]["message_key"] == "learning.bulk.bad_check_digit"
    # An address with no account and one with someone else's account read the same (the
    # administrator learns nothing of who has an account), and nothing is sent to either.
    assert rows[8]["shown"] == unknown_email
    assert [(rows[n]["outcome"], rows[n]["message_key"]) for n in (8, 9, 10)] == \
        [("not_staff", "learning.bulk.outcome.not_staff")] * 3
    # Citizen IDs are masked in the report (and the payload holds them sealed, never in clear).
    assert rows[2]["shown"] == "%s-%s-XXXXX-XX-%s" % (staff_cid[0], staff_cid[1:5], staff_cid[12])
    assert "XXXXX" in rows[7]["shown"]
    stored = json.dumps(server.query("SELECT payload, result FROM jobs WHERE id = '%s'" % job))
    assert staff_cid not in stored and outsider_cid not in stored and bad_digit not in stored
    # The messages are in the caller's language (Thai by default).
    assert rows[2]["message"] == "ลงทะเบียนแล้ว"
    # What happened in the database.
    assert enrolled(server, course, staff_email)
    assert enrolled(server, course, already_email)
    assert not enrolled(server, course, outsider_email)
    course_id = server.query("SELECT id FROM learning_courses WHERE name = '%s'" % course)[0][0]
    audits = server.query("SELECT details FROM audit_log WHERE object_id = '%s' AND action = 'learning.enrol'" % course_id)
    assert sum(1 for (d,) in audits if job in d) == 1
    assert int(server.query("SELECT count(*) FROM audit_log WHERE object_id = '%s' "
                            "AND action = 'learning.bulk_enrol.done'" % course_id)[0][0]) == 1
    # The page shows the report with the counts and each row, and the CSV has every row.
    page = admin.get("/learning/course/%s/enrol-bulk/%s" % (course, job))
    assert page.status == 200 and 'id="bulk-rows"' in page.text
    assert 'data-outcome="not_staff"' in page.text and unknown_email in page.text
    assert 'data-outcome="invited"' not in page.text
    assert "ไม่พบเลขประจำตัวประชาชนหรืออีเมลในแถวนี้" in page.text
    en = admin.get("/learning/course/%s/enrol-bulk/%s?lang=en" % (course, job))
    assert "No citizen ID or e-mail address in this row" in en.text
    csv_out = admin.get("/learning/course/%s/enrol-bulk/%s/report.csv?lang=th" % (course, job))
    assert csv_out.status == 200 and csv_out.header("Content-Type").startswith("text/csv")
    lines = csv_out.body.decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) == 10 and "ลงทะเบียนแล้ว" in lines[1] and unknown_email in lines[7]
    # An administrator's job invites no one: no invitation stored, no mail.
    assert int(server.query("SELECT count(*) FROM learning_invitations WHERE email = '%s'" % unknown_email)[0][0]) == 0
    time.sleep(1)
    assert smtp.messages(unknown_email) == []
    assert not enrolled(server, course, outsider_email)


def test_course_author_invites_an_address_without_an_account(server, smtp, sysadmin, author):
    course = published_course(author)
    invited = "%s@example.com" % unique_name("invitee")
    r = upload_api(author.browser, course, invited.encode())
    assert r.status == 202, r.text[:2000]
    report = wait_report(author.browser, course, r.json()["job_id"])
    assert report["rows"][0]["outcome"] == "invited" and report["rows"][0]["shown"] == invited
    # The invitation: Thai first, English below, with the sign-up link.
    msg = smtp.wait_for(invited)[0]
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "เชิญ" in str(msg["Subject"]) and "Invitation" in str(msg["Subject"])
    assert body.index("เรียนท่านผู้เรียน") < body.index("Dear learner")
    assert re.search(r"http://[^\s]+/learning/signup", body)
    # The same address again: not invited twice.
    r = upload_api(author.browser, course, invited.encode())
    report = wait_report(author.browser, course, r.json()["job_id"])
    assert report["rows"][0]["outcome"] == "already_invited"
    assert len(smtp.messages(invited)) == 1
    # Signing up with the invited address enrols in the course.
    newcomer = Browser(server)
    r, _, _ = sign_up(newcomer, email=invited)
    assert r.status == 201, r.text[:2000]
    assert enrolled(server, course, invited)
    assert server.query("SELECT accepted_at FROM learning_invitations WHERE email = '%s'" % invited)[0][0] != ""


def test_course_author_enrols_anyone_and_unknown_ids_have_no_account(server, smtp, sysadmin, author):
    course = published_course(author)
    _, outsider_email, outsider_cid = learner(server, smtp)
    unknown = citizen_id()
    # The owning agency's administrator authors its courses: anyone may be enrolled.
    owner_admin = admin_of(server, smtp, sysadmin, author.agency)
    page = owner_admin.get("/learning/course/%s/enrol-bulk" % course)
    assert page.status == 200 and 'name="agency_id"' not in page.text
    r = upload_api(owner_admin, course, ("%s\n%s\n" % (outsider_cid, unknown)).encode())
    assert r.status == 202, r.text[:2000]
    rows = wait_report(owner_admin, course, r.json()["job_id"])["rows"]
    assert [x["outcome"] for x in rows] == ["enrolled", "no_account"]
    assert enrolled(server, course, outsider_email)
    # An account without a verified identity: told to verify, enrolled once it does.
    plain = Browser(server)
    name = registered_user(plain, smtp, "plain")
    r = upload_api(author.browser, course, ("%s@example.go.th\n" % name).encode())
    rows = wait_report(author.browser, course, r.json()["job_id"])["rows"]
    assert rows[0]["outcome"] == "identity_needed"
    link = smtp.last_link(name + "@example.go.th", r"http://[^\s]+/learning/identity")
    assert link
    assert not enrolled(server, course, name + "@example.go.th")
    # Adding the identity accepts the invitation: enrolled.
    assert plain.post_form("/learning/identity", identity_fields()).status == 303
    assert enrolled(server, course, name + "@example.go.th")


def test_the_upload_page_queues_and_follows_the_job(server, smtp, sysadmin, author):
    course = published_course(author)
    assert 'href="/learning/course/%s/enrol-bulk"' % course in author.manage(course).text
    page = author.browser.get("/learning/course/%s/enrol-bulk" % course)
    assert page.status == 200 and 'enctype="multipart/form-data"' in page.text
    email = "%s@example.com" % unique_name("pageinv")
    body, headers = multipart({"_csrf": author.browser.csrf_from("/learning/course/%s/enrol-bulk" % course)},
                              [("file", "a.csv", email.encode())])
    r = author.browser.request("POST", "/learning/course/%s/enrol-bulk" % course, body=body, headers=headers)
    assert r.status == 303, r.text[:2000]
    location = r.header("Location")
    assert re.match(r"/learning/course/%s/enrol-bulk/[0-9a-f-]{36}$" % course, location)
    wait_report(author.browser, course, location.rsplit("/", 1)[1])
    assert 'data-outcome="invited"' in author.browser.get(location).text
    # An empty file: the form again, with the reason on the field.
    body, headers = multipart({"_csrf": author.browser.csrf_from("/learning/course/%s/enrol-bulk" % course)},
                              [("file", "a.csv", b"\n\n")])
    r = author.browser.request("POST", "/learning/course/%s/enrol-bulk" % course, body=body, headers=headers)
    assert r.status == 422 and 'id="file-error"' in r.text and "ไฟล์ไม่มีรายชื่อ" in r.text


def test_who_may_enrol_in_bulk(server, smtp, sysadmin, author):
    course = published_course(author)
    draft = author.create()
    keyed = published_course(author, enrol_key="กุญแจ-2569", change_key="1")
    admin = admin_of(server, smtp, sysadmin, new_agency(server, sysadmin))
    other_admin = admin_of(server, smtp, sysadmin, new_agency(server, sysadmin, "หน่วยงานอื่น"))
    learner_b, _, _ = learner(server, smtp, author.agency)
    anonymous = Browser(server)
    csv = b"someone@example.com\n"
    # An agency's administrator: another agency's open published course, not a draft (which
    # they cannot see) nor a keyed course.
    page = admin.get("/learning/course/%s/enrol-bulk" % course)
    assert page.status == 200 and "ลงทะเบียนได้เฉพาะบุคลากรของ" in page.text
    assert upload_api(admin, draft, csv).status == 404
    assert upload_api(admin, keyed, csv).status == 403
    assert "learning.bulk.may_not" in upload_api(admin, keyed, csv).text or \
        "ไม่มีสิทธิ์" in upload_api(admin, keyed, csv).text
    # Two administrators of different agencies both enrol their own staff in it...
    r = upload_api(other_admin, course, csv)
    assert r.status == 202
    other_job = r.json()["job_id"]
    # ...but not see this agency administrator's job, nor the reverse.
    r = upload_api(admin, course, csv)
    assert r.status == 202
    job = r.json()["job_id"]
    assert other_admin.get("/api/learning/courses/%s/enrolments/bulk/%s" % (course, job)).status == 404
    assert other_admin.get("/learning/course/%s/enrol-bulk/%s" % (course, job)).status == 404
    assert admin.get("/learning/course/%s/enrol-bulk/%s/report.csv" % (course, other_job)).status == 404
    # A learner and anonymous: no page, no upload, no report.
    assert learner_b.get("/learning/course/%s/enrol-bulk" % course).status == 403
    assert upload_api(learner_b, course, csv).status == 403
    assert learner_b.get("/api/learning/courses/%s/enrolments/bulk/%s" % (course, job)).status == 403
    assert anonymous.get("/learning/course/%s/enrol-bulk" % course).status in (303, 401)
    assert anonymous.request("POST", "/api/learning/courses/%s/enrolments/bulk" % course, body=csv,
                             headers={"Content-Type": "text/csv"}).status in (401, 403)
    assert anonymous.get("/api/learning/courses/%s/enrolments/bulk/%s" % (course, job)).status == 401


def test_an_administrator_of_two_agencies_chooses_one(server, smtp, sysadmin, author):
    course = published_course(author)
    admin, admin_name = admin_of(server, smtp, sysadmin, new_agency(server, sysadmin), with_name=True)
    second = new_agency(server, sysadmin, "หน่วยงานที่สอง")
    ok(call(Browser(server), "organization_member_create", {"id": second, "username": admin_name, "role": "admin"},
            sysadmin))
    # The page offers both; the upload must name one of them.
    page = admin.get("/learning/course/%s/enrol-bulk" % course)
    assert page.status == 200 and 'name="agency_id"' in page.text and "หน่วยงานที่สอง" in page.text
    r = upload_api(admin, course, b"x@example.com\n")
    assert r.status == 409 and "agency_id" in r.text
    second_id = server.query("SELECT id FROM organizations WHERE name = '%s'" % second)[0][0]
    assert upload_api(admin, course, b"x@example.com\n", agency=second_id).status == 202


def test_a_cp874_file_from_thai_excel(server, smtp, author):
    course = published_course(author)
    _, email, _ = learner(server, smtp)
    invited = "%s@example.com" % unique_name("tis")
    content = ("ชื่อ-นามสกุล,อีเมล\r\nสมชาย ใจดี,%s\r\nสมหญิง รักเรียน,%s\r\n" % (email, invited)).encode("cp874")
    r = upload_api(author.browser, course, content)
    assert r.status == 202, r.text[:2000]
    report = wait_report(author.browser, course, r.json()["job_id"])
    assert report["header"] is True and report["encoding"].upper() in ("CP874", "TIS-620", "WINDOWS-874")
    assert [x["outcome"] for x in report["rows"]] == ["enrolled", "invited"]
    assert enrolled(server, course, email)


def test_an_oversized_file_is_refused_before_it_is_parsed(server, smtp, author):
    course = published_course(author)
    # Past the route's limit (the cap and 64 KiB): 413 from the length alone, before any of the
    # body is read (none is sent here).
    b = author.browser
    head = ("POST /api/learning/courses/%s/enrolments/bulk HTTP/1.1\r\nHost: x\r\n"
            "Content-Type: text/csv\r\nContent-Length: %d\r\nX-CSRF-Token: %s\r\nCookie: %s\r\n\r\n"
            % (course, (2 << 20) + (100 << 10), b.csrf_from("/learning"),
               "; ".join("%s=%s" % kv for kv in b.jar.items())))
    raw = raw_request(server.port, head.encode(), timeout=5)
    assert status_of(raw) == 413, raw[:500]
    # Within the route's limit but past the file's cap: refused whole, nothing queued.
    over = (b"x@example.com\n" * 200000)[: (2 << 20) + 10]
    before = server.query("SELECT count(*) FROM jobs WHERE kind = 'learning.bulk_enrol'")[0][0]
    r = upload_api(author.browser, course, over)
    assert r.status == 413 and "2 MiB" in r.text
    after = server.query("SELECT count(*) FROM jobs WHERE kind = 'learning.bulk_enrol'")[0][0]
    assert before == after


def test_a_binary_file_is_refused_as_not_text(server, smtp, author):
    course = published_course(author)
    before = server.query("SELECT count(*) FROM jobs WHERE kind = 'learning.bulk_enrol'")[0][0]
    for content in (b"\x00" * 10, bytes(range(256))):
        r = upload_api(author.browser, course, content)
        assert r.status == 409 and r.json()["error"]["fields"] == {"file": "ไฟล์นี้ไม่ใช่ไฟล์ข้อความ CSV"}, \
            (r.status, r.text[:500])
        # The raw text/csv body too.
        r = author.browser.request("POST", "/api/learning/courses/%s/enrolments/bulk" % course, body=content,
                                   headers={"Content-Type": "text/csv",
                                            "X-CSRF-Token": author.browser.csrf_from("/learning")})
        assert r.status == 409 and r.json()["error"]["fields"] == {"file": "ไฟล์นี้ไม่ใช่ไฟล์ข้อความ CSV"}, \
            (r.status, r.text[:500])
    assert server.query("SELECT count(*) FROM jobs WHERE kind = 'learning.bulk_enrol'")[0][0] == before
