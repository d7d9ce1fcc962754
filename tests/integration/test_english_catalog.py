"""English everywhere in the Open Data catalog: datasets, groups and agencies carry an English title
and description (ckanext-fluent's title_translated / notes_translated / description_translated in
the API, title_en / notes_en / description_en in the forms), shown on English pages, searched, and
facet values in the reader's language. Both engines."""
import html
import json
import re

import pytest

from accounts_helpers import login, registered_user, unique_name
from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset

ROOT_PASSWORD = "ผู้ดูแล-ทดสอบ-2569"


@pytest.fixture(scope="module")
def en(server, smtp, sysadmin):
    api = Browser(server)
    s = unique_name("en")
    org = ok(call(api, "organization_create",
                  {"name": "en-org-" + s, "title": "กรมส่งเสริมการเกษตร",
                   "title_translated": {"th": "กรมส่งเสริมการเกษตร", "en": "Department of Agricultural Extension"},
                   "description_translated": {"en": "Helps farmers grow fruit"},
                   "description": "ช่วยเหลือเกษตรกร"}, sysadmin))
    b = Browser(server)
    name = registered_user(b, smtp, "editor")
    ok(call(api, "organization_member_create", {"id": org["name"], "username": name, "role": "editor"},
            sysadmin))
    root = Browser(server)
    assert login(root, "root-it", ROOT_PASSWORD).status == 303
    return {"s": s, "org": org, "editor": b, "sysadmin": sysadmin, "root": root}


def validation(r):
    assert r.status == 409, r.text
    body = r.json()
    assert body["success"] is False and body["error"]["__type"] == "Validation Error"
    return body["error"]


def test_api_create_update_patch_with_title_translated(server, en):
    api, tok, s = Browser(server), en["sysadmin"], en["s"]
    name = "mangosteen-" + s
    d = ok(call(api, "package_create", record_dataset(
        en["org"]["name"], name, title="ราคามังคุด",
        title_translated={"th": "ราคามังคุด", "en": "Mangosteen prices"},
        notes_translated={"en": "Farm-gate mangosteen prices by province"}), tok))
    assert d["title_translated"] == {"th": "ราคามังคุด", "en": "Mangosteen prices"}
    assert d["notes_translated"]["en"] == "Farm-gate mangosteen prices by province"
    assert d["organization"]["title_translated"]["en"] == "Department of Agricultural Extension"
    shown = ok(call(api, "package_show", {"id": name}, method="GET"))
    assert shown["title_translated"]["en"] == "Mangosteen prices"
    # "th" gives the title when no plain title is sent.
    d = ok(call(api, "package_patch", {"id": name, "title_translated": {"th": "ราคามังคุดรายเดือน",
                                                                        "en": "Monthly mangosteen prices"}}, tok))
    assert d["title"] == "ราคามังคุดรายเดือน" and d["title_translated"]["en"] == "Monthly mangosteen prices"
    # A plain title wins over a stale "th".
    d = ok(call(api, "package_patch", {"id": name, "title": "ราคามังคุดใหม่",
                                       "title_translated": {"th": "เก่า", "en": "Monthly mangosteen prices"}}, tok))
    assert d["title"] == "ราคามังคุดใหม่"
    # Patch without the key keeps English; the plain form keys work too.
    d = ok(call(api, "package_patch", {"id": name, "notes": "ราคาหน้าสวน"}, tok))
    assert d["title_translated"]["en"] == "Monthly mangosteen prices"
    d = ok(call(api, "package_patch", {"id": name, "title_en": "Mangosteen prices"}, tok))
    assert d["title_translated"]["en"] == "Mangosteen prices"
    # A full update without the English keys clears them.
    full = dict(shown)
    for k in ("title_translated", "notes_translated"):
        full.pop(k)
    d = ok(call(api, "package_update", full, tok))
    assert d["title_translated"]["en"] == "" and d["notes_translated"]["en"] == ""


