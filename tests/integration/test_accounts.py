"""Account flows end to end: real govhub, real SMTP server, links followed from the mail."""
import re
import time

from accounts_helpers import (PASSWORD, create_token_via_page, login, register, registered_user,
                              unique_name, verify_link)
from govhub_harness import Browser


def test_register_verify_login_profile(browser, smtp):
    # The form carries next= only when it was given one (no empty hidden input), as does the
    # login page's link to it.
    page = Browser(browser.server).get("/user/register")
    assert page.status == 200 and 'name="name"' in page.text
    assert 'name="next"' not in page.text
    page = Browser(browser.server).get("/user/register?next=/dataset")
    assert '<input type="hidden" name="next" value="/dataset">' in page.text
    page = Browser(browser.server).get("/user/login")
    assert 'href="/user/register"' in page.text and "/user/register?next=" not in page.text
    name = unique_name("somchai")
    r = register(browser, name, fullname_th="สมชาย ใจดี", fullname_en="Somchai Jaidee")
    assert r.status == 201
    assert name + "@example.go.th" in r.text

    # Before verification the account cannot log in, and says why.
    r = login(Browser(browser.server), name)
    assert r.status == 403
    assert "ยังไม่ได้ยืนยันอีเมล" in r.text

    msg = smtp.wait_for(name + "@example.go.th")[-1]
    assert "ยืนยันอีเมล" in str(msg["Subject"])
    link = verify_link(smtp, name + "@example.go.th")
    r = browser.get(link)
    assert r.status == 200
    assert "ยืนยันอีเมลเรียบร้อย" in r.text
    # The link works once.
    r = browser.get(link)
    assert r.status == 400
    assert "ถูกใช้ไปแล้ว" in r.text

    r = login(browser, name)
    assert r.status == 303
    assert r.header("Location") == "/user/" + name
    session = [c for c in r.cookies() if c.startswith("govhub_session=")][0]
    assert "HttpOnly" in session and "SameSite=Lax" in session
    r = browser.get("/user/" + name)
    assert r.status == 200
    assert "สมชาย ใจดี" in r.text and name + "@example.go.th" in r.text
    assert "ใช้งานได้" in r.text  # state shown to the owner


def test_login_by_email_and_next_is_kept_on_site(browser, smtp):
    name = registered_user(Browser(browser.server), smtp)
    r = browser.post_form("/user/login", {"login": name + "@EXAMPLE.go.th", "password": PASSWORD,
                                          "next": "/user/" + name})
    assert r.status == 303 and r.header("Location") == "/user/" + name
    b2 = Browser(browser.server)
    r = b2.post_form("/user/login", {"login": name, "password": PASSWORD, "next": "//evil.example/x"})
    assert r.status == 303 and r.header("Location") == "/user/" + name


def test_next_with_hidden_characters_is_not_followed(server, smtp):
    """Issue #12, finding 6: next=%2F%09%2Fevil.example answered Location: /\t/evil.example,
    which browsers read as http://evil.example/ (they drop the TAB)."""
    name = registered_user(Browser(server), smtp)
    bad = ["/\t/evil.example", "/%09/evil.example", "/\n/evil.example", "/\\evil.example",
           "/%5Cevil.example", "/%2F/evil.example", "/%252F%252Fevil.example", "/ /evil.example",
           "https://evil.example/"]
    for next_ in bad:
        r = Browser(server).post_form("/user/login", {"login": name, "password": PASSWORD, "next": next_})
        assert r.status == 303 and r.header("Location") == "/user/" + name, (next_, r.header("Location"))
    # The form does not carry it either, from the query string as the finding sent it.
    page = Browser(server).get("/user/login?next=%2F%09%2Fevil.example")
    assert page.status == 200 and not re.search(r'name="next" value="[^"]*evil', page.text)
    # A path on this site is still followed.
    r = Browser(server).post_form("/user/login", {"login": name, "password": PASSWORD, "next": "/dataset?q=x"})
    assert r.header("Location") == "/dataset?q=x"


