"""Quiz questions edited in place (same id; submitted attempts and open papers keep the question
as it was), the quiz's review options (the right answers never / once passed — the default — /
always; each question's marks and feedback on or off) on the page and over JSON, and "1 point"
against "2 points"."""
import json
import re

import pytest

from govhub_harness import Browser
from learning_helpers import enrol, verified_learner
from test_learning_courses import Author

RIGHT = "ตารางงบประมาณที่เผยแพร่"
FEEDBACK_WRONG = "ลองทบทวนบทที่หนึ่ง"


@pytest.fixture(scope="module")
def author(server, smtp, sysadmin):
    return Author(server, smtp, sysadmin)


def editor_page(author, quiz):
    return "/learning/lesson/%s/quiz" % quiz


def add_question(author, quiz, **fields):
    return author.browser.post_form("/learning/lesson/%s/quiz/questions" % quiz, fields, csrf_page=editor_page(author, quiz))


def save_rules(author, quiz, **fields):
    f = {"pass_percent": "50", "attempt_limit": "0", "review": "1", "review_answers": "after_pass", "review_marks": "1"}
    f.update(fields)
    f = {k: v for k, v in f.items() if v is not None}
    return author.browser.post_form("/learning/lesson/%s/quiz/rules" % quiz, f, csrf_page=editor_page(author, quiz))


def quiz_course(author, **rules):
    """A published course with one quiz of two questions: a single choice (RIGHT among three, 1
    point) and a true/false one (true, 2 points); pass mark 50 %, so the single one alone passes."""
    name = author.create()
    section = author.add_section(name)
    quiz = author.add_lesson(name, section, kind="quiz", title="แบบทดสอบ")
    assert save_rules(author, quiz, **rules).status == 303
    assert add_question(author, quiz, kind="single", prompt="ข้อใดเป็นข้อมูลเปิด", answers="เอกสารลับ\n*%s\nรหัสผ่าน" % RIGHT,
                        points="1", feedback_wrong=FEEDBACK_WRONG).status == 303
    assert add_question(author, quiz, kind="truefalse", prompt="ข้อมูลเปิดใช้ซ้ำได้", truefalse="true", points="1").status == 303
    assert author.publish(name).status == 303
    ids = re.findall(r'/quiz/questions/([A-Za-z0-9_-]+)/delete', author.browser.get(editor_page(author, quiz)).text)
    assert len(ids) == 2
    return name, quiz, ids


def learner(server, smtp, course):
    b = Browser(server)
    verified_learner(b, smtp)
    enrol(b, course)
    return b


def start(b, quiz):
    r = b.post_form("/learning/lesson/%s/attempt" % quiz, {}, csrf_page="/learning/lesson/" + quiz)
    assert r.status == 303, r.text[:2000]
    attempt = r.header("Location").rsplit("/", 1)[1]
    return attempt, b.get("/api/learning/attempts/" + attempt).json()


