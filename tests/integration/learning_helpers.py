"""Helpers shared by Learning's integration tests.

enrolled_learner() is the one way the tests get a learner enrolled in a course. Enrolment needs a
verified identity (LearningService::Enrol asks the identity check), and until the accounts' vault
lands app constructs LearningService with a null check, so nobody can enrol through the site.
Until then this helper registers a learner through the site and writes the enrolment row itself
(a TEST-ONLY shortcut through the database). The lead replaces the body with the verified path
(verify an identity with the demo verifier, then POST /api/learning/courses/{name}/enrol)."""
import subprocess

from accounts_helpers import registered_user
from govhub_harness import Browser


def _write(server, sql, params):
    """One write statement against the site's database (the test-only enrolment shortcut)."""
    if server.database_url:
        # psql's variables quote the values (:'name'); the statement uses them by name.
        args = ["psql", server.database_url, "-qAtX", "-v", "ON_ERROR_STOP=1"]
        for i, v in enumerate(params):
            args += ["-v", "p%d=%s" % (i, v)]
        q = sql
        for i in range(len(params)):
            q = q.replace("?", ":'p%d'" % i, 1)
        # Through stdin: psql interpolates variables there, not in -c.
        subprocess.run(args, input=q + ";\n", check=True, capture_output=True, text=True)
        return
    import sqlite3
    db = sqlite3.connect("%s/govhub.db" % server.data_dir, timeout=30)
    try:
        db.execute(sql, params)
        db.commit()
    finally:
        db.close()


def enrolled_learner(server, smtp, course):
    """A new learner (a signed-in Browser) enrolled in `course` (its name); returns
    (browser, user name)."""
    browser = Browser(server)
    name = registered_user(browser, smtp, "learner")
    user_id = server.query("SELECT id FROM users WHERE name = '%s'" % name)[0][0]
    course_id = server.query("SELECT id FROM learning_courses WHERE name = '%s'" % course)[0][0]
    _write(server,
           "INSERT INTO learning_enrolments (course_id, user_id, state, enrolled_at, completed_at, study_seconds) "
           "VALUES (?, ?, 'active', '2026-01-01T00:00:00Z', '', 0)",
           (course_id, user_id))
    return browser, name


def scorm_lesson(browser, agency):
    """A draft course of `agency` authored by `browser` (an editor of it), with one SCORM lesson
    (no package yet); returns the lesson's id."""
    import re
    from accounts_helpers import unique_name
    name = unique_name("scorm")
    r = browser.post_form("/learning/course/new", {
        "name": name, "title": "หลักสูตร SCORM", "summary": "ทดสอบ", "category": "data", "level": "beginner",
        "minutes": "30", "video_threshold": "90", "agency_id": agency})
    assert r.status == 303, r.text[:2000]
    manage = "/learning/course/%s/manage" % name
    r = browser.post_form("/learning/course/%s/sections" % name, {"title": "บทนำ"}, csrf_page=manage)
    assert r.status == 303, r.text[:2000]
    section = re.findall(r'action="/learning/course/%s/sections/([0-9a-f-]{36})"' % name, browser.get(manage).text)[-1]
    r = browser.post_form("/learning/course/%s/lessons" % name, {"section_id": section, "kind": "scorm", "title": "แพ็กเกจ"},
                          csrf_page=manage)
    assert r.status == 303, r.text[:2000]
    return re.match(r"/learning/lesson/([0-9a-f-]{36})/edit", r.header("Location")).group(1)