def test_registration_validation_keeps_input_and_escapes_it(browser):
    name = unique_name("bad")
    r = register(browser, "Bad Name!", email="not-an-email", password="short",
                 fullname_th="<script>alert(1)</script>", fullname_en="")
    assert r.status == 422
    assert 'value="Bad Name!"' in r.text  # what the user typed is kept...
    assert "<script>alert(1)</script>" not in r.text  # ...and escaped
    assert "&lt;script&gt;" in r.text
    assert "short" not in re.findall(r'value="([^"]*)"', r.text)  # passwords are not echoed
    for msg in ["ชื่อผู้ใช้ต้องเป็น", "รูปแบบอีเมลไม่ถูกต้อง", "อย่างน้อย 10 ตัวอักษร", "ชื่อ-นามสกุลภาษาอังกฤษ"]:
        assert msg in r.text
    # A taken name says so (names are public); a taken e-mail does not (test_account_enumeration).
    assert register(browser, name).status == 201
    r = register(Browser(browser.server), name)
    assert r.status == 422 and "ชื่อผู้ใช้นี้ถูกใช้แล้ว" in r.text and "อีเมลนี้ลงทะเบียนแล้ว" not in r.text
    # Mismatched confirmation, in English.
    r = register(Browser(browser.server), unique_name(), password_confirm="something-else-1", lang="en")
    r = Browser(browser.server).post_form("/user/register?lang=en", {
        "name": unique_name(), "email": unique_name() + "@x.go.th", "password": PASSWORD,
        "password_confirm": PASSWORD + "x", "fullname_th": "ก", "fullname_en": "K"}, csrf_page="/user/register")
    assert r.status == 422 and "The two passwords differ" in r.text


def test_wrong_password_and_lockout(server, smtp):
    b = Browser(server)
    name = registered_user(Browser(server), smtp)
    for i in range(4):
        r = login(b, name, "wrong-password-1")
        assert r.status == 401, i
        assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in r.text
    r = login(b, name, "wrong-password-1")  # fifth failure locks
    assert r.status == 423
    r = login(b, name)  # even the right password is refused while locked
    assert r.status == 423 and "ล็อก" in r.text
    assert re.search(r"อีก \d+ นาที", r.text), "the lock-out says for how long"
    # Unknown users get the same answers (test_account_enumeration compares them).
    r = login(b, unique_name("no-such-user"), "whatever-123")
    assert r.status == 401
    # A password reset (the message suggests it) ends the lock-out.
    path, token = reset_link(b, smtp, name + "@example.go.th")
    r = b.post_form("/user/reset/confirm", {"token": token, "password": "ใหม่-รหัสผ่าน-2570",
                                            "password_confirm": "ใหม่-รหัสผ่าน-2570"}, csrf_page=path)
    assert r.status == 200
    assert login(Browser(server), name, "ใหม่-รหัสผ่าน-2570").status == 303


def test_password_reset_link_is_single_use(server, smtp):
    name = registered_user(Browser(server), smtp)
    email = name + "@example.go.th"
    b = Browser(server)
    r = b.post_form("/user/reset", {"email": email})
    assert r.status == 200 and "เราได้ส่งลิงก์" in r.text
    # Unknown addresses look the same (no account enumeration).
    r2 = b.post_form("/user/reset", {"email": "nobody-here@example.go.th"})
    assert r2.status == 200 and "เราได้ส่งลิงก์" in r2.text
    link = smtp.last_link(email, r"http://[^\s]+/user/reset/confirm\?token=[A-Za-z0-9_-]+")
    path = link[link.index("/user/"):]
    token = path.split("token=")[1]
    assert b.get(path).status == 200
    # Policy errors re-render the form.
    r = b.post_form("/user/reset/confirm", {"token": token, "password": "short", "password_confirm": "short"},
                    csrf_page=path)
    assert r.status == 422
    new_password = "ใหม่-รหัสผ่าน-2570"
    r = b.post_form("/user/reset/confirm", {"token": token, "password": new_password,
                                            "password_confirm": new_password}, csrf_page=path)
    assert r.status == 200 and "ตั้งรหัสผ่านใหม่เรียบร้อย" in r.text
    # Replaying the link fails, on GET and on POST.
    assert b.get(path).status == 400
    r = b.post_form("/user/reset/confirm", {"token": token, "password": "another-pass-99",
                                            "password_confirm": "another-pass-99"}, csrf_page="/user/reset")
    assert r.status == 400 and "ถูกใช้ไปแล้ว" in r.text
    assert login(Browser(server), name, PASSWORD).status == 401
    assert login(Browser(server), name, new_password).status == 303


def token_works(server, token):
    return Browser(server).get("/api/3/action/api_token_list", headers={"Authorization": token}).status == 200


def reset_link(browser, smtp, email):
    assert browser.post_form("/user/reset", {"email": email}).status == 200
    link = smtp.last_link(email, r"http://[^\s]+/user/reset/confirm\?token=[A-Za-z0-9_-]+")
    path = link[link.index("/user/"):]
    return path, path.split("token=")[1]


