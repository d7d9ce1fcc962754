#!/usr/bin/env python3
"""Makes the upgrade fixtures of one govhub version: a site built through the HTTP API, the web
forms and the CLI of that version, on SQLite and on PostgreSQL, and what the API serves for it.

    GOVHUB_BIN=/tmp/govhub-v1 /usr/bin/python3 tests/data/upgrade/make_fixtures.py \\
        --pg-url postgresql://postgres@127.0.0.1:PORT/postgres --out tests/data/upgrade/v1 \\
        --web-dir web --commit af9cb84

writes into --out:
  govhub.db, datastore.db   the SQLite site (VACUUMed copies of the stopped site's two databases)
  files-sqlite/             the SQLite site's data-dir files (uploaded resources, request documents)
  govhub.pg.sql             the PostgreSQL site: pg_dump --no-owner, plain SQL (see README.md for
                            why the privileges are kept)
  files-postgres/           the PostgreSQL site's data-dir files
  expected.json             per engine: the credentials the fixture was made with, and what the API
                            and a few pages serve for it (snapshot() below), read back from the
                            stored fixture itself after a restart

tests/integration/test_upgrade.py starts a newer binary on these and compares. snapshot() is
shared with it, so both read the site the same way.
"""
import argparse
import hashlib
import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))

# ---- the content (fixed names, so every version's fixture has the same ones)

PASSWORD = "รหัสผ่าน-ฟิกซ์เจอร์-2569"  # every account made here has it
SYSADMIN = "root-upg"
DEVELOPER = "dev-narin"
REVIEWER = "pim-reviewer"

# name, full name (th, en), sysadmin
USERS = [
    (SYSADMIN, "สมศักดิ์ ดูแลระบบ", "Somsak Duelarabop", True),
    ("somsri", "สมศรี ปกครองดี", "Somsri Pokkrongdee", False),
    ("somchai", "สมชาย ใจดี", "Somchai Jaidee", False),
    ("malee", "มาลี สีสวย", "Malee Seesuay", False),
    ("anan", "อนันต์ มหาดไทย", "Anan Mahadthai", False),
    ("kanya", "กัญญา ฝนตก", "Kanya Fontok", False),
    ("suchart", "สุชาติ พักงาน", "Suchart Pakngan", False),
    ("oldstaff", "เก่า ยุบไปแล้ว", "Kao Yubpailaew", False),
    (REVIEWER, "พิมพ์ ตรวจคำขอ", "Pim Truatkamkho", False),
    (DEVELOPER, "นรินทร์ นักพัฒนา", "Narin Nakpattana", False),
    ("wichai", "วิชัย สถิติ", "Wichai Sathiti", False),
    ("pranee", "ปราณี รอตรวจ", "Pranee Rotruat", False),
    ("boonmee", "บุญมี ขอเพิ่ม", "Boonmee Khoperm", False),
    ("kasem", "เกษม ขอระงับ", "Kasem Khorangab", False),
]
TOKEN_USERS = [SYSADMIN, DEVELOPER, "somchai"]  # each gets an API token (the raw token is kept)
PENDING_USER = "newbie"  # registered through the web form, e-mail never confirmed
SUSPENDED_USER = "suchart"

# name, title, description, parent (ministries before their departments)
ORGS = [
    ("moi", "กระทรวงมหาดไทย",
     "กระทรวงมหาดไทย (Ministry of Interior) ดูแลการปกครองส่วนภูมิภาคและท้องถิ่น", None),
    ("dopa", "กรมการปกครอง",
     "กรมการปกครอง กระทรวงมหาดไทย / Department of Provincial Administration: ทะเบียนราษฎร์ บัตรประชาชน",
     "moi"),
    ("mdes", "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม",
     "Ministry of Digital Economy and Society — กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", None),
    ("tmd", "กรมอุตุนิยมวิทยา", "Thai Meteorological Department — พยากรณ์อากาศ ปริมาณฝน อุณหภูมิ", "mdes"),
    ("nso", "สำนักงานสถิติแห่งชาติ", "National Statistical Office — สำมะโนและสำรวจ", "mdes"),
    ("dga", "Digital Government Development Agency (Public Organization)",
     "สำนักงานพัฒนารัฐบาลดิจิทัล (องค์การมหาชน) — English title, Thai description", None),
    ("old-office", "สำนักงานที่ยุบแล้ว", "A unit dissolved in 2568 (deleted organization)", "moi"),
]
DELETED_ORG = "old-office"

