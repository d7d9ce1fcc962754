#!/usr/bin/python3
"""The soak under attack (bench/soak.sh). Standard library only.

  soak.py prepare BIN DATA_DIR DATABASE_URL CLIENTS ATTACK_IPS
      accounts for the ordinary clients and the attacker, with API tokens, into DATA_DIR/soak.json
      (run before `serve`, through the operator CLI)
  soak.py setup PORT DATA_DIR
      loads the datastore table (on a server started for the setup only, without rate limits)
  soak.py run PORT SERVER_PID DATA_DIR MINUTES
      warms up, then phase 1 (the ordinary workload alone) and phase 2
      (the same workload while `soak.py attack` runs in a process of its own); prints the table;
      exits 1 if an ordinary client saw an error
  soak.py attack PORT DATA_DIR SECONDS OUT_JSON
      the hostile client (started by `run`)

The server runs with --trust-proxy, as behind nginx: every ordinary client sends its own
X-Forwarded-For address (10.20.0.x), the attacker its own few (198.51.100.x), so per-IP limits
see distinct clients as they would in production. Rate limits, lock-outs, bulkheads and timeouts
are the defaults."""
import collections
import http.client
import json
import os
import random
import re
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from govhub_harness import keep_cookies  # noqa: E402

CLIENT_TIMEOUT = 30  # seconds an ordinary client waits for an answer before calling it an error
THAI_Q = ["ข้อมูล", "ประชากร", "งบประมาณ รายปี", "การท่องเที่ยว", "โรงเรียน", "กรุงเทพมหานคร"]
ENGLISH_Q = ["statistics", "budget", "open data", "tourism", "labour"]


def user_name(i):
    return "soak-user-%02d" % i


def user_password(i):
    return "soak-pass-2569-%02d" % i


# ---------------------------------------------------------------------------------------------
# prepare


def prepare(bin_, data_dir, url, clients, attack_ips):
    def cli(*args):
        return subprocess.run([bin_, *args, "--data-dir", data_dir, "--database-url", url],
                              check=True, capture_output=True, text=True).stdout.strip()

    users = []
    for i in range(clients):
        cli("admin", "create-user", "--name", user_name(i), "--email", "%s@example.go.th" % user_name(i),
            "--password", user_password(i))
        users.append({"name": user_name(i), "password": user_password(i),
                      "token": cli("admin", "create-token", user_name(i)), "ip": "10.20.0.%d" % (i + 1)})
    attacker = []
    for i in range(attack_ips):
        name = "mallory-%d" % i
        cli("admin", "create-user", "--name", name, "--email", "%s@example.net" % name,
            "--password", "mallory-secret-%d-2569" % i)
        attacker.append({"name": name, "token": cli("admin", "create-token", name), "ip": "198.51.100.%d" % (i + 1)})
    state = {"users": users, "attacker": attacker, "admin_token": cli("admin", "create-token", "admin")}
    with open(os.path.join(data_dir, "soak.json"), "w") as f:
        json.dump(state, f)


# ---------------------------------------------------------------------------------------------
# HTTP helpers


