"""Rate limits, first-run admin, operator commands and graceful shutdown — each on its own
govhub process."""
import re
import signal
import socket
import subprocess
import time

import pytest

from accounts_helpers import PASSWORD, login
from govhub_harness import BIN, Browser, Server, engine_args, new_database_url, read_until_close, status_of


@pytest.fixture
def limited(smtp):
    s = Server("--rate-limit-login", "3", "--rate-limit-api-anonymous", "5", "--rate-limit-api", "4",
               "--rate-limit-form", "1000", smtp_url=smtp.url)
    yield s
    assert s.stop() == 0


def test_login_rate_limit_per_ip(limited):
    b = Browser(limited)
    codes = [login(b, "nobody-%d" % i, "wrong-pass-123").status for i in range(4)]
    assert codes[:3] == [401, 401, 401]
    assert codes[3] == 429
    r = login(b, "nobody", "wrong-pass-123")
    assert r.status == 429
    assert int(r.header("Retry-After")) >= 1
    assert "บ่อยเกินไป" in r.text
    assert b.get("/").status == 200  # pages are not limited


def test_api_rate_limit_headers_and_429(limited):
    b = Browser(limited)
    remaining = []
    for _ in range(5):
        r = b.get("/api/3/action/status_show")
        assert r.status == 200
        remaining.append(int(r.header("X-RateLimit-Remaining")))
        assert r.header("X-RateLimit-Limit") == "5"
    assert remaining == [4, 3, 2, 1, 0]
    r = b.get("/api/3/action/status_show")
    assert r.status == 429
    assert r.json()["success"] is False and r.json()["error"]["__type"] == "Rate Limit Error"
    assert r.header("Retry-After") and r.header("X-RateLimit-Reset")
    # A token has its own budget, counted per token.
    out = limited.cli("admin", "create-user", "--name", "limiter", "--email", "l@example.go.th",
                      "--password", PASSWORD)
    assert "created user limiter" in out.stdout
    token = limited.cli("admin", "create-token", "limiter").stdout.strip()
    statuses = [b.get("/api/3/action/user_show", headers={"Authorization": token}).status for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_first_run_admin_must_change_password(smtp):
    s = Server(smtp_url=smtp.url)
    try:
        out = s.output()
        m = re.search(r"password:\s+(\S+)", out)
        assert m, out
        password = m.group(1)
        b = Browser(s)
        r = login(b, "admin", password)
        assert r.status == 303 and r.header("Location") == "/user/password"
        # Every page sends the admin back to the change form until the password is changed.
        r = b.get("/")
        assert r.status == 303 and r.header("Location") == "/user/password"
        assert "รหัสผ่านชั่วคราว" in b.get("/user/password").text
        r = b.post_form("/user/password", {"current_password": password, "password": "ผู้ดูแล-ใหม่-2569",
                                           "password_confirm": "ผู้ดูแล-ใหม่-2569"})
        assert r.status == 303
        # Then, as a sysadmin on a site that requires it, the second factor comes next.
        r = b.get("/")
        assert r.status == 303 and r.header("Location") == "/user/2fa"
        r = b.get("/user/2fa")
        assert r.status == 200 and "ต้องใช้การยืนยันตัวตนสองขั้นตอน" in r.text
    finally:
        assert s.stop() == 0
    # A second start keeps the data and says how to reset the password.
    s2 = Server(data_dir=s.data_dir, database_url=s.database_url)
    try:
        assert "reset-password" in s2.output()
        assert login(Browser(s2), "admin", "ผู้ดูแล-ใหม่-2569").status == 303
        # Operator reset: a one-time password, forced change again.
        out = s2.cli("admin", "reset-password", "--name", "admin").stdout
        temp = re.search(r"one-time password for admin: (\S+)", out).group(1)
        r = login(Browser(s2), "admin", temp)
        assert r.status == 303 and r.header("Location") == "/user/password"
    finally:
        assert s2.stop() == 0


def test_cli_commands_and_errors(tmp_path):
    d = str(tmp_path)
    db = engine_args(new_database_url())

    def run(*args, env=None):
        return subprocess.run([BIN, *args, "--data-dir", d, *db], capture_output=True, text=True, env=env)

    r = run("migrate")
    assert r.returncode == 0 and "applied accounts:1" in r.stdout
    r = run("migrate")
    assert "up to date" in r.stdout
    r = run("admin", "create-user", "--name", "Bad Name", "--email", "x@y.th", "--password", PASSWORD)
    assert r.returncode == 1 and "invalid user name" in r.stderr
    r = run("admin", "create-user", "--name", "ops", "--email", "ops@example.go.th", "--password", PASSWORD,
            "--sysadmin")
    assert r.returncode == 0 and "sysadmin" in r.stdout
    r = run("admin", "create-user", "--name", "ops", "--email", "o2@example.go.th", "--password", PASSWORD)
    assert r.returncode == 1 and "already taken" in r.stderr
    r = run("admin", "create-token", "nobody")
    assert r.returncode == 1 and "no such user" in r.stderr
    r = subprocess.run([BIN, "serve", "--database-url", "mysql://x", "--data-dir", d], capture_output=True, text=True)
    assert r.returncode == 1 and "unknown database URL" in r.stderr
    r = subprocess.run([BIN, "migrate", "--database-url", "postgresql://nobody:secret@127.0.0.1:1/none"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "cannot connect" in r.stderr and "secret" not in r.stderr
    # Environment variables configure too.
    env = {"GOVHUB_DATA_DIR": d, "PATH": "/usr/bin:/bin"}
    if db:
        env["GOVHUB_DATABASE_URL"] = db[1]
    r = subprocess.run([BIN, "admin", "create-token", "ops"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and len(r.stdout.strip()) == 43


def test_sigterm_lets_in_flight_requests_finish(smtp):
    s = Server(smtp_url=smtp.url)
    body = b'{"x": 1}'
    c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    c.sendall(b"POST /api/3/action/status_show HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body[:3])
    time.sleep(0.3)
    s.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    c.sendall(body[3:])
    data = read_until_close(c)
    assert status_of(data) == 200 and b'"success":true' in data
    assert s.proc.wait(timeout=20) == 0
    s.log.close()


def test_config_file_sections(tmp_path):
    cfg = tmp_path / "govhub.toml"
    cfg.write_text('data-dir = "%s"\n[serve]\nport = 0\n' % (tmp_path / "site"))
    r = subprocess.run([BIN, "--config", str(cfg), "migrate"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert str(tmp_path / "site") in r.stdout
