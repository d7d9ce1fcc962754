"""workD's review (issue 18, steps 2 and 4) over HTTP on the workflow's review process: who sees
and does what (the requester, another admin of the agency, a reviewer of workd_service, a
reviewer scoped to another agency, a user of another agency); approval with fewer accounts and
the reason shown to the agency; needs-information loops; rejection; withdrawal; suspension and
reinstatement; a change request linked both ways; the budget per Thai fiscal year; the
hand-over closed by staff, which opens the service and mails the agency's administrators."""
import datetime
import html
import json
import re
import time
import uuid

from accounts_helpers import create_token_via_page, login, registered_user
from govhub_harness import Browser
from test_catalog_api import call, ok
from test_workd_form import good

ROOT_PASSWORD = "ผู้ดูแล-ทดสอบ-2569"  # conftest's sysadmin
PDF = b"%PDF-1.7\n% signed scan\n"


def text(r):
    return html.unescape(r.text)


def person(server, smtp, prefix):
    """A signed-in browser with an API token of its own."""
    b = Browser(server)
    b.name = registered_user(b, smtp, prefix)
    b.token = create_token_via_page(b, b.name)
    b.email = b.name + "@example.go.th"
    return b


def api(who, method, path, obj=None, lang="th"):
    """A JSON call with `who`'s API token (an `anonymous(server)` sends none)."""
    headers = {"Content-Type": "application/json"}
    if who.token:
        headers["Authorization"] = who.token
    sep = "&" if "?" in path else "?"
    return Browser(who.server).request(
        method, path + sep + "lang=" + lang, body=None if obj is None else json.dumps(obj).encode(),
        headers=headers)


def anonymous(server):
    b = Browser(server)
    b.token = None
    return b


def root(server):
    b = Browser(server)
    assert login(b, "root-it", ROOT_PASSWORD).status == 303
    b.token = None
    return b


def agency(server, sysadmin, title="กรมทดสอบพิจารณาเวิร์กดี"):
    name = "wdrv-" + uuid.uuid4().hex[:6]
    return ok(call(Browser(server), "organization_create", {"name": name, "title": title}, sysadmin))


def make_admin(server, sysadmin, org, user):
    ok(call(Browser(server), "organization_member_create",
            {"id": org["id"], "username": user, "role": "admin"}, sysadmin))


def grant(server, user, type_="workd_service", agencies=""):
    r = root(server).post_form("/staff/roles", {"user": user, "type": type_, "role": "reviewer",
                                                "agencies": agencies}, csrf_page="/staff/roles")
    assert r.status == 303, text(r)[:1500]


def filed(requester, org=None, mail=40, conference=5, **form):
    """A workD request filed through the form's API, its signed scan uploaded and submitted
    through the workflow's API; its reference."""
    fields = good(mail_accounts=str(mail), conference_accounts=str(conference), **form)
    if org is not None:
        fields.update(agency_choice="directory", agency=org["name"])
    elif "agency_name_th" not in form:  # a new agency of its own, named uniquely
        n = uuid.uuid4().int % 100000
        fields.update(agency_name_th="สำนักงานทดสอบพิจารณา %d" % n, agency_name_en="Review Test Office %d" % n)
    r = api(requester, "POST", "/api/workd/requests", fields)
    assert r.status == 201, r.text
    ref = r.json()["reference"]
    r = upload(requester, ref)
    assert r.status == 201, r.text
    assert r.json()["kind"] == "signed_application"
    r = api(requester, "POST", "/api/requests/%s/transitions" % ref, {"transition": "submit"})
    assert r.status == 200, r.text
    assert r.json()["state"] == "submitted"
    return ref


def upload(who, ref, filename="signed.pdf"):
    """The signed scan (kind signed_application) uploaded through the workflow's API."""
    boundary = "----wd" + uuid.uuid4().hex
    body = ("--%s\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nsigned_application\r\n"
            "--%s\r\nContent-Disposition: form-data; name=\"document\"; filename=\"%s\"\r\n"
            "Content-Type: application/pdf\r\n\r\n" % (boundary, boundary, filename)).encode() + PDF + \
        ("\r\n--%s--\r\n" % boundary).encode()
    return Browser(who.server).request(
        "POST", "/api/requests/%s/documents" % ref, body=body,
        headers={"Content-Type": "multipart/form-data; boundary=" + boundary, "Authorization": who.token})


