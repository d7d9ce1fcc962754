"""Saved views (CKAN's resource_view_*): charts and maps checked against the table, on the
resource and dataset pages, embeddable, and their data endpoints; on both engines."""
import json
from urllib.parse import quote

import pytest

from govhub_harness import Browser
from test_catalog_api import call, ok, record_dataset, world  # noqa: F401  (fixture)
from test_datastore import wait_for_load
from test_resource_upload import upload

STATIONS = ("สถานี,จังหวัด,ฝน,lat,lon\n"
            "เชียงใหม่,เชียงใหม่,0.5,18.77,98.97\n"
            "ลำปาง,ลำปาง,2.5,18.29,99.49\n"
            "เชียงราย,เชียงราย,4.0,19.91,99.84\n"
            "สงขลา,สงขลา,48.6,7.20,100.60\n")


@pytest.fixture(scope="module")
def stations(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "views-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    body = STATIONS.encode()
    status, raw = upload(server, editor, {"package_id": name}, "stations.csv", [body], len(body))
    rid = json.loads(raw)["result"]["id"]
    wait_for_load(api, rid)
    return {"id": rid, "dataset": name}


def test_chart_and_geojson_endpoints(server, stations):
    b = Browser(server)
    r = b.get("/api/datastore/%s/chart?x=%s&y=%s&aggregate=sum&order=value" % (stations["id"], quote("จังหวัด"), quote("ฝน")))
    data = r.json()
    assert data["x"] == ["สงขลา", "เชียงราย", "ลำปาง", "เชียงใหม่"] and data["y"] == [48.6, 4.0, 2.5, 0.5]
    r = b.get("/api/datastore/%s/chart?x=%s&aggregate=count" % (stations["id"], quote("จังหวัด")))
    assert sorted(r.json()["y"]) == [1, 1, 1, 1]
    r = b.get("/api/datastore/%s/geojson" % stations["id"])
    assert r.header("Content-Type").startswith("application/geo+json")
    gj = r.json()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 4
    first = gj["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [98.97, 18.77]}
    assert first["properties"]["สถานี"] == "เชียงใหม่"
    for bad in ("x=nope", "x=%s&y=%s&aggregate=sum" % (quote("จังหวัด"), quote("สถานี")), "x=%s&aggregate=median" % quote("จังหวัด"),
                "x=%s&limit=5000" % quote("จังหวัด"), ""):
        r = b.get("/api/datastore/%s/chart?%s" % (stations["id"], bad))
        assert r.status == 409, (bad, r.text[:200])
    assert b.get("/api/datastore/%s/geojson?lat=nope&lon=lon" % stations["id"]).status == 409
    assert b.get("/api/datastore/00000000-0000-4000-8000-000000000000/chart?x=a").status == 404


def test_views_through_the_api(server, stations, world):
    api = Browser(server)
    editor, other = world["people"]["editor"], world["people"]["other"]
    chart = {"resource_id": stations["id"], "view_type": "chart_view", "title": "ฝนรายจังหวัด",
             "chart_type": "bar", "x": "จังหวัด", "y": "ฝน", "aggregate": "sum"}
    assert call(api, "resource_view_create", chart).status == 403
    assert call(api, "resource_view_create", chart, other).status == 403
    v = ok(call(api, "resource_view_create", chart, editor))
    assert v["x"] == "จังหวัด" and v["limit"] == 50 and v["package_id"]
    m = ok(call(api, "resource_view_create", {"resource_id": stations["id"], "view_type": "map_view",
                                              "title": "แผนที่"}, editor))
    listed = ok(call(api, "resource_view_list", {"id": stations["id"]}, method="GET"))
    assert [x["id"] for x in listed] == [v["id"], m["id"]]
    assert ok(call(api, "resource_view_show", {"id": v["id"]}, method="GET"))["title"] == "ฝนรายจังหวัด"
    p = ok(call(api, "resource_view_patch", {"id": v["id"], "chart_type": "pie"}, editor))
    assert p["chart_type"] == "pie" and p["x"] == "จังหวัด"
    # Settings the table cannot honour are named.
    for bad, field in (({"x": "ไม่มี"}, "x"), ({"y": "สถานี"}, "y"), ({"chart_type": "radar"}, "chart_type"),
                       ({"limit": 0}, "limit"), ({"aggregate": "none"}, "aggregate"), ({"x": 5}, "x")):
        r = call(api, "resource_view_patch", dict({"id": v["id"]}, **bad), editor)
        assert r.status == 409 and field in r.json()["error"], (bad, r.text[:200])
    for bad in ({"resource_id": stations["id"], "view_type": "chart_view"},
                {"resource_id": stations["id"], "view_type": "video_view", "title": "x"},
                {"resource_id": stations["id"], "view_type": "map_view", "title": "x", "lat": "ฝน"},
                {"view_type": "map_view", "title": "x"}):
        assert call(api, "resource_view_create", bad, editor).status == 409, bad
    assert call(api, "resource_view_show", {"id": "not-a-uuid"}, method="GET").status == 404
    assert call(api, "resource_view_delete", {"id": v["id"]}, other).status == 403
    ok(call(api, "resource_view_delete", {"id": m["id"]}, editor))
    assert [x["id"] for x in ok(call(api, "resource_view_list", {"id": stations["id"]}, method="GET"))] == [v["id"]]
    # The changes are in the dataset's activity.
    acts = ok(call(api, "package_activity_list", {"id": stations["dataset"]}, method="GET"))
    assert acts


def test_views_on_pages_and_embedded(server, stations, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    v = ok(call(api, "resource_view_create", {"resource_id": stations["id"], "view_type": "chart_view",
                                              "title": "ฝนสะสมรายสถานี", "x": "สถานี", "y": "ฝน",
                                              "aggregate": "sum"}, editor))
    page = Browser(server).get("/dataset/%s" % stations["dataset"]).text
    assert "ฝนสะสมรายสถานี" in page and "data-chart-src" in page and "48.6" in page  # numbers as a table
    res_page = "/dataset/%s/resource/%s" % (stations["dataset"], stations["id"])
    html = Browser(server).get(res_page).text
    assert "data-geojson-src" in html  # lat/lon columns give a map
    assert "/static/vendor/echarts/echarts.min.js" in html
    # The explorer draws an unsaved chart for anyone; a bad choice is explained.
    html = Browser(server).get(res_page + "?chart_type=line&chart_x=%s&chart_agg=count" % quote("จังหวัด")).text
    assert "กราฟที่สร้าง" in html and 'data-chart-type="line"' in html
    html = Browser(server).get(res_page + "?chart_type=bar&chart_x=%s&chart_agg=sum&chart_y=" % quote("จังหวัด")).text
    assert 'role="alert"' in html
    # Embedding: a page of its own that other sites may frame.
    r = Browser(server).get("/view/%s/embed" % v["id"])
    assert r.status == 200 and "ฝนสะสมรายสถานี" in r.text and "<header" not in r.text
    assert "frame-ancestors *" in r.header("Content-Security-Policy")
    assert "frame-ancestors 'none'" in Browser(server).get(res_page).header("Content-Security-Policy")
    assert Browser(server).get("/view/00000000-0000-4000-8000-000000000000/embed").status == 404


def test_a_private_resources_views_stay_hidden(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "views-private-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name, private=True), editor))
    body = STATIONS.encode()
    status, raw = upload(server, editor, {"package_id": name}, "p.csv", [body], len(body))
    rid = json.loads(raw)["result"]["id"]
    wait_for_load(api, rid, editor)
    v = ok(call(api, "resource_view_create", {"resource_id": rid, "view_type": "map_view", "title": "ลับ"}, editor))
    assert call(api, "resource_view_show", {"id": v["id"]}, method="GET").status == 404
    assert Browser(server).get("/view/%s/embed" % v["id"]).status == 404
    assert Browser(server).get("/api/datastore/%s/geojson" % rid).status == 404
    assert ok(call(api, "resource_view_show", {"id": v["id"]}, world["people"]["member"], method="GET"))["title"] == "ลับ"


def test_files_that_are_not_tables_get_previews(server, world):
    api = Browser(server)
    editor = world["people"]["editor"]
    name = "previews-" + world["suffix"]
    ok(call(api, "package_create", record_dataset(world["orgs"]["a"], name), editor))
    files = {
        "report.pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        "map.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
        "readme.txt": "อ่านก่อนใช้ข้อมูล\nบรรทัดที่สอง\n".encode("cp874"),
        "config.json": json.dumps({"ชื่อ": "ตั้งค่า", "ค่า": [1, 2]}, ensure_ascii=False).encode(),
        "page.html": b"<script>alert(1)</script>",
    }
    ids = {}
    for filename, body in files.items():
        status, raw = upload(server, editor, {"package_id": name}, filename, [body], len(body))
        assert status == 200, raw[:200]
        ids[filename] = json.loads(raw)["result"]["id"]
    page = lambda f: Browser(server).get("/dataset/%s/resource/%s" % (name, ids[f])).text  # noqa: E731
    assert '<iframe class="pdf"' in page("report.pdf")
    assert '<img class="preview-image"' in page("map.png")
    assert "อ่านก่อนใช้ข้อมูล" in page("readme.txt")  # cp874 shown as Thai
    assert "&quot;ชื่อ&quot;: &quot;ตั้งค่า&quot;" in page("config.json")  # pretty-printed, escaped
    assert "preview-heading" not in page("page.html")
    # Inline only for safe types, framed by this site only; HTML always downloads.
    r = Browser(server).get("/dataset/%s/resource/%s/download?inline=1" % (name, ids["report.pdf"]))
    assert r.header("Content-Disposition") == "inline" and "frame-ancestors 'self'" in r.header("Content-Security-Policy")
    r = Browser(server).get("/dataset/%s/resource/%s/download?inline=1" % (name, ids["page.html"]))
    assert r.header("Content-Disposition").startswith("attachment")
