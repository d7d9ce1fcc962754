"""Moving a portal in with ckanapi, on both engines: a CKAN 2.10 + thai_gdc dump
(tests/fixtures/ckan-dump/, the JSON lines `ckanapi dump` writes, with the uploaded files laid
out as `--datapackages` does) loaded with the calls `ckanapi load` makes keeps ids, owners,
groups, tags, resources, files and logins; loading it again only updates; and a whole govhub
site dumped and loaded into a second govhub process comes out equal."""
import json
import os
import time

import pytest

from accounts_helpers import login
from ckanapi_calls import action, download, dump, load
from conftest import FAST_JOBS, RELAXED
from govhub_harness import Browser, Server

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "ckan-dump")


def read(name):
    with open(os.path.join(FIXTURE, name), encoding="utf-8") as f:
        return f.read()


def records(name):
    return [json.loads(line) for line in read(name).splitlines() if line.strip()]


def shown(server, token, act, id_):
    status, body = action(server, token, act, {"id": id_, "include_datasets": False})
    assert status == 200, (act, id_, body)
    return body["result"]


def from_datapackages(dataset_names):
    """ckanapi's fetch of an uploaded file, from `ckanapi dump datasets --datapackages` output."""
    def fetch(res):
        path = os.path.join(FIXTURE, "datapackages", dataset_names[res["package_id"]], "data", res["id"])
        with open(path, "rb") as f:
            return f.read()
    return fetch


