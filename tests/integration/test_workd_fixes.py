"""workD fixes after the security tester's findings (issue 18): who may block an agency and who
is told of another's request; drafts private to their applicant; nothing done to a suspended
service; the effective date's range and eras; the clean-text rule in notes, decision texts,
change texts and file names; the change-approval mail; the budget's limit; a new agency's names
and domain; JSON numbers' messages; one service per agency."""
import datetime
import json
import uuid

from govhub_harness import Browser
from test_catalog_api import call, ok
from test_workd_form import good
from test_workd_review import (agency, anonymous, api, body_of, file_change, filed, grant,
                               make_admin, mail_with, person, step, submitted_change, text, upload)


def draft(who, org, lang="th", **form):
    fields = good(**form)
    fields.update(agency_choice="directory", agency=org["name"])
    return api(who, "POST", "/api/workd/requests", fields, lang=lang)


def wait_children(who, ref):
    import time
    deadline = time.time() + 10
    while time.time() < deadline:
        children = api(who, "GET", "/api/requests/" + ref).json()["children"]
        if children:
            return children
        time.sleep(0.2)
    raise AssertionError("no hand-over for " + ref)


def test_a_stranger_cannot_block_an_agency_nor_learn_its_reference(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบการจองหน่วยงาน")
    admin = person(server, smtp, "wdfxadm")
    make_admin(server, sysadmin, org, admin.name)
    other_admin = person(server, smtp, "wdfxadm2")
    make_admin(server, sysadmin, org, other_admin.name)
    stranger = person(server, smtp, "wdfxstr")
    reviewer = person(server, smtp, "wdfxrev")
    grant(server, reviewer.name)

    # A stranger's draft blocks nobody but the stranger's own second draft.
    r = draft(stranger, org)
    assert r.status == 201, r.text
    squat = r.json()["reference"]
    r = draft(stranger, org, lang="en")
    assert r.status == 409 and squat in r.text and r.header("Location") == "/requests/" + squat
    ref = filed(admin, org)  # the agency's admin files and submits all the same

    # Now the agency has a submitted request: a stranger is refused without its reference.
    r = draft(stranger, org, lang="en")
    assert r.status == 409 and ref not in r.text and not r.header("Location"), r.text
    assert "already has an open request" in r.json()["error"]["fields"]["agency"]
    # Submitting the stranger's old draft is refused the same way.
    assert upload(stranger, squat).status == 201
    r = step(stranger, squat, "submit", lang="en")
    assert r.status == 409 and ref not in r.text and "agency" in r.json()["error"]["fields"]
    # The agency's other admin is told which request it is.
    r = draft(other_admin, org, lang="en")
    assert r.status == 409 and ref in r.json()["error"]["fields"]["agency"]
    assert r.header("Location") == "/requests/" + ref
    # The page says it too, without the reference for the stranger.
    page = stranger.post_form("/workd/requests/new", dict(good(agency_choice="directory", agency=org["name"]),
                                                          action="save"), csrf_page="/workd/requests/new")
    assert page.status == 409 and ref not in page.text and "ยังดำเนินการอยู่แล้ว" in text(page)

    # A filer who is no member of the agency: the reviewer is warned; approval makes them admin.
    org2 = agency(server, sysadmin, "กรมทดสอบผู้ยื่นนอกหน่วยงาน")
    ref2 = filed(stranger, org2)
    facts = api(reviewer, "GET", "/api/requests/" + ref2, lang="en").json()["facts"]
    warn = [f for f in facts if "not a member of this agency" in f["value"]]
    assert warn and warn[0]["warning"] is True, facts
    assert step(reviewer, ref2, "approve").status == 200
    rows = server.query("SELECT m.capacity FROM memberships m JOIN users u ON u.id = m.user_id"
                        " WHERE m.object_id = '%s' AND u.name = '%s'" % (org2["id"], stranger.name))
    assert rows and rows[0][0] == "admin", rows
    audit = server.query("SELECT action FROM audit_log WHERE action = 'workd.filer_made_admin'"
                         " AND object_id = '%s'" % org2["id"])
    assert audit, "the approval records that the filer became the agency's admin"
    facts = api(reviewer, "GET", "/api/requests/" + ref2, lang="en").json()["facts"]
    assert not [f for f in facts if "not a member" in f["value"]]

    # The agency now has a service: a new-service request points to a change request.
    r = draft(stranger, org2, lang="en")
    assert r.status == 409 and "already has a workD service" in r.json()["error"]["fields"]["agency"]
    assert ref2 in r.json()["error"]["fields"]["agency"]  # its admin may see the service's request
    outsider = person(server, smtp, "wdfxout")
    r = draft(outsider, org2, lang="en")
    assert r.status == 409 and ref2 not in r.text and "change request" in r.json()["error"]["fields"]["agency"]
    # A change is filed by the applicant or a current admin only, not by a reviewer of it.
    grant(server, reviewer.name, "workd_change")
    r = api(reviewer, "POST", "/api/workd/changes", {"parent": ref2, "members_change": "x"})
    assert r.status == 409 and "parent" in r.json()["error"]["fields"]
    r = api(outsider, "POST", "/api/workd/changes", {"parent": ref2, "members_change": "x"})
    assert r.status == 409 and "parent" in r.json()["error"]["fields"]


def test_a_draft_is_its_applicants_alone(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบร่างส่วนตัว")
    requester = person(server, smtp, "wdfxdr")
    reviewer = person(server, smtp, "wdfxdrr")
    grant(server, reviewer.name)
    r = draft(requester, org, pdpa_consent="no")
    assert r.status == 201
    ref = r.json()["reference"]
    assert api(requester, "GET", "/api/requests/" + ref).status == 200
    assert api(reviewer, "GET", "/api/requests/" + ref).status == 404
    assert reviewer.get("/staff/requests/" + ref).status == 404
    # Not on /workd for another admin of the agency either (its reference, dates, history).
    admin = person(server, smtp, "wdfxdra")
    make_admin(server, sysadmin, org, admin.name)
    assert ref not in api(admin, "GET", "/api/workd/agencies").text
    assert ref not in admin.get("/workd").text
    assert "/staff/requests/" + ref not in reviewer.get("/staff/requests?q=" + ref).text
    root = anonymous(server)
    root.token = sysadmin
    assert api(root, "GET", "/api/requests/" + ref).status == 404
    # Once submitted (with consent now given), staff see it.
    assert api(requester, "PUT", "/api/workd/requests/" + ref, {"pdpa_consent": "yes"}).status == 200
    assert upload(requester, ref).status == 201
    assert step(requester, ref, "submit").status == 200
    assert api(reviewer, "GET", "/api/requests/" + ref).status == 200
    assert "/staff/requests/" + ref in reviewer.get("/staff/requests?q=" + ref).text


def test_nothing_is_done_to_a_suspended_service(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบบริการระงับ")
    requester = person(server, smtp, "wdfxsus")
    reviewer = person(server, smtp, "wdfxsusr")
    for t in ("workd_service", "workd_change", "workd_handover"):
        grant(server, reviewer.name, t)
    ref = filed(requester, org, mail=6, conference=1)
    assert step(reviewer, ref, "approve").status == 200
    wh = wait_children(reviewer, ref)[0]["reference"]
    wc = submitted_change(requester, ref, more_mail_accounts=2)
    assert step(reviewer, ref, "suspend", note="ตรวจพบการส่งอีเมลขยะ").status == 200
    r = step(reviewer, wc, "approve", lang="en")
    assert r.status == 409 and "suspended" in r.text, r.text
    r = step(reviewer, wh, "close", note="สร้างบัญชีแล้ว", lang="en")
    assert r.status == 409 and "suspended" in r.text, r.text
    assert not [m for m in smtp.messages(requester.email) if "เปิดให้ใช้งานแล้ว" in str(m["Subject"])]
    # Reinstated: the change and the hand-over go through; the change mail has no raw placeholders.
    assert step(reviewer, ref, "reinstate", note="แก้ไขแล้ว").status == 200
    assert step(reviewer, wc, "approve").status == 200
    m = mail_with(smtp, requester.email, wc, "อนุมัติ")
    assert "{field_" not in body_of(m), body_of(m)
    assert step(reviewer, wh, "close", note="สร้างบัญชีแล้ว").status == 200
    mail_with(smtp, requester.email, ref, "เปิดให้ใช้งานแล้ว")


def test_the_budget_limits_approvals_and_changes_are_capped(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบงบประมาณเกิน")
    requester = person(server, smtp, "wdfxbud")
    reviewer = person(server, smtp, "wdfxbudr")
    for t in ("workd_service", "workd_change"):
        grant(server, reviewer.name, t)
    root = anonymous(server)
    root.token = sysadmin
    year = api(root, "GET", "/api/workd/budget").json()["current_fiscal_year"]
    before = api(root, "GET", "/api/workd/budget/%d" % year).json()
    committed = before["mail_accounts"]["committed"]
    conf_committed = before["conference_accounts"]["committed"]
    # A count sent as null is a count not given, not a zero.
    r = api(root, "PUT", "/api/workd/budget/%d" % year, {"mail_accounts": None, "conference_accounts": None})
    assert r.status == 409 and "mail_accounts" in r.json()["error"]["fields"], r.text
    # Below what is committed: refused, saying what is.
    r = api(root, "PUT", "/api/workd/budget/%d" % year,
            {"mail_accounts": max(0, committed - 1), "conference_accounts": conf_committed + 1000}, lang="en")
    if committed > 0:
        assert r.status == 409 and "mail_accounts" in r.json()["error"]["fields"], r.text
        assert "{:,}".format(committed) in r.json()["error"]["fields"]["mail_accounts"]
    try:
        r = api(root, "PUT", "/api/workd/budget/%d" % year,
                {"mail_accounts": committed + 5, "conference_accounts": conf_committed + 1000})
        assert r.status == 200, r.text
        ref = filed(requester, org, mail=9, conference=0)
        r = step(reviewer, ref, "approve", lang="en")
        assert r.status == 409 and "5 remain" in r.text and "/staff/workd/budget" in r.text, r.text
        assert step(reviewer, ref, "approve", data={"approved_mail_accounts": 5,
                                                    "reduction_reason": "ตามงบประมาณที่เหลือ"}).status == 200
        # A change past the form's cap is refused; one within it but over the budget is too.
        r = api(requester, "POST", "/api/workd/changes", {"parent": ref, "more_mail_accounts": 100000000})
        assert r.status == 409 and "more_mail_accounts" in r.json()["error"]["fields"]
        wc = submitted_change(requester, ref, more_mail_accounts=3)
        r = step(reviewer, wc, "approve", lang="en")
        assert r.status == 409 and "0 remain" in r.text, r.text
    finally:
        after = api(root, "GET", "/api/workd/budget/%d" % year).json()
        api(root, "PUT", "/api/workd/budget/%d" % year,
            {"mail_accounts": max(before["mail_accounts"]["allocation"], after["mail_accounts"]["committed"]) + 100000,
             "conference_accounts": max(before["conference_accounts"]["allocation"],
                                        after["conference_accounts"]["committed"]) + 100000})


def test_the_effective_date_range_and_eras(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบวันที่มีผล")
    requester = person(server, smtp, "wdfxdate")
    today = datetime.date.today()
    cases = [
        ("2570-01-15", "calendar (Gregorian) year"),
        ("15/1/%d" % (today.year + 1), "Buddhist-era year"),
        ((today + datetime.timedelta(days=800)).isoformat(), "at most 2 years"),
        ("9999-12-31", "calendar (Gregorian) year"),
    ]
    for typed, words in cases:
        r = draft(requester, org, lang="en", effective_date=typed)
        assert r.status == 201, r.text
        err = r.json()["errors"].get("effective_date", "")
        assert words in err, (typed, err)
        api(requester, "POST", "/api/requests/%s/transitions" % r.json()["reference"], {"transition": "withdraw"})
    r = draft(requester, org, effective_date="2099-01-01")
    assert "พ.ศ." in r.json()["errors"]["effective_date"], r.json()["errors"]
    api(requester, "POST", "/api/requests/%s/transitions" % r.json()["reference"], {"transition": "withdraw"})
    be = "%d/%d/%d" % (today.day, today.month, today.year + 543 + 1)
    if today.month == 2 and today.day == 29:
        be = "1/3/%d" % (today.year + 543 + 1)
    r = draft(requester, org, effective_date=be)
    assert "effective_date" not in r.json()["errors"], r.json()["errors"]
    api(requester, "POST", "/api/requests/%s/transitions" % r.json()["reference"], {"transition": "withdraw"})


def test_control_and_direction_characters(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบอักขระควบคุม")
    requester = person(server, smtp, "wdfxctl")
    reviewer = person(server, smtp, "wdfxctlr")
    for t in ("workd_service", "workd_change"):
        grant(server, reviewer.name, t)
    r = draft(requester, org)
    ref = r.json()["reference"]
    r = upload(requester, ref, filename="scan\u202eFDP.exe.pdf")
    assert r.status == 201, r.text
    names = [a["filename"] for a in api(requester, "GET", "/api/requests/" + ref).json()["documents"]]
    assert names and all("\u202e" not in n for n in names), names
    assert step(requester, ref, "submit").status == 200
    # A reason of nothing but a control character is no reason.
    r = step(reviewer, ref, "approve", data={"approved_mail_accounts": 5, "reduction_reason": "\u0007"}, lang="en")
    assert r.status == 409 and "reduction_reason" in r.json()["error"]["fields"], r.text
    r = step(reviewer, ref, "ask_info", note="\u0007", lang="en")
    assert r.status == 409 and "note" in r.json()["error"]["fields"]
    r = step(reviewer, ref, "ask_info", note="ขอเอกสาร\u202eเพิ่ม", lang="en")
    assert r.status == 409 and "characters that cannot be used" in r.json()["error"]["fields"]["note"]
    r = step(reviewer, ref, "approve", data={"approved_mail_accounts": 5, "reduction_reason": "ลด\u200fลง"})
    assert r.status == 409 and "reduction_reason" in r.json()["error"]["fields"]
    assert step(reviewer, ref, "approve").status == 200
    r = file_change(requester, ref, relay="open", relay_details="\u0007")
    assert r.status == 409 and "relay_details" in r.json()["error"]["fields"], r.text
    r = api(requester, "POST", "/api/workd/changes", {"parent": ref, "members_change": "เพิ่ม\u202eนาย ก"}, lang="en")
    assert r.status == 409 and "characters that cannot be used" in r.json()["error"]["fields"]["members_change"]
    # The form refuses the invisible marks too; a soft hyphen (harmless in Thai) passes.
    r = draft(requester, agency(server, sysadmin, "กรมทดสอบอักขระอีก"), contact_name_th="สมศรี\u200e ใจดี")
    assert "contact_name_th" in r.json()["errors"]
    r = draft(requester, agency(server, sysadmin, "กรมทดสอบอักขระสาม"), contact_name_th="สม\u00adศรี ใจดี")
    assert "contact_name_th" not in r.json()["errors"]


def test_new_agency_names_domains_and_number_messages(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบชื่อซ้ำ")
    requester = person(server, smtp, "wdfxname")
    r = api(requester, "POST", "/api/workd/requests",
            good(agency_name_th="  กรมทดสอบชื่อซ้ำ ", agency_name_en="Unique Test Office %d" % uuid.uuid4().int), lang="en")
    assert r.status == 201
    assert "directory" in r.json()["errors"]["agency_name_th"], r.json()["errors"]
    # A look-alike (an invisible character, a soft hyphen, spaces) is the same name, and a
    # refused name leaves no pending agency in the directory.
    for look_alike in ("กรม\u200bทดสอบชื่อซ้ำ", "กรมทดสอบ\u00adชื่อซ้ำ", "กรม ทดสอบชื่อซ้ำ"):
        r = api(requester, "POST", "/api/workd/requests", good(agency_name_th=look_alike), lang="en")
        assert r.status == 201 and "directory" in r.json()["errors"].get("agency_name_th", ""), r.text
    pending = server.query("SELECT count(*) FROM organizations WHERE state = 'pending' AND title LIKE '%ทดสอบ%ชื่อซ้ำ%'")
    assert pending[0][0] == "0", pending
    for zone in ("go.th", "ac.th", "th", "net.th"):
        r = api(requester, "POST", "/api/workd/requests",
                good(agency_name_th="สำนักงานทดสอบโดเมน %d" % (uuid.uuid4().int % 100000),
                     domain_kind="own", own_domain=zone), lang="en")
        assert r.status == 201, r.text
        err = r.json()["errors"].get("own_domain", "")
        assert err and (zone == "th" or "registry" in err), (zone, r.json()["errors"])
    body = json.dumps(dict(good(), mail_accounts=1.5)).replace("1.5", "1e3")
    r = Browser(server).request("POST", "/api/workd/requests?lang=en", body=body.encode(),
                                headers={"Content-Type": "application/json", "Authorization": requester.token})
    assert r.status == 409 and "whole number" in r.json()["error"]["fields"]["mail_accounts"], r.text
    r = api(requester, "POST", "/api/workd/requests", dict(good(), mail_accounts=1.5), lang="en")
    assert r.status == 409 and "whole number" in r.json()["error"]["fields"]["mail_accounts"]
    # A decision's number too large: out of range, not "must be a JSON object".
    reviewer = person(server, smtp, "wdfxnumr")
    grant(server, reviewer.name)
    ref = filed(requester, agency(server, sysadmin, "กรมทดสอบตัวเลข"))
    r = Browser(server).request(
        "POST", "/api/requests/%s/transitions?lang=en" % ref,
        body=b'{"transition": "approve", "data": {"approved_mail_accounts": 99999999999999999999}}',
        headers={"Content-Type": "application/json", "Authorization": reviewer.token})
    assert r.status == 409 and "outside the range" in r.json()["error"]["fields"]["approved_mail_accounts"], r.text
