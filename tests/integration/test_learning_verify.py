"""Certificates as others see them (issue 17): an agency's certificate design (page and JSON, PNG
checks, a new file per upload), the public verification page and its JSON (valid, revoked,
unknown; codes typed loosely; the learner's name as they chose), and the issuer's material: the
credential as issued, the JWKS and DID document, and the Bitstring Status List, each checked
here with PyNaCl, an implementation independent of the server's libsodium.

The certificate workflow that issues certificates is not part of these tests: rows of
learning_certificates are written with SQL, their credentials signed here with the seed of the
site's key file."""
import base64
import concurrent.futures
import gzip
import json
import os
import random
import re
import struct
import subprocess
import urllib.parse
import uuid
import zlib

import nacl.exceptions
import nacl.signing
import pytest

from accounts_helpers import login, registered_user, unique_name
from govhub_harness import Browser, Server
from test_catalog_api import call, ok

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "artifacts")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def png(width=40, height=20, rgba=(0, 0, 128, 255)):
    """A real PNG (RGBA) of one colour."""
    raw = b"".join(b"\x00" + bytes(rgba) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def multipart(fields, files):
    boundary = "----brand" + uuid.uuid4().hex
    out = b""
    for k, v in fields.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, k)).encode() + v.encode() + b"\r\n"
    for k, (filename, data) in files.items():
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, k, filename)).encode() + data + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


def signing_key(server):
    with open(os.path.join(server.data_dir, "secrets", "learning-credential.key")) as f:
        kind, seed = f.read().split()
    assert kind == "ed25519"
    return nacl.signing.SigningKey(unb64url(seed))


def jwks_keys(browser):
    r = browser.get("/.well-known/jwks.json")
    assert r.status == 200, r.text
    return {k["kid"]: nacl.signing.VerifyKey(unb64url(k["x"])) for k in r.json()["keys"]}


def verify_jwt(token, keys):
    """The payload of a compact EdDSA JWS verified with the published keys; raises when not."""
    head, payload, sig = token.split(".")
    header = json.loads(unb64url(head))
    assert header["alg"] == "EdDSA"
    keys[header["kid"]].verify((head + "." + payload).encode(), unb64url(sig))
    return json.loads(unb64url(payload))


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


def new_code():
    raw = "".join(random.choice(CROCKFORD) for _ in range(12))
    return "%s-%s-%s" % (raw[:4], raw[4:8], raw[8:])


