"""CKAN compatibility on both engines: datastore_active follows the resource's table, a
sysadmin's ids are kept by the *_create actions (and refused when taken), organization_create's
users, resource_update/patch with a multipart file, and the actions clients call that answered
"unknown action": resource_search, vocabulary_list/show, format_autocomplete, site_read."""
import json
import os
import uuid

import pytest

from accounts_helpers import create_token_via_page, registered_user
from ckanapi_calls import multipart
from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset, world  # noqa: F401  (fixture)
from test_datastore import wait_for_load, wait_for_job
from test_resource_upload import upload


def err(r, status=409):
    assert r.status == status, r.text
    body = r.json()
    assert body["success"] is False
    return body["error"]


def write_sql(server, sql):
    """One statement against the site's database (to make the state an older version left)."""
    server.execute(sql)


def new_id():
    return str(uuid.uuid4())


def patch_upload(server, token, action, fields, filename, content):
    """resource_update/_patch with the file in "upload", as ckanapi's --upload-resources sends it."""
    return multipart(server, token, action, fields, filename, content)


def test_datastore_active_follows_the_table(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "dsactive-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    csv = "เขต,ประชากร\nพระนคร,47000\nดุสิต,92000\n".encode()
    status, body = upload(server, editor, {"package_id": name}, "pop.csv", [csv], len(csv))
    assert status == 200, body
    rid = json.loads(body)["result"]["id"]
    wait_for_load(api, rid)
    wait_for_job(server, rid)
    assert ok(call(api, "resource_show", {"id": rid}))["datastore_active"] is True
    shown = ok(call(api, "package_show", {"id": name}))
    assert shown["resources"][0]["datastore_active"] is True
    found = ok(call(api, "package_search", {"q": "name:" + name}))["results"]
    assert found and found[0]["resources"][0]["datastore_active"] is True
    # A link resource that is not tabular has no table.
    link = ok(call(api, "resource_create", {"package_id": name, "name": "หน้าเว็บ",
                                            "url": "https://example.go.th/about.html"}, editor))
    assert link["datastore_active"] is False
    # Dropping the table (datastore_delete without filters) turns it off, in search too.
    assert err(call(api, "datastore_delete", {"resource_id": rid}), 403)
    ok(call(api, "datastore_delete", {"resource_id": rid}, editor))
    assert ok(call(api, "resource_show", {"id": rid}))["datastore_active"] is False
    found = ok(call(api, "package_search", {"q": "name:" + name}))["results"]
    assert found[0]["resources"][0]["datastore_active"] is False
    # datastore_create makes a table again.
    ok(call(api, "datastore_create", {"resource_id": rid, "force": True,
                                      "fields": [{"id": "a", "type": "text"}], "records": [{"a": "x"}]},
            editor))
    assert ok(call(api, "resource_show", {"id": rid}))["datastore_active"] is True


def test_datastore_active_survives_a_restart_and_is_backfilled(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "dsrestart-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    rid = ok(call(api, "resource_create", {"package_id": name, "name": "ตาราง",
                                           "url": "https://example.go.th/t"}, editor))["id"]
    ok(call(api, "datastore_create", {"resource_id": rid, "fields": [{"id": "a", "type": "int"}],
                                      "records": [{"a": 1}]}, editor))
    # As on a database from before the flag existed (the migration adds it false): the next
    # `govhub migrate` (and every start) sets it from the tables that exist.
    write_sql(server, "UPDATE resources SET datastore_active = 0 WHERE id = '%s'" % rid)
    assert ok(call(api, "resource_show", {"id": rid}))["datastore_active"] is False
    server.cli("migrate")
    assert ok(call(api, "resource_show", {"id": rid}))["datastore_active"] is True


