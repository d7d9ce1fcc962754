"""Reviewers scoped to agencies (issue 14): a sysadmin gives a reviewer of a kind of request the
agencies they review on /staff/roles; that reviewer is told of, lists, opens and decides only the
requests of those agencies, while the type's other reviewers still see every agency."""
import html
import time
import uuid

from accounts_helpers import create_token_via_page, login, registered_user
from govhub_harness import Browser
from test_catalog_api import call, ok
from test_officer_membership import GOOD, upload


def applied(server, smtp, org_id):
    """An officer application for the agency, signed and submitted; its reference."""
    officer = Browser(server)
    registered_user(officer, smtp, "scoped")
    r = officer.post_form("/opendata/officer", dict(GOOD, organization=org_id))
    assert r.status == 303, r.text
    ref = r.header("Location").rsplit("/", 1)[1]
    csrf = officer.csrf_from("/requests/" + ref)
    r = upload(officer, "/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
               "signed.pdf", b"%PDF-1.7\n% signed\n", "application/pdf")
    assert r.status == 303
    r = officer.post_form("/requests/" + ref, {"transition": "submit"}, csrf_page="/requests/" + ref)
    assert r.status == 303
    return ref


def test_a_reviewer_scoped_to_an_agency_reviews_only_its_requests(server, smtp, sysadmin):
    api = Browser(server)
    tag = uuid.uuid4().hex[:6]
    mine = ok(call(api, "organization_create", {"name": "scope-a-" + tag, "title": "กรมทดสอบขอบเขต"}, sysadmin))
    theirs = ok(call(api, "organization_create", {"name": "scope-b-" + tag, "title": "กรมอื่น"}, sysadmin))

    reviewer = Browser(server)
    reviewer_name = registered_user(reviewer, smtp, "scopedrev")
    assert 'href="/staff/requests"' not in reviewer.get("/").text
    root = Browser(server)
    assert login(root, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    # An agency that does not exist is refused on the form, which keeps what was typed.
    r = root.post_form("/staff/roles", {"user": reviewer_name, "type": "officer_membership",
                                        "role": "reviewer", "agencies": "no-such-agency-" + tag},
                       csrf_page="/staff/roles")
    assert r.status == 409 and 'id="agencies-error"' in r.text
    # ... naming the unknown agency, with the type, role and agencies typed kept, and nothing
    # granted (a refused scope once left the role granted for every agency).
    page = html.unescape(r.text)
    assert "no-such-agency-" + tag in page and 'value="no-such-agency-%s"' % tag in page
    assert '<option value="officer_membership" selected>' in page
    assert '<option value="reviewer" selected>' in page
    assert reviewer_name not in html.unescape(root.get("/staff/roles").text)
    r = root.post_form("/staff/roles", {"user": reviewer_name, "type": "officer_membership",
                                        "role": "reviewer", "agencies": mine["name"]},
                       csrf_page="/staff/roles")
    assert r.status == 303, r.text
    roles = html.unescape(root.get("/staff/roles").text)
    assert "หน่วยงานที่พิจารณา: " + mine["name"] in roles
    # A reviewer finds the queue from the header of every page, in either language.
    for path in ("/", "/dataset?lang=en"):
        assert '<a href="/staff/requests">' in reviewer.get(path).text, path

    ref_mine = applied(server, smtp, mine["id"])
    ref_theirs = applied(server, smtp, theirs["id"])
    # Told of its own agency's request only (once the sysadmin, who reviews every agency, has
    # been told of both, every mail of the two submissions has been sent).
    deadline = time.time() + 10
    while time.time() < deadline:
        root_told = [str(m["Subject"]) for m in smtp.messages("root-it@example.go.th")]
        if any(ref_theirs in s for s in root_told) and any(ref_mine in s for s in root_told):
            break
        time.sleep(0.1)
    told = [str(m["Subject"]) for m in smtp.wait_for(reviewer_name + "@example.go.th")]
    assert any(ref_mine in s for s in told), told
    assert not any(ref_theirs in s for s in told), told

    queue = reviewer.get("/staff/requests?type=officer_membership")
    assert queue.status == 200
    assert ref_mine in queue.text and ref_theirs not in queue.text
    assert reviewer.get("/staff/requests/" + ref_mine).status == 200
    assert reviewer.get("/staff/requests/" + ref_theirs).status == 404
    # The bulk decision reports the other agency's request as not found and decides its own.
    token = create_token_via_page(reviewer, reviewer_name)
    r = Browser(server).post_json("/api/requests/decide",
                                  {"requests": [ref_theirs, ref_mine], "transition": "ask_info",
                                   "note": "ขอสำเนาคำสั่ง"}, headers={"Authorization": token})
    assert r.status == 200, r.text
    res = r.json()["results"]
    assert res[0]["status"] == 404 and res[1]["ok"] is True
    # The sysadmin, a reviewer of every agency, sees both.
    queue = root.get("/staff/requests?type=officer_membership&include_closed=1")
    assert ref_mine in queue.text and ref_theirs in queue.text

    # Cleared (the field left empty): every agency again.
    r = root.post_form("/staff/roles", {"user": reviewer_name, "type": "officer_membership",
                                        "role": "reviewer", "agencies": ""}, csrf_page="/staff/roles")
    assert r.status == 303
    assert "หน่วยงานที่พิจารณา: ทุกหน่วยงาน" in html.unescape(root.get("/staff/roles").text)
    assert reviewer.get("/staff/requests/" + ref_theirs).status == 200
    # The role removed again: the shared server's other tests expect the sysadmins, who review
    # when a type has no staff of its own, to be told of officer applications.
    r = root.post_form("/staff/roles", {"user": reviewer_name, "type": "officer_membership",
                                        "role": "none"}, csrf_page="/staff/roles")
    assert r.status == 303
    assert reviewer.get("/staff/requests/" + ref_theirs).status in (403, 404)
