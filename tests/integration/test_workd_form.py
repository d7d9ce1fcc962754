"""workD's request form (issue 18, step 1): the form's four parts over the pages (without
JavaScript) and the JSON API, each field's checks in Thai and English with what was typed kept,
a new agency added to the directory as pending with its filer as admin, one open request per
agency, the full check before submitting, the printed form, and hostile or oversized input."""
import datetime
import html
import json
import re
import uuid

from accounts_helpers import create_token_via_page, registered_user
from document_helpers import pdf_words, squeeze
from govhub_harness import Browser
from test_catalog_api import call, ok
from test_officer_membership import upload

TOMORROW = (datetime.datetime.utcnow() + datetime.timedelta(days=2)).date()
TOMORROW_BE = "%d/%d/%d" % (TOMORROW.day, TOMORROW.month, TOMORROW.year + 543)

GOOD = {
    "agency_choice": "new", "agency_name_th": "สำนักงานทดสอบเวิร์กดี", "agency_name_en": "workD Test Office",
    "ministry": "other", "ministry_other_th": "องค์การมหาชน", "ministry_other_en": "Public organisations",
    "contact_name_th": "สมศรี ใจดี", "contact_name_en": "Somsri Jaidee", "contact_position": "นักวิชาการคอมพิวเตอร์",
    "contact_citizen_id": "1-1011-12345-67-9", "office_phone": "02 612 6060 ต่อ 123",
    "contact_phone": "053-123-456", "mobile": "081-234-5678", "email": "somsri@agency.go.th",
    "backup_email": "somsri.backup@example.com",
    "address_number": "99/1", "address_moo": "", "address_soi": "แจ้งวัฒนะ 7", "address_road": "แจ้งวัฒนะ",
    "province": "กรุงเทพมหานคร", "amphoe": "หลักสี่", "tambon": "ทุ่งสองห้อง", "postcode": "",
    "domain_kind": "subdomain", "subdomain": "", "own_domain": "",
    "mail_accounts": "120", "conference_accounts": "10", "effective_date": TOMORROW.isoformat(),
    "pdpa_consent": "yes", "terms_accepted": "yes",
}


def good(**kw):
    d = dict(GOOD, subdomain="wd" + uuid.uuid4().hex[:8])
    d.update(kw)
    return d


def text(r):
    return html.unescape(r.text)


def error_of(page, field):
    m = re.search(r'id="%s-error">([^<]*)<' % re.escape(field), page.text)
    return html.unescape(m.group(1)) if m else None


def saved_with_errors(b, r):
    """A save with errors redirects (303) to the draft's edit page, which shows them: a reload
    of that page does not post again (no second draft)."""
    assert r.status == 303, (r.status, text(r)[:500])
    location = r.header("Location")
    assert re.match(r"/workd/requests/WD-25\d\d-[0-9A-Z]{6}/edit\?saved=1", location), location
    page = b.get(location)
    assert page.status == 200
    return page


def person(server, smtp, prefix):
    """A signed-in browser with an API token of its own (API clients send the token)."""
    b = Browser(server)
    b.name = registered_user(b, smtp, prefix)
    b.token = create_token_via_page(b, b.name)
    return b


def api_json(browser, method, path, obj, lang="th"):
    return Browser(browser.server).request(
        method, path + "?lang=" + lang, body=json.dumps(obj).encode(),
        headers={"Content-Type": "application/json", "Authorization": browser.token})


def make_ministry(server, sysadmin, title="กระทรวงทดสอบเวิร์กดี"):
    name = "wdmin-" + uuid.uuid4().hex[:6]
    ok(call(Browser(server), "organization_create",
            {"name": name, "title": title, "kind": "ministry", "title_en": "Ministry of workD Tests"}, sysadmin))
    return name


def test_the_form_is_linked_and_needs_a_login(server):
    assert "/workd/requests/new" in Browser(server).get("/workd").text
    r = Browser(server).get("/workd/requests/new")
    assert r.status == 303 and r.header("Location").startswith("/user/login?next=%2Fworkd%2Frequests%2Fnew")