def test_sysadmin_ids_are_kept_and_refused_when_taken(server, world, smtp):
    api = Browser(server)
    root = world["sysadmin"]
    editor = world["people"]["editor"]
    s = world["suffix"]
    org_id, group_id, pkg_id, res_id, res2_id = new_id(), new_id(), new_id(), new_id(), new_id()
    assert ok(call(api, "organization_create", {"id": org_id, "name": "ido-" + s, "title": "กรมทดสอบ"},
                   root))["id"] == org_id
    assert ok(call(api, "group_create", {"id": group_id, "name": "idg-" + s, "title": "กลุ่ม",
                                         "category": "category01"}, root))["id"] == group_id
    d = record_dataset(org_id, "idp-" + s, id=pkg_id, groups=[{"id": group_id}],
                       resources=[{"id": res_id, "name": "ลิงก์", "url": "https://example.go.th/a.csv"}])
    created = ok(call(api, "package_create", d, root))
    assert created["id"] == pkg_id and created["resources"][0]["id"] == res_id
    assert created["owner_org"] == org_id and created["groups"][0]["id"] == group_id
    r = ok(call(api, "resource_create", {"id": res2_id, "package_id": pkg_id, "name": "สอง",
                                         "url": "https://example.go.th/b.json"}, root))
    assert r["id"] == res2_id
    # Taken ids (by anything of that kind, deleted ones too) are a validation error on id.
    assert "id" in err(call(api, "organization_create", {"id": org_id, "name": "ido2-" + s}, root))
    assert "id" in err(call(api, "group_create", {"id": group_id, "name": "idg2-" + s,
                                                  "category": "category01"}, root))
    assert "id" in err(call(api, "package_create", record_dataset(org_id, "idp2-" + s, id=pkg_id), root))
    assert "id" in err(call(api, "resource_create", {"id": res2_id, "package_id": pkg_id, "name": "x",
                                                     "url": "https://example.go.th/c"}, root))
    assert "resources" in err(call(api, "package_create", record_dataset(
        org_id, "idp3-" + s, resources=[{"id": res_id, "name": "x", "url": "https://example.go.th/x"}]), root))
    ok(call(api, "resource_delete", {"id": res2_id}, root))
    assert "id" in err(call(api, "resource_create", {"id": res2_id, "package_id": pkg_id, "name": "x",
                                                     "url": "https://example.go.th/c"}, root))
    ok(call(api, "package_delete", {"id": pkg_id}, root))
    assert "id" in err(call(api, "package_create", record_dataset(org_id, "idp4-" + s, id=pkg_id), root))
    # A deleted group's or agency's id stays taken.
    gone_group, gone_org = new_id(), new_id()
    ok(call(api, "group_create", {"id": gone_group, "name": "gone-g-" + s, "category": "category02"}, root))
    ok(call(api, "group_delete", {"id": gone_group}, root))
    assert "id" in err(call(api, "group_create", {"id": gone_group, "name": "gone-g2-" + s,
                                                  "category": "category02"}, root))
    ok(call(api, "organization_create", {"id": gone_org, "name": "gone-o-" + s}, root))
    ok(call(api, "organization_delete", {"id": gone_org}, root))
    assert "id" in err(call(api, "organization_create", {"id": gone_org, "name": "gone-o2-" + s}, root))
    # An id that is another record's name is taken too (lookups go by id or name).
    assert "id" in err(call(api, "group_create", {"id": "idg-" + s, "name": "idg3-" + s,
                                                  "category": "category01"}, root))
    # Malformed ids.
    for bad in ("has space", "x" * 101, "../etc", "ก", 12):
        e = err(call(api, "group_create", {"id": bad, "name": "idbad-" + s, "category": "category01"}, root))
        assert "id" in e, bad
    # Ids that would name a hidden or parent directory of the files, or a reserved page.
    for bad in (".", "..", ".hidden", "-x", "_table_metadata", "new", "NEW"):
        e = err(call(api, "group_create", {"id": bad, "name": "idbad-" + s, "category": "category01"}, root))
        assert "id" in e, bad
        e = err(call(api, "package_create", record_dataset(org_id, "idbad-" + s, id=bad), root))
        assert "id" in e, bad
    # A file sent with such an id is refused before it is kept: nothing lands beside resources/.
    files_root = os.path.join(server.data_dir, "resources")
    before = set(os.listdir(server.data_dir))
    for bad in ("..", "."):
        status, body = multipart(server, root, "resource_create",
                                 {"id": bad, "package_id": pkg_id, "name": "x"}, "evil.csv", b"a,b\n1,2\n")
        assert status == 409 and "id" in body["error"], body
    assert set(os.listdir(server.data_dir)) == before
    assert not os.path.exists(os.path.join(files_root, "evil.csv"))
    # Ids are compared without case (a resource's id names its datastore table, and SQLite's
    # names ignore case: two ids differing in case would share one table), and SQLite's own
    # names are refused.
    live = ok(call(api, "package_create", record_dataset(org_id, "idlive-" + s), root))
    upper_res = new_id().upper()
    link = {"package_id": live["id"], "name": "x", "url": "https://example.go.th/x"}
    ok(call(api, "resource_create", dict(link, id=upper_res), root))
    for bad in (upper_res.lower(), res_id.upper(), "sqlite_master", "SQLITE_sequence", "main", "TEMP"):
        assert "id" in err(call(api, "resource_create", dict(link, id=bad), root)), bad
    assert "id" in err(call(api, "package_create", record_dataset(org_id, "idcase-" + s,
                                                                  id=live["id"].upper()), root))
    # A dataset's name is no other dataset's id (/dataset/<x> and package_show take either).
    assert "name" in err(call(api, "package_create", record_dataset(world["orgs"]["a"], live["id"]), editor))
    # Organizations and groups share one set of ids and names, as in CKAN.
    assert "id" in err(call(api, "organization_create", {"id": group_id, "name": "idx1-" + s}, root))
    assert "id" in err(call(api, "organization_create", {"id": "idg-" + s, "name": "idx2-" + s}, root))
    assert "name" in err(call(api, "organization_create", {"name": "idg-" + s}, root))
    assert "id" in err(call(api, "group_create", {"id": org_id.upper(), "name": "idx3-" + s,
                                                  "category": "category01"}, root))
    assert "name" in err(call(api, "group_create", {"name": "ido-" + s, "category": "category01"}, root))
    # Nothing of the refused calls was made.
    assert call(api, "organization_show", {"id": "idx1-" + s}).status == 404
    assert call(api, "group_show", {"id": "idx3-" + s}).status == 404
    assert call(api, "group_show", {"id": "idbad-" + s}).status == 404
    assert call(api, "package_show", {"id": "idbad-" + s}, root).status == 404
    assert call(api, "package_show", {"id": "idp2-" + s}, root).status == 404
    # A non-sysadmin's id is ignored, as CKAN ignores it.
    mine = new_id()
    made = ok(call(api, "package_create", record_dataset(world["orgs"]["a"], "idp5-" + s, id=mine), editor))
    assert made["id"] != mine and made["name"] == "idp5-" + s
    made_r = ok(call(api, "resource_create", {"id": mine, "package_id": made["id"], "name": "r",
                                              "url": "https://example.go.th/r"}, editor))
    assert made_r["id"] != mine
    # ... even a taken one: not an error, a new id.
    made2 = ok(call(api, "package_create", record_dataset(world["orgs"]["a"], "idp6-" + s, id=pkg_id), editor))
    assert made2["id"] != pkg_id
    # Anonymous and strangers still cannot create at all.
    assert call(api, "organization_create", {"id": new_id(), "name": "anon-" + s}).status == 403
    assert call(api, "organization_create", {"id": new_id(), "name": "anon-" + s}, editor).status == 403
    assert call(api, "group_create", {"id": new_id(), "name": "anon-" + s, "category": "category01"},
                editor).status == 403


