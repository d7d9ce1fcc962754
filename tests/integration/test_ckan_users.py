"""Moving people in from CKAN: user_create and user_update for sysadmins (as `ckanapi load`
calls them), CKAN's pbkdf2-sha512 password hashes kept and rehashed to argon2id at the first
login, ids kept, and bad input refused with the field named."""
import uuid

from accounts_helpers import login, registered_user, create_token_via_page
from govhub_harness import Browser

# passlib pbkdf2_sha512 hashes as a CKAN 2.10 dump carries them (made with Python's hashlib).
CKAN_HASH = ("$pbkdf2-sha512$25000$ayw/mh2OS3wKXy4dPEtaaQ$SX1OgH70ZfpWiPW.0hSMd2sEVrXnK4qL4kkltTpVkGBYQ"
             "aH48oT2sEfbURfBYIWSLZXpViNP.VOvO92irx5s3w")
CKAN_PASSWORD = "รหัสผ่าน-เดิม-2565"


def call(server, token, action, body):
    return Browser(server).post_json("/api/3/action/" + action, body, headers={"Authorization": token})


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def test_a_person_from_a_ckan_dump_keeps_id_and_password(server, sysadmin):
    name, uid = unique("ckan"), str(uuid.uuid4())
    r = call(server, sysadmin, "user_create", {
        "id": uid, "name": name, "email": name + "@example.go.th", "fullname": "สมหญิง ย้ายมา",
        "password_hash": CKAN_HASH, "sysadmin": True, "state": "active", "about": "from CKAN"})
    assert r.status == 200, r.text
    u = r.json()["result"]
    assert u["id"] == uid and u["name"] == name and u["state"] == "active"
    assert u["fullname_th"] == "สมหญิง ย้ายมา" and u["fullname_en"] == "สมหญิง ย้ายมา"
    assert u["sysadmin"] is False, "a dump cannot make anyone a sysadmin"
    # The old password works; the stored hash becomes govhub's own at that login.
    assert login(Browser(server), name, "a-wrong-password-1").status == 401
    assert login(Browser(server), name, CKAN_PASSWORD).status == 303
    stored = server.query("SELECT password_hash FROM users WHERE id = '%s'" % uid)[0][0]
    assert stored.startswith("$argon2id$")
    assert login(Browser(server), name, CKAN_PASSWORD).status == 303
    actions = [row[0] for row in server.query(
        "SELECT action FROM audit_log WHERE object_id = '%s' ORDER BY id" % uid)]
    assert actions[0] == "user.create" and "user.password_rehashed" in actions


def test_a_hash_moves_between_govhub_sites_through_user_show(server, sysadmin):
    name = unique("moved")
    assert call(server, sysadmin, "user_create", {
        "name": name, "email": name + "@example.go.th", "fullname_th": "ก", "fullname_en": "K",
        "password": "ย้ายได้-รหัสผ่าน-2569"}).status == 200
    shown = call(server, sysadmin, "user_show", {"id": name, "include_password_hash": True}).json()["result"]
    assert shown["password_hash"].startswith("$argon2id$")
    twin = unique("twin")
    r = call(server, sysadmin, "user_create", {"name": twin, "email": twin + "@example.go.th",
                                               "password_hash": shown["password_hash"]})
    assert r.status == 200, r.text
    assert login(Browser(server), twin, "ย้ายได้-รหัสผ่าน-2569").status == 303


def test_user_update_changes_what_is_given(server, sysadmin):
    name = unique("upd")
    uid = call(server, sysadmin, "user_create", {"name": name, "email": name + "@example.go.th",
                                                 "password": "เดิม-รหัสผ่าน-2569"}).json()["result"]["id"]
    r = call(server, sysadmin, "user_update", {"id": uid, "email": name + "@new.example.go.th",
                                               "fullname_en": "New Name", "password_hash": CKAN_HASH})
    assert r.status == 200, r.text
    u = r.json()["result"]
    assert u["email"] == name + "@new.example.go.th" and u["fullname_en"] == "New Name"
    assert u["fullname_th"] == name, "not given: kept"
    assert login(Browser(server), name, CKAN_PASSWORD).status == 303
    assert call(server, sysadmin, "user_update", {"id": "no-such-user-x"}).status == 404
    assert call(server, sysadmin, "user_update", {}).status == 409


