"""The agency directory's pages (issue #14): /organization groups the ministries with their
departments and ends with the agencies under no ministry ("อื่น ๆ"), in the reader's language,
with a filter that works without JavaScript; the sysadmin's agency form (/organization/new and
/organization/<name>/edit) calls organization_create / organization_update as the API does."""
import re
from html.parser import HTMLParser

from accounts_helpers import login, registered_user
from govhub_harness import Browser
from test_catalog_api import call, ok, world  # noqa: F401  (fixture)

ROOT_PASSWORD = "ผู้ดูแล-ทดสอบ-2569"  # conftest's sysadmin


class Directory(HTMLParser):
    """The directory page as data: sections (by heading id) of entries
    {name, title, count, hidden, children: [...]}."""

    def __init__(self, text):
        super().__init__()
        self.sections = {}
        self.section_hidden = {}
        self._section = None
        self._stack = []  # open <li> entries
        self._in = None  # "a" or "count" while reading an entry's text
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-directory-section" in a:
            self._section = a["aria-labelledby"]
            self.sections[self._section] = []
            self.section_hidden[self._section] = "hidden" in a
        elif tag == "li" and self._section and "data-search" in a:
            entry = {"name": None, "title": "", "count": "", "hidden": "hidden" in a, "children": []}
            (self._stack[-1]["children"] if self._stack else self.sections[self._section]).append(entry)
            self._stack.append(entry)
        elif tag == "a" and self._stack and self._stack[-1]["name"] is None:
            self._stack[-1]["name"] = a["href"].rsplit("/", 1)[1]
            self._in = "title"
        elif tag == "span" and self._stack and a.get("class") == "count":
            self._in = "count"

    def handle_endtag(self, tag):
        if tag in ("a", "span"):
            self._in = None
        elif tag == "li" and self._stack:
            self._stack.pop()
        elif tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._in and self._stack:
            self._stack[-1][self._in] += data

    def find(self, name):
        for section, entries in self.sections.items():
            for e in entries:
                if e["name"] == name:
                    return section, e
                for c in e["children"]:
                    if c["name"] == name:
                        return section, c
        return None, None


def admin_browser(server):
    b = Browser(server)
    assert login(b, "root-it", ROOT_PASSWORD).status == 303
    return b


def make_agency(server, sysadmin, name, title, **extra):
    return ok(call(Browser(server), "organization_create", dict(name=name, title=title, **extra), sysadmin))


def test_directory_groups_ministries_departments_and_other_last(server, world, sysadmin):
    s = world["suffix"]
    make_agency(server, sysadmin, "min-" + s, "กระทรวงทดลองไดเรกทอรี", kind="ministry", title_en="Ministry of Trials")
    make_agency(server, sysadmin, "dep-" + s, "กรมทดลองไดเรกทอรี", parent="min-" + s, title_en="Trial Department")
    # No English title: the Thai one is shown on English pages too.
    make_agency(server, sysadmin, "dep2-" + s, "กรมไม่มีชื่ออังกฤษ", parent="min-" + s)
    make_agency(server, sysadmin, "oth-" + s, "สำนักงานอิสระทดลอง", title_en="Independent Trial Office")

    page = Browser(server).get("/organization")
    assert page.status == 200
    d = Directory(page.text)
    assert list(d.sections) == ["directory-ministries", "directory-other"]  # "อื่น ๆ" last
    assert "อื่น ๆ" in page.text
    section, ministry = d.find("min-" + s)
    assert section == "directory-ministries" and ministry["title"] == "กระทรวงทดลองไดเรกทอรี"
    assert sorted(c["name"] for c in ministry["children"]) == sorted(["dep-" + s, "dep2-" + s])
    # Departments are only beneath their ministry, never at the top level.
    assert all(e["name"] != "dep-" + s for e in d.sections["directory-ministries"])
    section, other = d.find("oth-" + s)
    assert section == "directory-other" and other["title"] == "สำนักงานอิสระทดลอง"
    assert re.fullmatch(r"\d+ ชุดข้อมูล", other["count"])
    # The world's agencies were created without kind or parent: "other".
    assert d.find(world["orgs"]["a"])[0] == "directory-other"
    # Thai order within a ministry: กรมทดลอง... before กรมไม่มี...
    assert [c["name"] for c in ministry["children"]] == ["dep-" + s, "dep2-" + s]

    en = Directory(Browser(server).get("/organization?lang=en").text)
    assert en.find("min-" + s)[1]["title"] == "Ministry of Trials"
    assert en.find("dep-" + s)[1]["title"] == "Trial Department"
    assert en.find("dep2-" + s)[1]["title"] == "กรมไม่มีชื่ออังกฤษ"
    assert en.find("oth-" + s)[1]["title"] == "Independent Trial Office"
    assert re.fullmatch(r"\d+ datasets?", en.find("oth-" + s)[1]["count"])
    # English pages sort by the English titles (Latin script before Thai).
    assert [c["name"] for c in en.find("min-" + s)[1]["children"]] == ["dep-" + s, "dep2-" + s]


