"""Account suspension and cancellation on the person's signed request (the guide's 24-hour
process): the form and its checks, the personal-data download, the request PDF, the signed
scan, the more-information loop, who may carry it out, what suspension and cancellation do to
the account (PDPA anonymisation, the audit log redacted, datasets left with the agency), and the
signed documents purged by the retention job."""
import html
import json
import os
import re
import time
import uuid

from accounts_helpers import create_token_via_page, login, register, registered_user
from document_helpers import pdf_words, squeeze
from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset
from test_jobs import enqueue, wait_job
from test_officer_membership import upload

ADMIN = ("root-it", "ผู้ดูแล-ทดสอบ-2569")
PDF = b"%PDF-1.7\n% a signed scan\n"


def text(r):
    return html.unescape(r.text)


def admin_browser(server, sysadmin):
    admin = Browser(server)
    assert login(admin, *ADMIN).status == 303
    return admin


def file_request(browser, action, reason="ย้ายไปทำงานที่อื่น ไม่ใช้บัญชีนี้แล้ว"):
    r = browser.post_form("/user/close", {"action": action, "reason": reason}, csrf_page="/user/close")
    assert r.status == 303, r.text
    ref = r.header("Location").rsplit("/", 1)[1]
    assert re.fullmatch(r"AC-25\d\d-[0-9A-HJKMNP-TV-Z]{6}", ref), ref
    return ref


def sign_and_submit(browser, ref):
    csrf = browser.csrf_from("/requests/" + ref)
    r = upload(browser, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_request"},
               "คำขอที่ลงนามแล้ว.pdf", PDF, "application/pdf")
    assert r.status == 303, r.text
    r = browser.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 303, r.text


def staff_step(browser, ref, transition, note=""):
    return browser.post_form("/staff/requests/" + ref, {"transition": transition, "note": note},
                             csrf_page="/staff/requests/" + ref)


def user_row(server, user_id):
    return server.query("SELECT name, email, fullname_th, fullname_en, state FROM users WHERE id = '%s'"
                        % user_id)[0]


