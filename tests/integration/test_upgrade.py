"""Upgrading a site made by an older govhub (tests/data/upgrade/vN, see its README.md): the current
binary starts on a copy of that site's database and files, runs its migrations, and must serve what
the old version served (organizations, members and their roles, groups, public and private
datasets, resources and their files, datastore rows, users, requests), the deleted things still
deleted; the people of the site still log in with their passwords and tokens and work as before,
and new agencies and memberships can be made."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest

from govhub_harness import ENGINE, PG_ADMIN_URL, Server, new_database_url

FIXTURES = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "data", "upgrade"))
sys.path.insert(0, FIXTURES)
import make_fixtures as fx  # noqa: E402  (snapshot() reads a site exactly as the fixture was read)

VERSIONS = sorted((d for d in os.listdir(FIXTURES) if re.fullmatch(r"v\d+", d)
                   and os.path.exists(os.path.join(FIXTURES, d, "expected.json"))), key=lambda d: int(d[1:]))
# The sections of expected.json's "serves", each compared by its own test.
SECTIONS = ["organization_list", "organization_show", "organization_show_anonymous", "member_list",
            "organization_activity_list", "group_list", "group_show", "group_member_list",
            "package_search_sysadmin", "package_search_anonymous", "package_search_thai_query", "package_show",
            "package_show_anonymous", "package_activity_list", "tag_list", "downloads", "datastore_info",
            "datastore_search", "datastore_search_q", "datastore_search_sql", "user_list", "user_show",
            "api_token_list", "organization_list_for_user", "personal_data", "request_documents", "staff_queue"]
# Activity streams may gain entries at their head (newest first) if a migration records one.
GROWS_AT_HEAD = re.compile(r"^(organization|package)_activity_list\.[^.]+$")
# Lists whose order means nothing to their reader (v1 orders an agency's users by their random id):
# compared as multisets, so a migration that stores them elsewhere may list them in another order.
UNORDERED = re.compile(r"^(organization_show\.[^.]+\.users|member_list\.[^.]+|personal_data\.[^.]+\.roles)$")
FLAGS = ["--rate-limit-login", "10000", "--rate-limit-form", "10000", "--rate-limit-api", "100000",
         "--rate-limit-api-anonymous", "100000", "--staff-second-factor", "optional", "--job-poll-ms", "100"]


def restore_postgres(dump):
    """A fresh database of the test cluster holding the fixture's plain-SQL dump."""
    url = new_database_url()
    # The dump grants SELECT on the datastore's tables to this role, which belongs to the cluster.
    subprocess.run(["psql", url, "-qX", "-v", "ON_ERROR_STOP=1", "-c",
                    "DO $$ BEGIN CREATE ROLE govhub_datastore_reader NOLOGIN NOINHERIT;"
                    " EXCEPTION WHEN duplicate_object THEN NULL; END $$"], check=True, capture_output=True)
    r = subprocess.run(["psql", url, "-qX", "-v", "ON_ERROR_STOP=1", "-f", dump], capture_output=True, text=True)
    assert r.returncode == 0, "the fixture's dump did not restore:\n" + r.stderr[-3000:]
    return url


@pytest.fixture(scope="module", params=VERSIONS)
def site(request):
    """The current binary on a copy of fixture vN; its snapshot and what vN served."""
    folder = os.path.join(FIXTURES, request.param)
    with open(os.path.join(folder, "expected.json"), encoding="utf-8") as f:
        expected = json.load(f)
    # Every fixture holds both engines' sites: one missing is a broken fixture, not a pass.
    assert ENGINE in expected["engines"], "%s has no %s fixture (make_fixtures.py makes both)" % (
        request.param, ENGINE)
    old = expected["engines"][ENGINE]
    data_dir = tempfile.mkdtemp(prefix="govhub-upgrade-")
    shutil.copytree(os.path.join(folder, "files-" + ENGINE), data_dir, dirs_exist_ok=True)
    if ENGINE == "postgres":
        database_url = restore_postgres(os.path.join(folder, "govhub.pg.sql"))
    else:
        database_url = None
        for db in ("govhub.db", "datastore.db"):
            shutil.copy(os.path.join(folder, db), os.path.join(data_dir, db))
    extra = list(FLAGS)
    if os.environ.get("GOVHUB_SOURCE_DIR"):
        extra += ["--web-dir", os.path.join(os.environ["GOVHUB_SOURCE_DIR"], "web")]
    server = Server(*extra, data_dir=data_dir, database_url=database_url)
    try:
        now = fx.snapshot(server.port, server.url, old["credentials"], old["names"])
    except Exception:
        print(server.output()[-5000:])
        server.stop()
        raise
    yield {"server": server, "old": old, "now": now, "version": request.param}
    code = server.stop()
    assert code == 0, "govhub did not exit cleanly: %s\n%s" % (code, server.output()[-3000:])
    shutil.rmtree(data_dir, ignore_errors=True)
    if database_url:
        subprocess.run(["psql", PG_ADMIN_URL, "-qXc", "DROP DATABASE %s" % database_url.rsplit("/", 1)[1]],
                       capture_output=True)


