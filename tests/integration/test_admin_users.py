"""The administrator's user list and actions: search and filters, suspend (login blocked,
sessions and tokens gone) and reactivate, the sysadmin role, reviewer roles for a kind of
request; each audited, refused to anyone but sysadmins, with bad input answered clearly."""
import html

from accounts_helpers import PASSWORD, create_token_via_page, login, registered_user
from govhub_harness import Browser


def admin_browser(server):
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    return admin


def test_search_and_filters(server, smtp, sysadmin):
    user = Browser(server)
    name = registered_user(user, smtp, "listed")
    admin = admin_browser(server)
    page = admin.get("/admin/users?q=" + name)
    assert page.status == 200 and "/admin/users/%s" % name in page.text
    assert "root-it" not in admin.get("/admin/users?q=" + name).text.split("<main", 1)[-1].split("</table>")[0]
    assert name in admin.get("/admin/users?state=active&q=" + name).text
    assert "/admin/users/%s\"" % name not in admin.get("/admin/users?state=suspended&q=" + name).text
    sysadmins = admin.get("/admin/users?role=sysadmin").text
    assert "/admin/users/root-it" in sysadmins and "/admin/users/%s\"" % name not in sysadmins
    # Hostile and nonsense filters are only text.
    r = admin.get("/admin/users?q=%25_%3Cscript%3E&state=nope&page=-3&organization=%27")
    assert r.status == 200 and "<script>" not in r.text.split("<main", 1)[-1]
    # Others may not see the list.
    assert user.get("/admin/users").status == 403
    assert Browser(server).get("/admin/users").status == 303


def test_suspend_and_reactivate(server, smtp, sysadmin):
    user = Browser(server)
    name = registered_user(user, smtp, "suspended")
    token = create_token_via_page(user, name)
    assert Browser(server).get("/api/3/action/user_show?id=" + name, headers={"Authorization": token}).status == 200
    admin = admin_browser(server)
    r = admin.post_form("/admin/users/" + name, {"action": "suspend", "reason": "ขอระงับตามหนังสือ"},
                        csrf_page="/admin/users/" + name)
    assert r.status == 303
    assert "ถูกระงับ" in html.unescape(admin.get("/admin/users/" + name).text)
    # The session and the token are gone; logging in is refused with a clear message.
    assert user.get("/user/me").status == 303
    assert Browser(server).get("/api/3/action/user_show?id=" + name, headers={"Authorization": token}).status in (401, 403)
    again = Browser(server)
    r = login(again, name, PASSWORD)
    assert r.status != 303
    # After the right password, the message says how to have the account reactivated; a wrong
    # password gets the answer anyone gets, so nothing tells that the account exists.
    assert "เปิดใช้งานอีกครั้ง" in html.unescape(r.text) and "contact@dga.or.th" in r.text
    wrong = login(Browser(server), name, "not-the-password-1")
    assert "เปิดใช้งานอีกครั้ง" not in html.unescape(wrong.text)
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in html.unescape(wrong.text)
    r = admin.post_form("/admin/users/" + name, {"action": "reactivate", "reason": "ยกเลิกการระงับ"},
                        csrf_page="/admin/users/" + name)
    assert r.status == 303
    assert login(Browser(server), name, PASSWORD).status == 303
    user_id = server.query("SELECT id FROM users WHERE name = '%s'" % name)[0][0]
    actions = [row[0] for row in server.query(
        "SELECT action FROM audit_log WHERE object_type = 'user' AND object_id = '%s' AND action IN"
        " ('user.suspend', 'user.reactivate') ORDER BY id" % user_id)]
    assert actions == ["user.suspend", "user.reactivate"]
    # Bad actions, unknown users, oneself, and no CSRF token.
    r = admin.post_form("/admin/users/" + name, {"action": "explode"}, csrf_page="/admin/users/" + name)
    assert r.status == 409
    r = admin.post_form("/admin/users/root-it", {"action": "suspend"}, csrf_page="/admin/users/root-it")
    assert r.status == 409 and "ทำกับบัญชีของตนเองไม่ได้" in html.unescape(r.text)
    assert admin.get("/admin/users/no-such-person").status == 404
    r = admin.post_form("/admin/users/" + name, {"action": "suspend"}, csrf=False)
    assert r.status == 403
    assert login(Browser(server), name, PASSWORD).status == 303


def test_roles_for_a_kind_of_request(server, smtp, sysadmin):
    user = Browser(server)
    name = registered_user(user, smtp, "reviewer")
    assert user.get("/staff/requests").status == 403
    admin = admin_browser(server)
    page = admin.get("/staff/roles")
    assert page.status == 200 and "คำขอเป็นสมาชิกเจ้าหน้าที่หน่วยงาน" in page.text
    r = admin.post_form("/staff/roles", {"user": name, "type": "officer_membership", "role": "reviewer"},
                        csrf_page="/staff/roles")
    assert r.status == 303
    assert name in admin.get("/staff/roles").text
    assert user.get("/staff/requests").status == 200  # now a reviewer
    for fields, field in (({"user": "nobody-here", "type": "officer_membership", "role": "reviewer"}, "user"),
                          ({"user": name, "type": "no_such_kind", "role": "reviewer"}, "type"),
                          ({"user": name, "type": "officer_membership", "role": "king"}, "role"),
                          ({"user": "", "type": "officer_membership", "role": "reviewer"}, "user")):
        r = admin.post_form("/staff/roles", fields, csrf_page="/staff/roles")
        assert r.status == 409 and 'id="%s-error"' % field in r.text, fields
    r = admin.post_form("/staff/roles", {"user": name, "type": "officer_membership", "role": "none"},
                        csrf_page="/staff/roles")
    assert r.status == 303
    assert user.get("/staff/requests").status == 403
    assert user.get("/staff/roles").status == 403