def test_a_good_form_without_javascript_makes_a_pending_agency_and_goes_on(server, smtp, sysadmin):
    ministry = make_ministry(server, sysadmin)
    ok(call(Browser(server), "organization_create",
            {"name": "wdoth-" + uuid.uuid4().hex[:6], "title": "สำนักงานอิสระทดสอบ"}, sysadmin))
    b = Browser(server)
    name = registered_user(b, smtp, "wdform")
    page = b.get("/workd/requests/new")
    assert page.status == 200
    # The guide's four parts, the full terms and the consent text.
    for words in ("ส่วนที่ 1", "ส่วนที่ 2", "ส่วนที่ 3", "ส่วนที่ 4", "4.6 ผู้ให้บริการขอดำเนินการตรวจสอบข้อมูล",
                  "ให้ความยินยอม", "ข้าพเจ้ายอมรับ", "กระทรวงทดสอบเวิร์กดี"):
        assert words in text(page), words
    # The directory picker: each ministry heads a group, the agencies outside one come last.
    m = re.search(r'<select id="agency".*?</select>', page.text, re.S)
    groups = re.findall(r'<optgroup label="([^"]*)">', m.group(0))
    assert "กระทรวงทดสอบเวิร์กดี" in [html.unescape(g) for g in groups] and groups[-1] == "หน่วยงานอื่น", groups
    form = good(ministry=ministry, postcode="", effective_date=TOMORROW_BE, action="continue")
    r = b.post_form("/workd/requests/new", form)
    assert r.status == 303, text(r)[:3000]
    ref = r.header("Location").rsplit("/", 1)[1]
    assert re.fullmatch(r"WD-25\d\d-[0-9A-HJKMNP-TV-Z]{6}", ref), ref
    # The pending agency under the ministry, its filer its admin.
    rows = server.query("SELECT o.id, o.state, o.kind, p.name FROM organizations o LEFT JOIN organizations p"
                        " ON p.id = o.parent_id WHERE o.title = 'สำนักงานทดสอบเวิร์กดี' ORDER BY o.created DESC")
    assert rows and rows[0][1] == "pending" and rows[0][2] == "department" and rows[0][3] == ministry, rows
    member = server.query("SELECT m.capacity FROM memberships m JOIN users u ON u.id = m.user_id"
                          " WHERE m.object_id = '%s' AND u.name = '%s'" % (rows[0][0], name))
    assert member and member[0][0] == "admin", member
    # Stored normalised: the postcode filled in, the BE date read, the phone's digits.
    got = b.get("/api/workd/requests/" + ref).json()
    f = got["form"]
    assert got["state"] == "draft" and got["complete"] is True and got["errors"] == {}
    assert f["postcode"] == "10210" and f["effective_date"] == TOMORROW.isoformat()
    assert f["office_phone"] == "026126060 ต่อ 123" and f["mobile"] == "0812345678"
    assert f["contact_citizen_id"] == "1-1011-XXXXX-XX-9"
    assert f["pdpa_version"] == "2026-12" and f["pdpa_at"] and f["terms_version"] == "2026-12"
    assert f["mail_accounts"] == 120 and got["agency_id"] == rows[0][0]
    # The request page leads to the printed form; the PDF carries the values.
    req = b.get("/requests/" + ref)
    assert "/workd/requests/%s/form.pdf" % ref in req.text
    assert "/workd/requests/%s/edit" % ref in req.text  # "edit the form" while a draft
    # The ministry by its title, never its short name; the choice worded as asked.
    assert "<dd>กระทรวงทดสอบเวิร์กดี</dd>" in text(req) and "<dd>%s</dd>" % ministry not in text(req)
    assert "ขอในนามหน่วยงานใหม่" in text(req)
    assert "<dd>Ministry of workD Tests</dd>" in text(b.get("/requests/%s?lang=en" % ref))
    b.get("/requests/%s?lang=th" % ref)
    pdf = b.get("/workd/requests/%s/form.pdf" % ref)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF-")
    words = pdf_words(pdf.body, keep_as="workd-form")
    for expected in ("ส่วนที่ 1", "สำนักงานทดสอบเวิร์กดี", "1-1011-12345-67-9", "ทุ่งสองห้อง", "10210",
                     form["subdomain"] + ".mail.go.th", "120", "กระทรวงทดสอบเวิร์กดี", "02-612-6060 ต่อ 123", "081-234-5678", "ลงนามผู้ขอใช้บริการ",
                     "ลงนามผู้บริหารสูงสุดของหน่วยงาน", "4.5", str(TOMORROW.year + 543), ref,
                     "(สมศรี ใจดี)"):  # the requester's name under their signature line
        assert squeeze(expected) in words, (expected, words[:800])
    assert squeeze("ยังไม่ควรลงนาม") not in words  # complete: for signing
    # Submitting: the signed scan first, then the step passes the form's full check.
    csrf = b.csrf_from("/requests/" + ref)
    r = upload(b, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
               "คำขอ.pdf", b"%PDF-1.7\n% signed scan\n", "application/pdf")
    assert r.status == 303
    r = b.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 303, text(r)[:2000]
    assert b.get("/api/workd/requests/" + ref).json()["state"] == "submitted"
    # No longer editable.
    assert b.get("/workd/requests/%s/edit" % ref).header("Location") == "/requests/" + ref