def multipart(fields, files):
    """fields: [(name, value)], files: [(name, filename, bytes)] -> (body, content type)."""
    boundary = "----soak%016x" % random.getrandbits(64)
    out = []
    for k, v in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode())
    for k, fn, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: text/csv\r\n\r\n" % (boundary, k, fn)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def api(port, token, action, body=None, ip="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    h = {"Authorization": token, "X-Forwarded-For": ip}
    if isinstance(body, dict):
        h["Content-Type"] = "application/json"
        body = json.dumps(body).encode()
    elif isinstance(body, tuple):
        body, h["Content-Type"] = body
    conn.request("POST" if body is not None else "GET", "/api/3/action/" + action, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    if r.status != 200:
        raise RuntimeError("%s: %d %s" % (action, r.status, data[:300]))
    return json.loads(data)["result"]


class Unexpected(Exception):
    pass


class Client:
    """One ordinary, well-behaved client: its own address, account, token and cookie jar, one
    keep-alive connection (reopened when the server closes it, as browsers do)."""

    def __init__(self, port, user, rid, sql_table, datasets):
        self.port, self.user, self.rid, self.table = port, user, rid, sql_table
        self.datasets = datasets
        self.conn = None
        self.jar = {}
        self.rng = random.Random(user["name"])
        self.next_login = 0
        self.next_upload = 0
        self.uploads = 0

    def request(self, method, path, body=None, headers=None, token=False, cookies=False):
        h = {"X-Forwarded-For": self.user["ip"], "User-Agent": "soak-ordinary"}
        if token:
            h["Authorization"] = self.user["token"]
        if cookies and self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        h.update(headers or {})
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CLIENT_TIMEOUT)
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                # A keep-alive connection the server closed while idle: a browser retries such a
                # request once on a new connection (only when nothing of the answer came back).
                self.conn.close()
                self.conn = None
                if attempt == 0 and isinstance(e, (http.client.RemoteDisconnected, BrokenPipeError)):
                    continue
                raise
            except Exception:
                self.conn.close()
                self.conn = None
                raise
            if r.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            keep_cookies(self.jar, r.headers.get_all("Set-Cookie"))
            return r.status, data, r
        raise AssertionError("unreachable")

    def expect(self, status, data, ok):
        if status not in ok:
            raise Unexpected("%d %s" % (status, data[:160].decode("utf-8", "replace").replace("\n", " ")))

    # The mixed workload: each action is one thing a person or an API consumer does.
    def search_page(self):
        q = self.rng.choice(THAI_Q + ENGLISH_Q)
        s, d, _ = self.request("GET", "/dataset?" + urllib.parse.urlencode({"q": q}))
        self.expect(s, d, (200,))

    def dataset_page(self):
        s, d, _ = self.request("GET", "/dataset/" + self.rng.choice(self.datasets))
        self.expect(s, d, (200,))

    def package_search(self):
        q = self.rng.choice(THAI_Q + ENGLISH_Q)
        s, d, _ = self.request("GET", "/api/3/action/package_search?" +
                               urllib.parse.urlencode({"q": q, "rows": 10, "facet.field": '["organization","tags"]'}))
        self.expect(s, d, (200,))

    def datastore_filter(self):
        prov = self.rng.choice(["เชียงใหม่", "ขอนแก่น", "สงขลา", "ภูเก็ต"])
        s, d, _ = self.request("GET", "/api/3/action/datastore_search?" + urllib.parse.urlencode(
            {"resource_id": self.rid, "filters": json.dumps({"จังหวัด": prov}), "limit": 20,
             "offset": self.rng.randrange(0, 200)}))
        self.expect(s, d, (200,))

    def datastore_q(self):  # full text: the datastore_search bulkhead
        s, d, _ = self.request("GET", "/api/3/action/datastore_search?" + urllib.parse.urlencode(
            {"resource_id": self.rid, "q": self.rng.choice(["ระบบประปา", "โรงเรียน ชุมชน", "ถนน"]), "limit": 20}),
            token=True)
        self.expect(s, d, (200,))

    def datastore_sql(self):  # the SQL sandbox bulkhead
        prov = self.rng.choice(["เชียงใหม่", "ขอนแก่น", "น่าน"])
        sql = ('SELECT "อำเภอ", count(*) AS n, sum("งบประมาณ (บาท)") AS total FROM "%s" '
               'WHERE "จังหวัด" = \'%s\' GROUP BY "อำเภอ" ORDER BY n DESC LIMIT 10' % (self.table, prov))
        s, d, _ = self.request("GET", "/api/3/action/datastore_search_sql?" + urllib.parse.urlencode({"sql": sql}),
                               token=True)
        self.expect(s, d, (200,))

    def token_call(self):
        action = self.rng.choice(["user_show?id=" + self.user["name"], "organization_list_for_user",
                                  "package_show?id=" + self.rng.choice(self.datasets), "package_search?q=%E0%B8%82%E0%B9%89%E0%B8%AD%E0%B8%A1%E0%B8%B9%E0%B8%A5&rows=5"])
        s, d, _ = self.request("GET", "/api/3/action/" + action, token=True)
        self.expect(s, d, (200,))

    def csrf_from(self, path):
        s, d, _ = self.request("GET", path, cookies=True)
        self.expect(s, d, (200,))
        m = re.search(rb'name="_csrf" value="([^"]+)"', d)
        if not m:
            raise Unexpected("no CSRF field on " + path)
        return m.group(1).decode()

    def login(self):
        self.jar = {}
        csrf = self.csrf_from("/user/login")
        body = urllib.parse.urlencode({"_csrf": csrf, "login": self.user["name"], "password": self.user["password"]})
        s, d, r = self.request("POST", "/user/login", body=body, cookies=True,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.expect(s, d, (302, 303))
        if "govhub_session" not in self.jar:
            raise Unexpected("login answered %d without a session" % s)
        s, d, _ = self.request("GET", r.getheader("Location"), cookies=True)
        self.expect(s, d, (200,))

    def upload(self):
        if "govhub_session" not in self.jar:
            self.login()
        csrf = self.csrf_from("/dataset/new?data_type=record")
        self.uploads += 1
        name = "soak-%s-%d-%d" % (self.user["ip"].split(".")[-1], os.getpid(), self.uploads)
        rows = "".join("%d,%s,%d\n" % (i, self.rng.choice(["เชียงใหม่", "น่าน", "ตรัง"]), self.rng.randrange(1000))
                       for i in range(self.rng.randrange(5, 50)))
        body, ctype = multipart(
            [("_csrf", csrf), ("data_type", "record"), ("title", "ข้อมูลทดสอบการรับภาระ %d" % self.uploads),
             ("name", name), ("notes", "soak upload"), ("tag_string", "ทดสอบ"), ("owner_org", "bench-org-0"),
             ("maintainer", "ทดสอบ"), ("maintainer_email", "t@example.go.th"), ("objective", "ยุทธศาสตร์ชาติ"),
             ("update_frequency_unit", "ปี"), ("geo_coverage", "ประเทศ"), ("data_source", "ระบบงาน"),
             ("data_format", "CSV"), ("data_category", "ข้อมูลสาธารณะ"), ("license_id", "cc-by"),
             ("resource_name", "ไฟล์ทดสอบ")],
            [("upload", "data.csv", ("รหัส,จังหวัด,จำนวน\n" + rows).encode())])
        s, d, r = self.request("POST", "/dataset/new", body=body, cookies=True, headers={"Content-Type": ctype})
        self.expect(s, d, (302, 303))
        if r.getheader("Location") != "/dataset/" + name:
            raise Unexpected("upload redirected to %s" % r.getheader("Location"))

    def pick(self, now):
        if now >= self.next_login:  # at most one login per 20 s per client (limit: 10/min/IP)
            self.next_login = now + 20 + self.rng.random() * 10
            return "login"
        if now >= self.next_upload:  # one upload per 30 s (form limit: 30/min/IP)
            self.next_upload = now + 30 + self.rng.random() * 15
            return "upload"
        return self.rng.choices(
            ["search_page", "dataset_page", "package_search", "datastore_filter", "datastore_q",
             "datastore_sql", "token_call"], [3, 3, 2, 2, 1, 1, 2])[0]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.phase = None
        self.samples = collections.defaultdict(list)  # (phase, kind) -> [ms]
        self.errors = collections.defaultdict(list)   # phase -> [(kind, what)]

    def add(self, phase, kind, ms, error=None):
        """Counted in the phase in which the request started."""
        with self.lock:
            if phase is None:
                return
            if error:
                self.errors[phase].append((kind, error))
            else:
                self.samples[(phase, kind)].append(ms)


def client_loop(client, rec, stop):
    client.next_login = time.time() + client.rng.random() * 20
    client.next_upload = time.time() + 5 + client.rng.random() * 30
    while not stop.is_set():
        kind = client.pick(time.time())
        phase = rec.phase
        t0 = time.perf_counter()
        err = None
        try:
            getattr(client, kind)()
        except Unexpected as e:
            err = str(e)
        except Exception as e:  # connection refused or reset, timeout
            err = "%s: %s" % (type(e).__name__, e)
        rec.add(phase, kind, (time.perf_counter() - t0) * 1000, err)
        # Think time: a person reading, an API script pacing itself (<= ~4 requests/s).
        stop.wait(0.1 + client.rng.random() * 0.4)


def rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def pct(values, p):
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p))]


