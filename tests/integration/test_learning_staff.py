"""Course staff (learning_course_staff) over HTTP: the manage page's "Course staff" section and
GET/POST/DELETE /api/learning/courses/{name}/staff. A staff member authors the course; only a
sysadmin, the course's creator and its agency's admins change the staff (a staff member cannot
add others, as a Moodle teacher cannot make teachers); unknown users are a clear 404; adding
twice changes nothing; every change is audited."""
import json
import re

import pytest

from accounts_helpers import registered_user
from govhub_harness import Browser
from test_catalog_api import call, ok
from test_learning_courses import Author, course_fields


@pytest.fixture(scope="module")
def author(server, smtp, sysadmin):
    return Author(server, smtp, sysadmin)


def staff_api(browser, method, course, body=None, query="", csrf_page="/learning"):
    headers = {"X-CSRF-Token": browser.csrf_from(csrf_page)} if method != "GET" else {}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    return browser.request(method, "/api/learning/courses/%s/staff%s" % (course, query), body=data, headers=headers)


def add_on_page(browser, course, user):
    return browser.post_form("/learning/course/%s/staff" % course, {"user": user},
                             csrf_page="/learning/course/%s/manage" % course)


def staff_audits(server, course_name, action):
    course_id = server.query("SELECT id FROM learning_courses WHERE name = '%s'" % course_name)[0][0]
    return server.query("SELECT details FROM audit_log WHERE object_type = 'course' AND object_id = '%s' "
                        "AND action = '%s'" % (course_id, action))


def test_staff_are_added_on_the_page_author_and_are_removed(server, smtp, author):
    name = author.create()
    section = author.add_section(name)
    author.add_lesson(name, section)
    assert author.publish(name).status == 303
    staffer = Browser(server)
    staffer_name = registered_user(staffer, smtp, "staffer")
    outsider = Browser(server)
    outsider_name = registered_user(outsider, smtp, "outsider")
    # Before: the staffer is nobody here.
    assert staffer.get("/learning/course/%s/manage" % name).status == 403
    # The creator adds them on the manage page.
    page = author.manage(name).text
    assert 'id="staff"' in page and 'action="/learning/course/%s/staff"' % name in page
    r = add_on_page(author.browser, name, staffer_name)
    assert r.status == 303, r.text[:2000]
    page = author.manage(name).text
    staff_part = page[page.index('id="staff"'):]
    assert "(%s)" % staffer_name in staff_part
    assert len(staff_audits(server, name, "learning.course.staff_add")) == 1
    # Adding again changes nothing and is not audited again.
    assert add_on_page(author.browser, name, staffer_name).status == 303
    assert len(staff_audits(server, name, "learning.course.staff_add")) == 1
    # A staff member authors the course (a new section) and finds it among their courses...
    assert staffer.get("/learning/course/%s/manage" % name).status == 200
    r = staffer.post_form("/learning/course/%s/sections" % name, {"title": "บทที่เพิ่มโดยผู้ดูแล"},
                          csrf_page="/learning/course/%s/manage" % name)
    assert r.status == 303, r.text[:2000]
    assert "บทที่เพิ่มโดยผู้ดูแล" in author.manage(name).text
    assert "/learning/course/%s/manage" % name in staffer.get("/learning/my").text
    # ...but may not change the staff: no form, and the routes refuse.
    page = staffer.get("/learning/course/%s/manage" % name).text
    assert 'action="/learning/course/%s/staff"' % name not in page
    assert add_on_page(staffer, name, outsider_name).status == 403
    assert staff_api(staffer, "POST", name, {"user": outsider_name}).status == 403
    # An unknown user: a 404 naming the problem, on the page and over JSON.
    r = add_on_page(author.browser, name, "no-such-user-xyz")
    assert r.status == 404 and 'id="user-error"' in r.text and "ไม่พบบัญชีผู้ใช้ชื่อนี้" in r.text
    # The creator removes the staff member: they lose the course.
    r = author.browser.post_form("/learning/course/%s/staff/remove" % name, {"user": staffer_name},
                                 csrf_page="/learning/course/%s/manage" % name)
    assert r.status == 303, r.text[:2000]
    assert "(%s)" % staffer_name not in author.manage(name).text[author.manage(name).text.index('id="staff"'):]
    assert staffer.get("/learning/course/%s/manage" % name).status == 403
    r = staffer.post_form("/learning/course/%s/sections" % name, {"title": "x"}, csrf_page="/learning")
    assert r.status == 403
    assert len(staff_audits(server, name, "learning.course.staff_remove")) == 1


