"""What issue 17's Learning part 2 left out, on the engine of the run: a learner changes their
declared agency and position after sign-up (/learning/profile and its JSON; another agency is
pending again until its administrators confirm); the profile's Learning summary, "My learning"
and the reports agree on an annulled completion; an agency administrator who authors no course
reaches a course's bulk enrolment from the agency staff page."""
import datetime
import re
import time

import pytest

from accounts_helpers import registered_user, unique_name
from govhub_harness import Browser
from learning_helpers import enrol
from test_catalog_api import call, ok
from test_learning_courses import Author, multipart
from test_learning_reports import World, api, names_in, report


@pytest.fixture(scope="module")
def world(server, smtp, sysadmin):
    return World(server, smtp, sysadmin)


def agency_id(server, name):
    return server.query("SELECT id FROM organizations WHERE name = '%s'" % name)[0][0]


def profile_row(server, user):
    return server.query("SELECT p.agency_id, p.position, p.agency_confirmed_at, p.civil_servant "
                        "FROM learning_profiles p JOIN users u ON u.id = p.user_id WHERE u.name = '%s'" % user)[0]


def section(html, heading_id):
    start = html.index('id="%s"' % heading_id)
    end = html.find("</section>", start)
    return html[start:end]


def test_a_learner_changes_agency_and_it_is_pending_again(server, smtp, world):
    learner, name = world.learner(position="นักวิชาการคอมพิวเตอร์")
    assert world.staff_action(world.admin, "confirm", name).status == 303
    # The profile's Learning section links the form; the form shows what was declared.
    profile = learner.get("/user/" + name)
    assert profile.status == 200 and 'href="/learning/profile"' in profile.text
    assert "แก้ไขหน่วยงานและตำแหน่ง" in profile.text
    a_id, b_id = agency_id(server, world.agency), agency_id(server, world.agency_b)
    page = learner.get("/learning/profile")
    assert page.status == 200 and "หน่วยงานยืนยันแล้ว" in page.text
    assert re.search(r'<option value="%s" selected>' % a_id, page.text)
    assert 'value="นักวิชาการคอมพิวเตอร์"' in page.text and "checked" in page.text

    # A civil servant without an agency: refused, what was typed kept, in either language.
    typed = {"civil_servant": "1", "agency_id": "", "position": "ผู้อำนวยการกอง"}
    r = learner.post_form("/learning/profile", typed, csrf_page="/learning/profile")
    assert r.status == 409 and 'id="agency_id-error"' in r.text and "ไม่พบหน่วยงานนี้ในทำเนียบหน่วยงาน" in r.text
    assert 'value="ผู้อำนวยการกอง"' in r.text
    r = learner.post_form("/learning/profile?lang=en", dict(typed, position=""), csrf_page="/learning/profile")
    assert r.status == 409 and "This agency is not in the directory." in r.text and 'id="position-error"' in r.text
    assert profile_row(server, name)[0] == a_id  # nothing saved
    # Without the CSRF token: refused.
    assert learner.post_form("/learning/profile", dict(typed, agency_id=b_id), csrf=False).status == 403

    # Another agency: saved, pending again; A's staff page no longer lists them, B's does.
    r = learner.post_form("/learning/profile?lang=th", dict(typed, agency_id=b_id), csrf_page="/learning/profile")
    assert r.status == 303 and r.header("Location") == "/learning/profile?saved=1"
    page = learner.get("/learning/profile?saved=1").text
    assert "บันทึกแล้ว" in page and "กรมอื่น" in page and "รอหน่วยงานยืนยัน" in page
    assert profile_row(server, name)[:3] == (b_id, "ผู้อำนวยการกอง", "")
    assert "รอหน่วยงานยืนยัน" in learner.get("/user/" + name).text
    assert "waiting for the agency to confirm" in learner.get("/learning/profile?lang=en").text
    staff_a = world.admin.get("/learning/agency/%s/staff" % world.agency).text
    assert name not in staff_a
    staff_b = world.admin_b.get("/learning/agency/%s/staff" % world.agency_b).text
    assert name in section(staff_b, "pending-heading")
    audit = server.query("SELECT a.details FROM audit_log a JOIN users u ON u.id = a.object_id "
                         "WHERE u.name = '%s' AND a.action = 'learning.profile.update' ORDER BY a.at DESC" % name)[0][0]
    assert '"confirmation_reset":true' in audit.replace(" ", "") and b_id in audit and a_id in audit

    # The same agency again keeps its standing (confirmed stays confirmed).
    r = api(world.admin_b, "POST", "/api/learning/agencies/%s/staff/confirm" % world.agency_b, {"user": name})
    assert r.status == 200, r.text
    r = api(learner, "PUT", "/api/learning/my/profile",
            {"civil_servant": True, "agency_id": world.agency_b, "position": "ผู้อำนวยการสำนัก"})
    assert r.status == 200, r.text
    j = r.json()
    assert j["status"] == "confirmed" and j["agency"]["name"] == world.agency_b and j["position"] == "ผู้อำนวยการสำนัก"

    # JSON: not a civil servant any more: no agency, off B's staff list.
    r = api(learner, "PUT", "/api/learning/my/profile", {"civil_servant": False, "agency_id": world.agency_b})
    assert r.status == 200 and r.json()["status"] == "none" and r.json()["agency"] is None, r.text
    assert name not in world.admin_b.get("/learning/agency/%s/staff" % world.agency_b).text
    assert learner.get("/api/learning/my/profile").json()["civil_servant"] is False
    r = api(learner, "PUT", "/api/learning/my/profile", {"civil_servant": True, "agency_id": "no-such-agency-x"})
    assert r.status == 409 and "agency_id" in r.text, r.text


