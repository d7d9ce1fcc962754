"""Issue #12: bounds in every parser of outside input. Findings 1 (search query nesting), 2 (JSON
nesting) and 7 (JSON in HTML) reproduced first, then each bound at its limit and one past it.
Every test checks that the server is still alive afterwards."""
import json
import re
import urllib.parse

import pytest

from accounts_helpers import unique_name
from govhub_harness import Browser, Server
from test_catalog_api import call, ok, record_dataset


def alive(server):
    assert server.alive(), server.output()[-3000:]
    assert Browser(server).get("/api/3/action/status_show").status == 200


def search_page(server, q):
    return Browser(server).get("/dataset?q=" + urllib.parse.quote(q, safe="()!-:"))


def nested_json(depth):
    return "[" * depth + "]" * depth


# Finding 1 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["(" * 5000, "(" * 1999, "NOT " * 499, "-" * 1999 + "a", "! " * 999])
def test_finding_1_deep_search_queries_are_400_not_a_crash(server, q):
    # The finding's own request: /dataset/ with 5,000 '(' (raw, as an attacker sends them).
    r = Browser(server).get("/dataset/?q=" + urllib.parse.quote(q, safe="()!-"))
    assert r.status == 400, r.text[:500]
    assert "Search Query Error" in r.text and "<html" in r.text.lower()
    api = Browser(server)
    for r in (call(api, "package_search", {"q": q}, method="GET"), call(api, "package_search", {"q": q}),
              call(api, "package_search", {"fq": q})):
        assert r.status == 400, r.text[:500]
        err = r.json()["error"]
        assert err["__type"] == "Search Query Error" and err["message"].startswith("Search Query Error")
        assert len(r.body) < 2000  # the query is not echoed
    alive(server)


def test_search_nesting_at_the_limit_works_and_one_past_is_refused(server):
    api = Browser(server)
    for q in ("(" * 32 + "tags:x" + ")" * 32, "NOT " * 32 + "tags:x", "-" * 32 + "tags:x"):
        assert ok(call(api, "package_search", {"q": q}, method="GET"))["count"] >= 0
        assert search_page(server, q).status == 200
    for q in ("(" * 33 + "tags:x" + ")" * 33, "NOT " * 33 + "tags:x", "-" * 33 + "tags:x"):
        r = call(api, "package_search", {"q": q}, method="GET")
        assert r.status == 400 and "32 deep" in r.json()["error"]["message"], r.text
        page = search_page(server, q)
        assert page.status == 400 and "32" in page.text
    alive(server)


def test_search_length_and_clause_bounds(server):
    api = Browser(server)
    # Characters, not bytes (POSTed: 2,000 Thai letters URL-encoded are more than the header cap).
    assert call(api, "package_search", {"q": "ก" * 2000}).status == 200
    r = call(api, "package_search", {"q": "ก" * 2001})
    assert r.status == 400 and "2000 characters" in r.json()["error"]["message"]
    assert call(api, "package_search", {"q": " OR ".join(["tags:x"] * 100)}).status == 200
    r = call(api, "package_search", {"q": " OR ".join(["tags:x"] * 101)})
    assert r.status == 400 and "100 clauses" in r.json()["error"]["message"]
    assert call(api, "package_search", {"fq_list": ["tags:x"] * 100}).status == 200
    r = call(api, "package_search", {"fq_list": ["tags:x"] * 101})
    assert r.status == 400 and "100 filter" in r.json()["error"]["message"]
    # The HTML search page in Thai (the default language) says the same.
    page = Browser(server).get("/dataset?q=" + "a" * 2001)
    assert page.status == 400 and "2000" in page.text
    alive(server)


# Finding 2 ------------------------------------------------------------------------------------

def test_finding_2_deep_json_body_is_400_while_parsing(server):
    body = '{"a":' + "[" * 200000 + "]" * 200000 + "}"
    assert len(body) > 400000
    for action in ("status_show", "package_search", "package_create"):
        r = Browser(server).request("POST", "/api/3/action/" + action, body=body.encode(),
                                    headers={"Content-Type": "application/json"})
        assert r.status == 400, r.text[:300]
        err = r.json()["error"]
        assert err["message"] == "Bad request - JSON Error: JSON nesting deeper than 64"
        assert len(r.body) < 2000
    alive(server)


def test_json_nesting_at_the_limit_is_read_and_one_past_is_refused(server):
    b = Browser(server)
    post = lambda text: b.request("POST", "/api/3/action/status_show", body=text.encode(),
                                  headers={"Content-Type": "application/json"})
    # The body object is one level: 63 more inside it is 64.
    assert post('{"a":' + nested_json(63) + "}").status == 200
    r = post('{"a":' + nested_json(64) + "}")
    assert r.status == 400 and "deeper than 64" in r.json()["error"]["message"]
    # NUL characters are still refused, at any depth.
    r = post('{"a":[["x\\u0000"]]}')
    assert r.status == 400 and "NUL" in r.json()["error"]["message"]
    # Broken JSON is a short message, not an echo.
    r = post('{"a": "' + "x" * 100000)
    assert r.status == 400 and len(r.body) < 2000
    alive(server)