# user, organization, role
MEMBERS = [
    ("somsri", "dopa", "admin"),
    ("somchai", "dopa", "editor"),
    ("malee", "dopa", "member"),
    ("anan", "moi", "admin"),
    ("anan", "tmd", "editor"),
    ("somchai", "tmd", "member"),
    ("kanya", "tmd", "editor"),
    ("suchart", "tmd", "member"),
    ("malee", "nso", "admin"),
    ("oldstaff", "old-office", "editor"),
    ("anan", "old-office", "admin"),
]

GROUPS = [
    ("population", "ประชากรและสังคม", "Population and society / ข้อมูลประชากร", "category05"),
    ("weather", "ทรัพยากรธรรมชาติและสิ่งแวดล้อม", "Weather, water and environment", "category06"),
    ("economy", "เศรษฐกิจ", "Economic data — ข้อมูลเศรษฐกิจ", "category04"),
    ("old-group", "กลุ่มที่เลิกใช้", "A deleted group", "category07"),
]
DELETED_GROUP = "old-group"

COMMON = {
    "objective": ["ยุทธศาสตร์ชาติ", "นโยบายรัฐบาล/ข้อสั่งการนายกรัฐมนตรี"], "update_frequency_unit": "ปี",
    "update_frequency_interval": "1", "geo_coverage": "จังหวัด", "data_format": ["CSV"],
    "data_category": "ข้อมูลสาธารณะ", "license_id": "Creative Commons Attributions",
    "data_language": ["ไทย"],
}


def record(name, org, title, notes, tags, **extra):
    d = dict(COMMON, name=name, owner_org=org, title=title, notes=notes, data_type="ข้อมูลระเบียน",
             tags=[{"name": t} for t in tags], maintainer="กองสถิติและข้อมูล",
             maintainer_email="data@%s.example.go.th" % org, data_source="ทะเบียนราษฎร์",
             data_support="หน่วยงานของรัฐ", data_collect="บุคคล")
    d.update(extra)
    return d


def statistical(name, org, title, notes, tags, **extra):
    d = dict(COMMON, name=name, owner_org=org, title=title, notes=notes, data_type="ข้อมูลสถิติ",
             tags=[{"name": t} for t in tags], maintainer="ฝ่ายสถิติ",
             maintainer_email="stat@%s.example.go.th" % org, data_source="การสำรวจ",
             first_year_of_data="2015", last_year_of_data="2024", disaggregate=["เพศ"],
             unit_of_measure="คน", unit_of_multiplier="พัน", official_statistics="True")
    d.update(extra)
    return d


# (creator, dataset dict, groups)
DATASETS = [
    ("somchai", record("dopa-population", "dopa", "จำนวนประชากรจากทะเบียนราษฎร์ รายอำเภอ",
                       "ข้อมูลจำนวนประชากรชายและหญิงจากทะเบียนราษฎร์ จังหวัดเชียงใหม่ รายอำเภอ\n\n"
                       "Population by district from the civil registration, Chiang Mai.",
                       ["ประชากร", "ทะเบียนราษฎร์", "population"], high_value_dataset="True",
                       url="https://stat.bora.dopa.go.th/"), ["population"]),
    ("somsri", record("dopa-registry-private", "dopa", "สถิติการทำบัตรประจำตัวประชาชน (ภายใน)",
                      "ข้อมูลภายในหน่วยงาน ยังไม่เผยแพร่", ["บัตรประชาชน"], private=True,
                      data_category="ข้อมูลความลับทางราชการ"), []),
    ("kanya", statistical("tmd-rainfall", "tmd", "ปริมาณฝนรายเดือน รายจังหวัด",
                          "ปริมาณน้ำฝนสะสมรายเดือน (มิลลิเมตร) จากสถานีตรวจอากาศทั่วประเทศ",
                          ["ฝน", "อากาศ", "rainfall"], unit_of_measure="มิลลิเมตร",
                          unit_of_multiplier="หน่วย", disaggregate=["ไม่มี"],
                          geo_coverage="ประเทศ", update_frequency_unit="เดือน"), ["weather", "economy"]),
    ("wichai", statistical("nso-labour-force", "nso", "การสำรวจภาวะการทำงานของประชากร",
                           "Labour force survey — ผู้มีงานทำ ผู้ว่างงาน จำแนกตามเพศ",
                           ["แรงงาน", "labour"], update_frequency_unit="ไตรมาส"), ["economy", "population"]),
    (SYSADMIN, record("dga-open-api-catalog", "dga", "Government Open API Catalogue",
                      "รายการ API ของหน่วยงานภาครัฐ — list of government open APIs",
                      ["api", "open-data"], data_type="ข้อมูลประเภทอื่นๆ", data_type_other="บริการ API",
                      data_format=["JSON"]), []),
    ("somchai", record("dopa-draft", "dopa", "ชุดข้อมูลร่าง (ยังไม่เผยแพร่)", "ร่างชุดข้อมูล", ["ร่าง"],
                       state="draft"), []),
    ("kanya", statistical("tmd-withdrawn", "tmd", "ข้อมูลที่ถอนออกแล้ว", "ชุดข้อมูลนี้ถูกลบ",
                          ["ลบแล้ว"]), ["weather"]),
]
DELETED_DATASET = "tmd-withdrawn"
UPLOADED_CSV = ("อำเภอ,ชาย,หญิง,วันที่สำรวจ,หมายเหตุ\r\n"
                "เมืองเชียงใหม่,\"112,201\",\"121,933\",31/12/2566,ศูนย์กลางจังหวัด\r\n"
                "สันทราย,\"64,010\",\"69,842\",31/12/2566,\r\n"
                "ฝาง,\"58,222\",\"59,307\",๓๑ ธ.ค. ๒๕๖๖,ชายแดนภาคเหนือ\r\n"
                "แม่ริม,\"46,980\",\"50,114\",2023-12-31,ท่องเที่ยว\r\n").encode("utf-8")
