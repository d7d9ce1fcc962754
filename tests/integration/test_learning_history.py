"""Learning's step 7 over HTTP (issue 17): "My learning" shows each enrolment with its progress,
score, study time, dates, the completion's state and its certificates, filtered and totalled;
its JSON twin; the transcript as PDF (Thai shaped, fonts embedded, pages when long; kept as PNG
under tests/artifacts/ for review) and as CSV — each only the signed-in learner's own."""
import csv
import datetime
import io
import json
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from govhub_harness import Browser
from learning_helpers import enrol, verified_learner
from test_learning_courses import Author, unique_name
from test_learning_progress import KEY, add_question, paper, right_answers

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def author(server, smtp, sysadmin):
    return Author(server, smtp, sysadmin)


def course_with(author, title, title_en, lessons=("text",), minutes="90"):
    """A published course of `author`'s agency with these lesson kinds; (name, lesson ids)."""
    name = author.create(title=title, title_en=title_en, minutes=minutes)
    section = author.add_section(name)
    ids = [author.add_lesson(name, section, kind=k, title="บทที่ %d" % (i + 1)) for i, k in enumerate(lessons)]
    for kind, lesson in zip(lessons, ids):
        if kind != "quiz":
            continue
        r = author.browser.post_form("/learning/lesson/%s/quiz/rules" % lesson,
                                     {"pass_percent": "75", "attempt_limit": "0"},
                                     csrf_page="/learning/lesson/%s/quiz" % lesson)
        assert r.status == 303, r.text[:2000]
        assert add_question(author, lesson, kind="single", prompt="ข้อใดเป็นข้อมูลเปิด",
                            answers="เอกสารลับ\n*ตารางงบประมาณที่เผยแพร่").status == 303
        assert add_question(author, lesson, kind="multiple", prompt="รูปแบบใดอ่านได้ด้วยเครื่อง",
                            answers="*CSV\n*JSON\nภาพสแกน").status == 303
        assert add_question(author, lesson, kind="truefalse", prompt="ข้อมูลเปิดต้องเสียค่าใช้จ่าย",
                            truefalse="false").status == 303
        assert add_question(author, lesson, kind="short", prompt="ปี พ.ศ. ที่ประกาศใช้ พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล",
                            answers="2562").status == 303
    assert author.publish(name).status == 303
    return name, ids


def user_id(server, email):
    return server.query("SELECT id FROM users WHERE email = '%s'" % email)[0][0]


def insert_certificate(server, course_id, uid, code, title, issued, revoked=""):
    snapshot = json.dumps({"code": code, "course_title": title, "course_title_en": "EN " + title})
    server.execute(
        "INSERT INTO learning_certificates (id, code, course_id, user_id, completed_at, issued_at, "
        "status_index, snapshot, revoked_at, revoke_reason) VALUES ('%s', '%s', '%s', '%s', '%s', '%s', %d, "
        "'%s', '%s', '%s')" % (uuid.uuid4(), code, course_id, uid, issued, issued,
                               uuid.uuid4().int % 100000 + 20000, snapshot.replace("'", "''"),
                               revoked, "ผลสอบไม่ถูกต้อง" if revoked else ""))


def be_year():
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).year + 543


def pdf_text(pdf, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (name + ".pdf")
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / name)], check=True)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True,
                                                            text=True, check=True).stdout).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext may put a space inside a Thai word where a mark sits: compare without spaces.
    return re.sub(r"\s+", "", text), fonts, pages


def assert_fonts_embedded(fonts):
    rows = [l for l in fonts.splitlines()[2:] if l.strip()]
    assert rows, fonts
    for row in rows:
        # name type encoding emb sub uni object ID: "emb" is the 4th field from the right end's 5
        assert row.split()[-5] == "yes", fonts
    assert "Laksaman" in fonts, fonts


