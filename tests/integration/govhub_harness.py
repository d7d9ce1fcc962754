"""Starts real govhub processes and talks HTTP to them (no mocks)."""
import email
import http.client
import json
import mailbox
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from email import policy

BIN = os.environ.get("GOVHUB_BIN", os.path.join(os.path.dirname(__file__), "../../build/govhub"))
# The suite runs once per engine: scripts/test.sh sets GOVHUB_TEST_ENGINE=postgres and the URL of
# a throw-away cluster for the second run.
ENGINE = os.environ.get("GOVHUB_TEST_ENGINE", "sqlite")
PG_ADMIN_URL = os.environ.get("GOVHUB_TEST_PG_URL", "")
_db_counter = [0]


def new_database_url():
    """A fresh, empty database for one govhub site: a new PostgreSQL database, or None for
    SQLite (the site's data dir holds it)."""
    if ENGINE != "postgres":
        return None
    assert PG_ADMIN_URL, "GOVHUB_TEST_PG_URL is not set"
    _db_counter[0] += 1
    name = "govhub_it_%d_%d" % (os.getpid(), _db_counter[0])
    subprocess.run(["psql", PG_ADMIN_URL, "-qc", "CREATE DATABASE %s" % name], check=True, capture_output=True)
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def engine_args(database_url):
    return ["--database-url", database_url] if database_url else []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=15, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("process exited early with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("port %d did not open" % port)


class Server:
    """One govhub process on a free port with its own temp data dir."""

    def __init__(self, *extra, smtp_url=None, data_dir=None, database_url=None):
        self.port = free_port()
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="govhub-it-")
        self.database_url = database_url or (None if data_dir else new_database_url())
        self.url = "http://127.0.0.1:%d" % self.port
        # The SCORM package site listens on a port of its own: any free one (see scorm_url()).
        args = [BIN, "serve", "--port", str(self.port), "--address", "127.0.0.1", "--scorm-port", "0",
                "--data-dir", self.data_dir, "--site-url", self.url, *engine_args(self.database_url), *extra]
        if smtp_url:
            args += ["--smtp-url", smtp_url]
        self.log_path = os.path.join(self.data_dir, "server.log")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        wait_for_port(self.port, proc=self.proc)

    def scorm_url(self, timeout=10):
        """The SCORM package site's URL, from the line `serve` prints once it is bound."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = re.search(r"SCORM package site serving on port (\d+) \(public ([^)\s]+)\)", self.output())
            if m:
                return m.group(2)
            time.sleep(0.05)
        raise AssertionError("no SCORM package site line in the server's output")

    def cli(self, *args, check=True):
        r = subprocess.run([BIN, *args, "--data-dir", self.data_dir, *engine_args(self.database_url)],
                           capture_output=True, text=True)
        if check and r.returncode != 0:
            raise AssertionError("govhub %s failed: %s" % (args, r.stderr))
        return r

    def create_sysadmin(self, name, password="ผู้ดูแล-ทดสอบ-2569"):
        """A new sysadmin account `name` (e-mail name@example.go.th) and an API token of theirs."""
        self.cli("admin", "create-user", "--name", name, "--email", name + "@example.go.th",
                 "--password", password, "--sysadmin")
        return self.cli("admin", "create-token", name).stdout.strip()

    def query(self, sql):
        """Rows of a read-only SQL query against the site's database, as tuples of text."""
        if self.database_url:
            r = subprocess.run(["psql", self.database_url, "-AtX", "-F", "\t", "-c", sql],
                               capture_output=True, text=True, check=True)
            return [tuple(line.split("\t")) for line in r.stdout.splitlines()]
        import sqlite3
        db = sqlite3.connect("file:%s/govhub.db?mode=ro" % self.data_dir, uri=True)
        try:
            return [tuple("" if v is None else str(v) for v in row) for row in db.execute(sql)]
        finally:
            db.close()

    def execute(self, sql):
        """One write to the site's database (to make the state an older version left)."""
        if self.database_url:
            subprocess.run(["psql", self.database_url, "-qAtX", "-c", sql], check=True, capture_output=True)
            return
        import sqlite3
        db = sqlite3.connect("%s/govhub.db" % self.data_dir, timeout=10)
        try:
            db.execute(sql)
            db.commit()
        finally:
            db.close()

    def output(self):
        self.log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def cookies(self):
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)