def jobs(port, token, query):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/api/jobs?" + query, headers={"Authorization": token})
    r = conn.getresponse()
    data = json.loads(r.read())
    conn.close()
    return data


def cancel_seed_fetches(port, admin):
    """bench-seed's datasets link to files on a host that does not exist, so each queued a load job
    that would fail five times over the run; cancelled here, as an operator would."""
    cancelled = 0
    while True:
        queued = jobs(port, admin, "kind=datastore.load&state=queued&limit=200")["jobs"]
        if not queued:
            break
        for j in queued:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", "/api/jobs/%s/cancel" % j["id"], headers={"Authorization": admin})
            conn.getresponse().read()
            conn.close()
            cancelled += 1
    while jobs(port, admin, "kind=datastore.load&state=running&limit=10")["count"]:
        time.sleep(0.5)
    return cancelled


def setup_table(port, state, data_dir, rows):
    admin = state["admin_token"]
    t0 = time.time()
    n = cancel_seed_fetches(port, admin)
    print("setup: cancelled %d queued fetches of bench-seed links in %.0f s" % (n, time.time() - t0), flush=True)
    for u in state["users"]:
        api(port, admin, "organization_member_create", {"id": "bench-org-0", "username": u["name"], "role": "editor"})
    csv_path = os.path.join(data_dir, "soak-table.csv")
    subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "datastore_gen.py"), csv_path, str(rows)],
                   check=True)
    api(port, admin, "package_create", {
        "name": "soak-table", "title": "โครงการพัฒนาท้องถิ่น (soak)", "owner_org": "bench-org-0",
        "data_type": "ข้อมูลระเบียน", "notes": "ข้อมูลทดสอบ", "tags": [{"name": "ทดสอบ"}], "maintainer": "ทดสอบ",
        "maintainer_email": "t@example.go.th", "objective": ["ยุทธศาสตร์ชาติ"], "update_frequency_unit": "ปี",
        "geo_coverage": "ประเทศ", "data_source": "ระบบงาน", "data_format": ["CSV"],
        "data_category": "ข้อมูลสาธารณะ", "license_id": "cc-by"})
    with open(csv_path, "rb") as f:
        body = multipart([("package_id", "soak-table"), ("name", "projects")], [("upload", "projects.csv", f.read())])
    rid = api(port, admin, "resource_create", body)["id"]
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            info = api(port, admin, "datastore_info?resource_id=" + rid)
            print("setup: table loaded %.0f s after the start of setup" % (time.time() - t0), flush=True)
            return rid, info
        except RuntimeError:
            time.sleep(0.3)
    raise RuntimeError("the datastore table never loaded")