def test_only_a_verified_learner_declares_an_agency(server, smtp, world):
    plain = Browser(server)
    registered_user(plain, smtp, "noid")
    page = plain.get("/learning/profile")
    assert page.status == 200 and 'href="/learning/identity"' in page.text and 'name="agency_id"' not in page.text
    r = api(plain, "PUT", "/api/learning/my/profile", {"civil_servant": True, "agency_id": world.agency, "position": "x"})
    assert r.status == 403, r.text
    r = plain.post_form("/learning/profile", {"civil_servant": "1", "agency_id": world.agency, "position": "x"},
                        csrf_page="/learning/profile")
    assert r.status == 403
    anonymous = Browser(server)
    r = anonymous.get("/learning/profile")
    assert r.status == 303 and "/user/login" in r.header("Location")
    assert anonymous.get("/api/learning/my/profile").status == 401


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_profile_my_learning_and_reports_agree_on_an_annulled_completion(server, world):
    learner, name = world.learner()
    assert world.staff_action(world.admin, "confirm", name).status == 303
    enrol(learner, world.course)
    assert learner.get("/learning/lesson/" + world.lesson).status == 200  # one text lesson: done

    def standing():
        html = learner.get("/user/%s?lang=th" % name).text
        m = re.search(r"กำลังเรียน <strong>(\d+)</strong> · เรียนจบแล้ว <strong>(\d+)</strong>", html)
        mine = {c["name"]: c["state"] for c in learner.get("/api/learning/my/history").json()["courses"]}
        rows = [r for r in report(world.admin, world.agency).json()["rows"] if r["user_name"] == name]
        done = name in names_in(report(world.admin, world.agency, "?status=completed"))
        return (int(m.group(1)), int(m.group(2))), mine[world.course], rows[0]["status"], done

    assert standing() == ((0, 1), "completed", "completed", True)
    uid = server.query("SELECT id FROM users WHERE name = '%s'" % name)[0][0]
    cid = server.query("SELECT id FROM learning_courses WHERE name = '%s'" % world.course)[0][0]
    now = datetime.datetime.now(datetime.timezone.utc)
    # Staff annul the completion: in progress everywhere.
    server.execute("UPDATE learning_enrolments SET annulled_at = '%s', annul_reason = 'ผลสอบไม่ถูกต้อง' "
                   "WHERE user_id = '%s' AND course_id = '%s'" % (iso(now), uid, cid))
    assert standing() == ((1, 0), "annulled", "annulled", False)
    assert name in names_in(report(world.admin, world.agency, "?status=not_completed"))
    # Completed again after the annulment (studied again): completed everywhere.
    server.execute("UPDATE learning_enrolments SET completed_at = '%s' WHERE user_id = '%s' AND course_id = '%s'"
                   % (iso(now + datetime.timedelta(seconds=5)), uid, cid))
    assert standing() == ((0, 1), "completed", "completed", True)
    assert name not in names_in(report(world.admin, world.agency, "?status=not_completed"))