def test_organization_create_takes_users(server, world, smtp):
    api = Browser(server)
    root = world["sysadmin"]
    s = world["suffix"]
    b1, b2 = Browser(server), Browser(server)
    u1 = registered_user(b1, smtp, "orgu1")
    u2 = registered_user(b2, smtp, "orgu2")
    org = ok(call(api, "organization_create", {
        "name": "withusers-" + s, "title": "กรมมีสมาชิก",
        "users": [{"name": u1, "capacity": "admin"}, {"name": u2}]}, root))
    shown = ok(call(api, "organization_show", {"id": org["id"]}, root))
    caps = {u["name"]: u["capacity"] for u in shown["users"]}
    assert caps == {u1: "admin", u2: "member"}
    # The admin it names may now manage the agency.
    token = create_token_via_page(b1, u1)
    ok(call(api, "organization_member_create", {"id": org["id"], "username": u2, "role": "editor"}, token))
    # Bad users lists are refused whole, naming users, and create nothing.
    for bad in ([{"name": "nobody-" + s}], [{"name": u1, "capacity": "owner"}], "not-a-list", [{}], [7]):
        e = err(call(api, "organization_create", {"name": "badusers-" + s, "users": bad}, root))
        assert "users" in e, bad
    assert call(api, "organization_show", {"id": "badusers-" + s}, root).status == 404