def test_my_learning_shows_progress_scores_times_and_certificates(server, smtp, author):
    tag = unique_name("h")[-6:]
    done_title, half_title = "การใช้ข้อมูลเปิด %s" % tag, "ผู้ใหญ่กับการกำกับดูแลข้อมูล %s" % tag
    done, (done_text, quiz) = course_with(author, done_title, "Open data in use " + tag, ("text", "quiz"))
    half, _ = course_with(author, half_title, "Data governance " + tag, ("text", "text"), minutes="45")
    b = Browser(server)
    email = verified_learner(b, smtp)
    uid = user_id(server, email)
    enrol(b, done)
    enrol(b, half)
    # The completed course: its text read, its quiz passed with 3 of 4 right (75 %).
    assert b.get("/learning/lesson/" + done_text).status == 200
    attempt, shown = paper(b, quiz)
    answers = right_answers(shown["questions"], KEY)
    answers = {q["id"]: answers[q["id"]] for q in shown["questions"] if q["kind"] != "short"}
    csrf = b.csrf_from("/learning/attempt/" + attempt)
    r = b.request("POST", "/api/learning/attempts/" + attempt, body=json.dumps({"answers": answers}).encode(),
                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status == 200 and r.json()["result"]["passed"], r.text
    # The half-done course: one of two lessons read, an hour, a minute and 5 s recorded.
    half_lesson = re.findall(r'href="/learning/lesson/([0-9a-f-]{36})"', b.get("/learning/course/" + half).text)[0]
    assert b.get("/learning/lesson/" + half_lesson).status == 200
    done_id = server.query("SELECT id FROM learning_courses WHERE name = '%s'" % done)[0][0]
    half_id = server.query("SELECT id FROM learning_courses WHERE name = '%s'" % half)[0][0]
    server.execute("UPDATE learning_enrolments SET study_seconds = 3665 WHERE course_id = '%s' AND user_id = '%s'"
                   % (half_id, uid))
    # Certificates (issued by another part of issue 17): an old one revoked, a new one valid.
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    insert_certificate(server, done_id, uid, "OLD" + tag.upper(), done_title, "2026-01-05T03:00:00Z",
                       revoked="2026-01-06T03:00:00Z")
    insert_certificate(server, done_id, uid, "NEW" + tag.upper(), done_title, now)

    page = b.get("/learning/my")
    assert page.status == 200
    html = page.text
    done_card = html[html.index(done_title):]
    done_card = done_card[:done_card.index("</li>\n") if "</li>\n" in done_card else len(done_card)]
    half_card = html[html.index(half_title):]
    assert 'data-percent="100"' in done_card and "75%" in done_card
    assert "เรียนจบเมื่อ" in done_card and str(be_year()) in done_card
    assert 'href="/learning/certificates/NEW%s.pdf"' % tag.upper() in html
    assert 'href="/learning/verify/NEW%s"' % tag.upper() in html
    assert 'href="/learning/verify/OLD%s"' % tag.upper() in html
    assert 'href="/learning/certificates/OLD%s.pdf"' % tag.upper() not in html  # revoked: no PDF link
    assert "เพิกถอนเมื่อ" in html and "ผลสอบไม่ถูกต้อง" in html
    assert 'data-percent="50"' in half_card and "1:01" in half_card and "คะแนน" not in half_card[:600]
    assert "เรียนจบ 1 จาก 2 หลักสูตร" in html and "1:30 ชม." in html
    assert 'href="/learning/my/transcript.pdf?lang=th"' in html
    # Filters.
    completed = b.get("/learning/my?show=completed").text
    assert done_title in completed and half_title not in completed
    assert 'href="/learning/my?show=completed" aria-current="page"' in completed
    going = b.get("/learning/my?show=in_progress").text
    assert half_title in going and done_title not in going
    # English: Gregorian dates, English titles.
    en = b.get("/learning/my?lang=en").text
    assert "Open data in use " + tag in en and str(be_year() - 543) in en and str(be_year()) not in en
    assert "1 of 2 courses completed" in en

    # The JSON twin.
    j = b.get("/api/learning/my/history").json()
    assert j["totals"] == {"enrolled": 2, "completed": 1, "in_progress": 1, "completed_minutes": 90,
                           "study_seconds": 3665}
    by = {c["name"]: c for c in j["courses"]}
    assert by[done]["state"] == "completed" and by[done]["score"] == 75 and by[done]["progress"]["percent"] == 100
    assert [c["code"] for c in by[done]["certificates"]] == ["NEW" + tag.upper(), "OLD" + tag.upper()]
    assert by[done]["certificates"][1]["revoked"] and not by[done]["certificates"][0]["revoked"]
    assert by[half]["state"] == "in_progress" and by[half]["score"] is None
    assert by[half]["progress"] == {"percent": 50, "done": 1, "required": 2} and by[half]["study_seconds"] == 3665
    assert [c["name"] for c in b.get("/api/learning/my/history?state=completed").json()["courses"]] == [done]

    # The transcript: the learner's Thai name, the completed course, a BE date; fonts embedded.
    r = b.get("/learning/my/transcript.pdf?lang=th")
    assert r.status == 200 and r.header("Content-Type") == "application/pdf" and r.body[:5] == b"%PDF-"
    assert "no-store" in r.header("Cache-Control")
    text, fonts, pages = pdf_text(r.body, "learning-transcript-th")
    assert pages == 1
    assert "ทดสอบ" in text and "เรียนดี" in text and "ชื่อภาษาอังกฤษTestLearner" in text, text
    assert "การใช้ข้อมูลเปิด" in text and "NEW" + tag.upper() in text and str(be_year()) in text, text
    assert "ผู้ใหญ่กับการกำกับดูแลข้อมูล" not in text  # not completed: not on the transcript
    assert "75%" in text and "1:30" in text and "ใบแสดงผลการเรียน" in text, text
    assert_fonts_embedded(fonts)
    r = b.get("/learning/my/transcript.pdf?lang=en")
    text, fonts, _ = pdf_text(r.body, "learning-transcript-en")
    assert "NameinEnglish:TestLearner" in text and "Transcriptoflearning" in text and "Opendatainuse" in text and str(be_year() - 543) in text, text

    # CSV: BOM, the header in the reader's language, one row per completed course.
    r = b.get("/learning/my/transcript.csv?lang=th")
    assert r.status == 200 and r.header("Content-Type").startswith("text/csv") and r.body[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(r.body[3:].decode("utf-8"))))
    assert rows[0] == ["หลักสูตร", "หน่วยงาน", "ชั่วโมง", "วันที่เรียนจบ", "คะแนน", "รหัสประกาศนียบัตร"]
    assert len(rows) == 2 and rows[1][0] == done_title and rows[1][2] == "1:30" and rows[1][4] == "75%"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", rows[1][3]) and rows[1][5] == "NEW" + tag.upper()
    en_rows = list(csv.reader(io.StringIO(b.get("/learning/my/transcript.csv?lang=en").body[3:].decode())))
    assert en_rows[0][0] == "Course" and en_rows[1][0] == "Open data in use " + tag

    # Staff annul the completion (a quiz result found invalid): shown with its reason, no longer
    # completed, and off the transcript.
    server.execute("UPDATE learning_enrolments SET annulled_at = '%s', annul_reason = 'คะแนนสอบไม่ถูกต้อง' "
                   "WHERE course_id = '%s' AND user_id = '%s'"
                   % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                      done_id, uid))
    html = b.get("/learning/my?lang=th").text
    assert "ยกเลิกผลการเรียนจบ" in html and "คะแนนสอบไม่ถูกต้อง" in html and "เรียนจบ 0 จาก 2 หลักสูตร" in html
    assert {c["name"]: c["state"] for c in b.get("/api/learning/my/history").json()["courses"]}[done] == "annulled"
    rows = list(csv.reader(io.StringIO(b.get("/learning/my/transcript.csv").body[3:].decode())))
    assert len(rows) == 1

    # Another learner reads only their own history: nothing of the first one's.
    other = Browser(server)
    verified_learner(other, smtp)
    assert other.get("/api/learning/my/history").json()["courses"] == []
    text, _, _ = pdf_text(other.get("/learning/my/transcript.pdf").body, "learning-transcript-other")
    assert "การใช้ข้อมูลเปิด" not in text and "NEW" + tag.upper() not in text and "ยังไม่มีหลักสูตรที่เรียนจบ" in text
    assert len(list(csv.reader(io.StringIO(other.get("/learning/my/transcript.csv").body[3:].decode())))) == 1
    # Anonymous: to the log-in page (the page), 401 (the JSON).
    anonymous = Browser(server)
    for path in ("/learning/my", "/learning/my/transcript.pdf", "/learning/my/transcript.csv"):
        r = anonymous.get(path)
        assert r.status == 303 and "/user/login" in r.header("Location"), (path, r.status)
    assert anonymous.get("/api/learning/my/history").status == 401