class Issued:
    """A certificate row as the certificate workflow would write it."""

    def __init__(self, server, user_name, agency, name_th="สมชาย ใจดี", name_en="Somchai Jaidee"):
        self.server = server
        self.code = new_code()
        self.index = random.randrange(0, 131072)
        while server.query("SELECT 1 FROM learning_certificates WHERE status_index = %d" % self.index):
            self.index = random.randrange(0, 131072)
        self.user_id = server.query("SELECT id FROM users WHERE name = '%s'" % user_name)[0][0]
        agency_id = server.query("SELECT id FROM organizations WHERE name = '%s'" % agency)[0][0]
        did = "did:web:127.0.0.1%%3A%d" % server.port
        key = signing_key(server)
        kid = did + "#" + list(jwks_keys(Browser(server)).keys())[0].split("#")[1]
        self.snapshot = {
            "code": self.code, "learner_name": name_th, "learner_name_en": name_en,
            "course_name": "digital-basics", "course_title": "พื้นฐานรัฐบาลดิจิทัล",
            "course_title_en": "Digital Government Basics", "minutes": 180,
            "completed_at": "2026-12-07", "issued_at": "2026-12-08T03:00:00Z", "agency_id": agency_id,
            "agency_title": "กรมทดสอบเกียรติบัตร", "agency_title_en": "Department of Certificate Tests",
            "signatory_name": "", "signatory_name_en": "", "signatory_position": "",
            "signatory_position_en": "", "signature_file": "", "background_file": "", "course_version": 1}
        payload = {"iss": did, "jti": server.url + "/learning/verify/" + self.code, "nbf": 1796695200,
                   "name": "Digital Government Basics",
                   "credentialSubject": {"type": ["AchievementSubject"], "name": name_th},
                   "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                                        "statusListIndex": str(self.index),
                                        "statusListCredential": server.url + "/learning/credentials/status/1"}}
        head = b64url(json.dumps({"alg": "EdDSA", "typ": "JWT", "kid": kid}).encode())
        body = b64url(json.dumps(payload, ensure_ascii=False).encode())
        sig = key.sign((head + "." + body).encode()).signature
        self.credential = head + "." + body + "." + b64url(sig)
        server.execute(
            "INSERT INTO learning_certificates (id, code, course_id, user_id, agency_id, request_id, "
            "course_version, completed_at, issued_at, status_index, snapshot, credential) VALUES "
            "(%s, %s, %s, %s, %s, '', 1, '2026-12-07T09:00:00Z', '2026-12-08T03:00:00Z', %d, %s, %s)" % (
                sql_text(str(uuid.uuid4())), sql_text(self.code), sql_text(str(uuid.uuid4())),
                sql_text(self.user_id), sql_text(agency_id), self.index,
                sql_text(json.dumps(self.snapshot, ensure_ascii=False)), sql_text(self.credential)))

    def revoke(self, reason="ผลสอบไม่สุจริต"):
        self.server.execute("UPDATE learning_certificates SET revoked_at = '2027-01-15T04:00:00Z', "
                            "revoke_reason = %s, revoked_by = 'x' WHERE code = %s" % (sql_text(reason), sql_text(self.code)))


@pytest.fixture(scope="module")
def agency(server, sysadmin):
    name = unique_name("brand")
    ok(call(Browser(server), "organization_create",
            {"name": name, "title": "กรมทดสอบเกียรติบัตร", "title_en": "Department of Certificate Tests"}, sysadmin))
    return name


def agency_admin(server, smtp, sysadmin, agency):
    b = Browser(server)
    user = registered_user(b, smtp, "brandadm")
    ok(call(Browser(server), "organization_member_create", {"id": agency, "username": user, "role": "admin"}, sysadmin))
    return b, user


def post_design(browser, agency, fields=None, files=None):
    csrf = browser.csrf_from("/learning/agency/%s/certificate" % agency)
    body, ctype = multipart(dict(fields or {}, _csrf=csrf), files or {})
    return browser.request("POST", "/learning/agency/%s/certificate" % agency, body=body, headers={"Content-Type": ctype})


def branding_files(server):
    d = os.path.join(server.data_dir, "learning", "branding")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


# ---- the design


