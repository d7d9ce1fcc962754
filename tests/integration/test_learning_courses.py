"""Learning's courses (issue 16): an agency editor authors a course in the pages (course form,
sections, lessons, a video upload), publishes it; the catalog finds it by Thai prefix and by its
English title; drafts stay hidden; strangers cannot author; bad and hostile input gets clear
errors; the video is streamed with Range."""
import html
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import uuid

import pytest

from accounts_helpers import registered_user, unique_name
from govhub_harness import Browser
from test_catalog_api import call, ok


def field_error(page, field):
    m = re.search(r'<p class="field-error" id="%s-error">([^<]*)</p>' % field, page)
    return html.unescape(m.group(1)) if m else None


def multipart(fields, files=()):
    boundary = "lrn" + uuid.uuid4().hex
    body = b""
    for k, v in fields.items():
        body += ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, k, v)).encode()
    for name, filename, content in files:
        body += ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, filename)).encode()
        body += content + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    return body, {"Content-Type": "multipart/form-data; boundary=" + boundary}


def course_fields(name, **over):
    f = {"name": name, "title": "การวิเคราะห์ข้อมูลภาครัฐเบื้องต้น", "title_en": "Public sector analytics primer",
         "summary": "เรียนรู้การวิเคราะห์ข้อมูลสำหรับเจ้าหน้าที่", "summary_en": "Analytics for officers",
         "description": "**หลักสูตร**ทดลอง", "category": "data", "level": "beginner", "minutes": "๙๐",
         "min_study_minutes": "", "video_threshold": "80", "certificate_info": "", "certificate_info_en": ""}
    f.update(over)
    return f


class Author:
    """An agency with an editor (a signed-in browser) who authors courses."""

    def __init__(self, server, smtp, sysadmin):
        self.server = server
        self.agency = unique_name("lrn")
        ok(call(Browser(server), "organization_create", {"name": self.agency, "title": "กรมทดสอบการเรียนรู้"}, sysadmin))
        self.browser = Browser(server)
        self.user = registered_user(self.browser, smtp, "author")
        ok(call(Browser(server), "organization_member_create",
                {"id": self.agency, "username": self.user, "role": "editor"}, sysadmin))

    def create(self, name=None, **over):
        name = name or unique_name("course")
        fields = course_fields(name, agency_id=self.agency, **over)
        r = self.browser.post_form("/learning/course/new", fields)
        assert r.status == 303, r.text[:2000]
        assert r.header("Location") == "/learning/course/%s/manage" % name
        return name

    def manage(self, name):
        return self.browser.get("/learning/course/%s/manage" % name)

    def add_section(self, name, title="บทนำ"):
        r = self.browser.post_form("/learning/course/%s/sections" % name, {"title": title, "title_en": "Introduction"},
                                   csrf_page="/learning/course/%s/manage" % name)
        assert r.status == 303, r.text[:2000]
        page = self.manage(name).text
        return re.findall(r'action="/learning/course/%s/sections/([0-9a-f-]{36})"' % name, page)[-1]

    def add_lesson(self, name, section, kind="text", title="บทที่หนึ่ง"):
        r = self.browser.post_form("/learning/course/%s/lessons" % name,
                                   {"section_id": section, "kind": kind, "title": title},
                                   csrf_page="/learning/course/%s/manage" % name)
        assert r.status == 303, r.text[:2000]
        m = re.match(r"/learning/lesson/([0-9a-f-]{36})/edit", r.header("Location"))
        assert m, r.header("Location")
        return m.group(1)

    def publish(self, name, on=True):
        r = self.browser.post_form("/learning/course/%s/publish" % name, {"publish": "1" if on else "0"},
                                   csrf_page="/learning/course/%s/manage" % name)
        return r


@pytest.fixture(scope="module")
def author(server, smtp, sysadmin):
    return Author(server, smtp, sysadmin)