def test_api_refuses_bad_shapes_and_oversized_english(server, en):
    api, tok, s = Browser(server), en["sysadmin"], en["s"]
    org = en["org"]["name"]
    for i, bad in enumerate(["Mangosteen", ["th", "en"], {"en": 5}, {"fr": "Mangoustan"}, {"en": {"x": 1}}]):
        err = validation(call(api, "package_create", record_dataset(org, "bad-%d-%s" % (i, s),
                                                                    title_translated=bad), tok))
        assert "title_translated" in err, err
    err = validation(call(api, "package_create", record_dataset(org, "long-" + s,
                                                                title_translated={"en": "M" * 501}), tok))
    assert "title_translated" in err
    err = validation(call(api, "package_create", record_dataset(org, "longn-" + s, notes_en="n" * 10001), tok))
    assert "notes_en" in err
    # Exactly at the limits is fine.
    ok(call(api, "package_create", record_dataset(org, "limit-" + s, title_translated={"en": "M" * 500},
                                                  notes_translated={"en": "n" * 10000}), tok))
    err = validation(call(api, "organization_patch", {"id": org, "description_translated": "x"}, tok))
    assert "description_translated" in err
    # Control characters and text-direction overrides, which would turn the text after them
    # around on every page, are refused in either language; a description keeps its lines.
    for i, (field, value) in enumerate([("title_en", "Evil\u202e"), ("title", "ชื่อ\x1b[31m"),
                                        ("title_translated", {"en": "a\x01b"}), ("notes_en", "x\u2066y"),
                                        ("title_en", "two\nlines"), ("notes", "ก\x7f")]):
        err = validation(call(api, "package_create", record_dataset(org, "ctl-%d-%s" % (i, s), **{field: value}), tok))
        assert field in err, (field, err)
    err = validation(call(api, "organization_patch", {"id": org, "description_en": "a\u202eb"}, tok))
    assert "description_en" in err
    err = validation(call(api, "group_create", {"name": "ctl-g-" + s, "category": "category01",
                                                "title": "กลุ่ม\u0085"}, tok))
    assert "title" in err
    ok(call(api, "package_create", record_dataset(org, "lines-" + s, notes_en="Line one\nLine two\tend"), tok))
    # The translated object as JSON text (a form field, or fluent's string form) is read as one.
    d = ok(call(api, "package_patch", {"id": "lines-" + s,
                                       "title_translated": '{"th": "มังคุดข้อความ", "en": "Mangosteen as text"}'}, tok))
    assert d["title_translated"] == {"th": "มังคุดข้อความ", "en": "Mangosteen as text"}
    err = validation(call(api, "package_patch", {"id": "lines-" + s, "title_translated": '{"fr": "x"}'}, tok))
    assert "title_translated" in err
    # Nothing was created by the refused calls.
    assert call(api, "package_show", {"id": "bad-0-" + s}, method="GET").status == 404
    # Invalid UTF-8 in the body: 400.
    r = api.request("POST", "/api/3/action/package_patch",
                    body=b'{"id": "limit-' + s.encode() + b'", "title_en": "\xff\xfe"}',
                    headers={"Content-Type": "application/json", "Authorization": tok})
    assert r.status == 400, r.text