def test_design_page_keeps_signatory_and_images_and_a_preview(server, smtp, sysadmin, agency):
    admin, admin_name = agency_admin(server, smtp, sysadmin, agency)
    # Found where an agency's administrator looks: "my courses".
    assert "/learning/agency/%s/certificate" % agency in admin.get("/learning/my").text
    page = admin.get("/learning/agency/%s/certificate" % agency)
    assert page.status == 200 and "กรมทดสอบเกียรติบัตร" in page.text
    r = post_design(admin, agency, {"signatory_name": "นายผู้ลงนาม ทดสอบ", "signatory_name_en": "Mr Signer Test",
                                    "signatory_position": "อธิบดี", "signatory_position_en": "Director-General"},
                    {"signature": ("sig.png", png(300, 100, (0, 0, 128, 200))),
                     "background": ("bg.png", png(1169, 826, (250, 240, 200, 255)))})
    assert r.status == 303, r.text[:2000]
    page = admin.get(r.header("Location"))
    assert "นายผู้ลงนาม ทดสอบ" in page.text and "Director-General" in page.text
    assert "/certificate/signature.png" in page.text and "/certificate/background.png" in page.text
    assert admin.get("/learning/agency/%s/certificate/signature.png" % agency).body.startswith(b"\x89PNG")
    first = branding_files(server)
    assert len([f for f in first if "-signature-" in f]) >= 1
    # A new signature: a new file; the old one stays for certificates drawn from it.
    signatory = {"signatory_name": "นายผู้ลงนาม ทดสอบ", "signatory_name_en": "Mr Signer Test",
                 "signatory_position": "อธิบดี", "signatory_position_en": "Director-General"}
    r = post_design(admin, agency, signatory, {"signature": ("s2.png", png(200, 80))})
    assert r.status == 303
    after = branding_files(server)
    assert set(first) < set(after)
    # The sample certificate as a PDF, kept as a PNG to look at.
    pdf = admin.get("/learning/agency/%s/certificate/preview.pdf" % agency)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF") and "pdf" in pdf.header("Content-Type")
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, "certificate-design-preview.pdf")
    with open(path, "wb") as f:
        f.write(pdf.body)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-singlefile", path, path[:-4]], check=True)
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    assert "นายผู้ลงนาม ทดสอบ" in text and "อธิบดี" in text
    # Audited on the agency.
    agency_id = server.query("SELECT id FROM organizations WHERE name = '%s'" % agency)[0][0]
    audits = server.query("SELECT details FROM audit_log WHERE action = 'learning.certificate_design.update' "
                          "AND object_id = '%s'" % agency_id)
    assert len(audits) == 2 and "signature_file" in audits[0][0]


def test_design_refuses_what_is_not_a_small_png(server, smtp, sysadmin, agency):
    admin, _ = agency_admin(server, smtp, sysadmin, agency)
    r = post_design(admin, agency, {}, {"signature": ("sig.png", b"GIF89a not a png at all")})
    assert r.status == 422 and "ต้องเป็นไฟล์ภาพ PNG" in r.text
    big = png(10, 10) + b"\0" * (5 * 1024 * 1024)
    r = post_design(admin, agency, {}, {"background": ("bg.png", big)})
    assert r.status == 422 and "5 MB" in r.text
    # Too many pixels a side (read from the header before Cairo reads it): A4 at 300 dpi at most.
    r = post_design(admin, agency, {}, {"background": ("bg.png", png(3509, 1))})
    assert r.status == 422 and "PNG" in r.text and "ต้องเป็นไฟล์ภาพ PNG" not in r.text
    # Nothing was kept of any of them.
    assert admin.get("/learning/agency/%s/certificate?lang=en" % agency).status == 200


def png_chunk(kind, data, crc=None):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_parts(width, height, depth=8, colour=6, data=None, idat_crc=None):
    """A PNG built from its parts, as wrong as asked."""
    if data is None:
        data = zlib.compress(b"".join(b"\x00" + b"\x10\x20\x30\xff" * width for _ in range(height)))
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)) +
            png_chunk(b"IDAT", data, idat_crc) + png_chunk(b"IEND", b""))