def test_editor_authors_publishes_and_the_catalog_finds_it(server, author):
    name = author.create()
    anonymous = Browser(server)
    # A draft is the author's alone.
    assert anonymous.get("/learning/course/" + name).status == 404
    assert name not in anonymous.get("/api/learning/courses").text
    section = author.add_section(name)
    lesson = author.add_lesson(name, section, title="ข้อมูลเปิดคืออะไร")
    r = author.browser.post_form("/learning/lesson/%s/edit" % lesson,
                                 {"title": "ข้อมูลเปิดคืออะไร", "title_en": "What is open data", "section_id": section,
                                  "body": "# หัวข้อ\n\nเนื้อหา<script>alert(1)</script>", "minutes": "๑๕", "required": "1"})
    assert r.status == 303, r.text[:2000]
    assert author.publish(name).status == 303
    # Thai prefix recall, English title, category facet, level filter.
    for q in ("เบื้อง", "วิเคราะห์ข้อมูล", "analy", "primer", "กรมทดสอบการเรียนรู้"):
        # The shared server holds other tests' courses too: ask for all of the matches.
        found = anonymous.get("/api/learning/courses?limit=100&q=" + urllib_quote(q)).json()
        assert name in [c["name"] for c in found["results"]], (q, found)
    found = anonymous.get("/api/learning/courses?limit=100&category=data&level=beginner").json()
    assert name in [c["name"] for c in found["results"]]
    assert name not in [c["name"] for c in anonymous.get("/api/learning/courses?level=advanced").json()["results"]]
    # The catalog page finds it too (on one of its pages: other tests' courses share the words).
    for n in range(1, 20):
        page = anonymous.get("/learning?page=%d&q=%s" % (n, urllib_quote("เบื้อง")))
        assert page.status == 200
        if "/learning/course/%s" % name in page.text:
            break
    else:
        raise AssertionError("the catalog page never lists " + name)
    course = anonymous.get("/learning/course/" + name)
    assert course.status == 200
    assert "ข้อมูลเปิดคืออะไร" in course.text and "1 ชั่วโมง 30 นาที" in course.text
    assert "กรมทดสอบการเรียนรู้" in course.text
    # Lessons open to enrolled learners only; the outline names them.
    assert anonymous.get("/learning/lesson/" + lesson).status in (303, 401)
    outline = anonymous.get("/api/learning/courses/" + name).json()
    assert outline["minutes"] == 90 and outline["sections"][0]["lessons"][0]["title"] == "ข้อมูลเปิดคืออะไร"
    # The author reads the lesson; its Markdown is rendered and raw HTML is not.
    shown = author.browser.get("/learning/lesson/" + lesson)
    assert shown.status == 200 and "<h1>หัวข้อ</h1>" in shown.text.replace(' id="หัวข้อ"', "")
    assert "<script>alert(1)</script>" not in shown.text
    # English readers see the English title.
    en = anonymous.get("/learning/course/%s?lang=en" % name)
    assert "Public sector analytics primer" in en.text
    # Unpublished: gone from the catalog again.
    assert author.publish(name, on=False).status == 303
    assert name not in [c["name"] for c in anonymous.get("/api/learning/courses?q=analytics").json()["results"]]


def urllib_quote(s):
    import urllib.parse
    return urllib.parse.quote(s)


def test_course_form_errors_are_clear(server, author):
    b = author.browser
    r = b.post_form("/learning/course/new", course_fields("Bad Name!", title="", minutes="abc", category="x",
                                                         agency_id=author.agency))
    assert r.status == 422
    assert field_error(r.text, "name") and field_error(r.text, "title")
    assert field_error(r.text, "minutes") and field_error(r.text, "category")
    taken = author.create()
    r = b.post_form("/learning/course/new", course_fields(taken, agency_id=author.agency))
    assert r.status == 422 and field_error(r.text, "name")
    # Hostile text: control characters, oversize.
    r = b.post_form("/learning/course/new", course_fields(unique_name("c"), title="a\x01b", summary="ก" * 1001,
                                                         agency_id=author.agency))
    assert r.status == 422 and field_error(r.text, "title") and field_error(r.text, "summary")
    # Publishing an empty course is refused with a reason.
    r = author.publish(taken)
    assert r.status == 422 and "บทเรียนอย่างน้อยหนึ่งบท" in r.text


def test_strangers_cannot_author(server, smtp, author):
    name = author.create()
    stranger = Browser(server)
    registered_user(stranger, smtp, "stranger")
    assert stranger.get("/learning/course/new").status == 403
    assert stranger.get("/learning/course/%s/manage" % name).status in (403, 404)
    r = stranger.post_form("/learning/course/%s/sections" % name, {"title": "x"}, csrf_page="/learning")
    assert r.status in (403, 404)
    # Another agency's editor cannot place a course under this agency.
    assert Browser(server).get("/learning/course/new").status in (303, 401)


def test_enrolment_needs_a_verified_identity(server, smtp, author):
    name = author.create()
    section = author.add_section(name)
    author.add_lesson(name, section)
    assert author.publish(name).status == 303
    learner = Browser(server)
    registered_user(learner, smtp, "unverified")
    page = learner.get("/learning/course/" + name)
    assert "/learning/identity" in page.text
    csrf = learner.csrf_from("/learning/course/" + name)
    r = learner.post_json("/api/learning/courses/%s/enrol" % name, {}, headers={"X-CSRF-Token": csrf})
    assert r.status == 403 and r.json()["error"]["message"]


def make_video(seconds=3):
    if not shutil.which("ffmpeg"):
        pytest.fail("ffmpeg is missing: scripts/install-deps.sh installs it")
    d = tempfile.mkdtemp()
    out = os.path.join(d, "v.mp4")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=duration=%d:size=160x90:rate=10" % seconds, "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    "-movflags", "+faststart", out], check=True)
    with open(out, "rb") as f:
        data = f.read()
    shutil.rmtree(d)
    return data