def file_change(who, ref, lang="th", **change):
    """POST /api/workd/changes: the change given, with the consent, the terms and a date a week
    ahead (what every change asks, as the change page does)."""
    week = (datetime.datetime.utcnow() + datetime.timedelta(days=7)).date().isoformat()
    body = {"parent": ref, "effective_date": week, "pdpa_consent": True, "terms_accepted": True}
    body.update(change)
    return api(who, "POST", "/api/workd/changes", body, lang=lang)


def submitted_change(who, ref, **change):
    """A change filed, its signed scan uploaded and submitted; its reference."""
    r = file_change(who, ref, **change)
    assert r.status == 201, r.text
    wc = r.json()["reference"]
    assert upload(who, wc).status == 201
    r = step(who, wc, "submit")
    assert r.status == 200 and r.json()["state"] == "submitted", r.text
    return wc


def step(who, ref, transition, note="", data=None, lang="th"):
    body = {"transition": transition, "note": note}
    if data is not None:
        body["data"] = data
    return api(who, "POST", "/api/requests/%s/transitions" % ref, body, lang=lang)


def mail_with(smtp, to, *needles, timeout=10):
    """The first mail to `to` whose subject and body hold every needle (waiting for it)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for m in smtp.messages(to):
            whole = str(m["Subject"]) + "\n" + body_of(m)
            if all(n in whole for n in needles):
                return m
        time.sleep(0.1)
    raise AssertionError("no mail for %s with %s" % (to, needles))


def body_of(m):
    return m.get_body(preferencelist=("plain",)).get_content()


def test_who_sees_and_does_what_and_the_approval_with_fewer_accounts(server, smtp, sysadmin):
    org, other_org = agency(server, sysadmin), agency(server, sysadmin, "กรมอื่นของการทดสอบ")
    requester = person(server, smtp, "wdreq")
    colleague = person(server, smtp, "wdcol")
    make_admin(server, sysadmin, org, colleague.name)
    reviewer = person(server, smtp, "wdrevw")
    grant(server, reviewer.name)
    scoped = person(server, smtp, "wdscoped")
    grant(server, scoped.name, agencies=other_org["name"])
    stranger = person(server, smtp, "wdstranger")
    make_admin(server, sysadmin, other_org, stranger.name)

    ref = filed(requester, org, mail=40, conference=5)
    # The requester reads it and may withdraw; nobody else of the agency or elsewhere sees it.
    mine = api(requester, "GET", "/api/requests/" + ref).json()
    assert mine["state"] == "submitted" and mine["mine"] is True and "facts" not in mine
    assert [s["transition"] for s in mine["steps"]] == ["withdraw"]
    assert mine["data"]["contact_citizen_id"] == "1-1011-XXXXX-XX-9"
    for who in (colleague, scoped, stranger):
        assert api(who, "GET", "/api/requests/" + ref).status == 404, who.name
        assert step(who, ref, "approve").status == 404, who.name
        assert Browser(server).request("GET", "/staff/requests/" + ref,
                                       headers={"Authorization": who.token}).status == 404
    assert api(anonymous(server), "GET", "/api/requests/" + ref).status == 401
    # The requester cannot decide their own request.
    assert step(requester, ref, "approve").status == 403
    # The reviewer sees the facts beside it and the approval's inputs.
    seen = api(reviewer, "GET", "/api/requests/" + ref, lang="en").json()
    assert seen["mine"] is False
    steps = {s["transition"]: s for s in seen["steps"]}
    assert set(steps) == {"ask_info", "approve", "reject"}
    assert [i["field"] for i in steps["approve"]["inputs"]] == [
        "approved_mail_accounts", "approved_conference_accounts", "reduction_reason"]
    labels = [f["label"] for f in seen["facts"]]
    assert any("workD Mail budget, fiscal year 25" in l for l in labels), labels
    assert any("with this request" in f["value"] for f in seen["facts"]), seen["facts"]
    assert seen["facts"][-1]["value"] == "None yet"
    page = text(reviewer.get("/staff/requests/" + ref))
    assert 'name="approved_mail_accounts"' in page and 'value="40"' in page
    assert "ข้อมูลประกอบการพิจารณา" in page and "/staff/workd/budget" in page

    # More than asked, and fewer without a reason: refused with the field named, kept as typed.
    r = step(reviewer, ref, "approve", data={"approved_mail_accounts": 41}, lang="en")
    assert r.status == 409 and "more than was asked" in r.json()["error"]["fields"]["approved_mail_accounts"]
    r = step(reviewer, ref, "approve", data={"approved_mail_accounts": "abc"}, lang="en")
    assert r.status == 409 and "whole number" in r.json()["error"]["fields"]["approved_mail_accounts"]
    r = step(reviewer, ref, "approve", data={"state": "approved"})
    assert r.status == 409 and "state" in r.json()["error"]["fields"]
    csrf = reviewer.csrf_from("/staff/requests/" + ref)
    r = reviewer.post_form("/staff/requests/" + ref, {"_csrf": csrf, "transition": "approve",
                                                      "approved_mail_accounts": "30",
                                                      "reduction_reason": ""}, csrf=False)
    assert r.status == 409
    page = text(r)
    assert 'id="input-reduction_reason-error"' in page and 'value="30"' in page
    assert api(reviewer, "GET", "/api/requests/" + ref).json()["state"] == "submitted"
    # Approved through the page with 30 of 40 and the reason.
    r = reviewer.post_form("/staff/requests/" + ref, {"transition": "approve", "approved_mail_accounts": "30",
                                                      "approved_conference_accounts": "",
                                                      "reduction_reason": "กรอบปีนี้เหลือน้อย",
                                                      "note": "เปิดใช้ได้ภายในสัปดาห์นี้"},
                           csrf_page="/staff/requests/" + ref)
    assert r.status == 303, text(r)[:2000]
    got = api(requester, "GET", "/api/requests/" + ref).json()
    assert got["state"] == "approved"
    assert got["data"]["approved_mail_accounts"] == 30 and got["data"]["approved_conference_accounts"] == 5
    # The agency sees the reduced counts and the reason on its page and in the mail.
    page = text(requester.get("/requests/" + ref))
    assert "กรอบปีนี้เหลือน้อย" in page and "จำนวนบัญชี workD Mail ที่อนุมัติ" in page
    m = mail_with(smtp, requester.email, ref, "บัญชี workD Mail ที่อนุมัติ: 30 (ที่ขอ 40)", "กรอบปีนี้เหลือน้อย")
    assert "เหตุผลที่ปรับลดจำนวน (ข้อ 4.4): กรอบปีนี้เหลือน้อย" in body_of(m)
    # The reviewer's note, on its own line.
    assert "\nหมายเหตุ: เปิดใช้ได้ภายในสัปดาห์นี้\n" in body_of(m), body_of(m)
    # The system opened the hand-over, filed in the requester's name (who sees it); a reviewer
    # of workd_service alone does not review hand-overs.
    deadline = time.time() + 10
    children = []
    while time.time() < deadline and not children:
        children = api(requester, "GET", "/api/requests/" + ref).json()["children"]
        time.sleep(0.2)
    assert [c["type"] for c in children] == ["workd_handover"], children
    handover = api(requester, "GET", "/api/requests/" + children[0]["reference"]).json()
    assert handover["steps"] == [] and handover["history"][0]["by"] is None
    assert api(reviewer, "GET", "/api/requests/" + ref).json()["children"] == []
    assert api(reviewer, "GET", "/api/requests/" + children[0]["reference"]).status == 404
    seen = api(reviewer, "GET", "/api/requests/" + ref).json()["facts"]
    assert any("คำขอนี้ 30" in f["value"] for f in seen), seen


def test_needs_information_loops_rejection_and_withdrawal(server, smtp, sysadmin):
    requester = person(server, smtp, "wdloop")
    reviewer = person(server, smtp, "wdloopr")
    grant(server, reviewer.name)
    ref = filed(requester, mail=10, conference=1)  # a new agency, pending until approved
    agency_id = api(requester, "GET", "/api/workd/requests/" + ref).json()["agency_id"]
    for round_ in (1, 2):
        r = step(reviewer, ref, "ask_info")
        assert r.status == 409 and "note" in r.json()["error"]["fields"]
        r = step(reviewer, ref, "ask_info", note="ขอสำเนาคำสั่งแต่งตั้ง ครั้งที่ %d" % round_)
        assert r.status == 200 and r.json()["state"] == "needs_info"
        assert r.json()["sla"]["clock"] == "paused"
        mail_with(smtp, requester.email, ref, "ข้อมูลเพิ่มเติม", "ครั้งที่ %d" % round_)
        r = step(requester, ref, "resubmit", note="แนบแล้ว")
        assert r.status == 200 and r.json()["state"] == "submitted" and r.json()["sla"]["clock"] == "running"
    history = [h["transition"] for h in api(requester, "GET", "/api/requests/" + ref).json()["history"]]
    assert history[-4:] == ["ask_info", "resubmit", "ask_info", "resubmit"], history
    # Rejected with a reason (required): the agency is told the reason, the pending agency goes.
    assert step(reviewer, ref, "reject").status == 409
    r = step(reviewer, ref, "reject", note="เอกสารไม่ครบถ้วน")
    assert r.status == 200 and r.json()["state"] == "rejected"
    mail_with(smtp, requester.email, ref, "ไม่อนุมัติ", "เอกสารไม่ครบถ้วน")
    assert server.query("SELECT state FROM organizations WHERE id = '%s'" % agency_id)[0][0] == "deleted"
    # Nothing more may be done to a closed request.
    assert step(reviewer, ref, "approve").status == 409

    # Withdrawn by its requester while waiting: its pending agency goes too.
    other = person(server, smtp, "wdwith")
    ref2 = filed(other, mail=3, conference=0)
    agency2 = api(other, "GET", "/api/workd/requests/" + ref2).json()["agency_id"]
    assert step(reviewer, ref2, "withdraw").status == 403
    r = step(other, ref2, "withdraw")
    assert r.status == 200 and r.json()["state"] == "withdrawn"
    assert server.query("SELECT state FROM organizations WHERE id = '%s'" % agency2)[0][0] == "deleted"


def test_suspension_reinstatement_change_request_and_hand_over(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบส่งมอบ")
    requester = person(server, smtp, "wdhand")
    colleague = person(server, smtp, "wdhandadm")
    make_admin(server, sysadmin, org, colleague.name)
    reviewer = person(server, smtp, "wdhandr")
    for t in ("workd_service", "workd_change", "workd_handover"):
        grant(server, reviewer.name, t)
    ref = filed(requester, org, mail=12, conference=2)
    assert step(reviewer, ref, "approve").status == 200
    # The approval mail for a subdomain under the zone: no DNS to set up, no DNS page, no
    # "why fewer" line when nothing was reduced, one next-steps block before the signature.
    body = body_of(mail_with(smtp, requester.email, ref, "ได้รับอนุมัติแล้ว"))
    assert "บัญชี workD Mail ที่อนุมัติ: 12 (ที่ขอ 12)" in body, body
    assert "เหตุผลที่ปรับลดจำนวน" not in body and "โดเมนของหน่วยงานเอง" not in body, body
    assert "/dns" not in body and "ไม่ต้องตั้งค่า DNS" in body, body
    assert body.count("ขั้นต่อไป") == 1 and "ขั้นตอนต่อไป" not in body, body
    assert body.index("ขั้นต่อไป") < body.index("ดูคำขอ:")
    assert "{" not in body, body
    # Approved without a note: no "หมายเหตุ: -" line, and no gap where it was.
    assert "หมายเหตุ" not in body and "\n\n\n" not in body, body
    # The hand-over opens (a job queued in the approval) in the staff queue, due in 1 working day.
    deadline = time.time() + 10
    children = []
    while time.time() < deadline and not children:
        children = api(reviewer, "GET", "/api/requests/" + ref).json()["children"]
        time.sleep(0.2)
    assert children and children[0]["type"] == "workd_handover" and children[0]["state"] == "open"
    wh = children[0]["reference"]
    handover = api(reviewer, "GET", "/api/requests/" + wh).json()
    assert handover["sla"]["unit"] == "working_days" and handover["sla"]["amount"] == 1
    assert handover["parent"]["reference"] == ref
    assert wh in reviewer.get("/staff/requests?type=workd_handover").text
    # One working day is said as one, in English (Thai has no plural).
    en = text(requester.get("/requests/%s?lang=en" % wh))
    assert "1 working day" in en and "1 working days" not in en, en
    assert "1 วันทำการ" in text(requester.get("/requests/%s?lang=th" % wh))
    # The requester sees it (filed in their name) and cannot close it.
    assert step(requester, wh, "close", note="x").status == 403
    # Closing needs a note of what was done.
    r = step(reviewer, wh, "close")
    assert r.status == 409 and "note" in r.json()["error"]["fields"]
    r = step(reviewer, wh, "close", note="สร้างบัญชีผู้ดูแลระบบและส่งรหัสผ่านทางอีเมลสำรองแล้ว")
    assert r.status == 200 and r.json()["state"] == "done"
    # The service is open: the agency's admins and the contact e-mail are told.
    mail_with(smtp, colleague.email, ref, "เปิดให้ใช้งานแล้ว", "บัญชี workD Mail: 12",
              "สิ่งที่เจ้าหน้าที่ดำเนินการ: สร้างบัญชีผู้ดูแลระบบและส่งรหัสผ่านทางอีเมลสำรองแล้ว")
    mail_with(smtp, "somsri@agency.go.th", ref, "เปิดให้ใช้งานแล้ว", ".mail.go.th")
    facts = api(reviewer, "GET", "/api/requests/" + ref).json()["facts"]
    assert facts[-1]["value"].startswith("เปิดให้บริการ"), facts

    # Suspension (term 4.5) and reinstatement: reviewers with a reason; the agency is told.
    assert step(requester, ref, "suspend", note="x").status == 403
    assert step(reviewer, ref, "suspend").status == 409
    r = step(reviewer, ref, "suspend", note="ส่งอีเมลขยะจำนวนมาก")
    assert r.status == 200 and r.json()["state"] == "suspended"
    mail_with(smtp, requester.email, ref, "ระงับการให้บริการ", "ส่งอีเมลขยะจำนวนมาก")
    facts = api(reviewer, "GET", "/api/requests/" + ref).json()["facts"]
    assert facts[-1]["value"].startswith("ระงับการให้บริการ"), facts
    # A suspended service takes no change requests.
    r = api(colleague, "POST", "/api/workd/changes", {"parent": ref, "members_change": "x"})
    assert r.status == 409 and "parent" in r.json()["error"]["fields"]
    r = step(reviewer, ref, "reinstate", note="แก้ไขแล้ว")
    assert r.status == 200 and r.json()["state"] == "approved"
    mail_with(smtp, requester.email, ref, "กลับมาให้บริการ", "แก้ไขแล้ว")

    # A change, filed by another admin of the agency, linked both ways.
    r = api(colleague, "POST", "/api/workd/changes", {"parent": ref, "more_mail_accounts": "-3"}, lang="en")
    assert r.status == 409 and "more_mail_accounts" in r.json()["error"]["fields"]
    r = api(colleague, "POST", "/api/workd/changes", {"parent": ref, "colour": "red"})
    assert r.status == 409 and "colour" in r.json()["error"]["fields"]
    stranger = person(server, smtp, "wdchstr")
    r = api(stranger, "POST", "/api/workd/changes", {"parent": ref, "members_change": "x"})
    assert r.status == 409 and "parent" in r.json()["error"]["fields"]
    # Without the consent and the terms nothing is filed, as on the change page.
    r = api(colleague, "POST", "/api/workd/changes", {"parent": ref, "members_change": "x"}, lang="en")
    assert r.status == 409 and {"pdpa_consent", "terms_accepted"} <= set(r.json()["error"]["fields"])
    r = file_change(colleague, ref, members_change="เปลี่ยนผู้ดูแลระบบเป็นนายสมชาย", more_mail_accounts=8,
                    relay="open", relay_details="เครื่องพิมพ์ 10.1.2.3 ส่งแจ้งเตือน")
    assert r.status == 201, r.text
    wc = r.json()["reference"]
    assert wc.startswith("WC-")
    # Submitting asks for the form signed by the head of the agency, as for a new service.
    r = step(colleague, wc, "submit", lang="en")
    assert r.status == 409 and "signed_application" in r.json()["error"]["fields"], r.text
    assert upload(colleague, wc).status == 201
    assert step(colleague, wc, "submit").json()["state"] == "submitted"
    change = api(reviewer, "GET", "/api/requests/" + wc, lang="en").json()
    assert change["parent"]["reference"] == ref
    assert any("with this request" in f["value"] for f in change["facts"])
    assert wc in [c["reference"] for c in api(reviewer, "GET", "/api/requests/" + ref).json()["children"]]
    page = text(reviewer.get("/staff/requests/" + ref))
    assert wc in page
    assert ref in text(reviewer.get("/staff/requests/" + wc))
    assert step(reviewer, wc, "approve").json()["state"] == "approved"
    body = body_of(mail_with(smtp, colleague.email, wc, "Mail Relay:"))
    assert "หมายเหตุ" not in body and "\n\n\n" not in body and "{" not in body, body
    facts = api(reviewer, "GET", "/api/requests/" + ref).json()["facts"]
    assert "Mail 20 บัญชี" in facts[-1]["value"] and "Mail Relay: เปิดใช้" in facts[-1]["value"], facts


def test_the_budget_per_fiscal_year(server, smtp, sysadmin):
    reviewer = person(server, smtp, "wdbud")
    plain = person(server, smtp, "wdbudplain")
    assert api(plain, "GET", "/api/workd/budget").status == 403
    assert plain.get("/staff/workd/budget").status == 403
    assert api(anonymous(server), "GET", "/api/workd/budget").status == 401
    grant(server, reviewer.name)
    listing = api(reviewer, "GET", "/api/workd/budget").json()
    year = listing["current_fiscal_year"]
    years = [b["fiscal_year"] for b in listing["budgets"]]
    assert years[:2] == [year + 1, year], years
    before = api(reviewer, "GET", "/api/workd/budget/%d" % year).json()
    assert before["mail_accounts"]["allocation"] >= 0
    # Only sysadmins set it; bad values are refused, naming the field.
    assert api(reviewer, "PUT", "/api/workd/budget/%d" % year,
               {"mail_accounts": 1, "conference_accounts": 1}).status == 403
    token = anonymous(server)
    token.token = sysadmin
    r = api(token, "PUT", "/api/workd/budget/%d" % year, {"mail_accounts": -5, "conference_accounts": 1}, lang="en")
    assert r.status == 409 and "mail_accounts" in r.json()["error"]["fields"]
    r = api(token, "PUT", "/api/workd/budget/1999", {"mail_accounts": 5, "conference_accounts": 1}, lang="en")
    assert r.status == 409 and "year" in r.json()["error"]["fields"]
    r = api(token, "PUT", "/api/workd/budget/%d" % (year + 1), {"mail_accounts": 900, "conference_accounts": 90})
    assert r.status == 200 and r.json()["set"] is True and r.json()["mail_accounts"]["allocation"] == 900
    # Next year's allocation leaves this year's figures alone; an approval commits to this year.
    again = api(reviewer, "GET", "/api/workd/budget/%d" % year).json()
    assert again["mail_accounts"] == before["mail_accounts"]
    requester = person(server, smtp, "wdbudreq")
    ref = filed(requester, mail=7, conference=2)  # a new agency: pending until approved
    agency_id = api(requester, "GET", "/api/workd/requests/" + ref).json()["agency_id"]
    assert server.query("SELECT state FROM organizations WHERE id = '%s'" % agency_id)[0][0] == "pending"
    assert step(reviewer, ref, "approve").status == 200
    assert server.query("SELECT state FROM organizations WHERE id = '%s'" % agency_id)[0][0] == "active"
    after = api(reviewer, "GET", "/api/workd/budget/%d" % year).json()
    assert after["mail_accounts"]["committed"] == before["mail_accounts"]["committed"] + 7
    assert after["conference_accounts"]["committed"] == before["conference_accounts"]["committed"] + 2
    assert api(reviewer, "GET", "/api/workd/budget/%d" % (year + 1)).json()["mail_accounts"]["committed"] == 0

    # The page: linked from the queue, both languages; the form for sysadmins keeps bad input.
    assert "/staff/workd/budget" in reviewer.get("/staff/requests").text
    page = text(reviewer.get("/staff/workd/budget"))
    assert "งบประมาณบัญชี workD" in page and str(year) in page and 'action="/staff/workd/budget"' not in page
    assert "workD account budget" in text(reviewer.get("/staff/workd/budget?lang=en"))
    r = Browser(server).request("POST", "/staff/workd/budget", body=b"year=2570",
                                headers={"Authorization": reviewer.token,
                                         "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 403
    admin = root(server)
    r = admin.post_form("/staff/workd/budget", {"year": "25x0", "mail_accounts": "12", "conference_accounts": "-1"})
    assert r.status == 409
    page = text(r)
    assert 'id="year-error"' in page and 'id="conference_accounts-error"' in page and 'value="12"' in page
    r = admin.post_form("/staff/workd/budget", {"year": str(year + 1), "mail_accounts": "1000",
                                                "conference_accounts": "100"})
    assert r.status == 303 and r.header("Location") == "/staff/workd/budget?saved=%d" % (year + 1)
    assert api(reviewer, "GET", "/api/workd/budget/%d" % (year + 1)).json()["mail_accounts"]["allocation"] == 1000
    assert "1,000" in text(admin.get("/staff/workd/budget"))
    # The form starts from the chosen year's figures: the year just saved, a year picked from the
    # table, else the current year.
    page = text(admin.get("/staff/workd/budget?saved=%d" % (year + 1)))
    assert 'name="year" inputmode="numeric" value="%d"' % (year + 1) in page
    assert 'name="mail_accounts" type="number" inputmode="numeric" min="0" value="1000"' in page
    assert 'name="conference_accounts" type="number" inputmode="numeric" min="0" value="100"' in page
    assert 'href="/staff/workd/budget?year=%d#set"' % (year + 1) in page
    page = text(admin.get("/staff/workd/budget"))
    assert 'name="year" inputmode="numeric" value="%d"' % year in page
    assert 'min="0" value="%d"' % after["mail_accounts"]["allocation"] in page
    assert 'min="0" value="%d"' % after["conference_accounts"]["allocation"] in page
    page = text(admin.get("/staff/workd/budget?year=%d&lang=en" % (year + 1)))
    assert 'min="0" value="1000"' in page and "Set this year" in page


def test_an_applicant_removed_from_the_agency_files_no_change(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบผู้ยื่นที่พ้นหน่วยงาน")
    requester = person(server, smtp, "wdgone")
    colleague = person(server, smtp, "wdgoneadm")
    make_admin(server, sysadmin, org, colleague.name)
    reviewer = person(server, smtp, "wdgoner")
    grant(server, reviewer.name, "workd_service")
    ref = filed(requester, org)
    assert step(reviewer, ref, "approve").status == 200
    # Approval made the filer the agency's admin: they file a change as one.
    r = file_change(requester, ref, members_change="เพิ่มผู้ดูแลระบบ")
    assert r.status == 201, r.text
    assert requester.get("/workd/requests/%s/change" % ref).status == 200
    # Removed from the agency, they change nothing of it any more, by the API or the page.
    ok(call(Browser(server), "organization_member_delete",
            {"id": org["id"], "username": requester.name}, sysadmin))
    r = file_change(requester, ref, members_change="ขอเปลี่ยนอีกครั้ง")
    assert r.status == 409 and "parent" in r.json()["error"]["fields"], r.text
    assert requester.get("/workd/requests/%s/change" % ref).status == 404
    # The agency's current admin still does.
    r = file_change(colleague, ref, members_change="ผู้ดูแลระบบคนใหม่")
    assert r.status == 201, r.text