def test_english_search_and_pages(server, en):
    api, tok, s = Browser(server), en["sysadmin"], en["s"]
    name = "durian-" + s
    ok(call(api, "package_create", record_dataset(
        en["org"]["name"], name, title="ผลผลิตทุเรียน", title_en="Durian harvest " + s,
        notes_en="Tonnes of durian per province"), tok))
    found = ok(call(api, "package_search", {"q": "Durian"}, method="GET"))
    assert name in [r["name"] for r in found["results"]]
    # The agency's English title is searched too.
    found = ok(call(api, "package_search", {"q": "Agricultural", "rows": 100}, method="GET"))
    assert name in [r["name"] for r in found["results"]]
    b = Browser(server)
    page = b.get("/dataset?lang=en&q=Durian")
    assert page.status == 200 and "Durian harvest " + s in page.text
    assert "Department of Agricultural Extension" in page.text  # the organization facet
    # One result is "1 dataset", not "1 datasets".
    one = b.get("/dataset?lang=en&q=Tonnes")
    assert "Found 1 dataset<" in one.text.replace("\n", "") and "1 datasets" not in one.text
    page_th = b.get("/dataset?lang=th&q=Durian")
    assert "ผลผลิตทุเรียน" in page_th.text and "Durian harvest " + s not in page_th.text
    en_page = b.get("/dataset/%s?lang=en" % name)
    assert "<h1>Durian harvest %s</h1>" % s in en_page.text or ">Durian harvest %s<" % s in en_page.text
    assert "Tonnes of durian per province" in en_page.text
    ld = json.loads(html.unescape(re.search(
        r'<script type="application/ld\+json">(.*?)</script>', en_page.text, re.S).group(1)))
    assert ld["name"] == "Durian harvest " + s and ld["alternateName"] == "ผลผลิตทุเรียน"
    # The home page's newest datasets, in the reader's language.
    assert "Durian harvest " + s in b.get("/opendata?lang=en").text
    assert "Durian harvest " + s not in b.get("/opendata?lang=th").text
    ttl = b.get("/dataset/%s.ttl" % name).text
    assert '"ผลผลิตทุเรียน"@th' in ttl and '"Durian harvest %s"@en' % s in ttl
    th_page = b.get("/dataset/%s?lang=th" % name)
    assert "ผลผลิตทุเรียน" in th_page.text and "Tonnes of durian per province" not in th_page.text
    # Facet items carry title_translated where an English form exists.
    found = ok(call(api, "package_search", {"q": "Durian", "facet.field": json.dumps(
        ["organization", "data_type", "license_id", "data_category"])}, method="GET"))
    items = {f: found["search_facets"][f]["items"] for f in found["search_facets"]}
    org_item = [i for i in items["organization"] if i["name"] == en["org"]["name"]][0]
    assert org_item["title_translated"]["en"] == "Department of Agricultural Extension"
    assert items["data_type"][0]["title_translated"]["en"]
    assert items["data_category"][0]["title_translated"]["en"]
    # The facet labels on the English page are English (the data type's English label).
    dt_en = items["data_type"][0]["title_translated"]["en"]
    assert dt_en in b.get("/dataset?lang=en&q=Durian").text
    b.get("/dataset?lang=th")


