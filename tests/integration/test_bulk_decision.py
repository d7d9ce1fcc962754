"""The bulk decision (issue 14): a reviewer decides several requests with one call to
/api/requests/decide; each becomes its own audited step, and the refusals are reported one by
one (a request in the wrong state, one that does not exist) without stopping the others."""
from accounts_helpers import registered_user
from govhub_harness import Browser
from test_account_closure import file_request, sign_and_submit


def test_a_bulk_decision_reports_each_request(server, smtp, sysadmin):
    refs = []
    for _ in range(2):
        person = Browser(server)
        registered_user(person, smtp, "bulk")
        ref = file_request(person, "suspend")
        sign_and_submit(person, ref)
        refs.append(ref)
    person = Browser(server)
    registered_user(person, smtp, "bulkdraft")
    draft = file_request(person, "suspend")  # never submitted

    api = Browser(server)
    auth = {"Authorization": sysadmin}
    # A reason is required for a rejection: each request refused on its own, none moved.
    r = api.post_json("/api/requests/decide", {"requests": refs, "transition": "reject"}, headers=auth)
    assert r.status == 200, r.text
    body = r.json()
    assert body["decided"] == 0 and body["failed"] == 2
    assert all(x["status"] == 409 and x["error"] == "workflow.note_required" for x in body["results"])

    r = api.post_json("/api/requests/decide",
                      {"requests": refs + [draft, "AC-2569-ZZZZZZ"], "transition": "reject",
                       "note": "ไม่พบลายมือชื่อ"}, headers=auth)
    assert r.status == 200, r.text
    body = r.json()
    assert body["decided"] == 2 and body["failed"] == 2
    res = body["results"]
    assert [x["ok"] for x in res] == [True, True, False, False]
    assert res[0]["reference"] == refs[0] and res[0]["state"] == "rejected"
    # A draft is its applicant's alone: to staff it is not there at all.
    assert res[2]["status"] == 404 and res[2]["error"] == "workflow.not_found"
    assert res[3]["status"] == 404
    # Each decision is its own record in the audit log.
    for ref in refs:
        rows = server.query(
            "SELECT count(*) FROM audit_log a JOIN workflow_requests w ON w.id = a.object_id"
            " WHERE w.reference = '%s' AND a.action = 'workflow.transition'"
            " AND a.details LIKE '%%\"reject\"%%'" % ref)
        assert int(rows[0][0]) == 1, (ref, rows)

    # Not signed in: 401; a signed-in person who reviews nothing sees nothing to decide.
    r = Browser(server).post_json("/api/requests/decide", {"requests": refs, "transition": "reject"})
    assert r.status == 401
    r = person.post_json("/api/requests/decide", {"requests": [draft], "transition": "reject",
                                                  "note": "x"})
    assert r.status in (200, 403), r.text
    if r.status == 200:
        assert r.json()["results"][0]["ok"] is False
    # A bad body: 409 naming the field.
    r = api.post_json("/api/requests/decide", {"requests": "not-a-list"}, headers=auth)
    assert r.status == 409
