"""A crash leaves a last log line that names what was being served (docs/deploy.md runs govhub
under systemd, which restarts it); a restart finds the site as it was."""
import json
import signal
import socket
import time

from govhub_harness import Browser, Server
from test_jobs import enqueue


def crash_lines(output):
    lines = []
    for line in output.splitlines():
        if '"event":"crash"' in line:
            lines.append(json.loads(line))
    return lines


def wait_exit(server, timeout=20):
    deadline = time.time() + timeout
    while server.alive() and time.time() < deadline:
        time.sleep(0.05)
    assert not server.alive(), "govhub survived the crash hook"
    return server.proc.returncode


def test_a_request_that_overflows_the_stack_is_named_in_the_log_and_a_restart_serves_again():
    s = Server("--enable-test-jobs")
    try:
        b = Browser(s)
        s.create_sysadmin("crash-admin")
        assert b.get("/healthz").status == 200
        try:
            b.get("/__test/crash?who=%E0%B8%97%E0%B8%94%E0%B8%AA%E0%B8%AD%E0%B8%9A&x=" + "a" * 2000,
                  headers={"X-Request-Id": "crash-probe-1"})
        except (ConnectionError, socket.error, OSError, Exception):  # the process died mid-request
            pass
        assert wait_exit(s) == -signal.SIGSEGV
        lines = crash_lines(s.output())
        assert len(lines) == 1, s.output()[-3000:]
        line = lines[0]
        assert line["level"] == "fatal" and line["signal"] == "SIGSEGV"
        assert line["doing"] == "request"
        # The request line, cut to a bounded length on a character boundary.
        assert line["what"].startswith("GET /__test/crash?who=%E0%B8%97"), line
        assert line["what"].endswith("…") and len(line["what"]) < 400
        assert line["id"] == "crash-probe-1", line
    finally:
        s.stop()
    # The same data dir and database: the account made before the crash is still there.
    again = Server(data_dir=s.data_dir, database_url=s.database_url)
    try:
        assert Browser(again).get("/healthz").status == 200
        assert again.query("SELECT name FROM users WHERE name = 'crash-admin'") == [("crash-admin",)]
    finally:
        assert again.stop() == 0


def test_a_job_that_crashes_the_process_is_named_in_the_log():
    s = Server("--enable-test-jobs", "--job-poll-ms", "100")
    try:
        token = s.create_sysadmin("crash-admin")
        job_id = enqueue(Browser(s), token, "test.crash")
        assert wait_exit(s) == -signal.SIGSEGV
        lines = crash_lines(s.output())
        assert [(l["doing"], l["id"], l["what"]) for l in lines] == [("job", job_id, "test.crash")]
    finally:
        s.stop()
