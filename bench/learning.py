#!/usr/bin/python3
"""Learning under many learners at once (bench/learning.sh, issue 16). Standard library only.

  learning.py BIN WORK_DIR LEARNERS SECONDS

Starts a DOPA stand-in (tests/integration/dopa_mock.py) and a fresh `govhub serve` on a free
loopback port with its own data directory under WORK_DIR, then:

1. setup: a sysadmin (operator CLI) creates an agency and makes an author its editor; the author
   builds a published course with one SCORM lesson (the demo package of
   scripts/make-demo-scorm.py) through the pages, as a person would; LEARNERS learners sign up
   with the laser code (POST /api/learning/signup), follow the e-mailed activation link (from
   the outbox), log in with the form, enrol through the JSON API and launch the SCORM lesson
   once (their per-attempt token);
2. one learner alone for 3 s (commit, course page, status_show in turn): the service times;
3. measured, each phase SECONDS long, every learner on its own keep-alive connection, no think
   time by default (a closed loop: each learner sends its next request as soon as the last one
   answered; THINK_MS paces them instead):
   - anchor: every learner calls GET /api/3/action/status_show in a loop;
   - learning: every learner commits SCORM data (POST /api/learning/scorm/commit, bearer token,
     the package site's Origin, cmi.location, a few KB of cmi.suspend_data, cmi.session_time,
     a growing seq) and loads the course page (GET /learning/course/<name>, its session cookie),
     in turn;
4. prints requests, req/s, p50/p95/p99 and errors (non-2xx, connection errors) per kind, the
   targets beside them, and the CPU the client and the server used (both share the machine's
   cores). Timings are printed, never asserted.

The client is asyncio over raw sockets in CLIENT_PROCS processes (default 2), each driving its
share of the learners."""
import asyncio
import email
import email.policy
import glob
import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from dopa_mock import DopaMock  # noqa: E402
from govhub_harness import keep_cookies  # noqa: E402

PASSWORD = "รหัสผ่าน-ผู้เรียน-2569"
ADMIN_PASSWORD = "ผู้ดูแล-ทดสอบ-2569"
TARGETS = {"commit": 20.0, "course_page": 30.0}  # p95 ms at 200 learners (issue 16)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def citizen_id(rng):
    """A 13-digit citizen ID with a valid mod-11 check digit (first digit 1-8)."""
    body = [rng.randint(1, 8)] + [rng.randint(0, 9) for _ in range(11)]
    s = sum(d * (13 - i) for i, d in enumerate(body))
    return "".join(map(str, body)) + str((11 - s % 11) % 10)


# ---------------------------------------------------------------------------------------------
# setup: a small cookie-keeping client (one request per connection, as the tests' Browser)


class Browser:
    def __init__(self, port):
        self.port = port
        self.jar = {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        h = dict(headers or {})
        if self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        keep_cookies(self.jar, r.headers.get_all("Set-Cookie"))
        return r.status, r, data

    def csrf_from(self, path):
        status, _, data = self.request("GET", path)
        m = re.search(rb'name="_csrf" value="([^"]+)"', data)
        assert m, "no CSRF field on %s (%d)" % (path, status)
        return m.group(1).decode()

    def form(self, path, fields, csrf_page=None, expect=(303,)):
        fields = dict(fields, _csrf=self.csrf_from(csrf_page or path))
        status, r, data = self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                                       {"Content-Type": "application/x-www-form-urlencoded"})
        assert status in expect, "%s: %d %s" % (path, status, data[:600])
        return r

    def json(self, path, obj, headers=None, expect=(200, 201)):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        status, _, data = self.request("POST", path, json.dumps(obj).encode(), h)
        assert status in expect, "%s: %d %s" % (path, status, data[:600])
        return json.loads(data) if data else None