def setup(port, data_dir):
    path = os.path.join(data_dir, "soak.json")
    with open(path) as f:
        state = json.load(f)
    state["rows"] = int(os.environ.get("SOAK_ROWS", "50000"))
    state["rid"], _ = setup_table(port, state, data_dir, state["rows"])
    with open(path, "w") as f:
        json.dump(state, f)


def run(port, pid, data_dir, minutes):
    with open(os.path.join(data_dir, "soak.json")) as f:
        state = json.load(f)
    rid, rows = state["rid"], state["rows"]
    # datastore_search_sql names the table by its resource id.
    datasets = ["bench-%d" % i for i in range(int(os.environ.get("SOAK_DATASETS", "2000")))]
    phase_s = max(10.0, minutes * 60)
    warm_s = min(60.0, max(10.0, phase_s / 6))
    rec = Recorder()
    stop = threading.Event()
    clients = [Client(port, u, rid, rid, datasets) for u in state["users"]]
    threads = [threading.Thread(target=client_loop, args=(c, rec, stop), daemon=True) for c in clients]
    print("%d ordinary clients (own address, account, token each), %d datasets, a %d-row datastore table; "
          "%.1f min per phase after %.0f s of warm-up" % (len(clients), len(datasets), rows, phase_s / 60, warm_s),
          flush=True)
    rss = {"start": rss_mib(pid)}
    samples = collections.defaultdict(list)  # phase -> RSS sampled each second

    def sample_rss():
        while not stop.is_set():
            if rec.phase:
                samples[rec.phase].append(rss_mib(pid))
            stop.wait(1)
    threading.Thread(target=sample_rss, daemon=True).start()
    for t in threads:
        t.start()
    rec.phase = "warm-up"
    time.sleep(warm_s)
    rss["warm"] = rss_mib(pid)
    rec.phase = "baseline"
    t0 = time.time()
    time.sleep(phase_s)
    rss["baseline"] = rss_mib(pid)
    rate = {"baseline": time.time() - t0}
    print("baseline done: %d requests, %d errors; attack starts" % (
        sum(len(v) for (p, _), v in rec.samples.items() if p == "baseline"), len(rec.errors["baseline"])), flush=True)
    attack_out = os.path.join(data_dir, "attack.json")
    attacker = subprocess.Popen([sys.executable, os.path.abspath(__file__), "attack", str(port), data_dir,
                                 str(phase_s), attack_out])
    time.sleep(2)  # the attacker's connections are up before the phase is counted
    rec.phase = "attack"
    t0 = time.time()
    time.sleep(phase_s)
    rate["attack"] = time.time() - t0
    rec.phase = None
    rss["attack"] = rss_mib(pid)
    stop.set()
    for t in threads:  # requests started in the attack phase are still counted
        t.join(CLIENT_TIMEOUT + 5)
    attacker.wait(60)
    with open(attack_out) as f:
        attack = json.load(f)
    # Server alive and answering after it all?
    alive = True
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("GET", "/healthz")
        alive = c.getresponse().status == 200
    except Exception:
        alive = False
    rss["samples"] = samples
    report(rec, rss, rate, attack, alive)
    errors = len(rec.errors["baseline"]) + len(rec.errors["attack"])
    return 0 if errors == 0 and alive else 1


