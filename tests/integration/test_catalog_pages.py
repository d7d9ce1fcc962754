"""Open Data pages: search with Thai words and facets, the dataset page, exports."""
import json
import re

from test_catalog_api import call, ok, record_dataset, world  # noqa: F401  (fixture)
from govhub_harness import Browser


def test_search_page_finds_thai_words_and_filters_by_facet(server, world):
    api = Browser(server)
    name = "page-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, title="สถิติการท่องเที่ยวรายจังหวัด",
                                                  tags=[{"name": "ท่องเที่ยว"}]), world["people"]["editor"]))
    b = Browser(server)
    r = b.get("/dataset?q=%E0%B8%97%E0%B9%88%E0%B8%AD%E0%B8%87%E0%B9%80%E0%B8%97%E0%B8%B5%E0%B9%88%E0%B8%A2%E0%B8%A7")  # ท่องเที่ยว
    assert r.status == 200 and "สถิติการท่องเที่ยวรายจังหวัด" in r.text
    assert "/dataset/" + name in r.text
    # Facet links narrow the search and the state is in the URL.
    m = re.search(r'href="(/dataset\?[^"]*tags=%E0%B8%97[^"]*)"', r.text)
    assert m, "no tag facet link"
    r2 = b.get(m.group(1).replace("&amp;", "&"))
    assert r2.status == 200 and 'aria-current="true"' in r2.text
    r3 = b.get("/dataset?q=colour:blue")
    assert r3.status == 200 and "Search Query Error" in r3.text
    assert "Datasets" in b.get("/dataset?lang=en").text


def test_dataset_page_metadata_json_ld_and_privacy(server, world):
    api = Browser(server)
    name = "show-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, last_updated_date="2026-11-01"),
            world["people"]["editor"]))
    r = Browser(server).get("/dataset/" + name)
    assert r.status == 200
    assert "หน่วยความถี่ของการปรับปรุงข้อมูล" in r.text  # Thai labels from the schema
    assert "1 พฤศจิกายน 2569" in r.text  # Buddhist era in Thai
    assert "Frequency" in Browser(server).get("/dataset/%s?lang=en" % name).text
    assert "1 November 2026" in Browser(server).get("/dataset/%s?lang=en" % name).text
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', r.text, re.S).group(1))
    assert ld["@type"] == "Dataset" and ld["url"] == server.url + "/dataset/" + name
    ok(call(api, "package_patch", {"id": name, "private": True}, world["people"]["editor"]))
    assert Browser(server).get("/dataset/" + name).status == 404


def test_dcat_and_sitemap(server, world):
    api = Browser(server)
    name = "dcat-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), world["people"]["editor"]))
    b = Browser(server)
    r = b.get("/dataset/%s.jsonld" % name)
    assert r.status == 200 and r.header("Content-Type").startswith("application/ld+json")
    node = r.json()
    assert node["@type"] == "dcat:Dataset" and node["@id"] == server.url + "/dataset/" + name
    assert node["dct:accrualPeriodicity"]["@id"].endswith("/ANNUAL")
    ttl = b.get("/dataset/%s.ttl" % name)
    assert ttl.status == 200 and ttl.header("Content-Type").startswith("text/turtle")
    assert "<%s/dataset/%s>" % (server.url, name) in ttl.text and "a dcat:Dataset" in ttl.text
    # The publisher keeps its IRI in Turtle as in JSON-LD: referred to by the dataset, then
    # described as a subject of its own.
    publisher = "<%s/organization/%s>" % (server.url, world["orgs"]["a"])
    assert "dct:publisher " + publisher in ttl.text
    assert publisher + "\n    a foaf:Organization" in ttl.text
    assert node["dct:publisher"]["@id"] == publisher[1:-1]
    cat = b.get("/catalog.jsonld").json()
    assert cat["@graph"][0]["@type"] == "dcat:Catalog"
    assert any(n.get("@id") == server.url + "/dataset/" + name for n in cat["@graph"])
    assert "a dcat:Catalog" in b.get("/catalog.ttl").text
    sm = b.get("/sitemap.xml")
    assert sm.status == 200 and "<loc>%s/dataset/%s</loc>" % (server.url, name) in sm.text


