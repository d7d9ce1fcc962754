"""The staff queue's bulk decision and agency filter, and the JSON API for reviewer scopes
(issue 14). A reviewer scoped to two agencies ticks requests on /staff/requests, chooses a step
(a reason is asked once when the step needs one) and gets back a summary naming what was refused
and why; the same service call as POST /api/requests/decide. Sysadmins read and set a reviewer's
agencies through /api/staff/roles/{user}/agencies; a reviewer reads their own."""
import html
import re
import urllib.parse
import uuid

from accounts_helpers import create_token_via_page, login, registered_user
from govhub_harness import Browser
from test_catalog_api import call, ok
from test_reviewer_scope import applied

ROOT_PASSWORD = "ผู้ดูแล-ทดสอบ-2569"


def root_browser(server):
    root = Browser(server)
    assert login(root, "root-it", ROOT_PASSWORD).status == 303
    return root


def post_bulk(browser, fields, csrf_page="/staff/requests"):
    """The bulk form as a browser sends it: `requests` repeated, one per ticked box."""
    fields = dict(fields, _csrf=browser.csrf_from(csrf_page))
    body = urllib.parse.urlencode(fields, doseq=True).encode()
    return browser.request("POST", "/staff/requests/decide", body=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})


def state_of(server, ref):
    return server.query("SELECT state FROM workflow_requests WHERE reference = '%s'" % ref)[0][0]


def set_role(root, user, role, agencies=""):
    r = root.post_form("/staff/roles", {"user": user, "type": "officer_membership", "role": role,
                                        "agencies": agencies}, csrf_page="/staff/roles")
    assert r.status == 303, r.text


def test_bulk_decision_from_the_queue_page(server, smtp, sysadmin):
    api = Browser(server)
    tag = uuid.uuid4().hex[:6]
    orgs = [ok(call(api, "organization_create", {"name": "bulk-%s-%s" % (k, tag), "title": "กรมทดสอบ " + k},
                    sysadmin)) for k in ("a", "b", "c")]
    reviewer = Browser(server)
    name = registered_user(reviewer, smtp, "bulkrev")
    root = root_browser(server)
    set_role(root, name, "reviewer", "%s, %s" % (orgs[0]["name"], orgs[1]["name"]))
    try:
        a1, a2 = applied(server, smtp, orgs[0]["id"]), applied(server, smtp, orgs[0]["id"])
        b = applied(server, smtp, orgs[1]["id"])
        c = applied(server, smtp, orgs[2]["id"])  # another agency: not this reviewer's

        queue = reviewer.get("/staff/requests?type=officer_membership")
        assert queue.status == 200
        for ref in (a1, a2, b):
            assert 'name="requests" value="%s"' % ref in queue.text, ref
        assert c not in queue.text
        assert 'action="/staff/requests/decide"' in queue.text and 'value="ask_info"' in queue.text
        # Scoped to two agencies: a filter by agency, listing just those two.
        assert 'name="agency"' in queue.text
        assert orgs[0]["id"] in queue.text and orgs[1]["id"] in queue.text and orgs[2]["id"] not in queue.text
        only_a = reviewer.get("/staff/requests?type=officer_membership&agency=" + orgs[0]["id"])
        assert a1 in only_a.text and a2 in only_a.text and b not in only_a.text
        # Naming an agency out of scope shows nothing of it.
        assert c not in reviewer.get("/staff/requests?agency=" + orgs[2]["id"]).text

        # Asking for more information needs a reason: asked once, the ticks and the step kept.
        r = post_bulk(reviewer, {"type": "officer_membership", "requests": [a1, b], "transition": "ask_info",
                                 "note": "  "})
        assert r.status == 409, r.status
        assert 'id="note-error"' in r.text
        assert 'value="%s" id="pick-%s" aria-label' % (a1, a1) in r.text
        assert re.search(r'value="%s"[^>]* checked' % a1, r.text) and re.search(r'value="ask_info" required checked', r.text)
        assert state_of(server, a1) == "submitted" and state_of(server, b) == "submitted"
        # Nothing ticked, no step: the form says so.
        r = post_bulk(reviewer, {"transition": "approve"})
        assert r.status == 409 and 'id="requests-error"' in r.text
        r = post_bulk(reviewer, {"requests": [a1]})
        assert r.status == 409 and 'id="transition-error"' in r.text

        # Two decided, the other agency's request and a made-up one refused, each with its reason.
        r = post_bulk(reviewer, {"type": "officer_membership", "requests": [a1, b, c, "OM-2569-ZZZZZZ"],
                                 "transition": "ask_info", "note": "ขอสำเนาคำสั่งแต่งตั้ง"})
        assert r.status == 303, r.text
        where = r.header("Location").split("#")[0]  # a browser keeps the fragment to itself
        assert where.startswith("/staff/requests?type=officer_membership&") and "decided=2" in where
        assert state_of(server, a1) == "needs_info" and state_of(server, b) == "needs_info"
        assert state_of(server, c) == "submitted" and state_of(server, a2) == "submitted"
        page = reviewer.get(where)
        assert page.status == 200
        text = re.sub(r"<[^>]+>", "", html.unescape(page.text))
        assert "ดำเนินการแล้ว 2 คำขอ (ขอข้อมูลเพิ่มเติม)" in text
        assert "ดำเนินการไม่ได้ 2 คำขอ" in text
        summary = text.split("ดำเนินการแล้ว 2")[1][:600]
        assert c + ": ไม่พบคำขอนี้" in summary and "OM-2569-ZZZZZZ: ไม่พบคำขอนี้" in summary, summary
        # Each decision is its own audited step with the note.
        rows = server.query("SELECT count(*) FROM audit_log a JOIN workflow_requests w ON w.id = a.object_id"
                            " WHERE w.reference IN ('%s', '%s') AND a.action = 'workflow.transition'"
                            " AND a.details LIKE '%%ask_info%%'" % (a1, b))
        assert int(rows[0][0]) == 2
        # In English too.
        en = re.sub(r"<[^>]+>", "", html.unescape(reviewer.get(where + "&lang=en").text))
        assert "2 request(s) decided" in en and "No such request" in en
        # A made-up summary link shows only the workflow's own words.
        forged = reviewer.get("/staff/requests?decided=9&failed=1&refused=" +
                              urllib.parse.quote("<script>x</script> evil") + "&refused=" +
                              urllib.parse.quote("OM-1 admin.sysadmin_only") + "&decided=abc")
        assert forged.status == 200
        assert "<script>x" not in forged.text and "OM-1" in forged.text
        assert "sysadmin" not in html.unescape(forged.text).split('id="queue-summary"')[1].split("</div>")[0]
        # Someone who reviews nothing may not post the form.
        plain = Browser(server)
        registered_user(plain, smtp, "bulkplain")
        r = post_bulk(plain, {"requests": [a2], "transition": "ask_info", "note": "x"}, csrf_page="/requests")
        assert r.status == 403, r.status
        assert state_of(server, a2) == "submitted"
    finally:
        set_role(root, name, "none")