def test_resource_update_and_patch_take_a_file(server, world):
    api = Browser(server)
    editor, member = world["people"]["editor"], world["people"]["member"]
    name = "replace-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    link = ok(call(api, "resource_create", {"package_id": name, "name": "เดิม",
                                            "url": "https://example.go.th/old.csv"}, editor))
    content = "ปี,จำนวน\n2566,10\n2567,12\n".encode()
    status, body = patch_upload(server, editor, "resource_patch", {"id": link["id"]}, "ใหม่.csv", content)
    assert status == 200, body
    res = body["result"]
    assert res["url_type"] == "upload" and res["format"] == "CSV" and res["size"] == len(content)
    assert res["name"] == "เดิม", "a patch keeps the fields it is not given"
    got = api.get(res["url"][len(server.url):])
    assert got.status == 200 and got.body == content
    wait_for_load(api, link["id"])
    # resource_update replaces the file again, with a description; the old file goes.
    content2 = "ปี,จำนวน\n2568,15\n".encode()
    status, body = patch_upload(server, editor, "resource_update",
                                {"id": link["id"], "name": "ฉบับที่สอง", "description": "แก้ไข"},
                                "second.csv", content2)
    assert status == 200, body
    res2 = body["result"]
    assert res2["name"] == "ฉบับที่สอง" and res2["url"].endswith("/download")
    assert api.get(res2["url"][len(server.url):]).body == content2
    # Permissions and bad input: nothing changes.
    status, body = patch_upload(server, member, "resource_patch", {"id": link["id"]}, "x.csv", b"a\n1\n")
    assert status == 403
    status, body = patch_upload(server, None, "resource_patch", {"id": link["id"]}, "x.csv", b"a\n1\n")
    assert status in (403, 404)
    status, body = patch_upload(server, editor, "resource_patch", {"id": "no-such-" + name}, "x.csv", b"a\n")
    assert status == 404
    status, body = patch_upload(server, editor, "resource_patch", {}, "x.csv", b"a\n")
    assert status in (404, 409)
    assert api.get(res2["url"][len(server.url):]).body == content2


def test_resource_search(server, world):
    api = Browser(server)
    editor, member, other = (world["people"][k] for k in ("editor", "member", "other"))
    s = world["suffix"]
    pub = "rs-pub-" + s
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], pub), editor))
    tag = "rsq" + s.replace("-", "")
    for i, fmt in enumerate(("CSV", "JSON", "XLSX")):
        ok(call(api, "resource_create", {"package_id": pub, "name": "%s แฟ้ม %d" % (tag, i),
                                         "url": "https://example.go.th/%s-%d.%s" % (tag, i, fmt.lower()),
                                         "format": fmt}, editor))
    ok(call(api, "resource_create", {"package_id": pub, "name": tag + " ลับ", "resource_private": True,
                                     "url": "https://example.go.th/%s-secret.csv" % tag}, editor))
    priv = "rs-priv-" + s
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], priv, private=True,
                                                  resources=[{"name": tag + " ส่วนตัว",
                                                              "url": "https://example.go.th/p.csv"}]), editor))

    def names(token=None, **params):
        res = ok(call(api, "resource_search", params, token))
        assert res["count"] == len(res["results"]) or "limit" in params or "offset" in params
        return res, [r["name"] for r in res["results"]]

    res, found = names(query="name:" + tag)
    assert res["count"] == 3 and all(tag in n for n in found), "public resources only, anonymous"
    assert names(editor, query="name:" + tag)[0]["count"] == 5
    assert names(member, query="name:" + tag)[0]["count"] == 4, "a member: private datasets, not private resources"
    assert names(other, query="name:" + tag)[0]["count"] == 3
    assert names(world["sysadmin"], query="name:" + tag)[0]["count"] == 5
    # A list of terms must all match; case-insensitive; GET with a string works too.
    res, found = names(query=["name:" + tag.upper(), "format:json"])
    assert found == ["%s แฟ้ม 1" % tag]
    got = ok(call(api, "resource_search", {"query": "url:%s-2.xlsx" % tag}, method="GET"))
    assert got["count"] == 1 and got["results"][0]["format"] == "XLSX"
    assert got["results"][0]["package_id"] == ok(call(api, "package_show", {"id": pub}))["id"]
    # The old `fields` dictionary, order_by, offset and limit.
    res, found = names(fields={"name": tag}, order_by="format")
    assert [r["format"] for r in res["results"]] == ["CSV", "JSON", "XLSX"]
    res, found = names(query="name:" + tag, order_by="name", offset=1, limit=1)
    assert res["count"] == 3 and found == ["%s แฟ้ม 1" % tag]
    # LIKE's wildcards are text here.
    assert ok(call(api, "resource_search", {"query": "name:" + tag + "%_"}))["count"] == 0
    # Bad input: CKAN's validation errors naming the parameter.
    for params, field in (({"query": "nocolon"}, "query"), ({"query": "password:x"}, "query"),
                          ({"query": ":x"}, "query"), ({"query": "name:" + tag, "order_by": "owner"}, "order_by"),
                          ({"query": "name:x", "limit": -1}, "limit"), ({"query": "name:x", "limit": "many"}, "limit"),
                          ({"query": "name:x", "offset": -5}, "offset"), ({"fields": "name"}, "fields"),
                          ({"fields": {"name": 3}}, "fields"), ({"query": ["name:x"] * 51}, "query"),
                          ({"query": "name:" + "x" * 1001}, "query"), ({"query": {"a": 1}}, "query"),
                          ({"query": "name) OR 1=1 --:x"}, "query"),
                          ({"query": "name:x", "order_by": "name; DROP TABLE resources"}, "order_by")):
        e = err(call(api, "resource_search", params))
        assert field in e, (params, e)
    # Hostile terms are only text to look for.
    assert ok(call(api, "resource_search", {"query": "name:'; DROP TABLE resources; --"}))["count"] == 0
    assert names(query="name:" + tag)[0]["count"] == 3
    # No query: every resource the caller may read.
    assert ok(call(api, "resource_search", {}))["count"] >= 3


