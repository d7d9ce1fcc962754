"""Review processes as an applicant reads them (#15): further documents while more information
is asked, each process's own texts (instructions, signature lines, no product name on a form or
an e-mail), states said truthfully (a draft is not "finished", a decided request's clock is not
"paused", each state once in the staff filter, the queue's due time), and what to do next after
an officer's approval."""
import html
import re
import time
import uuid

from accounts_helpers import login, registered_user
from document_helpers import pdf_words, squeeze
from govhub_harness import Browser
from test_account_closure import file_request, sign_and_submit, staff_step
from test_catalog_api import call, ok
from test_officer_membership import GOOD, upload

ADMIN = ("root-it", "ผู้ดูแล-ทดสอบ-2569")
PDF = b"%PDF-1.7\n% a scan\n"


def text(r):
    return html.unescape(r.text)


def body(m):
    return m.get_body(preferencelist=("plain",)).get_content()


def mail_where(smtp, to, pred, timeout=10):
    """The messages to `to` that `pred` accepts, once there is one (mail goes out by a job)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [m for m in smtp.messages(to) if pred(m)]
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError([str(m["Subject"]) for m in smtp.messages(to)])


def admin_browser(server):
    admin = Browser(server)
    assert login(admin, *ADMIN).status == 303
    return admin


def officer_request(server, smtp, sysadmin, prefix="rev", lang=None):
    api = Browser(server)
    org = ok(call(api, "organization_create", {"name": prefix + "-agency-" + uuid.uuid4().hex[:6],
                                               "title": "กรมทดสอบการพิจารณา",
                                               "title_en": "Department of Review Trials"}, sysadmin))
    officer = Browser(server)
    if lang:  # the language cookie: the account is registered in it (its e-mails' language)
        officer.get("/?lang=" + lang)
    name = registered_user(officer, smtp, prefix)
    r = officer.post_form("/opendata/officer", dict(GOOD, organization=org["id"]))
    assert r.status == 303, r.text
    return officer, name, org, r.header("Location").rsplit("/", 1)[1]


def submit_officer(officer, ref):
    csrf = officer.csrf_from("/requests/" + ref)
    r = upload(officer, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
               "ใบสมัคร.pdf", PDF, "application/pdf")
    assert r.status == 303, r.text
    r = officer.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 303, r.text


def more(browser, ref, content=PDF, filename="เพิ่มเติม.pdf", content_type="application/pdf", csrf=None):
    if csrf is None:
        csrf = browser.csrf_from("/requests/" + ref)
    return upload(browser, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "more_info"},
                  filename, content, content_type)


def test_further_documents_only_while_more_information_is_asked(server, smtp, sysadmin):
    officer, name, org, ref = officer_request(server, smtp, sysadmin, "more")
    # A draft takes its signed form, not "further documents".
    assert more(officer, ref).status == 409
    submit_officer(officer, ref)
    # Submitted: the reviewer owes the next step, nothing is taken.
    r = more(officer, ref)
    assert r.status == 409 and "ไม่รับเอกสาร" in text(r)
    admin = admin_browser(server)
    assert staff_step(admin, ref, "ask_info", "ขอสำเนาคำสั่งแต่งตั้ง").status == 303

    page = officer.get("/requests/" + ref)
    assert page.status == 200 and 'value="more_info"' in page.text
    assert "ส่งเอกสารเพิ่มเติม" in text(page)
    # Bad input refused: empty, not PDF/JPEG/PNG, oversized, no CSRF token, another's request.
    assert more(officer, ref, content=b"").status == 409
    r = more(officer, ref, content=b"GIF89a\x01\x00", filename="x.gif", content_type="image/gif")
    assert r.status == 409 and "PDF, JPEG หรือ PNG" in text(r)
    r = more(officer, ref, content=b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    assert r.status == 409
    assert more(officer, ref, csrf="").status == 403
    stranger = Browser(server)
    registered_user(stranger, smtp, "more-stranger")
    assert more(stranger, ref, csrf=stranger.csrf_from("/requests")).status == 404
    r = upload(officer, "/requests/%s/documents" % ref,
               {"_csrf": officer.csrf_from("/requests/" + ref), "kind": "passport"},
               "x.pdf", PDF, "application/pdf")
    assert r.status == 409
    count = int(server.query("SELECT COUNT(*) FROM workflow_attachments a JOIN workflow_requests r"
                             " ON r.id = a.request_id WHERE r.reference = '%s'" % ref)[0][0])
    assert count == 1

    # The answer: stored, listed with time and uploader, audited, the reviewers told.
    r = more(officer, ref, filename="คำสั่งแต่งตั้ง.pdf")
    assert r.status == 303, r.text
    page = officer.get("/requests/" + ref)
    assert "เอกสารเพิ่มเติม: คำสั่งแต่งตั้ง.pdf" in text(page) and "ใบสมัคร.pdf" in text(page)
    staff_page = admin.get("/staff/requests/" + ref)
    assert "คำสั่งแต่งตั้ง.pdf" in text(staff_page) and "ใบสมัคร.pdf" in text(staff_page)
    audits = server.query("SELECT COUNT(*) FROM audit_log WHERE action = 'workflow.attach'"
                          " AND details LIKE '%%more_info%%'")
    assert int(audits[0][0]) >= 1
    told = mail_where(smtp, "root-it@example.go.th",
                      lambda m: ref in str(m["Subject"]) and "เอกสารเพิ่มเติม" in str(m["Subject"]))
    assert "คำสั่งแต่งตั้ง.pdf" in body(told[0])

    # Sent back: no more uploads; decided: none either.
    assert officer.post_form("/requests/" + ref, {"transition": "resubmit"},
                             csrf_page="/requests/" + ref).status == 303
    assert more(officer, ref).status == 409
    assert staff_step(admin, ref, "approve").status == 303
    assert more(officer, ref).status == 409


def test_a_request_holds_at_most_twenty_documents(server, smtp, sysadmin):
    officer, name, org, ref = officer_request(server, smtp, sysadmin, "cap")
    csrf = officer.csrf_from("/requests/" + ref)

    def sign(lang="th"):
        return upload(officer, "/requests/%s/documents?lang=%s" % (ref, lang),
                      {"_csrf": csrf, "kind": "signed_application"}, "ใบสมัคร.pdf", PDF,
                      "application/pdf")

    for i in range(20):
        r = sign()
        assert r.status == 303, (i, r.text)
    r = sign()
    assert r.status == 409 and "แนบเอกสารได้ไม่เกิน 20 ไฟล์" in text(r)
    r = sign("en")
    assert r.status == 409 and "at most 20 documents" in text(r)
    count = int(server.query("SELECT COUNT(*) FROM workflow_attachments a JOIN workflow_requests r"
                             " ON r.id = a.request_id WHERE r.reference = '%s'" % ref)[0][0])
    assert count == 20
    # The request goes on with what it holds.
    r = officer.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 303, r.text


def test_each_process_has_its_own_texts(server, smtp, sysadmin):
    officer, name, org, ref = officer_request(server, smtp, sysadmin, "texts")
    page = text(officer.get("/requests/" + ref))
    assert "ลงนามพร้อมผู้บังคับบัญชา" in page
    words = pdf_words(officer.get("/opendata/officer/%s/application.pdf" % ref).body)
    assert squeeze("ผู้สมัคร") in words and squeeze("ผู้บังคับบัญชา") in words
    assert "govhub" not in words.lower()
    en = pdf_words(officer.get("/opendata/officer/%s/application.pdf?lang=en" % ref).body)
    assert "Applicant" in en and "Supervisor" in en and "Signed" in en and "govhub" not in en.lower()

    person = Browser(server)
    pname = registered_user(person, smtp, "texts-close")
    cref = file_request(person, "suspend")
    page = text(person.get("/requests/" + cref))
    assert "ผู้บังคับบัญชา" not in page and "ลงนามด้วยตนเอง" in page
    words = pdf_words(person.get("/user/close/%s/request.pdf" % cref).body)
    assert squeeze("ผู้ยื่นคำขอ") in words
    for absent in ("ผู้บังคับบัญชา", "เจ้าหน้าที่ผู้ตรวจสอบ", "govhub"):
        assert squeeze(absent) not in words.lower(), absent
    assert words.count(squeeze("ลงชื่อ")) == 1
    en = pdf_words(person.get("/user/close/%s/request.pdf?lang=en" % cref).body)
    assert "Supervisor" not in en and "Checked" not in en and "govhub" not in en.lower()
    # The e-mails a citizen reads carry the site's name, not the product's.
    sign_and_submit(person, cref)
    mail_where(smtp, pname + "@example.go.th", lambda m: cref in str(m["Subject"]))
    mails = smtp.messages(pname + "@example.go.th")
    assert all("govhub" not in (str(m["Subject"]) + body(m)).lower() for m in mails)


def test_states_are_said_truthfully(server, smtp, sysadmin):
    officer, name, org, ref = officer_request(server, smtp, sysadmin, "truth")
    draft = text(officer.get("/requests/" + ref))
    assert "เสร็จสิ้น" not in draft and "ยังไม่ได้ยื่นคำขอ" in draft
    assert "finished" not in text(officer.get("/requests/%s?lang=en" % ref))
    assert "เสร็จสิ้น" not in text(officer.get("/requests"))
    submit_officer(officer, ref)

    admin = admin_browser(server)
    queue = admin.get("/staff/requests")
    # Each state once in the filter.
    select = re.search(r'<select id="state".*?</select>', queue.text, re.S).group(0)
    values = re.findall(r'<option value="([^"]*)"', select)
    assert len(values) == len(set(values)) and "submitted" in values, values
    # A running request shows its due time in the queue.
    row = re.search(r'<tr[^>]*>(?:(?!</tr>).)*%s(?:(?!</tr>).)*</tr>' % ref, queue.text, re.S).group(0)
    assert re.search(r"25\d\d", row) and "เหลือ" in text(admin.get("/staff/requests?q=" + ref)), row
    staff_draftless = text(admin.get("/staff/requests/" + ref))
    assert "เสร็จสิ้น" not in staff_draftless

    assert staff_step(admin, ref, "reject", "ไม่ใช่เจ้าหน้าที่ของหน่วยงาน").status == 303
    page = text(officer.get("/requests/" + ref))
    assert "หยุดนับเวลา" not in page
    assert "หยุดนับเวลา" not in text(admin.get("/staff/requests/" + ref))
    decided = mail_where(smtp, name + "@example.go.th", lambda m: "ไม่อนุมัติ" in str(m["Subject"]))
    assert all("หยุดนับเวลา" not in body(m) for m in decided)


def test_after_approval_the_officer_is_shown_what_next(server, smtp, sysadmin):
    officer, name, org, ref = officer_request(server, smtp, sysadmin, "next", lang="en")
    # Not yet approved: no next steps.
    draft = officer.get("/requests/%s?lang=en" % ref)
    assert 'href="/dataset/new' not in draft.text
    # A draft is not filed yet: the page says when it was started.
    assert "Started (not yet filed)" in text(draft) and "Filed" not in text(draft)
    # The applicant's note is a message to the reviewer, not the reviewer's "reason needed";
    # "withdraw" does not look like "submit".
    assert "A message to the reviewer (optional)" in text(draft) and "reason is needed" not in text(draft)
    assert 'value="withdraw" class="button secondary"' in draft.text
    assert 'value="submit" class="button"' in draft.text
    submit_officer(officer, ref)
    admin = admin_browser(server)
    assert staff_step(admin, ref, "approve").status == 303
    page = officer.get("/requests/%s?lang=en" % ref)
    assert "Filed" in text(page) and "not yet filed" not in text(page)
    # The reviewer's page of the decided request carries none of the applicant's next steps.
    reviewed = admin.get("/staff/requests/%s?lang=en" % ref)
    assert reviewed.status == 200 and "next-steps" not in reviewed.text
    # The agency is named in the reader's language on either page.
    assert "Department of Review Trials" in text(reviewed) and "Department of Review Trials" in text(page)
    assert "กรมทดสอบการพิจารณา" in text(admin.get("/staff/requests/%s?lang=th" % ref))
    assert "Add a dataset" not in text(reviewed)
    # "Add a dataset" opens the form with the officer's agency chosen.
    add = 'href="/dataset/new?owner_org=%s"' % org["name"]
    assert 'href="/organization/%s"' % org["name"] in page.text and add in page.text
    assert "Add a dataset" in text(page) and "Your agency" in text(page)
    th = officer.get("/requests/%s?lang=th" % ref)
    assert "เพิ่มชุดข้อมูล" in text(th)
    approved = mail_where(smtp, name + "@example.go.th", lambda m: "approved" in str(m["Subject"]).lower())
    text_of = body(approved[0])
    assert "/organization/%s" % org["name"] in text_of
    assert "/dataset/new?owner_org=%s" % org["name"] in text_of
    assert "Add a dataset" in text_of and "govhub" not in text_of.lower()