def test_each_field_is_checked_in_the_readers_language_and_kept(server, smtp):
    b = Browser(server)
    registered_user(b, smtp, "wdbad")
    bad = good(agency_name_th="", ministry="no-such-ministry", contact_citizen_id="1101112345678",
               office_phone="12345", mobile="02-123-4567", email="not-an-email",
               backup_email="SOMSRI@agency.go.th", province="กรุงเทพมหานคร", amphoe="หลักสี่",
               tambon="ไม่มีแขวงนี้", subdomain="www", mail_accounts="-5", conference_accounts="abc",
               effective_date="31/02/2569", pdpa_consent="no", terms_accepted="", action="continue")
    r = saved_with_errors(b, b.post_form("/workd/requests/new", bad))
    expected = {
        "agency_name_th": "กรุณากรอกช่องนี้", "ministry": "กรุณาเลือกกระทรวง",
        "contact_citizen_id": "เลขบัตรประจำตัวประชาชนไม่ถูกต้อง", "office_phone": "เบอร์โทรศัพท์ไม่ถูกต้อง",
        "mobile": "เบอร์มือถือไม่ถูกต้อง", "email": "อีเมลไม่ถูกต้อง",
        "tambon": "ไม่พบแขวงนี้", "subdomain": "สงวนไว้", "mail_accounts": "จำนวนเต็ม",
        "conference_accounts": "จำนวนเต็ม", "effective_date": "วันที่ไม่ถูกต้อง",
        "pdpa_consent": "ส่งคำขอไม่ได้หากไม่ให้ความยินยอม", "terms_accepted": "กรุณายอมรับ",
    }
    for field, words in expected.items():
        assert words in (error_of(r, field) or ""), (field, error_of(r, field))
    # Bangkok's words, the summary linking to the fields, what was typed kept.
    assert "แขวง" in text(r) and "เขต" in text(r)
    assert 'href="#contact_citizen_id"' in r.text
    assert 'value="1101112345678"' in r.text and 'value="12345"' in r.text and 'value="www"' in r.text
    # The draft was kept even so: its reference is on the page.
    ref = re.search(r"WD-25\d\d-[0-9A-Z]{6}", r.text).group(0)
    # In English.
    r = b.post_form("/workd/requests/%s/edit?lang=en" % ref, dict(bad, lang="en"), csrf_page="/workd/requests/%s/edit" % ref)
    page = b.get("/workd/requests/%s/edit?lang=en&check=1" % ref)
    assert "Not a valid citizen ID" in (error_of(page, "contact_citizen_id") or "")
    assert "Not a valid mobile number" in (error_of(page, "mobile") or "")
    assert "cannot be submitted without consent" in (error_of(page, "pdpa_consent") or "")
    # Each one good in turn: a backup address equal to the main one, a postcode off its tambon
    # (kept with a note), a past date, both counts zero.
    b.get("/workd?lang=th")
    r = b.post_form("/workd/requests/%s/edit" % ref,
                    good(backup_email="Somsri@Agency.go.th", postcode="10900", effective_date="2020-01-01",
                         mail_accounts="0", conference_accounts="๐", action="continue"))
    r = saved_with_errors(b, r)
    assert "ต้องไม่ซ้ำ" in error_of(r, "backup_email")
    assert "10210" in error_of(r, "postcode")
    assert "ต้องไม่ก่อนวันนี้" in error_of(r, "effective_date")
    assert "อย่างน้อยหนึ่งระบบ" in error_of(r, "mail_accounts")
    r = b.post_form("/workd/requests/%s/edit" % ref,
                    good(postcode="10900", postcode_note="ไปรษณีย์แจ้งรหัสใหม่แล้ว", action="continue"))
    assert r.status == 303 and r.header("Location") == "/requests/" + ref
    assert b.get("/api/workd/requests/" + ref).json()["form"]["postcode"] == "10900"


