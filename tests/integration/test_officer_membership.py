"""Government-officer membership on the workflow engine: the application form with its checks,
the signed scan, the reviewer's queue and page (the citizen ID in full only there, each view
audited), approval granting the agency role at once, and the 24-hour clock; the citizen ID is
sealed by the vault in the database (never in clear there)."""
import html
import os
import random
import re
import subprocess
import uuid

from accounts_helpers import login, registered_user
from document_helpers import pdf_words, squeeze
from govhub_harness import ENGINE, Browser
from test_catalog_api import call, ok

GOOD = {"position": "นักวิชาการคอมพิวเตอร์ปฏิบัติการ", "citizen_id": "1-1011-12345-67-9",
        "office_phone": "02-141-6789", "mobile": "081-234-5678", "work_email": "Somsri@Agency.go.th",
        "role": "editor"}


def upload(browser, path, fields, filename, content, content_type):
    """A multipart form post, as a browser sends one."""
    boundary = "----govhub" + uuid.uuid4().hex
    body = b""
    for k, v in fields.items():
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode()
    body += ("--%s\r\nContent-Disposition: form-data; name=\"document\"; filename=\"%s\"\r\n"
             "Content-Type: %s\r\n\r\n" % (boundary, filename, content_type)).encode() + content + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    return browser.request("POST", path, body=body,
                           headers={"Content-Type": "multipart/form-data; boundary=" + boundary})


def text(r):
    return html.unescape(r.text)


