"""Issue #12, finding 5: nothing tells an outsider whether an account exists. Failed logins are
counted per submitted name, known or not, with the same answers and the same lock-out; what only
the owner may learn comes after the right password; registering a taken e-mail answers as a new
one (the owner gets a mail instead); anonymous user_list is refused unless the operator allows
it, and the sysadmin flag is for sysadmins."""
import re

from accounts_helpers import PASSWORD, login, register, registered_user, unique_name, verify_link
from govhub_harness import Browser, Server


def call(browser, action, token=None, **params):
    query = "&".join("%s=%s" % kv for kv in params.items())
    return browser.get("/api/3/action/%s?%s" % (action, query),
                       headers={"Authorization": token} if token else None)


def same_page(r, name, email=None):
    """The answer with what differs by nature (the typed name and e-mail, the CSP nonce) out."""
    text = r.text.replace(email, "EMAIL") if email else r.text
    return re.sub(r'nonce-[A-Za-z0-9+/=_-]+|nonce="[^"]*"', "", text.replace(name, "NAME"))


def test_known_and_unknown_names_get_the_same_answers_and_lock_alike(server, smtp):
    known = registered_user(Browser(server), smtp, "enum-known")
    unknown = unique_name("enum-nobody")
    b = Browser(server)
    for i in range(4):
        r1, r2 = login(b, known, "wrong-password-1"), login(b, unknown, "wrong-password-1")
        assert r1.status == r2.status == 401, i
        assert same_page(r1, known) == same_page(r2, unknown)
    # The fifth failure locks both names, with the same status and text (before the fix only
    # the real account answered 423, and an unknown name 401 for ever).
    r1, r2 = login(b, known, "wrong-password-1"), login(b, unknown, "wrong-password-1")
    assert r1.status == r2.status == 423
    assert "ล็อกไว้อีก 15 นาที" in r1.text
    assert same_page(r1, known) == same_page(r2, unknown)
    # While locked the password is not tried: the right one gets the same answer.
    r1, r2 = login(b, known, PASSWORD), login(b, unknown, PASSWORD)
    assert r1.status == r2.status == 423
    assert same_page(r1, known) == same_page(r2, unknown)
    # An address counts on its own, as typed: had it counted under its account's name, an
    # address would lock with its name while a made-up one did not, telling whose it is.
    fake_email = unique_name("enum-nobody") + "@example.go.th"
    r1, r2 = login(b, known + "@example.go.th", "wrong-password-1"), login(b, fake_email, "wrong-password-1")
    assert r1.status == r2.status == 401
    assert same_page(r1, known + "@example.go.th") == same_page(r2, fake_email)
    # So the owner still gets in by e-mail while someone else locked the name out.
    assert login(b, known + "@example.go.th", PASSWORD).status == 303
    # The counters hold no typed names (people type passwords there by mistake).
    keys = [k for (k,) in server.query("SELECT key FROM login_failures")]
    assert keys and all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys)
    assert not any(unknown in k for k in keys)


def test_what_the_state_says_comes_after_the_right_password(server, smtp):
    name = unique_name("enum-pending")
    assert register(Browser(server), name).status == 201
    unknown = unique_name("enum-nobody")
    b = Browser(server)
    r1, r2 = login(b, name, "wrong-password-1"), login(b, unknown, "wrong-password-1")
    assert r1.status == r2.status == 401 and same_page(r1, name) == same_page(r2, unknown)
    r = login(b, name)
    assert r.status == 403 and "ยังไม่ได้ยืนยันอีเมล" in r.text


def test_registering_a_taken_email_answers_as_a_new_one_and_tells_the_owner(server, smtp):
    owner = registered_user(Browser(server), smtp, "enum-owner")
    email = owner + "@example.go.th"
    fresh, other = unique_name("enum-fresh"), unique_name("enum-other")
    r1 = register(Browser(server), fresh, email=fresh + "@example.go.th")
    r2 = register(Browser(server), other, email=email)
    # Before the fix: 422 "this e-mail is already registered".
    assert r1.status == r2.status == 201
    assert same_page(r1, fresh, fresh + "@example.go.th") == same_page(r2, other, email)
    assert "ลงทะเบียนแล้ว" not in r2.text
    # The owner is told, in Thai with English below, with a way in.
    msgs = smtp.wait_for(email, count=2)  # the verification, then this (Maildir has no order)
    msg = next(m for m in msgs if "พยายามสมัคร" in str(m["Subject"]))
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert owner in body and "/user/login" in body and "/user/reset" in body
    assert "Someone tried to register" in body
    # No account was made: the name is still free and cannot log in.
    assert login(Browser(server), other).status == 401
    assert server.query("SELECT COUNT(*) FROM users WHERE name = '%s'" % other)[0][0] == "0"
    assert server.query("SELECT COUNT(*) FROM audit_log WHERE action = 'user.register_email_taken'")[0][0] != "0"
    # A taken user name is public anyway (profile pages) and still says so.
    r = register(Browser(server), owner, email=unique_name("x") + "@example.go.th")
    assert r.status == 422 and "ชื่อผู้ใช้นี้ถูกใช้แล้ว" in r.text


def test_user_list_is_not_for_anonymous_callers_and_the_sysadmin_flag_is_for_sysadmins(
        server, smtp, sysadmin):
    # Before the fix anonymous user_list showed every account with its sysadmin flag.
    r = call(Browser(server), "user_list")
    assert r.status == 403 and r.json()["success"] is False
    assert r.json()["error"]["__type"] == "Authorization Error"
    person = Browser(server)
    name = registered_user(person, smtp, "enum-lister")
    users = call(person, "user_list").json()["result"]
    assert users and all("sysadmin" not in u and "email" not in u for u in users)
    users = call(Browser(server), "user_list", sysadmin).json()["result"]
    assert any(u["name"] == "root-it" and u["sysadmin"] is True for u in users)
    assert all("email" in u for u in users)
    # user_show: others do not see the flag; the person and sysadmins do.
    for viewer in (Browser(server), person):
        shown = call(viewer, "user_show", id="root-it").json()["result"]
        assert "sysadmin" not in shown and "email" not in shown
    assert call(person, "user_show", id=name).json()["result"]["sysadmin"] is False
    assert call(Browser(server), "user_show", sysadmin, id="root-it").json()["result"]["sysadmin"] is True
    # Nor on the profile page.
    page = Browser(server).get("/user/root-it")
    assert page.status == 200 and "ผู้ดูแลระบบ" not in page.text


def test_user_list_for_anonymous_callers_when_the_operator_allows_it(smtp):
    site = Server("--public-user-details", smtp_url=smtp.url)
    try:
        site.create_sysadmin("root-pub")
        r = call(Browser(site), "user_list")
        assert r.status == 200
        users = r.json()["result"]
        assert [u["name"] for u in users if u["name"] == "root-pub"] == ["root-pub"]
        assert all("sysadmin" not in u and "email" not in u for u in users)
    finally:
        site.stop()
