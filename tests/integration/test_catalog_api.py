"""The catalog through CKAN's Action API, on both engines: organizations, groups, datasets with
GD-Catalog metadata, resources, search, and the errors clients get for bad input."""
import pytest

from accounts_helpers import create_token_via_page, registered_user, unique_name
from govhub_harness import Browser


def call(b, action, data=None, token=None, method="POST"):
    headers = {"Authorization": token} if token else {}
    if method == "GET":
        from urllib.parse import urlencode
        return b.get("/api/3/action/%s?%s" % (action, urlencode(data or {})), headers=headers)
    return b.post_json("/api/3/action/" + action, data or {}, headers=headers)


def ok(r):
    assert r.status == 200, r.text
    body = r.json()
    assert body["success"] is True
    return body["result"]


def record_dataset(org, name, **extra):
    d = {
        "name": name, "title": "จำนวนประชากรกรุงเทพมหานคร จำแนกตามเขต", "owner_org": org,
        "data_type": "ข้อมูลระเบียน", "notes": "ข้อมูลจำนวนประชากรจากทะเบียนราษฎร์ รายเขต",
        "tags": [{"name": "ประชากร"}, {"name": "กรุงเทพมหานคร"}],
        "maintainer": "กองสถิติ", "maintainer_email": "stat@example.go.th",
        "objective": ["ยุทธศาสตร์ชาติ"], "update_frequency_unit": "ปี", "geo_coverage": "จังหวัด",
        "data_source": "สำนักทะเบียนกลาง", "data_format": ["CSV"], "data_category": "ข้อมูลสาธารณะ",
        "license_id": "Creative Commons Attributions",
    }
    d.update(extra)
    return d


@pytest.fixture(scope="module")
def world(server, smtp, sysadmin):
    """Two agencies, an editor and a member of the first, an editor of the second."""
    api = Browser(server)
    suffix = unique_name("w")
    orgs = {}
    for key, title in (("a", "กรมการปกครอง"), ("b", "กรมอุตุนิยมวิทยา")):
        orgs[key] = ok(call(api, "organization_create", {"name": "%s-%s" % (key, suffix), "title": title},
                            sysadmin))["name"]
    people = {}
    for role, org in (("editor", "a"), ("member", "a"), ("other", "b")):
        b = Browser(server)
        name = registered_user(b, smtp, role)
        token = create_token_via_page(b, name)
        ok(call(api, "organization_member_create",
                {"id": orgs[org], "username": name, "role": "member" if role == "member" else "editor"}, sysadmin))
        people[role] = token
    return {"orgs": orgs, "people": people, "sysadmin": sysadmin, "suffix": suffix}


def test_create_show_and_normalize(server, world):
    api = Browser(server)
    name = "pop-" + world["suffix"]
    d = ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), world["people"]["editor"]))
    assert d["name"] == name and d["type"] == "dataset" and d["state"] == "active"
    assert d["license_id"] == "cc-by"  # data.go.th's title accepted, stored as the stable id
    assert d["organization"]["name"] == world["orgs"]["a"]
    assert sorted(t["name"] for t in d["tags"]) == ["กรุงเทพมหานคร", "ประชากร"]
    assert d["objective"] == ["ยุทธศาสตร์ชาติ"] and d["data_format"] == ["CSV"]
    shown = ok(call(Browser(server), "package_show", {"id": name}, method="GET"))
    assert shown["id"] == d["id"] and shown["maintainer_email"] == "stat@example.go.th"
    assert name in ok(call(Browser(server), "package_list", method="GET"))
    # ckanapi's path works too.
    assert Browser(server).get("/api/action/package_show?id=" + name).status == 200


