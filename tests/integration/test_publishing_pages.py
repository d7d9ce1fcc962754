"""Publishing a dataset in the browser, in CKAN's two stages (issue 15): the dataset form makes a
draft that only its agency's editors see; "add data" uploads files or gives links until "finish"
publishes it with the visibility chosen; editors edit, replace, reorder and delete files; each
change is in the activity stream with its actor. Both engines."""
import http.client
import re
import time
import uuid
from urllib.parse import quote

import pytest

from accounts_helpers import login, registered_user, unique_name
from govhub_harness import Browser
from test_catalog_api import call, ok

CP874_CSV = "เขต,ประชากร\nพระนคร,55000\nดุสิต,98000\n".encode("cp874")


def multipart(fields, files=()):
    boundary = "gh" + uuid.uuid4().hex
    body = b""
    for k, v in fields:
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, k)).encode()
        body += (v if isinstance(v, bytes) else str(v).encode()) + b"\r\n"
    for k, filename, content in files:
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n" % (boundary, k, filename)).encode()
        body += content + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    return body, "multipart/form-data; boundary=" + boundary


def post_multipart(b, path, fields, files=(), csrf=True, csrf_page=None):
    fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
    if csrf:
        fields.append(("_csrf", b.csrf_from(csrf_page or path)))
    body, ctype = multipart(fields, files)
    return b.request("POST", path, body=body, headers={"Content-Type": ctype})