def test_the_api_creates_reads_and_updates_a_draft(server, smtp):
    b = person(server, smtp, "wdapi")
    r = api_json(b, "POST", "/api/workd/requests",
                 {"agency_choice": "new", "agency_name_th": "สำนักงานเอพีไอ", "mobile": "0212",
                  "mail_accounts": 5, "pdpa_consent": True, "terms_accepted": True}, lang="en")
    assert r.status == 201, r.text
    body = r.json()
    ref = body["reference"]
    assert body["state"] == "draft" and body["complete"] is False
    assert body["errors"]["mobile"].startswith("Not a valid mobile") and body["errors"]["email"] == "Please fill in this field"
    assert body["form"]["pdpa_consent"] == "yes"
    # A wrong type is a 409 naming the field; a body that is not an object a 400.
    r = api_json(b, "PUT", "/api/workd/requests/" + ref, {"mobile": ["0812345678"]})
    assert r.status == 409 and "mobile" in r.json()["error"]["fields"]
    r = api_json(b, "PUT", "/api/workd/requests/" + ref, [1, 2])
    assert r.status == 400
    # PUT changes what it names; the masked citizen ID sent back means "unchanged".
    full = {k: v for k, v in good().items() if k != "agency_name_th"}
    r = api_json(b, "PUT", "/api/workd/requests/" + ref, full)
    assert r.status == 200 and r.json()["complete"] is True, r.text
    got = b.get("/api/workd/requests/" + ref).json()
    assert got["form"]["agency_name_th"] == "สำนักงานเอพีไอ"
    r = api_json(b, "PUT", "/api/workd/requests/" + ref, {"contact_citizen_id": got["form"]["contact_citizen_id"]})
    assert r.status == 200 and r.json()["complete"] is True
    # Another person's request is not found.
    other = person(server, smtp, "wdother")
    assert other.get("/api/workd/requests/" + ref).status == 404
    assert api_json(other, "PUT", "/api/workd/requests/" + ref, {"mobile": "0812345678"}).status == 404
    assert other.get("/workd/requests/%s/edit" % ref).status == 404
    assert other.get("/workd/requests/%s/form.pdf" % ref).status in (403, 404)


def test_one_agency_has_one_open_request(server, smtp, sysadmin):
    name = "wdag-" + uuid.uuid4().hex[:6]
    ok(call(Browser(server), "organization_create", {"name": name, "title": "กรมทดสอบคำขอซ้ำ"}, sysadmin))
    a, c = Browser(server), person(server, smtp, "wdtwo")
    a_name = registered_user(a, smtp, "wdone")
    # A member of one agency finds it chosen already.
    ok(call(Browser(server), "organization_member_create", {"id": name, "username": a_name, "role": "editor"}, sysadmin))
    page = a.get("/workd/requests/new")
    assert re.search(r'<option value="%s" selected>' % name, page.text)
    assert re.search(r'value="directory" checked', page.text)
    form = good(agency_choice="directory", agency=name, action="save")
    r = a.post_form("/workd/requests/new", form)
    assert r.status == 303
    first = re.search(r"/workd/requests/([^/]+)/edit", r.header("Location")).group(1)
    # A draft blocks only its own filer's second draft (someone else's draft blocks nobody).
    r = c.post_form("/workd/requests/new", form)
    assert r.status == 303
    r = a.post_form("/workd/requests/new", form)
    assert r.status == 409 and "/requests/" + first in r.text and "คำขอใช้บริการที่ยังดำเนินการอยู่" in text(r)
    assert 'value="%s"' % form["subdomain"] in r.text  # what was typed is kept
    a.token = create_token_via_page(a, a_name)
    r = api_json(a, "POST", "/api/workd/requests", form, lang="en")
    assert r.status == 409 and "open request" in r.json()["error"]["fields"]["agency"]
    assert r.header("Location") == "/requests/" + first


