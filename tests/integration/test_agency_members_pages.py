"""An agency's member management in the browser (/organization/<name>/members) for its admins and
sysadmins: add by user name or e-mail with a role, change a role, remove after a confirmation; the
last admin is kept; every change audited. The agency page's "members" and "add dataset" buttons,
and the officer's way in on one's own profile (issue 15)."""
import html
import re

from accounts_helpers import login, registered_user, unique_name
from govhub_harness import Browser
from test_catalog_api import call, ok

ROOT_PASSWORD = "ผู้ดูแล-ทดสอบ-2569"


def admin_browser(server):
    b = Browser(server)
    assert login(b, "root-it", ROOT_PASSWORD).status == 303
    return b


def field_error(page, field):
    m = re.search(r'<p class="field-error" id="%s-error">([^<]*)</p>' % field, page)
    return html.unescape(m.group(1)) if m else None


def members_of(server, sysadmin, org):
    shown = ok(call(Browser(server), "organization_show", {"id": org}, sysadmin, method="GET"))
    return {u["name"]: u["capacity"] for u in shown["users"]}


def rows(page):
    """The member list as the page shows it: user name -> the role selected in its row."""
    out = {}
    for user, body in re.findall(r'<tr>\s*<td><a href="/user/([^"]+)">.*?</td>(.*?)</tr>', page, re.S):
        m = re.search(r'<option value="(\w+)" selected>', body)
        out[user] = m.group(1) if m else None
    return out


class Agency:
    """An agency with an admin, an editor and a member (each a signed-in browser), and a stranger."""

    def __init__(self, server, smtp, sysadmin):
        self.server = server
        self.sysadmin = sysadmin
        self.name = unique_name("mem")
        ok(call(Browser(server), "organization_create", {"name": self.name, "title": "กรมทดสอบสมาชิก",
                                                          "title_en": "Department of Member Trials"}, sysadmin))
        self.people = {}
        self.browsers = {}
        for role in ("admin", "editor", "member", "stranger"):
            b = Browser(server)
            user = registered_user(b, smtp, "m" + role[:3])
            if role != "stranger":
                ok(call(Browser(server), "organization_member_create",
                        {"id": self.name, "username": user, "role": role}, sysadmin))
            self.people[role] = user
            self.browsers[role] = b
        self.url = "/organization/%s/members" % self.name


def test_members_page_lists_roles_in_thai_and_english(server, smtp, sysadmin):
    a = Agency(server, smtp, sysadmin)
    b = a.browsers["admin"]
    r = b.get(a.url)
    assert r.status == 200
    assert "สมาชิกของหน่วยงาน" in r.text and "กรมทดสอบสมาชิก" in r.text
    assert rows(r.text) == {a.people["admin"]: "admin", a.people["editor"]: "editor",
                            a.people["member"]: "member"}
    assert "ผู้ดูแล" in r.text or "admin" in r.text
    en = b.get(a.url + "?lang=en")
    assert en.status == 200 and "Agency members" in en.text and "Department of Member Trials" in en.text
    assert "User name or e-mail" in en.text
    b.get(a.url + "?lang=th")
    # A sysadmin manages every agency.
    assert admin_browser(server).get(a.url).status == 200


def test_only_admins_and_sysadmins_manage_members(server, smtp, sysadmin):
    a = Agency(server, smtp, sysadmin)
    anon = Browser(server)
    assert anon.get(a.url).status in (302, 303, 401)
    for role in ("editor", "member", "stranger"):
        b = a.browsers[role]
        assert b.get(a.url).status == 403, role
        r = b.post_form(a.url, {"user": a.people["stranger"], "role": "admin"}, csrf_page="/organization")
        assert r.status == 403, role
        r = b.post_form("%s/%s/role" % (a.url, a.people["admin"]), {"role": "member"}, csrf_page="/organization")
        assert r.status == 403, role
        assert b.get("%s/%s/remove" % (a.url, a.people["admin"])).status == 403, role
        r = b.post_form("%s/%s/remove" % (a.url, a.people["admin"]), {}, csrf_page="/organization")
        assert r.status == 403, role
    assert members_of(server, sysadmin, a.name) == {a.people["admin"]: "admin", a.people["editor"]: "editor",
                                                   a.people["member"]: "member"}
    assert Browser(server).get("/organization/no-such-agency-%s/members" % a.name).status in (302, 303, 401)
    assert a.browsers["admin"].get("/organization/no-such-%s/members" % a.name).status == 404


