import itertools
import re

_counter = itertools.count(1)
PASSWORD = "รหัสผ่าน-ที่ดี-2569"


def unique_name(prefix="user"):
    return "%s-%d-%d" % (prefix, next(_counter), id(_counter) % 10000)


def register(browser, name, email=None, password=PASSWORD, **extra):
    fields = {
        "name": name,
        "email": email or "%s@example.go.th" % name,
        "password": password,
        "password_confirm": extra.pop("password_confirm", password),
        "fullname_th": extra.pop("fullname_th", "ทดสอบ ระบบ"),
        "fullname_en": extra.pop("fullname_en", "Test System"),
    }
    fields.update(extra)
    return browser.post_form("/user/register", fields)


def verify_link(smtp, email):
    link = smtp.last_link(email, r"http://[^\s]+/user/verify\?token=[A-Za-z0-9_-]+")
    return link[link.index("/user/"):]


def login(browser, login_name, password=PASSWORD):
    return browser.post_form("/user/login", {"login": login_name, "password": password})


def registered_user(browser, smtp, prefix="user"):
    """Registers, follows the e-mailed link and logs in; returns the user name."""
    name = unique_name(prefix)
    r = register(browser, name)
    assert r.status == 201, r.text
    assert browser.get(verify_link(smtp, name + "@example.go.th")).status == 200
    r = login(browser, name)
    assert r.status == 303, r.text
    return name


def create_token_via_page(browser, name, token_name="script"):
    r = browser.post_form("/user/%s/api-tokens" % name, {"token_name": token_name}, csrf_page="/user/" + name)
    assert r.status == 200, r.text
    m = re.search(r'<code class="token" id="new-token">([^<]+)</code>', r.text)
    assert m, r.text
    return m.group(1)