def test_an_agency_admin_enrols_staff_from_the_staff_page(server, smtp, sysadmin, world):
    # Courses of another agency: the admin of A does not author them.
    author = Author(server, smtp, sysadmin)
    open_course = author.create(title="หลักสูตรเปิด " + unique_name("o"))
    author.add_lesson(open_course, author.add_section(open_course))
    assert author.publish(open_course).status == 303
    keyed = author.create(title="หลักสูตรมีรหัส " + unique_name("k"), enrol_key="กุญแจ-2569", change_key="1")
    author.add_lesson(keyed, author.add_section(keyed))
    assert author.publish(keyed).status == 303
    draft = author.create(title="หลักสูตรร่าง " + unique_name("d"))
    # The admin of A authors no course; they administer a second agency too, so the bulk page
    # asks which agency unless told.
    ok(call(Browser(server), "organization_member_create",
            {"id": world.agency_b, "username": world.admin_name, "role": "admin"}, sysadmin))
    staff, staff_name = world.learner()
    assert world.staff_action(world.admin, "confirm", staff_name).status == 303
    staff_email = server.query("SELECT email FROM users WHERE name = '%s'" % staff_name)[0][0]

    page = world.admin.get("/learning/agency/%s/staff" % world.agency)
    assert page.status == 200
    picker = section(page.text, "enrol-heading")
    assert "ลงทะเบียนบุคลากรเข้าเรียนหลักสูตร" in picker
    assert 'action="/learning/agency/%s/enrol-bulk"' % world.agency in picker
    assert '<option value="%s">' % open_course in picker
    assert keyed not in picker and draft not in picker
    assert "Enrol staff in a course" in world.admin.get("/learning/agency/%s/staff?lang=en" % world.agency).text

    # The picker leads to the course's bulk page for this agency.
    r = world.admin.get("/learning/agency/%s/enrol-bulk?course=%s" % (world.agency, open_course))
    a_id = agency_id(server, world.agency)
    assert r.status == 303 and r.header("Location") == "/learning/course/%s/enrol-bulk?agency_id=%s" % (open_course, a_id)
    form = world.admin.get(r.header("Location"))
    assert form.status == 200 and re.search(r'<option value="%s" selected>' % a_id, form.text)
    # ... where the upload works: the staff member is enrolled.
    body, headers = multipart({"_csrf": world.admin.csrf_from(r.header("Location")), "agency_id": a_id},
                              [("file", "staff.csv", staff_email.encode())])
    up = world.admin.request("POST", "/learning/course/%s/enrol-bulk" % open_course, body=body, headers=headers)
    assert up.status == 303, up.text[:2000]
    job = up.header("Location").rsplit("/", 1)[1]
    deadline = time.time() + 30
    while time.time() < deadline:
        j = world.admin.get("/api/learning/courses/%s/enrolments/bulk/%s" % (open_course, job)).json()
        if j["job"]["state"] == "succeeded":
            break
        time.sleep(0.2)
    assert [x["outcome"] for x in j["report"]["rows"]] == ["enrolled"], j
    assert server.query("SELECT e.state FROM learning_enrolments e JOIN learning_courses c ON c.id = e.course_id "
                        "JOIN users u ON u.id = e.user_id WHERE c.name = '%s' AND u.name = '%s'"
                        % (open_course, staff_name)) == [("active",)]

    # A keyed course, a draft, an unknown one: not offered; without a course: the picker on a page of its own.
    for course in (keyed, draft, "no-such-course-x"):
        assert world.admin.get("/learning/agency/%s/enrol-bulk?course=%s" % (world.agency, course)).status == 404
    r = world.admin.get("/learning/agency/%s/enrol-bulk?lang=th" % world.agency)
    assert r.status == 200 and '<option value="%s">' % open_course in section(r.text, "enrol-heading")
    # Another agency's admin, a learner, anonymous: refused.
    other = Browser(server)
    other_name = registered_user(other, smtp, "otheradm")
    agency_c = unique_name("lrc")
    ok(call(Browser(server), "organization_create", {"name": agency_c, "title": "กรมที่สาม"}, sysadmin))
    ok(call(Browser(server), "organization_member_create",
            {"id": agency_c, "username": other_name, "role": "admin"}, sysadmin))
    for path in ("/learning/agency/%s/enrol-bulk?course=%s" % (world.agency, open_course),
                 "/learning/agency/%s/enrol-bulk" % world.agency):
        assert other.get(path).status == 403
        assert staff.get(path).status == 403
        r = Browser(server).get(path)
        assert r.status == 303 and "/user/login" in r.header("Location")
