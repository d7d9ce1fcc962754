"""workD's change request page (issue 18): /workd/requests/{reference}/change, a change to an
approved service (member list, more accounts, Mail Relay, the effective date) with the contact
part prefilled from the approved request and the consent and terms given anew; filed without
JavaScript by its applicant or another admin of the agency, in Thai and English, with per-field
errors and what was typed kept; strangers get 404, a request not approved the 409 that says so;
the workd_change draft it files is the approved request's child, as the JSON API's is."""
import datetime
import html
import re

from document_helpers import pdf_words, squeeze
from test_workd_form import error_of
from test_workd_review import (agency, anonymous, api, body_of, filed, grant, mail_with, make_admin, person, step,
                               submitted_change, text, upload)

NEXT_WEEK = (datetime.datetime.utcnow() + datetime.timedelta(days=7)).date()


def change_path(ref, lang=None):
    return "/workd/requests/%s/change" % ref + ("?lang=" + lang if lang else "")


def value_of(page, field):
    m = re.search(r'id="%s"[^>]*value="([^"]*)"' % re.escape(field), page.text)
    return html.unescape(m.group(1)) if m else None


def textarea_of(page, field):
    m = re.search(r'<textarea id="%s"[^>]*>([^<]*)</textarea>' % re.escape(field), page.text)
    return html.unescape(m.group(1)) if m else None


