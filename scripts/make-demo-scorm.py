#!/usr/bin/env python3
"""Builds a small SCORM 2004 4th Edition package in Thai, for demonstrations and tests of
Learning's SCORM import and runtime (issue 16):

    python3 scripts/make-demo-scorm.py OUT.zip

"ความปลอดภัยไซเบอร์เบื้องต้น" (basic cyber security): one organization whose folder item holds
two SCOs. Each SCO is one HTML page showing 4 "pages" one at a time, navigated by its own
buttons. Its script (written here, no library) finds API_1484_11 in the parent or opener
windows, resumes at cmi.location / cmi.suspend_data, reports cmi.progress_measure on every page
change, completes at the last page, and leaves with cmi.exit "suspend" unless complete. The
last page of SCO 2 is a two-question check that sets cmi.score.* and cmi.success_status against
the scaled passing score the manifest declares (imsss:primaryObjective, 0.5).

Standard library only; the zip is byte-for-byte the same on every run.
"""
import sys
import zipfile

TITLE = "ความปลอดภัยไซเบอร์เบื้องต้น"
PASSING_SCORE = "0.5"

MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="th.go.govhub.demo.cyber-basics" version="1.0"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd
                        http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd
                        http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd
                        http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd
                        http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="ORG-CYBER">
    <organization identifier="ORG-CYBER">
      <title>{TITLE}</title>
      <item identifier="ITEM-MODULE">
        <title>บทเรียนที่ 1: ป้องกันบัญชีและข้อมูลของคุณ</title>
        <item identifier="ITEM-PASSWORDS" identifierref="RES-PASSWORDS">
          <title>รหัสผ่านและการยืนยันตัวตนสองชั้น</title>
        </item>
        <item identifier="ITEM-PHISHING" identifierref="RES-PHISHING">
          <title>รู้ทันฟิชชิงและแบบทดสอบท้ายบท</title>
          <imsss:sequencing>
            <imsss:objectives>
              <imsss:primaryObjective objectiveID="PHISHING-CHECK" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>{PASSING_SCORE}</imsss:minNormalizedMeasure>
              </imsss:primaryObjective>
            </imsss:objectives>
          </imsss:sequencing>
        </item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-PASSWORDS" type="webcontent" adlcp:scormType="sco"
        href="sco1/index.html">
      <file href="sco1/index.html"/>
      <dependency identifierref="RES-COMMON"/>
    </resource>
    <resource identifier="RES-PHISHING" type="webcontent" adlcp:scormType="sco"
        href="sco2/index.html">
      <file href="sco2/index.html"/>
      <dependency identifierref="RES-COMMON"/>
    </resource>
    <resource identifier="RES-COMMON" type="webcontent" adlcp:scormType="asset">
      <file href="shared/sco.js"/>
      <file href="shared/style.css"/>
    </resource>
  </resources>