def differences(expected, actual, path=""):
    """Where `actual` differs from `expected`. Fields a newer version adds are allowed; a field
    that is gone or changed is not."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return ["%s: %r became %r" % (path, "{...}", actual)]
        out = []
        for k, v in expected.items():
            if k not in actual:
                out.append("%s.%s: missing (was %r)" % (path, k, v))
            else:
                out += differences(v, actual[k], "%s.%s" % (path, k) if path else k)
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return ["%s: a list became %r" % (path, actual)]
        if GROWS_AT_HEAD.match(path) and len(actual) > len(expected):
            actual = actual[len(actual) - len(expected):]
        if UNORDERED.match(path):
            # Sorted on the fields the old version had, so fields a newer one adds do not reorder.
            fields = {k for e in expected if isinstance(e, dict) for k in e}

            def key(x):
                x = {k: x.get(k) for k in sorted(fields)} if isinstance(x, dict) else x
                return json.dumps(x, sort_keys=True, ensure_ascii=False)
            expected, actual = sorted(expected, key=key), sorted(actual, key=key)
        if len(expected) != len(actual):
            return ["%s: %d items became %d: %r -> %r" % (path, len(expected), len(actual), expected, actual)]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out += differences(e, a, "%s[%d]" % (path, i))
        return out
    if expected is False and actual is True and path.endswith(".datastore_active"):
        # Versions before issue 15 answered false for every resource; an upgraded site reads
        # true for a resource whose datastore table is loaded, as CKAN's datastore says.
        return []
    if expected != actual:
        return ["%s: %r became %r" % (path, expected, actual)]
    return []


@pytest.mark.parametrize("section", SECTIONS)
def test_the_upgraded_site_serves_what_the_old_one_did(site, section):
    # A section snapshot() reads must be in every fixture's expected.json (make it again with
    # that version's binary, tests/data/upgrade/README.md); a missing one fails, it is not skipped.
    assert section in site["old"]["serves"], "%s's expected.json has no %s" % (site["version"], section)
    diffs = differences(site["old"]["serves"][section], site["now"][section], section)
    assert not diffs, "%d differences after upgrading %s:\n%s" % (len(diffs), site["version"], "\n".join(diffs[:40]))


def test_what_the_fixture_holds_is_what_a_visitor_should_see(site):
    """The fixture itself, read as a person would: the comparison above is only as good as this."""
    now = site["now"]
    assert set(now) == set(SECTIONS), "snapshot() and SECTIONS disagree: %s" % (set(now) ^ set(SECTIONS))
    public = [d["name"] for d in now["package_search_anonymous"]["results"]]
    everything = [d["name"] for d in now["package_search_sysadmin"]["results"]]
    assert "dopa-population" in public and "dopa-registry-private" not in public
    assert "dopa-registry-private" in everything and "dopa-draft" in everything
    assert fx.DELETED_DATASET not in everything
    assert now["package_show_anonymous"][fx.DELETED_DATASET]["status"] == 404
    assert now["package_show"][fx.DELETED_DATASET]["state"] == "deleted"
    assert now["package_show_anonymous"]["dopa-registry-private"]["status"] == 404
    assert now["package_show"]["dopa-registry-private"]["private"] is True
    orgs = [o["name"] for o in now["organization_list"]]
    assert fx.DELETED_ORG not in orgs and {"moi", "dopa", "tmd", "nso", "dga", "mdes"} <= set(orgs)
    assert now["organization_show_anonymous"][fx.DELETED_ORG]["status"] == 404
    assert now["organization_show"][fx.DELETED_ORG]["state"] == "deleted"
    assert now["organization_show"]["dopa"]["parent"] == now["organization_show"]["moi"]["id"]
    # The directory's kinds, decided in place by the upgrade: a parentless agency with departments
    # is a ministry, one with a parent a department, a parentless one without any "other".
    kinds = {name: o["kind"] for name, o in now["organization_show"].items() if "kind" in o}
    assert kinds == {"moi": "ministry", "mdes": "ministry", "dopa": "department", "nso": "department",
                     "tmd": "department", "old-office": "department", "dga": "other"}, kinds
    assert all(o["title_en"] == "" for o in now["organization_show"].values() if "kind" in o)
    assert fx.DELETED_GROUP not in [g["name"] for g in now["group_list"]]
    assert now["group_show"][fx.DELETED_GROUP]["status"] == 404
    # user_list shows active accounts (as CKAN's does); user_show every account.
    users = now["user_show"]
    assert fx.SUSPENDED_USER not in [u["name"] for u in now["user_list"]]
    # Every role of every agency, and the role an approved application gave.
    for user, org, role in fx.MEMBERS + [("wichai", "nso", "editor")]:
        shown = {u["name"]: u["capacity"] for u in now["organization_show"][org]["users"]}
        assert shown.get(user) == role, (user, org, shown)
        assert [users[user]["id"], "user", role] in now["member_list"][org]
    assert users[fx.SUSPENDED_USER]["state"] == "suspended" and users[fx.PENDING_USER]["state"] == "pending"
    assert users[fx.SYSADMIN]["sysadmin"] is True
    assert now["organization_list_for_user"][fx.SUSPENDED_USER] == {"login_status": 403}
    assert [r["อำเภอ"] for r in now["datastore_search"]["records"]] == ["เมืองเชียงใหม่", "สันทราย", "ฝาง", "แม่ริม"]
    assert now["datastore_search"]["total"] == 4 and now["datastore_search_sql"][0]["อำเภอ"] == "เมืองเชียงใหม่"
    dataset = now["package_show"]["dopa-population"]
    formats = sorted(r["format"] for r in dataset["resources"])
    assert formats == ["CSV", "HTML"] and dataset["tracking_summary"]["total"] == fx.PAGE_VIEWS["dopa-population"]
    assert list(now["downloads"].values()) == [{"status": 200, "size": len(fx.UPLOADED_CSV),
                                               "sha256": __import__("hashlib").sha256(fx.UPLOADED_CSV).hexdigest()}]
    states = {r["reference"]: r["state"] for pd in now["personal_data"].values() for r in pd["requests"]}
    assert sorted(states.values()) == ["approved", "needs_info", "submitted", "submitted"], states
    assert now["staff_queue"]["status"] == 200 and now["staff_queue"]["references"]
    scans = [f for d in now["request_documents"].values() for f in d["files"]]
    assert len(scans) == len(fx.OFFICER_REQUESTS) + 1 and all(
        f["status"] == 200 and f["size"] == len(fx.SIGNED_SCAN) for f in scans), now["request_documents"]


def login(site, name):
    return fx.Client(site["server"].port).login(name, site["old"]["credentials"]["passwords"][name])


def test_a_member_logs_in_with_the_old_password_and_edits_a_dataset_of_their_agency(site):
    somchai = login(site, "somchai")  # editor of dopa, member of tmd
    title = "จำนวนประชากรจากทะเบียนราษฎร์ รายอำเภอ (ปรับปรุงหลังอัปเกรด)"
    d = somchai.ok("package_patch", {"id": "dopa-population", "title": title})
    assert d["title"] == title
    anon = fx.Client(site["server"].port)
    shown = anon.ok("package_show", {"id": "dopa-population"}, "GET")
    assert shown["title"] == title and shown["id"] == site["now"]["package_show"]["dopa-population"]["id"]
    assert shown["metadata_modified"] > site["now"]["package_show"]["dopa-population"]["metadata_modified"]
    status, _, page = anon.get("/dataset/dopa-population")
    assert status == 200 and title in page.decode()
    # A member of tmd is not its editor; nor is a member of dopa.
    status, body = somchai.action("package_patch", {"id": "tmd-rainfall", "title": "x"}, "POST")
    assert status == 403, body
    status, body = login(site, "malee").action("package_patch", {"id": "dopa-population", "title": "x"}, "POST")
    assert status == 403, body
    # The private dataset: its agency's member reads it, an editor of another agency does not.
    assert login(site, "malee").ok("package_show", {"id": "dopa-registry-private"}, "GET")["private"] is True
    assert login(site, "kanya").action("package_show", {"id": "dopa-registry-private"})[0] == 404
    # API tokens made before the upgrade still work, and a wrong password still fails.
    token = fx.Client(site["server"].port, site["old"]["credentials"]["tokens"]["somchai"])
    assert [o["name"] for o in token.ok("organization_list_for_user", {"permission": "manage_group"}, "GET")] == ["dopa"]
    with pytest.raises(RuntimeError):
        fx.Client(site["server"].port).login("somchai", "not-the-password")
    # The suspended account still cannot log in.
    with pytest.raises(RuntimeError):
        login(site, fx.SUSPENDED_USER)


def test_a_new_agency_and_memberships_after_the_upgrade(site):
    port = site["server"].port
    admin = fx.Client(port, site["old"]["credentials"]["tokens"][fx.SYSADMIN])
    org = admin.ok("organization_create", {"name": "depa", "title": "สำนักงานส่งเสริมเศรษฐกิจดิจิทัล",
                                           "description": "Digital Economy Promotion Agency", "parent": "mdes"})
    assert org["parent"] == site["now"]["organization_show"]["mdes"]["id"]
    admin.ok("organization_member_create", {"id": "depa", "username": fx.DEVELOPER, "role": "editor"})
    admin.ok("organization_member_create", {"id": "depa", "username": "malee", "role": "admin"})
    # An old agency gets a new member, and an old member a new role.
    admin.ok("organization_member_create", {"id": "nso", "username": "somchai", "role": "editor"})
    admin.ok("organization_member_create", {"id": "dopa", "username": "malee", "role": "editor"})
    shown = {u["name"]: u["capacity"] for u in admin.ok("organization_show", {"id": "depa"}, "GET")["users"]}
    assert shown == {fx.DEVELOPER: "editor", "malee": "admin"}
    assert "depa" in [o["name"] for o in fx.Client(port).ok("organization_list", {"all_fields": "true"}, "GET")]
    # The developer publishes in the new agency with the token made before the upgrade.
    dev = fx.Client(port, site["old"]["credentials"]["tokens"][fx.DEVELOPER])
    assert [o["name"] for o in dev.ok("organization_list_for_user", {"permission": "manage_group"}, "GET")] == ["depa"]
    d = dev.ok("package_create", fx.record("depa-startups", "depa", "สตาร์ทอัพดิจิทัลที่ได้รับการส่งเสริม",
                                           "รายชื่อสตาร์ทอัพ", ["สตาร์ทอัพ"]))
    assert d["organization"]["name"] == "depa"
    # malee, now an editor of dopa, edits there; somchai edits in nso.
    assert login(site, "malee").ok("package_patch", {"id": "dopa-population", "notes": "แก้โดยมาลี"})["notes"] == "แก้โดยมาลี"
    assert login(site, "somchai").ok("package_patch", {"id": "nso-labour-force", "url": "https://www.nso.go.th/"})
    roles = {o["name"]: o["capacity"] for o in login(site, "somchai").ok(
        "organization_list_for_user", {"permission": "read"}, "GET")}
    assert roles == {"dopa": "editor", "tmd": "member", "nso": "editor"}, roles
    # A member is removed again.
    admin.ok("organization_member_delete", {"id": "depa", "username": "malee"})
    assert [u["name"] for u in admin.ok("organization_show", {"id": "depa"}, "GET")["users"]] == [fx.DEVELOPER]


def test_requests_made_before_the_upgrade_go_on(site):
    """The pending officer application is approved after the upgrade and gives its role then."""
    refs = {pd["account"]["name"]: r["reference"] for pd in site["now"]["personal_data"].values()
            for r in pd["requests"] if r["state"] == "submitted" and r["type"] == "officer_membership"}
    ref = refs["pranee"]
    pranee = login(site, "pranee")
    status, _, page = pranee.get("/requests/" + ref)
    assert status == 200 and ref in page.decode()
    reviewer = login(site, fx.REVIEWER)
    status, _, page = reviewer.get("/staff/requests/" + ref)
    assert status == 200
    status, _, body = reviewer.form("/staff/requests/" + ref, {"transition": "approve", "note": ""})
    assert status == 303, body[:500]
    mine = {o["name"]: o["capacity"] for o in pranee.ok("organization_list_for_user", {"permission": "read"}, "GET")}
    assert mine == {"tmd": "editor"}
    assert pranee.ok("package_patch", {"id": "tmd-rainfall", "maintainer": "ปราณี รอตรวจ"})["maintainer"] == "ปราณี รอตรวจ"