def api(port, token, action, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/api/3/action/" + action, json.dumps(body).encode(),
                 {"Authorization": token, "Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    assert r.status == 200, "%s: %d %s" % (action, r.status, data[:400])
    return json.loads(data)["result"]


def multipart(fields, files):
    boundary = "bench%016x" % random.getrandbits(64)
    out = []
    for k, v in fields.items():
        out.append(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, k, v)).encode())
    for k, fn, data in files:
        out.append(('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    "Content-Type: application/zip\r\n\r\n" % (boundary, k, fn)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def make_course(port, admin_token, author_name, work):
    """The sysadmin's agency, the author (its editor) and a published course with one SCORM
    lesson holding the demo package, made through the pages. Returns (course name, lesson id)."""
    api(port, admin_token, "organization_create", {"name": "bench-learning", "title": "กรมทดสอบการเรียนรู้"})
    api(port, admin_token, "organization_member_create",
        {"id": "bench-learning", "username": author_name, "role": "editor"})
    b = Browser(port)
    b.form("/user/login", {"login": author_name, "password": PASSWORD})
    name = "bench-scorm"
    b.form("/learning/course/new", {
        "name": name, "title": "ความปลอดภัยไซเบอร์สำหรับเจ้าหน้าที่", "title_en": "Cyber security for officers",
        "summary": "หลักสูตรทดสอบความเร็ว", "summary_en": "A benchmark course", "description": "**SCORM**",
        "category": "data", "level": "beginner", "minutes": "60", "min_study_minutes": "",
        "video_threshold": "80", "certificate_info": "", "certificate_info_en": "", "agency_id": "bench-learning"})
    manage = "/learning/course/%s/manage" % name
    b.form("/learning/course/%s/sections" % name, {"title": "บทนำ", "title_en": "Introduction"}, csrf_page=manage)
    _, _, page = b.request("GET", manage)
    section = re.findall(r'action="/learning/course/%s/sections/([0-9a-f-]{36})"' % name, page.decode())[-1]
    r = b.form("/learning/course/%s/lessons" % name, {"section_id": section, "kind": "scorm", "title": "แพ็กเกจ SCORM"},
               csrf_page=manage)
    lesson = re.match(r"/learning/lesson/([0-9a-f-]{36})/edit", r.getheader("Location")).group(1)
    zip_path = os.path.join(work, "demo-scorm.zip")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make-demo-scorm.py"), zip_path], check=True)
    with open(zip_path, "rb") as f:
        body, ctype = multipart({"_csrf": b.csrf_from("/learning/lesson/%s/edit" % lesson)},
                                [("upload", "demo.zip", f.read())])
    status, _, data = b.request("POST", "/learning/lesson/%s/media" % lesson, body, {"Content-Type": ctype})
    assert status == 303, "package upload: %d %s" % (status, data[:600])
    b.form("/learning/course/%s/publish" % name, {"publish": "1"}, csrf_page=manage)
    return name, lesson


def activation_links(data_dir):
    """{address: link} from the outbox (no SMTP server is configured)."""
    links = {}
    for path in glob.glob(os.path.join(data_dir, "outbox", "*.eml")):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        m = re.search(r"https?://[^\s]+/user/verify\?token=[A-Za-z0-9_-]+", msg.get_content())
        if m:
            links[str(msg["To"])] = m.group(0)
    return links


def setup_learners(port, data_dir, n, course, lesson, threads):
    rng = random.Random(2569)
    people = [{"email": "learner-%04d@example.com" % i, "cid": citizen_id(rng)} for i in range(n)]
    times = {}

    def signup(p):
        b = Browser(port)
        b.json("/api/learning/signup", {
            "citizen_id": p["cid"], "laser": "OK1-2345678-90", "title_th": "นางสาว", "first_name_th": "ผู้เรียน",
            "last_name_th": "ทดสอบความเร็ว", "first_name_en": "Bench", "last_name_en": "Learner", "birth_day": "7",
            "birth_month": "3", "birth_year": "2535", "civil_servant": False, "consent": True,
            "email": p["email"], "password": PASSWORD, "password_confirm": PASSWORD}, expect=(201,))

    def activate_and_enrol(p, link):
        b = Browser(port)
        status, _, _ = b.request("GET", link[link.index("/user/"):])
        assert status == 200, "activation: %d" % status
        b.form("/user/login", {"login": p["email"], "password": PASSWORD})
        csrf = b.csrf_from("/learning/course/" + course)
        b.json("/api/learning/courses/%s/enrol" % course, {}, {"X-CSRF-Token": csrf})
        launch = b.json("/api/learning/lessons/%s/scorm/launch" % lesson, {}, {"X-CSRF-Token": csrf})
        p.update(cookie="; ".join("%s=%s" % kv for kv in b.jar.items()), token=launch["token"],
                 seq=launch["seq_start"], sco=launch["sco"])

    with ThreadPoolExecutor(threads) as pool:
        t0 = time.monotonic()
        list(pool.map(signup, people))
        times["signup"] = time.monotonic() - t0
        t0 = time.monotonic()
        deadline = time.monotonic() + 120
        while True:
            links = activation_links(data_dir)
            if all(p["email"] in links for p in people) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        missing = [p["email"] for p in people if p["email"] not in links]
        assert not missing, "no activation mail for %d learners" % len(missing)
        times["mail"] = time.monotonic() - t0
        t0 = time.monotonic()
        list(pool.map(lambda p: activate_and_enrol(p, links[p["email"]]), people))
        times["enrol"] = time.monotonic() - t0
    return people, times


# ---------------------------------------------------------------------------------------------
# measured phases: asyncio over raw keep-alive sockets


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    m = re.search(rb"\r\ncontent-length:\s*(\d+)", lower)
    if m:
        await reader.readexactly(int(m.group(1)))
    elif b"\r\ntransfer-encoding: chunked" in lower:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    close = b"\r\nconnection: close" in lower
    return status, close


def suspend_data(rng, size):
    """What a SCORM package keeps in cmi.suspend_data: a compact state string (visited pages,
    answers, a bookmark), here `size` characters of it."""
    parts = []
    while sum(len(p) + 1 for p in parts) < size:
        parts.append("p%d:%s" % (rng.randrange(100), "".join(rng.choice("abcdefghij0123456789") for _ in range(12))))
    return "|".join(parts)[:size]


class Learner:
    def __init__(self, port, p, course, origin, rng, suspend_kib):
        self.port, self.p, self.rng = port, p, rng
        self.seq = p["seq"]
        self.n = 0
        self.suspend = suspend_data(rng, int(suspend_kib * 1024))
        self.page_req = ("GET /learning/course/%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: bench-learning\r\n"
                         "Accept: text/html\r\nAccept-Language: th\r\nCookie: %s\r\n\r\n"
                         % (course, port, p["cookie"])).encode()
        self.commit_head = ("POST /api/learning/scorm/commit HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                            "User-Agent: bench-learning\r\nOrigin: %s\r\nAuthorization: Bearer %s\r\n"
                            "Content-Type: application/json\r\n" % (port, origin, p["token"]))
        self.status_req = ("GET /api/3/action/status_show HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                           "User-Agent: bench-learning\r\n\r\n" % port).encode()

    def commit_req(self):
        self.seq += 1
        self.n += 1
        s = list(self.suspend)
        for _ in range(8):  # the state changes a little between two commits
            s[self.rng.randrange(len(s))] = self.rng.choice("abcdefghij")
        body = json.dumps({"seq": self.seq, "cmi": {
            "cmi.location": "page-%d" % (self.n % 4 + 1), "cmi.suspend_data": "".join(s),
            "cmi.session_time": "PT%dS" % (self.n * 3), "cmi.exit": "suspend",
            "cmi.completion_status": "incomplete", "cmi.progress_measure": "%.2f" % ((self.n % 4) / 4)}},
            separators=(",", ":")).encode()
        return self.commit_head.encode() + b"Content-Length: %d\r\n\r\n" % len(body) + body


async def drive(port, learners, phases, out, think_ms=0):
    """Each learner on its own connection, through every phase in turn: (name, start, end,
    kinds) with wall-clock bounds; records (phase, kind, latency ms, status) of requests that
    started within a phase. With think_ms, a learner pauses 0.5-1.5 times that after each answer
    (and up to that much before its first request of a phase, so learners do not move in step)."""
    async def one(learner):
        reader = writer = None
        for name, start, end, kinds in phases:
            await asyncio.sleep(max(0, start - time.time()))
            if think_ms:
                await asyncio.sleep(learner.rng.uniform(0, think_ms / 1000))
            i = 0
            while time.time() < end:
                kind = kinds[i % len(kinds)]
                i += 1
                data = learner.status_req if kind == "status_show" else \
                    learner.commit_req() if kind == "commit" else learner.page_req
                t0 = time.perf_counter()
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
                    writer.write(data)
                    status, close = await read_response(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError) as e:
                    status, close = "conn:%s" % type(e).__name__, True
                ms = (time.perf_counter() - t0) * 1000
                if name != "warmup":
                    out.append((name, kind, ms, status))
                if close and writer is not None:
                    writer.close()
                    reader = writer = None
                if think_ms:
                    await asyncio.sleep(learner.rng.uniform(0.5, 1.5) * think_ms / 1000)
        if writer is not None:
            writer.close()

    await asyncio.gather(*(one(l) for l in learners))


def client_proc(port, people, course, origin, phases, suspend_kib, think_ms, conn):
    rng = random.Random(os.getpid())
    learners = [Learner(port, p, course, origin, rng, suspend_kib) for p in people]
    out = []
    asyncio.run(drive(port, learners, phases, out, think_ms))
    conn.send(out)
    conn.close()


def proc_cpu(pid):
    """utime + stime of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


# ---------------------------------------------------------------------------------------------


def main():
    bin_, work, n, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    procs = int(os.environ.get("CLIENT_PROCS", "2"))
    warmup = float(os.environ.get("WARMUP", "3"))
    suspend_kib = float(os.environ.get("SUSPEND_KIB", "4"))
    think_ms = float(os.environ.get("THINK_MS", "0"))
    data_dir = os.path.join(work, "data")
    # SIGTERM (an interrupted run) stops the server too, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    dopa = DopaMock()

    def cli(*args):
        return subprocess.run([bin_, *args, "--data-dir", data_dir], check=True, capture_output=True,
                              text=True, cwd=ROOT).stdout.strip()

    cli("admin", "create-user", "--name", "benchadmin", "--email", "benchadmin@example.go.th",
        "--password", ADMIN_PASSWORD, "--sysadmin")
    admin_token = cli("admin", "create-token", "benchadmin")
    cli("admin", "create-user", "--name", "bench-author", "--email", "bench-author@example.go.th",
        "--password", PASSWORD)
    port = free_port()
    log_path = os.path.join(work, "govhub.log")
    log = open(log_path, "ab")
    args = [bin_, "serve", "--port", str(port), "--address", "127.0.0.1", "--data-dir", data_dir,
            "--web-dir", os.path.join(ROOT, "web"), "--site-url", "http://127.0.0.1:%d" % port,
            "--scorm-port", "0", "--identity-verifier", "dopa", "--dopa-endpoint", dopa.url,
            "--identity-checks-per-ip-hour", "0", "--rate-limit-form", "0", "--rate-limit-login", "0",
            "--rate-limit-api", "0", "--rate-limit-api-anonymous", "0"]
    server = subprocess.Popen(args, stdout=log, stderr=log, cwd=ROOT)
    try:
        origin = None
        deadline = time.time() + 30
        while time.time() < deadline and origin is None:
            with open(log_path, encoding="utf-8", errors="replace") as f:
                m = re.search(r"SCORM package site serving on port \d+ \(public ([^)\s]+)\)", f.read())
            origin = m and m.group(1)
            if server.poll() is not None:
                raise SystemExit("govhub exited: see %s" % log_path)
            time.sleep(0.05)
        assert origin, "no SCORM package site line in the log"
        run(bin_, port, server, data_dir, admin_token, dopa, origin, n, seconds, procs, warmup, suspend_kib,
            think_ms)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        dopa.stop()


def run(bin_, port, server, data_dir, admin_token, dopa, origin, n, seconds, procs, warmup, suspend_kib,
            think_ms):
    t0 = time.monotonic()
    course, lesson = make_course(port, admin_token, "bench-author", os.path.dirname(data_dir))
    t_course = time.monotonic() - t0
    threads = int(os.environ.get("SETUP_THREADS", "16"))
    people, times = setup_learners(port, data_dir, n, course, lesson, threads)
    print("setup: course and SCORM lesson %.1f s; %d learners (%d client threads): sign-up %.1f s, "
          "activation mails %.1f s, activate + log in + enrol + launch %.1f s; %d DOPA checks"
          % (t_course, n, threads, times["signup"], times["mail"], times["enrol"], len(dopa.calls)))
    sys.stdout.flush()

    # One learner alone first: the service time of each kind, nothing else in flight.
    solo_out = []
    solo = Learner(port, people[0], course, origin, random.Random(1), suspend_kib)
    t = time.time()
    asyncio.run(drive(port, [solo], [("solo", t, t + 3, ("commit", "course_page", "status_show"))], solo_out))
    people[0]["seq"] = solo.seq

    start = time.time() + 1.0
    phases = [("warmup", start, start + warmup, ("commit", "course_page"))]
    t = start + warmup
    phases.append(("anchor", t + 0.5, t + 0.5 + seconds, ("status_show",)))
    t += 0.5 + seconds
    phases.append(("learning", t + 0.5, t + 0.5 + seconds, ("commit", "course_page")))
    pipes, workers = [], []
    ctx = multiprocessing.get_context("fork")
    for i in range(procs):
        share = people[i::procs]
        a, b = ctx.Pipe(duplex=False)
        w = ctx.Process(target=client_proc, args=(port, share, course, origin, phases, suspend_kib, think_ms, b))
        w.start()
        pipes.append(a)
        workers.append(w)
    # CPU of the server and of the client processes during each measured phase.
    cpu = {}
    for name, s, e, _ in phases[1:]:
        time.sleep(max(0, s - time.time()))
        c0 = (proc_cpu(server.pid), sum(proc_cpu(w.pid) for w in workers))
        time.sleep(max(0, e - time.time()))
        c1 = (proc_cpu(server.pid), sum(proc_cpu(w.pid) for w in workers))
        cpu[name] = (c1[0] - c0[0], c1[1] - c0[1])
    results = []
    for a in pipes:
        results += a.recv()
    for w in workers:
        w.join()

    by = {}
    for phase, kind, ms, status in results:
        by.setdefault(kind, []).append((ms, status))
    print()
    pace = ("think time 0.5-1.5 x %g ms after each answer" % think_ms if think_ms else
            "no think time (a closed loop)")
    print("%d learners at once, each on one keep-alive connection, %s; %g s per phase; "
          "client: %d asyncio processes; %d cores shared by the client and the server"
          % (n, pace, seconds, procs, os.cpu_count()))
    print("%-16s %9s %9s %9s %9s %9s %7s   %s" % ("", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors",
                                                   "target (at 200 learners)"))
    for kind, label in (("status_show", "status_show"), ("commit", "SCORM commit"), ("course_page", "course page")):
        rows = by.get(kind, [])
        ms = [r[0] for r in rows]
        errors = [r[1] for r in rows if not (isinstance(r[1], int) and 200 <= r[1] < 300)]
        target = "anchor, same run" if kind == "status_show" else "p95 < %g ms, no errors" % TARGETS[kind]
        print("%-16s %9d %9.0f %9.1f %9.1f %9.1f %7d   %s" % (label, len(rows), len(rows) / seconds, pct(ms, .5),
                                                           pct(ms, .95), pct(ms, .99), len(errors), target))
        if errors:
            counts = {}
            for e in errors:
                counts[e] = counts.get(e, 0) + 1
            print("%16s errors: %s" % ("", ", ".join("%s x%d" % kv for kv in sorted(counts.items(), key=str))))
    print("one learner alone (3 s, one request at a time; the service time):")
    for kind, label in (("status_show", "status_show"), ("commit", "SCORM commit"), ("course_page", "course page")):
        ms = [r[2] for r in solo_out if r[1] == kind]
        print("  %-14s %5d requests, p50 %.1f ms, p95 %.1f ms" % (label, len(ms), pct(ms, .5), pct(ms, .95)))
    print("CPU during each phase (s of CPU per s of wall; 1.0 = one core):")
    for name in ("anchor", "learning"):
        srv, cl = cpu[name]
        print("  %-9s server %.2f, client %.2f" % (name, srv / seconds, cl / seconds))
    with open("/proc/loadavg") as f:
        print("load average at the end: %s" % " ".join(f.read().split()[:3]))


if __name__ == "__main__":
    main()