def test_a_long_transcript_spans_pages(server, smtp, author):
    b = Browser(server)
    email = verified_learner(b, smtp)
    uid = user_id(server, email)
    tag = unique_name("t")[-6:]
    for i in range(40):
        cid = str(uuid.uuid4())
        server.execute(
            "INSERT INTO learning_courses (id, name, title, title_en, level, minutes, state, created, modified) "
            "VALUES ('%s', '%s-%02d', 'หลักสูตรที่ %02d การบริหารราชการแนวใหม่ %s', 'Course %02d', 'beginner', %d, "
            "'published', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')" % (cid, "long" + tag, i, i, tag, i, 60 + i))
        server.execute(
            "INSERT INTO learning_enrolments (course_id, user_id, state, enrolled_at, completed_at) VALUES "
            "('%s', '%s', 'active', '2026-02-01T00:00:00Z', '2026-03-%02dT00:00:00Z')" % (cid, uid, i % 28 + 1))
    r = b.get("/learning/my/transcript.pdf")
    assert r.status == 200
    text, fonts, pages = pdf_text(r.body, "learning-transcript-long")
    assert pages >= 2, pages
    assert "หน้า1/%d" % pages in text and "หน้า%d/%d" % (pages, pages) in text, text
    for i in (0, 20, 39):
        assert "หลักสูตรที่%02d" % i in text, i
    assert "เรียนจบ40จาก40หลักสูตร" in text
    assert_fonts_embedded(fonts)
    rows = list(csv.reader(io.StringIO(b.get("/learning/my/transcript.csv").body[3:].decode())))
    assert len(rows) == 41
    # 40 courses of 60..99 minutes: 3,180 minutes = 53:00.
    assert sum(int(h.split(":")[0]) * 60 + int(h.split(":")[1]) for h in (r[2] for r in rows[1:])) == 3180
    assert "53:00" in text


