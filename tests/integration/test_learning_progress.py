"""Learning's steps 3–4 over HTTP (issue 16): a verified learner enrols (open, or with a key),
reads a text lesson, watches a video to the threshold (resumable; forged play time does not
count), passes a quiz whose answer key never reaches the browser before submission, and the
course is completed in the transaction of the step that met its rule — each answer carrying the
new progress. Attempt limits; unenrol keeps the progress; quiz authoring errors."""
import json
import re
import time

import pytest

from accounts_helpers import PASSWORD, registered_user
from govhub_harness import Browser
from learning_helpers import enrol, sign_up, verified_learner
from test_learning_courses import Author, make_video, multipart


@pytest.fixture(scope="module")
def author(server, smtp, sysadmin):
    return Author(server, smtp, sysadmin)


def add_question(author, lesson, **fields):
    r = author.browser.post_form("/learning/lesson/%s/quiz/questions" % lesson, fields,
                                 csrf_page="/learning/lesson/%s/quiz" % lesson)
    return r


def quiz_course(author, attempt_limit="2", key=None):
    over = {"change_key": "1", "enrol_key": key} if key else {}
    name = author.create(**over)
    section = author.add_section(name)
    text = author.add_lesson(name, section, title="อ่านก่อนสอบ")
    quiz = author.add_lesson(name, section, kind="quiz", title="แบบทดสอบท้ายบท")
    r = author.browser.post_form("/learning/lesson/%s/quiz/rules" % quiz,
                                 {"pass_percent": "75", "attempt_limit": attempt_limit, "shuffle": "1"},
                                 csrf_page="/learning/lesson/%s/quiz" % quiz)
    assert r.status == 303, r.text[:2000]
    assert add_question(author, quiz, kind="single", prompt="ข้อใดเป็นข้อมูลเปิด",
                        answers="เอกสารลับ\n*ตารางงบประมาณที่เผยแพร่\nรหัสผ่าน", points="1",
                        feedback_correct="ถูกต้อง", feedback_wrong="ลองทบทวนบทที่ 1").status == 303
    assert add_question(author, quiz, kind="multiple", prompt="รูปแบบใดอ่านได้ด้วยเครื่อง",
                        answers="*CSV\n*JSON\nภาพสแกน").status == 303
    assert add_question(author, quiz, kind="truefalse", prompt="ข้อมูลเปิดต้องเสียค่าใช้จ่าย",
                        truefalse="false").status == 303
    assert add_question(author, quiz, kind="short", prompt="ปี พ.ศ. ที่ประกาศใช้ พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล",
                        answers="2562").status == 303
    assert author.publish(name).status == 303
    return name, text, quiz


def paper(b, quiz):
    r = b.post_form("/learning/lesson/%s/attempt" % quiz, {}, csrf_page="/learning/lesson/" + quiz)
    assert r.status == 303, r.text[:2000]
    attempt = r.header("Location").rsplit("/", 1)[1]
    return attempt, b.get("/api/learning/attempts/" + attempt).json()


def right_answers(questions, texts):
    """The answer key from what the author typed (the test knows it; the browser does not)."""
    out = {}
    for q in questions:
        if q["kind"] == "single":
            out[q["id"]] = next(c["id"] for c in q["choices"] if c["text"] == texts["single"])
        elif q["kind"] == "multiple":
            out[q["id"]] = [c["id"] for c in q["choices"] if c["text"] in texts["multiple"]]
        elif q["kind"] == "truefalse":
            out[q["id"]] = "false"
        elif q["kind"] == "short":
            out[q["id"]] = "๒๕๖๒ "
    return out


KEY = {"single": "ตารางงบประมาณที่เผยแพร่", "multiple": ["CSV", "JSON"]}