def test_reviewer_scopes_through_the_api(server, smtp, sysadmin):
    api = Browser(server)
    tag = uuid.uuid4().hex[:6]
    orgs = [ok(call(api, "organization_create", {"name": "scopeapi-%s-%s" % (k, tag), "title": "กรม " + k},
                    sysadmin)) for k in ("a", "b")]
    reviewer = Browser(server)
    name = registered_user(reviewer, smtp, "scopeapi")
    token = create_token_via_page(reviewer, name)
    root = root_browser(server)
    admin = {"Authorization": sysadmin}
    path = "/api/staff/roles/%s/agencies" % name
    try:
        # Not staff yet: no types; setting a scope is refused naming the user.
        r = api.get(path, headers=admin)
        assert r.status == 200 and r.json()["types"] == [] and r.json()["user"] == name
        r = api.post_json(path, {"type": "officer_membership", "agencies": [orgs[0]["name"]]}, headers=admin)
        assert r.status == 409 and "user" in r.json()["error"]["fields"], r.text

        set_role(root, name, "reviewer")
        r = api.post_json(path, {"type": "officer_membership", "agencies": [orgs[0]["name"], orgs[1]["id"]]},
                          headers=admin)
        assert r.status == 200, r.text
        scope = [t for t in r.json()["types"] if t["type"] == "officer_membership"][0]
        assert scope["role"] == "reviewer" and scope["all_agencies"] is False
        assert sorted(a["name"] for a in scope["agencies"]) == sorted(o["name"] for o in orgs)
        # Audited as the page's change is.
        rows = server.query("SELECT count(*) FROM audit_log a JOIN users u ON u.id = a.object_id"
                            " WHERE u.name = '%s' AND a.action = 'workflow.reviewer_scope'"
                            " AND a.details LIKE '%%%s%%'" % (name, orgs[1]["id"]))
        assert int(rows[0][0]) == 1
        # The page shows what the API set.
        assert "หน่วยงานที่พิจารณา: " in html.unescape(root.get("/staff/roles").text)

        # The reviewer reads their own, not anyone else's, and sets nothing.
        mine = api.get(path, headers={"Authorization": token})
        assert mine.status == 200 and mine.json() == api.get(path, headers=admin).json()
        assert api.get("/api/staff/roles/root-it/agencies", headers={"Authorization": token}).status == 403
        assert api.get("/api/staff/roles/nobody-%s/agencies" % tag, headers={"Authorization": token}).status == 403
        r = api.post_json(path, {"type": "officer_membership", "agencies": []}, headers={"Authorization": token})
        assert r.status == 403
        assert Browser(server).get(path).status == 401
        assert api.get("/api/staff/roles/nobody-%s/agencies" % tag, headers=admin).status == 404

        # Bad input: named.
        for body, field in (({"agencies": []}, "type"),
                            ({"type": "no_such_type", "agencies": []}, "type"),
                            ({"type": "officer_membership"}, "agencies"),
                            ({"type": "officer_membership", "agencies": ["no-such-" + tag]}, "agencies"),
                            ({"type": "officer_membership", "agencies": ["x%d" % i for i in range(201)]}, "agencies"),
                            ({"type": "officer_membership", "agencies": 5}, "agencies")):
            r = api.post_json(path, body, headers=admin)
            assert r.status == 409 and field in r.json()["error"]["fields"], (body, r.status, r.text)
        r = api.request("POST", path, body=b"[1,2", headers=dict(admin, **{"Content-Type": "application/json"}))
        assert r.status == 400
        # Cleared: every agency again (a comma-separated text works too, as on the page's form).
        r = api.post_json(path, {"type": "officer_membership", "agencies": ""}, headers=admin)
        assert r.status == 200
        scope = [t for t in r.json()["types"] if t["type"] == "officer_membership"][0]
        assert scope["all_agencies"] is True and scope["agencies"] == []
    finally:
        set_role(root, name, "none")
