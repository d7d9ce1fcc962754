"""Many API clients at once on a server with several I/O, handler and job threads: every call is
counted in its token's usage, the rate limit's refusals among them (no count lost between
threads), jobs enqueued meanwhile all finish, and the server stops cleanly. `make tsan` runs this
against the ThreadSanitizer build, where it is what drives the usage recorder from many threads."""
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor

from govhub_harness import Browser, Server

CLIENTS = 4          # tokens, each used from two client threads
CALLS = 60           # per client thread
LIMIT = 40           # API calls a minute per token: many of the 120 a token makes are refused
JOBS = 12
PATHS = ["/api/3/action/package_search?q=x", "/api/3/action/status_show",
         "/api/3/action/package_list", "/api/3/action/organization_list"]


def sha256(token):
    return hashlib.sha256(token.encode()).hexdigest()


def action_of(path):
    return path.split("/api/3/action/", 1)[1].split("?", 1)[0]


def test_concurrent_api_calls_are_all_counted_while_jobs_run():
    s = Server("--io-threads", "3", "--workers", "6", "--job-workers", "3", "--enable-test-jobs",
               "--job-poll-ms", "100", "--rate-limit-api", str(LIMIT))
    stopped = False
    try:
        s.cli("admin", "create-user", "--name", "hammer", "--email", "hammer@example.go.th",
              "--password", "นักพัฒนา-ทดสอบ-2569", "--sysadmin")
        tokens = [s.cli("admin", "create-token", "hammer").stdout.strip() for _ in range(CLIENTS + 1)]
        jobs_token, tokens = tokens[0], tokens[1:]

        def hammer(n):
            api = Browser(s)
            token = tokens[n % CLIENTS]
            seen = []
            for i in range(CALLS):
                path = PATHS[(n + i) % len(PATHS)]
                r = api.get(path, headers={"Authorization": token})
                assert r.status in (200, 429), (path, r.status, r.text)
                seen.append((token, action_of(path), r.status))
            return seen

        def enqueue(i):
            r = Browser(s).post_json("/api/jobs", {"kind": "test.sleep" if i % 3 == 0 else "test.noop",
                                                   "payload": {"seconds": 0.3, "steps": 3}},
                                     headers={"Authorization": jobs_token})
            assert r.status == 201, r.text
            return r.json()["id"]

        with ThreadPoolExecutor(max_workers=2 * CLIENTS + 2) as pool:
            job_ids = pool.map(enqueue, range(JOBS))
            calls = [c for seen in pool.map(hammer, range(2 * CLIENTS)) for c in seen]
            job_ids = list(job_ids)
        assert any(status == 429 for _, _, status in calls), "the limit never refused a call"

        # The jobs finish on the runner's threads (polled in the database, not through the API,
        # whose calls would count too).
        deadline = time.time() + 120
        ids = ",".join("'%s'" % j for j in job_ids)
        while time.time() < deadline:
            states = [r[0] for r in s.query("SELECT state FROM jobs WHERE id IN (%s)" % ids)]
            if len(states) == JOBS and all(st == "succeeded" for st in states):
                break
            time.sleep(0.2)
        assert sorted(states) == ["succeeded"] * JOBS, states

        # Stopping writes what the recorder still holds.
        stopped = True
        assert s.stop() == 0
        stored = {(token_hash, action): (int(requests), int(limited))
                  for token_hash, action, requests, limited in s.query(
                      "SELECT t.token_hash, u.action, sum(u.requests), sum(u.limited)"
                      " FROM api_token_usage u JOIN api_tokens t ON t.id = u.token_id"
                      " GROUP BY t.token_hash, u.action")}
        expected = {(sha256(jobs_token), "/api/jobs"): (JOBS, 0)}
        for token, action, status in calls:
            key = (sha256(token), action)
            requests, limited = expected.get(key, (0, 0))
            expected[key] = (requests + 1, limited + (status == 429))
        assert stored == expected
    finally:
        if not stopped:
            s.stop()