SIGNED_SCAN = b"%PDF-1.7\n% a signed scan made by make_fixtures.py\n%%EOF\n"
# Officer-membership applications: applicant, organization, role wanted, final state.
OFFICER_REQUESTS = [("wichai", "nso", "editor", "approved"), ("pranee", "tmd", "editor", "submitted"),
                    ("boonmee", "dopa", "admin", "needs_info")]
CLOSURE_REQUEST = ("kasem", "suspend")
PAGE_VIEWS = {"dopa-population": 3, "tmd-rainfall": 1}

SERVE_FLAGS = ["--rate-limit-login", "10000", "--rate-limit-form", "10000", "--rate-limit-api", "100000",
               "--rate-limit-api-anonymous", "100000", "--staff-second-factor", "optional",
               "--job-poll-ms", "100"]


def citizen_id(prefix12):
    """A 13-digit citizen ID with the right check digit."""
    s = sum(int(d) * (13 - i) for i, d in enumerate(prefix12))
    return prefix12 + str((11 - s % 11) % 10)


# ---- HTTP

class Client:
    """A cookie-keeping client for one site; `token` is sent on API calls when given."""

    def __init__(self, port, token=None):
        self.port, self.token, self.jar, self.session_csrf = port, token, {}, None

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        if self.token and path.startswith("/api/"):
            h["Authorization"] = self.token
        elif self.session_csrf and path.startswith("/api/") and method == "POST":
            h["X-CSRF-Token"] = self.session_csrf  # the API through a browser's session
        if self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                if "Max-Age=0" in v:
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = rest.split(";", 1)[0]
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def get(self, path):
        return self.request("GET", path)

    def action(self, name, params=None, method="GET"):
        """(status, parsed reply) of a CKAN action."""
        if method == "GET":
            qs = urllib.parse.urlencode(params or {}, doseq=True)
            status, _, data = self.get("/api/3/action/%s%s" % (name, "?" + qs if qs else ""))
        else:
            status, _, data = self.request("POST", "/api/3/action/" + name,
                                           json.dumps(params or {}).encode(), {"Content-Type": "application/json"})
        return status, json.loads(data)

    def ok(self, name, params=None, method="POST"):
        status, body = self.action(name, params, method)
        if status != 200 or not body.get("success"):
            raise RuntimeError("%s %s -> %s %s" % (name, params, status, body))
        return body["result"]

    def csrf_from(self, path):
        status, _, data = self.get(path)
        m = re.search(r'name="_csrf" value="([^"]+)"', data.decode("utf-8", "replace"))
        if not m:
            raise RuntimeError("no CSRF field on %s (%d)" % (path, status))
        return m.group(1)

    def form(self, path, fields, csrf_page=None):
        fields = dict(fields, _csrf=self.csrf_from(csrf_page or path))
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def multipart(self, path, fields, file_field, filename, content, content_type):
        boundary = "----govhub" + uuid.uuid4().hex
        body = b""
        for k, v in fields.items():
            body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode()
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                 "Content-Type: %s\r\n\r\n" % (boundary, file_field, filename, content_type)).encode()
        body += content + ("\r\n--%s--\r\n" % boundary).encode()
        return self.request("POST", path, body, {"Content-Type": "multipart/form-data; boundary=" + boundary})

    def login(self, name, password=PASSWORD):
        self.get("/user/login")
        status, headers, data = self.form("/user/login", {"login": name, "password": password})
        if status != 303:
            raise RuntimeError("login of %s failed: %d %s" % (name, status, data[:300]))
        self.session_csrf = self.csrf_from("/user/" + name)
        return self