def submit(b, attempt, answers):
    csrf = b.csrf_from("/learning/attempt/" + attempt)
    r = b.request("POST", "/api/learning/attempts/" + attempt, body=json.dumps({"answers": answers}).encode(),
                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 200, r.text
    return r.json()


def execute(server, sql):
    server.execute(sql)


def answers_for(paper, single_text, truefalse):
    out = {}
    for q in paper["questions"]:
        if q["kind"] == "single":
            out[q["id"]] = next(c["id"] for c in q["choices"] if c["text"] == single_text)
        else:
            out[q["id"]] = truefalse
    return out


def test_review_after_passing_hides_the_key_of_a_failed_attempt(server, smtp, author):
    name, quiz, _ = quiz_course(author)  # the default: after passing
    b = learner(server, smtp, name)
    attempt, paper = start(b, quiz)
    result = submit(b, attempt, answers_for(paper, "เอกสารลับ", "false"))
    assert not result["result"]["passed"]
    assert result["review"] == {"answers_shown": False, "marks_shown": True}
    for q in result["result"]["questions"]:
        assert "correct_answer" not in q and "correct_pairs" not in q
        assert q["correct"] is False  # marks stay visible
    assert any(FEEDBACK_WRONG in q["feedback"] for q in result["result"]["questions"])
    page = b.get("/learning/attempt/" + attempt).text
    assert RIGHT not in page and "คำตอบที่ถูก:" not in page
    assert "เฉลยจะแสดงเมื่อคุณทำแบบทดสอบนี้ผ่านเกณฑ์" in page and FEEDBACK_WRONG in page
    assert RIGHT not in json.dumps(b.get("/api/learning/attempts/" + attempt).json()["result"], ensure_ascii=False)
    # Passing (the single choice right, the true/false wrong) shows the key: of the wrong one in
    # this attempt, and now of the earlier failed attempt too.
    attempt2, paper2 = start(b, quiz)
    result = submit(b, attempt2, answers_for(paper2, RIGHT, "false"))
    assert result["result"]["passed"] and result["review"]["answers_shown"]
    assert sorted(q["correct_answer"] for q in result["result"]["questions"]) == [["true"], [RIGHT]]
    page = b.get("/learning/attempt/" + attempt2).text
    assert "คำตอบที่ถูก: ถูก" in page
    page = b.get("/learning/attempt/" + attempt).text
    assert "คำตอบที่ถูก: " + RIGHT in page
    first = b.get("/api/learning/attempts/" + attempt).json()["result"]
    assert [RIGHT] in [q["correct_answer"] for q in first["questions"]]


def test_review_never_always_and_marks_off(server, smtp, author):
    # never: not even after passing.
    name, quiz, _ = quiz_course(author, review_answers="never")
    assert author.browser.get("/api/learning/lessons/%s/quiz" % quiz).json()["review"] == {"answers": "never", "marks": True}
    b = learner(server, smtp, name)
    attempt, paper = start(b, quiz)
    result = submit(b, attempt, answers_for(paper, RIGHT, "false"))
    assert result["result"]["passed"] and not result["review"]["answers_shown"]
    assert RIGHT not in json.dumps(result["result"], ensure_ascii=False)
    assert "คำตอบที่ถูก:" not in b.get("/learning/attempt/" + attempt).text
    # always: a failed attempt shows the key.
    name, quiz, _ = quiz_course(author, review_answers="always")
    b = learner(server, smtp, name)
    attempt, paper = start(b, quiz)
    result = submit(b, attempt, answers_for(paper, "รหัสผ่าน", "false"))
    assert not result["result"]["passed"]
    assert [RIGHT] in [q["correct_answer"] for q in result["result"]["questions"]]
    assert "คำตอบที่ถูก: " + RIGHT in b.get("/learning/attempt/" + attempt).text
    # marks off (the form's box unticked): only the total; no right/wrong, no feedback.
    name, quiz, _ = quiz_course(author, review_marks=None)
    assert 'name="review_marks" value="1" checked' not in author.browser.get(editor_page(author, quiz)).text
    b = learner(server, smtp, name)
    attempt, paper = start(b, quiz)
    result = submit(b, attempt, answers_for(paper, "เอกสารลับ", "false"))
    assert result["review"] == {"answers_shown": False, "marks_shown": False}
    for q in result["result"]["questions"]:
        assert set(q) == {"id", "points"}
    assert result["result"]["percent"] == 0  # the total is still there
    page = b.get("/learning/attempt/" + attempt).text
    assert FEEDBACK_WRONG not in page and "✗" not in page
    # A bad value is a field error on the form; JSON too.
    r = save_rules(author, quiz, review_answers="sometimes")
    assert r.status == 422 and 'id="review_answers-error"' in r.text
    csrf = author.browser.csrf_from(editor_page(author, quiz))
    r = author.browser.request("POST", "/api/learning/lessons/%s/quiz/rules" % quiz,
                               body=json.dumps({"review_answers": 3}).encode(),
                               headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 409 and "review_answers" in r.text


def test_a_question_is_edited_in_place_and_past_attempts_keep_theirs(server, smtp, author):
    name, quiz, (q1, q2) = quiz_course(author)
    # One learner passes before the edit; another has a paper open across it.
    done = learner(server, smtp, name)
    attempt, paper = start(done, quiz)
    before = submit(done, attempt, answers_for(paper, RIGHT, "true"))
    assert before["result"]["percent"] == 100
    waiting = learner(server, smtp, name)
    open_attempt, open_paper = start(waiting, quiz)
    # A third attempt as attempts were kept before papers held their questions: ids only.
    legacy = learner(server, smtp, name)
    legacy_attempt, legacy_paper = start(legacy, quiz)
    submit(legacy, legacy_attempt, answers_for(legacy_paper, RIGHT, "false"))
    execute(server, "UPDATE learning_quiz_attempts SET drawn = '%s' WHERE id = '%s'"
            % (json.dumps([q["id"] for q in legacy_paper["questions"]]), legacy_attempt))
    assert legacy.get("/api/learning/attempts/" + legacy_attempt).json()["questions"] == legacy_paper["questions"]
    # The form comes filled with the question: its kind, prompt, choices with "*", points.
    page = author.browser.get(editor_page(author, quiz) + "?edit=" + q1).text
    assert 'action="/learning/lesson/%s/quiz/questions/%s/edit"' % (quiz, q1) in page
    assert "ข้อใดเป็นข้อมูลเปิด</textarea>" in page and "*" + RIGHT in page and "เอกสารลับ\n" in page
    assert '<option value="single" selected>' in page and FEEDBACK_WRONG in page
    page = author.browser.get(editor_page(author, quiz) + "?edit=" + q2).text
    assert 'name="truefalse" value="true" checked' in page
    assert author.browser.get(editor_page(author, quiz) + "?edit=nope").status == 404
    # Saved: a new prompt, another right choice, 2 points; the id and the place stay.
    r = author.browser.post_form("/learning/lesson/%s/quiz/questions/%s/edit" % (quiz, q1),
                                 {"kind": "single", "prompt": "ข้อใดเผยแพร่ได้", "answers": "*เอกสารลับ\n%s\nรหัสผ่าน" % RIGHT,
                                  "points": "2"}, csrf_page=editor_page(author, quiz))
    assert r.status == 303, r.text[:2000]
    page = author.browser.get(editor_page(author, quiz)).text
    assert re.findall(r'/quiz/questions/([A-Za-z0-9_-]+)/delete', page) == [q1, q2]
    assert "ข้อใดเผยแพร่ได้" in page and "ข้อใดเป็นข้อมูลเปิด" not in page
    assert "2 คะแนน" in page
    en = author.browser.get(editor_page(author, quiz) + "?lang=en").text
    assert "2 points" in en and "1 point<" in en and "1 points" not in en
    # An error keeps what was typed, on the same question's form.
    r = author.browser.post_form("/learning/lesson/%s/quiz/questions/%s/edit" % (quiz, q1),
                                 {"kind": "single", "prompt": "ยังไม่มีคำตอบถูก", "answers": "ก\nข"},
                                 csrf_page=editor_page(author, quiz))
    assert r.status == 422 and 'id="answers-error"' in r.text and "ยังไม่มีคำตอบถูก" in r.text
    assert 'action="/learning/lesson/%s/quiz/questions/%s/edit"' % (quiz, q1) in r.text
    # The past attempt keeps its question, score and key.
    after = done.get("/api/learning/attempts/" + attempt).json()
    assert after["result"]["percent"] == 100 and after["result"]["passed"]
    assert "ข้อใดเป็นข้อมูลเปิด" in json.dumps(after["questions"], ensure_ascii=False)
    assert "คำตอบที่ถูก" not in done.get("/learning/attempt/" + attempt).text  # all right: no key shown
    # The old-style attempt got its questions written in before the edit: unchanged too.
    kept = legacy.get("/api/learning/attempts/" + legacy_attempt).json()
    assert kept["questions"] == legacy_paper["questions"] and kept["result"]["percent"] == 50
    assert server.query("SELECT drawn FROM learning_quiz_attempts WHERE id = '%s'" % legacy_attempt)[0][0].startswith("[{")
    # The open paper is the one it started with, scored by its own key.
    assert waiting.get("/api/learning/attempts/" + open_attempt).json()["questions"] == open_paper["questions"]
    result = submit(waiting, open_attempt, answers_for(open_paper, RIGHT, "true"))
    assert result["result"]["percent"] == 100
    # A new attempt gets the edited question.
    fresh = learner(server, smtp, name)
    _, new_paper = start(fresh, quiz)
    assert "ข้อใดเผยแพร่ได้" in json.dumps(new_paper["questions"], ensure_ascii=False)
    # The JSON edit: same id back; an unknown question 404; strangers refused.
    csrf = author.browser.csrf_from(editor_page(author, quiz))
    r = author.browser.request("POST", "/api/learning/lessons/%s/quiz/questions/%s" % (quiz, q2),
                               body=json.dumps({"id": "other", "kind": "truefalse", "prompt": "แก้ผ่าน API",
                                                "correct": ["false"]}).encode(),
                               headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 200, r.text
    assert r.json()["id"] == q2 and r.json()["correct"] == ["false"]
    r = author.browser.request("POST", "/api/learning/lessons/%s/quiz/questions/nope" % quiz,
                               body=b'{"kind": "short", "prompt": "x", "accepted": ["y"]}',
                               headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 404
    r = fresh.post_form("/learning/lesson/%s/quiz/questions/%s/edit" % (quiz, q1),
                        {"kind": "short", "prompt": "x", "answers": "y"}, csrf_page="/learning")
    assert r.status in (403, 404)
    assert "learning.quiz.question_update" in str(server.query("SELECT action FROM audit_log WHERE object_type = 'course'"))


def test_the_paper_says_point_or_points(server, smtp, author):
    name, quiz, _ = quiz_course(author)
    b = learner(server, smtp, name)
    attempt, _ = start(b, quiz)
    en = b.get("/learning/attempt/%s?lang=en" % attempt).text
    assert "(1 point)" in en and "1 points" not in en
    assert "(1 คะแนน)" in b.get("/learning/attempt/%s?lang=th" % attempt).text


def rules_api(author, quiz, body):
    csrf = author.browser.csrf_from(editor_page(author, quiz))
    return author.browser.request("POST", "/api/learning/lessons/%s/quiz/rules" % quiz, body=json.dumps(body).encode(),
                                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})


def test_a_result_keeps_its_verdict_and_rules_change_only_what_is_sent(server, smtp, author):
    """An attacker's findings: an attempt's page re-scored it with the pass mark of the day (a
    failed attempt read "passed" after the mark was lowered, while the lesson stayed not done),
    and saving only the review options reset the pass mark and the attempt limit."""
    name, quiz, _ = quiz_course(author, pass_percent="80")
    b = learner(server, smtp, name)
    attempt, paper = start(b, quiz)
    result = submit(b, attempt, answers_for(paper, RIGHT, "false"))  # 1 of 2 points: 50 %
    assert not result["result"]["passed"]
    # The pass mark is lowered to 10 %: the attempt keeps the verdict it was given.
    assert rules_api(author, quiz, {"pass_percent": 10}).status == 200
    again = b.get("/api/learning/attempts/" + attempt).json()
    assert again["result"]["passed"] is False, again["result"]
    page = b.get("/learning/attempt/" + attempt).text
    assert "ผ่านแบบทดสอบ" not in page
    # The result says how many tries are left (the limit is 0 here: unlimited, so nothing).
    assert "เหลือสิทธิ์ทำอีก" not in page
    # The result says what the learner answered, beside each mark.
    assert "คำตอบของคุณ: %s" % RIGHT in page and "คำตอบของคุณ: ผิด" in page, page
    # Only the review options sent: the pass mark (10) and the attempt limit stay.
    assert rules_api(author, quiz, {"attempt_limit": 3}).status == 200
    assert "เหลือสิทธิ์ทำอีก 2 จาก 3 ครั้ง" in b.get("/learning/attempt/" + attempt).text
    assert rules_api(author, quiz, {"review_answers": "never"}).status == 200
    rules = b.get("/api/learning/lessons/%s/quiz" % quiz).json()
    assert rules["rules"]["pass_percent"] == 10 and rules["rules"]["attempt_limit"] == 3, rules
    assert rules["review"]["answers"] == "never", rules