def test_video_upload_is_checked_and_streamed_with_range(server, author):
    name = author.create()
    section = author.add_section(name)
    lesson = author.add_lesson(name, section, kind="video", title="วิดีโอ")
    b = author.browser
    csrf = b.csrf_from("/learning/lesson/%s/edit" % lesson)
    # Not a video: refused by its bytes, whatever its name says.
    body, headers = multipart({"_csrf": csrf}, [("upload", "clip.mp4", b"<html>not a video</html>")])
    r = b.request("POST", "/learning/lesson/%s/media" % lesson, body=body, headers=headers)
    assert r.status == 422 and field_error(r.text, "upload")
    # No file chosen.
    body, headers = multipart({"_csrf": csrf})
    r = b.request("POST", "/learning/lesson/%s/media" % lesson, body=body, headers=headers)
    assert r.status == 422 and field_error(r.text, "upload")
    video = make_video()
    body, headers = multipart({"_csrf": csrf}, [("upload", "clip.mp4", video)])
    r = b.request("POST", "/learning/lesson/%s/media" % lesson, body=body, headers=headers)
    assert r.status == 303, r.text[:1000]
    # The form says the file's size in KB with one decimal, not "0 MiB".
    form = b.get("/learning/lesson/%s/edit" % lesson).text
    assert "(%.1f KB)" % (len(video) / 1024) in form and "MiB)" not in form, len(video)
    whole = b.get("/learning/media/" + lesson)
    assert whole.status == 200 and whole.body == video and whole.header("Content-Type") == "video/mp4"
    part = b.get("/learning/media/" + lesson, headers={"Range": "bytes=100-199"})
    assert part.status == 206 and part.body == video[100:200]
    # Not for strangers.
    assert Browser(server).get("/learning/media/" + lesson).status in (303, 401, 404)


def test_api_refuses_malformed_input(server, author):
    anonymous = Browser(server)
    assert anonymous.get("/api/learning/courses?q=" + urllib_quote("ก" * 201)).status == 400
    assert anonymous.get("/api/learning/courses?page=-5&limit=100000").status == 200
    assert anonymous.get("/api/learning/courses/no-such-course").status == 404
    b = author.browser
    csrf = b.csrf_from("/learning")
    deep = "[" * 100000 + "]" * 100000
    r = b.request("POST", "/api/learning/lessons/%s/video" % uuid.uuid4(), body=deep.encode(),
                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status in (400, 413)
    r = b.request("POST", "/api/learning/lessons/%s/video" % uuid.uuid4(), body=b'{"position_ms": "x"}',
                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status in (400, 404, 409)
    r = b.request("POST", "/api/learning/courses/x/enrol", body=b"\xff\xfe{",
                  headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert r.status in (400, 404)
    assert server.alive()



def facet_map(page, chosen):
    """The catalog page's facets as ({category: count}, {level: count}). Each item links to the
    page with its value toggled: an item's value is the one its link adds, or for the chosen one
    (its link drops it) the value in `chosen`."""
    import urllib.parse
    out = []
    for facet, block in zip(("category", "level"),
                            re.findall(r'<section class="facet">(.*?)</section>', page, re.S)):
        counts = {}
        for href, n in re.findall(r'<a href="([^"]*)"[^>]*>[^<]*<span class="count">\((\d+)\)</span>', block):
            q = urllib.parse.parse_qs(urllib.parse.urlparse(html.unescape(href)).query)
            value = q[facet][0] if facet in q else chosen[facet]
            counts[value] = int(n)
        out.append(counts)
    return tuple(out)


def test_catalog_facets_count_within_the_search_and_no_empty_about(server, author):
    # Three courses only this test's search finds: two of "data" (beginner, advanced), one of "law".
    word = "facet" + "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
    made = []
    for category, level, description in (("data", "beginner", "**เนื้อหา**"), ("data", "advanced", ""),
                                         ("law", "beginner", "")):
        name = author.create(title_en="Course %s %s" % (word, level), category=category, level=level,
                             description=description)
        author.add_lesson(name, author.add_section(name))
        assert author.publish(name).status == 303
        made.append(name)
    anonymous = Browser(server)

    def facets(category="", level=""):
        page = anonymous.get("/learning?q=%s&category=%s&level=%s" % (word, category, level))
        assert page.status == 200
        return facet_map(page.text, {"category": category, "level": level})

    # Counted within the search, as the data catalog's facets are.
    assert facets() == ({"data": 2, "law": 1}, {"beginner": 2, "advanced": 1})
    # A level chosen: the categories count within it; the levels still within the search.
    assert facets(level="beginner") == ({"data": 1, "law": 1}, {"beginner": 2, "advanced": 1})
    # A category chosen: the levels count within it.
    assert facets(category="law") == ({"data": 2, "law": 1}, {"beginner": 1})
    # The API's category counts follow the search too.
    found = anonymous.get("/api/learning/courses?q=" + word).json()
    assert {c["name"]: c["count"] for c in found["categories"]} == {"data": 2, "law": 1}
    assert {c["name"]: c["count"] for c in found["levels"]} == {"beginner": 2, "advanced": 1}
    # "About the course" only over a description.
    assert 'id="about-title"' in anonymous.get("/learning/course/" + made[0]).text
    bare = anonymous.get("/learning/course/" + made[1]).text
    assert 'id="about-title"' not in bare
    assert "เกี่ยวกับหลักสูตร" not in bare