def test_design_refuses_pngs_that_do_not_decode(server, smtp, sysadmin, agency):
    """Each of these passed the header check, was kept, and then made every certificate drawn
    with it fail (500) for ever: now refused at upload, and nothing is kept."""
    admin, _ = agency_admin(server, smtp, sysadmin, agency)
    csrf = {"X-CSRF-Token": admin.csrf_from("/learning/agency/%s/certificate" % agency)}
    url = "/api/learning/agencies/%s/certificate-design/background" % agency

    def upload(data):
        return admin.request("POST", url, body=data, headers=dict(csrf, **{"Content-Type": "image/png"}))

    # The message for a PNG that cannot be used (over the size in pixels: refused from its header).
    r = upload(png(3509, 10))
    assert r.status == 409, r.text
    bad_png = r.json()["error"]["fields"]["background"]
    assert bad_png != "ต้องเป็นไฟล์ภาพ PNG"
    whole = zlib.compress(b"".join(b"\x00" + b"\x10\x20\x30\xff" * 200 for _ in range(100)))
    malformed = {
        "truncated IDAT": png_parts(200, 100, data=whole[: len(whole) // 2]),
        "file cut short": png(200, 100)[:-40],
        "bad IDAT CRC": png_parts(40, 20, idat_crc=0x12345678),
        "colour type 7": png_parts(40, 20, 8, 7),
        "bit depth 3": png_parts(40, 20, 3, 0),
        "palette without PLTE": png_parts(40, 20, 8, 3, data=zlib.compress(b"\x00" * 41 * 20)),
        "A4 16-bit with its data cut": png_parts(
            3508, 2480, 16, 6, data=zlib.compress(b"".join(b"\x00" + b"\x00" * 8 * 3508 for _ in range(10)))),
        "more pixels than A4": png(3508, 3508),
    }
    before = branding_files(server)
    for what, data in malformed.items():
        r = upload(data)
        assert r.status == 409, (what, r.status, r.text)
        assert r.json()["error"]["fields"]["background"] == bad_png, what
    assert branding_files(server) == before  # nothing kept
    r = post_design(admin, agency, {}, {"background": ("bg.png", malformed["truncated IDAT"])})
    assert r.status == 422 and bad_png in r.text
    assert branding_files(server) == before
    # A good one, as large as allowed (A4 portrait at 300 dpi), is kept, and the preview draws it.
    r = upload(png(2480, 3508))
    assert r.status == 200 and r.json()["background"] is True, r.text
    assert len(branding_files(server)) == len(before) + 1
    pdf = admin.get("/learning/agency/%s/certificate/preview.pdf" % agency)
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    assert admin.request("DELETE", url, headers=csrf).status == 200


def test_design_preview_is_one_at_a_time_per_client(server, smtp, sysadmin, agency):
    """A preview draws a PDF: it runs in the "pdf" pool, so parallel ones get 429, not a stall."""
    admin, _ = agency_admin(server, smtp, sysadmin, agency)
    csrf = {"X-CSRF-Token": admin.csrf_from("/learning/agency/%s/certificate" % agency)}
    url = "/api/learning/agencies/%s/certificate-design/background" % agency
    r = admin.request("POST", url, body=png(3508, 2480), headers=dict(csrf, **{"Content-Type": "image/png"}))
    assert r.status == 200, r.text
    preview = "/learning/agency/%s/certificate/preview.pdf" % agency
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: admin.get(preview).status, range(8)))
    assert 200 in statuses and 429 in statuses, statuses
    assert set(statuses) <= {200, 429}, statuses
    assert admin.request("DELETE", url, headers=csrf).status == 200


def test_design_json(server, smtp, sysadmin, agency):
    admin, _ = agency_admin(server, smtp, sysadmin, agency)
    csrf = {"X-CSRF-Token": admin.csrf_from("/learning/agency/%s/certificate" % agency)}
    url = "/api/learning/agencies/%s/certificate-design" % agency
    r = admin.request("PUT", url, body=json.dumps({"signatory_position_en": "Deputy Director-General"}).encode(),
                      headers=dict(csrf, **{"Content-Type": "application/json"}))
    assert r.status == 200, r.text
    assert r.json()["signatory_position_en"] == "Deputy Director-General"
    # The image as the body itself, then as multipart.
    r = admin.request("POST", url + "/signature", body=png(50, 20), headers=dict(csrf, **{"Content-Type": "image/png"}))
    assert r.status == 200 and r.json()["signature"] is True, r.text
    body, ctype = multipart({}, {"file": ("x.txt", b"hello")})
    r = admin.request("POST", url + "/background", body=body, headers=dict(csrf, **{"Content-Type": ctype}))
    assert r.status == 409 and r.json()["error"]["fields"]["background"] == "ต้องเป็นไฟล์ภาพ PNG"
    r = admin.request("DELETE", url + "/signature", headers=csrf)
    assert r.status == 200 and r.json()["signature"] is False
    # A sysadmin's token reads any agency's design.
    r = Browser(server).get(url, headers={"Authorization": sysadmin})
    assert r.status == 200 and r.json()["signatory_position_en"] == "Deputy Director-General"