def test_agency_page_buttons_follow_the_role(server, smtp, sysadmin):
    a = Agency(server, smtp, sysadmin)
    page = "/organization/" + a.name
    add = 'href="/dataset/new?owner_org=%s"' % a.name
    members = 'href="%s"' % a.url
    admin = a.browsers["admin"].get(page).text
    assert add in admin and members in admin
    editor = a.browsers["editor"].get(page).text
    assert add in editor and members not in editor
    for role in ("member", "stranger"):
        t = a.browsers[role].get(page).text
        assert add not in t and members not in t
    t = Browser(server).get(page).text
    assert add not in t and members not in t
    assert members in admin_browser(server).get(page).text
    # "Add dataset" preselects the agency in the dataset form.
    step = a.browsers["editor"].get("/dataset/new?owner_org=" + a.name)
    assert step.status == 200 and '<input type="hidden" name="owner_org" value="%s">' % a.name in step.text
    form = a.browsers["editor"].get("/dataset/new?data_type=statistical&owner_org=" + a.name)
    assert form.status == 200
    org_id = ok(call(Browser(server), "organization_show", {"id": a.name}, method="GET"))["id"]
    assert re.search(r'<option value="%s" selected>' % org_id, form.text)


def test_add_by_name_or_email_change_role_and_remove(server, smtp, sysadmin):
    a = Agency(server, smtp, sysadmin)
    b = a.browsers["admin"]
    newcomer = registered_user(Browser(server), smtp, "mnew")
    r = b.post_form(a.url, {"user": newcomer, "role": "editor"})
    assert r.status == 303 and r.header("Location") == a.url + "?done=1"
    done = b.get(r.header("Location"))
    assert "บันทึกการเปลี่ยนแปลงสมาชิกแล้ว" in done.text and rows(done.text)[newcomer] == "editor"
    # By e-mail (any case).
    other = registered_user(Browser(server), smtp, "mmail")
    r = b.post_form(a.url, {"user": (other + "@EXAMPLE.go.th").upper(), "role": "member"})
    assert r.status == 303
    assert members_of(server, sysadmin, a.name)[other] == "member"
    # Change a role.
    r = b.post_form("%s/%s/role" % (a.url, other), {"role": "admin"}, csrf_page=a.url)
    assert r.status == 303
    assert members_of(server, sysadmin, a.name)[other] == "admin"
    # Remove: a confirmation page, then a POST.
    confirm = b.get("%s/%s/remove" % (a.url, newcomer))
    assert confirm.status == 200 and newcomer in confirm.text and 'method="post"' in confirm.text
    r = b.post_form("%s/%s/remove" % (a.url, newcomer), {}, csrf_page="%s/%s/remove" % (a.url, newcomer))
    assert r.status == 303
    assert newcomer not in members_of(server, sysadmin, a.name)
    # Each change is in the audit log.
    org_id = ok(call(Browser(server), "organization_show", {"id": a.name}, method="GET"))["id"]
    actions = [row[0] for row in server.query(
        "SELECT action FROM audit_log WHERE object_id = '%s' ORDER BY id" % org_id)]
    assert actions.count("organization.member_set") >= 3 + 3  # three by the sysadmin at set-up
    assert "organization.member_remove" in actions
    # Removing someone not in the agency, or changing their role in a row: a 404 page, nothing done.
    stranger = a.people["stranger"]
    assert b.get("%s/%s/remove" % (a.url, stranger)).status == 404
    assert b.post_form("%s/%s/remove" % (a.url, stranger), {}, csrf_page=a.url).status == 404
    assert b.post_form("%s/%s/role" % (a.url, stranger), {"role": "admin"}, csrf_page=a.url).status == 404
    assert stranger not in members_of(server, sysadmin, a.name)


