"""Learning's verified sign-up (issue 16, steps 1–2) against a local DOPA stand-in speaking the
SOAP wire format (dopa_mock.py): local checks before any call, every DOPA answer as a clear
message, "try again later" (never a pass) on a timeout, a malformed reply or an HTTP 500, the
per-ID lock after five failures with a sysadmin's audited unlock, the per-address budget, "this ID
is already registered" only after the card passed, the citizen ID kept out of the database in
clear, and an existing account adding its identity."""
import html
import os
import re
import threading
import urllib.parse

import pytest

from accounts_helpers import PASSWORD, login, registered_user, unique_name
from conftest import RELAXED
from govhub_harness import Browser, Server
from learning_helpers import citizen_id, identity_fields, sign_up, verified_learner


def message(page):
    m = re.search(r'<div class="alert error" role="alert" tabindex="-1" id="form-message"><p>([^<]*)</p>', page)
    return html.unescape(m.group(1)) if m else None


def field_error(page, field):
    m = re.search(r'<p class="field-error" id="%s-error">([^<]*)</p>' % field, page)
    return html.unescape(m.group(1)) if m else None


def test_sign_up_verifies_the_card_and_keeps_the_id_sealed(server, smtp, dopa):
    b = Browser(server)
    cid = citizen_id()
    email = verified_learner(b, smtp, cid=cid, laser="ok1 2345678 90")
    # DOPA got the 12-character laser code and the Buddhist-era birth date.
    call = dopa.calls_for(cid)[-1]
    assert call["laser"] == "OK1234567890" and call["birth"] == "25350307" and call["first"] == "ทดสอบ"
    page = b.get("/learning/identity").text
    masked = "%s-%s-XXXXX-XX-%s" % (cid[0], cid[1:5], cid[12])
    assert masked in page and cid not in page and "ทดสอบ" in page
    api = b.get("/api/learning/identity").json()
    assert api["verified"] and api["citizen_id"] == masked and api["verifier"] == "dopa"
    # Neither the ID nor the laser code is in the database in clear.
    if server.database_url is None or server.database_url.startswith("sqlite"):
        raw = b""
        for name in os.listdir(server.data_dir):
            if name.startswith("govhub.db"):
                with open(os.path.join(server.data_dir, name), "rb") as f:
                    raw += f.read()
        assert raw and cid.encode() not in raw and b"OK1234567890" not in raw
    else:
        rows = server.query("SELECT cid_hash, cid_sealed FROM verified_identities")
        assert rows and all(cid not in "".join(r) for r in rows)
        for table, column in (("audit_log", "details"), ("users", "fullname_th"), ("jobs", "payload")):
            hits = server.query("SELECT COUNT(*) FROM %s WHERE %s LIKE '%%%s%%' OR %s LIKE '%%OK1234567890%%'"
                                % (table, column, cid, column))
            assert hits[0][0] == "0", table
    # The consent was recorded with its version.
    assert "ฉบับที่ 1" in page or "version 1" in page
    assert email


@pytest.mark.parametrize("laser,status,words", [
    ("MM1-0000000-00", 422, "ข้อมูลไม่ตรง"),
    ("VD1-0000000-00", 422, "สิ้นสภาพ"),
    ("IN1-0000000-00", 422, "ไม่ครบ"),
    ("XX1-0000000-00", 503, "ลองใหม่"),
    ("SL1-0000000-00", 503, "ลองใหม่"),
    ("ER1-0000000-00", 503, "ลองใหม่"),
])
def test_each_dopa_answer_is_a_clear_message_and_no_account(server, dopa, laser, status, words):
    b = Browser(server)
    r, email, fields = sign_up(b, laser=laser)
    assert r.status == status, r.text[:2000]
    assert words in (message(r.text) or ""), message(r.text)
    assert dopa.calls_for(fields["citizen_id"])  # the service was asked
    # No account was made: the address can sign up again.
    assert login(Browser(server), email).status != 303


def test_local_checks_run_before_any_call(server, dopa):
    b = Browser(server)
    for over, field in [({"citizen_id": "1234567890123"}, "citizen_id"),
                        ({"laser": "1234-5678"}, "laser"),
                        ({"birth_year": "2600"}, "birth_year"),
                        ({"birth_month": "2", "birth_day": "30"}, "birth_year"),
                        ({"birth_month": "0", "birth_day": "5"}, "birth_year"),
                        ({"first_name_th": ""}, "first_name_th"),
                        ({"consent": ""}, "consent")]:
        cid = citizen_id()
        r, _, _ = sign_up(b, cid=cid, **over)
        assert r.status == 422, (over, r.text[:1000])
        assert field_error(r.text, field), (over, field)
        assert not dopa.calls_for(over.get("citizen_id", cid)), over
    # A bad password is said before the card is checked too.
    cid = citizen_id()
    fields = identity_fields(cid=cid)
    fields.update({"email": "x@example.com", "password": "short", "password_confirm": "short"})
    r = b.post_form("/learning/signup", fields)
    assert r.status == 422 and field_error(r.text, "password") and not dopa.calls_for(cid)