def test_the_change_page_files_a_change_linked_to_its_service(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบเปลี่ยนแปลงบริการ")
    requester = person(server, smtp, "wdchg")
    colleague = person(server, smtp, "wdchgadm")
    make_admin(server, sysadmin, org, colleague.name)
    reviewer = person(server, smtp, "wdchgrev")
    for t in ("workd_service", "workd_change"):
        grant(server, reviewer.name, t)
    stranger = person(server, smtp, "wdchgstr")
    ref = filed(requester, org, mail=30, conference=3)

    # Not approved yet: the page says why, in the reader's language; no link on the request page.
    r = requester.get(change_path(ref))
    assert r.status == 409 and ref in text(r) and "ยังไม่ได้รับอนุมัติ" in text(r), text(r)[:2000]
    r = requester.get(change_path(ref, "en"))
    assert r.status == 409 and "is not approved" in text(r)
    assert change_path(ref) not in requester.get("/requests/" + ref).text
    assert step(reviewer, ref, "approve").status == 200

    # Approved: the request page links the change page (applicant and the agency's other admin).
    assert change_path(ref) in requester.get("/requests/" + ref).text
    # Strangers, anonymous visitors and other requests' users: nothing to see.
    assert stranger.get(change_path(ref)).status == 404
    r = stranger.post_form(change_path(ref), {"members_change": "x", "terms_accepted": "yes"},
                           csrf_page="/workd/requests/new")
    assert r.status == 404
    r = anonymous(server).get(change_path(ref))
    assert r.status == 303 and "/user/login" in r.header("Location")
    assert requester.get(change_path("WD-0000-99999")).status == 404

    # The form: the service as it is, the contact part prefilled from the approved request.
    page = requester.get(change_path(ref, "th"))
    assert page.status == 200
    t = text(page)
    assert "คำขอเปลี่ยนแปลงบริการ workD" in t and "workD Mail 30" in t and ref in t
    assert value_of(page, "contact_name_th") == "สมศรี ใจดี"
    assert value_of(page, "email") == "somsri@agency.go.th"
    assert 'id="contact_citizen_id"' not in page.text  # not the change's to show
    assert 'type="date"' in page.text and 'name="terms_accepted"' in page.text

    # Bad values (Thai): each field's message beside it and in the summary; what was typed kept.
    bad = {"members_change": "", "more_mail_accounts": "-3", "more_conference_accounts": "สิบ",
           "relay": "open", "relay_details": "", "effective_date": "2020-01-01",
           "contact_name_th": "สมศรี ใจดี", "contact_name_en": "Somsri Jaidee",
           "contact_position": "นักวิชาการคอมพิวเตอร์", "office_phone": "02 612 6060",
           "contact_phone": "", "mobile": "12345", "email": "not-an-email",
           "backup_email": "somsri.backup@example.com", "pdpa_consent": ""}
    r = requester.post_form(change_path(ref, "th"), bad)
    assert r.status == 409, text(r)[:1500]
    assert error_of(r, "more_mail_accounts") == "ใส่จำนวนบัญชีเป็นจำนวนเต็มตั้งแต่ 0"
    assert error_of(r, "more_conference_accounts")
    assert error_of(r, "relay_details")
    assert error_of(r, "effective_date")
    assert error_of(r, "mobile") and error_of(r, "email")
    assert error_of(r, "pdpa_consent") and error_of(r, "terms_accepted")
    assert 'href="#more_mail_accounts"' in r.text and 'id="form-errors"' in r.text
    assert value_of(r, "more_mail_accounts") == "-3" and value_of(r, "more_conference_accounts") == "สิบ"
    assert value_of(r, "mobile") == "12345" and value_of(r, "email") == "not-an-email"
    assert 'value="open" checked' in r.text
    # Nothing asked for: at least one change.
    r = requester.post_form(change_path(ref, "th"), dict(bad, more_mail_accounts="", more_conference_accounts="",
                                                   relay="", mobile="081-234-5678",
                                                   email="somsri@agency.go.th",
                                                   effective_date=NEXT_WEEK.isoformat(),
                                                   pdpa_consent="yes", terms_accepted="yes"))
    assert r.status == 409
    assert error_of(r, "members_change") == "โปรดระบุอย่างน้อยหนึ่งรายการที่ต้องการเปลี่ยนแปลง"
    # The same in English, with a consent refused.
    r = requester.post_form(change_path(ref, "en"), dict(bad, pdpa_consent="no"),
                            csrf_page=change_path(ref, "en"))
    assert r.status == 409
    assert error_of(r, "more_mail_accounts") == "Enter a whole number of accounts, 0 or more"
    assert error_of(r, "pdpa_consent") and "Mail Relay details" in text(r)
    # None of that filed anything.
    assert not [c for c in api(reviewer, "GET", "/api/requests/" + ref).json()["children"]
                if c["type"] == "workd_change"]

    # Good values, by the agency's other admin, in English, no JavaScript: a WC draft, the
    # request page next, linked to the approved request.
    good = {"members_change": "New administrator: Mr Somchai replaces Ms Somsri",
            "more_mail_accounts": "15", "more_conference_accounts": "", "relay": "open",
            "relay_details": "Printer 10.1.2.3 sends alerts", "effective_date": NEXT_WEEK.isoformat(),
            "contact_name_th": "สมชาย ดีใจ", "contact_name_en": "Somchai Deejai",
            "contact_position": "ผู้อำนวยการกลุ่ม", "office_phone": "02 612 6060 ต่อ 7",
            "contact_phone": "", "mobile": "089-111-2222", "email": "somchai@agency.go.th",
            "backup_email": "somchai.backup@example.com", "pdpa_consent": "yes",
            "terms_accepted": "yes"}
    r = colleague.post_form(change_path(ref, "en"), good, csrf_page=change_path(ref, "en"))
    assert r.status == 303, text(r)[:2000]
    wc = r.header("Location").rsplit("/", 1)[1]
    assert r.header("Location") == "/requests/" + wc and wc.startswith("WC-")
    change = api(colleague, "GET", "/api/requests/" + wc).json()  # a draft: its applicant's alone
    assert change["state"] == "draft" and change["data"]["service_request"] == ref
    assert api(reviewer, "GET", "/api/requests/" + wc).status == 404
    data = change["data"]
    assert data["more_mail_accounts"] == 15 and data["relay"] == "open"
    assert data["effective_date"] == NEXT_WEEK.isoformat()
    assert data["contact_name_th"] == "สมชาย ดีใจ" and data["mobile"] == "0891112222"
    assert data["pdpa_consent"] == "yes" and data["pdpa_at"] and data["pdpa_version"]
    assert data["terms_accepted"] == "yes" and data["terms_at"] and data["terms_version"]
    # Staff see the change among the service's children once it is submitted (a draft is not theirs).
    assert wc not in [c["reference"] for c in api(reviewer, "GET", "/api/requests/" + ref).json()["children"]]
    page = text(colleague.get("/requests/" + wc + "?lang=th"))
    assert ref in page and "สมชาย ดีใจ" in page and "Printer 10.1.2.3" in page
    # The request page offers the change's printed form; it shows the change as filed.
    assert "/workd/changes/%s/form.pdf" % wc in colleague.get("/requests/" + wc).text
    pdf = colleague.get("/workd/changes/%s/form.pdf?lang=th" % wc)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    words = pdf_words(pdf.body, keep_as="workd-change-form")
    for expected in ("แบบคำขอเปลี่ยนแปลงบริการ", "New administrator", "จำนวน 15 บัญชีผู้ใช้งาน",
                     "Printer 10.1.2.3", "สมชาย ดีใจ", "089-111-2222", ref):
        assert squeeze(expected) in words, (expected, words[:800])
    assert stranger.get("/workd/changes/%s/form.pdf" % wc).status == 404
    # Signed, uploaded, submitted and approved as any change: the service grows.
    assert upload(colleague, wc).status == 201
    assert step(colleague, wc, "submit").json()["state"] == "submitted"
    assert wc in [c["reference"] for c in api(reviewer, "GET", "/api/requests/" + ref).json()["children"]]
    assert step(reviewer, wc, "approve").json()["state"] == "approved"
    page = text(requester.get(change_path(ref)))
    assert "workD Mail 45" in page


def test_the_api_takes_the_same_fields(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบเปลี่ยนแปลงผ่านเอพีไอ")
    requester = person(server, smtp, "wdchgapi")
    reviewer = person(server, smtp, "wdchgapir")
    grant(server, reviewer.name, "workd_service")
    ref = filed(requester, org)
    assert step(reviewer, ref, "approve").status == 200
    # The page's checks are the API's: a past date and a bad mobile named, nothing filed.
    r = api(requester, "POST", "/api/workd/changes",
            {"parent": ref, "members_change": "x", "effective_date": "2020-01-01", "mobile": "1"},
            lang="en")
    assert r.status == 409
    assert {"effective_date", "mobile"} <= set(r.json()["error"]["fields"]), r.text
    r = api(requester, "POST", "/api/workd/changes",
            {"parent": ref, "members_change": "เปลี่ยนผู้ดูแลระบบ", "effective_date": NEXT_WEEK.isoformat(),
             "pdpa_consent": True, "terms_accepted": True})
    assert r.status == 201, r.text
    wc = r.json()["reference"]
    data = api(requester, "GET", "/api/requests/" + wc).json()["data"]
    assert data["effective_date"] == NEXT_WEEK.isoformat() and data["terms_version"]
    # Staff may approve fewer accounts than a change asks, with a reason the agency is told.
    wc = submitted_change(requester, ref, more_mail_accounts=10, more_conference_accounts=2)
    grant(server, reviewer.name, "workd_change")
    r = step(reviewer, wc, "approve", data={"approved_mail_accounts": 11}, lang="en")
    assert r.status == 409 and "approved_mail_accounts" in r.json()["error"]["fields"], r.text
    r = step(reviewer, wc, "approve", data={"approved_mail_accounts": 4}, lang="en")
    assert r.status == 409 and "reduction_reason" in r.json()["error"]["fields"], r.text
    r = step(reviewer, wc, "approve", data={"approved_mail_accounts": 4, "reduction_reason": "งบประมาณปีนี้เหลือน้อย"})
    assert r.status == 200, r.text
    m = mail_with(smtp, requester.email, wc, "อนุมัติ")
    body = body_of(m)
    assert "เพิ่มที่อนุมัติ: 4 (ที่ขอ: 10)" in body and "งบประมาณปีนี้เหลือน้อย" in body, body
    assert "เพิ่มที่อนุมัติ: 2 (ที่ขอ: 2)" in body, body
    service = api(requester, "GET", "/api/workd/agencies").json()["agencies"]
    mine = [a for a in service if a["name"] == org["name"]][0]["service"]
    assert mine["mail_accounts"]["approved"] == 44 and mine["conference_accounts"]["approved"] == 7, mine