def test_hostile_and_oversized_input(server, smtp):
    b = person(server, smtp, "wdhostile")
    r = b.post_form("/workd/requests/new", good(contact_name_th="สมศรี\x07ใจดี", contact_position="ก" * 300,
                                                contact_name_en="<script>alert(1)</script>", action="continue"))
    r = saved_with_errors(b, r)
    assert "อักขระที่ใช้ไม่ได้" in error_of(r, "contact_name_th")
    assert "ยาวเกินกำหนด" in error_of(r, "contact_position")
    assert "<script>alert(1)" not in r.text and "&lt;script&gt;" in r.text
    ref = re.search(r"WD-25\d\d-[0-9A-Z]{6}", r.text).group(0)
    f = b.get("/api/workd/requests/" + ref).json()["form"]
    assert f["contact_name_th"] == "" and len(f["contact_position"].encode()) <= 800
    # An oversized body is refused before it is read.
    r = api_json(b, "POST", "/api/workd/requests", {"contact_name_th": "x" * 200_000})
    assert r.status == 413
    # Odd JSON: deep nesting, numbers where text is wanted.
    r = api_json(b, "POST", "/api/workd/requests", {"email": {"a": [[[[[]]]]]}})
    assert r.status == 409
    assert server.alive()


def test_submitting_refuses_an_incomplete_form(server, smtp):
    b = person(server, smtp, "wdsubmit")
    r = b.post_form("/workd/requests/new", good(mobile="", pdpa_consent="no", action="save"))
    r = saved_with_errors(b, r)  # the draft is kept; the refused consent is shown at once
    ref = re.search(r"WD-25\d\d-[0-9A-Z]{6}", r.text).group(0)
    assert "ส่งคำขอไม่ได้หากไม่ให้ความยินยอม" in error_of(r, "pdpa_consent")
    # Its printed form says first that it is not for signing yet, and why.
    words = pdf_words(b.get("/workd/requests/%s/form.pdf?lang=th" % ref).body, keep_as="workd-form-not-ready")
    assert squeeze("ร่าง ยังไม่ควรลงนาม") in words and squeeze("มีข้อผิดพลาด 2 รายการ") in words, words[:400]
    csrf = b.csrf_from("/requests/" + ref)
    r = upload(b, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
               "คำขอ.pdf", b"%PDF-1.7\n% signed scan\n", "application/pdf")
    assert r.status == 303
    r = b.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 409
    assert "เบอร์โทรศัพท์มือถือ" in text(r) or "กรุณากรอกช่องนี้" in text(r)
    assert "ส่งคำขอไม่ได้หากไม่ให้ความยินยอม" in text(r)
    assert Browser(server).get("/").status == 200
    got = b.get("/workd/requests/%s/edit" % ref)
    assert got.status == 200  # still a draft
    # Fixed, it goes through.
    r = b.post_form("/workd/requests/%s/edit" % ref, good(action="continue"))
    assert r.status == 303
    r = b.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 303
    # Submitted: no longer the applicant's to change, over the API either.
    r = api_json(b, "PUT", "/api/workd/requests/" + ref, {"mobile": "0899999999"}, lang="en")
    assert r.status == 409 and "can no longer be changed" in r.json()["error"]["message"]
    r = b.post_form("/workd/requests/%s/edit" % ref, good(action="save"), csrf_page="/requests/" + ref)
    assert r.status == 409 and "แก้ไขคำขอนี้ไม่ได้แล้ว" in text(r)


def test_the_address_data_serves_the_pickers(server):
    r = Browser(server).get("/workd/address-data.json")
    assert r.status == 200 and "max-age" in r.header("Cache-Control")
    d = r.json()
    assert d["bangkok"] == "กรุงเทพมหานคร" and len(d["provinces"]) == 77
