"""Authorization matrix: anonymous / member / editor / org admin / other org's editor / sysadmin
x public / private dataset x read / write / delete, through the API and the pages alike."""
import pytest

from accounts_helpers import create_token_via_page, registered_user, unique_name
from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset

ROLES = ["anonymous", "member", "editor", "admin", "other_editor", "sysadmin"]
# What each role may do on org A's datasets: (read public, read private, write, delete).
EXPECTED = {
    "anonymous": (True, False, False, False),
    "member": (True, True, False, False),
    "editor": (True, True, True, True),
    "admin": (True, True, True, True),
    "other_editor": (True, False, False, False),
    "sysadmin": (True, True, True, True),
}


@pytest.fixture(scope="module")
def people(server, smtp, sysadmin):
    api = Browser(server)
    suffix = unique_name("az")
    org_a, org_b = "orga-" + suffix, "orgb-" + suffix
    ok(call(api, "organization_create", {"name": org_a, "title": "หน่วยงาน ก"}, sysadmin))
    ok(call(api, "organization_create", {"name": org_b, "title": "หน่วยงาน ข"}, sysadmin))
    out = {"anonymous": (Browser(server), None), "org_a": org_a, "suffix": suffix}
    for role, org, capacity in (("member", org_a, "member"), ("editor", org_a, "editor"), ("admin", org_a, "admin"),
                                ("other_editor", org_b, "editor")):
        b = Browser(server)
        name = registered_user(b, smtp, role.replace("_", ""))
        token = create_token_via_page(b, name)
        ok(call(api, "organization_member_create", {"id": org, "username": name, "role": capacity}, sysadmin))
        out[role] = (b, token)
    admin_browser = Browser(server)
    from accounts_helpers import login
    assert login(admin_browser, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    out["sysadmin"] = (admin_browser, sysadmin)
    return out


def fresh_dataset(server, people, private):
    name = unique_name("m") + ("-priv" if private else "-pub")
    editor_token = people["editor"][1]
    ok(call(Browser(server), "package_create", record_dataset(people["org_a"], name, private=private), editor_token))
    return name


@pytest.mark.parametrize("role", ROLES)
def test_matrix(server, people, role):
    browser, token = people[role]
    may_read_public, may_read_private, may_write, may_delete = EXPECTED[role]
    for private in (False, True):
        name = fresh_dataset(server, people, private)
        may_read = may_read_private if private else may_read_public
        # Read: API, page, search results and facet counts agree.
        r = call(Browser(server), "package_show", {"id": name}, token, method="GET")
        assert r.status == (200 if may_read else 404), (role, private, "api read", r.status)
        page = browser.get("/dataset/" + name)
        assert page.status == (200 if may_read else 404), (role, private, "page read")
        found = ok(call(Browser(server), "package_search",
                        {"q": "name:" + name, "include_private": "true", "facet.field": '["organization"]'},
                        token, method="GET"))
        assert found["count"] == (1 if may_read else 0), (role, private, "search")
        assert found["facets"]["organization"] == ({people["org_a"]: 1} if may_read else {})
        # Write: the API and the edit page.
        r = call(Browser(server), "package_patch", {"id": name, "title": "แก้โดย " + role}, token)
        expected_write = 200 if may_write else (404 if not may_read else 403)
        if role == "anonymous" and may_read:
            expected_write = 403
        assert r.status == expected_write, (role, private, "api write", r.status, r.text[:200])
        edit = browser.get("/dataset/%s/edit" % name)
        if role == "anonymous":
            assert edit.status == 303 and edit.header("Location").startswith("/user/login")
        else:
            assert edit.status == (200 if may_write else (404 if not may_read else 403)), (role, private, "edit page")
        # Delete.
        r = call(Browser(server), "package_delete", {"id": name}, token)
        expected_delete = 200 if may_delete else (404 if not may_read else 403)
        if role == "anonymous" and may_read:
            expected_delete = 403
        assert r.status == expected_delete, (role, private, "api delete", r.status)
        still_there = call(Browser(server), "package_show", {"id": name}, people["editor"][1], method="GET").status
        assert still_there == (404 if may_delete else 200), (role, private, "after delete")