# ---- what the site serves

# Fields left out of the snapshot, each with the reason. Nothing else is: ids, names, timestamps
# (metadata_created/modified, created, last_modified ...), counts and view counters must all come
# through an upgrade unchanged. The site's own URL (it contains the port) is written as {site}.
VOLATILE = {
    "personal_data.generated": "the moment the export was made",
    "personal_data.sessions": "the sessions include the one the snapshot's own login opens",
    "personal_data.api_tokens[].last_used": "moves with every call made with the token",
    "api_token_list[].last_access": "moves with every call made with the token",
}


def _normalize(value, site):
    if isinstance(value, str):
        return value.replace(site, "{site}")
    if isinstance(value, list):
        return [_normalize(v, site) for v in value]
    if isinstance(value, dict):
        return {k: _normalize(v, site) for k, v in value.items()}
    return value


def _result_or_status(client, name, params):
    status, body = client.action(name, params)
    return body["result"] if status == 200 else {"status": status, "error_type": body["error"].get("__type")}


def snapshot(port, site_url, credentials, names):
    """What the site serves, as users see it through the API (and the few pages that have no API).

    credentials: {"passwords": {user: password}, "tokens": {user: raw token}}
    names: {"organizations", "groups", "datasets", "users", "loaded_resource", "reviewer",
            "requests"}: the fixed names of the content to read (deleted ones included)."""
    anon = Client(port)
    admin = Client(port, credentials["tokens"][SYSADMIN])
    out = {}
    out["organization_list"] = anon.ok("organization_list", {"all_fields": "true"}, "GET")
    out["organization_show"] = {o: admin.ok("organization_show", {"id": o, "include_datasets": "true"}, "GET")
                                for o in names["organizations"]}
    out["organization_show_anonymous"] = {o: _result_or_status(anon, "organization_show", {"id": o})
                                          for o in names["organizations"]}
    out["member_list"] = {o: sorted(admin.ok("member_list", {"id": o, "object_type": "user"}, "GET"))
                          for o in names["organizations"]}
    out["organization_activity_list"] = {
        o: admin.ok("organization_activity_list", {"id": o, "limit": 100}, "GET")
        for o in names["organizations"] if o != DELETED_ORG}
    out["group_list"] = anon.ok("group_list", {"all_fields": "true"}, "GET")
    out["group_show"] = {g: _result_or_status(anon, "group_show", {"id": g}) for g in names["groups"]}
    out["group_member_list"] = {g: sorted(admin.ok("member_list", {"id": g, "object_type": "package"}, "GET"))
                                for g in names["groups"]}
    search = {"rows": 1000, "sort": "name asc", "include_private": "true", "include_drafts": "true",
              "facet.field": json.dumps(["organization", "groups", "tags", "res_format", "data_type", "license_id"])}
    out["package_search_sysadmin"] = admin.ok("package_search", search, "GET")
    out["package_search_anonymous"] = anon.ok("package_search", search, "GET")
    out["package_search_thai_query"] = [d["name"] for d in anon.ok("package_search", {"q": "ประชากร"}, "GET")["results"]]
    out["package_show"] = {d: admin.ok("package_show", {"id": d}, "GET") for d in names["datasets"]}
    out["package_show_anonymous"] = {d: _result_or_status(anon, "package_show", {"id": d})
                                     for d in names["datasets"]}
    out["package_activity_list"] = {d: admin.ok("package_activity_list", {"id": d, "limit": 100}, "GET")
                                    for d in names["datasets"]}
    out["tag_list"] = sorted(anon.ok("tag_list", None, "GET"))
    # The files of uploaded resources, downloaded as a visitor does.
    downloads = {}
    for d in names["datasets"]:
        for r in out["package_show"][d]["resources"]:
            if r.get("url_type") == "upload":
                path = r["url"][len(site_url):]
                status, _, data = admin.get(path)
                downloads[r["id"]] = {"status": status, "size": len(data),
                                      "sha256": hashlib.sha256(data).hexdigest()}
    out["downloads"] = downloads
    rid = names["loaded_resource"]
    out["datastore_info"] = anon.ok("datastore_info", {"resource_id": rid}, "GET")
    out["datastore_search"] = anon.ok("datastore_search", {"resource_id": rid, "limit": 100, "sort": "_id"}, "GET")
    out["datastore_search_q"] = anon.ok("datastore_search", {"resource_id": rid, "q": "ชายแดน"}, "GET")["records"]
    out["datastore_search_sql"] = anon.ok("datastore_search_sql", {
        "sql": 'SELECT "อำเภอ", "ชาย" + "หญิง" AS total FROM "%s" ORDER BY total DESC' % rid}, "GET")["records"]
    out["user_list"] = admin.ok("user_list", {"limit": 1000}, "GET")
    out["user_show"] = {u: _result_or_status(admin, "user_show", {"id": u}) for u in names["users"]}
    out["api_token_list"] = {u: [{k: v for k, v in t.items() if k != "last_access"}
                                 for t in Client(port, tok).ok("api_token_list", None, "GET")]
                             for u, tok in sorted(credentials["tokens"].items())}
    # Each account that can log in, through its own session: its agencies and its personal data.
    per_user, personal = {}, {}
    for user, password in sorted(credentials["passwords"].items()):
        browser = Client(port)
        browser.get("/user/login")
        status, _, _ = browser.form("/user/login", {"login": user, "password": password})
        if status != 303:
            per_user[user] = {"login_status": status}
            continue
        per_user[user] = {p: browser.ok("organization_list_for_user", {"permission": p}, "GET")
                          for p in ("read", "manage_group", "admin")}
        status, _, data = browser.get("/user/personal-data")
        pd = json.loads(data)
        pd.pop("generated", None)
        pd.pop("sessions", None)
        for t in pd.get("api_tokens", []):
            t.pop("last_used", None)
        personal[user] = pd
    out["organization_list_for_user"] = per_user
    out["personal_data"] = personal
    # The signed documents of every request, downloaded from the staff page's links.
    root = Client(port).login(SYSADMIN, credentials["passwords"][SYSADMIN])
    documents = {}
    for ref in names["requests"]:
        status, _, data = root.get("/staff/requests/" + ref)
        links = sorted(set(re.findall(r'href="(/requests/%s/documents/[0-9a-f-]+)"' % ref, data.decode("utf-8", "replace"))))
        documents[ref] = {"status": status, "files": []}
        for link in links:
            status, _, body = root.get(link)
            documents[ref]["files"].append({"link": link, "status": status, "size": len(body),
                                            "sha256": hashlib.sha256(body).hexdigest()})
    out["request_documents"] = documents
    # The reviewer's queue (a page: requests have no JSON API of their own).
    reviewer = Client(port).login(names["reviewer"], credentials["passwords"][names["reviewer"]])
    status, _, data = reviewer.get("/staff/requests")
    text = data.decode("utf-8", "replace")
    out["staff_queue"] = {"status": status,
                          "references": sorted(set(r for r in names["requests"] if r in text))}
    return _normalize(out, site_url)