def test_portal_home_agencies_and_groups(server, world, sysadmin):
    api = Browser(server)
    parent = "ministry-" + world["suffix"]
    ok(call(api, "organization_create", {"name": parent, "title": "กระทรวงทดสอบ"}, sysadmin))
    child = ok(call(api, "organization_create", {"name": "dept-" + world["suffix"], "title": "กรมทดสอบ",
                                                 "parent": parent}, sysadmin))
    assert child["parent"]
    b = Browser(server)
    home = b.get("/opendata")
    assert home.status == 200
    assert "ชุดข้อมูลล่าสุด" in home.text and "ด้านเศรษฐกิจ" in home.text and "5 นาที" in home.text
    orgs = b.get("/organization")
    assert orgs.status == 200
    # The department is listed under its ministry (test_agency_directory.py has the rest).
    assert re.search(r'กระทรวงทดสอบ</a> <span class="count">0 ชุดข้อมูล</span>\s*<ul><li data-search="[^"]*">'
                     r'<a href="/organization/dept-%s">กรมทดสอบ</a>' % world["suffix"], orgs.text), orgs.text
    page = b.get("/organization/dept-" + world["suffix"])
    assert page.status == 200 and "กระทรวงทดสอบ" in page.text
    assert b.get("/organization/no-such-org").status == 404
    groups = b.get("/group?lang=en")
    assert groups.status == 200 and "Natural resources and environment" in groups.text


def test_resource_page_activity_and_dashboard(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "dash-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    r = ok(call(api, "resource_create", {"package_id": name, "name": "ลิงก์ข้อมูล", "url": "https://example.go.th/x.json"},
                editor))
    ok(call(api, "package_patch", {"id": name, "title": "ชื่อเปลี่ยนแล้ว"}, editor))
    page = Browser(server).get("/dataset/" + name)
    assert "ประวัติการเปลี่ยนแปลง" in page.text and "แก้ไขชุดข้อมูล: ชื่อชุดข้อมูล" in page.text
    assert "/dataset/%s/resource/%s" % (name, r["id"]) in page.text
    rp = Browser(server).get("/dataset/%s/resource/%s" % (name, r["id"]))
    assert rp.status == 200 and "ลิงก์ข้อมูล" in rp.text and "JSON" in rp.text
    assert Browser(server).get("/dataset/%s/resource/%s" % (name, "0" * 8)).status == 404
    # The dashboard lists the editor's organization with its datasets, private and draft ones too.
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], "draft-" + world["suffix"], state="draft"), editor))
    b = Browser(server)
    assert b.get("/dashboard").status == 303
    from accounts_helpers import login
    # The world's editor signs in through a fresh browser with a password reset would be heavy;
    # the member's browser session from the fixture is not kept, so use the sysadmin's login.
    assert login(b, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    dash = b.get("/dashboard")
    assert dash.status == 200 and "draft-" + world["suffix"] in dash.text and "ฉบับร่าง" in dash.text
    # Each agency's count reads as a person would say it, and its title in the reader's language.
    one = "one-" + world["suffix"]
    ok(call(api, "organization_create", {"name": one, "title": "กรมหนึ่งชุด", "title_en": "One Set Department"},
            world["sysadmin"]))
    ok(call(api, "package_create", record_dataset(one, "only-" + world["suffix"]), world["sysadmin"]))
    section = b.get("/dashboard?lang=en").text.split('href="/organization/%s"' % one, 1)[1].split("</section>", 1)[0]
    assert "One Set Department" in section and "<p>1 dataset</p>" in section, section
    section = b.get("/dashboard?lang=th").text.split('href="/organization/%s"' % one, 1)[1].split("</section>", 1)[0]
    assert "กรมหนึ่งชุด" in section and "<p>1 ชุดข้อมูล</p>" in section, section


def test_trash_page_purges_for_sysadmins_only(server, world):
    api = Browser(server)
    name = "trash-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), world["people"]["editor"]))
    ok(call(api, "package_delete", {"id": name}, world["people"]["editor"]))
    from accounts_helpers import login
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    page = admin.get("/ckan-admin/trash")
    assert page.status == 200 and name in page.text
    # The purge form in the deleted dataset's own row.
    row = page.text[page.text.index(name):]
    rid = re.search(r'/ckan-admin/trash/([0-9a-f-]{36})/purge', row).group(1)
    r = admin.post_form("/ckan-admin/trash/%s/purge" % rid, {}, csrf_page="/ckan-admin/trash")
    assert r.status == 303
    assert name not in admin.get("/ckan-admin/trash").text
    assert call(api, "package_show", {"id": name}, world["sysadmin"], method="GET").status == 404
    assert Browser(server).get("/ckan-admin/trash").status == 303  # visitors are sent to log in