def test_directory_counts_public_datasets(server, world, sysadmin):
    from test_catalog_api import record_dataset
    s = world["suffix"]
    make_agency(server, sysadmin, "cnt-" + s, "หน่วยงานนับชุดข้อมูล")
    ok(call(Browser(server), "package_create", record_dataset("cnt-" + s, "cnt-ds-" + s), sysadmin))
    ok(call(Browser(server), "package_create", record_dataset("cnt-" + s, "cnt-priv-" + s, private=True), sysadmin))
    d = Directory(Browser(server).get("/organization").text)
    assert d.find("cnt-" + s)[1]["count"] == "1 ชุดข้อมูล"
    assert Directory(Browser(server).get("/organization?lang=en").text).find("cnt-" + s)[1]["count"] == "1 dataset"


def test_directory_filter_without_javascript(server, world, sysadmin):
    s = world["suffix"]
    make_agency(server, sysadmin, "fmin-" + s, "กระทรวงตัวกรอง", kind="ministry", title_en="Ministry of Filters")
    make_agency(server, sysadmin, "fdep-" + s, "กรมตะแกรง", parent="fmin-" + s, title_en="Sieve Department")
    make_agency(server, sysadmin, "fdep2-" + s, "กรมกระชอน", parent="fmin-" + s, title_en="Colander Department")
    make_agency(server, sysadmin, "foth-" + s, "สำนักงานร่อนแป้ง", title_en="Flour Office")

    def visible(q):
        page = Browser(server).get("/organization?q=" + q)
        assert page.status == 200
        d = Directory(page.text)
        shown = set()
        for section, entries in d.sections.items():
            for e in entries:
                if not e["hidden"]:
                    assert not d.section_hidden[section]
                    shown.add(e["name"])
                for c in e["children"]:
                    if not c["hidden"]:
                        assert not e["hidden"]
                        shown.add(c["name"])
        return shown, page.text

    # A department matches: its ministry stays, its sister department does not.
    shown, _ = visible("sieve")
    assert shown == {"fmin-" + s, "fdep-" + s}
    # In Thai, and by the ministry itself: all its departments.
    shown, _ = visible("%E0%B8%81%E0%B8%A3%E0%B8%B0%E0%B8%97%E0%B8%A3%E0%B8%A7%E0%B8%87%E0%B8%95%E0%B8%B1%E0%B8%A7")
    assert shown == {"fmin-" + s, "fdep-" + s, "fdep2-" + s}  # กระทรวงตัว
    shown, text = visible("flour+office")
    assert shown == {"foth-" + s}
    assert 'value="flour office"' in text
    shown, text = visible("zzz-no-such-agency")
    assert shown == set()
    assert re.search(r'<p id="directory-none"[^>]*role="status">ไม่พบหน่วยงาน', text)
    text = visible("%3Cscript%3E")[1]
    assert "<script>" not in text and 'value="&lt;script&gt;"' in text


def test_pending_agencies_are_not_in_the_directory(server, world, sysadmin):
    # workD creates pending agencies; the API cannot, so this checks the page asks the service's
    # list (which hides them) rather than reading agencies itself: a deleted one is hidden too.
    s = world["suffix"]
    make_agency(server, sysadmin, "gone-" + s, "หน่วยงานที่ลบแล้ว")
    ok(call(Browser(server), "organization_delete", {"id": "gone-" + s}, sysadmin))
    assert Directory(Browser(server).get("/organization").text).find("gone-" + s) == (None, None)
    assert Directory(admin_browser(server).get("/organization").text).find("gone-" + s) == (None, None)