def test_forms_save_english_and_english_pages_show_it(server, en):
    s, ed = en["s"], en["editor"]
    name = "longan-" + s
    fields = {"data_type": "statistical", "title": "ผลผลิตลำไย", "title_en": "Longan harvest",
              "name": name, "notes": "ผลผลิตลำไยรายจังหวัด", "notes_en": "Longan tonnes by province",
              "tag_string": "เกษตร", "owner_org": en["org"]["name"],
              "maintainer": "กองสถิติ", "maintainer_email": "stat@example.go.th",
              "objective": "ยุทธศาสตร์ชาติ", "update_frequency_unit": "ปี", "geo_coverage": "ประเทศ",
              "data_source": "กรมส่งเสริมการเกษตร", "data_format": "CSV", "data_category": "ข้อมูลสาธารณะ",
              "license_id": "cc-by", "official_statistics_type": "สถิติทางการ",
              "first_year_of_data": "2560", "last_year_of_data": "2568"}
    form = ed.get("/dataset/new?data_type=statistical")
    assert 'name="title_en"' in form.text and 'name="notes_en"' in form.text
    # An empty form's error summary names the fields by the form's labels, in the form's order.
    ed.get("/dataset/new?data_type=statistical&lang=en")
    r = ed.post_form("/dataset/new", {"data_type": "statistical"}, csrf_page="/dataset/new?data_type=statistical")
    assert r.status == 422
    summary = re.search(r'<div class="alert error"[^>]*>(.*?)</div>', r.text, re.S).group(1)
    items = [html.unescape(re.sub(r"<[^>]+>", "", x)).strip() for x in re.findall(r"<li>(.*?)</li>", summary, re.S)]
    assert items[:3] == ["Title: Missing value", "URL name: Missing value", "Description: Missing value"], items
    ed.get("/dataset/new?data_type=statistical&lang=th")
    r = ed.post_form("/dataset/new", fields, csrf_page="/dataset/new?data_type=statistical")
    assert r.status == 303, r.text[:2000]
    d = ok(call(Browser(server), "package_show", {"id": name}, en["sysadmin"], method="GET"))
    assert d["title_translated"] == {"th": "ผลผลิตลำไย", "en": "Longan harvest"}
    assert d["notes_translated"]["en"] == "Longan tonnes by province"
    edit = ed.get("/dataset/%s/edit" % name)
    assert 'value="Longan harvest"' in edit.text
    fields.pop("data_type")
    fields["title_en"] = "Longan yield"
    r = ed.post_form("/dataset/%s/edit" % name, fields, csrf_page="/dataset/%s/edit" % name)
    assert r.status == 303, r.text[:2000]
    assert "Longan yield" in ed.get("/dataset/%s?lang=en" % name).text
    ed.get("/dataset?lang=th")
    # Oversized English title in the form: shown beside the field, what was typed kept.
    fields["title_en"] = "L" * 501
    r = ed.post_form("/dataset/%s/edit" % name, fields, csrf_page="/dataset/%s/edit" % name)
    assert r.status == 422


def test_group_and_agency_english_in_forms_and_pages(server, en):
    s, root = en["s"], en["root"]
    g = "fruit-" + s
    r = root.post_form("/group/new", {"title": "ผลไม้", "title_en": "Fruit", "name": g, "category": "category01",
                                      "description": "ข้อมูลผลไม้", "description_en": "Data about **fruit**"},
                       csrf_page="/group/new")
    assert r.status == 303, r.text[:2000]
    gd = ok(call(Browser(server), "group_show", {"id": g}, method="GET"))
    assert gd["title_translated"] == {"th": "ผลไม้", "en": "Fruit"}
    assert gd["description_translated"]["en"] == "Data about **fruit**"
    b = Browser(server)
    page = b.get("/group/%s?lang=en" % g)
    assert "<h1>Fruit</h1>" in page.text and "<strong>fruit</strong>" in page.text
    page = b.get("/group/%s?lang=th" % g)
    assert "<h1>ผลไม้</h1>" in page.text and "<strong>fruit</strong>" not in page.text
    listed = ok(call(Browser(server), "group_list", {"all_fields": "true"}, method="GET"))
    assert [x for x in listed if x["name"] == g][0]["title_translated"]["en"] == "Fruit"
    # The agency form: English description.
    org = en["org"]["name"]
    edit = root.get("/organization/%s/edit" % org)
    assert 'name="description_en"' in edit.text and "Helps farmers grow fruit" in edit.text
    r = root.post_form("/organization/%s/edit" % org,
                       {"title": "กรมส่งเสริมการเกษตร", "title_en": "Department of Agricultural Extension",
                        "description": "ช่วยเหลือเกษตรกร", "description_en": "Helps farmers grow *longan*"},
                       csrf_page="/organization/%s/edit" % org)
    assert r.status == 303, r.text[:2000]
    page = b.get("/organization/%s?lang=en" % org)
    assert "<em>longan</em>" in page.text
    assert "<em>longan</em>" not in b.get("/organization/%s?lang=th" % org).text
    o = ok(call(Browser(server), "organization_show", {"id": org}, method="GET"))
    assert o["description_translated"] == {"th": "ช่วยเหลือเกษตรกร", "en": "Helps farmers grow *longan*"}
    b.get("/dataset?lang=th")
