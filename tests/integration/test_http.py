"""The HTTP core through the real binary: pages, static files, errors by area, hostile input."""
import json
import urllib.parse
import socket
import time

from govhub_harness import read_until_close, Browser, raw_request, status_of


def test_home_is_thai_by_default_with_english_switch(browser):
    r = browser.get("/")
    assert r.status == 200
    assert '<html lang="th">' in r.text
    assert "บริการดิจิทัลภาครัฐในที่เดียว" in r.text
    for path in ("/opendata", "/learning", "/workd"):  # the three services in the header
        assert 'href="%s"' % path in r.text
    r = browser.get("/?lang=en")
    assert '<html lang="en">' in r.text and "Government digital services in one place" in r.text
    assert any(c.startswith("lang=en") for c in r.cookies())
    # The cookie remembers the choice; Accept-Language is the fallback for new visitors.
    assert '<html lang="en">' in browser.get("/").text
    fresh = Browser(browser.server)
    assert '<html lang="en">' in fresh.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    assert '<html lang="th">' in fresh.get("/", headers={"Accept-Language": "fr, th;q=0.5"}).text


def test_service_pages_show_the_guides_steps(browser):
    r = browser.get("/workd")
    assert r.status == 200 and "5 วันทำการ" in r.text and "1 วันทำการ" in r.text
    r = browser.get("/opendata?lang=en")
    assert "5 minutes" in r.text and "24 hours" in r.text
    assert "15 นาที" in browser.get("/learning?lang=th").text


def test_security_headers(browser):
    r = browser.get("/")
    csp = r.header("Content-Security-Policy")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert r.header("X-Content-Type-Options") == "nosniff"
    assert r.header("X-Request-Id")
    # A client's own request id is echoed back when it is sane, replaced when not.
    assert browser.get("/", headers={"X-Request-Id": "abc-123"}).header("X-Request-Id") == "abc-123"
    assert browser.get("/", headers={"X-Request-Id": "bad id\x7f"}).header("X-Request-Id") != "bad id\x7f"


def test_static_files_with_etag_and_range(browser):
    r = browser.get("/static/css/govhub.css")
    assert r.status == 200
    assert r.header("Content-Type") == "text/css; charset=utf-8"
    etag = r.header("ETag")
    assert etag
    assert browser.get("/static/css/govhub.css", headers={"If-None-Match": etag}).status == 304
    r = browser.get("/static/css/govhub.css", headers={"Range": "bytes=0-9"})
    assert r.status == 206 and len(r.body) == 10
    font = browser.get("/static/vendor/sarabun/sarabun-thai-400-normal.woff2")
    assert font.status == 200 and font.header("Content-Type") == "font/woff2"
    assert browser.get("/static/../../etc/passwd").status == 404
    assert browser.get("/static/%2e%2e/%2e%2e/CMakeLists.txt").status == 404
    assert browser.get("/static/.hidden").status == 404


def test_errors_are_rendered_per_area(browser):
    r = browser.get("/no/such/page")
    assert r.status == 404 and "text/html" in r.header("Content-Type")
    assert "ไม่พบหน้าที่ต้องการ" in r.text
    assert "Page not found" in browser.get("/no/such/page?lang=en").text
    r = browser.get("/api/no-such-thing")
    assert r.status == 404 and r.json()["error"]["code"] == "not_found"
    r = browser.get("/api/3/action/no_such_action")
    assert r.status == 400
    body = r.json()
    assert body["success"] is False and "Action name not known" in body["error"]["message"]
    assert body["help"].endswith("/api/3/action/help_show?name=no_such_action")
    r = browser.request("DELETE", "/user/login")
    assert r.status == 405 and r.header("Allow") == "GET, HEAD, POST"


def test_missing_or_wrong_csrf_is_refused(browser):
    body = b"login=admin&password=whatever-123"
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    r = browser.request("POST", "/user/login", body=body, headers=h)
    assert r.status == 403 and "แบบฟอร์มหมดอายุ" in r.text
    browser.get("/user/login")  # now has a CSRF cookie, but the form still lacks the token
    r = browser.request("POST", "/user/login", body=body + b"&_csrf=forged", headers=h)
    assert r.status == 403


def test_invalid_utf8_and_bad_encoding_in_forms(browser):
    token = browser.csrf_from("/user/register")
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    r = browser.request("POST", "/user/register", body=b"_csrf=" + token.encode() + b"&name=%ff%fe", headers=h)
    assert r.status == 400 and "UTF-8" in r.text
    r = browser.request("POST", "/user/register", body=b"_csrf=" + token.encode() + b"&name=%zz", headers=h)
    assert r.status == 400
    r = browser.get("/?lang=%ff")
    assert r.status in (200, 400)
    assert browser.get("/").status == 200