def test_bad_input_gets_ckan_errors_and_changes_nothing(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    org = world["orgs"]["a"]
    before = ok(call(api, "package_list", method="GET"))
    cases = [
        (record_dataset(org, "x-" + world["suffix"], colour="blue"), "colour"),
        (record_dataset(org, "y-" + world["suffix"], update_frequency_unit="ทุกวัน"), "update_frequency_unit"),
        (record_dataset(org, "z-" + world["suffix"], maintainer_email="nobody"), "maintainer_email"),
        (record_dataset(org, "BAD NAME"), "name"),
        (record_dataset("no-such-org", "w-" + world["suffix"]), "owner_org"),
        (record_dataset(org, "v-" + world["suffix"], private="perhaps"), "private"),
        (record_dataset(org, "u-" + world["suffix"], first_year_of_data="2560"), "first_year_of_data"),
        ({k: v for k, v in record_dataset(org, "t-" + world["suffix"]).items() if k != "title"}, "title"),
    ]
    for data, field in cases:
        r = call(api, "package_create", data, editor)
        assert r.status == 409, (field, r.text)
        err = r.json()["error"]
        assert err["__type"] == "Validation Error" and field in err, (field, err)
    # A duplicate name.
    name = "dup-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(org, name), editor))
    r = call(api, "package_create", record_dataset(org, name), editor)
    assert r.status == 409 and "name" in r.json()["error"]
    after = ok(call(api, "package_list", method="GET"))
    assert sorted(after) == sorted(before + [name])
    # Not JSON, unknown ids.
    r = api.request("POST", "/api/3/action/package_create", body=b"{oops",
                    headers={"Authorization": editor, "Content-Type": "application/json"})
    assert r.status == 400
    r = call(api, "package_show", {"id": "no-such-dataset"}, method="GET")
    assert r.status == 404 and r.json()["error"]["__type"] == "Not Found Error"


def test_private_datasets_are_invisible_without_rights(server, world):
    api = Browser(server)
    name = "secret-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, private=True,
                                                  title="ข้อมูลลับเฉพาะหน่วยงาน"), world["people"]["editor"]))
    assert call(Browser(server), "package_show", {"id": name}, method="GET").status == 404
    assert call(api, "package_show", {"id": name}, world["people"]["other"], method="GET").status == 404
    assert ok(call(api, "package_show", {"id": name}, world["people"]["member"], method="GET"))["private"] is True
    q = {"q": "ข้อมูลลับ", "include_private": "true"}
    assert ok(call(Browser(server), "package_search", q, method="GET"))["count"] == 0
    assert ok(call(api, "package_search", q, world["people"]["other"], method="GET"))["count"] == 0
    assert ok(call(api, "package_search", q, world["people"]["member"], method="GET"))["count"] == 1
    assert name not in ok(call(Browser(server), "package_list", method="GET"))