def test_json_inside_parameters_and_other_endpoints_is_bounded(server, sysadmin):
    api = Browser(server)
    deep = nested_json(65)
    # CKAN's JSON-in-a-string parameters.
    r = call(api, "package_search", {"facet.field": deep}, method="GET")
    assert r.status == 400 and "deeper than 64" in r.json()["error"]["message"], r.text
    r = call(api, "package_revise", {"match": deep}, sysadmin)
    assert r.status == 400 and "deeper than 64" in r.json()["error"]["message"], r.text
    # /api/jobs speaks the caller's language.
    r = api.request("POST", "/api/jobs?lang=en", body=('{"kind":"test.noop","payload":' + deep + "}").encode(),
                    headers={"Content-Type": "application/json", "Authorization": sysadmin})
    assert r.status == 400 and "deeper than 64" in r.json()["error"]["message"], r.text
    alive(server)


def test_json_limits_are_configurable(smtp):
    s = Server("--json-max-depth", "4", "--json-max-elements", "10", "--rate-limit-api-anonymous", "0")
    try:
        b = Browser(s)
        post = lambda text: b.request("POST", "/api/3/action/status_show", body=text.encode(),
                                      headers={"Content-Type": "application/json"})
        assert post('{"a":[[[1]]]}').status == 200
        r = post('{"a":[[[[1]]]]}')
        assert r.status == 400 and "deeper than 4" in r.json()["error"]["message"]
        # The object, nine values: ten elements.
        assert post(json.dumps({"a": list(range(8))})).status == 200
        r = post(json.dumps({"a": list(range(9))}))
        assert r.status == 400 and "more than 10 elements" in r.json()["error"]["message"]
        assert s.alive()
    finally:
        assert s.stop() == 0


# Finding 7 ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def org(server, sysadmin):
    name = unique_name("bounds-org")
    ok(call(Browser(server), "organization_create",
            {"name": name, "title": "กรมทดสอบขอบเขต",
             "description": "**หน่วยงาน** ทดสอบ <script>alert('org')</script>"}, sysadmin))
    return name


def test_finding_7_json_ld_cannot_break_the_page(server, sysadmin, org):
    name = unique_name("ld")
    title = "x<!--<script>y</script><script>alert(1)</script> & \u2028"
    ok(call(Browser(server), "package_create", record_dataset(org, name, title=title), sysadmin))
    page = Browser(server).get("/dataset/" + name)
    assert page.status == 200
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert len(scripts) == 1
    ld = scripts[0]
    for c in "<>&\u2028":
        assert c not in ld, c
    assert json.loads(ld)["name"] == title
    assert "<script>alert(1)" not in page.text
    alive(server)


def test_markdown_descriptions_are_rendered_safely(server, sysadmin, org):
    name = unique_name("md")
    notes = ("# หัวข้อ\n\n**ตัวหนา** และ [ลิงก์](https://data.go.th/)\n\n<script>alert('notes')</script>\n\n"
             "[กด](javascript:alert(1)) <img src=x onerror=alert(2)>")
    ok(call(Browser(server), "package_create", record_dataset(org, name, notes=notes), sysadmin))
    page = Browser(server).get("/dataset/" + name).text
    html = re.search(r'<div class="notes">(.*?)</div>', page, re.S).group(1)
    assert "<strong>ตัวหนา</strong>" in html and '<a href="https://data.go.th/">ลิงก์</a>' in html
    assert "alert('notes')" not in html and "javascript:" not in html and "<img" not in html
    assert "<script>alert" not in page
    # Nested past 32: shown as escaped plain text.
    deep_name = unique_name("md-deep")
    ok(call(Browser(server), "package_create",
            record_dataset(org, deep_name, notes=">" * 40 + " ลึกมาก <b>"), sysadmin))
    page = Browser(server).get("/dataset/" + deep_name).text
    assert "&gt;" * 40 + " ลึกมาก &lt;b&gt;" in page and "<blockquote>" not in page
    org_page = Browser(server).get("/organization/" + org).text
    assert "<strong>หน่วยงาน</strong>" in org_page and "<script>alert('org')" not in org_page
    alive(server)


# Query strings, cookies, multipart ------------------------------------------------------------