def test_oversized_form_is_413(browser):
    token = browser.csrf_from("/user/register")
    body = ("_csrf=%s&fullname_th=" % token + "ก" * 100000).encode()
    r = browser.request("POST", "/user/register", body=body,
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 413
    assert browser.get("/").status == 200


def test_malformed_requests_get_4xx_and_the_server_keeps_serving(server):
    cases = [
        (b"NOT A REQUEST\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Huge: " + b"a" * 40000 + b"\r\n\r\n", 431),
        (b"POST /user/login HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
        (b"POST /user/login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        (b"POST /api/3/action/status_show HTTP/1.1\r\nHost: x\r\nContent-Length: 900000000\r\n\r\n", 413),
        (b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n", 400),
    ]
    for raw, expected in cases:
        got = status_of(raw_request(server.port, raw))
        assert got == expected, (raw[:60], got)
        assert status_of(raw_request(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) == 200
    # Truncated body: the client disconnects mid-body.
    raw_request(server.port, b"POST /user/login HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nlogin=a", read=False)
    assert server.alive()


def test_a_body_of_unknown_length_is_refused_not_read_as_the_next_request(server):
    # An outside attack: "Transfer-Encoding: xchunked" was answered 200 and its body served as
    # a second, smuggled request. RFC 9112 §6.1: 400 and close when chunked is not last.
    smuggled = b"GET /smuggled-probe HTTP/1.1\r\nHost: x\r\n\r\n"
    for coding in (b"xchunked", b"identity", b"gzip", b"chunked, identity"):
        raw = (b"POST /api/3/action/status_show HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: " + coding + b"\r\n\r\n" + smuggled)
        out = raw_request(server.port, raw)
        assert status_of(out) == 400, (coding, out[:200])
        assert out.count(b"HTTP/1.1 ") == 1, (coding, out[:400])
    assert "/smuggled-probe" not in server.output()
    # A chunked body is still read as one.
    out = raw_request(server.port, b"POST /api/3/action/status_show HTTP/1.1\r\nHost: x\r\n"
                                   b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                   b"Connection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
    assert status_of(out) == 200, out[:200]


def test_slow_headers_get_408(server):
    t0 = time.time()
    out = raw_request(server.port, b"GET / HTTP/1.1\r\nHost: x\r\n", timeout=10)
    assert status_of(out) == 408
    assert time.time() - t0 < 9


def test_keep_alive_and_pipelining(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /api/3/action/status_show HTTP/1.1\r\nHost: x\r\n\r\n"
              b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = read_until_close(s)
    s.close()
    assert data.count(b"HTTP/1.1 200 OK") == 3
    first, second = data.index(b"ok\n"), data.index(b'"success":true')
    assert first < second and data.rindex(b"ok\n") > second


def test_head_requests_have_no_body(server):
    out = raw_request(server.port, b"HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status_of(out) == 200
    head, _, body = out.partition(b"\r\n\r\n")
    assert body == b"" and b"Content-Length: " in head


FORMS = ["/user/register", "/user/verify/resend", "/user/login", "/user/reset", "/user/reset/confirm",
         "/user/password"]


def test_every_form_survives_missing_hostile_and_oversized_input(server, smtp):
    from accounts_helpers import registered_user
    anon = Browser(server)
    signed_in = Browser(server)
    name = registered_user(signed_in, smtp, "sweep")
    # Logout goes last: it ends the signed-in browser's session.
    forms = FORMS + ["/user/%s/api-tokens" % name,
                     "/user/%s/api-tokens/00000000-0000-4000-8000-000000000000/revoke" % name, "/user/logout"]
    hostile = {"name": "<img src=x onerror=alert(1)>", "email": "a@b\r\nBcc: victim@example.com",
               "login": "' OR 1=1 --", "password": "x" * 5000, "password_confirm": "\u0000",
               "token": "../../etc/passwd", "token_name": "\u202e" * 50, "fullname_th": "ก" * 300,
               "current_password": "", "next": "javascript:alert(1)"}
    for b in (anon, signed_in):
        csrf_page = "/user/" + name if b is signed_in else "/user/login"
        for path in forms:
            for fields in ({}, hostile) if path != "/user/logout" else (hostile,):
                r = b.post_form(path, fields, csrf_page=csrf_page)
                assert r.status < 500, (path, fields is hostile, r.status, r.text[:300])
                assert "<img src=x" not in r.text
                if r.status in (301, 302, 303):
                    loc = r.header("Location")
                    assert loc.startswith("/") and not loc.startswith("//"), loc
            if path == "/user/logout":
                continue
            big = {"_csrf": b.csrf_from(csrf_page), "name": "x" * 70000}
            r = b.request("POST", path, body=urllib.parse.urlencode(big).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert r.status == 413, (path, r.status)
    assert server.alive()
    # The hostile e-mail did not create an account or inject a header into any message.
    assert not [m for m in smtp.messages() if "victim@example.com" in str(m.get("Bcc", ""))]