def test_staff_api_and_who_may_manage(server, smtp, sysadmin, author):
    name = author.create()
    section = author.add_section(name)
    author.add_lesson(name, section)
    assert author.publish(name).status == 303
    member = Browser(server)
    member_name = registered_user(member, smtp, "member")
    outsider = Browser(server)
    outsider_name = registered_user(outsider, smtp, "outsider")
    # The creator adds over JSON: 201 the first time, 200 with added false after.
    r = staff_api(author.browser, "POST", name, {"user": member_name})
    assert r.status == 201, r.text
    body = r.json()
    assert body["added"] is True and body["can_manage"] is True
    assert [m["name"] for m in body["staff"]] == [member_name] and body["staff"][0]["display_name"]
    r = staff_api(author.browser, "POST", name, {"user": member_name})
    assert r.status == 200 and r.json()["added"] is False and len(r.json()["staff"]) == 1
    # An unknown user: 404 with its own code and message key.
    r = staff_api(author.browser, "POST", name, {"user": "nobody-at-all-123"})
    assert r.status == 404, r.text
    assert "no_such_user" in r.text
    # The staff member reads the list but may not manage it.
    r = staff_api(member, "GET", name)
    assert r.status == 200 and r.json()["can_manage"] is False
    assert staff_api(member, "DELETE", name, query="?user=" + member_name).status == 403
    # An outsider: 403 on every method, nothing learnt about users.
    assert staff_api(outsider, "GET", name).status == 403
    assert staff_api(outsider, "POST", name, {"user": outsider_name}).status == 403
    assert staff_api(outsider, "POST", name, {"user": "nobody-at-all-123"}).status == 403
    assert staff_api(outsider, "DELETE", name, {"user": member_name}).status == 403
    assert staff_api(outsider, "GET", "no-such-course-xyz").status == 404
    # An admin of the course's agency (not its creator) manages the staff; an editor does not.
    admin = Browser(server)
    admin_name = registered_user(admin, smtp, "agadmin")
    ok(call(Browser(server), "organization_member_create",
            {"id": author.agency, "username": admin_name, "role": "admin"}, sysadmin))
    editor = Browser(server)
    editor_name = registered_user(editor, smtp, "ageditor")
    ok(call(Browser(server), "organization_member_create",
            {"id": author.agency, "username": editor_name, "role": "editor"}, sysadmin))
    assert staff_api(editor, "GET", name).json()["can_manage"] is False
    assert staff_api(editor, "POST", name, {"user": outsider_name}).status == 403
    r = staff_api(admin, "POST", name, {"user": outsider_name})
    assert r.status == 201, r.text
    assert outsider.get("/learning/course/%s/manage" % name).status == 200
    # Removing over JSON (body or ?user=); removing someone who is not staff changes nothing.
    r = staff_api(admin, "DELETE", name, {"user": outsider_name})
    assert r.status == 200 and r.json()["removed"] is True
    assert [m["name"] for m in r.json()["staff"]] == [member_name]
    assert outsider.get("/learning/course/%s/manage" % name).status == 403
    r = staff_api(author.browser, "DELETE", name, query="?user=" + outsider_name)
    assert r.status == 200 and r.json()["removed"] is False
    # A sysadmin with an API token.
    r = Browser(server).request("GET", "/api/learning/courses/%s/staff" % name, headers={"Authorization": sysadmin})
    assert r.status == 200 and r.json()["can_manage"] is True
    # Audited with who was added and removed.
    adds = staff_audits(server, name, "learning.course.staff_add")
    assert len(adds) == 2 and outsider_name in str(adds) and member_name in str(adds)
    assert len(staff_audits(server, name, "learning.course.staff_remove")) == 1
    assert re.search(r'"name":\s*"%s"' % outsider_name, str(staff_audits(server, name, "learning.course.staff_remove")[0][0]))


def course_agency(server, name):
    return server.query("SELECT o.name FROM learning_courses c LEFT JOIN organizations o ON o.id = c.agency_id "
                        "WHERE c.name = '%s'" % name)[0][0]


def test_staff_keep_the_course_in_its_agency_and_may_not_delete_it(server, smtp, author):
    """An attacker's findings: a staff member (no role in the agency) saving the edit form, whose
    agency list had no choice for them, took the course out of its agency, so its admins lost it;
    and a staff member could delete the course. Now the course stays where it is unless a sysadmin
    moves it, the form shows its agency, and deleting is for those who manage its staff."""
    name = author.create()
    staffer = Browser(server)
    staffer_name = registered_user(staffer, smtp, "staffer")
    assert staff_api(author.browser, "POST", name, {"user": staffer_name}).status == 201
    form = staffer.get("/learning/course/%s/edit" % name)
    assert form.status == 200
    select = form.text[form.text.index('name="agency_id"'):]
    select = select[:select.index("</select>")]
    assert "กรมทดสอบการเรียนรู้" in select and "selected" in select
    # Saved without an agency (the field left out, or sent empty): the course stays put.
    fields = course_fields(name, title="ชื่อที่ผู้ดูแลแก้")
    r = staffer.post_form("/learning/course/%s/edit" % name, fields,
                          csrf_page="/learning/course/%s/edit" % name)
    assert r.status == 303, r.text[:2000]
    assert course_agency(server, name) == author.agency
    fields["agency_id"] = ""
    r = staffer.post_form("/learning/course/%s/edit" % name, fields,
                          csrf_page="/learning/course/%s/edit" % name)
    assert r.status == 303, r.text[:2000]
    assert course_agency(server, name) == author.agency
    assert "ชื่อที่ผู้ดูแลแก้" in author.manage(name).text  # the edit itself was kept
    # Deleting: no button for the staff member, and the route refuses; the creator may.
    assert "/learning/course/%s/delete" % name not in staffer.get("/learning/course/%s/manage" % name).text
    r = staffer.post_form("/learning/course/%s/delete" % name, {},
                          csrf_page="/learning/course/%s/manage" % name)
    assert r.status == 403
    assert "/learning/course/%s/delete" % name in author.manage(name).text
    r = author.browser.post_form("/learning/course/%s/delete" % name, {},
                                 csrf_page="/learning/course/%s/manage" % name)
    assert r.status == 303, r.text[:2000]
    assert author.browser.get("/learning/course/%s" % name).status == 404


def test_adding_staff_without_a_user_says_what_is_missing(server, author):
    name = author.create()
    r = staff_api(author.browser, "POST", name, {})
    assert r.status in (400, 409, 422), r.text
    assert "user" in r.json()["error"]["fields"]
