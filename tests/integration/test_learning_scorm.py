"""SCORM lessons (issue 16) on a real server: an author uploads packages (hostile zips are refused
with a clear message on the upload field; the demo SCORM 2004 package is accepted and its item
tree shown); an enrolled learner launches, the runtime commits over HTTP from the package origin
with its per-attempt token (CORS for that origin alone), relaunches and resumes exactly where it
stopped; replayed and late commits change nothing; values over the caps are refused with the SCO's
error code; the package origin sends no cookie and serves nothing but /pkg and /run; finishing
both SCOs completes the lesson and the course, in the commit's own answer."""
import html
import http.client
import io
import json
import os
import re
import stat
import subprocess
import tempfile
import urllib.parse
import zipfile

import pytest

from govhub_harness import Browser
from learning_helpers import enrolled_learner
from test_learning_courses import Author, multipart

SOURCE = os.environ.get("GOVHUB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))


def field_error(page, field):
    m = re.search(r'<p class="field-error" id="%s-error">([^<]*)</p>' % field, page)
    return html.unescape(m.group(1)) if m else None


def raw(url, method="GET", body=None, headers=None):
    """One request to any origin (the package site), without cookies."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request(method, u.path + ("?" + u.query if u.query else ""), body=body, headers=headers or {})
    r = conn.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.getheaders(), r.read())
    conn.close()
    return out


def zip_of(entries, links=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
        for name, target in links:
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, target)
    return buf.getvalue()


MANIFEST_12 = """<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>t</title>
    <item identifier="i1" identifierref="r1"><title>one</title></item></organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>"""


@pytest.fixture(scope="module")
def demo_zip():
    out = os.path.join(tempfile.mkdtemp(prefix="scorm-it-"), "demo.zip")
    subprocess.run(["python3", os.path.join(SOURCE, "scripts/make-demo-scorm.py"), out], check=True)
    with open(out, "rb") as f:
        return f.read()


class Course:
    """An agency's published course with one SCORM lesson holding the demo package."""

    def __init__(self, server, smtp, sysadmin, demo_zip):
        self.author = Author(server, smtp, sysadmin)
        self.name = self.author.create()
        self.section = self.author.add_section(self.name)
        self.lesson = self.author.add_lesson(self.name, self.section, kind="scorm", title="ไซเบอร์ (SCORM)")
        r = upload(self.author.browser, self.lesson, demo_zip)
        assert r.status == 303, r.text[:3000]
        assert self.author.publish(self.name).status == 303


def upload(browser, lesson, data, filename="package.zip"):
    csrf = browser.csrf_from("/learning/lesson/%s/edit" % lesson)
    body, headers = multipart({"_csrf": csrf}, [("upload", filename, data)])
    headers["Accept-Language"] = "en"
    return browser.request("POST", "/learning/lesson/%s/media" % lesson, body=body, headers=headers)


@pytest.fixture(scope="module")
def course(server, smtp, sysadmin, demo_zip):
    return Course(server, smtp, sysadmin, demo_zip)


def launch(browser, lesson, sco=None):
    csrf = browser.csrf_from("/learning/my")
    r = browser.post_json("/api/learning/lessons/%s/scorm/launch" % lesson, {"sco": sco} if sco else {},
                          headers={"X-CSRF-Token": csrf})
    assert r.status == 200, r.text[:2000]
    return r.json()


def commit(server, token, body, origin=None):
    origin = origin or server.scorm_url()
    status, h, _, data = raw(server.url + "/api/learning/scorm/commit", "POST", json.dumps(body).encode(),
                             {"Authorization": "Bearer " + token, "Content-Type": "application/json",
                              "Origin": origin})
    return status, h, json.loads(data) if data else None


def test_hostile_and_broken_packages_are_refused_on_the_field(server, smtp, sysadmin):
    author = Author(server, smtp, sysadmin)
    name = author.create()
    lesson = author.add_lesson(name, author.add_section(name), kind="scorm")
    cases = [
        (zip_of({"imsmanifest.xml": MANIFEST_12, "index.html": "<p>x</p>", "../evil.html": "x"}), "outside the package"),
        (zip_of({"index.html": "<p>no manifest</p>"}), "imsmanifest.xml"),
        (zip_of({"imsmanifest.xml": MANIFEST_12, "index.html": "x"}, links=[("passwd", "/etc/passwd")]), "link"),
        (b"this is not a zip", "zip"),
    ]
    for data, words in cases:
        r = upload(author.browser, lesson, data)
        assert r.status == 422, r.text[:2000]
        message = field_error(r.text, "upload")
        assert message and words in message, (words, message)
    # Nothing was kept: the lesson still has no package, and nothing was unpacked.
    assert not server.query("SELECT lesson_id FROM learning_scorm_packages WHERE lesson_id = '%s'" % lesson)
    root = os.path.join(server.data_dir, "learning", "scorm")
    assert not [d for d in (os.listdir(root) if os.path.isdir(root) else []) if d.startswith(lesson)]
    # A valid SCORM 1.2 package is accepted and its tree shown.
    r = upload(author.browser, lesson, zip_of({"imsmanifest.xml": MANIFEST_12, "index.html": "<p>x</p>"}))
    assert r.status == 303, r.text[:2000]
    page = author.browser.get("/learning/lesson/%s/edit" % lesson).text
    assert "SCORM 1.2" in page and 'id="package-items"' in page and ">one<" in page
    # A package of a few hundred bytes says so (not "0 MiB").
    assert re.search(r"\(\d+ B\)</dd>", page) and "MiB)" not in page


def test_demo_package_shows_its_tree_and_declares_no_sequencing(course):
    page = course.author.browser.get("/learning/lesson/%s/edit" % course.lesson).text
    assert "SCORM 2004" in page
    for title in ("รหัสผ่านและการยืนยันตัวตนสองชั้น",):
        assert title in page


def test_commit_resume_round_trip_over_http(server, smtp, course):
    learner, _ = enrolled_learner(server, smtp, course.name)
    first = launch(learner, course.lesson)
    assert first["version"] == "2004" and len(first["items"]) == 2
    sco = first["sco"]
    assert sco == first["items"][0]["id"]
    assert first["cmi"]["entry"] == "ab-initio"
    assert first["run_url"].startswith(server.scorm_url() + "/run/")
    token, seq = first["token"], first["seq_start"]
    big = "ก" * 60000  # Thai: 60,000 characters, 180,000 bytes
    status, h, answer = commit(server, token, {"seq": seq, "terminate": True, "cmi": {
        "cmi.location": "page-3", "cmi.suspend_data": big, "cmi.exit": "suspend",
        "cmi.completion_status": "incomplete", "cmi.progress_measure": "0.5", "cmi.session_time": "PT1M"}})
    assert status == 200 and answer["result"] == "true", answer
    assert h.get("access-control-allow-origin") == server.scorm_url()
    assert answer["progress"]["percent"] == 0 and answer["lesson"]["completed"] is False
    # The same beacon again, and a late one from before it: harmless, nothing changes.
    status, _, again = commit(server, token, {"seq": seq, "cmi": {"cmi.location": "replayed"}})
    assert status == 200 and again == {"result": "true", "stale": True}
    status, _, late = commit(server, token, {"seq": seq - 1, "cmi": {"cmi.location": "late"}})
    assert status == 200 and late["stale"] is True
    # Over the cap: refused whole with SCORM 2004's 407, nothing changed.
    status, _, refused = commit(server, token, {"seq": seq + 1, "cmi": {
        "cmi.suspend_data": "x" * 64001, "cmi.location": "refused"}})
    assert status == 422 and refused["result"] == "false" and refused["errorCode"] == 407, refused
    # Relaunch: the data model comes back as it was left, entered as a resume.
    again = launch(learner, course.lesson, sco)
    assert again["token"] != token
    assert again["seq_start"] > seq
    cmi = again["cmi"]
    assert cmi["entry"] == "resume"
    assert cmi["location"] == "page-3"
    assert cmi["suspend_data"] == big
    assert cmi["total_time"] == "PT1M"
    # The runtime page on the package origin carries the new token and the same data model.
    status, h, headers, body = raw(again["run_url"])
    assert status == 200, body[:500]
    page = body.decode()
    assert 'data-token="%s"' % again["token"] in page and "page-3" in page
    assert 'data-commit-url="%s/api/learning/scorm/commit"' % server.url in page
    assert not [v for k, v in headers if k.lower() == "set-cookie"]
    assert "frame-ancestors " + server.url in h["content-security-policy"]


def test_tokens_origins_and_the_package_site(server, smtp, course):
    learner, _ = enrolled_learner(server, smtp, course.name)
    l = launch(learner, course.lesson)
    body = {"seq": l["seq_start"], "cmi": {"cmi.location": "p1"}}
    status, h, answer = commit(server, "not-a-token", body)
    assert status == 401 and h.get("access-control-allow-origin") == server.scorm_url()
    # Another origin's script gets no CORS answer (the browser then hides the reply from it).
    status, h, _ = commit(server, l["token"], body, origin="https://evil.example")
    assert status == 200 and "access-control-allow-origin" not in h
    status, h, _, _ = raw(server.url + "/api/learning/scorm/commit", "OPTIONS", headers={
        "Origin": server.scorm_url(), "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert status == 204 and h["access-control-allow-origin"] == server.scorm_url()
    assert "Authorization" in h["access-control-allow-headers"] and int(h["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in h
    status, h, _, _ = raw(server.url + "/api/learning/scorm/commit", "OPTIONS",
                          headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in h
    # A site session does not stand in for the token.
    r = learner.post_json("/api/learning/scorm/commit", body)
    assert r.status == 401
    # The package origin: the package's files and the runtime page, nothing of the site.
    pkg = server.scorm_url()
    dir_ = server.query("SELECT dir FROM learning_scorm_packages WHERE lesson_id = '%s'" % course.lesson)[0][0]
    status, h, headers, data = raw(pkg + "/pkg/%s/imsmanifest.xml" % dir_)
    assert status == 200 and b"ITEM-PASSWORDS" in data and h["x-content-type-options"] == "nosniff"
    assert not [v for k, v in headers if k.lower() == "set-cookie"]
    for path in ("/", "/learning", "/user/login", "/api/learning/courses", "/static/js/learning.js",
                 "/pkg/%s/../../govhub.db" % dir_, "/pkg/%s/%%2e%%2e/x" % dir_, "/pkg/../govhub.db",
                 "/run/not-a-token", "/healthz"):
        status, _, headers, _ = raw(pkg + path, headers={"Cookie": "govhub_session=x"})
        assert status == 404, (path, status)
        assert not [v for k, v in headers if k.lower() == "set-cookie"], path
    # The lesson page frames the runtime from the package origin, and only that origin.
    page = learner.get("/learning/lesson/" + course.lesson)
    assert page.status == 200
    assert 'data-scorm-origin="%s"' % pkg in page.text and 'title="' in page.text
    assert "frame-src 'self' " + pkg in page.header("Content-Security-Policy")


def test_both_scos_done_completes_the_lesson_and_the_course(server, smtp, course):
    learner, _ = enrolled_learner(server, smtp, course.name)
    first = launch(learner, course.lesson)
    status, _, a = commit(server, first["token"], {"seq": first["seq_start"], "terminate": True, "cmi": {
        "cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.exit": "normal"}})
    assert status == 200 and a["sco"]["done"] is True, a
    assert a["lesson"]["completed"] is False and a["lesson"]["percent"] == 50
    assert a["progress"]["completed"] is False
    # The lesson page tells the learner how many of its parts are done.
    assert "ทำแล้ว 1 จาก 2 ส่วน" in learner.get("/learning/lesson/" + course.lesson).text
    # The launch without a choice opens the first item not done; the menu says which is done.
    second = launch(learner, course.lesson)
    assert second["sco"] != first["sco"]
    assert [i["done"] for i in second["items"]] == [True, False]
    # SCO 2's passing score (0.5) decides: 0.4 fails, not done.
    status, _, b = commit(server, second["token"], {"seq": second["seq_start"], "cmi": {
        "cmi.completion_status": "completed", "cmi.score.scaled": "0.4", "cmi.success_status": "passed"}})
    assert status == 200 and b["sco"]["done"] is False and b["lesson"]["completed"] is False, b
    status, _, c = commit(server, second["token"], {"seq": second["seq_start"] + 1, "terminate": True, "cmi": {
        "cmi.score.scaled": "0.9", "cmi.score.raw": "90", "cmi.score.min": "0", "cmi.score.max": "100"}})
    assert status == 200 and c["sco"]["done"] is True, c
    assert c["lesson"]["completed"] is True and c["lesson"]["percent"] == 100
    assert c["lesson"]["score"] == 90
    assert c["progress"]["completed"] is True and c["progress"]["percent"] == 100
    # The course page agrees (the same transaction recorded it).
    outline = learner.get("/api/learning/courses/" + course.name).json()
    assert outline["progress"]["completed"] is True
    assert "2 of 2 parts done" in learner.get("/learning/lesson/%s?lang=en" % course.lesson).text


def test_forged_seqs_and_bursts_of_session_time_gain_nothing(server, smtp, course):
    """An attacker's findings: one commit with seq 2^63-1 made every later commit of the SCO
    "stale" for good, and 300 commits sent in a second, each with a session time 2 s longer,
    credited ten minutes of study."""
    learner, _ = enrolled_learner(server, smtp, course.name)
    l = launch(learner, course.lesson)
    token, seq = l["token"], l["seq_start"]
    for forged in (2 ** 63 - 1, seq + 10 ** 12):
        status, _, answer = commit(server, token, {"seq": forged, "cmi": {"cmi.location": "frozen"}})
        assert status == 400, (forged, answer)
    status, _, answer = commit(server, token, {"seq": seq, "cmi": {"cmi.location": "kept"}})
    assert status == 200 and answer.get("stale") is not True, answer
    again = launch(learner, course.lesson, l["sco"])
    assert again["cmi"]["location"] == "kept" and again["seq_start"] < 2 ** 53
    token, seq = again["token"], again["seq_start"]
    last = None
    for i in range(1, 41):
        status, _, last = commit(server, token, {"seq": seq + i, "cmi": {"cmi.session_time": "PT%dS" % (2 * i)}})
        assert status == 200, last
    # Forty commits claiming 80 s, sent back to back: credited no more than the wall time.
    assert last["progress"]["study_seconds"] < 10, last