def test_unknown_day_and_month_are_sent_as_zeros(server, smtp, dopa):
    b = Browser(server)
    cid = citizen_id()
    verified_learner(b, smtp, cid=cid, birth_day="0", birth_month="0", birth_year="๒๕๓๘")
    assert dopa.calls_for(cid)[-1]["birth"] == "25380000"


def test_five_failures_lock_the_id_and_a_sysadmin_unlocks(server, smtp, dopa, sysadmin):
    cid = citizen_id()
    for _ in range(5):
        r, _, _ = sign_up(Browser(server), cid=cid, laser="MM1-0000000-00")
        assert r.status in (422, 423)
    assert r.status == 423  # the fifth failure locks
    calls = len(dopa.calls_for(cid))
    # Even the right laser code is not tried while locked.
    r, _, _ = sign_up(Browser(server), cid=cid)
    assert r.status == 423 and "ระงับการตรวจสอบ" in (message(r.text) or "")
    assert len(dopa.calls_for(cid)) == calls
    # A sysadmin unlocks (audited); the next check goes through.
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    r = admin.post_form("/learning/admin/identity-locks", {"citizen_id": cid})
    assert r.status == 200 and "1" in r.text
    assert "identity.verification_unlock" in str(server.query("SELECT action FROM audit_log"))
    b = Browser(server)
    verified_learner(b, smtp, cid=cid)
    # Not for anyone else.
    stranger = Browser(server)
    registered_user(stranger, smtp, "nolock")
    assert stranger.post_form("/learning/admin/identity-locks", {"citizen_id": cid},
                              csrf_page="/learning").status == 403


def test_the_locks_page_lists_locked_ids_and_unlocks_them_from_the_list(server, smtp, dopa):
    """A walkthrough's finding: the sysadmin's page was only a box to type into, and the person
    on the phone rarely knows their user name. Now it lists the cards locked or failing (the
    start of the ID's keyed hash, never the number; the last account that tried), each with its
    own unlock button."""
    cid = citizen_id()
    for _ in range(5):
        r, _, _ = sign_up(Browser(server), cid=cid, laser="MM1-0000000-00")
    assert r.status == 423
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    page = admin.get("/learning/admin/identity-locks").text
    keys = re.findall(r'name="key" value="([^"]+)"', page)
    assert keys and cid not in page and cid[:4] + "-" not in page
    before = len(keys)
    # Which row is this card's: unlocking each until the right laser code goes through would
    # unlock others' too, so the row's hash is read from the database.
    row = server.query("SELECT cid_hash FROM identity_verification_failures WHERE locked_until > 0 "
                       "ORDER BY locked_until DESC LIMIT 1")[0][0]
    assert row in keys
    r = admin.post_form("/learning/admin/identity-locks/unlock", {"key": row},
                        csrf_page="/learning/admin/identity-locks")
    assert r.status == 200 and 'role="status"' in r.text
    assert len(re.findall(r'name="key" value="([^"]+)"', r.text)) == before - 1
    verified_learner(Browser(server), smtp, cid=cid)
    # Not for anyone else.
    stranger = Browser(server)
    registered_user(stranger, smtp, "nolock2")
    assert stranger.get("/learning/admin/identity-locks").status == 403
    assert stranger.post_form("/learning/admin/identity-locks/unlock", {"key": row},
                              csrf_page="/learning").status == 403