def test_design_is_for_the_agency_admins_only(server, smtp, sysadmin, agency):
    other_agency = unique_name("brandx")
    ok(call(Browser(server), "organization_create", {"name": other_agency, "title": "กรมอื่น"}, sysadmin))
    other_admin, _ = agency_admin(server, smtp, sysadmin, other_agency)
    url = "/learning/agency/%s/certificate" % agency
    assert other_admin.get(url).status == 403
    assert other_admin.get("/api/learning/agencies/%s/certificate-design" % agency).status == 403
    assert other_admin.get(url + "/preview.pdf").status == 403
    csrf = {"X-CSRF-Token": other_admin.csrf_from("/learning/my")}
    r = other_admin.request("PUT", "/api/learning/agencies/%s/certificate-design" % agency,
                            body=b'{"signatory_name": "x"}', headers=dict(csrf, **{"Content-Type": "application/json"}))
    assert r.status == 403
    # An editor of the agency is not its administrator.
    editor = Browser(server)
    editor_name = registered_user(editor, smtp, "brandedit")
    ok(call(Browser(server), "organization_member_create", {"id": agency, "username": editor_name, "role": "editor"}, sysadmin))
    assert editor.get(url).status == 403
    # Anonymous: to the login page; the JSON says 401; an unknown agency 404.
    r = Browser(server).get(url)
    assert r.status == 303 and "/user/login" in r.header("Location")
    assert Browser(server).get("/api/learning/agencies/%s/certificate-design" % agency).status == 401
    assert other_admin.get("/learning/agency/no-such-agency-zz/certificate").status == 404


# ---- verification


def test_valid_certificate_page_and_json(server, smtp, agency):
    learner = Browser(server)
    user = registered_user(learner, smtp, "holder")
    cert = Issued(server, user, agency)
    anon = Browser(server)
    r = anon.get("/learning/verify/" + cert.code)
    assert r.status == 200, r.text[:2000]
    assert "สมชาย ใจดี" in r.text and "Somchai Jaidee" in r.text
    assert "พื้นฐานรัฐบาลดิจิทัล" in r.text and "กรมทดสอบเกียรติบัตร" in r.text
    assert "7 ธันวาคม 2569" in r.text and "7 December 2026" in r.text
    assert "ประกาศนียบัตรนี้ถูกต้อง" in r.text
    assert "/learning/certificates/%s/credential.jwt" % cert.code in r.text and "/.well-known/jwks.json" in r.text
    assert 'name="name_on_certificate"' not in r.text  # the form is the learner's only
    # In English.
    r = anon.get("/learning/verify/%s?lang=en" % cert.code)
    assert "Digital Government Basics" in r.text and "This certificate is valid" in r.text
    # Typed loosely: lower case, spaces, O for 0, L for 1: one address.
    loose = cert.code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    r = anon.get("/learning/verify/" + urllib.parse.quote(loose))
    assert r.status == 301 and r.header("Location") == "/learning/verify/" + cert.code
    r = anon.get("/learning/verify?code=" + urllib.parse.quote(" " + loose + " "))
    assert r.status == 303 and r.header("Location") == "/learning/verify/" + cert.code
    # The JSON twin.
    r = anon.get("/api/learning/verify/" + urllib.parse.quote(loose))
    assert r.status == 200, r.text
    j = r.json()
    assert j["status"] == "valid"
    assert j["code"] == cert.code and j["learner_name"] == "สมชาย ใจดี" and j["revoked_at"] is None
    assert j["status_list_index"] == cert.index and j["completed_at"] == "2026-12-07"