def test_a_user_suspends_their_account_and_an_administrator_reactivates_it(server, smtp, sysadmin):
    person = Browser(server)
    name = registered_user(person, smtp, "suspend")
    user_id = server.query("SELECT id FROM users WHERE name = '%s'" % name)[0][0]
    token = create_token_via_page(person, name)
    assert Browser(server).get("/api/3/action/package_search", headers={"Authorization": token}).status == 200

    # Their personal data first, as a file to keep: no password hash in it.
    r = person.get("/user/personal-data")
    assert r.status == 200 and "attachment" in r.header("Content-Disposition")
    assert r.header("Cache-Control") == "no-store"
    data = r.json()
    assert data["account"]["name"] == name and data["account"]["email"] == name + "@example.go.th"
    assert len(data["api_tokens"]) == 1 and data["sessions"] and data["requests"] == []
    assert "password" not in r.text and "argon2" not in r.text

    # The form: every check, and what was typed stays.
    form = person.get("/user/close")
    assert form.status == 200 and "/user/personal-data" in form.text
    r = person.post_form("/user/close", {"action": "delete-everything", "reason": ""}, csrf_page="/user/close")
    assert r.status == 409 and 'id="action-error"' in r.text and 'id="reason-error"' in r.text
    r = person.post_form("/user/close", {"action": "suspend", "reason": "ก" * 2001}, csrf_page="/user/close")
    assert r.status == 409 and 'id="reason-error"' in r.text and "ก" * 2001 in r.text
    assert int(server.query("SELECT COUNT(*) FROM workflow_requests WHERE applicant_id = '%s'" % user_id)[0][0]) == 0

    ref = file_request(person, "suspend", "<script>alert(1)</script> ลาศึกษาต่อ 2 ปี")
    # One open request at a time: the form, and a second post, lead to it.
    assert person.get("/user/close").header("Location") == "/requests/" + ref
    r = person.post_form("/user/close", {"action": "cancel", "reason": "อีกครั้ง"}, csrf_page="/requests/" + ref)
    assert r.status == 303 and r.header("Location") == "/requests/" + ref
    assert int(server.query("SELECT COUNT(*) FROM workflow_requests WHERE applicant_id = '%s'" % user_id)[0][0]) == 1
    page = person.get("/requests/" + ref)
    assert page.status == 200 and "<script>alert(1)" not in page.text
    assert "ระงับบัญชีชั่วคราว" in text(page) and "ลาศึกษาต่อ 2 ปี" in text(page)

    # The request to print and sign: Thai, the reference, the account, what is asked.
    pdf = person.get("/user/close/%s/request.pdf" % ref)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-")
    words = pdf_words(pdf.body, keep_as="account-closure-request")
    for expected in ("คำขอระงับหรือยกเลิกบัญชีผู้ใช้", ref, name, "ระงับบัญชีชั่วคราว", "ลาศึกษาต่อ2ปี",
                     "ผู้ยื่นคำขอ"):
        assert squeeze(expected) in words, (expected, words[words.find("ลงชื่อ") - 20:][:300])
    # Signed by the person alone: no line for a supervisor or for staff.
    assert squeeze("เจ้าหน้าที่ผู้ตรวจสอบ") not in words and squeeze("ผู้บังคับบัญชา") not in words
    assert Browser(server).get("/user/close/%s/request.pdf" % ref).status == 404

    # Submitting needs the signed scan; wrong types and oversized files are refused.
    r = person.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 409 and "กรุณาอัปโหลดเอกสารนี้ก่อน" in text(r)
    csrf = person.csrf_from("/requests/" + ref)
    r = upload(person, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_request"},
               "scan.gif", b"GIF89a\x01\x00\x01\x00", "image/gif")
    assert r.status == 409 and "PDF, JPEG หรือ PNG" in text(r)
    r = upload(person, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_request"},
               "big.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "application/pdf")
    assert r.status == 409 and "แฟ้มใหญ่เกินที่กำหนด" in text(r)
    sign_and_submit(person, ref)
    assert "รอพิจารณา" in text(person.get("/requests/" + ref))

    # Others cannot carry it out: a stranger, the applicant, a reviewer who is not an administrator.
    stranger = Browser(server)
    registered_user(stranger, smtp, "stranger")
    assert staff_step(stranger, ref, "execute").status == 404
    r = person.post_form("/requests/" + ref, {"transition": "execute"}, csrf_page="/requests/" + ref)
    assert r.status == 403
    admin = admin_browser(server, sysadmin)
    reviewer = Browser(server)
    reviewer_name = registered_user(reviewer, smtp, "closure-reviewer")
    r = admin.post_form("/staff/roles", {"user": reviewer_name, "type": "account_closure", "role": "reviewer"},
                        csrf_page="/staff/roles")
    assert r.status == 303
    staff_page = reviewer.get("/staff/requests/" + ref)
    assert staff_page.status == 200 and "คำขอที่ลงนามแล้ว.pdf" in staff_page.text
    assert 'value="execute"' not in staff_page.text
    assert staff_step(reviewer, ref, "execute").status == 403

    # The more-information loop: the clock pauses, the applicant answers, it runs again.
    r = staff_step(reviewer, ref, "ask_info", "")
    assert r.status == 409 and "กรุณาระบุเหตุผล" in text(r)
    assert staff_step(reviewer, ref, "ask_info", "ลายมือชื่อไม่ชัด กรุณาสแกนใหม่").status == 303
    page = person.get("/requests/" + ref)
    assert "ขอข้อมูลเพิ่มเติม" in text(page) and "ลายมือชื่อไม่ชัด" in text(page)
    r = person.post_form("/requests/" + ref, {"transition": "resubmit"}, csrf_page="/requests/" + ref)
    assert r.status == 303

    # The administrator carries it out: no login, no sessions, no tokens; the person is told.
    assert staff_step(admin, ref, "execute").status == 303
    assert user_row(server, user_id)[4] == "suspended"
    assert person.get("/user/me").header("Location").startswith("/user/login")
    assert Browser(server).get("/api/3/action/package_search", headers={"Authorization": token}).status == 401
    r = login(Browser(server), name)
    assert r.status == 403 and "ระงับ" in text(r)
    mails = smtp.wait_for(name + "@example.go.th", count=5)
    assert any(ref in str(m["Subject"]) and "ระงับบัญชีชั่วคราว" in str(m["Subject"]) for m in mails), \
        [str(m["Subject"]) for m in mails]
    # Suspension is reversible: an administrator reactivates, the person logs in again.
    r = admin.post_form("/admin/users/" + name, {"action": "reactivate", "reason": "กลับมาทำงาน"},
                        csrf_page="/admin/users/" + name)
    assert r.status == 303 and user_row(server, user_id)[4] == "active"
    assert login(Browser(server), name).status == 303
    # Done is done.
    assert staff_step(admin, ref, "execute").status == 409


def test_a_cancelled_account_keeps_nothing_personal_and_its_datasets_stay(server, smtp, sysadmin):
    api = Browser(server)
    org = ok(call(api, "organization_create", {"name": "ac-agency-" + uuid.uuid4().hex[:6],
                                               "title": "กรมทดสอบการยกเลิกบัญชี"}, sysadmin))
    person = Browser(server)
    name = registered_user(person, smtp, "cancel")
    user_id = server.query("SELECT id FROM users WHERE name = '%s'" % name)[0][0]
    ok(call(api, "organization_member_create", {"id": org["id"], "username": name, "role": "editor"}, sysadmin))
    token = create_token_via_page(person, name)
    dataset = ok(call(api, "package_create", record_dataset(org["id"], "ac-data-" + uuid.uuid4().hex[:6],
                                                            title="ข้อมูลที่คงอยู่"), token))
    # An officer application with a citizen ID, left as a draft: personal data to be erased.
    r = person.post_form("/opendata/officer", {"organization": org["id"], "position": "นักวิเคราะห์",
                                               "citizen_id": "1-1011-12345-67-9", "office_phone": "02-111-2222",
                                               "mobile": "0812345678", "work_email": "me@agency.go.th",
                                               "role": "editor"}, csrf_page="/opendata/officer")
    assert r.status == 303
    r = person.post_form("/requests/" + r.header("Location").rsplit("/", 1)[1], {"transition": "withdraw"},
                         csrf_page=r.header("Location"))
    assert r.status == 303

    ref = file_request(person, "cancel")
    assert "ยกเลิกบัญชีถาวร" in text(person.get("/requests/" + ref))
    sign_and_submit(person, ref)
    admin = admin_browser(server, sysadmin)
    assert staff_step(admin, ref, "execute").status == 303

    # The profile is anonymised, every credential and role gone, the row kept as a pseudonym.
    pseudonym, email, th, en, state = user_row(server, user_id)
    assert state == "cancelled" and pseudonym.startswith("cancelled-") and pseudonym != name
    assert email == pseudonym + "@cancelled.invalid" and th == "" and en == ""
    for table in ("sessions", "api_tokens", "memberships", "email_tokens"):
        assert int(server.query("SELECT COUNT(*) FROM %s WHERE user_id = '%s'" % (table, user_id))[0][0]) == 0, table
    assert login(Browser(server), name).status == 401
    assert Browser(server).get("/user/" + name).status == 404
    # The dataset stays with the agency.
    shown = ok(call(Browser(server), "package_show", {"id": dataset["id"]}))
    assert shown["owner_org"] == org["id"] and shown["title"] == "ข้อมูลที่คงอยู่"
    # Requests keep no personal fields and no name; the audit log keeps only the pseudonymous id.
    rows = server.query("SELECT subject, data FROM workflow_requests WHERE applicant_id = '%s'" % user_id)
    assert len(rows) == 2
    for subject, data in rows:
        assert subject == pseudonym and name not in data and "1101112345679" not in data
        assert "0812345678" not in data and "me@agency.go.th" not in data
    assert server.query("SELECT COUNT(*) FROM audit_log WHERE actor_id = '%s' AND ip IS NOT NULL" % user_id) \
        == [("0",)]
    assert server.query("SELECT COUNT(*) FROM audit_log WHERE details LIKE '%%%s%%'" % name) == [("0",)]
    assert int(server.query("SELECT COUNT(*) FROM audit_log WHERE action = 'user.cancel' AND object_id = '%s'"
                            % user_id)[0][0]) == 1
    # The e-mail address is free again: the person could come back as someone new.
    again = Browser(server)
    assert register(again, name + "-new", email=name + "@example.go.th").status == 201

    # The signed scan is kept for the retention period (365 days by default) ...
    doc_id, path, purge_after = server.query(
        "SELECT a.id, a.path, a.purge_after FROM workflow_attachments a JOIN workflow_requests r"
        " ON r.id = a.request_id WHERE r.reference = '%s'" % ref)[0]
    assert purge_after[:4] == str(time.gmtime().tm_year + 1) and os.path.exists(path)
    roles = admin.get("/staff/roles")
    assert "365 วัน" in text(roles)
    # ... which sysadmins change; bad values are refused.
    for bad in ("-1", "abc", "99999"):
        r = admin.post_form("/staff/roles/retention", {"type": "account_closure", "retention_days": bad},
                            csrf_page="/staff/roles")
        assert r.status == 409 and "0 ถึง 36500" in text(r), bad
    r = Browser(server).post_form("/staff/requests/" + ref, {"transition": "execute"}, csrf=False)
    assert r.status in (401, 403)
    r = admin.post_form("/staff/roles/retention", {"type": "account_closure", "retention_days": "0"},
                        csrf_page="/staff/roles")
    assert r.status == 303
    # The purge job removes the file and keeps the record of it.
    job = enqueue(Browser(server), sysadmin, "workflow.purge_documents")
    done = wait_job(Browser(server), job, sysadmin, ["succeeded", "failed"])
    assert done["state"] == "succeeded" and done["result"]["purged"] >= 1, done
    assert not os.path.exists(path)
    purged = server.query("SELECT purged FROM workflow_attachments WHERE id = '%s'" % doc_id)[0][0]
    assert purged.startswith(str(time.gmtime().tm_year))
    staff_page = admin.get("/staff/requests/" + ref)
    assert "ลบไฟล์ตามระยะเวลาเก็บรักษาแล้วเมื่อ" in text(staff_page)
    r = admin.get("/requests/%s/documents/%s" % (ref, doc_id))
    assert r.status == 410
    # Back to the default for the other tests.
    admin.post_form("/staff/roles/retention", {"type": "account_closure", "retention_days": "365"},
                    csrf_page="/staff/roles")


def test_closure_pages_refuse_strangers_and_bad_input(server, smtp, sysadmin):
    anonymous = Browser(server)
    assert anonymous.get("/user/close").header("Location").startswith("/user/login")
    assert anonymous.get("/user/personal-data").header("Location").startswith("/user/login")
    r = anonymous.post_form("/user/close", {"action": "cancel", "reason": "x"}, csrf=False)
    assert r.status in (401, 403)
    person = Browser(server)
    registered_user(person, smtp, "close-bad")
    # No CSRF token, no request.
    r = person.post_form("/user/close", {"action": "cancel", "reason": "x"}, csrf=False)
    assert r.status == 403
    assert person.get("/user/close/AC-2569-000000/request.pdf").status == 404
    assert person.get("/user/close/%27%3B--/request.pdf").status == 404
    # Only sysadmins set the retention period.
    r = person.post_form("/staff/roles/retention", {"type": "account_closure", "retention_days": "1"},
                         csrf_page="/user/close")
    assert r.status == 403
    admin = admin_browser(server, sysadmin)
    r = admin.post_form("/staff/roles/retention", {"type": "no_such_type", "retention_days": "1"},
                        csrf_page="/staff/roles")
    assert r.status == 404
    # The sysadmin cannot carry out a request of their own (nobody would check it): nobody
    # decides their own request, whatever the process.
    ref = file_request(admin, "suspend", "ทดสอบ")
    sign_and_submit(admin, ref)
    r = staff_step(admin, ref, "execute")
    assert r.status == 403 and user_row(server, server.query("SELECT id FROM users WHERE name = 'root-it'")[0][0])[4] \
        == "active"
    r = admin.post_form("/requests/" + ref, {"transition": "withdraw"}, csrf_page="/requests/" + ref)
    assert r.status == 303
    assert json.loads(person.get("/user/personal-data").body)["account"]["state"] == "active"