def test_organization_page_language_kind_and_parent(server, world, sysadmin):
    s = world["suffix"]
    make_agency(server, sysadmin, "pmin-" + s, "กระทรวงหน้าหน่วยงาน", kind="ministry", title_en="Ministry of Pages")
    make_agency(server, sysadmin, "pdep-" + s, "กรมหน้าหน่วยงาน", parent="pmin-" + s, title_en="Department of Pages")
    th = Browser(server).get("/organization/pdep-" + s)
    assert th.status == 200
    assert "<h1>กรมหน้าหน่วยงาน</h1>" in th.text and '<p class="meta" lang="en">Department of Pages</p>' in th.text
    assert "<dd>กรม</dd>" in th.text and '<a href="/organization/pmin-%s">กระทรวงหน้าหน่วยงาน</a>' % s in th.text
    en = Browser(server).get("/organization/pdep-%s?lang=en" % s)
    assert "<h1>Department of Pages</h1>" in en.text and 'lang="th">กรมหน้าหน่วยงาน' in en.text
    assert "<dd>Department</dd>" in en.text and ">Ministry of Pages</a>" in en.text
    ministry = Browser(server).get("/organization/pmin-%s?lang=en" % s)
    assert "<dd>Ministry</dd>" in ministry.text and ">Department of Pages</a>" in ministry.text
    # The edit link is for those who may edit (sysadmins, the agency's admins) only.
    assert "/organization/pdep-%s/edit" % s not in th.text
    assert "/organization/pdep-%s/edit" % s in admin_browser(server).get("/organization/pdep-" + s).text
    assert "/organization/new" not in Browser(server).get("/organization").text
    assert 'href="/organization/new"' in admin_browser(server).get("/organization").text


def test_sysadmin_creates_a_department_through_the_form(server, world, sysadmin):
    s = world["suffix"]
    make_agency(server, sysadmin, "nmin-" + s, "กระทรวงแบบฟอร์ม", kind="ministry", title_en="Ministry of Forms")
    b = admin_browser(server)
    form = b.get("/organization/new")
    assert form.status == 200
    # The parent is chosen among ministries only.
    assert '<option value="nmin-%s">กระทรวงแบบฟอร์ม</option>' % s in form.text
    assert '<option value="%s">' % world["orgs"]["a"] not in form.text
    r = b.post_form("/organization/new", {
        "title": "กรมแบบฟอร์ม", "title_en": "Department of Forms", "name": "ndep-" + s, "kind": "department",
        "parent": "nmin-" + s, "description": "สร้างจาก **แบบฟอร์ม**", "image_url": "https://example.go.th/logo.png"})
    assert r.status == 303 and r.header("Location") == "/organization/ndep-" + s, r.text
    shown = ok(call(Browser(server), "organization_show", {"id": "ndep-" + s}, method="GET"))
    assert shown["title"] == "กรมแบบฟอร์ม" and shown["title_en"] == "Department of Forms"
    assert shown["kind"] == "department" and shown["image_url"] == "https://example.go.th/logo.png"
    assert shown["parent"] == ok(call(Browser(server), "organization_show", {"id": "nmin-" + s}, method="GET"))["id"]
    d = Directory(Browser(server).get("/organization").text)
    assert [c["name"] for c in d.find("nmin-" + s)[1]["children"]] == ["ndep-" + s]
    # A ministry and an agency under no ministry.
    for kind, name in (("ministry", "nmin2-" + s), ("other", "noth-" + s)):
        r = b.post_form("/organization/new?lang=en", {"title": "หน่วยงาน " + kind, "name": name, "kind": kind})
        assert r.status == 303, r.text
        assert ok(call(Browser(server), "organization_show", {"id": name}, method="GET"))["kind"] == kind
    d = Directory(Browser(server).get("/organization").text)
    assert d.find("nmin2-" + s)[0] == "directory-ministries" and d.find("noth-" + s)[0] == "directory-other"


