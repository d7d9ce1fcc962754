"""The workflow's generic request pages as an applicant and staff read them (issue 18's usability
walk): "My requests" is linked from the account menu and the profile, lists each request's
subject and says a draft is not submitted yet; the staff's question and the decision's reason
stand at the top of the applicant's page; dates are in the reader's form and empty values are
not shown; one heading per meaning; English states are capitalised; a step may name its own note
(the hand-over's "what was done"); the queue's state filter uses one word per state; the login
says where it leads and the register link keeps the way back."""
import html
import re
import time

from accounts_helpers import register, unique_name
from govhub_harness import Browser
from test_workd_form import TOMORROW
from test_workd_review import agency, api, filed, grant, person, step
from test_workd_form import good


def text(r):
    return html.unescape(r.text)


def test_my_requests_is_linked_and_tells_requests_apart(server, smtp, sysadmin):
    requester = person(server, smtp, "g1mine")
    home = text(requester.get("/"))
    assert 'href="/requests"' in home and "คำขอของฉัน" in home
    assert 'href="/requests"' in text(requester.get("/user/" + requester.name))
    ref = filed(requester, mail=4, conference=0)
    # A draft: never filed, so no filing date.
    r = api(requester, "POST", "/api/workd/requests",
            good(agency_name_th="สำนักงานร่างทดสอบ", agency_name_en="Draft Test Office"))
    assert r.status == 201, r.text
    draft = r.json()["reference"]
    page = text(requester.get("/requests"))
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr>\s*<td><a href="/requests/([^"]+)".*?</tr>',
                                                         page, re.S)}
    assert "สำนักงานทดสอบพิจารณา" in rows[ref]  # the subject: the agency it is for
    assert "สำนักงานร่างทดสอบ" in rows[draft]
    assert "ยังไม่ได้ยื่น" in rows[draft] and "ยังไม่ได้ยื่น" not in rows[ref]
    assert "Not submitted yet" in text(requester.get("/requests?lang=en"))


def test_the_staff_question_dates_and_headings_on_the_request_page(server, smtp, sysadmin):
    requester = person(server, smtp, "g1ask")
    reviewer = person(server, smtp, "g1askr")
    grant(server, reviewer.name)
    ref = filed(requester, mail=6, conference=1)
    question = "โปรดแนบสำเนาคำสั่งแต่งตั้งผู้ประสานงาน"
    assert step(reviewer, ref, "ask_info", note=question).status == 200
    page = text(requester.get("/requests/" + ref))
    top = page.index('class="alert warning latest-note"')
    assert page.index(question) < page.index("ประวัติ") and top < page.index(question)
    assert "เจ้าหน้าที่ขอข้อมูลเพิ่มเติม" in page
    # Dates in the reader's form: the start date in the Buddhist era, never ISO.
    assert TOMORROW.isoformat() not in page
    assert str(TOMORROW.year + 543) in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", page)
    # Empty values (no village number, no own domain) have no row.
    assert not re.search(r"<dd[^>]*>\s*</dd>", page)
    # One heading per meaning: the step form is not a second "next step(s)".
    assert "ขั้นตอนถัดไป" not in page
    en = text(requester.get("/requests/" + ref + "?lang=en"))
    assert "<strong>More information asked</strong>" in en
    assert "Staff ask for more information" in en and question in en
    # Decided: the reason stands at the top.
    assert step(requester, ref, "resubmit").status == 200
    assert step(reviewer, ref, "reject", note="ไม่ใช่หน่วยงานของรัฐ").status == 200
    page = text(requester.get("/requests/" + ref + "?lang=th"))
    assert "เหตุผลประกอบผลการพิจารณา" in page
    assert page.index("ไม่ใช่หน่วยงานของรัฐ") < page.index("ประวัติ")
    assert "<strong>Not approved</strong>" in text(requester.get("/requests/" + ref + "?lang=en"))


def test_hand_over_note_parent_link_and_the_queue_filter(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบหน้าคำขอ")
    requester = person(server, smtp, "g1hand")
    reviewer = person(server, smtp, "g1handr")
    for t in ("workd_service", "workd_handover", "officer_membership"):
        grant(server, reviewer.name, t)
    ref = filed(requester, org, mail=3, conference=0)
    assert step(reviewer, ref, "approve").status == 200
    deadline = time.time() + 10
    children = []
    while time.time() < deadline and not children:
        children = api(reviewer, "GET", "/api/requests/" + ref).json()["children"]
        time.sleep(0.2)
    wh = children[0]["reference"]
    page = text(reviewer.get("/staff/requests/" + wh))
    assert "สิ่งที่ดำเนินการแล้ว" in page and "ต้องระบุเหตุผล" not in page
    assert "เกี่ยวข้องกับคำขอ" in page and "เป็นคำขอเปลี่ยนแปลงของ" not in page
    r = reviewer.post_form("/staff/requests/" + wh, {"transition": "close", "note": ""},
                           csrf_page="/staff/requests/" + wh)
    assert r.status == 409 and "กรุณาระบุสิ่งที่ดำเนินการแล้ว" in text(r)
    r = step(reviewer, wh, "close", lang="en")
    assert r.status == 409 and "Say what was done" in r.text
    en = text(reviewer.get("/staff/requests/" + wh + "?lang=en"))
    assert "What was done" in en and "Related to request" in en
    # The queue's state filter says "waiting for review" as the rows do, once.
    queue = text(reviewer.get("/staff/requests?lang=th"))
    options = re.search(r'<select id="state".*?</select>', queue, re.S).group(0)
    assert "รอพิจารณา" in options and "รอตรวจสอบ" not in options
    assert 'class="filter"' in queue


def test_login_says_where_it_leads_and_register_keeps_it(server, smtp):
    b = Browser(server)
    page = text(b.get("/user/login?next=/workd/apply"))
    # It says signing in leads on, without showing the raw path as text.
    assert "กรุณาเข้าสู่ระบบเพื่อดำเนินการต่อ" in page
    assert "ดำเนินการต่อที่" not in page and ">/workd/apply" not in page
    assert 'href="/user/register?next=/workd/apply"' in page
    en = text(b.get("/user/login?next=/workd/requests/new&lang=en"))
    assert "Sign in to continue." in en and "continue to /workd" not in en
    assert 'name="next" value="/workd/requests/new"' in en
    assert "กรุณาเข้าสู่ระบบเพื่อดำเนินการต่อ" not in text(b.get("/user/login?lang=th"))
    reg = text(b.get("/user/register?next=/workd/apply&lang=th"))
    assert 'name="next" value="/workd/apply"' in reg
    # Off-site addresses are not carried.
    assert 'value="https://evil' not in text(b.get("/user/register?next=https://evil.example/"))
    # Registering from there: the activation link and the confirmed page lead back.
    name = unique_name("g1next")
    r = register(b, name, next="/workd/apply")
    assert r.status == 201, r.text
    assert 'href="/user/login?next=/workd/apply"' in text(r)
    link = smtp.last_link(name + "@example.go.th",
                          r"http://[^\s]+/user/verify\?token=[A-Za-z0-9_-]+&next=[^\s]+")
    assert link.endswith("&next=%2Fworkd%2Fapply"), link
    done = text(b.get(link[link.index("/user/"):]))
    assert 'href="/user/login?next=/workd/apply"' in done
    r = b.post_form("/user/login", {"login": name, "password": "รหัสผ่าน-ที่ดี-2569",
                                    "next": "/workd/apply"})
    assert r.status == 303 and r.header("Location").endswith("/workd/apply")