def test_the_transcript_csv_never_hands_a_spreadsheet_a_formula(server, smtp):
    # A course's title is its author's text: in the learner's spreadsheet it reads as text.
    b = Browser(server)
    email = verified_learner(b, smtp)
    uid = user_id(server, email)
    cid = str(uuid.uuid4())
    title = "@SUM(1+1)*cmd|' /C calc'!A0"
    server.execute(
        "INSERT INTO learning_courses (id, name, title, title_en, level, minutes, state, created, modified) "
        "VALUES ('%s', '%s', '%s', '-2+3+cmd', 'beginner', 90, 'published', '2026-01-01T00:00:00Z', "
        "'2026-01-01T00:00:00Z')" % (cid, unique_name("inj"), title.replace("'", "''")))
    server.execute(
        "INSERT INTO learning_enrolments (course_id, user_id, state, enrolled_at, completed_at) VALUES "
        "('%s', '%s', 'active', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z')" % (cid, uid))
    rows = list(csv.reader(io.StringIO(b.get("/learning/my/transcript.csv?lang=th").body[3:].decode())))
    assert rows[1][0] == "'" + title and rows[1][2] == "1:30", rows
    rows = list(csv.reader(io.StringIO(b.get("/learning/my/transcript.csv?lang=en").body[3:].decode())))
    assert rows[1][0] == "'-2+3+cmd", rows
    assert not any(cell[:1] in ("=", "+", "-", "@") for row in rows for cell in row)