def test_parallel_guesses_cannot_outrun_the_lock(server, dopa):
    """Twelve sign-ups with wrong laser codes for one citizen ID, sent at once while DOPA takes
    0.8 s to answer each: only the ID's five tries reach DOPA (each check reserves one before
    asking), the others are told "locked" at once, and the ID ends locked."""
    cid = citizen_id()
    browsers = [Browser(server) for _ in range(12)]
    tokens = [b.csrf_from("/learning/signup") for b in browsers]  # pages fetched beforehand
    start = threading.Barrier(len(browsers))
    results = [None] * len(browsers)

    def guess(i):
        fields = identity_fields(cid=cid, laser="SM%d-0000000-%02d" % (i % 10, i))
        fields.update({"email": "%s@example.com" % unique_name("racer"), "password": PASSWORD,
                       "password_confirm": PASSWORD, "_csrf": tokens[i]})
        start.wait()
        results[i] = browsers[i].request(
            "POST", "/learning/signup", body=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"})

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(len(browsers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(r.status for r in results)
    # Every check in flight ends as a failure, so exactly the five tries were used, whatever the
    # order the server ran the requests in; without the reservation all twelve reach DOPA.
    assert len(dopa.calls_for(cid)) == 5, statuses
    # Four mismatches (422); the fifth failure locks (423). The seven beyond the budget get no
    # call: "being checked, try again in a moment" (429) while the five are in flight, or
    # "locked" (423) if the server reached them after the lock.
    assert statuses[:5] == [422] * 4 + [423], statuses
    assert all(s in (423, 429) for s in statuses[5:]), statuses
    assert "ระงับการตรวจสอบ" in (message(next(r for r in results if r.status == 423).text) or "")
    busy = [r for r in results if r.status == 429]
    if busy:  # how many depends on the order the server ran them in; each says why
        assert "กำลังถูกตรวจสอบ" in (message(busy[0].text) or "")
    # The ID ends locked: even its right laser code is not tried.
    calls = len(dopa.calls_for(cid))
    r, _, _ = sign_up(Browser(server), cid=cid)
    assert r.status == 423 and len(dopa.calls_for(cid)) == calls


def test_already_registered_is_said_only_after_the_card_passed(server, smtp, dopa):
    cid = citizen_id()
    verified_learner(Browser(server), smtp, cid=cid)
    # A wrong laser code for a registered ID: the civil register's answer, nothing about accounts.
    r, _, _ = sign_up(Browser(server), cid=cid, laser="MM1-0000000-00")
    assert r.status == 422 and "ลงทะเบียน" not in (message(r.text) or "")
    assert not field_error(r.text, "citizen_id")
    # The right one: now the form may say it.
    r, _, _ = sign_up(Browser(server), cid=cid)
    assert r.status == 409 and field_error(r.text, "citizen_id")


def test_an_existing_account_adds_its_identity(server, smtp, dopa):
    b = Browser(server)
    registered_user(b, smtp, "addid")
    assert "/learning/identity" in b.get("/learning").text
    page = b.get("/learning/identity")
    assert page.status == 200 and 'name="laser"' in page.text
    fields = identity_fields()
    r = b.post_form("/learning/identity", fields)
    assert r.status == 303 and r.header("Location").startswith("/learning/identity")
    assert b.get("/api/learning/identity").json()["verified"]
    # A second identity for the same account is refused.
    r = b.post_form("/learning/identity", identity_fields())
    assert r.status == 409


def test_json_sign_up_and_hostile_bodies(server, smtp, dopa):
    b = Browser(server)
    email = "%s@example.com" % unique_name("jsonlearner")
    body = identity_fields()
    body.update({"email": email, "password": PASSWORD, "password_confirm": PASSWORD, "consent": True})
    r = b.post_json("/api/learning/signup", body)
    assert r.status == 201 and r.json()["done"] and r.json()["email"] == email
    r = b.post_json("/api/learning/signup", dict(body, laser="MM1-0000000-00", citizen_id=citizen_id()))
    assert r.status == 422 and r.json()["error"]["message"]
    r = b.post_json("/api/learning/signup", dict(body, citizen_id=12))
    assert r.status in (409, 422)
    r = b.post_json("/api/learning/signup", dict(body, citizen_id=["x"]))
    assert r.status == 409
    r = b.request("POST", "/api/learning/signup", body=b"[" * 5000 + b"]" * 5000,
                  headers={"Content-Type": "application/json"})
    assert r.status == 400
    r = b.request("POST", "/api/learning/signup", body=b"{" + b'"a":"' + b"x" * 40000 + b'"}',
                  headers={"Content-Type": "application/json"})
    assert r.status == 413
    r = b.post_json("/api/learning/signup", dict(body, first_name_th="ก" * 5000, citizen_id=citizen_id()))
    assert r.status == 422
    assert server.alive()


def test_per_address_budget_of_checks(smtp, dopa):
    s = Server(*RELAXED, "--identity-verifier", "dopa", "--dopa-endpoint", dopa.url,
               "--identity-checks-per-ip-hour", "2", smtp_url=smtp.url)
    try:
        statuses = [sign_up(Browser(s), laser="MM1-0000000-00")[0].status for _ in range(3)]
        assert statuses[:2] == [422, 422] and statuses[2] == 429
    finally:
        s.stop()


def test_demo_verifier_says_so_on_every_learning_page(smtp):
    s = Server(*RELAXED, "--identity-verifier", "demo", smtp_url=smtp.url)
    try:
        b = Browser(s)
        for path in ("/learning", "/learning/signup"):
            assert "demo-verifier" in b.get(path).text, path
        r, email, _ = sign_up(b, cid="1000000000009", laser="AA0-0000000-01", first_name_th="ผู้เรียน",
                              last_name_th="ทดลองระบบ", birth_day="15", birth_month="1", birth_year="2530")
        assert r.status == 201, r.text[:2000]
        r, _, _ = sign_up(Browser(s))
        assert r.status == 422  # any other card is a mismatch
    finally:
        s.stop()