def report(rec, rss, duration, attack, alive):
    kinds = ["search_page", "dataset_page", "package_search", "datastore_filter", "datastore_q", "datastore_sql",
             "token_call", "login", "upload"]
    print()
    print("ordinary clients             %22s    %22s" % ("baseline (no attacker)", "under attack"))
    print("%-22s %8s %7s %7s %6s    %8s %7s %7s %6s" % ("", "requests", "p50 ms", "p99 ms", "errors",
                                                       "requests", "p50 ms", "p99 ms", "errors"))
    for kind in kinds + ["all"]:
        cols = []
        for phase in ("baseline", "attack"):
            if kind == "all":
                v = [x for (p, _), xs in rec.samples.items() if p == phase for x in xs]
                e = len(rec.errors[phase])
            else:
                v = rec.samples.get((phase, kind), [])
                e = sum(1 for k, _ in rec.errors[phase] if k == kind)
            cols.append("%8d %7.1f %7.1f %6d" % (len(v), pct(v, 0.5), pct(v, 0.99), e))
        print("%-22s %s    %s" % (kind, cols[0], cols[1]))
    for phase in ("baseline", "attack"):
        n = sum(len(xs) for (p, _), xs in rec.samples.items() if p == phase)
        print("%-22s %.1f req/s" % ("throughput " + phase, n / duration[phase]))
    total_errors = len(rec.errors["baseline"]) + len(rec.errors["attack"])
    print("\nORDINARY CLIENT ERRORS: %d (must be 0)" % total_errors)
    for phase in ("baseline", "attack"):
        seen = collections.Counter(rec.errors[phase])
        for (kind, what), n in seen.most_common(10):
            print("  %s %-16s x%-4d %s" % (phase, kind, n, what[:150]))
    print("\nattacker (%d s): %d requests / connections" % (attack["seconds"], sum(sum(c.values()) for c in
                                                                                 attack["results"].values())))
    for kind, counts in sorted(attack["results"].items()):
        print("  %-26s %s" % (kind, ", ".join("%s x%d" % kv for kv in sorted(counts.items(), key=lambda kv: -kv[1]))))
    print("\nserver RSS (MiB), VmRSS of /proc/<pid>/status, sampled each second:")
    print("  %-10s %8s %8s %8s" % ("phase", "at end", "lowest", "highest"))
    print("  %-10s %8.1f" % ("start", rss["start"]))
    for phase, end in (("warm-up", rss["warm"]), ("baseline", rss["baseline"]), ("attack", rss["attack"])):
        v = rss["samples"].get(phase) or [end]
        print("  %-10s %8.1f %8.1f %8.1f" % (phase, end, min(v), max(v)))
    lows = {p: min(rss["samples"].get(p) or [rss[k]]) for p, k in (("warm-up", "warm"), ("attack", "attack"))}
    print("  growth after warm-up: %+.1f MiB at the end (%+.1f MiB between the lowest samples; logins' argon2id "
          "takes 64 MiB each while it runs, so single samples jump)" % (rss["attack"] - rss["warm"],
                                                                        lows["attack"] - lows["warm-up"]))
    print("server answers /healthz after the attack: %s" % ("yes" if alive else "NO"))