def test_password_reset_revokes_api_tokens_unless_unticked(server, smtp):
    """Issue #12, finding 8: API tokens survived a password reset."""
    b = Browser(server)
    name = registered_user(b, smtp)
    email = name + "@example.go.th"
    token = create_token_via_page(b, name)
    assert token_works(server, token)
    # The form offers the choice, ticked.
    path, reset_token = reset_link(b, smtp, email)
    page = b.get(path)
    assert re.search(r'<input type="checkbox" id="revoke_tokens" name="revoke_tokens" value="1"[^>]* checked>', page.text)
    assert "เพิกถอนโทเคน API ของฉันด้วย" in page.text
    assert "Also revoke my API tokens" in b.get(path + "&lang=en").text
    r = b.post_form("/user/reset/confirm", {"token": reset_token, "password": "ใหม่-รหัสผ่าน-2570",
                                            "password_confirm": "ใหม่-รหัสผ่าน-2570", "tokens_choice": "1",
                                            "revoke_tokens": "1"}, csrf_page=path)
    assert r.status == 200
    assert not token_works(server, token)
    # Unticked, the tokens stay.
    assert login(b, name, "ใหม่-รหัสผ่าน-2570").status == 303
    token = create_token_via_page(b, name)
    path, reset_token = reset_link(b, smtp, email)
    r = b.post_form("/user/reset/confirm", {"token": reset_token, "password": PASSWORD, "password_confirm": PASSWORD,
                                            "tokens_choice": "1"}, csrf_page=path)
    assert r.status == 200 and token_works(server, token)
    # A post without the form's choice (an old form, a script) revokes.
    path, reset_token = reset_link(b, smtp, email)
    r = b.post_form("/user/reset/confirm", {"token": reset_token, "password": "อีก-รหัสผ่าน-2571",
                                            "password_confirm": "อีก-รหัสผ่าน-2571"}, csrf_page=path)
    assert r.status == 200 and not token_works(server, token)


def test_a_new_password_ends_every_reset_link_sent_before_it(server, smtp):
    b = Browser(server)
    name = registered_user(b, smtp)
    email = name + "@example.go.th"
    first_path, first = reset_link(b, smtp, email)
    second_path, second = reset_link(b, smtp, email)
    r = b.post_form("/user/reset/confirm", {"token": second, "password": "ใหม่-รหัสผ่าน-2570",
                                            "password_confirm": "ใหม่-รหัสผ่าน-2570"}, csrf_page=second_path)
    assert r.status == 200

    def assert_link_is_dead(path, token, password):
        assert b.get(path).status == 400
        r = b.post_form("/user/reset/confirm", {"token": token, "password": password,
                                                "password_confirm": password}, csrf_page="/user/reset")
        assert r.status == 400, r.status
        assert login(Browser(server), name, password).status == 401

    # The older, unused link no longer sets a password (before the fix it did).
    assert_link_is_dead(first_path, first, "คนอื่น-รหัสผ่าน-2570")
    # Nor does one sent before a password change.
    assert login(b, name, "ใหม่-รหัสผ่าน-2570").status == 303
    third_path, third = reset_link(b, smtp, email)
    r = b.post_form("/user/password", {"current_password": "ใหม่-รหัสผ่าน-2570", "password": "เปลี่ยน-รหัสผ่าน-2571",
                                       "password_confirm": "เปลี่ยน-รหัสผ่าน-2571"})
    assert r.status == 303
    assert_link_is_dead(third_path, third, "คนอื่น-รหัสผ่าน-2571")
    assert login(Browser(server), name, "เปลี่ยน-รหัสผ่าน-2571").status == 303


def test_password_change_revokes_api_tokens_when_ticked(server, smtp):
    b = Browser(server)
    name = registered_user(b, smtp)
    token = create_token_via_page(b, name)
    page = b.get("/user/password")
    assert 'name="revoke_tokens"' in page.text and " checked>" not in page.text  # not ticked
    r = b.post_form("/user/password", {"current_password": PASSWORD, "password": "new-pass-2570",
                                       "password_confirm": "new-pass-2570", "tokens_choice": "1"})
    assert r.status == 303 and token_works(server, token)
    r = b.post_form("/user/password", {"current_password": "new-pass-2570", "password": PASSWORD,
                                       "password_confirm": PASSWORD, "tokens_choice": "1", "revoke_tokens": "1"})
    assert r.status == 303 and not token_works(server, token)


def test_change_password_signs_out_other_sessions(server, smtp):
    b1 = Browser(server)
    name = registered_user(b1, smtp)
    b2 = Browser(server)
    assert login(b2, name).status == 303
    assert b2.get("/user/me").status == 303
    r = b1.post_form("/user/password", {"current_password": "wrong-one-123", "password": "new-pass-2570",
                                        "password_confirm": "new-pass-2570"})
    assert r.status == 422 and "รหัสผ่านปัจจุบันไม่ถูกต้อง" in r.text
    r = b1.post_form("/user/password", {"current_password": PASSWORD, "password": "new-pass-2570",
                                        "password_confirm": "new-pass-2570"})
    assert r.status == 303 and r.header("Location") == "/user/%s?changed=1" % name
    assert "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว" in b1.get(r.header("Location")).text
    # The other browser was signed out: /user/me sends it to the login page.
    r = b2.get("/user/me")
    assert r.status == 303 and r.header("Location").startswith("/user/login")


