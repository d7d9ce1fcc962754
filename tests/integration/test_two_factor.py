"""Two-factor authentication (TOTP, RFC 6238) on a site that requires it for staff, as it does by
default: forced set-up for sysadmins and reviewers, the QR code and secret, the login's second
step, codes used once, recovery codes, the attempt limit, turning it off, and a sysadmin's reset.
The codes are computed here as an authenticator app computes them."""
import base64
import hashlib
import hmac
import html
import re
import struct
import time

import pytest

from accounts_helpers import PASSWORD, login, registered_user
from govhub_harness import Browser, Server

ADMIN_PASSWORD = "สองขั้นตอน-ทดสอบ-2569"


@pytest.fixture(scope="module")
def site(smtp):
    s = Server("--rate-limit-login", "10000", "--rate-limit-form", "10000", smtp_url=smtp.url)
    s.cli("admin", "create-user", "--name", "root-2fa", "--email", "root-2fa@example.go.th",
          "--password", ADMIN_PASSWORD, "--sysadmin")
    yield s
    s.stop()


class App:
    """An authenticator app: the secret, and the last time step it showed a code for (a site
    takes each code once, so the next login needs a later step)."""

    def __init__(self, page_text):
        m = re.search(r'<code class="mono" id="totp-secret">([A-Z2-7 ]+)</code>', page_text)
        assert m, page_text[:2000]
        raw = m.group(1).replace(" ", "")
        self.key = base64.b32decode(raw + "=" * ((8 - len(raw) % 8) % 8))
        self.last = -1

    def code_at(self, step):
        mac = hmac.new(self.key, struct.pack(">Q", step), hashlib.sha1).digest()
        offset = mac[19] & 15
        return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)

    def current(self):
        """This step's code, for an attempt the site refuses before it looks at the code."""
        return self.code_at(int(time.time()) // 30)

    def code(self):
        """A code the site has not seen: this step's, or the next one (accepted for drift)."""
        while self.last + 1 > int(time.time()) // 30 + 1:
            time.sleep(1)
        step = max(int(time.time()) // 30, self.last + 1)
        self.last = step
        return self.code_at(step)


def text(r):
    return html.unescape(r.text)


def second_step(browser, name, password):
    r = login(browser, name, password)
    assert r.status == 200 and 'action="/user/login/code"' in r.text, r.text[:500]
    assert not any(c.startswith("govhub_session=") for c in r.cookies()), r.cookies()
    return re.search(r'name="ticket" value="([^"]+)"', r.text).group(1)


def send_code(browser, ticket, code):
    return browser.post_form("/user/login/code", {"ticket": ticket, "code": code}, csrf_page="/user/login")


def enrol(browser):
    page = browser.get("/user/2fa")
    assert page.status == 200 and "<svg" in page.text and 'aria-label="' in page.text
    app = App(page.text)
    r = browser.post_form("/user/2fa/enable", {"code": "12345"}, csrf_page="/user/2fa")
    assert r.status == 422
    r = browser.post_form("/user/2fa/enable", {"code": app.code()}, csrf_page="/user/2fa")
    assert r.status == 200, r.text[:1000]
    codes = re.findall(r"<li>([2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5})</li>", r.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    return app, codes


@pytest.fixture(scope="module")
def staff(site):
    """The sysadmin, made to set up an authenticator app at the first login."""
    admin = Browser(site)
    r = login(admin, "root-2fa", ADMIN_PASSWORD)
    assert r.status == 303 and r.header("Location") == "/user/2fa"
    # Nothing else until it is set up: pages lead back, the browser's API calls are refused.
    for path in ("/staff/requests", "/admin/users", "/user/root-2fa"):
        r = admin.get(path)
        assert r.status == 303 and r.header("Location") == "/user/2fa", path
    assert admin.get("/api/3/action/package_search").status == 403
    # An API token is its own credential and keeps working.
    token = site.cli("admin", "create-token", "root-2fa").stdout.strip()
    assert Browser(site).get("/api/3/action/package_search", headers={"Authorization": token}).status == 200
    page = admin.get("/user/2fa")
    assert "ต้องใช้การยืนยันตัวตนสองขั้นตอน" in text(page)
    app, recovery = enrol(admin)
    assert admin.get("/staff/requests").status == 200
    assert int(site.query("SELECT COUNT(*) FROM audit_log WHERE action = 'user.second_factor_enable'")[0][0]) == 1
    return {"browser": admin, "app": app, "recovery": recovery}


def test_a_sysadmin_must_set_up_a_second_factor_and_then_uses_it(site, staff):
    app, recovery = staff["app"], staff["recovery"]
    # The login's second step: a wrong code, then a right one.
    b = Browser(site)
    ticket = second_step(b, "root-2fa", ADMIN_PASSWORD)
    r = send_code(b, ticket, "000000" if app.code_at(int(time.time()) // 30) != "000000" else "111111")
    assert r.status == 401 and "รหัสไม่ถูกต้อง" in text(r)
    code = app.code()
    r = send_code(b, ticket, code)
    assert r.status == 303 and any(c.startswith("govhub_session=") for c in r.cookies())
    assert b.get("/admin/users").status == 200
    # A code works once: seen over a shoulder, it is no use.
    b2 = Browser(site)
    r = send_code(b2, second_step(b2, "root-2fa", ADMIN_PASSWORD), code)
    assert r.status == 401
    # A recovery code works once too.
    b3 = Browser(site)
    r = send_code(b3, second_step(b3, "root-2fa", ADMIN_PASSWORD), recovery[0].upper())
    assert r.status == 303
    assert re.search(r"<strong>9</strong>", b3.get("/user/2fa").text)  # nine left
    b4 = Browser(site)
    assert send_code(b4, second_step(b4, "root-2fa", ADMIN_PASSWORD), recovery[0]).status == 401
    # (Wrong codes count per account: test_wrong_codes_count_per_account_and_toward_the_lock_out.)
    # A made-up or hostile ticket needs the password again.
    for bad in ("", "x" * 500, "' OR 1=1 --"):
        r = send_code(Browser(site), bad, app.current())
        assert r.status == 401 and 'action="/user/login"' in r.text, bad
    assert "เข้าสู่ระบบใหม่อีกครั้ง" in text(r)
    # A sysadmin cannot turn it off.
    r = b.post_form("/user/2fa/disable", {"password": ADMIN_PASSWORD, "code": app.current()},
                    csrf_page="/user/2fa")
    assert r.status == 422 and "จึงปิดไม่ได้" in text(r)
    # New recovery codes replace the old ones.
    r = b.post_form("/user/2fa/recovery-codes", {"code": app.code()}, csrf_page="/user/2fa")
    fresh = re.findall(r"<li>([2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5})</li>", r.text)
    assert r.status == 200 and len(fresh) == 10
    b6 = Browser(site)
    assert send_code(b6, second_step(b6, "root-2fa", ADMIN_PASSWORD), recovery[1]).status == 401
    assert send_code(b6, second_step(b6, "root-2fa", ADMIN_PASSWORD), fresh[0]).status == 303


def test_anyone_may_use_it_reviewers_must_and_a_sysadmin_resets_it(site, smtp, staff):
    person = Browser(site)
    name = registered_user(person, smtp, "totp-user")
    # Optional for an ordinary account: no redirect, and it can be turned on and off.
    assert person.get("/user/" + name).status == 200
    app, _ = enrol(person)
    b = Browser(site)
    assert send_code(b, second_step(b, name, PASSWORD), app.code()).status == 303
    r = b.post_form("/user/2fa/disable", {"password": "wrong-password-1", "code": app.current()},
                    csrf_page="/user/2fa")
    assert r.status == 422
    r = b.post_form("/user/2fa/disable", {"password": PASSWORD, "code": app.code()}, csrf_page="/user/2fa")
    assert r.status == 303 and r.header("Location") == "/user/2fa?disabled=1"
    assert login(Browser(site), name).status == 303  # the password alone again

    # Made a reviewer, the person must set it up before going on.
    admin = staff["browser"]
    reviewer = Browser(site)
    name2 = registered_user(reviewer, smtp, "totp-reviewer")
    assert reviewer.get("/requests").status == 200
    r = admin.post_form("/staff/roles", {"user": name2, "type": "officer_membership", "role": "reviewer"},
                        csrf_page="/staff/roles")
    assert r.status == 303
    r = reviewer.get("/requests")
    assert r.status == 303 and r.header("Location") == "/user/2fa"
    enrol(reviewer)
    assert reviewer.get("/staff/requests").status == 200

    # Phone lost: a sysadmin resets it, the person is signed out and sets it up again.
    page = admin.get("/admin/users/" + name2)
    assert "ล้างการยืนยันตัวตนสองขั้นตอน" in text(page)
    r = admin.post_form("/admin/users/" + name2, {"action": "reset_second_factor"}, csrf_page="/admin/users/" + name2)
    assert r.status == 303
    assert reviewer.get("/staff/requests").header("Location").startswith("/user/login")
    r = login(Browser(site), name2)
    assert r.status == 303 and r.header("Location") == "/user/2fa"
    # Only sysadmins reset, and not their own.
    r = reviewer.post_form("/admin/users/root-2fa", {"action": "reset_second_factor"}, csrf=False)
    assert r.status in (401, 403)
    r = admin.post_form("/admin/users/root-2fa", {"action": "reset_second_factor"}, csrf_page="/admin/users/root-2fa")
    assert r.status == 409


def wrong_code(app):
    """Six digits that no step near now gives (the site accepts one step of drift)."""
    now = int(time.time()) // 30
    near = {app.code_at(step) for step in range(now - 2, now + 3)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def test_wrong_codes_count_per_account_and_toward_the_lock_out(site, smtp):
    """Issue #12, finding 4: the second step allowed 5 tries per login ticket, so each new
    password login gave 5 more guesses. Now 5 wrong codes in 5 minutes lock the account's second
    step, and each counts toward the password's lock-out too. No code here waits for a step."""
    person = Browser(site)
    name = registered_user(person, smtp, "totp-guess")
    app, recovery = enrol(person)
    wrong = wrong_code(app)
    early = Browser(site)
    early_ticket = second_step(early, name, PASSWORD)  # opened before the guessing
    attacker = Browser(site)
    for i in range(4):  # a fresh ticket each time: before the fix, 5 more guesses each
        r = send_code(attacker, second_step(attacker, name, PASSWORD), wrong)
        assert r.status == 401 and "รหัสไม่ถูกต้อง" in text(r), i
    r = send_code(attacker, second_step(attacker, name, PASSWORD), wrong)
    assert r.status == 423 and 'action="/user/login"' in r.text
    assert "การยืนยันตัวตนขั้นที่สองของบัญชีนี้ถูกล็อก" in text(r)
    # Locked for the account, whatever the ticket: even a right code on the early one.
    r = send_code(early, early_ticket, app.current())
    assert r.status == 423 and not any(c.startswith("govhub_session=") for c in r.cookies())
    r = send_code(early, early_ticket, recovery[0])
    assert r.status in (401, 423) and not any(c.startswith("govhub_session=") for c in r.cookies())
    # The wrong codes counted toward the login lock-out: no new ticket for the right password,
    # and the same answer as any locked name.
    r = login(Browser(site), name)
    assert r.status == 423 and "ล็อกไว้อีก" in text(r) and 'name="ticket"' not in r.text
    assert int(site.query("SELECT COUNT(*) FROM audit_log WHERE action = 'user.second_factor_locked'")[0][0]) == 1