def test_placement_errors_next_to_the_fields_with_values_kept(server, world, sysadmin):
    s = world["suffix"]
    make_agency(server, sysadmin, "emin-" + s, "กระทรวงข้อผิดพลาด", kind="ministry")
    b = admin_browser(server)
    typed = {"title": "กรมไร้สังกัด", "title_en": "Parentless Department", "name": "edep-" + s,
             "kind": "department", "parent": "", "description": "คำอธิบายที่พิมพ์ไว้"}
    r = b.post_form("/organization/new", typed)
    assert r.status == 422
    err = re.search(r'<p class="field-error" id="parent-error">([^<]*)</p>', r.text)
    assert err and err.group(1) == "กรมต้องสังกัดกระทรวง โปรดเลือกหน่วยงานต้นสังกัด"
    assert 'id="form-errors"' in r.text
    assert 'value="กรมไร้สังกัด"' in r.text and 'value="Parentless Department"' in r.text
    assert 'value="edep-%s"' % s in r.text and ">คำอธิบายที่พิมพ์ไว้</textarea>" in r.text
    assert '<option value="department" selected>' in r.text
    assert call(Browser(server), "organization_show", {"id": "edep-" + s}, method="GET").status == 404
    # In English, a ministry given a parent.
    r = b.post_form("/organization/new?lang=en", dict(typed, kind="ministry", parent="emin-" + s))
    assert r.status == 422
    assert re.search(r'id="parent-error">A ministry or an agency under no ministry has no parent agency<', r.text)
    assert '<option value="emin-%s" selected>' % s in r.text
    # A taken name, and a bad one.
    r = b.post_form("/organization/new?lang=en", dict(typed, parent="emin-" + s, name="emin-" + s))
    assert r.status == 422 and re.search(r'id="name-error">That name is already in use<', r.text)
    r = b.post_form("/organization/new", dict(typed, parent="emin-" + s, name="ชื่อไทย"))
    assert r.status == 422 and 'id="name-error"' in r.text and 'value="ชื่อไทย"' in r.text


def test_bad_input_missing_title_oversized_and_markup(server, world, sysadmin):
    s = world["suffix"]
    b = admin_browser(server)
    r = b.post_form("/organization/new", {"title": "  ", "name": "bad-" + s, "kind": "other"})
    assert r.status == 422 and re.search(r'id="title-error">กรุณากรอกข้อมูลนี้<', r.text)
    assert 'value="bad-%s"' % s in r.text
    assert call(Browser(server), "organization_show", {"id": "bad-" + s}, method="GET").status == 404
    r = b.post_form("/organization/new", {"title": "ไม่มีชื่อ URL", "name": "", "kind": "other"})
    assert r.status == 422 and 'id="name-error"' in r.text
    # Over the form's body limit: refused before it is read.
    r = b.post_form("/organization/new", {"title": "ก" * 40000, "name": "big-" + s, "kind": "other"})
    assert r.status == 413
    assert call(Browser(server), "organization_show", {"id": "big-" + s}, method="GET").status == 404
    # Markup in a title is text wherever it is shown.
    hostile = '<script>alert("x")</script><b>กรม</b>'
    r = b.post_form("/organization/new", {"title": hostile, "title_en": hostile, "name": "xss-" + s, "kind": "other",
                                          "description": "<img src=x onerror=alert(1)>"})
    assert r.status == 303, r.text
    for path in ("/organization", "/organization?lang=en", "/organization/xss-" + s,
                 "/organization/xss-%s?lang=en" % s, "/organization/xss-%s/edit" % s):
        text = b.get(path).text
        assert "<script>alert" not in text and "<b>กรม" not in text and "<img src=x" not in text, path
        assert "&lt;script&gt;alert" in text, path


def test_every_problem_at_once_reserved_names_and_logo_addresses(server, world, sysadmin):
    s = world["suffix"]
    b = admin_browser(server)
    api = Browser(server)
    # A missing title and a URL name that is not one: both are named in one answer, and the
    # name's message speaks of URL names, not user names.
    r = b.post_form("/organization/new?lang=en", {"title": "", "name": "Not A Slug", "kind": "other",
                                                  "image_url": "javascript:alert(1)"})
    assert r.status == 422
    for field in ("title", "name", "image_url"):
        assert 'id="%s-error"' % field in r.text, field
    assert "URL names use lower-case letters" in r.text and "User names" not in r.text
    # A page's own path word is no agency's name: /organization/new would be unreachable.
    for word in ("new", "edit"):
        r = b.post_form("/organization/new?lang=en", {"title": "กรม " + word, "name": word, "kind": "other"})
        assert r.status == 422 and "address word" in r.text, word
        body = call(api, "organization_create", {"name": word, "title": "กรม"}, sysadmin).json()
        assert body["success"] is False and "name" in body["error"], body
        body = call(api, "group_create", {"name": word, "title": "กลุ่ม"}, sysadmin).json()
        assert body["success"] is False and "name" in body["error"], body
    body = call(api, "package_create", {"name": "edit", "title": "ชุด", "notes": "x",
                                        "owner_org": world["orgs"]["a"]}, sysadmin).json()
    assert body["success"] is False and "name" in body["error"], body
    # A logo is an http(s) address, on create and on update alike.
    body = call(api, "organization_create", {"name": "logo-" + s, "title": "กรมโลโก้",
                                             "image_url": "javascript:alert(1)"}, sysadmin).json()
    assert body["success"] is False and "image_url" in body["error"], body
    ok(call(api, "organization_create", {"name": "logo-" + s, "title": "กรมโลโก้",
                                         "image_url": "https://example.go.th/logo.png"}, sysadmin))
    body = call(api, "organization_patch", {"id": "logo-" + s, "image_url": "data:text/html,x"}, sysadmin).json()
    assert body["success"] is False and "image_url" in body["error"], body
    r = b.post_form("/organization/logo-%s/edit" % s, {"title": "", "image_url": "ftp://x"})
    assert r.status == 422 and 'id="title-error"' in r.text and 'id="image_url-error"' in r.text