def test_revoked_and_unknown(server, smtp, agency):
    learner = Browser(server)
    user = registered_user(learner, smtp, "holder")
    cert = Issued(server, user, agency)
    cert.revoke()
    anon = Browser(server)
    r = anon.get("/learning/verify/" + cert.code)
    assert r.status == 200 and "ถูกเพิกถอนแล้ว" in r.text and "15 มกราคม 2570" in r.text
    assert "ผลสอบไม่สุจริต" not in r.text  # the reason is not published
    j = anon.get("/api/learning/verify/" + cert.code).json()
    assert j["status"] == "revoked" and j["revoked_at"].startswith("2027-01-15")
    assert "ผลสอบไม่สุจริต" not in json.dumps(j, ensure_ascii=False)
    # Unknown codes: a 404 page with the form; malformed ones too.
    for typed in [new_code(), "not-a-code", "ABCD-EFGH-JKM"]:
        r = anon.get("/learning/verify/" + typed)
        assert r.status == 404 and "ไม่พบประกาศนียบัตรรหัสนี้" in r.text and 'action="/learning/verify"' in r.text
        assert anon.get("/api/learning/verify/" + typed).status == 404
    r = anon.get("/learning/verify?code=zzz")
    assert r.status == 404 and "ไม่พบ" in r.text
    assert anon.get("/learning/verify").status == 200
    assert anon.get("/learning/certificates/%s/credential.jwt" % new_code()).status == 404


def test_the_learner_chooses_initials(server, smtp, agency):
    learner = Browser(server)
    user = registered_user(learner, smtp, "holder")
    cert = Issued(server, user, agency, name_th="สมชาย ใจดี", name_en="somchai jaidee")
    page = learner.get("/learning/verify/" + cert.code)
    assert 'name="name_on_certificate"' in page.text
    # Someone else may not change it; anonymous is sent to log in.
    other = Browser(server)
    registered_user(other, smtp, "nosy")
    r = other.post_form("/learning/verify/%s/name" % cert.code, {"name_on_certificate": "initials"},
                        csrf_page="/learning/verify/" + cert.code)
    assert r.status == 403
    anon = Browser(server)
    r = anon.post_form("/learning/verify/%s/name" % cert.code, {"name_on_certificate": "initials"},
                       csrf_page="/user/login")
    assert r.status in (303, 401) and "สมชาย ใจดี" in anon.get("/learning/verify/" + cert.code).text
    r = learner.post_form("/learning/verify/%s/name" % cert.code, {"name_on_certificate": "initials"},
                          csrf_page="/learning/verify/" + cert.code)
    assert r.status == 303, r.text[:2000]
    assert "บันทึกการแสดงชื่อแล้ว" in learner.get(r.header("Location")).text
    shown = Browser(server).get("/learning/verify/" + cert.code).text
    assert "ส. จ." in shown and "S. J." in shown and "สมชาย" not in shown and "Somchai" not in shown.replace("somchai", "")
    assert Browser(server).get("/api/learning/verify/" + cert.code).json()["learner_name"] == "ส. จ."
    # Not a choice: refused; back to the full name over JSON.
    r = learner.post_form("/learning/verify/%s/name" % cert.code, {"name_on_certificate": "nickname"},
                          csrf_page="/learning/verify/" + cert.code)
    assert r.status == 409
    csrf = {"X-CSRF-Token": learner.csrf_from("/learning/verify/" + cert.code), "Content-Type": "application/json"}
    r = learner.request("PUT", "/api/learning/my/name-on-certificate", body=b'{"name_on_certificate": "full"}', headers=csrf)
    assert r.status == 200, r.text
    assert Browser(server).get("/api/learning/verify/" + cert.code).json()["learner_name"] == "สมชาย ใจดี"
    assert server.query("SELECT count(*) FROM audit_log WHERE action = 'learning.profile.name_on_certificate' "
                        "AND object_id = '%s'" % cert.user_id)[0][0] == "2"