def test_logout_ends_the_session(browser, smtp):
    name = registered_user(browser, smtp)
    token = browser.jar["govhub_session"]
    r = browser.post_form("/user/logout", {}, csrf_page="/user/" + name)
    assert r.status == 303
    assert "govhub_session" not in browser.jar
    other = Browser(browser.server)
    other.jar["govhub_session"] = token  # a stolen cookie no longer works
    assert other.get("/user/me").status == 303


def test_profile_privacy(server, smtp):
    owner = Browser(server)
    name = registered_user(owner, smtp)
    anon = Browser(server)
    r = anon.get("/user/" + name)
    assert r.status == 200
    assert name + "@example.go.th" not in r.text and "API token" not in r.text
    # Pending accounts are not public.
    pending = unique_name("pending")
    assert register(Browser(server), pending).status == 201
    assert anon.get("/user/" + pending).status == 404
    assert anon.get("/user/no-such-user").status == 404


def test_api_tokens_on_the_profile_page(browser, smtp):
    name = registered_user(browser, smtp)
    token = create_token_via_page(browser, name, "สคริปต์ดึงข้อมูล")
    assert len(token) == 43
    page = browser.get("/user/" + name)
    assert "สคริปต์ดึงข้อมูล" in page.text
    assert token not in page.text  # shown once only
    api = Browser(browser.server)
    r = api.get("/api/3/action/user_show", headers={"Authorization": token})
    assert r.status == 200 and r.json()["result"]["name"] == name
    token_id = re.search(r'/api-tokens/([0-9a-f-]{36})/revoke', page.text).group(1)
    r = browser.post_form("/user/%s/api-tokens/%s/revoke" % (name, token_id), {}, csrf_page="/user/" + name)
    assert r.status == 303
    r = api.get("/api/3/action/user_show", headers={"Authorization": token})
    assert r.status == 401
    # Empty token names are refused with a message.
    r = browser.post_form("/user/%s/api-tokens" % name, {"token_name": "  "}, csrf_page="/user/" + name)
    assert r.status == 422 and "กรุณาตั้งชื่อ token" in r.text


def test_other_users_tokens_are_forbidden(server, smtp):
    a = Browser(server)
    alice = registered_user(a, smtp)
    b = Browser(server)
    registered_user(b, smtp)
    r = b.post_form("/user/%s/api-tokens" % alice, {"token_name": "steal"}, csrf_page="/user/" + alice)
    assert r.status == 403


def test_resend_verification_sends_a_new_working_link(server, smtp):
    b = Browser(server)
    name = unique_name("resend")
    email = name + "@example.go.th"
    assert register(b, name).status == 201
    first = verify_link(smtp, email)
    r = b.post_form("/user/verify/resend", {"email": email})
    assert r.status == 200 and "เราได้ส่งลิงก์ใหม่" in r.text
    second = verify_link(smtp, email)
    assert second != first
    assert b.get(second).status == 200
    assert login(b, name).status == 303
    # Once verified, asking again sends nothing; unknown addresses get the same answer.
    before = len(smtp.messages(email))
    assert b.post_form("/user/verify/resend", {"email": email}).status == 200
    assert b.post_form("/user/verify/resend", {"email": "nobody@example.go.th"}).status == 200
    time.sleep(1.0)  # mail goes through the job queue: give a wrongly queued one time to arrive
    assert len(smtp.messages(email)) == before


def test_lifecycle_is_in_the_audit_log(server, smtp):
    name = registered_user(Browser(server), smtp, "audited")
    actions = [r[0] for r in server.query(
        "SELECT a.action FROM audit_log a JOIN users u ON u.id = a.object_id WHERE u.name = '%s' ORDER BY a.id"
        % name)]
    assert actions == ["user.register", "user.verify_email", "user.login"]


def test_mail_subjects_in_the_readers_language(server, smtp):
    # Someone who registers on the English site gets the whole message in English, the site's
    # name included; a Thai reader gets it in Thai.
    for lang, words, site in (("en", "Confirm your e-mail", "Government Digital Services"),
                              ("th", "ยืนยันอีเมล", "ศูนย์บริการดิจิทัลภาครัฐ")):
        b = Browser(server)
        assert b.get("/?lang=" + lang).status == 200
        name = unique_name("mail-" + lang)
        assert register(b, name).status == 201
        subject = str(smtp.wait_for(name + "@example.go.th")[-1]["Subject"])
        assert words in subject and site in subject, subject