def test_bad_input_is_shown_beside_the_fields(server, smtp, sysadmin):
    a = Agency(server, smtp, sysadmin)
    b = a.browsers["admin"]
    before = members_of(server, sysadmin, a.name)
    # Unknown person: the message names what was typed, which is kept.
    r = b.post_form(a.url, {"user": "nobody-called-this", "role": "editor"})
    assert r.status == 422
    assert field_error(r.text, "user") == "ไม่พบผู้ใช้ที่มีชื่อผู้ใช้หรืออีเมล “nobody-called-this”"
    assert 'value="nobody-called-this"' in r.text
    assert re.search(r'<option value="editor" selected>', r.text.split('id="role"')[1])
    r = b.post_form(a.url + "?lang=en", {"user": "nobody@example.org", "role": "editor"})
    assert field_error(r.text, "user") == "No one has the user name or e-mail “nobody@example.org”"
    b.get(a.url + "?lang=th")
    # Missing person and a bad role: both at once.
    r = b.post_form(a.url, {"user": "  ", "role": "owner"})
    assert r.status == 422 and field_error(r.text, "user") and field_error(r.text, "role")
    # Hostile markup is escaped.
    hostile = '<img src=x onerror=alert(1)>'
    r = b.post_form(a.url, {"user": hostile, "role": "member"})
    assert r.status == 422 and hostile not in r.text and "&lt;img src=x onerror=alert(1)&gt;" in r.text
    # Long input: the message repeats only its start.
    r = b.post_form(a.url, {"user": "ก" * 1000, "role": "member"})
    assert r.status == 422 and "ก" * 120 + "…" in field_error(r.text, "user")
    # Oversized body.
    r = b.post_form(a.url, {"user": "x" * 20000, "role": "member"})
    assert r.status == 413
    # A bad role on a row.
    r = b.post_form("%s/%s/role" % (a.url, a.people["member"]), {"role": "king"}, csrf_page=a.url)
    assert r.status == 422
    # Missing CSRF.
    r = b.post_form(a.url, {"user": a.people["stranger"], "role": "admin"}, csrf=False)
    assert r.status == 403
    r = b.post_form("%s/%s/remove" % (a.url, a.people["member"]), {}, csrf=False)
    assert r.status == 403
    assert members_of(server, sysadmin, a.name) == before


def test_the_last_admin_stays_unless_a_sysadmin_acts(server, smtp, sysadmin):
    a = Agency(server, smtp, sysadmin)
    b = a.browsers["admin"]
    me = a.people["admin"]
    r = b.post_form("%s/%s/role" % (a.url, me), {"role": "editor"}, csrf_page=a.url)
    assert r.status == 409 and "หน่วยงานต้องมีผู้ดูแลอย่างน้อยหนึ่งคน" in r.text
    r = b.post_form("%s/%s/remove" % (a.url, me), {}, csrf_page=a.url)
    assert r.status == 409 and "หน่วยงานต้องมีผู้ดูแลอย่างน้อยหนึ่งคน" in r.text
    assert members_of(server, sysadmin, a.name)[me] == "admin"
    # With a second admin, the first may step down.
    assert b.post_form(a.url, {"user": a.people["editor"], "role": "admin"}).status == 303
    assert b.post_form("%s/%s/role" % (a.url, me), {"role": "member"}, csrf_page=a.url).status == 303
    assert members_of(server, sysadmin, a.name)[me] == "member"
    # A sysadmin may remove the last admin.
    r = admin_browser(server).post_form("%s/%s/remove" % (a.url, a.people["editor"]), {}, csrf_page=a.url)
    assert r.status == 303
    assert "admin" not in members_of(server, sysadmin, a.name).values()


def test_last_admin_through_the_api(server, smtp, sysadmin):
    from accounts_helpers import create_token_via_page
    a = Agency(server, smtp, sysadmin)
    token = create_token_via_page(a.browsers["admin"], a.people["admin"])
    r = call(Browser(server), "organization_member_delete", {"id": a.name, "username": a.people["admin"]}, token)
    assert r.status == 409
    body = r.json()
    assert body["success"] is False and "username" in body["error"]
    r = call(Browser(server), "organization_member_create",
             {"id": a.name, "username": a.people["admin"], "role": "member"}, token)
    assert r.status == 409
    # By e-mail through the API as well.
    ok(call(Browser(server), "organization_member_create",
            {"id": a.name, "username": a.people["stranger"] + "@example.go.th", "role": "member"}, token))
    assert members_of(server, sysadmin, a.name)[a.people["stranger"]] == "member"


def test_profile_shows_the_officer_way_in_to_people_without_an_agency(server, smtp, sysadmin):
    b = Browser(server)
    name = registered_user(b, smtp, "mway")
    own = b.get("/user/" + name)
    assert own.status == 200 and 'href="/opendata/officer"' in own.text
    assert 'class="alert info officer-way-in"' in own.text
    en = b.get("/user/%s?lang=en" % name)
    assert 'href="/opendata/officer"' in en.text
    b.get("/user/%s?lang=th" % name)
    # Not on someone else's profile, nor to a sysadmin looking at it.
    assert "officer-way-in" not in Browser(server).get("/user/" + name).text
    assert "officer-way-in" not in admin_browser(server).get("/user/" + name).text
    # Gone once the person holds a role.
    org = unique_name("way")
    ok(call(Browser(server), "organization_create", {"name": org, "title": "หน่วยงานทางเข้า"}, sysadmin))
    ok(call(Browser(server), "organization_member_create", {"id": org, "username": name, "role": "member"},
            sysadmin))
    assert "officer-way-in" not in b.get("/user/" + name).text