def test_search_thai_words_filters_facets_and_errors(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    org = world["orgs"]["a"]
    ok(call(api, "package_create", record_dataset(org, "budget-" + world["suffix"],
                                                  title="งบประมาณรายจ่ายประจำปี สำนักงานเขต", tags=[{"name": "งบประมาณ"}],
                                                  data_format=["XLS"]), editor))
    r = ok(call(Browser(server), "package_search", {"q": "งบประมาณ"}, method="GET"))
    assert r["count"] >= 1 and r["results"][0]["name"] == "budget-" + world["suffix"]
    # Prefix recall: กรุงเทพ finds กรุงเทพมหานคร.
    names = [d["name"] for d in ok(call(Browser(server), "package_search", {"q": "กรุงเทพ", "rows": 100}, method="GET"))["results"]]
    assert "pop-" + world["suffix"] in names
    r = ok(call(Browser(server), "package_search",
                {"q": "tags:งบประมาณ organization:%s" % org, "facet.field": '["tags","data_type","organization"]'},
                method="GET"))
    assert r["count"] == 1
    assert r["search_facets"]["tags"]["items"][0]["count"] == 1
    assert r["facets"]["organization"] == {org: 1}
    r = ok(call(Browser(server), "package_search", {"fq": 'data_type:"ข้อมูลระเบียน"', "rows": 0}, method="GET"))
    assert r["count"] >= 2 and r["results"] == []
    # Boolean syntax and ranges, as CKAN clients send them.
    budget, pop = "budget-" + world["suffix"], "pop-" + world["suffix"]
    def names(params):
        return {d["name"] for d in ok(call(Browser(server), "package_search", dict(params, rows=1000), method="GET"))["results"]}
    both = names({"q": "tags:งบประมาณ OR name:%s" % pop})
    assert {budget, pop} <= both
    assert budget in names({"q": "(tags:งบประมาณ OR tags:ไม่มีแท็กนี้) AND organization:%s" % org})
    assert budget not in names({"q": "organization:%s -tags:งบประมาณ" % org})
    assert budget not in names({"q": "organization:%s NOT tags:งบประมาณ" % org})
    assert budget in names({"fq": "metadata_modified:[2020-01-01T00:00:00Z TO *]", "q": "tags:งบประมาณ"})
    assert budget not in names({"fq": "metadata_modified:[* TO 2020-01-01]", "q": "tags:งบประมาณ"})
    assert budget in names({"q": "งบประมาณ OR ไม่มีคำนี้เลย"})
    for bad in ({"q": "(tags:a"}, {"q": 'tags:"open'}, {"q": "views:[1 TO 5]"},
                {"q": "metadata_modified:[NOW-1DAY TO *]"}, {"q": "tags:a OR"},
                {"rows": "5000"}, {"sort": "colour desc"}, {"q": "colour:blue"}, {"facet.field": '["colour"]'}):
        r = call(Browser(server), "package_search", bad, method="GET")
        assert r.status == 400, (bad, r.text)
        assert "Search Query Error" in r.json()["error"]["message"]


def test_search_sorts_by_each_key_and_ranks_title_words_first(server, world):
    api = Browser(server)
    editor, org, sfx = world["people"]["editor"], world["orgs"]["a"], world["suffix"]
    tag = "เรียงลำดับ" + sfx
    first, second = "sort-first-" + sfx, "sort-second-" + sfx
    # "first" is created first with the word only in its tags; "second" has it in the title.
    ok(call(api, "package_create", record_dataset(org, first, title="ข ชุดข้อมูลตัวอย่าง",
                                                  tags=[{"name": tag}]), editor))
    ok(call(api, "package_create", record_dataset(org, second, title="ก " + tag,
                                                  tags=[{"name": "อื่น ๆ"}]), editor))
    # Editing "first" makes it the most recently modified, though it was created first.
    ok(call(api, "package_patch", {"id": first, "notes": "แก้ไขคำอธิบาย"}, editor))

    def order(sort, q="tags:%s OR name:%s" % (tag, second)):
        r = ok(call(Browser(server), "package_search", {"q": q, "sort": sort}, method="GET"))
        return [d["name"] for d in r["results"]]
    assert order("metadata_created asc") == [first, second]
    assert order("metadata_created desc") == [second, first]
    assert order("metadata_modified desc") == [first, second]
    assert order("title_string asc") == [second, first]
    assert order("name desc") == [second, first]
    # A word in the title outranks the same word in the tags.
    assert order("score desc", q=tag) == [second, first]


def test_update_patch_delete_purge_and_permissions(server, world):
    api = Browser(server)
    editor, other, member = world["people"]["editor"], world["people"]["other"], world["people"]["member"]
    name = "life-" + world["suffix"]
    d = ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    p = ok(call(api, "package_patch", {"id": name, "title": "ชื่อใหม่"}, editor))
    assert p["title"] == "ชื่อใหม่" and p["maintainer"] == "กองสถิติ"  # patch keeps the rest
    assert call(api, "package_patch", {"id": name, "title": "x"}, other).status == 403
    assert call(api, "package_patch", {"id": name, "title": "x"}, member).status == 403
    assert call(api, "package_create", record_dataset(world["orgs"]["a"], "m-" + world["suffix"]), member).status == 403
    assert call(Browser(server), "package_create", record_dataset(world["orgs"]["a"], "n-" + world["suffix"])).status == 403
    # update replaces: what the dict leaves out is emptied (and required fields are enforced).
    full = dict(d)
    full["title"] = "ชื่อเต็ม"
    u = ok(call(api, "package_update", full, editor))
    assert u["title"] == "ชื่อเต็ม" and u["id"] == d["id"]
    ok(call(api, "package_delete", {"id": name}, editor))
    assert call(Browser(server), "package_show", {"id": name}, method="GET").status == 404
    assert call(api, "dataset_purge", {"id": name}, editor).status == 403
    ok(call(api, "dataset_purge", {"id": name}, world["sysadmin"]))
    assert call(api, "package_show", {"id": name}, world["sysadmin"], method="GET").status == 404


def test_resources_and_vocabularies(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "res-" + world["suffix"]
    d = ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    r = ok(call(api, "resource_create", {"package_id": name, "name": "ข้อมูลปี 2566",
                                         "url": "https://data.example.go.th/files/pop-2566.csv"}, editor))
    assert r["format"] == "CSV" and r["package_id"] == d["id"]
    assert ok(call(Browser(server), "resource_show", {"id": r["id"]}, method="GET"))["name"] == "ข้อมูลปี 2566"
    assert call(api, "resource_create", {"package_id": name, "name": "x", "url": "ftp://x"}, editor).status == 409
    assert call(api, "resource_create", {"package_id": name, "name": "x", "url": "https://x/y.csv"},
                world["people"]["other"]).status == 403
    ok(call(api, "resource_patch", {"id": r["id"], "description": "รายละเอียด"}, editor))
    shown = ok(call(Browser(server), "package_show", {"id": name}, method="GET"))
    assert shown["num_resources"] == 1 and shown["resources"][0]["description"] == "รายละเอียด"
    ok(call(api, "resource_delete", {"id": r["id"]}, editor))
    assert ok(call(Browser(server), "package_show", {"id": name}, method="GET"))["num_resources"] == 0
    # Licenses: stable ids with Thai and English titles.
    lic = ok(call(Browser(server), "license_list", method="GET"))
    cc = [l for l in lic if l["id"] == "cc-by"][0]
    assert cc["title_th"] and cc["title_en"] == "Creative Commons Attribution"
    assert "ประชากร" in ok(call(Browser(server), "tag_list", method="GET"))
    # Organizations and groups.
    orgs = ok(call(Browser(server), "organization_list", {"all_fields": "true"}, method="GET"))
    assert world["orgs"]["a"] in [o["name"] for o in orgs]
    g = ok(call(api, "group_create", {"name": "g-" + world["suffix"], "title": "สังคม", "category": "category04"},
                world["sysadmin"]))
    assert g["category"] == "category04"
    assert call(api, "group_create", {"name": "h-" + world["suffix"], "category": "category99"},
                world["sysadmin"]).status == 409
    assert call(api, "group_create", {"name": "i-" + world["suffix"], "category": "category01"}, editor).status == 403
    p = ok(call(api, "package_patch", {"id": name, "groups": [{"name": "g-" + world["suffix"]}]}, editor))
    assert [x["name"] for x in p["groups"]] == ["g-" + world["suffix"]]
    mine = ok(call(api, "organization_list_for_user", {}, editor, method="GET"))
    assert [o["name"] for o in mine] == [world["orgs"]["a"]]


def test_activity_autocomplete_bulk_and_help(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    org = world["orgs"]["a"]
    name = "act-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(org, name), editor))
    ok(call(api, "package_patch", {"id": name, "title": "ชื่อที่แก้แล้ว", "update_frequency_unit": "เดือน"}, editor))
    acts = ok(call(Browser(server), "package_activity_list", {"id": name}, method="GET"))
    assert [a["activity_type"] for a in acts] == ["changed package", "new package"]
    changes = acts[0]["data"]["changes"]
    assert changes["title"] == ["จำนวนประชากรกรุงเทพมหานคร จำแนกตามเขต", "ชื่อที่แก้แล้ว"]
    assert changes["update_frequency_unit"] == ["ปี", "เดือน"]
    org_acts = ok(call(Browser(server), "organization_activity_list", {"id": org}, method="GET"))
    assert any(a["object_id"] == acts[0]["object_id"] for a in org_acts)
    assert any(d["name"] == name for d in ok(call(Browser(server), "package_autocomplete", {"q": "ชื่อที่แก้"}, method="GET")))
    assert ok(call(Browser(server), "organization_autocomplete", {"q": org[:3]}, method="GET"))[0]["name"].startswith(org[:3])
    assert len(ok(call(Browser(server), "current_package_list_with_resources", {"limit": 2}, method="GET"))) == 2
    # bulk updates touch only the organization's own datasets.
    ok(call(api, "bulk_update_private", {"org_id": org, "datasets": [name]}, editor))
    assert call(Browser(server), "package_show", {"id": name}, method="GET").status == 404
    assert call(api, "bulk_update_public", {"org_id": org, "datasets": [name]}, world["people"]["other"]).status == 403
    ok(call(api, "bulk_update_public", {"org_id": org, "datasets": [name]}, editor))
    assert call(Browser(server), "package_show", {"id": name}, method="GET").status == 200
    help_text = ok(call(Browser(server), "help_show", {"name": "package_search"}, method="GET"))
    assert "package_search" in help_text
    assert call(Browser(server), "help_show", {"name": "nope"}, method="GET").status == 404


def test_groups_members_and_users(server, world):
    api = Browser(server)
    editor, sysadmin = world["people"]["editor"], world["sysadmin"]
    gname = "grp-" + world["suffix"]
    ok(call(api, "group_create", {"name": gname, "title": "กลุ่มทดสอบ", "category": "category02"}, sysadmin))
    name = "mem-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    ok(call(api, "member_create", {"id": gname, "object": name, "object_type": "package"}, editor))
    members = ok(call(Browser(server), "member_list", {"id": gname}, method="GET"))
    assert len(members) == 1 and members[0][1] == "package"
    assert call(api, "member_create", {"id": gname, "object": name, "object_type": "dog"}, editor).status == 409
    assert call(api, "member_create", {"id": gname, "object": name, "object_type": "package"},
                world["people"]["other"]).status == 403
    ok(call(api, "member_delete", {"id": gname, "object": name, "object_type": "package"}, editor))
    assert ok(call(Browser(server), "member_list", {"id": gname}, method="GET")) == []
    g = ok(call(api, "group_patch", {"id": gname, "title": "กลุ่มใหม่"}, sysadmin))
    assert g["title"] == "กลุ่มใหม่" and g["category"] == "category02"
    assert call(api, "group_patch", {"id": gname, "title": "x"}, editor).status == 403
    ok(call(api, "group_delete", {"id": gname}, sysadmin))
    assert call(Browser(server), "group_show", {"id": gname}, method="GET").status == 404
    assert call(api, "group_patch", {"id": gname, "title": "y"}, sysadmin).status == 404
    # A deleted organization is gone for updates too, as a deleted group is.
    oname = "gone-" + world["suffix"]
    ok(call(api, "organization_create", {"name": oname, "title": "หน่วยงานที่ยุบ"}, sysadmin))
    ok(call(api, "organization_delete", {"id": oname}, sysadmin))
    assert call(api, "organization_patch", {"id": oname, "title": "y"}, sysadmin).status == 404
    # Anonymous callers may not list accounts (--public-user-details; test_account_enumeration).
    assert call(Browser(server), "user_list", method="GET").status == 403
    users = ok(call(api, "user_list", {}, editor, method="GET"))
    assert users and all("email" not in u and "sysadmin" not in u for u in users)
    assert all("email" in u for u in ok(call(api, "user_list", {}, sysadmin, method="GET")))
    # Organization members are visible to the organization, not to outsiders.
    assert call(Browser(server), "member_list", {"id": world["orgs"]["a"]}, method="GET").status == 403
    roles = {m[2] for m in ok(call(api, "member_list", {"id": world["orgs"]["a"]}, editor, method="GET"))}
    assert roles == {"editor", "member"}


def test_package_revise(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "rev-" + world["suffix"]
    d = ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, resources=[
        {"name": "a", "url": "https://example.go.th/a.csv"}, {"name": "b", "url": "https://example.go.th/b.csv"}]), editor))
    r = ok(call(api, "package_revise", {"match": {"name": name}, "update": {"title": "ปรับแก้แล้ว",
                                                                           "update_frequency_unit": "ไตรมาส"},
                                        "filter": ["-resources__0"], "include": ["title", "resources", "id"]}, editor))
    pkg = r["package"]
    assert set(pkg) == {"title", "resources", "id"} and pkg["id"] == d["id"]
    assert pkg["title"] == "ปรับแก้แล้ว" and [x["name"] for x in pkg["resources"]] == ["b"]
    full = ok(call(Browser(server), "package_show", {"id": name}, method="GET"))
    assert full["update_frequency_unit"] == "ไตรมาส" and full["maintainer"] == "กองสถิติ"
    # An integer is always a position (a digit at the start of an id is not a match), a negative
    # one counts from the end, and anything else is the start of an id.
    ok(call(api, "package_revise", {"match": {"name": name}, "update": {"resources": [
        full["resources"][0], {"name": "c", "url": "https://example.go.th/c.csv"},
        {"name": "d", "url": "https://example.go.th/d.csv"}]}}, editor))
    rs = ok(call(api, "package_show", {"id": name}, method="GET"))["resources"]
    assert [x["name"] for x in rs] == ["b", "c", "d"]
    # The start of c's id (its whole id when the first 8 characters happen to be all digits,
    # which would read as a position: about one id in 43).
    start = rs[1]["id"][:8] if not rs[1]["id"][:8].isdigit() else rs[1]["id"]
    pkg = ok(call(api, "package_revise", {"match": {"name": name}, "filter": ["-resources__-1", "-resources__" + start]},
                  editor))["package"]
    assert [x["name"] for x in pkg["resources"]] == ["b"]
    # A stale match is refused, and so are bad values: nothing changes.
    r = call(api, "package_revise", {"match": {"name": name, "title": "ชื่อเก่า"}, "update": {"title": "x"}}, editor)
    assert r.status == 409 and "match" in r.json()["error"]
    r = call(api, "package_revise", {"match": {"name": name}, "update": {"geo_coverage": "ดาวอังคาร"}}, editor)
    assert r.status == 409 and "geo_coverage" in r.json()["error"]
    assert call(api, "package_revise", {"match": {"name": name}, "update": {"title": "x"}},
                world["people"]["other"]).status == 403
    assert ok(call(Browser(server), "package_show", {"id": name}, method="GET"))["title"] == "ปรับแก้แล้ว"
