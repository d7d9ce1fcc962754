"""package_search follows every kind of catalog change at once, on both engines: each node's
search snapshot applies changed datasets incrementally (and re-reads organizations, groups and
purges), so what a publisher just did is what the next search shows."""
import random
import string

from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset


def word():
    """A Latin word no other test uses (letters only: one term for the analyzer)."""
    return "zq" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))


def search(server, q, token=None, **params):
    args = {"q": q, "rows": 100, "facet.field": '["organization", "groups", "res_format", "tags"]'}
    args.update(params)
    return ok(call(Browser(server), "package_search", args, token, method="GET"))


def names(result):
    return sorted(d["name"] for d in result["results"])


def facet(result, field):
    return {i["name"]: i["count"] for i in result["search_facets"][field]["items"]}


def test_search_follows_creates_edits_and_deletes(server, sysadmin):
    api = Browser(server)
    org = ok(call(api, "organization_create", {"name": "snap-" + word(), "title": "กรมทดสอบการค้นหา"}, sysadmin))
    first, second, renamed = word(), word(), word()
    a = ok(call(api, "package_create", record_dataset(org["name"], "snap-a-" + word(), title="ชุดข้อมูล " + first),
                sysadmin))
    assert names(search(server, first)) == [a["name"]]
    b = ok(call(api, "package_create", record_dataset(org["name"], "snap-b-" + word(), title="สถิติ " + first,
                                                      tags=[{"name": second}]), sysadmin))
    assert names(search(server, first)) == sorted([a["name"], b["name"]])
    assert names(search(server, second)) == [b["name"]]  # a tag word
    # An edit: the old title word stops matching, the new one matches; many edits in a row
    # leave one result, never a copy per edit.
    for i in range(12):
        ok(call(api, "package_patch", {"id": a["id"], "title": "ชื่อใหม่ %s รอบ %d" % (renamed, i)}, sysadmin))
    assert names(search(server, renamed)) == [a["name"]]
    assert names(search(server, first)) == [b["name"]]
    assert search(server, renamed)["results"][0]["title"] == "ชื่อใหม่ %s รอบ 11" % renamed
    # A resource's format joins the res_format facet of its dataset.
    ok(call(api, "resource_create", {"package_id": b["id"], "name": "แผนที่", "url": "https://example.go.th/m.geojson",
                                     "format": "GeoJSON"}, sysadmin))
    assert facet(search(server, second), "res_format") == {"GeoJSON": 1}
    # Private: gone for visitors, still there for the sysadmin.
    ok(call(api, "package_patch", {"id": b["id"], "private": True}, sysadmin))
    assert names(search(server, second)) == []
    assert names(search(server, second, sysadmin, include_private="true")) == [b["name"]]
    ok(call(api, "package_patch", {"id": b["id"], "private": False}, sysadmin))
    # Deleted: gone; purged: gone, and the other dataset is untouched.
    ok(call(api, "package_delete", {"id": a["id"]}, sysadmin))
    assert names(search(server, renamed)) == []
    ok(call(api, "dataset_purge", {"id": a["id"]}, sysadmin))
    assert names(search(server, renamed)) == [] and names(search(server, second)) == [b["name"]]
    c = ok(call(api, "package_create", record_dataset(org["name"], "snap-c-" + word(), title="อีกชุด " + first),
                sysadmin))
    ok(call(api, "dataset_purge", {"id": c["id"]}, sysadmin))
    assert names(search(server, first)) == [b["name"]]


def test_search_follows_organizations_and_groups(server, sysadmin):
    api = Browser(server)
    org_word, group_word, marker = word(), word(), word()
    org = ok(call(api, "organization_create", {"name": "snap-o-" + org_word, "title": "สำนักงานเดิม"}, sysadmin))
    group = ok(call(api, "group_create", {"name": "snap-g-" + group_word, "title": "กลุ่มเดิม",
                                          "category": "category03"}, sysadmin))
    d = ok(call(api, "package_create", record_dataset(org["name"], "snap-d-" + marker, title="ชุด " + marker,
                                                      groups=[{"name": group["name"]}]), sysadmin))
    r = search(server, marker)
    assert facet(r, "organization") == {org["name"]: 1} and facet(r, "groups") == {group["name"]: 1}
    titles = {i["name"]: i["display_name"] for i in r["search_facets"]["groups"]["items"]}
    assert titles == {group["name"]: "กลุ่มเดิม"}
    # The organization's title is part of its datasets' text: a new title is found at once.
    ok(call(api, "organization_patch", {"id": org["id"], "title": "สำนักงาน " + org_word}, sysadmin))
    assert names(search(server, org_word)) == [d["name"]]
    r = search(server, marker)
    assert {i["name"]: i["display_name"] for i in r["search_facets"]["organization"]["items"]} == {
        org["name"]: "สำนักงาน " + org_word}
    # A group's new title is its facet's display name; a deleted group leaves the facet and
    # the filter.
    ok(call(api, "group_patch", {"id": group["id"], "title": "กลุ่มใหม่"}, sysadmin))
    r = search(server, marker)
    assert {i["name"]: i["display_name"] for i in r["search_facets"]["groups"]["items"]} == {group["name"]: "กลุ่มใหม่"}
    assert names(search(server, marker, fq="groups:" + group["name"])) == [d["name"]]
    ok(call(api, "group_delete", {"id": group["id"]}, sysadmin))
    r = search(server, marker)
    assert names(r) == [d["name"]] and facet(r, "groups") == {}
    assert names(search(server, marker, fq="groups:" + group["name"])) == []