# ---- the issuer


def test_jwks_did_and_the_credential(server, smtp, agency):
    anon = Browser(server)
    did = "did:web:127.0.0.1%%3A%d" % server.port
    r = anon.get("/.well-known/jwks.json")
    assert r.status == 200 and r.header("Access-Control-Allow-Origin") == "*"
    (key,) = r.json()["keys"]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA"
    assert key["kid"].startswith(did + "#") and "d" not in key
    # The published key is the key file's.
    assert unb64url(key["x"]) == bytes(signing_key(server).verify_key)
    doc = anon.get("/.well-known/did.json").json()
    assert doc["id"] == did and doc["assertionMethod"] == [key["kid"]]
    assert doc["verificationMethod"][0]["publicKeyJwk"]["x"] == key["x"]
    # A credential as stored, verified with the published key; a tampered one refused.
    learner = Browser(server)
    cert = Issued(server, registered_user(learner, smtp, "holder"), agency)
    r = anon.get("/learning/certificates/%s/credential.jwt" % cert.code.lower())
    assert r.status == 200 and r.text == cert.credential
    keys = jwks_keys(anon)
    assert verify_jwt(r.text, keys)["credentialStatus"]["statusListIndex"] == str(cert.index)
    head, payload, sig = r.text.split(".")
    forged = json.loads(unb64url(payload))
    forged["credentialSubject"]["name"] = "ผู้อื่น"
    with pytest.raises(nacl.exceptions.BadSignatureError):
        verify_jwt(head + "." + b64url(json.dumps(forged).encode()) + "." + sig, keys)


def status_bits(browser):
    r = browser.get("/learning/credentials/status/1")
    assert r.status == 200 and r.header("Access-Control-Allow-Origin") == "*"
    payload = verify_jwt(r.text, jwks_keys(browser))
    subject = payload["credentialSubject"]
    assert payload["iss"].startswith("did:web:") and subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded[0] == "u"
    bits = gzip.decompress(unb64url(encoded[1:]))
    assert len(bits) * 8 >= 131072
    return lambda i: bool(bits[i // 8] & (0x80 >> (i % 8)))


def test_status_list_sets_the_revoked_bits(server, smtp, agency):
    learner = Browser(server)
    user = registered_user(learner, smtp, "holder")
    kept, revoked = Issued(server, user, agency), Issued(server, user, agency)
    anon = Browser(server)
    bit = status_bits(anon)
    assert not bit(kept.index) and not bit(revoked.index)
    revoked.revoke()
    bit = status_bits(anon)  # made again at once: the revocation changed the list
    assert bit(revoked.index) and not bit(kept.index)
    revoked_rows = {int(r[0]) for r in server.query("SELECT status_index FROM learning_certificates WHERE revoked_at <> ''")}
    for i in random.sample(range(131072), 300):
        assert bit(i) == (i in revoked_rows)
    # The verification page answers from the same list.
    assert anon.get("/api/learning/verify/" + revoked.code).json()["status"] == "revoked"
    assert anon.get("/api/learning/verify/" + kept.code).json()["status"] == "valid"


def test_verification_is_rate_limited(smtp):
    s = Server("--rate-limit-lookup", "5", "--rate-limit-api-anonymous", "1000", smtp_url=smtp.url)
    try:
        b = Browser(s)
        statuses = [b.get("/learning/verify/%s" % new_code()).status for _ in range(5)]
        assert statuses == [404] * 5
        r = b.get("/api/learning/verify/%s" % new_code())
        assert r.status == 429 and r.header("Retry-After")
        assert b.get("/learning/verify/%s" % new_code()).status == 429
        # The issuer's material is not counted with them.
        assert b.get("/.well-known/jwks.json").status == 200
    finally:
        s.stop()