def wait_active(server, token, resource_id, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if shown(server, token, "resource_show", resource_id)["datastore_active"]:
            return
        time.sleep(0.1)
    raise AssertionError("the table of %s was not loaded" % resource_id)


@pytest.fixture(scope="module")
def site(smtp):
    """A new govhub site with the CKAN dump loaded in the order the guide gives."""
    s = Server(*RELAXED, *FAST_JOBS, smtp_url=smtp.url)
    token = s.create_sysadmin("migrator")
    names = {d["id"]: d["name"] for d in records("datasets.jsonl")}
    replies = {}
    for thing in ("users", "organizations", "groups", "datasets"):
        replies[thing] = load(s, token, thing, read(thing + ".jsonl"),
                              fetch=from_datapackages(names) if thing == "datasets" else None)
    yield s, token, replies
    s.stop()


def test_a_ckan_dump_loads_and_keeps_everything(site):
    server, token, replies = site
    for thing, rs in replies.items():
        assert all(r[0] == "create" and r[1] is None for r in rs), (thing, rs)
    for u in records("users.jsonl"):
        got = shown(server, token, "user_show", u["id"])
        assert got["name"] == u["name"] and got["email"] == u["email"] and got["sysadmin"] is False
    for o in records("organizations.jsonl"):
        got = shown(server, token, "organization_show", o["id"])
        assert (got["name"], got["title"], got["description"]) == (o["name"], o["title"], o["description"])
        assert {u["name"]: u["capacity"] for u in got["users"]} == {u["name"]: u["capacity"] for u in o["users"]}
    for g in records("groups.jsonl"):
        got = shown(server, token, "group_show", g["id"])
        assert (got["name"], got["title"], got["category"]) == (g["name"], g["title"], g["type"])
    for d in records("datasets.jsonl"):
        got = shown(server, token, "package_show", d["id"])
        for key in ("name", "title", "owner_org", "private", "state", "data_type", "notes", "license_id",
                    "maintainer", "maintainer_email", "objective", "update_frequency_unit", "geo_coverage",
                    "data_source", "data_format", "data_category", "data_language"):
            assert got[key] == d[key], (d["name"], key, got[key], d[key])
        assert sorted(t["name"] for t in got["tags"]) == sorted(t["name"] for t in d["tags"])
        assert sorted(g["id"] for g in got["groups"]) == sorted(g["id"] for g in d["groups"])
        assert [r["id"] for r in got["resources"]] == [r["id"] for r in d["resources"]]
        for mine, theirs in zip(got["resources"], d["resources"]):
            assert (mine["name"], mine["description"], mine["format"]) == (
                theirs["name"], theirs["description"], theirs["format"])
            if theirs["url_type"] == "upload":
                # The file moved: govhub serves it, the same bytes, and loads its table.
                assert mine["url_type"] == "upload" and mine["url"].startswith(server.url)
                want = from_datapackages({d["id"]: d["name"]})(theirs)
                assert download(server, mine["url"]) == want
                wait_active(server, token, mine["id"])
            else:
                assert mine["url"] == theirs["url"] and mine["datastore_active"] is False
        # thai_gdc's extra resource fields came along.
        if d["name"] == "population-by-district":
            assert got["resources"][0]["resource_data_collect"] == "บุคคล"
    # The public datasets are found; the private one only by its agency.
    found = action(server, None, "package_search", {"rows": 100})[1]["result"]
    assert sorted(r["name"] for r in found["results"]) == ["population-by-district", "rainfall-monthly"]
    # Migrated people log in with their old passwords.
    for name, password in json.loads(read("passwords.json")).items():
        assert login(Browser(server), name, "not-" + password).status == 401
        assert login(Browser(server), name, password).status == 303, name
    # The editor of the old site may edit its agency's datasets here.
    status, _ = action(server, None, "package_patch", {"id": "population-by-district", "title": "x"})
    assert status == 403


def test_loading_the_dump_again_only_updates(site):
    server, token, _ = site
    for thing in ("users", "organizations", "groups", "datasets"):
        replies = load(server, token, thing, read(thing + ".jsonl"))
        assert replies and all(r[0] == "update" and r[1] is None for r in replies), (thing, replies)
    got = shown(server, token, "package_show", "rainfall-monthly")
    assert [r["url_type"] for r in got["resources"]] == ["upload"], "the moved file stays govhub's"


def test_a_load_without_the_sysadmin_token_changes_nothing(site):
    server, token, _ = site
    line = read("datasets.jsonl").splitlines()[0]
    d = json.loads(line)
    d["id"], d["name"] = "aa000001-1111-4222-8333-4444444444ff", "stranger-copy"
    replies = load(server, None, "datasets", json.dumps(d, ensure_ascii=False))
    assert replies[0][0] == "create" and replies[0][1] == "Authorization Error"
    assert action(server, token, "package_show", {"id": "stranger-copy"})[0] == 404


def comparable_dataset(d):
    out = {k: v for k, v in d.items() if k not in (
        "metadata_created", "metadata_modified", "creator_user_id", "resources", "organization",
        "tracking_summary", "groups", "tags")}
    out["groups"] = sorted(g["id"] for g in d["groups"])
    out["tags"] = sorted(t["name"] for t in d["tags"])
    out["resources"] = [{k: v for k, v in r.items() if k not in ("url", "created", "last_modified")}
                        for r in d["resources"]]
    return out


def test_a_site_moves_to_another_govhub_process(site, smtp):
    a, token_a, _ = site
    # Log in once on A, so that hashes of both kinds (CKAN's, govhub's argon2id) move.
    assert login(Browser(a), "suda_editor", json.loads(read("passwords.json"))["suda_editor"]).status == 303
    b = Server(*RELAXED, *FAST_JOBS, smtp_url=smtp.url)
    try:
        token_b = b.create_sysadmin("migrator-b")
        # ckanapi dump datasets --all lists package_list (public ones only, as CKAN's); the
        # guide passes the names package_search gives a sysadmin instead, private ones included.
        search = action(a, token_a, "package_search", {"rows": 1000, "include_private": True,
                                                       "include_drafts": True})[1]["result"]
        names = [d["name"] for d in search["results"]]
        assert len(names) == 3
        # B's own first administrator ("admin") is there already: ckanapi finds it by name and
        # updates it, so it keeps B's id.
        own = {u["name"]: u["id"] for u in action(b, token_b, "user_list", {})[1]["result"]}
        dumps = {thing: dump(a, token_a, thing, names if thing == "datasets" else None)
                 for thing in ("users", "organizations", "groups", "datasets")}
        for thing in ("users", "organizations", "groups", "datasets"):
            replies = load(b, token_b, thing, dumps[thing],
                           fetch=(lambda res: download(a, res["url"])) if thing == "datasets" else None)
            assert all(r[1] is None for r in replies), (thing, replies)
        for name in names:
            for res in shown(a, token_a, "package_show", name)["resources"]:
                if res["datastore_active"]:
                    wait_active(b, token_b, res["id"])
            da, db = shown(a, token_a, "package_show", name), shown(b, token_b, "package_show", name)
            ca, cb = comparable_dataset(da), comparable_dataset(db)
            for ra, rb in zip(ca.pop("resources"), cb.pop("resources")):
                assert {k: (v, rb.get(k)) for k, v in ra.items() if rb.get(k) != v} == {}, name
            assert ca == cb, name
            for ra, rb in zip(da["resources"], db["resources"]):
                if ra["url_type"] == "upload":
                    assert download(a, ra["url"]) == download(b, rb["url"])
        for line in dumps["users"].splitlines():
            ua = json.loads(line)
            ub = shown(b, token_b, "user_show", ua["name"])
            assert ub["id"] == own.get(ua["name"], ua["id"])
            for key in ("name", "email", "fullname", "state"):
                assert ua.get(key) == ub.get(key), (ua["name"], key)
        for line in dumps["organizations"].splitlines():
            oa = json.loads(line)
            ob = shown(b, token_b, "organization_show", oa["id"])
            assert (oa["name"], oa["title"], oa["users"]) == (ob["name"], ob["title"], ob["users"])
        for line in dumps["groups"].splitlines():
            ga = json.loads(line)
            gb = shown(b, token_b, "group_show", ga["id"])
            assert (ga["name"], ga["title"], ga["category"]) == (gb["name"], gb["title"], gb["category"])
        for name, password in json.loads(read("passwords.json")).items():
            assert login(Browser(b), name, password).status == 303, name
    finally:
        b.stop()
