"""Learners for the Learning tests: citizen IDs with a valid check digit, and sign-up with the
laser code against the DOPA stand-in (dopa_mock.py) the shared server is started with."""
import random
import re

from accounts_helpers import PASSWORD, login, unique_name
from govhub_harness import Browser


def citizen_id():
    """A fresh 13-digit citizen ID with a valid mod-11 check digit (first digit 1–8)."""
    while True:
        body = [random.randint(1, 8)] + [random.randint(0, 9) for _ in range(11)]
        s = sum(d * (13 - i) for i, d in enumerate(body))
        check = (11 - s % 11) % 10
        return "".join(map(str, body)) + str(check)


def identity_fields(cid=None, laser="OK1-2345678-90", **over):
    f = {"citizen_id": cid or citizen_id(), "laser": laser, "title_th": "นางสาว",
         "first_name_th": "ทดสอบ", "last_name_th": "เรียนดี", "first_name_en": "Test",
         "last_name_en": "Learner", "birth_day": "7", "birth_month": "3", "birth_year": "2535",
         "consent": "1"}
    f.update(over)
    return f


def sign_up(browser, email=None, **over):
    email = email or "%s@example.com" % unique_name("learner")
    fields = identity_fields(**over)
    fields.update({"email": email, "password": PASSWORD, "password_confirm": PASSWORD})
    return browser.post_form("/learning/signup", fields), email, fields


def verified_learner(browser, smtp, **over):
    """Signs up with a passing card, follows the activation link and logs in: returns the
    e-mail address (the learner logs in with it)."""
    r, email, fields = sign_up(browser, **over)
    assert r.status == 201, r.text[:3000]
    link = smtp.last_link(email, r"http://[^\s]+/user/verify\?token=[A-Za-z0-9_-]+")
    assert browser.get(link[link.index("/user/"):]).status == 200
    r = login(browser, email)
    assert r.status == 303, r.text[:2000]
    return email


def enrol(browser, course):
    r = browser.post_form("/learning/course/%s/enrol" % course, {}, csrf_page="/learning/course/" + course)
    assert r.status == 303, r.text[:2000]


def enrolled_learner(server, smtp, course):
    """A new verified learner (a signed-in Browser) enrolled in `course` (its name, published)
    through the site; returns (browser, e-mail address)."""
    browser = Browser(server)
    email = verified_learner(browser, smtp)
    enrol(browser, course)
    return browser, email


def scorm_lesson(browser, agency):
    """A draft course of `agency` authored by `browser` (an editor of it), with one SCORM lesson
    (no package yet); returns the lesson's id."""
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
