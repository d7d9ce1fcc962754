"""Group pages (/group/<name>): title, description, image and the group's datasets with the dataset
search's box, facets, sort and paging; the sysadmins' group form (/group/new, /group/<name>/edit)
in Thai and English, with permissions and bad input (issue 15)."""
import html
import re

from accounts_helpers import login, registered_user
from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset, world  # noqa: F401  (fixture)

ROOT_PASSWORD = "ผู้ดูแล-ทดสอบ-2569"


def admin_browser(server):
    b = Browser(server)
    assert login(b, "root-it", ROOT_PASSWORD).status == 303
    return b


def field_error(page, field):
    m = re.search(r'<p class="field-error" id="%s-error">([^<]*)</p>' % field, page)
    return html.unescape(m.group(1)) if m else None


def value_of(page, field):
    m = re.search(r'<input id="%s" name="%s"[^>]*value="([^"]*)"' % (field, field), page)
    return html.unescape(m.group(1)) if m else None


def result_names(page):
    return re.findall(r'<h3><a href="/dataset/([^"]+)">', page)


def make_group(server, sysadmin, name, title, **extra):
    d = dict(name=name, title=title, category="category01")
    d.update(extra)
    return ok(call(Browser(server), "group_create", d, sysadmin))


def test_group_page_lists_its_datasets_with_search_facets_sort_and_paging(server, world, sysadmin):
    s = world["suffix"]
    g = "gp-" + s
    make_group(server, sysadmin, g, "กลุ่มสุขภาพทดสอบ", description="ข้อมูล **สาธารณสุข** ของประเทศ",
               image_url="https://example.go.th/health.png")
    editor = world["people"]["editor"]
    names = []
    for i in range(23):
        n = "gpd-%02d-%s" % (i, s)
        tags = [{"name": "โรงพยาบาล" if i % 2 else "วัคซีน"}]
        ok(call(Browser(server), "package_create", record_dataset(world["orgs"]["a"], n, tags=tags,
                                                                  title="สถิติสุขภาพชุดที่ %02d" % i), editor))
        ok(call(Browser(server), "member_create", {"id": g, "object": n, "object_type": "package"}, editor))
        names.append(n)
    # A dataset outside the group is not listed.
    outside = "gpd-out-" + s
    ok(call(Browser(server), "package_create", record_dataset(world["orgs"]["a"], outside,
                                                              title="สถิติสุขภาพนอกกลุ่ม"), editor))

    b = Browser(server)
    r = b.get("/group/" + g)
    assert r.status == 200
    assert "<h1>กลุ่มสุขภาพทดสอบ</h1>" in r.text
    assert "<strong>สาธารณสุข</strong>" in r.text  # the description is markdown
    assert 'src="https://example.go.th/health.png"' in r.text
    assert "พบ 23 ชุดข้อมูล" in r.text.replace("</p>", "")
    assert outside not in r.text
    assert len(result_names(r.text)) == 20  # the first page of 20
    # Paging stays on the group's page.
    m = re.search(r'href="(/group/%s\?page=2)" rel="next"' % re.escape(g), r.text)
    assert m, "no next-page link on the group page"
    r2 = b.get(m.group(1))
    assert r2.status == 200 and len(result_names(r2.text)) == 3
    # The search box searches within the group.
    assert 'action="/group/%s"' % g in r.text
    r3 = b.get("/group/%s?q=%s" % (g, "%E0%B8%99%E0%B8%AD%E0%B8%81"))  # นอก: only the outsider has it
    assert r3.status == 200 and result_names(r3.text) == []
    # Tag facets narrow the group's datasets; the groups facet is not offered (the group is fixed).
    tag = re.search(r'href="(/group/%s\?tags=[^"]+)"' % re.escape(g), r.text)
    assert tag, "no tag facet link on the group page"
    r4 = b.get(html.unescape(tag.group(1)))
    assert r4.status == 200 and 'aria-current="true"' in r4.text
    assert len(result_names(r4.text)) in (11, 12)
    assert "?groups=" not in r.text
    # A groups= parameter cannot widen the page beyond its group.
    r5 = b.get("/group/%s?groups=other-group" % g)
    assert "พบ 23 ชุดข้อมูล" in r5.text.replace("</p>", "")
    # Sort by name.
    r6 = b.get("/group/%s?sort=name" % g)
    assert result_names(r6.text)[0] == names[0]
    # English page.
    en = b.get("/group/%s?lang=en" % g)
    assert en.status == 200 and "Found 23 datasets" in en.text.replace("</p>", "").replace("\n", " ")
    assert "<h1>กลุ่มสุขภาพทดสอบ</h1>" in en.text  # no English title: the Thai one
    b.get("/group/%s?lang=th" % g)


def test_group_page_is_linked_from_group_list_and_dataset_page(server, world, sysadmin):
    s = world["suffix"]
    g = "gl-" + s
    make_group(server, sysadmin, g, "กลุ่มลิงก์ทดสอบ")
    n = "gl-ds-" + s
    ok(call(Browser(server), "package_create", record_dataset(world["orgs"]["a"], n), world["people"]["editor"]))
    ok(call(Browser(server), "member_create", {"id": g, "object": n, "object_type": "package"},
            world["people"]["editor"]))
    assert '<a href="/group/%s">กลุ่มลิงก์ทดสอบ</a>' % g in Browser(server).get("/group").text
    assert '<a class="badge" href="/group/%s">กลุ่มลิงก์ทดสอบ</a>' % g in Browser(server).get("/dataset/" + n).text