def test_enrol_read_pass_the_quiz_and_complete(server, smtp, author):
    name, text, quiz = quiz_course(author)
    b = Browser(server)
    verified_learner(b, smtp)
    enrol(b, name)
    page = b.get("/learning/course/" + name).text
    assert 'data-percent="0"' in page and "/learning/lesson/%s" % text in page
    # Reading the text lesson completes it (view completion): the page that recorded it already
    # shows it done, with its ✓ in the outline and the bar at 50 %.
    lesson_page = b.get("/learning/lesson/" + text)
    assert lesson_page.status == 200
    assert re.search(r'<li class="done"><span class="tick"[^>]*>✓</span> <a href="/learning/lesson/%s" '
                     r'aria-current="page">' % text, lesson_page.text), lesson_page.text
    assert 'data-percent="50"' in lesson_page.text
    assert re.search(r'data-lesson-done>', lesson_page.text)  # the title's badge, not hidden
    standing = b.get("/api/learning/courses/" + name).json()["progress"]
    assert standing["lessons_done"] == 1 and standing["percent"] == 50 and not standing["completed"]
    # The paper carries no answer key.
    attempt, shown = paper(b, quiz)
    blob = json.dumps(shown, ensure_ascii=False)
    for secret in ("correct", "accepted", "2562", "ลองทบทวน", "ถูกต้อง", "feedback"):
        assert secret not in blob, secret
    page = b.get("/learning/attempt/" + attempt).text
    assert "ลองทบทวน" not in page and "ถูกต้อง" not in page
    # A wrong paper: below the pass mark, feedback and the right answers shown after submission.
    csrf = b.csrf_from("/learning/attempt/" + attempt)
    wrong = {q["id"]: "true" for q in shown["questions"] if q["kind"] == "truefalse"}
    r = b.request("POST", "/api/learning/attempts/" + attempt, body=json.dumps({"answers": wrong}).encode(),
                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 200, r.text
    result = r.json()
    assert not result["result"]["passed"] and result["result"]["percent"] == 0
    assert any("ลองทบทวน" in q["feedback"] for q in result["result"]["questions"])
    assert not result["progress"]["completed"]
    # A repeated submission changes nothing.
    r = b.request("POST", "/api/learning/attempts/" + attempt, body=json.dumps({"answers": {}}).encode(),
                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 409
    # The second attempt, answered through the page's form (no JavaScript needed).
    attempt2, shown2 = paper(b, quiz)
    assert attempt2 != attempt
    answers = right_answers(shown2["questions"], KEY)
    fields = []
    for qid, value in answers.items():
        for v in value if isinstance(value, list) else [value]:
            fields.append(("q." + qid, v))
    import urllib.parse
    fields.append(("_csrf", b.csrf_from("/learning/attempt/" + attempt2)))
    r = b.request("POST", "/learning/attempt/" + attempt2, body=urllib.parse.urlencode(fields).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200, r.text[:3000]
    assert "ผ่านแบบทดสอบ" in r.text and 'data-percent="100"' in r.text
    standing = b.get("/api/learning/courses/" + name).json()["progress"]
    assert standing["completed"] and standing["completed_at"] and standing["percent"] == 100
    # Recorded once, in the same transaction (the audit log has the completion).
    assert "learning.course.complete" in str(server.query("SELECT action FROM audit_log WHERE object_type = 'course'"))
    # The attempt limit (2) is used up, and passing needs no more.
    r = b.post_form("/learning/lesson/%s/attempt" % quiz, {}, csrf_page="/learning/lesson/" + quiz)
    assert r.status == 409
    mine = b.get("/api/learning/my/courses").json()["results"]
    assert [c["progress"]["completed"] for c in mine if c["name"] == name] == [True]


def test_enrolment_key_and_unenrol_keeps_progress(server, smtp, author):
    name, text, _ = quiz_course(author, key="กุญแจ-2569")
    b = Browser(server)
    verified_learner(b, smtp)
    r = b.post_form("/learning/course/%s/enrol" % name, {"key": "wrong"}, csrf_page="/learning/course/" + name)
    assert r.status == 422 and "รหัสลงทะเบียนไม่ถูกต้อง" in r.text
    assert b.get("/learning/lesson/" + text).status == 403
    r = b.post_form("/learning/course/%s/enrol" % name, {"key": "กุญแจ-2569"}, csrf_page="/learning/course/" + name)
    assert r.status == 303
    b.get("/learning/lesson/" + text)
    r = b.post_form("/learning/course/%s/unenrol" % name, {}, csrf_page="/learning/course/" + name)
    assert r.status == 303
    assert b.get("/learning/lesson/" + text).status == 403
    assert name not in [c["name"] for c in b.get("/api/learning/my/courses").json()["results"]]
    csrf = b.csrf_from("/learning/course/" + name)
    r = b.request("POST", "/api/learning/courses/%s/enrol" % name, body=b'{"key": "\\u0e01\\u0e38\\u0e0d\\u0e41\\u0e08-2569"}',
                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 200 and r.json()["progress"]["lessons_done"] == 1


def test_video_watched_to_the_threshold_resumes_and_is_not_forged(server, smtp, author):
    name = author.create(video_threshold="90")
    section = author.add_section(name)
    lesson = author.add_lesson(name, section, kind="video", title="วิดีโอ")
    csrf = author.browser.csrf_from("/learning/lesson/%s/edit" % lesson)
    body, headers = multipart({"_csrf": csrf}, [("upload", "v.mp4", make_video(4))])
    assert author.browser.request("POST", "/learning/lesson/%s/media" % lesson, body=body, headers=headers).status == 303
    assert author.publish(name).status == 303
    b = Browser(server)
    verified_learner(b, smtp)
    enrol(b, name)
    csrf = b.csrf_from("/learning/lesson/" + lesson)
    url = "/api/learning/lessons/%s/video" % lesson

    def report(position, played, claimed_duration=4000):
        r = b.request("POST", url, body=json.dumps({"position_ms": position, "played_ms": played,
                                                    "duration_ms": claimed_duration}).encode(),
                      headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
        assert r.status == 200, r.text
        return r.json()

    # The first report counts at most the wall time since the lesson page was opened (just now).
    first = report(1000, 1000)
    assert first["lesson"]["percent"] < 25, first  # of the video's real 4 s (ffprobe at upload)
    # Forged reports: an hour "played" a moment later counts only the wall time since, and a
    # player claiming the video lasts 1 ms does not shorten it.
    forged = report(3000, 3600000, claimed_duration=1)
    assert forged["lesson"]["percent"] < 90 and not forged["lesson"]["completed"], forged
    assert forged["progress"]["study_seconds"] < 10
    # Reports sent back to back each claiming 2 s: no grace per report adds up (an attacker's
    # twelve reports in no time used to complete the lesson).
    for _ in range(12):
        burst = report(3000, 2000)
    assert burst["lesson"]["percent"] < 50 and not burst["lesson"]["completed"], burst
    assert burst["progress"]["study_seconds"] < 3, burst
    time.sleep(4.2)
    done = report(3500, 4000)
    assert done["lesson"]["completed"] and done["progress"]["completed"], (first, forged, done)
    # The position is kept for resuming.
    assert 'data-resume-ms="3500"' in b.get("/learning/lesson/" + lesson).text
    for bad in ({"position_ms": -1, "played_ms": 0, "duration_ms": 10}, {"position_ms": 1, "played_ms": 1, "duration_ms": 0},
                {"position_ms": "x", "played_ms": 1, "duration_ms": 1}, {"position_ms": 1e300, "played_ms": 1, "duration_ms": 1}):
        r = b.request("POST", url, body=json.dumps(bad).encode(),
                      headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
        assert r.status in (400, 409), (bad, r.status)


def test_quiz_authoring_errors_and_strangers(server, smtp, author):
    name = author.create()
    section = author.add_section(name)
    quiz = author.add_lesson(name, section, kind="quiz", title="แบบทดสอบ")
    r = add_question(author, quiz, kind="single", prompt="", answers="a\nb")
    assert r.status == 422 and 'id="prompt-error"' in r.text
    r = add_question(author, quiz, kind="single", prompt="ข้อใด", answers="a\nb")
    assert r.status == 422 and 'id="answers-error"' in r.text  # no right choice marked
    r = add_question(author, quiz, kind="matching", prompt="จับคู่", answers="only = one")
    assert r.status == 422
    r = author.browser.post_form("/learning/lesson/%s/quiz/rules" % quiz, {"pass_percent": "150"},
                                 csrf_page="/learning/lesson/%s/quiz" % quiz)
    assert r.status == 422 and 'id="pass_percent-error"' in r.text
    stranger = Browser(server)
    registered_user(stranger, smtp, "quizstranger")
    assert stranger.get("/learning/lesson/%s/quiz" % quiz).status in (403, 404)
    r = stranger.post_form("/learning/lesson/%s/quiz/questions" % quiz, {"kind": "short", "prompt": "x", "answers": "y"},
                           csrf_page="/learning")
    assert r.status in (403, 404)
    # Hostile answers are refused cleanly.
    csrf = stranger.csrf_from("/learning")
    r = stranger.request("POST", "/api/learning/attempts/nope", body=b'{"answers": ' + b"[" * 100 + b"]" * 100 + b"}",
                         headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 400
    assert server.alive()


def profile_of(b):
    r = b.get("/user/me")
    assert r.status in (302, 303), r.status
    return r.header("Location"), b.get(r.header("Location")).text


def learning_section(page):
    m = re.search(r'<section class="panel" aria-labelledby="learning-heading">(.*?)</section>', page, re.S)
    return m and re.sub(r"\s+", " ", m.group(1))


def test_activation_leads_on_to_learning_and_the_profile_shows_it(server, smtp, author):
    name, text, _ = quiz_course(author)
    # The activation page offers the way on to Learning (the login leads to the catalog).
    b = Browser(server)
    r, email, _ = sign_up(b)
    assert r.status == 201, r.text[:2000]
    link = smtp.last_link(email, r"http://[^\s]+/user/verify\?token=[A-Za-z0-9_-]+")
    activated = b.get(link[link.index("/user/"):])
    assert activated.status == 200 and 'href="/user/login?next=/learning"' in activated.text
    r = b.post_form("/user/login", {"login": email, "password": PASSWORD, "next": "/learning"})
    assert r.status == 303 and r.header("Location") == "/learning", r.header("Location")
    # A verified learner's own profile: a Learning section, no course yet, the way to choose one.
    address, page = profile_of(b)
    section = learning_section(page)
    assert section and 'href="/learning"' in section and "ยังไม่ได้ลงทะเบียนเรียนหลักสูตรใด" in section, section
    assert "/learning/identity" not in section
    enrol(b, name)
    assert b.get("/learning/lesson/" + text).status == 200
    section = learning_section(profile_of(b)[1])
    assert "กำลังเรียน <strong>1</strong>" in section and "เรียนจบแล้ว <strong>0</strong>" in section, section
    assert 'href="/learning/my"' in section
    # Nobody else sees it.
    assert learning_section(Browser(server).get(address).text) is None
    # An account without a verified identity is shown the way to add one (a walkthrough found
    # nothing of Learning on such a profile).
    plain = Browser(server)
    registered_user(plain, smtp, "plain")
    assert 'href="/learning/identity"' in learning_section(profile_of(plain)[1])