def test_format_autocomplete(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "fmt-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, resources=[
        {"name": "a", "url": "https://example.go.th/a", "format": "GeoJSON"},
        {"name": "b", "url": "https://example.go.th/b", "format": "geojson"}]), editor))
    got = ok(call(api, "format_autocomplete", {"q": "geoj"}, method="GET"))
    assert got == ["geojson"]
    assert "geojson" in ok(call(api, "format_autocomplete", {"q": "GEO", "limit": 100}))
    assert ok(call(api, "format_autocomplete", {"q": "%"})) == []
    assert len(ok(call(api, "format_autocomplete", {"q": ""}))) <= 5
    # Private datasets' formats are not told.
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name + "-p", private=True, resources=[
        {"name": "a", "url": "https://example.go.th/a", "format": "SecretFmt"}]), editor))
    assert ok(call(api, "format_autocomplete", {"q": "secretfmt"})) == []
    for bad in ({"limit": 0}, {"limit": 101}, {"limit": "x"}, {"q": ["a", "b"]}):
        err(call(api, "format_autocomplete", bad))


def test_vocabularies_and_site_read(server):
    api = Browser(server)
    vocabs = ok(call(api, "vocabulary_list", {}, method="GET"))
    by_name = {v["name"]: v for v in vocabs}
    assert "data_type" in by_name and "update_frequency_unit" in by_name
    for v in vocabs:
        assert set(v) == {"id", "name", "tags"} and v["tags"]
        for t in v["tags"]:
            assert t["vocabulary_id"] == v["id"] and t["name"] and t["id"] == v["id"] + ":" + t["name"]
    dt = ok(call(api, "vocabulary_show", {"id": "data_type"}))
    assert "ข้อมูลระเบียน" in [t["name"] for t in dt["tags"]]
    th = {t["name"]: t["display_name"] for t in dt["tags"]}
    english = Browser(server).get("/api/3/action/vocabulary_show?id=data_type&lang=en").json()["result"]
    en = {t["name"]: t["display_name"] for t in english["tags"]}
    assert th["ข้อมูลระเบียน"] == "ข้อมูลระเบียน" and en["ข้อมูลระเบียน"] != "ข้อมูลระเบียน"
    e = err(call(api, "vocabulary_show", {"id": "no-such-vocab"}), 404)
    assert e["__type"] == "Not Found Error"
    assert "id" in err(call(api, "vocabulary_show", {}))
    assert "id" in err(call(api, "vocabulary_show", {"id": ["a"]}))
    # Read-only: CKAN's vocabulary_create is not offered.
    assert call(api, "vocabulary_create", {"name": "x"}).status in (400, 404)
    assert ok(call(api, "site_read", {}, method="GET")) is True
    helped = ok(call(api, "help_show", {"name": "resource_search"}))
    assert "field:term" in helped
    for action in ("vocabulary_list", "vocabulary_show", "format_autocomplete", "site_read"):
        assert ok(call(api, "help_show", {"name": action}))
