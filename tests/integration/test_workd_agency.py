"""workD's agency view at /workd (issue 18, "Agency view"): who sees what — the agency's
administrators their agency's service (state, clocks, counts approved and used, domains with their
DNS status, the requests with their history), another agency's administrator nothing of it,
anonymous visitors the service's description and "request the service"; "request a change" on an
approved service; and the demo data that --seed-demo files (idempotent across restarts)."""
import datetime
import html
import re
import time

from govhub_harness import Browser, Server
from accounts_helpers import login
from test_workd_review import agency, api, filed, grant, make_admin, person, step


def text(r):
    return html.unescape(r.text)


def section(page, title):
    """The agency's section of /workd (from its heading to the next agency's), or ''."""
    for s in re.findall(r'<section class="workd-agency[^>]*>(.*?)</section>', page, re.S):
        if title in s:
            return s
    return ""


def wait_for_handover(reviewer, ref, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        children = api(reviewer, "GET", "/api/requests/" + ref).json()["children"]
        if children:
            return children[0]["reference"]
        time.sleep(0.1)
    raise AssertionError("no hand-over opened for " + ref)


def test_who_sees_what_on_workd(server, smtp, sysadmin):
    org = agency(server, sysadmin, "กรมทดสอบมุมมองหน่วยงาน")
    other = agency(server, sysadmin, "กรมอื่นทดสอบมุมมอง")
    requester = person(server, smtp, "wdagreq")
    admin = person(server, smtp, "wdagadm")
    make_admin(server, sysadmin, org, admin.name)
    stranger = person(server, smtp, "wdagstr")
    make_admin(server, sysadmin, other, stranger.name)
    reviewer = person(server, smtp, "wdagrev")
    grant(server, reviewer.name)
    grant(server, reviewer.name, "workd_handover")

    # Anonymous: the description and the button, nothing of any agency.
    for lang, button in (("th", "ยื่นคำขอใช้บริการ workD"), ("en", "")):
        r = Browser(server).get("/workd?lang=" + lang)
        assert r.status == 200
        page = text(r)
        assert 'href="/workd/requests/new"' in page and "workd-agency" not in page
        if button:
            assert button in page and "5 วันทำการ" in page  # the static page's steps are kept
        # What this site does, without saying the service is not open here; what comes later;
        # DGA spelled out; the steps' column not a repeat of the heading.
        if lang == "th":
            assert "ทำอะไรได้บนเว็บไซต์นี้" in page and "บัญชีอีเมลและห้องประชุมออนไลน์ยังไม่ได้เปิดจากเว็บไซต์นี้" in page
            assert "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) (สพร.)" in page
            assert '<th scope="col">ขั้นตอน</th>' in page
        else:
            assert "What you can do on this site" in page and "Mailboxes and meeting rooms are not yet opened" in page
            assert "Digital Government Development Agency (Public Organization) (DGA)" in page
        assert "coming-title" not in page

    label = "wdag" + str(int(time.time() * 1000))[-8:]
    ref = filed(requester, org, mail=50, conference=10, subdomain=label)
    # The agency's admin sees the request waiting for review with its 5-working-day clock.
    page = text(admin.get("/workd?lang=th"))
    mine = section(page, "กรมทดสอบมุมมองหน่วยงาน")
    assert mine, page[-3000:]
    assert ref in mine and "รอพิจารณา" in mine and "การพิจารณาคำขอ" in mine
    assert "5 วันทำการ" in mine and "ครบกำหนด" in mine and "2569" in mine  # a Buddhist-era date
    assert "ยังไม่มีบริการที่อนุมัติ" in mine
    # The admin did not file it: no link to the applicant's page, the history inline instead.
    assert 'href="/requests/%s"' % ref not in mine and "ประวัติ" in mine
    # Another agency's admin and the requester (not an admin of the agency) see nothing of it.
    for who in (stranger, requester):
        page = text(who.get("/workd?lang=th"))
        assert ref not in page and "กรมทดสอบมุมมองหน่วยงาน" not in page, who.name
        assert 'href="/workd/requests/new"' in page

    # Approved with fewer accounts: the service waits for provisioning; counts approved, none used.
    r = step(reviewer, ref, "approve", data={"approved_mail_accounts": 30,
                                             "reduction_reason": "กรอบงบประมาณปีนี้"})
    assert r.status == 200, r.text
    handover = wait_for_handover(reviewer, ref)
    mine = section(text(admin.get("/workd?lang=th")), "กรมทดสอบมุมมองหน่วยงาน")
    assert "รอส่งมอบ" in mine and "อนุมัติ 30" in mine and "อนุมัติ 10" in mine
    assert "ยังไม่นับ" in mine
    assert "%s.mail.go.th" % label in mine and 'href="/workd/requests/%s/dns"' % ref in mine
    assert handover in mine and "การส่งมอบบริการ" in mine and "1 วันทำการ" in mine
    assert "ที่ขอ 50" in mine and "กรอบงบประมาณปีนี้" in mine  # term 4.4: the cut and its reason
    assert "อนุมัติ" in mine.split("<details>")[1]  # the approval in the history
    # The same through the JSON API.
    got = api(admin, "GET", "/api/workd/agencies").json()["agencies"]
    mine_json = [a for a in got if a["name"] == org["name"]][0]
    assert mine_json["service"]["state"] == "provisioning"
    assert mine_json["service"]["mail_accounts"] == {"approved": 30, "asked": 50, "used": None}
    assert mine_json["service"]["reduction_reason"] == "กรอบงบประมาณปีนี้"
    assert mine_json["domains"][0]["name"] == "%s.mail.go.th" % label
    kinds = {r["type"]: r for r in mine_json["requests"]}
    assert kinds["workd_handover"]["clock"] == "running" and kinds["workd_handover"]["due"]
    assert kinds["workd_handover"]["sla_working_days"] == 1
    assert [h["transition"] for h in kinds["workd_service"]["history"]][-1] == "approve"
    assert mine_json["change_parent"] == ref
    theirs = api(stranger, "GET", "/api/workd/agencies")
    assert theirs.status == 200 and org["name"] not in theirs.text and ref not in theirs.text
    assert Browser(server).get("/api/workd/agencies").status == 401
    en = section(text(admin.get("/workd?lang=en")), "กรมทดสอบมุมมองหน่วยงาน")
    assert "not counted yet" in en and "Hand-over of the service" in en, en[:3000]
    assert "Awaiting hand-over" in en or "provisioning" in en.lower(), en[:3000]
    assert "Request a change" in en
    assert ref not in text(stranger.get("/workd?lang=th"))

    # The hand-over tells staff whom to hand the accounts to, and from when they are wanted.
    page = text(reviewer.get("/staff/requests/%s?lang=th" % handover))
    assert "สมศรี ใจดี" in page and "somsri@agency.go.th" in page and "มีผลตั้งแต่วันที่" in page, page[:3000]
    # Staff close the hand-over: the service is active.
    r = step(reviewer, handover, "close", note="สร้างบัญชีผู้ดูแลแล้ว")
    assert r.status == 200, r.text
    mine = section(text(admin.get("/workd?lang=th")), "กรมทดสอบมุมมองหน่วยงาน")
    assert "เปิดให้บริการ" in mine and "เปิดให้บริการเมื่อ" in mine and "ส่งมอบแล้ว" in mine

    # Request a change: /workd links the change page (the one way to file one), which files a
    # draft shown on /workd; the old quick form is gone.
    change_page = "/workd/requests/%s/change" % ref
    assert 'href="%s"' % change_page in mine and "กรอกแบบคำขอเปลี่ยนแปลง" in mine
    assert 'href="%s"' % change_page in en and "Fill in the change form" in en
    assert admin.post_form("/workd/changes", {"parent": ref, "more_mail_accounts": "20"},
                           csrf_page="/workd?lang=th").status in (404, 405)
    week = (datetime.datetime.utcnow() + datetime.timedelta(days=7)).date().isoformat()
    r = admin.post_form(change_page, {
        "more_mail_accounts": "20", "effective_date": week, "contact_name_th": "สมศรี ใจดี",
        "contact_name_en": "Somsri Jaidee", "contact_position": "นักวิชาการคอมพิวเตอร์",
        "office_phone": "026126060", "mobile": "0812345678", "email": "somsri@agency.go.th",
        "backup_email": "somsri.backup@example.com",
        "pdpa_consent": "yes", "terms_accepted": "yes"}, csrf_page=change_page)
    assert r.status == 303, re.findall(r'class="field-error"[^>]*>([^<]*)', text(r))
    change = r.header("Location").rsplit("/", 1)[-1]
    assert change.startswith("WC-")
    mine = section(text(admin.get("/workd?lang=th")), "กรมทดสอบมุมมองหน่วยงาน")
    assert change in mine and 'href="/requests/%s"' % change in mine  # the admin filed this one
    # Nobody else may open or post the change page of this service.
    assert stranger.get(change_page).status == 404
    assert 'href="%s"' % change_page not in text(stranger.get("/workd?lang=th"))
    n = server.query("SELECT count(*) FROM workflow_requests WHERE type = 'workd_change' AND "
                     "parent_id = (SELECT id FROM workflow_requests WHERE reference = '%s')" % ref)
    assert n[0][0] == "1", n


def test_a_new_agency_shows_pending_to_its_filer(server, smtp):
    """A request for a new agency: the agency waits in the directory as pending with its filer as
    its admin, and /workd shows the filer that agency with the request waiting for review."""
    filer = person(server, smtp, "wdagnew")
    title = "สำนักงานใหม่ทดสอบมุมมอง " + filer.name[-6:]
    ref = filed(filer, None, agency_name_th=title, agency_name_en="New View Test Office")
    page = text(filer.get("/workd?lang=th"))
    mine = section(page, title)
    assert mine and ref in mine and "รออนุมัติเข้าทำเนียบหน่วยงาน" in mine and "รอพิจารณา" in mine
    assert 'href="/requests/%s"' % ref in mine  # their own request: its page is linked
    en = section(text(filer.get("/workd?lang=en")), "New View Test Office")
    assert "waiting to join the agency directory" in en
    got = api(filer, "GET", "/api/workd/agencies").json()["agencies"]
    assert [a["pending"] for a in got if a["title"] == title] == [True]

def test_the_demo_data_after_seed_demo(server):
    demo = Server("--seed-demo", "--staff-second-factor", "optional")
    data_dir, database_url = demo.data_dir, demo.database_url
    try:
        out = demo.output()
        deadline = time.time() + 60
        while "demo workD: 3 requests" not in out and time.time() < deadline:
            time.sleep(0.2)
            out = demo.output()
        assert "demo workD: 3 requests" in out, out[-3000:]
        somchai = Browser(demo)
        assert login(somchai, "somchai", "demo-password-2569").status == 303
        page = text(somchai.get("/workd?lang=th"))
        tmd = section(page, "กรมอุตุนิยมวิทยา")
        nso = section(page, "สำนักงานสถิติแห่งชาติ")
        cgd = section(page, "กรมบัญชีกลาง")
        assert "เปิดให้บริการ" in tmd and "tmd.mail.go.th" in tmd and "อนุมัติ 20" in tmd
        assert "รอพิจารณา" in nso and "การพิจารณาคำขอ" in nso
        assert "รอตั้งค่า DNS" in cgd and "cgd-demo.go.th" in cgd and "/dns" in cgd
        # The request waiting for review carries its signed scan.
        rows = demo.query("SELECT r.state, count(a.id) FROM workflow_requests r LEFT JOIN "
                          "workflow_attachments a ON a.request_id = r.id WHERE r.type = 'workd_service'"
                          " GROUP BY r.id, r.state ORDER BY r.state")
        assert sorted(r[0] for r in rows) == ["approved", "approved", "submitted"], rows
        assert all(int(r[1]) >= 1 for r in rows), rows
        assert [r[0] for r in demo.query("SELECT state FROM workd_services ORDER BY state")] == \
            ["active", "awaiting_dns"]
    finally:
        demo.stop()
    # A second start adds nothing.
    again = Server("--seed-demo", "--staff-second-factor", "optional", data_dir=data_dir,
                   database_url=database_url)
    try:
        time.sleep(3)
        assert again.alive()
        n = again.query("SELECT count(*) FROM workflow_requests WHERE type LIKE 'workd_%'")[0][0]
        assert n == "4", n  # three WD and the hand-over
        assert again.output().count("demo workD") == 1  # the log is appended: the first start only
    finally:
        again.stop()