@pytest.fixture(scope="module")
def pub(server, smtp, sysadmin):
    """An agency with a signed-in editor and member, a stranger (editor elsewhere), a sysadmin
    browser and an anonymous one."""
    api = Browser(server)
    suffix = unique_name("pub")
    org = ok(call(api, "organization_create", {"name": "pa-" + suffix, "title": "กรมเผยแพร่"}, sysadmin))["name"]
    other = ok(call(api, "organization_create", {"name": "pb-" + suffix, "title": "กรมอื่น"}, sysadmin))["name"]
    people = {}
    for role, where in (("editor", org), ("member", org), ("stranger", other)):
        b = Browser(server)
        name = registered_user(b, smtp, role)
        ok(call(api, "organization_member_create",
                {"id": where, "username": name, "role": "member" if role == "member" else "editor"}, sysadmin))
        people[role] = b
        people[role + "_name"] = name
    root = Browser(server)
    assert login(root, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    people["sysadmin"] = root
    people["anonymous"] = Browser(server)
    return {"org": org, "suffix": suffix, "token": sysadmin, **people}


def send(b, path, fields, csrf_page):
    """A POST as the page's form makes it: multipart for the upload forms, urlencoded otherwise."""
    if path.endswith("/resource/new") or path.endswith("/edit"):
        return post_multipart(b, path, fields, csrf_page=csrf_page)
    return b.post_form(path, fields, csrf_page=csrf_page)


def new_draft(pub, b, name, private=False, title="สถิติผู้โดยสารรถไฟฟ้า ฉบับร่าง", category="ข้อมูลสาธารณะ"):
    fields = {"data_type": "statistical", "title": title, "name": name,
              "notes": "จำนวนผู้โดยสารรายวัน", "tag_string": "คมนาคม, รถไฟฟ้า", "owner_org": pub["org"],
              "maintainer": "กองสถิติ", "maintainer_email": "stat@example.go.th",
              "objective": "ยุทธศาสตร์ชาติ", "update_frequency_unit": "ปี", "geo_coverage": "ประเทศ",
              "data_source": "การรถไฟฟ้า", "data_format": "CSV", "data_category": category,
              "license_id": "cc-by", "official_statistics_type": "สถิติทางการ",
              "first_year_of_data": "2560", "last_year_of_data": "2568"}
    if private:
        fields["private"] = "true"
    r = b.post_form("/dataset/new", fields, csrf_page="/dataset/new?data_type=statistical")
    assert r.status == 303, r.text[:3000]
    assert r.header("Location") == "/dataset/%s/resource/new" % name
    return name


def show(pub, name, token=None):
    return call(Browser(pub["anonymous"].server), "package_show", {"id": name}, token, method="GET")


def test_two_stages_draft_invisible_then_published(server, pub):
    ed = pub["editor"]
    name = new_draft(pub, ed, "draft-" + pub["suffix"], title="สถิติฉบับร่างรอเผยแพร่")
    d = ok(call(Browser(server), "package_show", {"id": name}, pub["token"], method="GET"))
    assert d["state"] == "draft" and d["private"] is False
    # Its editors see the page, told it is a draft, with "add data" and "publish".
    page = ed.get("/dataset/" + name)
    assert page.status == 200 and "ฉบับร่าง: ยังไม่เผยแพร่" in page.text
    assert 'href="/dataset/%s/resource/new"' % name in page.text and "/dataset/%s/publish" % name in page.text
    # With no data yet there is no "publish" button, only the reason.
    assert "เผยแพร่ได้เมื่อมีไฟล์หรือลิงก์" in page.text and ">เผยแพร่</button>" not in page.text
    assert pub["sysadmin"].get("/dataset/" + name).status == 200
    # Nobody else: not the page, the API, search, lists, feeds, the home, the agency page.
    for who in ("anonymous", "member", "stranger"):
        assert pub[who].get("/dataset/" + name).status == 404, who
        assert pub[who].get("/dataset?q=" + quote("สถิติฉบับร่างรอเผยแพร่")).text.count("/dataset/" + name) == 0, who
        r = pub[who].get("/api/3/action/package_search?include_drafts=true&include_private=true&rows=1000")
        assert name not in [x["name"] for x in r.json()["result"]["results"]], who
        assert pub[who].get("/organization/" + pub["org"]).text.count("/dataset/" + name) == 0, who
    anon = pub["anonymous"]
    assert name not in anon.get("/api/3/action/package_list").json()["result"]
    assert "/dataset/" + name not in anon.get("/sitemap.xml").text
    assert "/dataset/" + name not in anon.get("/catalog.jsonld").text
    assert "/dataset/" + name not in anon.get("/catalog.ttl").text
    assert "/dataset/" + name not in anon.get("/opendata").text
    # "finish" with no data is refused, as CKAN does; the draft stays.
    r = post_multipart(ed, "/dataset/%s/resource/new" % name, {"next": "finish"})
    assert r.status == 422 and "เพิ่มไฟล์หรือลิงก์อย่างน้อยหนึ่งรายการ" in r.text
    r = ed.post_form("/dataset/%s/publish" % name, {}, csrf_page="/dataset/" + name)
    assert r.status == 422 and 'id="upload-error"' in r.text
    assert ok(call(Browser(server), "package_show", {"id": name}, pub["token"], method="GET"))["state"] == "draft"
    # Stage 2: a cp874 CSV (format guessed), "save and add another", then a link and "finish".
    r = post_multipart(ed, "/dataset/%s/resource/new" % name,
                       {"name": "ผู้โดยสาร 2568", "description": "รายวัน", "next": "again"},
                       [("upload", "passengers.csv", CP874_CSV)])
    assert r.status == 303 and r.header("Location") == "/dataset/%s/resource/new?added=1" % name
    # With a file the draft's page offers "publish".
    page = ed.get("/dataset/" + name)
    assert ">เผยแพร่</button>" in page.text and "เผยแพร่ได้เมื่อมีไฟล์หรือลิงก์" not in page.text
    again = ed.get(r.header("Location"))
    assert "บันทึกแล้ว" in again.text and "ผู้โดยสาร 2568" in again.text
    r = post_multipart(ed, "/dataset/%s/resource/new" % name,
                       {"url": "https://data.example.go.th/files/stations.json", "next": "finish",
                        "private": "false"})
    assert r.status == 303 and r.header("Location") == "/dataset/" + name
    d = ok(call(anon, "package_show", {"id": name}, method="GET"))
    assert d["state"] == "active" and d["private"] is False
    assert [x["format"] for x in d["resources"]] == ["CSV", "JSON"]
    assert d["resources"][0]["url_type"] == "upload" and d["resources"][0]["size"] == len(CP874_CSV)
    assert d["resources"][1]["name"] == "stations.json" or d["resources"][1]["name"]
    # A link is opened, not downloaded; a file with no format shows no empty badge; deleting a
    # link speaks of no data API table.
    shown = ed.get("/dataset/" + name).text
    assert shown.count(">ดาวน์โหลด <") == 1 and shown.count(">เปิดลิงก์ <") == 1
    assert '<span class="badge format"></span>' not in shown
    confirm = ed.get("/dataset/%s/resource/%s/delete" % (name, d["resources"][1]["id"])).text
    assert "ลบรายการนี้ออกจากชุดข้อมูลหรือไม่" in confirm and "ตารางของ API" not in confirm
    assert name in anon.get("/api/3/action/package_list").json()["result"]
    assert "/dataset/" + name in anon.get("/sitemap.xml").text
    # The activity stream names each change and its actor.
    acts = ok(call(anon, "package_activity_list", {"id": name}, method="GET"))
    actions = [a["govhub_action"] for a in acts]
    assert actions.count("resource.create") == 2 and "dataset.create" in actions
    assert all(a.get("user_name") == pub["editor_name"] for a in acts)
    page = anon.get("/dataset/%s?lang=en" % name)
    # The actor by full name (accounts_helpers registers "Test System"), not the login name.
    assert "Resource added" in page.text and "Dataset published" in page.text and "Test System" in page.text
    assert "/resource/new" not in page.text  # no editor links for a reader
    anon.get("/?lang=th")


def test_personal_data_is_published_to_everyone_only_when_confirmed(server, pub):
    ed = pub["editor"]
    name = new_draft(pub, ed, "pers-" + pub["suffix"], category="ข้อมูลส่วนบุคคล")
    form = ed.get("/dataset/%s/resource/new" % name)
    assert "จัดอยู่ในหมวด “ข้อมูลส่วนบุคคล”" in form.text and 'name="confirm_public"' in form.text
    # "Finish" as public without the confirmation: refused, the draft stays a draft.
    r = post_multipart(ed, "/dataset/%s/resource/new" % name,
                       {"url": "https://data.example.go.th/people.csv", "next": "finish", "private": "false"})
    assert r.status == 422 and "ไม่ได้จัดเป็นข้อมูลสาธารณะ" in r.text and 'id="confirm_public-error"' in r.text
    assert ok(show(pub, name, pub["token"]))["state"] == "draft"
    assert ok(show(pub, name, pub["token"]))["resources"] == []
    # The draft page's "publish" button is refused the same way once there is data.
    assert post_multipart(ed, "/dataset/%s/resource/new" % name,
                          {"url": "https://data.example.go.th/people.csv", "next": "again"}).status == 303
    r = ed.post_form("/dataset/%s/publish" % name, {}, csrf_page="/dataset/" + name)
    assert r.status == 422 and 'id="confirm_public-error"' in r.text
    # Private needs no confirmation; public with it is published.
    r = post_multipart(ed, "/dataset/%s/resource/new" % name,
                       {"next": "finish", "private": "false", "confirm_public": "1"})
    assert r.status == 303
    d = ok(show(pub, name, pub["token"]))
    assert d["state"] == "active" and d["private"] is False
    other = new_draft(pub, ed, "pers2-" + pub["suffix"], category="ข้อมูลความลับทางราชการ")
    r = post_multipart(ed, "/dataset/%s/resource/new" % other,
                       {"url": "https://data.example.go.th/secret.csv", "next": "finish", "private": "true"})
    assert r.status == 303 and ok(show(pub, other, pub["token"]))["private"] is True
    # A public-data dataset shows no such box.
    plain = new_draft(pub, ed, "pers3-" + pub["suffix"])
    assert 'name="confirm_public"' not in ed.get("/dataset/%s/resource/new" % plain).text


def test_private_choice_is_applied_at_finish(server, pub):
    ed = pub["editor"]
    name = new_draft(pub, ed, "priv-" + pub["suffix"], private=True)
    r = post_multipart(ed, "/dataset/%s/resource/new" % name,
                       {"url": "https://data.example.go.th/a.csv", "next": "again"})
    assert r.status == 303
    # The page's publish button keeps the choice made in the dataset form.
    r = ed.post_form("/dataset/%s/publish" % name, {}, csrf_page="/dataset/" + name)
    assert r.status == 303
    d = ok(call(Browser(server), "package_show", {"id": name}, pub["token"], method="GET"))
    assert d["state"] == "active" and d["private"] is True
    assert show(pub, name).status == 404
    assert pub["member"].get("/dataset/" + name).status == 200


def test_permissions_on_every_new_page(server, pub):
    name = new_draft(pub, pub["editor"], "perm-" + pub["suffix"])
    rid = ok(call(Browser(server), "resource_create",
                  {"package_id": name, "url": "https://example.go.th/x.csv", "name": "x"}, pub["token"]))["id"]
    base = "/dataset/%s" % name
    gets = [base + "/resource/new", base + "/resource/%s/edit" % rid, base + "/resource/%s/delete" % rid]
    posts = [base + "/resource/new", base + "/resource/%s/edit" % rid, base + "/resource/%s/delete" % rid,
             base + "/resource/%s/move" % rid, base + "/publish"]
    for path in gets:
        r = pub["anonymous"].get(path)
        assert r.status == 303 and r.header("Location").startswith("/user/login?next="), path
        # A draft is not even found by a member or a stranger.
        assert pub["member"].get(path).status == 404, path
        assert pub["stranger"].get(path).status == 404, path
        assert pub["editor"].get(path).status == 200, path
        assert pub["sysadmin"].get(path).status == 200, path
    for path in posts:
        for who in ("member", "stranger"):
            b = pub[who]
            r = send(b, path, {"to": "down", "url": "https://example.go.th/y.csv"}, "/dataset")
            assert r.status == 404, (who, path, r.status, re.sub(r"(?s).*<main[^>]*>", "", r.text)[:600])
        r = send(pub["anonymous"], path, {}, "/user/login")
        assert r.status == 303 and "/user/login" in r.header("Location"), path
    # Once public, a member and a stranger may read it but not change it: 403.
    ok(call(Browser(server), "package_patch", {"id": name, "state": "active"}, pub["token"]))
    for who in ("member", "stranger"):
        for path in gets:
            assert pub[who].get(path).status == 403, (who, path)
        for path in posts:
            r = send(pub[who], path, {"to": "down"}, "/dataset/" + name)
            assert r.status == 403, (who, path, r.status)
    # CSRF missing: refused, nothing changes.
    r = pub["editor"].post_form(base + "/resource/%s/delete" % rid, {}, csrf=False)
    assert r.status == 403
    body, ctype = multipart([("url", "https://example.go.th/z.csv"), ("next", "done")])
    r = pub["editor"].request("POST", base + "/resource/new", body=body, headers={"Content-Type": ctype})
    assert r.status == 403
    d = ok(call(Browser(server), "package_show", {"id": name}, method="GET"))
    assert [x["id"] for x in d["resources"]] == [rid]


def test_bad_input_is_shown_beside_the_fields(server, pub):
    ed = pub["editor"]
    name = new_draft(pub, ed, "bad-" + pub["suffix"])
    path = "/dataset/%s/resource/new" % name
    # A link that is not http(s), with hostile text kept escaped.
    xss = "<script>alert(1)</script>"
    r = post_multipart(ed, path, {"url": "javascript:alert(1)", "name": xss, "description": "คำอธิบาย",
                                  "next": "again"})
    assert r.status == 422 and 'id="url-error"' in r.text
    assert xss not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert 'value="javascript:alert(1)"' in r.text and "คำอธิบาย" in r.text
    # Neither a file nor a link; both at once.
    r = post_multipart(ed, path, {"name": "ว่าง", "next": "again"})
    assert r.status == 422 and 'id="upload-error"' in r.text and 'value="ว่าง"' in r.text
    r = post_multipart(ed, path, {"url": "https://example.go.th/a.csv", "next": "again"},
                       [("upload", "a.csv", b"a,b\n1,2\n")])
    assert r.status == 422 and 'id="url-error"' in r.text
    # GD-Catalog resource fields: a year that is not one, the field's message, the values kept;
    # a good one is stored.
    r = post_multipart(ed, path, {"url": "https://example.go.th/a.csv", "name": "ชื่อที่พิมพ์",
                                  "resource_first_year_of_data": "ปีที่แล้ว", "next": "again"})
    assert r.status == 422 and 'id="resource_first_year_of_data-error"' in r.text, r.text[-3000:]
    assert 'value="ชื่อที่พิมพ์"' in r.text and 'value="ปีที่แล้ว"' in r.text
    r = post_multipart(ed, path, {"url": "https://example.go.th/a.csv", "name": "ชื่อที่พิมพ์",
                                  "resource_first_year_of_data": "2560", "next": "again"})
    assert r.status == 303
    stored = ok(call(Browser(server), "package_show", {"id": name}, pub["token"], method="GET"))["resources"]
    assert stored[-1]["resource_first_year_of_data"] in ("2560", 2560)
    # A hostile name stored is shown escaped on the dataset page.
    r = post_multipart(ed, path, {"url": "https://example.go.th/b.csv", "name": xss, "next": "done"})
    assert r.status == 303
    page = ed.get("/dataset/" + name)
    assert xss not in page.text and "&lt;script&gt;" in page.text
    # A file over the site's cap: 413 before the body is read.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest("POST", path)
    conn.putheader("Cookie", "; ".join("%s=%s" % kv for kv in ed.jar.items()))
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(1026 * 1024 * 1024))
    conn.endheaders()
    resp = conn.getresponse()
    assert resp.status == 413
    conn.close()
    # A malformed multipart body and an unknown move direction.
    r = ed.request("POST", path, body=b"--x\r\nnonsense", headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status in (400, 403)
    rid = ok(call(Browser(server), "package_show", {"id": name}, pub["token"], method="GET"))["resources"][0]["id"]
    r = ed.post_form("/dataset/%s/resource/%s/move" % (name, rid), {"to": "sideways"},
                     csrf_page="/dataset/" + name)
    assert r.status == 409
    # A resource of another dataset is not found under this one.
    other = new_draft(pub, ed, "bad2-" + pub["suffix"])
    assert ed.get("/dataset/%s/resource/%s/edit" % (other, rid)).status == 404


def test_edit_replace_reorder_delete_with_activity(server, pub):
    ed = pub["editor"]
    token = pub["token"]
    name = new_draft(pub, ed, "life-" + pub["suffix"])
    for fname, content in (("one.csv", b"a,b\n1,2\n"), ("two.csv", CP874_CSV)):
        r = post_multipart(ed, "/dataset/%s/resource/new" % name, {"next": "again"}, [("upload", fname, content)])
        assert r.status == 303
    r = ed.post_form("/dataset/%s/publish" % name, {}, csrf_page="/dataset/" + name)
    assert r.status == 303
    d = ok(call(Browser(server), "package_show", {"id": name}, token, method="GET"))
    first, second = [x["id"] for x in d["resources"]]
    # Edit a file's fields: the form shows them, the change is kept.
    edit = "/dataset/%s/resource/%s/edit" % (name, first)
    assert 'href="%s"' % edit in ed.get("/dataset/%s/resource/%s" % (name, first)).text
    assert 'href="%s"' % edit not in Browser(server).get("/dataset/%s/resource/%s" % (name, first)).text
    form = ed.get(edit)
    assert form.status == 200 and 'value="one.csv"' in form.text
    # It names the file it edits, and lists no others.
    assert "<h1>แก้ไขไฟล์: one.csv</h1>" in form.text and "ไฟล์ที่มีแล้ว" not in form.text
    r = post_multipart(ed, edit, {"name": "ไฟล์แรก", "description": "แก้แล้ว", "format": ""})
    assert r.status == 303
    got = ok(call(Browser(server), "resource_show", {"id": first}, method="GET"))
    assert got["name"] == "ไฟล์แรก" and got["description"] == "แก้แล้ว" and got["format"] == "CSV"
    r = post_multipart(ed, edit, {"name": ""})
    assert r.status == 422 and 'id="name-error"' in r.text
    # Replace its file: the download is the new one, with its size and hash.
    new = "ปี,จำนวน\n2568,10\n".encode("cp874")
    old_hash = got["hash"]
    r = post_multipart(ed, edit, {"name": "ไฟล์แรก"}, [("upload", "first-v2.csv", new)])
    assert r.status == 303
    got = ok(call(Browser(server), "resource_show", {"id": first}, method="GET"))
    assert got["size"] == len(new) and got["hash"] != old_hash and got["format"] == "CSV"
    assert "first-v2.csv" in ed.get(edit).text
    dl = Browser(server).get("/dataset/%s/resource/%s/download" % (name, first))
    assert dl.status == 200 and dl.body == new
    # The datastore reloads its table from the new file (Thai decoded from cp874).
    rows = []
    for _ in range(60):
        r = call(Browser(server), "datastore_search", {"resource_id": first}, method="GET")
        if r.status == 200:
            rows = r.json()["result"]["records"]
            if rows and "ปี" in rows[0]:
                break
        time.sleep(0.25)
    assert rows and rows[0]["ปี"] in (2568, "2568") and rows[0]["จำนวน"] in (10, "10"), rows
    # Reorder: the second file up; the API action does the same.
    r = ed.post_form("/dataset/%s/resource/%s/move" % (name, second), {"to": "up"}, csrf_page="/dataset/" + name)
    assert r.status == 303
    d = ok(call(Browser(server), "package_show", {"id": name}, method="GET"))
    assert [x["id"] for x in d["resources"]] == [second, first]
    res = ok(call(Browser(server), "package_resource_reorder", {"id": name, "order": [first]}, token))
    assert res["order"] == [first, second]
    bad = call(Browser(server), "package_resource_reorder", {"id": name, "order": ["nope"]}, token)
    assert bad.status == 409 and "order" in bad.json()["error"]
    assert call(Browser(server), "package_resource_reorder", {"id": name, "order": [first]}).status == 403
    # Delete: a confirmation page first (a GET changes nothing), then the POST.
    confirm = ed.get("/dataset/%s/resource/%s/delete" % (name, second))
    assert confirm.status == 200 and "two.csv" in confirm.text
    assert len(ok(call(Browser(server), "package_show", {"id": name}, method="GET"))["resources"]) == 2
    r = ed.post_form("/dataset/%s/resource/%s/delete" % (name, second), {},
                     csrf_page="/dataset/%s/resource/%s/delete" % (name, second))
    assert r.status == 303
    d = ok(call(Browser(server), "package_show", {"id": name}, method="GET"))
    assert [x["id"] for x in d["resources"]] == [first]
    acts = ok(call(Browser(server), "package_activity_list", {"id": name}, method="GET"))
    actions = [a["govhub_action"] for a in acts]
    for a in ("resource.update", "resource.reorder", "resource.delete", "dataset.patch"):
        assert a in actions or (a == "dataset.patch" and "dataset.update" in actions), (a, actions)
    assert {a.get("user_name") for a in acts if a["govhub_action"] == "resource.update"} == {pub["editor_name"]}
    page = Browser(server).get("/dataset/%s?lang=en" % name)
    assert "Files reordered" in page.text and "Resource deleted" in page.text
    # The page's stream reads as a person would say it, in either language: files by their
    # names, fields by the forms' labels, no internal key, the actor's full name.
    words = {
        "en": ["Resource added: “one.csv”", "Resource added: “two.csv”", "Resource deleted: “two.csv”",
               "Resource “ไฟล์แรก” updated: Name, Description",
               "The file of resource “ไฟล์แรก” was replaced with first-v2.csv", "Dataset published",
               "Files reordered", "Test System"],
        "th": ["เพิ่มทรัพยากรข้อมูล “one.csv”", "ลบทรัพยากรข้อมูล “two.csv”",
               "แก้ไขทรัพยากรข้อมูล “ไฟล์แรก”: ชื่อ, รายละเอียด",
               "เปลี่ยนไฟล์ของทรัพยากรข้อมูล “ไฟล์แรก” เป็น first-v2.csv", "เผยแพร่ชุดข้อมูล",
               "เรียงลำดับไฟล์ใหม่", "ทดสอบ ระบบ"],
    }
    for lang, expected in words.items():
        stream = activity_text(Browser(server).get("/dataset/%s?lang=%s" % (name, lang)).text)
        for w in expected:
            assert w in stream, "%s: %r not in %s" % (lang, w, stream)
        assert_no_internal_keys(stream)
        assert pub["editor_name"] not in stream, stream
    # An English title is its form's label; visibility is worded as what happened.
    ok(call(Browser(server), "package_patch", {"id": name, "title_en": "Daily passengers", "private": True}, token))
    ok(call(Browser(server), "package_patch", {"id": name, "private": False}, token))
    for lang, expected in (("en", ["Dataset updated: English title · Made private (only the agency sees it)",
                                   "Made public"]),
                           ("th", ["แก้ไขชุดข้อมูล: ชื่อชุดข้อมูลภาษาอังกฤษ · เปลี่ยนเป็นส่วนตัว (เห็นเฉพาะหน่วยงาน)",
                                   "เปลี่ยนเป็นสาธารณะ"])):
        stream = activity_text(Browser(server).get("/dataset/%s?lang=%s" % (name, lang)).text)
        for w in expected:
            assert w in stream, "%s: %r not in %s" % (lang, w, stream)
        assert_no_internal_keys(stream)
    # A private file is not named to a reader who may not see it; its editors see the name.
    ok(call(Browser(server), "resource_patch", {"id": first, "resource_private": "True"}, token))
    stream = activity_text(Browser(server).get("/dataset/%s?lang=en" % name).text)
    assert "ไฟล์แรก" not in stream and "Resource updated · Made private" in stream, stream
    assert "Resource “ไฟล์แรก” updated" in activity_text(pub["sysadmin"].get("/dataset/%s?lang=en" % name).text)
    Browser(server).get("/?lang=th")


INTERNAL_KEYS = ("state", "hash", "last_modified", "url", "url_type", "size", "mimetype", "title_translated",
                 "notes_translated", "metadata_modified", "datastore_active", "resource_private",
                 "position", "resources", "draft", "active")


def activity_text(html):
    """The dataset page's activity section as a reader sees it: its text, tags removed."""
    section = html.split('id="activity-heading"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section.split("</h2>", 1)[1]))


def assert_no_internal_keys(stream):
    for key in INTERNAL_KEYS:
        assert not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(key), stream), (key, stream)