def keep_cookies(jar, set_cookies):
    """A browser's cookie jar (name -> value) after a response's Set-Cookie headers: a cookie
    with Max-Age=0 is dropped. Shared with the benchmarks' clients."""
    for c in set_cookies or []:
        name, _, rest = c.partition("=")
        if "Max-Age=0" in c:
            jar.pop(name, None)
        else:
            jar[name] = rest.split(";", 1)[0]


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, server):
        self.server = server
        self.jar = {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        h = dict(headers or {})
        if self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read())
        conn.close()
        keep_cookies(self.jar, resp.cookies())
        return resp

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def csrf(self):
        if "govhub_csrf" not in self.jar and "govhub_session" not in self.jar:
            self.get("/user/login")
        page = self.get("/user/login" if "govhub_session" not in self.jar else "/user/me")
        m = re.search(r'name="_csrf" value="([^"]+)"', page.text)
        if m:
            return m.group(1)
        return self.jar.get("govhub_csrf", "")

    def csrf_from(self, path):
        page = self.get(path)
        m = re.search(r'name="_csrf" value="([^"]+)"', page.text)
        assert m, "no CSRF field on %s (status %d)" % (path, page.status)
        return m.group(1)

    def post_form(self, path, fields, csrf=True, csrf_page=None, headers=None):
        fields = dict(fields)
        if csrf:
            fields["_csrf"] = self.csrf_from(csrf_page or path)
        body = urllib.parse.urlencode(fields).encode()
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, body=body, headers=h)

    def post_json(self, path, obj, headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return self.request("POST", path, body=json.dumps(obj).encode(), headers=h)


def read_until_close(sock):
    """Everything the peer sends until it closes the connection (or the socket times out)."""
    out = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    return out


def raw_request(port, data, timeout=10, read=True):
    """Sends raw bytes; returns everything received until the server closes (or timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    out = read_until_close(s) if read else b""
    s.close()
    return out


def status_of(raw):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None


class Smtp:
    """A real SMTP server process (Debian's python3-aiosmtpd) delivering into a Maildir."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="govhub-smtp-")
        self.maildir = os.path.join(self.dir, "Maildir")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % self.port,
             "-c", "aiosmtpd.handlers.Mailbox", self.maildir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, proc=self.proc)
        self.url = "smtp://127.0.0.1:%d" % self.port
        self.seen = set()

    def _all(self, to=None):
        out = []
        if not os.path.isdir(self.maildir):
            return out
        for key, msg in mailbox.Maildir(self.maildir, factory=None).items():
            parsed = email.message_from_bytes(msg.as_bytes(), policy=policy.default)
            if to is None or to.lower() in str(parsed["To"]).lower():
                out.append((key, parsed))
        return out

    def messages(self, to=None):
        return [m for _, m in self._all(to)]

    def wait_for(self, to, count=1, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            msgs = self.messages(to)
            if len(msgs) >= count:
                return msgs
            time.sleep(0.1)
        raise AssertionError("no mail for %s" % to)

    def last_link(self, to, pattern, timeout=10):
        """The link matching `pattern` in a message to `to` not returned before (Maildir has
        no order, so each message is handed out once)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for key, msg in self._all(to):
                if key in self.seen:
                    continue
                body = msg.get_body(preferencelist=("plain",)).get_content()
                m = re.search(pattern, body)
                if m:
                    self.seen.add(key)
                    return m.group(0)
            time.sleep(0.1)
        raise AssertionError("no new mail to %s with a link matching %s" % (to, pattern))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
