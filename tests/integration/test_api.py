"""CKAN-compatible Action API: envelope, authentication headers, tokens."""
from accounts_helpers import create_token_via_page, registered_user
from govhub_harness import Browser


def test_status_show(browser):
    for path in ("/api/3/action/status_show", "/api/action/status_show"):
        r = browser.get(path)
        assert r.status == 200
        body = r.json()
        assert body["success"] is True
        res = body["result"]
        for key in ("site_title", "site_url", "site_description", "ckan_version", "locale_default", "extensions"):
            assert key in res
        assert res["site_url"] == browser.server.url
        assert res["locale_default"] == "th"
        assert res["ckan_version"].startswith("2.")
        assert set(res["services"]) == {"opendata", "learning", "workd"}
        assert r.header("X-RateLimit-Limit") and r.header("X-RateLimit-Remaining")
        assert r.header("Access-Control-Allow-Origin") == "*"
    # POST works too, with or without a body.
    assert browser.post_json("/api/3/action/status_show", {}).json()["success"] is True


def test_token_lifecycle_through_the_api(server, smtp):
    b = Browser(server)
    name = registered_user(b, smtp, "dev")
    token = create_token_via_page(b, name)
    api = Browser(server)
    # All three header styles are accepted.
    for h in ({"Authorization": token}, {"Authorization": "Bearer " + token}, {"X-CKAN-API-Key": token}):
        r = api.get("/api/3/action/user_show", headers=h)
        assert r.status == 200, h
        assert r.json()["result"]["email"] == name + "@example.go.th"
    auth = {"Authorization": token}
    r = api.post_json("/api/3/action/api_token_create", {"user": name, "name": "ci"}, headers=auth)
    assert r.status == 200
    second = r.json()["result"]["token"]
    assert second != token
    r = api.get("/api/3/action/api_token_list?user_id=" + name, headers=auth)
    names = sorted(t["name"] for t in r.json()["result"])
    assert names == ["ci", "script"]
    assert all("token" not in t for t in r.json()["result"])  # never listed again
    # Revoke by the token itself; it stops working at once.
    r = api.post_json("/api/3/action/api_token_revoke", {"token": second}, headers=auth)
    assert r.status == 200 and r.json()["result"] is None
    r = api.get("/api/3/action/user_show", headers={"Authorization": second})
    assert r.status == 401
    assert r.json()["success"] is False and r.json()["error"]["__type"] == "Authorization Error"


def test_api_errors_use_the_ckan_envelope(server, smtp):
    api = Browser(server)
    r = api.post_json("/api/3/action/api_token_create", {"user": "x", "name": "y"})
    assert r.status == 403 and r.json()["error"]["__type"] == "Authorization Error"
    r = api.get("/api/3/action/api_token_create")
    assert r.status == 400 and "POST" in r.json()["error"]["message"]
    r = api.request("POST", "/api/3/action/status_show", body=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status == 400 and "JSON" in r.json()["error"]["message"]
    r = api.request("POST", "/api/3/action/status_show", body=b"[1,2]", headers={"Content-Type": "application/json"})
    assert r.status == 400
    b = Browser(server)
    name = registered_user(b, smtp, "val")
    token = create_token_via_page(b, name)
    r = api.post_json("/api/3/action/api_token_create", {"user": name}, headers={"Authorization": token})
    assert r.status == 409
    assert r.json()["error"]["__type"] == "Validation Error" and r.json()["error"]["name"] == ["Missing value"]
    r = api.post_json("/api/3/action/api_token_create", {"user": name, "name": 42}, headers={"Authorization": token})
    assert r.status == 409
    r = api.post_json("/api/3/action/api_token_revoke", {"token": "not-a-real-token"}, headers={"Authorization": token})
    assert r.status == 404 and r.json()["error"]["__type"] == "Not Found Error"
    r = api.get("/api/3/action/user_show", headers={"Authorization": "garbage"})
    assert r.status == 401


def test_user_show_hides_private_fields(server, smtp):
    b = Browser(server)
    name = registered_user(b, smtp, "priv")
    r = Browser(server).get("/api/3/action/user_show?id=" + name)
    assert r.status == 200
    assert "email" not in r.json()["result"]
    # Looking users up by e-mail is not offered (no enumeration).
    assert Browser(server).get("/api/3/action/user_show?id=%s@example.go.th" % name).status == 404


def test_cookie_session_api_posts_need_the_csrf_header(server, smtp):
    b = Browser(server)
    name = registered_user(b, smtp, "cookie")
    r = b.post_json("/api/3/action/api_token_create", {"user": name, "name": "x"})
    assert r.status == 403
    csrf = b.csrf_from("/user/" + name)
    r = b.post_json("/api/3/action/api_token_create", {"user": name, "name": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status == 200