def test_sysadmin_edits_an_agency(server, world, sysadmin):
    s = world["suffix"]
    make_agency(server, sysadmin, "xmin-" + s, "กระทรวงแก้ไข", kind="ministry")
    make_agency(server, sysadmin, "xdep-" + s, "กรมก่อนแก้ไข", parent="xmin-" + s, description="เดิม")
    b = admin_browser(server)
    form = b.get("/organization/xdep-%s/edit" % s)
    assert form.status == 200 and 'value="กรมก่อนแก้ไข"' in form.text and ">เดิม</textarea>" in form.text
    # Name, kind and parent are shown, not edited.
    assert '<dd>xdep-%s</dd>' % s in form.text and "<dd>กรม</dd>" in form.text and "<dd>กระทรวงแก้ไข</dd>" in form.text
    assert 'name="kind"' not in form.text and 'name="name"' not in form.text
    r = b.post_form("/organization/xdep-%s/edit" % s, {"title": "", "title_en": "Edited"})
    assert r.status == 422 and 'id="title-error"' in r.text and 'value="Edited"' in r.text
    r = b.post_form("/organization/xdep-%s/edit" % s, {"title": "กรมหลังแก้ไข", "title_en": "Edited Department",
                                                      "description": "ใหม่", "image_url": ""})
    assert r.status == 303 and r.header("Location") == "/organization/xdep-" + s
    shown = ok(call(Browser(server), "organization_show", {"id": "xdep-" + s}, method="GET"))
    assert (shown["title"], shown["title_en"], shown["description"]) == ("กรมหลังแก้ไข", "Edited Department", "ใหม่")
    assert shown["kind"] == "department" and shown["parent"]
    en = Directory(Browser(server).get("/organization?lang=en").text)
    assert en.find("xdep-" + s)[1]["title"] == "Edited Department"
    assert b.get("/organization/no-such-agency-%s/edit" % s).status == 404


def test_the_form_is_for_sysadmins(server, world, smtp, sysadmin):
    s = world["suffix"]
    make_agency(server, sysadmin, "amin-" + s, "กระทรวงสิทธิ์", kind="ministry")
    anonymous = Browser(server)
    for path in ("/organization/new", "/organization/amin-%s/edit" % s):
        r = anonymous.get(path)
        assert r.status == 303 and "/user/login" in r.header("Location"), path
    user = Browser(server)
    plain = registered_user(user, smtp, "plain")
    assert user.get("/organization/new").status == 403
    assert user.get("/organization/amin-%s/edit" % s).status == 403
    csrf = user.csrf_from("/user/" + plain)
    r = user.post_form("/organization/new", {"_csrf": csrf, "title": "แอบสร้าง", "name": "sneak-" + s, "kind": "other"},
                       csrf=False)
    assert r.status == 403
    r = user.post_form("/organization/amin-%s/edit" % s, {"_csrf": csrf, "title": "แอบแก้"}, csrf=False)
    assert r.status == 403
    assert call(Browser(server), "organization_show", {"id": "sneak-" + s}, method="GET").status == 404
    assert ok(call(Browser(server), "organization_show", {"id": "amin-" + s}, method="GET"))["title"] == "กระทรวงสิทธิ์"
    # Without the CSRF token even a sysadmin's browser is refused.
    admin = admin_browser(server)
    r = admin.post_form("/organization/new", {"title": "ไม่มีโทเคน", "name": "nocsrf-" + s, "kind": "other"}, csrf=False)
    assert r.status == 403
    assert call(Browser(server), "organization_show", {"id": "nocsrf-" + s}, method="GET").status == 404