def test_bad_input_is_refused_with_the_field_named(server, sysadmin):
    taken = unique("taken")
    uid = call(server, sysadmin, "user_create", {"name": taken, "email": taken + "@example.go.th",
                                                 "password": "มีแล้ว-รหัสผ่าน-2569"}).json()["result"]["id"]
    n = unique("bad")
    cases = [
        ({"name": n, "email": n + "@x.go.th"}, "password"),
        ({"name": n, "email": n + "@x.go.th", "password": "short"}, "password"),
        ({"name": n, "email": n + "@x.go.th", "password_hash": "plain-text"}, "password_hash"),
        ({"name": n, "email": n + "@x.go.th", "password_hash": "$pbkdf2-sha512$99999999$ayw/mh2OS3wKXy4dPEtaaQ$"
          + CKAN_HASH.split("$")[-1]}, "password_hash"),
        ({"name": n, "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569", "id": uid}, "id"),
        ({"name": n, "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569", "id": "a b<script>"}, "id"),
        # Only a UUID is kept as an id, compared without case, and never one answering already:
        # an id that was someone's name would take their name over wherever "id or name" is read.
        ({"name": n, "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569", "id": taken}, "id"),
        ({"name": n, "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569", "id": uid.upper()}, "id"),
        ({"name": str(uuid.uuid4()), "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569"}, "name"),
        # A hash whose cost would pin a thread (t = 2^32-1) or take gigabytes at every login.
        ({"name": n, "email": n + "@x.go.th", "password_hash":
          "$argon2id$v=19$m=64,t=4294967295,p=1$MDEyMzQ1Njc4OWFiY2RlZg$eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg"},
         "password_hash"),
        ({"name": n, "email": n + "@x.go.th", "password_hash":
          "$argon2id$v=19$m=4194304,t=1,p=1$MDEyMzQ1Njc4OWFiY2RlZg$eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg"},
         "password_hash"),
        ({"name": n, "email": n + "@x.go.th", "password_hash": "$pbkdf2-sha512$1000000$ayw/mh2OS3wKXy4dPEtaaQ$"
          + CKAN_HASH.split("$")[-1]}, "password_hash"),
        ({"name": taken, "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569"}, "name"),
        ({"name": n, "email": taken + "@example.go.th", "password": "ดี-รหัสผ่าน-2569"}, "email"),
        ({"name": "me", "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569"}, "name"),
        ({"name": "Bad Name!", "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569"}, "name"),
        ({"name": n, "email": "not-an-address", "password": "ดี-รหัสผ่าน-2569"}, "email"),
        ({"name": n, "email": n + "@x.go.th", "password": "ดี-รหัสผ่าน-2569", "fullname": "ก" * 201}, "fullname_th"),
        ({"name": n, "email": n + "@x.go.th", "password": ["a", "list"]}, "password"),
    ]
    for body, field in cases:
        r = call(server, sysadmin, "user_create", body)
        assert r.status == 409, (body, r.status, r.text)
        assert field in r.json()["error"], (body, r.json()["error"])
    assert not server.query("SELECT 1 FROM users WHERE name = '%s'" % n), "nothing half-made"


def test_only_sysadmins_create_update_or_read_hashes(server, smtp, sysadmin):
    b = Browser(server)
    name = registered_user(b, smtp, "plain")
    token = create_token_via_page(b, name)
    n = unique("nope")
    body = {"name": n, "email": n + "@x.go.th", "password_hash": CKAN_HASH}
    assert call(server, token, "user_create", body).status == 403
    assert Browser(server).post_json("/api/3/action/user_create", body).status in (401, 403)
    assert call(server, token, "user_update", {"id": name, "password_hash": CKAN_HASH}).status == 403
    own = call(server, token, "user_show", {"id": name, "include_password_hash": True}).json()["result"]
    assert "password_hash" not in own, "not even one's own"
    assert "password_hash" not in call(server, sysadmin, "user_show", {"id": name}).json()["result"]