</manifest>
"""

CSS = """* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; padding: 1rem; color: #1b1b1b; background: #fafafa;
  font-family: "Sarabun", "Noto Sans Thai", "Leelawadee UI", "Tahoma", sans-serif;
  font-size: 1.125rem; line-height: 1.75;
}
main { max-width: 40rem; margin: 0 auto; }
h1 { font-size: 1.4rem; line-height: 1.4; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; line-height: 1.4; }
p, li { overflow-wrap: anywhere; }
.progress { color: #555; font-size: .95rem; margin: 0 0 1rem; }
.notice { background: #fff4ce; border-left: 4px solid #c99a00; padding: .5rem .75rem; }
.page[hidden] { display: none; }
.tip { background: #e8f1fb; border-left: 4px solid #1f5fa8; padding: .5rem .75rem; }
nav { display: flex; gap: .75rem; justify-content: space-between; margin-top: 1.5rem; }
button {
  font: inherit; min-height: 2.75rem; padding: .4rem 1rem; border-radius: .4rem;
  border: 1px solid #1f5fa8; background: #1f5fa8; color: #fff; cursor: pointer;
}
button.secondary { background: #fff; color: #1f5fa8; }
button:disabled { opacity: .45; cursor: default; }
fieldset { border: 1px solid #ccc; border-radius: .4rem; margin: 0 0 1rem; padding: .5rem .75rem; }
legend { font-weight: bold; padding: 0 .25rem; }
label { display: block; padding: .25rem 0; }
.result { font-weight: bold; }
"""

# The SCO's own script: finds the LMS, resumes, reports progress. Runs without an LMS too (the
# pages then say their progress is not recorded).
JS = r"""(function () {
  "use strict";

  // SCORM 2004: the LMS puts API_1484_11 in a parent frame or in the window that opened us.
  function findIn(win) {
    for (var hops = 0; win && hops < 10; hops++) {
      try {
        if (win.API_1484_11) return win.API_1484_11;
      } catch (e) { /* another origin: keep climbing */ }
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  function findApi() {
    var api = findIn(window);
    if (!api && window.opener) {
      try { api = findIn(window.opener); } catch (e) { api = null; }
    }
    if (!api && window.top && window.top.opener) {
      try { api = findIn(window.top.opener); } catch (e) { api = null; }
    }
    return api;
  }

  var api = null, started = 0, finished = false, completed = false;
  var pages = [], current = 0, state = { visited: [], answers: null };

  function get(name) {
    if (!api) return "";
    var v = api.GetValue(name);
    return v === null || v === undefined ? "" : String(v);
  }
  function set(name, value) {
    if (api) api.SetValue(name, String(value));
  }
  function commit() {
    if (api) api.Commit("");
  }

  // ISO 8601 duration for cmi.session_time, e.g. PT2M5.5S.
  function duration(ms) {
    var s = Math.max(0, ms) / 1000, h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    var sec = Math.round((s % 60) * 100) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + sec + "S";
  }

  function saveState() {
    set("cmi.location", String(current));
    set("cmi.suspend_data", JSON.stringify(state));
    var measure = Math.min(1, state.visited.length / pages.length);
    set("cmi.progress_measure", measure.toFixed(2));
    if (current === pages.length - 1 && !completed) {
      completed = true;
      set("cmi.completion_status", "completed");
    }
    commit();
  }

  function show(index) {
    current = Math.max(0, Math.min(pages.length - 1, index));
    for (var i = 0; i < pages.length; i++) pages[i].hidden = i !== current;
    if (state.visited.indexOf(current) < 0) state.visited.push(current);
    document.getElementById("where").textContent =
      "หน้า " + (current + 1) + " จาก " + pages.length;
    document.getElementById("prev").disabled = current === 0;
    document.getElementById("next").disabled = current === pages.length - 1;
    window.scrollTo(0, 0);
    saveState();
  }

  // The two-question check (SCO 2): cmi.score.* and cmi.success_status.
  function grade(form) {
    var questions = form.querySelectorAll("fieldset[data-answer]");
    var right = 0, answers = [];
    for (var i = 0; i < questions.length; i++) {
      var chosen = questions[i].querySelector("input:checked");
      answers.push(chosen ? chosen.value : "");
      if (chosen && chosen.value === questions[i].getAttribute("data-answer")) right++;
    }
    var scaled = questions.length ? right / questions.length : 0;
    var passing = parseFloat(get("cmi.scaled_passing_score"));
    if (isNaN(passing)) passing = parseFloat(form.getAttribute("data-passing"));
    var passed = scaled >= passing;
    state.answers = answers;
    set("cmi.score.min", "0");
    set("cmi.score.max", String(questions.length));
    set("cmi.score.raw", String(right));
    set("cmi.score.scaled", scaled.toFixed(2));
    set("cmi.success_status", passed ? "passed" : "failed");
    saveState();
    var out = form.querySelector(".result");
    out.textContent = "ตอบถูก " + right + " จาก " + questions.length + " ข้อ: " +
      (passed ? "ผ่านเกณฑ์ ยินดีด้วย" : "ยังไม่ผ่านเกณฑ์ ลองทบทวนเนื้อหาแล้วตอบใหม่อีกครั้ง");
  }

  function finish() {
    if (!api || finished) return;
    finished = true;
    set("cmi.session_time", duration(Date.now() - started));
    // Unfinished work is kept for next time; a completed SCO exits normally.
    set("cmi.exit", completed ? "normal" : "suspend");
    commit();
    api.Terminate("");
  }

  function start() {
    started = Date.now();
    pages = Array.prototype.slice.call(document.querySelectorAll(".page"));
    api = findApi();
    if (api && String(api.Initialize("")) !== "true") api = null;
    if (!api) document.getElementById("no-lms").hidden = false;

    var resume = 0;
    if (api) {
      completed = get("cmi.completion_status") === "completed";
      try {
        var saved = JSON.parse(get("cmi.suspend_data") || "null");
        if (saved && saved.visited instanceof Array) state = saved;
      } catch (e) { /* unreadable: start over */ }
      var loc = parseInt(get("cmi.location"), 10);
      if (!isNaN(loc) && loc >= 0 && loc < pages.length) resume = loc;
      if (get("cmi.completion_status") === "not attempted")
        set("cmi.completion_status", "incomplete");
    }
    if (state.answers) {
      var form = document.getElementById("check");
      if (form) {
        var sets = form.querySelectorAll("fieldset[data-answer]");
        for (var i = 0; i < sets.length && i < state.answers.length; i++) {
          var input = sets[i].querySelector("input[value='" + state.answers[i] + "']");
          if (input) input.checked = true;
        }
      }
    }
    document.getElementById("prev").onclick = function () { show(current - 1); };
    document.getElementById("next").onclick = function () { show(current + 1); };
    var check = document.getElementById("check");
    if (check) check.onsubmit = function (e) { e.preventDefault(); grade(check); };
    show(resume);
  }

  window.addEventListener("load", start);
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
})();
"""


def sco_page(title, pages_html):
    return f"""<!DOCTYPE html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="../shared/style.css">
<script src="../shared/sco.js"></script>
</head>
<body>
<main>
<h1>{title}</h1>
<p class="progress" id="where" aria-live="polite"></p>
<p class="notice" id="no-lms" hidden>ไม่พบระบบจัดการการเรียนรู้ (LMS): เปิดอ่านได้ แต่ระบบจะไม่บันทึกความคืบหน้า</p>
{pages_html}
<nav>
<button type="button" class="secondary" id="prev">&larr; ก่อนหน้า</button>
<button type="button" id="next">ถัดไป &rarr;</button>
</nav>
</main>
</body>
</html>
"""


SCO1 = sco_page("รหัสผ่านและการยืนยันตัวตนสองชั้น", """
<section class="page">
<h2>ทำไมบัญชีของเราจึงถูกเจาะ</h2>
<p>บัญชีอีเมลและบัญชีระบบงานของหน่วยงานมักถูกเจาะเพราะรหัสผ่านที่เดาง่าย หรือรหัสผ่านเดียวกันที่ใช้ซ้ำหลายเว็บไซต์ เมื่อเว็บไซต์หนึ่งข้อมูลรั่วไหล ผู้ไม่หวังดีจะนำรหัสผ่านนั้นไปลองเข้าสู่ระบบอื่นโดยอัตโนมัติ</p>
<p>ในบทนี้เราจะเรียนรู้วิธีตั้งรหัสผ่านที่ปลอดภัยและจดจำได้ การใช้โปรแกรมจัดการรหัสผ่าน และการเปิดใช้การยืนยันตัวตนสองชั้น</p>
</section>
<section class="page" hidden>
<h2>รหัสผ่านที่ดี: ยาว และไม่ซ้ำ</h2>
<ul>
<li>ใช้วลีรหัสผ่านยาวอย่างน้อย 12 ตัวอักษร เช่น คำหลายคำที่ไม่เกี่ยวข้องกันต่อกัน</li>
<li>ไม่ใช้ข้อมูลส่วนตัว เช่น วันเกิด เลขประจำตัวประชาชน หรือเบอร์โทรศัพท์</li>
<li>ใช้รหัสผ่านคนละชุดสำหรับแต่ละบริการ โดยเฉพาะอีเมลของหน่วยงาน</li>
</ul>
<p class="tip">ความยาวสำคัญกว่าการใส่สัญลักษณ์แปลก ๆ ที่ทำให้เราจำไม่ได้แล้วต้องจดไว้ข้างจอ</p>
</section>
<section class="page" hidden>
<h2>โปรแกรมจัดการรหัสผ่าน</h2>
<p>โปรแกรมจัดการรหัสผ่านช่วยสร้างและจำรหัสผ่านที่ยาวและไม่ซ้ำกันให้ทุกบริการ เราจำเพียงรหัสผ่านหลักเดียวที่แข็งแรง</p>
<p>หากหน่วยงานมีโปรแกรมที่อนุญาตให้ใช้ ให้ใช้โปรแกรมนั้น และอย่าบันทึกรหัสผ่านไว้ในไฟล์เอกสารหรือกระดาษโน้ต</p>
</section>
<section class="page" hidden>
<h2>การยืนยันตัวตนสองชั้น</h2>
<p>การยืนยันตัวตนสองชั้นขอสิ่งที่สองนอกจากรหัสผ่าน เช่น รหัสจากแอปยืนยันตัวตนบนโทรศัพท์ แม้รหัสผ่านรั่วไหล ผู้ไม่หวังดีก็ยังเข้าบัญชีไม่ได้</p>
<p>อย่าบอกรหัสยืนยันให้ผู้อื่นทางโทรศัพท์หรือข้อความ เจ้าหน้าที่ไอทีตัวจริงจะไม่ขอรหัสนี้จากคุณ</p>
<p class="tip">จบบทเรียนส่วนนี้แล้ว ไปต่อที่บทเรียน "รู้ทันฟิชชิง" ในเมนูบทเรียน</p>
</section>
""")

SCO2 = sco_page("รู้ทันฟิชชิงและแบบทดสอบท้ายบท", f"""
<section class="page">
<h2>ฟิชชิงคืออะไร</h2>
<p>ฟิชชิงคือการหลอกให้เรากดลิงก์ เปิดไฟล์แนบ หรือกรอกรหัสผ่าน โดยปลอมเป็นหน่วยงานหรือบุคคลที่เราไว้ใจ ทางอีเมล ข้อความ SMS หรือแอปสนทนา</p>
<p>ข้อความฟิชชิงมักเร่งให้รีบทำ เช่น "บัญชีของท่านจะถูกระงับภายใน 24 ชั่วโมง"</p>
</section>
<section class="page" hidden>
<h2>สัญญาณเตือน</h2>
<ul>
<li>ชื่อผู้ส่งคุ้นเคย แต่ที่อยู่อีเมลหรือชื่อโดเมนสะกดแปลกไปเล็กน้อย</li>
<li>ลิงก์พาไปหน้าเข้าสู่ระบบที่ที่อยู่เว็บไม่ใช่ของหน่วยงาน</li>
<li>ขอข้อมูลส่วนบุคคล รหัสผ่าน หรือรหัสยืนยัน</li>
<li>ไฟล์แนบที่ไม่ได้คาดหมาย โดยเฉพาะไฟล์ที่ขอให้เปิดใช้งานมาโคร</li>
</ul>
</section>
<section class="page" hidden>
<h2>เมื่อสงสัยให้ทำอย่างไร</h2>
<p>อย่ากดลิงก์หรือตอบกลับ ตรวจสอบกับผู้ส่งผ่านช่องทางอื่นที่รู้จักอยู่แล้ว และแจ้งผู้ดูแลระบบของหน่วยงาน</p>
<p class="tip">หากเผลอกรอกรหัสผ่านไปแล้ว ให้เปลี่ยนรหัสผ่านทันทีและแจ้งผู้ดูแลระบบ</p>
</section>
<section class="page" hidden>
<h2>แบบทดสอบท้ายบท</h2>
<form id="check" data-passing="{PASSING_SCORE}">
<fieldset data-answer="b">
<legend>1. ข้อใดเป็นสัญญาณของอีเมลฟิชชิง</legend>
<label><input type="radio" name="q1" value="a"> อีเมลแจ้งกำหนดการประชุมจากหัวหน้าที่นัดไว้แล้ว</label>
<label><input type="radio" name="q1" value="b"> อีเมลเร่งให้ยืนยันรหัสผ่านภายใน 24 ชั่วโมงผ่านลิงก์</label>
<label><input type="radio" name="q1" value="c"> จดหมายข่าวที่เราสมัครรับไว้เอง</label>
</fieldset>
<fieldset data-answer="c">
<legend>2. มีผู้โทรมาอ้างว่าเป็นเจ้าหน้าที่ไอทีและขอรหัสยืนยันตัวตน ควรทำอย่างไร</legend>
<label><input type="radio" name="q2" value="a"> บอกรหัสไปเพราะเป็นเจ้าหน้าที่ของหน่วยงาน</label>
<label><input type="radio" name="q2" value="b"> ส่งรหัสทางข้อความแทนการบอกทางโทรศัพท์</label>
<label><input type="radio" name="q2" value="c"> ไม่ให้รหัส และแจ้งผู้ดูแลระบบผ่านช่องทางที่รู้จัก</label>
</fieldset>
<button type="submit">ส่งคำตอบ</button>
<p class="result" aria-live="polite"></p>
</form>
</section>
""")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-demo-scorm.py OUT.zip")
    files = [
        ("imsmanifest.xml", MANIFEST),
        ("shared/style.css", CSS),
        ("shared/sco.js", JS),
        ("sco1/index.html", SCO1),
        ("sco2/index.html", SCO2),
    ]
    with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files:
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))


if __name__ == "__main__":
    main()
