#!/usr/bin/python3
"""Issuing certificates by bulk approval (bench/certificates.sh, issue 17).

  certificates.py N

Starts a DOPA stand-in, an SMTP sink and a fresh `govhub serve` (SQLite) on free loopback ports
(the integration harness), then:

1. setup: an agency, its author and a published one-lesson course, a reviewer scoped to the
   agency; one learner signs up, completes the course and requests its certificate through the
   pages, as a person would. The other N - 1 learners, their completions and their pending
   requests are copies of that one written straight into the database (N sign-ups would time
   argon2, not certificates);
2. measured: the reviewer approves all N through POST /api/requests/decide, 200 per call (each
   request its own step: the transaction that issues the certificate, signs its credential,
   audits and queues the mail); prints certificates per second and the server's peak RSS;
3. each issue queued its PDF's render (job learning.render_certificate): waits until every PDF
   is stored, prints the rate of issue and PDF together, and the render jobs' p50/p95 (from the
   job table's started/finished); then 50 stored PDFs downloaded: p50/p95.
Timings are printed, never asserted."""
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("GOVHUB_TEST_ENGINE", "sqlite")
from dopa_mock import DopaMock  # noqa: E402
from govhub_harness import Server, Smtp  # noqa: E402
from test_learning_certificates import World, decide, reference_of, request_on_page  # noqa: E402

RELAXED = ["--rate-limit-login", "10000", "--rate-limit-form", "10000", "--rate-limit-api", "100000",
           "--rate-limit-api-anonymous", "100000", "--staff-second-factor", "optional",
           "--identity-checks-per-ip-hour", "0"]


def columns(server, table):
    return [row[1] for row in server.query("PRAGMA table_info(%s)" % table)]


def clone(server, table, key_col, key, n, replace):
    """n - 1 copies of one row, with the columns in `replace` computed from i (2..n) in SQL."""
    cols = columns(server, table)
    exprs = [replace.get(c, '"%s"' % c) for c in cols]
    server.execute(
        "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < %d) "
        "INSERT INTO %s (%s) SELECT %s FROM %s, k WHERE %s.%s = '%s'"
        % (n, table, ", ".join('"%s"' % c for c in cols), ", ".join(exprs), table, table, key_col, key))


def iso_us(text):
    """Microseconds since the epoch of the job table's ISO times ("...T...Z", 6 decimals)."""
    import datetime
    return int(datetime.datetime.strptime(text.rstrip("Z")[:26], "%Y-%m-%dT%H:%M:%S.%f")
               .replace(tzinfo=datetime.timezone.utc).timestamp() * 1e6)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100.0 * (len(values) - 1))))] if values else 0.0


def peak_rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    dopa, smtp = DopaMock(), Smtp()
    server = Server(*RELAXED, "--identity-verifier", "dopa", "--dopa-endpoint", dopa.url, smtp_url=smtp.url)
    try:
        token = server.create_sysadmin("root-it")
        t0 = time.time()
        world = World(server, smtp, token)
        course, lesson = world.course()
        learner, _ = world.learner(course, lesson)
        ref = reference_of(request_on_page(learner, course))
        user_id, request_id = server.query("SELECT applicant_id, id FROM workflow_requests WHERE reference = '%s'"
                                           % ref)[0]
        course_id = server.query("SELECT id FROM learning_courses WHERE name = '%s'" % course)[0][0]
        uid = "printf('00000000-0000-4000-8000-%012d', i)"
        clone(server, "users", "id", user_id, n, {"id": uid, "name": "'bench-' || i",
                                                 "email": "'bench-' || i || '@example.go.th'"})
        clone(server, "learning_enrolments", "user_id", user_id, n, {"user_id": uid})
        # Certificates name the verified identity: each copy gets one (its own ID hash).
        clone(server, "verified_identities", "user_id", user_id, n,
              {"user_id": uid, "cid_hash": "'bench-cid-' || i"})
        clone(server, "workflow_requests", "id", request_id, n,
              {"id": "printf('00000000-0000-4000-9000-%012d', i)", "applicant_id": uid,
               "reference": "'LC-2569-' || printf('%06d', i)"})
        refs = [ref] + ["LC-2569-%06d" % i for i in range(2, n + 1)]
        print("setup: %d pending requests in %.1f s" % (n, time.time() - t0))

        t0 = time.time()
        issued = 0
        for i in range(0, n, 200):
            out = decide(world.reviewer, refs[i:i + 200], "approve")
            issued += out["decided"]
            if out["failed"]:
                print("refused:", [r for r in out["results"] if not r["ok"]][:3])
        took = time.time() - t0
        rate = issued / took if took else 0.0
        print("issued %d certificates by bulk approval in %.1f s: %.1f certificates/s (target >= 50)"
              % (issued, took, rate))
        stored = server.query("SELECT count(*), count(DISTINCT status_index), count(DISTINCT code) "
                              "FROM learning_certificates WHERE course_id = '%s' AND credential <> ''" % course_id)[0]
        print("stored: %s certificates, %s distinct status bits, %s distinct codes" % stored)
        print("server peak RSS: %.1f MiB" % peak_rss_mib(server.proc.pid))

        # Each issue queued its PDF's render (job learning.render_certificate): wait for the
        # workers to draw them all, then read each render's time from the job table.
        deadline = time.time() + 1800
        while True:
            done = int(server.query("SELECT count(*) FROM learning_certificates WHERE course_id = '%s' "
                                    "AND pdf_file <> ''" % course_id)[0][0])
            if done >= issued or time.time() > deadline:
                break
            time.sleep(1)
        drawn = time.time() - t0
        print("PDFs stored by the render job: %d of %d, %.1f s after the approvals began "
              "(issue and PDF together: %.1f certificates/s)" % (done, issued, drawn, done / drawn))
        times = []
        for started, finished in server.query(
                "SELECT started, finished FROM jobs WHERE kind = 'learning.render_certificate' "
                "AND state = 'succeeded'"):
            times.append((iso_us(finished) - iso_us(started)) / 1000)
        print("render job (read, draw, store) of %d PDFs: p50 %.1f ms, p95 %.1f ms"
              % (len(times), pct(times, 50), pct(times, 95)))
        print("server peak RSS after renders: %.1f MiB" % peak_rss_mib(server.proc.pid))
        codes = [row[0] for row in server.query(
            "SELECT code FROM learning_certificates WHERE course_id = '%s' ORDER BY issued_at LIMIT 50"
            % course_id)]
        again = []
        for code in codes[:50]:
            t = time.perf_counter()
            world.reviewer.get("/learning/certificates/%s.pdf" % code)
            again.append((time.perf_counter() - t) * 1000)
        print("stored PDF downloaded: p50 %.1f ms, p95 %.1f ms" % (pct(again, 50), pct(again, 95)))
    finally:
        server.stop()
        smtp.stop()
        dopa.stop()


if __name__ == "__main__":
    main()