# ---- building the site

class Site:
    """One govhub process of the version under --bin on a data dir and (PostgreSQL) database."""

    def __init__(self, bin_path, web_dir, data_dir, database_url=None, extra=()):
        from govhub_harness import free_port, wait_for_port
        self.bin, self.web_dir, self.data_dir, self.database_url = bin_path, web_dir, data_dir, database_url
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        args = [bin_path, "serve", "--port", str(self.port), "--address", "127.0.0.1", "--site-url", self.url,
                *self.common(), *SERVE_FLAGS, *extra]
        self.log = open(os.path.join(os.path.dirname(data_dir.rstrip("/")), "server-%d.log" % self.port), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        wait_for_port(self.port, timeout=60, proc=self.proc)

    def common(self):
        out = ["--data-dir", self.data_dir, "--web-dir", self.web_dir]
        return out + (["--database-url", self.database_url] if self.database_url else [])

    def cli(self, *args):
        r = subprocess.run([self.bin, *args, *self.common()], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("govhub %s: %s%s" % (args, r.stdout, r.stderr))
        return r.stdout

    def stop(self):
        self.proc.terminate()
        code = self.proc.wait(timeout=60)
        self.log.close()
        if code != 0:
            raise RuntimeError("govhub exited with %s" % code)


def wait_for(what, predicate, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = predicate()
        if v:
            return v
        time.sleep(0.2)
    raise RuntimeError("timed out waiting for " + what)


def populate(site):
    """Every piece of content, made the way people make it. Returns the credentials and the
    request references."""
    for name, th, en, sysadmin in USERS:
        site.cli("admin", "create-user", "--name", name, "--email", "%s@example.go.th" % name,
                 "--password", PASSWORD, "--fullname-th", th, "--fullname-en", en, *(["--sysadmin"] if sysadmin else []))
    tokens = {}
    for name in TOKEN_USERS:
        label = {"dev-narin": "แอปพลิเคชันพยากรณ์", SYSADMIN: "ops-script"}.get(name, "ckanapi")
        tokens[name] = site.cli("admin", "create-token", name, "--token-name", label).strip().splitlines()[-1]
    admin = Client(site.port, tokens[SYSADMIN])
    # A second token of the developer, made through the API, then revoked: gone after the upgrade too.
    dev = Client(site.port, tokens[DEVELOPER])
    spare = dev.ok("api_token_create", {"user": DEVELOPER, "name": "ชั่วคราว"})
    dev.ok("api_token_revoke", {"token": spare["id"]})

    for name, title, description, parent in ORGS:
        d = {"name": name, "title": title, "description": description,
             "image_url": "https://www.example.go.th/logo/%s.png" % name}
        if parent:
            d["parent"] = parent
        admin.ok("organization_create", d)
    for user, org, role in MEMBERS:
        admin.ok("organization_member_create", {"id": org, "username": user, "role": role})
    for name, title, description, category in GROUPS:
        admin.ok("group_create", {"name": name, "title": title, "description": description, "category": category})

    # Officer applications; an approval gives wichai the editor role in nso before he publishes.
    sysadmin_browser = Client(site.port).login(SYSADMIN)
    refs = {}
    for i, (user, org, role, state) in enumerate(OFFICER_REQUESTS):
        b = Client(site.port).login(user)
        org_id = admin.ok("organization_show", {"id": org}, "GET")["id"]
        status, headers, data = b.form("/opendata/officer", {
            "organization": org_id, "position": "นักวิชาการสถิติชำนาญการ", "citizen_id": citizen_id("11011123456%d" % i),
            "office_phone": "02-141-678%d" % i, "mobile": "081-234-567%d" % i,
            "work_email": "%s@%s.go.th" % (user, org), "role": role})
        assert status == 303, (status, data[:500])
        ref = headers["location"].rsplit("/", 1)[1]
        refs[user] = ref
        csrf = b.csrf_from("/requests/" + ref)
        status, _, data = b.multipart("/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_application"},
                                      "document", "ใบสมัครที่ลงนามแล้ว.pdf", SIGNED_SCAN, "application/pdf")
        assert status == 303, (status, data[:500])
        status, _, data = b.form("/requests/" + ref, {"transition": "submit"})
        assert status == 303, (status, data[:500])
        if state == "approved":
            status, _, data = sysadmin_browser.form("/staff/requests/" + ref, {"transition": "approve", "note": ""})
            assert status == 303, (status, data[:500])
        elif state == "needs_info":
            status, _, data = sysadmin_browser.form("/staff/requests/" + ref, {
                "transition": "ask_info", "note": "กรุณาแนบสำเนาคำสั่งแต่งตั้ง"})
            assert status == 303, (status, data[:500])
    # The account-closure request: filed, signed, submitted, waiting for an administrator.
    user, action = CLOSURE_REQUEST
    b = Client(site.port).login(user)
    status, headers, data = b.form("/user/close", {"action": action, "reason": "ลาศึกษาต่อต่างประเทศ 2 ปี"})
    assert status == 303, (status, data[:500])
    ref = headers["location"].rsplit("/", 1)[1]
    refs[user] = ref
    csrf = b.csrf_from("/requests/" + ref)
    status, _, data = b.multipart("/requests/%s/documents" % ref, {"_csrf": csrf, "kind": "signed_request"},
                                  "document", "คำขอที่ลงนามแล้ว.pdf", SIGNED_SCAN, "application/pdf")
    assert status == 303, (status, data[:500])
    status, _, data = b.form("/requests/" + ref, {"transition": "submit"})
    assert status == 303, (status, data[:500])
    # A reviewer of officer membership (a workflow role: a membership that is not an agency's).
    status, _, data = sysadmin_browser.form("/staff/roles", {"user": REVIEWER, "type": "officer_membership",
                                                             "role": "reviewer"})
    assert status == 303, (status, data[:500])
    # A suspended account, and one registered on the web whose e-mail was never confirmed.
    status, _, data = sysadmin_browser.form("/admin/users/" + SUSPENDED_USER, {
        "action": "suspend", "reason": "ระงับตามหนังสือกรม ที่ ทอ 0001/2569"})
    assert status == 303, (status, data[:500])
    visitor = Client(site.port)
    visitor.get("/user/register")
    status, _, data = visitor.form("/user/register", {
        "name": PENDING_USER, "email": PENDING_USER + "@example.com", "password": PASSWORD,
        "password_confirm": PASSWORD, "fullname_th": "ผู้ใช้ ใหม่", "fullname_en": "New User"})
    assert status == 201, (status, data[:500])

    # Datasets, each by a person who may publish in that agency.
    people = {u: Client(site.port).login(u) for u in {c for c, _, _ in DATASETS}}
    loaded = None
    for creator, d, groups in DATASETS:
        who = people[creator]
        ds = who.ok("package_create", d)
        for g in groups:
            who.ok("member_create", {"id": g, "object": ds["id"], "object_type": "package"})
        name = d["name"]
        if name == "dopa-population":
            csrf_free = Client(site.port, tokens["somchai"])
            status, _, data = csrf_free.multipart("/api/3/action/resource_create", {
                "package_id": name, "name": "ประชากรรายอำเภอ พ.ศ. 2566", "description": "ไฟล์ CSV จากทะเบียนราษฎร์",
                "format": "CSV"}, "upload", "ประชากร-2566.csv", UPLOADED_CSV, "text/csv")
            assert status == 200, (status, data[:500])
            loaded = json.loads(data)["result"]["id"]
            who.ok("resource_create", {"package_id": name, "name": "หน้าเว็บสถิติทะเบียนราษฎร์",
                                       "url": "https://stat.bora.dopa.go.th/stat/statnew/statMONTH/statmonth/",
                                       "format": "HTML", "description": "ลิงก์ไปยังแหล่งข้อมูลต้นทาง"})
        elif name == "tmd-rainfall":
            who.ok("resource_create", {"package_id": name, "name": "Rainfall API", "format": "API",
                                       "url": "https://data.tmd.go.th/api/rain/v1/?type=json"})
            gone = who.ok("resource_create", {"package_id": name, "name": "ไฟล์เก่า", "format": "PDF",
                                              "url": "https://www.tmd.go.th/old.pdf"})
            who.ok("resource_delete", {"id": gone["id"]})
            who.ok("package_patch", {"id": name, "notes": d["notes"] + "\n\nแก้ไขครั้งที่ 2: เพิ่มสถานีภาคใต้"})
        elif name == "dopa-registry-private":
            who.ok("resource_create", {"package_id": name, "name": "รายงานภายใน", "format": "PDF",
                                       "url": "https://intranet.dopa.go.th/report.pdf"})
        elif name == "nso-labour-force":
            who.ok("resource_create", {"package_id": name, "name": "ตารางสถิติ ไตรมาส 4/2567", "format": "XLSX",
                                       "url": "https://www.nso.go.th/lfs/q4-2567.xlsx"})
    # Deleted things: a dataset, an agency (no datasets, members kept), a group.
    people["kanya"].ok("package_delete", {"id": DELETED_DATASET})
    admin.ok("organization_delete", {"id": DELETED_ORG})
    admin.ok("group_delete", {"id": DELETED_GROUP})
    # The table of the uploaded file.
    wait_for("the datastore load", lambda: Client(site.port).action(
        "datastore_info", {"resource_id": loaded})[0] == 200)
    # Some page views (tracking_summary).
    for name, n in PAGE_VIEWS.items():
        for _ in range(n):
            assert Client(site.port).get("/dataset/" + name)[0] == 200
    # The load job and the mails must be done before the site stops.
    def jobs_idle():
        jobs = admin.ok("job_list", {"limit": 1000}, "GET")
        return all(j["state"] in ("succeeded", "failed", "cancelled") for j in jobs
                   if not j["kind"].startswith("workflow.purge"))
    wait_for("jobs to finish", jobs_idle)
    passwords = {name: PASSWORD for name, _, _, _ in USERS}
    return {"passwords": passwords, "tokens": tokens}, refs, loaded


def names_of(refs, loaded):
    return {"organizations": [o[0] for o in ORGS], "groups": [g[0] for g in GROUPS],
            "datasets": [d["name"] for _, d, _ in DATASETS],
            "users": [u[0] for u in USERS] + [PENDING_USER, "admin"],
            "loaded_resource": loaded, "reviewer": REVIEWER, "requests": sorted(refs.values())}


def copy_files(data_dir, dest):
    """The data dir's files a site needs (resources/, workflow/), not its databases, temp files,
    leases or outbox."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    for sub in ("resources", "workflow"):
        if os.path.isdir(os.path.join(data_dir, sub)):
            shutil.copytree(os.path.join(data_dir, sub), os.path.join(dest, sub))


def compact_sqlite(src, dst):
    if os.path.exists(dst):
        os.unlink(dst)
    db = sqlite3.connect(src)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("VACUUM INTO ?", (dst,))
    finally:
        db.close()
    db = sqlite3.connect(dst)
    try:
        # One file, no -wal beside it in the repository; govhub turns WAL on again when it opens it.
        db.execute("PRAGMA journal_mode=DELETE")
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def pg_admin(url, sql):
    subprocess.run(["psql", url, "-qX", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True)


def pg_restore_plain(admin_url, dump, name):
    """A new database `name` holding the plain-SQL dump; returns its URL."""
    pg_admin(admin_url, "DROP DATABASE IF EXISTS %s" % name)
    pg_admin(admin_url, "CREATE DATABASE %s" % name)
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    # The datastore's read-only role belongs to the cluster, not to the dump.
    pg_admin(url, "DO $$ BEGIN CREATE ROLE govhub_datastore_reader NOLOGIN NOINHERIT;"
                  " EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    r = subprocess.run(["psql", url, "-qX", "-v", "ON_ERROR_STOP=1", "-f", dump], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("restoring %s failed: %s" % (dump, r.stderr))
    return url


def make_engine(engine, args, work):
    data_dir = os.path.join(work, engine, "data")
    os.makedirs(data_dir)
    database_url = None
    if engine == "postgres":
        pg_admin(args.pg_url, "DROP DATABASE IF EXISTS govhub_fixture_make")
        pg_admin(args.pg_url, "CREATE DATABASE govhub_fixture_make")
        database_url = args.pg_url.rsplit("/", 1)[0] + "/govhub_fixture_make"
    site = Site(args.bin, args.web_dir, data_dir, database_url)
    try:
        credentials, refs, loaded = populate(site)
    except Exception:
        site.stop()
        raise
    site.stop()
    names = names_of(refs, loaded)
    files = os.path.join(args.out, "files-" + engine)
    copy_files(data_dir, files)
    # The stored fixture is read back by a fresh process of the same version: expected.json is
    # what the fixture serves, not what the live site served a moment before.
    check_dir = os.path.join(work, engine, "check")
    shutil.copytree(files, check_dir)
    if engine == "sqlite":
        for db in ("govhub.db", "datastore.db"):
            compact_sqlite(os.path.join(data_dir, db), os.path.join(args.out, db))
            shutil.copy(os.path.join(args.out, db), os.path.join(check_dir, db))
        check_url = None
    else:
        dump = os.path.join(args.out, "govhub.pg.sql")
        subprocess.run(["pg_dump", "--no-owner", "--file", dump, database_url], check=True)
        pg_admin(args.pg_url, "DROP DATABASE govhub_fixture_make")
        check_url = pg_restore_plain(args.pg_url, dump, "govhub_fixture_check")
    site = Site(args.bin, args.web_dir, check_dir, check_url)
    try:
        served = snapshot(site.port, site.url, credentials, names)
    finally:
        site.stop()
    if check_url:
        pg_admin(args.pg_url, "DROP DATABASE govhub_fixture_check")
    return {"credentials": credentials, "names": names, "serves": served}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default=os.environ.get("GOVHUB_BIN"), help="the old govhub binary (GOVHUB_BIN)")
    p.add_argument("--pg-url", default=os.environ.get("GOVHUB_TEST_PG_URL"),
                   help="a PostgreSQL URL whose role may create databases (GOVHUB_TEST_PG_URL)")
    p.add_argument("--web-dir", required=True, help="the web/ folder of the same version's source")
    p.add_argument("--out", required=True, help="e.g. tests/data/upgrade/v1")
    p.add_argument("--commit", required=True, help="the commit the binary was built from")
    p.add_argument("--engines", default="sqlite,postgres")
    args = p.parse_args()
    if not args.bin or not os.access(args.bin, os.X_OK):
        p.error("--bin / GOVHUB_BIN must be an executable govhub")
    args.bin, args.web_dir, args.out = (os.path.abspath(x) for x in (args.bin, args.web_dir, args.out))
    engines = args.engines.split(",")
    if "postgres" in engines and not args.pg_url:
        p.error("--pg-url / GOVHUB_TEST_PG_URL is needed for PostgreSQL")
    os.makedirs(args.out, exist_ok=True)
    version = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
    expected_path = os.path.join(args.out, "expected.json")
    expected = {}
    if os.path.exists(expected_path):
        with open(expected_path, encoding="utf-8") as f:
            expected = json.load(f)
    expected.update({"commit": args.commit, "govhub_version": version, "volatile": VOLATILE,
                     "made_by": "tests/data/upgrade/make_fixtures.py"})
    expected.setdefault("engines", {})
    work = tempfile.mkdtemp(prefix="govhub-fixtures-")
    try:
        for engine in engines:
            print("making the %s fixture..." % engine, flush=True)
            expected["engines"][engine] = make_engine(engine, args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(expected_path, "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