def test_an_officer_applies_and_is_approved(server, smtp, sysadmin):
    api = Browser(server)
    org = ok(call(api, "organization_create", {"name": "om-agency-" + uuid.uuid4().hex[:6],
                                               "title": "สำนักงานสถิติทดสอบ"}, sysadmin))
    officer = Browser(server)
    name = registered_user(officer, smtp, "officer")
    form = officer.get("/opendata/officer")
    assert form.status == 200 and "สำนักงานสถิติทดสอบ" in form.text

    # Every field checked, and what was typed stays in the form.
    bad = dict(GOOD, organization="no-such-org", citizen_id="1101112345678", mobile="02-123-4567",
               office_phone="abc", work_email="not-an-email", role="sysadmin", position="")
    r = officer.post_form("/opendata/officer", bad)
    assert r.status == 409
    for field in ("organization", "citizen_id", "mobile", "office_phone", "work_email", "role", "position"):
        assert 'id="%s-error"' % field in r.text, field
    assert 'value="1101112345678"' in r.text and "เลขประจำตัวประชาชน 13 หลักไม่ถูกต้อง" in text(r)
    r = officer.post_form("/opendata/officer", dict(GOOD, organization=org["id"], position="<script>x</script>" * 20))
    assert r.status == 409 and "<script>x" not in r.text

    r = officer.post_form("/opendata/officer", dict(GOOD, organization=org["id"]))
    assert r.status == 303
    ref = r.header("Location").rsplit("/", 1)[1]
    assert re.fullmatch(r"OM-25\d\d-[0-9A-HJKMNP-TV-Z]{6}", ref), ref
    # The form now leads to the open application.
    assert officer.get("/opendata/officer").header("Location") == "/requests/" + ref
    page = officer.get("/requests/" + ref)
    assert page.status == 200
    # Masked for the applicant.
    assert "1-1011-XXXXX-XX-9" in page.text and "1101112345679" not in page.text
    assert "1-1011-12345-67-9" not in page.text
    assert "ร่าง" in text(page) and "อัปโหลด" in text(page)

    # The application to print and sign: Thai text, the reference, a QR code to the request.
    assert '/opendata/officer/%s/application.pdf' % ref in page.text
    pdf = officer.get("/opendata/officer/%s/application.pdf" % ref)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-")
    assert pdf.header("Content-Type") == "application/pdf"
    words = pdf_words(pdf.body, keep_as="officer-application")
    for expected in ("ใบสมัครสมาชิกสำหรับเจ้าหน้าที่หน่วยงานภาครัฐ", ref, "สำนักงานสถิติทดสอบ",
                     "1-1011-12345-67-9", "ผู้บังคับบัญชา", "นักวิชาการคอมพิวเตอร์ปฏิบัติการ"):
        assert squeeze(expected) in words, (expected, words[:500])
    assert Browser(server).get("/opendata/officer/%s/application.pdf" % ref).status == 404

    # Submitting needs the signed application; a file that is not PDF, JPEG or PNG is refused.
    r = officer.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 409 and "กรุณาอัปโหลดเอกสารนี้ก่อน" in text(r)
    csrf = officer.csrf_from("/requests/" + ref)
    r = upload(officer, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
               "ใบสมัคร.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    assert r.status == 409 and "PDF, JPEG หรือ PNG" in text(r)
    r = upload(officer, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
               "ใบสมัคร.pdf", b"%PDF-1.7\n% signed scan\n", "application/pdf")
    assert r.status == 303
    r = officer.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 303
    page = officer.get("/requests/" + ref)
    assert "รอพิจารณา" in text(page) and "กำหนดเสร็จ" in text(page)
    # The applicant and the reviewers (here the sysadmin) hear of it by e-mail.
    subjects = [str(m["Subject"]) for m in smtp.wait_for(name + "@example.go.th", count=2)]
    assert any(ref in s and "รอพิจารณา" in s for s in subjects), subjects  # Maildir has no order
    assert any(ref in str(m["Subject"]) for m in smtp.wait_for("root-it@example.go.th"))

    # A stranger sees nothing of it.
    stranger = Browser(server)
    registered_user(stranger, smtp, "stranger")
    assert stranger.get("/requests/" + ref).status == 404
    assert stranger.get("/staff/requests/" + ref).status == 404

    # The reviewer: the queue, then the request with the citizen ID in full, recorded.
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    queue = admin.get("/staff/requests?q=" + ref.lower().replace("-", "+"))
    assert queue.status == 200 and ref in queue.text
    staff_page = admin.get("/staff/requests/" + ref)
    assert "1-1011-12345-67-9" in staff_page.text and "ใบสมัคร.pdf" in staff_page.text
    views = server.query("SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.view_sensitive'"
                         " AND details LIKE '%%%s%%'" % ref)
    assert int(views[0][0]) >= 1
    doc = re.search(r'href="(/requests/%s/documents/[0-9a-f-]+)"' % ref, staff_page.text).group(1)
    d = admin.get(doc + "?inline=1")
    assert d.status == 200 and d.body.startswith(b"%PDF") and d.header("Content-Disposition") == "inline"
    assert stranger.get(doc).status == 404

    # A rejection needs a reason; the approval grants the role in the agency at once.
    r = admin.post_form("/staff/requests/" + ref, {"transition": "reject", "note": ""},
                        csrf_page="/staff/requests/" + ref)
    assert r.status == 409 and "กรุณาระบุเหตุผล" in text(r)
    r = admin.post_form("/staff/requests/" + ref, {"transition": "approve"}, csrf_page="/staff/requests/" + ref)
    assert r.status == 303
    user_id = server.query("SELECT id FROM users WHERE name = '%s'" % name)[0][0]
    role = server.query("SELECT capacity FROM memberships WHERE user_id = '%s' AND object_type = 'organization'"
                        " AND object_id = '%s'" % (user_id, org["id"]))
    assert role == [("editor",)] or [tuple(x) for x in role] == [("editor",)], role
    page = officer.get("/requests/" + ref)
    assert "อนุมัติแล้ว" in text(page) and "เสร็จสิ้น" in text(page)
    # The history: created, submitted, approved, with who.
    assert text(page).count("→") >= 2
    # Nothing is left to sign: the form is offered as a copy of what was filed.
    assert "เพื่อลงนาม" not in text(page) and "สำเนาแบบฟอร์มที่ยื่นไว้ (PDF)" in text(page)
    # Once decided, no step is left to take.
    r = admin.post_form("/staff/requests/" + ref, {"transition": "approve"}, csrf_page="/staff/requests/" + ref)
    assert r.status == 409


def test_the_application_needs_an_account(server):
    r = Browser(server).get("/opendata/officer")
    assert r.status == 303 and "/user/login" in r.header("Location")
    r = Browser(server).post_form("/opendata/officer", GOOD, csrf=False)
    assert r.status in (401, 403)


def test_the_agencies_to_choose_from_are_named_in_the_readers_language(server, smtp, sysadmin):
    tag = uuid.uuid4().hex[:6]
    ok(call(Browser(server), "organization_create",
            {"name": "lang-" + tag, "title": "กรมภาษาทดสอบ" + tag, "title_en": "Department of Languages " + tag},
            sysadmin))
    b = Browser(server)
    registered_user(b, smtp, "langpick")
    assert ">Department of Languages %s</option>" % tag in text(b.get("/opendata/officer?lang=en"))
    th = text(b.get("/opendata/officer?lang=th"))
    assert ">กรมภาษาทดสอบ%s</option>" % tag in th and "Department of Languages " + tag not in th
    # Grouped as the directory is: a ministry's group holds it and its departments; the
    # agencies under no ministry come last, under "อื่น ๆ".
    ok(call(Browser(server), "organization_create", {"name": "pmin-" + tag, "title": "กระทรวงเลือก" + tag,
                                                     "kind": "ministry"}, sysadmin))
    dep = ok(call(Browser(server), "organization_create", {"name": "pdep-" + tag, "title": "กรมเลือก" + tag,
                                                           "parent": "pmin-" + tag}, sysadmin))
    page = b.get("/opendata/officer?lang=th").text
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', page, re.S)
    ministry = [body for label, body in groups if label == "กระทรวงเลือก" + tag]
    assert ministry and 'value="%s"' % dep["id"] in ministry[0] and ">กรมเลือก%s<" % tag in ministry[0]
    assert groups[-1][0] == "อื่น ๆ" and ">กรมภาษาทดสอบ%s<" % tag in groups[-1][1]


def test_the_way_in_is_linked_where_a_would_be_publisher_looks(server, smtp, sysadmin):
    # Anonymous: the Open Data home and the dataset list lead to the application (which asks
    # them to log in first).
    anon = Browser(server)
    for path in ("/opendata?lang=th", "/dataset?lang=th"):
        r = anon.get(path)
        assert 'href="/opendata/officer"' in r.text, path
        assert "สมัครเป็นเจ้าหน้าที่ผู้เผยแพร่ข้อมูล" in r.text
    r = anon.get("/opendata/officer")
    assert r.status in (302, 303) and "/user/login" in r.header("Location")
    # Signed in with no agency role: the same links, and "add dataset" explains instead of a
    # bare refusal; the dashboard offers the application instead of the button.
    b = Browser(server)
    registered_user(b, smtp, "wayin")
    for path in ("/opendata?lang=en", "/dataset?lang=en", "/dashboard?lang=en"):
        r = b.get(path)
        assert 'href="/opendata/officer"' in r.text, path
        assert 'href="/dataset/new"' not in r.text, path
    r = b.get("/dataset/new?lang=en")
    assert r.status == 403
    assert "no role in an agency" in r.text and 'href="/opendata/officer"' in r.text
    # Once an editor, "add dataset" replaces the prompt.
    org = "wayin-" + uuid.uuid4().hex[:8]
    ok(call(Browser(server), "organization_create", {"name": org, "title": "หน่วยงานทดสอบ"}, sysadmin))
    user = b.get("/api/3/action/user_show").json()["result"]["name"]
    ok(call(Browser(server), "organization_member_create", {"id": org, "username": user, "role": "editor"}, sysadmin))
    for path in ("/opendata?lang=en", "/dataset?lang=en", "/dashboard?lang=en"):
        r = b.get(path)
        assert 'href="/dataset/new"' in r.text, path
        assert "officer-way-in" not in r.text and 'class="officer-link"' not in r.text, path
    assert b.get("/dataset/new?lang=en").status == 200


def valid_citizen_id():
    """A random 13-digit citizen ID with a good check digit (mod 11), so no other test's number."""
    first12 = "3" + "%011d" % random.randrange(10 ** 11)
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


def database_bytes(server):
    """The SQLite site's database as the disk holds it (the WAL too: recent pages are there)."""
    out = b""
    for name in os.listdir(server.data_dir):
        if name.startswith("govhub.db"):
            with open(os.path.join(server.data_dir, name), "rb") as f:
                out += f.read()
    return out


def write_sql(server, sql):
    """A change made behind the server's back, as an older govhub's rows would be."""
    if server.database_url:
        subprocess.run(["psql", server.database_url, "-qX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,
                       capture_output=True)
    else:
        import sqlite3
        db = sqlite3.connect(os.path.join(server.data_dir, "govhub.db"), timeout=10)
        try:
            db.execute(sql)
            db.commit()
        finally:
            db.close()


def test_the_database_never_holds_the_citizen_id_in_clear(server, smtp, sysadmin):
    org = ok(call(Browser(server), "organization_create", {"name": "vault-" + uuid.uuid4().hex[:6],
                                                           "title": "กรมทดสอบห้องนิรภัย"}, sysadmin))
    officer = Browser(server)
    registered_user(officer, smtp, "vault")
    cid = valid_citizen_id()
    typed = "%s-%s-%s-%s-%s" % (cid[0], cid[1:5], cid[5:10], cid[10:12], cid[12])
    r = officer.post_form("/opendata/officer", dict(GOOD, organization=org["id"], citizen_id=typed))
    assert r.status == 303
    ref = r.header("Location").rsplit("/", 1)[1]
    masked = "%s-%s-XXXXX-XX-%s" % (cid[0], cid[1:5], cid[12])

    # The row holds the vault's sealed value (key version first), never the number.
    data = server.query("SELECT data FROM workflow_requests WHERE reference = '%s'" % ref)[0][0]
    assert cid not in data and re.search(r'"citizen_id":"v\d+\$[A-Za-z0-9+/=]+"', data), data
    if ENGINE == "sqlite":
        raw = database_bytes(server)
        assert b"\xe0\xb8\x81\xe0\xb8\xa3\xe0\xb8\xa1" in raw  # "กรม": the bytes are really read
        assert cid.encode() not in raw and typed.encode() not in raw
    else:
        dump = server.query("SELECT string_agg(data, '') FROM workflow_requests")[0][0] + \
            server.query("SELECT string_agg(details, '') FROM audit_log")[0][0]
        assert cid not in dump and typed not in dump

    # Shown as before: masked to the applicant, in full on the printed form they sign and to the
    # reviewer (whose printing is recorded like a view of the page).
    page = officer.get("/requests/" + ref)
    assert masked in page.text and cid not in page.text and typed not in page.text
    assert squeeze(typed) in pdf_words(officer.get("/opendata/officer/%s/application.pdf" % ref).body)
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    # A draft is its applicant's alone (staff included); submitted, the reviewer reads it.
    assert admin.get("/staff/requests/" + ref).status == 404
    csrf = officer.csrf_from("/requests/" + ref)
    assert upload(officer, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
                  "ใบสมัคร.pdf", b"%PDF-1.7\n% signed scan\n", "application/pdf").status == 303
    assert officer.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref).status == 303
    assert typed in admin.get("/staff/requests/" + ref).text
    before = int(server.query("SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.view_sensitive'"
                              " AND details LIKE '%%%s%%'" % ref)[0][0])
    assert squeeze(typed) in pdf_words(admin.get("/opendata/officer/%s/application.pdf" % ref).body)
    after = int(server.query("SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.view_sensitive'"
                             " AND details LIKE '%%%s%%'" % ref)[0][0])
    assert after == before + 1

    sealed = re.search(r'"citizen_id":"([^"]+)"', data).group(1)

    # A row an older govhub wrote in clear is sealed by the next start (or `govhub migrate`).
    write_sql(server, "UPDATE workflow_requests SET data = '%s' WHERE reference = '%s'"
              % (data.replace(sealed, cid), ref))
    assert cid in server.query("SELECT data FROM workflow_requests WHERE reference = '%s'" % ref)[0][0]
    assert typed in admin.get("/staff/requests/" + ref).text  # readable meanwhile
    server.cli("migrate")
    data = server.query("SELECT data FROM workflow_requests WHERE reference = '%s'" % ref)[0][0]
    assert cid not in data and '"citizen_id":"v' in data
    assert typed in admin.get("/staff/requests/" + ref).text
    assert masked in officer.get("/requests/" + ref).text
    server.cli("migrate")  # nothing left to do: the value stays as it is
    assert server.query("SELECT data FROM workflow_requests WHERE reference = '%s'" % ref)[0][0] == data