def test_query_parameters_at_most_1000(server):
    b = Browser(server)
    query = lambda n: "&".join("k%d=v" % i for i in range(n))
    assert b.get("/dataset?" + query(1000)).status == 200
    r = b.get("/dataset?" + query(1001))
    assert r.status == 400 and "1000" in r.text
    r = b.get("/api/3/action/package_list?" + query(1001))
    assert r.status == 400 and "more than 1000 parameters" in r.json()["error"]["message"]
    alive(server)


def test_cookies_past_50_are_ignored_not_refused(server):
    b = Browser(server)
    many = "; ".join("c%d=v" % i for i in range(300))
    r = b.get("/dataset", headers={"Cookie": many})
    assert r.status == 200
    alive(server)


def multipart(parts):
    boundary = "bounds7MA4YWxkTrZu0gW"
    body = "".join('--%s\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % (boundary, i)
                   for i in range(parts)) + "--%s--\r\n" % boundary
    return body.encode(), {"Content-Type": "multipart/form-data; boundary=" + boundary}


def test_multipart_at_most_1000_parts(server, sysadmin):
    b = Browser(server)
    body, headers = multipart(1000)
    headers["Authorization"] = sysadmin
    r = b.request("POST", "/api/3/action/resource_create", body=body, headers=headers)
    assert r.status == 409, r.text[:300]  # read whole; refused for its missing fields
    body, headers = multipart(1001)
    headers["Authorization"] = sysadmin
    r = b.request("POST", "/api/3/action/resource_create", body=body, headers=headers)
    assert r.status in (400, 413), r.text[:300]
    alive(server)


def test_numbers_too_large_for_json_are_a_400_and_the_log_does_not_repeat_them(server):
    # An outside attack: 1e400 answered 500, and a million-digit number wrote itself whole into
    # the log (a megabyte per anonymous request).
    before = len(server.output())
    for body in ('{"x":1e400}', '{"rows":-1e400}', '{"x":1' + "0" * 1000000 + "}"):
        r = Browser(server).request("POST", "/api/3/action/status_show", body=body.encode(),
                                    headers={"Content-Type": "application/json"})
        assert r.status == 400 and "too large" in r.text and len(r.text) < 2000, r.text[:300]
    assert len(server.output()) - before < 20000
    alive(server)


def test_integers_past_their_range_are_refused_not_wrapped(server):
    # An outside attack: start=2^63-1 was read as a negative number.
    for body in ({"start": 9223372036854775807}, {"start": 18446744073709551615}, {"rows": -9223372036854775808},
                 {"start": "9223372036854775807"}):
        r = Browser(server).post_json("/api/3/action/package_search", body)
        assert r.status == 400 and "must be an integer" in r.text, (body, r.text[:300])
    assert Browser(server).post_json("/api/3/action/package_search", {"start": 0, "rows": 1}).status == 200
    alive(server)


# A json field of the datastore: text given for it is read back (and written out) later, so it
# is held to the same limits when it is stored.

def test_datastore_json_field_text_is_bounded_when_stored(server, sysadmin, org):
    api = Browser(server)
    d = ok(call(api, "package_create", record_dataset(org, unique_name("ds-json")), sysadmin))
    res = ok(call(api, "resource_create", {"package_id": d["id"], "name": "json",
                                           "url": "https://example.go.th/json"}, sysadmin))
    ok(call(api, "datastore_create", {
        "resource_id": res["id"], "fields": [{"id": "k", "type": "text"}, {"id": "j", "type": "json"}],
        "primary_key": "k", "records": [{"k": "limit", "j": nested_json(64)},
                                        {"k": "text", "j": '"a JSON string"'}]}, sysadmin))
    # Text that is not JSON is refused on both engines (PostgreSQL's jsonb would not take it).
    r = call(api, "datastore_upsert", {"resource_id": res["id"], "method": "insert",
                                       "records": [{"k": "plain", "j": "not json at all"}]}, sysadmin)
    assert r.status == 409 and "is not JSON" in r.text, r.text[:300]
    # 100,000 levels as text crashed the process on the next datastore_search.
    r = call(api, "datastore_upsert", {"resource_id": res["id"], "method": "insert",
                                       "records": [{"k": "deep", "j": nested_json(100000)}]}, sysadmin)
    assert r.status == 400 and "64" in r.text and len(r.text) < 2000, r.text[:300]
    r = call(api, "datastore_upsert", {"resource_id": res["id"], "method": "insert",
                                       "records": [{"k": "past", "j": nested_json(65)}]}, sysadmin)
    assert r.status == 400, r.text[:300]
    rows = ok(call(api, "datastore_search", {"resource_id": res["id"], "sort": "k"}, method="GET"))["records"]
    assert [row["k"] for row in rows] == ["limit", "text"]
    assert json.dumps(rows[0]["j"], separators=(",", ":")) == nested_json(64)
    assert rows[1]["j"] == "a JSON string"
    alive(server)
