"""The shared seams of src/api (issue 14): one reader for every action's parameters, every action
documented, and the login redirect decided once by the error renderer."""
import json
import urllib.parse

from govhub_harness import Browser
from test_catalog_api import call, ok


def test_every_action_has_its_own_help(server):
    table = json.loads(server.cli("routes", "--json").stdout)
    actions = sorted({r["pattern"].rsplit("/", 1)[1] for r in table if r["method"] == "ACTION"})
    assert len(actions) > 60, actions
    for name in actions:
        text = ok(call(Browser(server), "help_show", {"name": name}, method="GET"))
        assert isinstance(text, str) and len(text) > 20, (name, text)
        # CKAN's docstring style: parameters and what comes back, or a word that there are none.
        assert ":param " in text or "no parameters" in text, (name, text)
        assert ":returns:" in text or ":rtype:" in text, (name, text)
    assert "govhub implements" not in ok(call(Browser(server), "help_show", {"name": "package_show"},
                                              method="GET"))


def test_booleans_integers_and_lists_read_the_same_everywhere(server):
    api = Browser(server)
    # An empty boolean or integer is "not given" (it was an error in the catalog's actions).
    assert call(api, "package_search", {"include_private": "", "rows": ""}, method="GET").status == 200
    assert call(api, "organization_list", {"all_fields": ""}, method="GET").status == 200
    for text in ("on", "OFF", "Yes", "0"):
        assert call(api, "organization_list", {"all_fields": text}, method="GET").status == 200, text
    r = call(api, "organization_list", {"all_fields": "maybe"}, method="GET")
    assert r.status == 409 and r.json()["error"]["__type"] == "Validation Error"
    assert r.json()["error"]["all_fields"] == ["must be true or false (also 1/0, yes/no, on/off)"]
    # Search-style actions keep CKAN's Search Query Error, and the range is named.
    for bad in ("x", " 12", "0x10", "1e3", "5000"):
        r = call(api, "package_search", {"rows": bad}, method="GET")
        err = r.json()["error"]
        assert r.status == 400 and err["__type"] == "Search Query Error", (bad, r.text[:300])
        assert err["message"].startswith("Search Query Error: rows: must be an integer"), err
    r = call(api, "package_search", {"rows": 5000})
    assert r.json()["error"]["message"] == "Search Query Error: rows: must be an integer from 0 to 1000"
    r = call(api, "package_activity_list", {"id": "x", "limit": "ten"}, method="GET")
    assert r.status == 409 and r.json()["error"]["limit"] == ["must be an integer"], r.text[:300]
    # A list as a JSON list, JSON in a string, or comma-separated.
    for facets in (["tags", "res_format"], '["tags", "res_format"]', "tags,res_format"):
        result = ok(call(api, "package_search", {"facet.field": facets, "rows": 0}))
        assert set(result["search_facets"]) == {"tags", "res_format"}, (facets, result["search_facets"])


def test_a_repeated_dump_format_is_refused_not_a_server_error(server, sysadmin):
    # nlohmann's value() threw its own type error for a list: a 500 before the shared reader.
    r = Browser(server).get("/datastore/dump/00000000-0000-4000-8000-000000000000?format=csv&format=json")
    assert r.status == 409, (r.status, r.text[:300])


def test_pages_send_anonymous_visitors_to_log_in_with_their_query(server):
    b = Browser(server)
    r = b.get("/dataset/new?owner_org=x&lang=th")
    assert r.status == 303, r.status
    location = r.header("Location")
    assert location.startswith("/user/login?next="), location
    nxt = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["next"][0]
    assert nxt == "/dataset/new?owner_org=x&lang=th", nxt
    # A form posted without a session goes to the login page too, back to the path alone.
    r = b.post_form("/jobs/00000000-0000-4000-8000-000000000000/cancel?x=1", {}, csrf_page="/user/login")
    assert r.status == 303, r.status
    assert r.header("Location") == "/user/login?next=%2Fjobs%2F00000000-0000-4000-8000-000000000000%2Fcancel"
    # A client with an API token header gets the 401 itself, on a page as on the API.
    r = b.get("/dashboard", headers={"Authorization": "made-up-token"})
    assert r.status == 401 and not r.header("Location"), r.status
    assert Browser(server).get("/api/jobs").status == 401
    assert b.get("/user/me").header("Location") == "/user/login?next=%2Fuser%2Fme"
    # A redirect that goes elsewhere on purpose stays.
    assert b.get("/admin/users/somebody").header("Location") == "/user/login?next=%2Fadmin%2Fusers"