def test_unknown_and_deleted_groups_are_404_pages(server, world, sysadmin):
    b = Browser(server)
    r = b.get("/group/no-such-group-" + world["suffix"])
    assert r.status == 404 and "text/html" in r.header("Content-Type")
    assert "ไม่พบกลุ่ม" in r.text
    g = "gdel-" + world["suffix"]
    make_group(server, sysadmin, g, "กลุ่มที่จะลบ")
    assert b.get("/group/" + g).status == 200
    ok(call(Browser(server), "group_delete", {"id": g}, sysadmin))
    assert b.get("/group/" + g).status == 404
    assert b.get("/group/%s?lang=en" % g).text.count("Group not found") >= 1
    b.get("/group/x?lang=th")
    # Hostile names are not reflected as markup.
    r = b.get("/group/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status == 404 and "<script>alert(1)" not in r.text


def test_sysadmin_creates_and_edits_a_group_in_the_browser(server, world):
    s = world["suffix"]
    admin = admin_browser(server)
    form = admin.get("/group/new")
    assert form.status == 200 and 'name="category"' in form.text
    assert "เพิ่มกลุ่มชุดข้อมูล" in form.text
    assert 'href="/group/new"' in admin.get("/group").text
    name = "gnew-" + s
    r = admin.post_form("/group/new", {"title": "กลุ่มใหม่จากเบราว์เซอร์", "name": name, "category": "category03",
                                       "description": "คำอธิบาย", "image_url": "https://example.go.th/g.png"})
    assert r.status == 303 and r.header("Location") == "/group/" + name
    g = ok(call(Browser(server), "group_show", {"id": name}, method="GET"))
    assert g["title"] == "กลุ่มใหม่จากเบราว์เซอร์" and g["category"] == "category03"
    assert g["image_url"] == "https://example.go.th/g.png"

    edit = admin.get("/group/%s/edit" % name)
    assert edit.status == 200 and value_of(edit.text, "title") == "กลุ่มใหม่จากเบราว์เซอร์"
    assert 'name="name"' not in edit.text  # the URL name is shown, not edited
    r = admin.post_form("/group/%s/edit" % name, {"title": "กลุ่มที่แก้แล้ว", "description": "ใหม่",
                                                   "image_url": ""})
    assert r.status == 303 and r.header("Location") == "/group/" + name
    g = ok(call(Browser(server), "group_show", {"id": name}, method="GET"))
    assert g["title"] == "กลุ่มที่แก้แล้ว" and g["description"] == "ใหม่" and g["image_url"] == ""
    assert "กลุ่มที่แก้แล้ว" in Browser(server).get("/group/" + name).text
    # English form.
    en = admin.get("/group/new?lang=en")
    assert "Add a group" in en.text and "Group type" in en.text
    admin.get("/group?lang=th")


def test_group_form_reports_every_problem_at_once_and_keeps_values(server, world):
    s = world["suffix"]
    admin = admin_browser(server)
    hostile = '<script>alert("x")</script>'
    r = admin.post_form("/group/new", {"title": "", "name": "Bad Name!", "category": "category99",
                                       "description": hostile, "image_url": "javascript:alert(1)"})
    assert r.status == 422
    for f in ("title", "name", "category", "image_url"):
        assert field_error(r.text, f), "no error beside " + f
    assert value_of(r.text, "name") == "Bad Name!"
    assert field_error(r.text, "category") == "เลือกประเภทกลุ่มหนึ่งจากรายการ"
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in r.text and hostile not in r.text
    # A taken name.
    taken = "gtaken-" + s
    assert admin.post_form("/group/new", {"title": "ก", "name": taken, "category": "category01"}).status == 303
    r = admin.post_form("/group/new", {"title": "ข", "name": taken, "category": "category01"})
    assert r.status == 422 and field_error(r.text, "name")
    # Oversized: the form's body cap.
    r = admin.post_form("/group/new", {"title": "ก" * 40000, "name": "big-" + s, "category": "category01"})
    assert r.status == 413
    # Editing with the title emptied: the message beside it.
    r = admin.post_form("/group/%s/edit" % taken, {"title": ""})
    assert r.status == 422 and field_error(r.text, "title")
    # Missing CSRF token.
    r = admin.post_form("/group/new", {"title": "ค", "name": "nocsrf-" + s, "category": "category01"}, csrf=False)
    assert r.status == 403
    assert call(Browser(server), "group_show", {"id": "nocsrf-" + s}, method="GET").status == 404


def test_only_sysadmins_get_the_group_form(server, world, smtp, sysadmin):
    s = world["suffix"]
    g = "gperm-" + s
    make_group(server, sysadmin, g, "กลุ่มสิทธิ์")
    anon = Browser(server)
    for path in ("/group/new", "/group/%s/edit" % g):
        r = anon.get(path)
        assert r.status in (302, 303, 401), (path, r.status)
    # A signed-in person (an agency editor too) is refused.
    b = Browser(server)
    registered_user(b, smtp, "gstranger")
    for path in ("/group/new", "/group/%s/edit" % g):
        assert b.get(path).status == 403
    r = b.post_form("/group/new", {"title": "x", "name": "gx-" + s, "category": "category01"},
                    csrf_page="/group")
    assert r.status == 403
    r = b.post_form("/group/%s/edit" % g, {"title": "ยึด"}, csrf_page="/group")
    assert r.status == 403
    assert ok(call(Browser(server), "group_show", {"id": g}, method="GET"))["title"] == "กลุ่มสิทธิ์"
    assert 'href="/group/new"' not in b.get("/group").text
    assert 'href="/group/%s/edit"' % g not in b.get("/group/" + g).text
    assert 'href="/group/%s/edit"' % g in admin_browser(server).get("/group/" + g).text
    # The edit form of an unknown group is a 404.
    assert admin_browser(server).get("/group/nope-%s/edit" % s).status == 404