# ---------------------------------------------------------------------------------------------
# the attacker


class Attack:
    def __init__(self, port, state, seconds):
        self.port = port
        self.ips = [a["ip"] for a in state["attacker"]]
        self.accounts = state["attacker"]
        self.deadline = time.time() + seconds
        self.lock = threading.Lock()
        self.results = collections.defaultdict(collections.Counter)
        self.rng = random.Random(7)

    def note(self, kind, outcome):
        with self.lock:
            self.results[kind][str(outcome)] += 1

    def over(self):
        return time.time() >= self.deadline

    def raw(self, kind, data, timeout=30, ip=None):
        """Sends raw bytes on a new connection; notes the status (or what the server did)."""
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered early (413, 431) and closed: read what it said
            buf = b""
            while b"\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
            s.close()
            m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
            self.note(kind, m.group(1).decode() if m else "closed")
        except socket.timeout:
            self.note(kind, "timeout")
        except OSError as e:
            self.note(kind, type(e).__name__)

    def head(self, method, path, ip, extra="", length=None):
        h = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: %s\r\nUser-Agent: soak-attacker\r\n%s" % (
            method, path, ip, extra)
        if length is not None:
            h += "Content-Length: %d\r\n" % length
        return (h + "Connection: close\r\n\r\n").encode()

    # Slow clients: headers a line every few seconds, bodies a byte every 10-20 s, and idle
    # connections that never send anything. Each is reopened as soon as the server closes it.
    def slow(self, n_headers=150, n_bodies=100, n_idle=300):
        socks = {}  # socket -> [kind, next send time, sent]

        def open_one(kind):
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                s.setblocking(False)
            except OSError as e:
                self.note(kind, type(e).__name__)
                return
            ip = self.rng.choice(self.ips)
            if kind == "slow headers":
                first = "GET /dataset HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: %s\r\n" % ip
            elif kind == "slow body (API)":
                first = self.head("POST", "/api/3/action/package_search", ip,
                                  "Content-Type: application/json\r\n", 1 << 20).decode()
            elif kind == "slow body (upload)":
                first = self.head("POST", "/api/3/action/resource_create", ip,
                                  "Content-Type: multipart/form-data; boundary=xx\r\n", 100 << 20).decode() + \
                    "--xx\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.csv\"\r\n\r\n"
            else:
                first = ""
            try:
                if first:
                    s.send(first.encode())
            except OSError:
                pass
            socks[s] = [kind, time.time() + 5, 0]
            self.note(kind, "opened")

        wanted = [("slow headers", n_headers), ("slow body (API)", n_bodies // 2),
                  ("slow body (upload)", n_bodies - n_bodies // 2), ("idle connection", n_idle)]
        while not self.over():
            have = collections.Counter(v[0] for v in socks.values())
            for kind, n in wanted:
                for _ in range(n - have[kind]):
                    open_one(kind)
            readable, _, _ = select.select(list(socks), [], [], 1.0)
            for s in readable:  # the server answered (408) or closed
                kind = socks.pop(s)[0]
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
                self.note(kind, "closed by server after " + (m.group(1).decode() if m else "nothing"))
                s.close()
            now = time.time()
            for s, v in list(socks.items()):
                if now < v[1] or v[0] == "idle connection":
                    continue
                try:
                    if v[0] == "slow headers":
                        s.send(b"X-Slow-%d: a\r\n" % v[2])
                        v[1] = now + 5
                    else:
                        s.send(b"a")
                        v[1] = now + 10 + self.rng.random() * 10
                    v[2] += 1
                except OSError:
                    socks.pop(s)
                    self.note(v[0], "closed by server")
                    s.close()
        for s in socks:
            s.close()

    def flood(self):
        """Connections opened and dropped as fast as one thread can."""
        while not self.over():
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
                s.close()
                self.note("connection flood", "connected")
            except OSError as e:
                self.note("connection flood", type(e).__name__)

    def malformed(self):
        """Deep, huge and many: each past a parser bound."""
        deep_json = b"[" * 200000 + b"]" * 200000
        deep_q = urllib.parse.quote("(" * 5000 + "x" + ")" * 5000)
        wide_q = urllib.parse.quote(" OR ".join("ข้อมูล%d" % i for i in range(99)))
        many_parts_body = b"".join(b"--b\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n" % i
                                   for i in range(1001)) + b"--b--\r\n"
        big_body = b"--b\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"x.csv\"\r\n\r\n" + \
            b"a,b\n" * (5 << 20) + b"\r\n--b--\r\n"
        while not self.over():
            ip = self.rng.choice(self.ips)
            which = self.rng.randrange(8)
            if which == 0:
                self.raw("deep JSON body", self.head("POST", "/api/3/action/package_search", ip,
                                                     "Content-Type: application/json\r\n", len(deep_json)) + deep_json)
            elif which == 1:
                self.raw("q=(((( 5000 deep", self.head("GET", "/api/3/action/package_search?q=" + deep_q, ip))
                self.raw("q=(((( 5000 deep", self.head("GET", "/dataset?q=" + deep_q, ip))
            elif which == 2:
                self.raw("q with 99 ORs", self.head("GET", "/api/3/action/package_search?rows=1000&q=" + wide_q, ip))
            elif which == 3:
                self.raw("huge header (20 KiB)", self.head("GET", "/dataset", ip, "X-Big: %s\r\n" % ("a" * 20000)))
                self.raw("many headers (2000)", self.head("GET", "/dataset", ip,
                                                          "".join("X-H%d: v\r\n" % i for i in range(2000))))
            elif which == 4:
                self.raw("multipart 1001 parts", self.head("POST", "/api/3/action/resource_create", ip,
                                                           "Content-Type: multipart/form-data; boundary=b\r\n",
                                                           len(many_parts_body)) + many_parts_body)
            elif which == 5:
                self.raw("multipart 20 MiB, no token", self.head(
                    "POST", "/api/3/action/resource_create", ip, "Content-Type: multipart/form-data; boundary=b\r\n",
                    len(big_body)) + big_body, timeout=60)
            elif which == 6:
                self.raw("query string 5000 params", self.head(
                    "GET", "/dataset?" + "&".join("a%d=1" % i for i in range(5000)), ip))
            else:
                self.raw("JSON 2M elements", self.head("POST", "/api/3/action/package_search", ip,
                                                       "Content-Type: application/json\r\n", 4000001) +
                         b"[" + b"1," * 2000000 + b"]")

    def expensive(self, account, bogus):
        """Heavy work for the bulkheads: the SQL sandbox until its deadline, full-text datastore
        searches. `bogus`: the same with a made-up token on every request."""
        rid = self.rid
        heavy_sql = ('SELECT count(*) FROM "%s" a, "%s" b WHERE a."รายละเอียด" LIKE \'%%ถนน%%\' '
                     'AND b."รายละเอียด" LIKE \'%%ประปา%%\'' % (rid, rid))
        while not self.over():
            token = "%032x" % self.rng.getrandbits(128) if bogus else account["token"]
            kind = ("bogus token " if bogus else "own token ") 
            if self.rng.random() < 0.6:
                path = "/api/3/action/datastore_search_sql?" + urllib.parse.urlencode({"sql": heavy_sql})
                kind += "datastore_search_sql (heavy)"
            else:
                path = "/api/3/action/datastore_search?" + urllib.parse.urlencode(
                    {"resource_id": rid, "q": " ".join(self.rng.sample(["โครงการ", "พัฒนา", "ชุมชน", "ถนน", "ซ่อมแซม",
                                                                         "ก่อสร้าง", "อบรม", "ส่งเสริม"], 4)),
                     "limit": 32000, "sort": "งบประมาณ (บาท) desc"})
                kind += "datastore_search q (heavy)"
            self.raw(kind, self.head("GET", path, account["ip"], "Authorization: %s\r\n" % token), timeout=120)
            if not bogus:
                time.sleep(0.05)

    def logins(self):
        """Wrong passwords for its own accounts (and names nobody has) until locked and limited."""
        names = [a["name"] for a in self.accounts] + ["nobody-%d" % i for i in range(20)]
        while not self.over():
            ip = self.rng.choice(self.ips)
            body = urllib.parse.urlencode({"login": self.rng.choice(names), "password": "wrong-%d" % self.rng.random()})
            # No CSRF token: the login form without one is refused too; with one, via its page.
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                c.request("GET", "/user/login", headers={"X-Forwarded-For": ip})
                r = c.getresponse()
                page = r.read()
                cookies = "; ".join(v.split(";", 1)[0] for v in r.headers.get_all("Set-Cookie") or [])
                m = re.search(rb'name="_csrf" value="([^"]+)"', page)
                body += "&_csrf=" + (m.group(1).decode() if m else "")
                c.request("POST", "/user/login", body=body, headers={
                    "X-Forwarded-For": ip, "Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"})
                r = c.getresponse()
                r.read()
                c.close()
                self.note("wrong login", r.status)
            except Exception as e:
                self.note("wrong login", type(e).__name__)
            time.sleep(0.2)


def attack(port, data_dir, seconds, out):
    with open(os.path.join(data_dir, "soak.json")) as f:
        state = json.load(f)
    a = Attack(port, state, seconds)
    a.rid = state["rid"]
    jobs = [(a.slow, ()), (a.flood, ()), (a.malformed, ()), (a.malformed, ()), (a.logins, ())]
    for acc in state["attacker"]:
        jobs.append((a.expensive, (acc, False)))
    for _ in range(int(os.environ.get("SOAK_BOGUS_TOKEN_THREADS", "4"))):
        jobs.append((a.expensive, (state["attacker"][0], True)))
    threads = [threading.Thread(target=fn, args=args, daemon=True) for fn, args in jobs]
    t0 = time.time()
    for t in threads:
        t.start()
    # Requests still in flight at the deadline are left behind (daemon threads).
    for t in threads:
        t.join(max(0.1, a.deadline + 15 - time.time()))
    with open(out, "w") as f:
        json.dump({"seconds": round(time.time() - t0), "results": {k: dict(v) for k, v in a.results.items()}}, f)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "prepare":
        prepare(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif cmd == "setup":
        setup(int(sys.argv[2]), sys.argv[3])
    elif cmd == "run":
        sys.exit(run(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])))
    elif cmd == "attack":
        attack(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)
