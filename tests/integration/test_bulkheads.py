"""Expensive work runs on bulkheads (issue 12): eight of the finding-3 queries at once, from
eight clients, on a server with only two general workers, do not keep status_show,
package_search or pages from answering; past the SQL pool's capacity they get 503, a client's
second one 429, both with Retry-After. Ordering, not timing: the ordinary calls finish while
the admitted heavy ones are still running. A made-up token counts as its address, a real one as
a client of its own once it has been accepted (the fair sharing by time is unit-tested in
src/http/bulkhead_test.cpp)."""
import threading
import time

import pytest

from govhub_harness import Browser, Server

# Quadratic in one SQLite VM step (PostgreSQL has no instr(): it answers at once there, so the
# ordering part of the test is SQLite's; the admission part holds on both engines).
HEAVY_SQLITE = "SELECT instr(printf('%.*c',8000000,'a'), printf('%.*c',4000000,'a')||'b')"
HEAVY_PG = "SELECT pg_sleep(10)"


@pytest.fixture(scope="module")
def busy_server(smtp):
    s = Server("--trust-proxy", "--workers", "2", "--datastore-sql-timeout-ms", "3000",
               "--bulkhead-workers", "2", "--bulkhead-queue", "2", smtp_url=smtp.url)
    yield s
    assert s.stop() == 0


def heavy_statement():
    import os
    return HEAVY_PG if os.environ.get("GOVHUB_TEST_ENGINE", "sqlite") == "postgres" else HEAVY_SQLITE


def run_heavy(server, ip, results, key):
    r = Browser(server).post_json("/api/3/action/datastore_search_sql", {"sql": heavy_statement()},
                                  headers={"X-Forwarded-For": ip})
    results[key] = (r, time.monotonic())


def test_heavy_queries_do_not_starve_cheap_requests(busy_server):
    s = busy_server
    results = {}
    threads = [threading.Thread(target=run_heavy, args=(s, "10.12.0.%d" % i, results, i)) for i in range(8)]
    for t in threads:
        t.start()
    # Capacity is 2 running + 2 queued: four of the eight are refused at once, which also tells
    # that the other four were admitted and are running.
    while sum(1 for r, _ in list(results.values()) if r.status == 503) < 4:
        assert any(t.is_alive() for t in threads), {k: r.status for k, (r, _) in results.items()}
        time.sleep(0.02)
    api = Browser(s)
    for _ in range(3):
        for path in ("/api/3/action/status_show", "/api/3/action/package_search?q=x", "/", "/dataset/"):
            r = api.get(path)
            assert r.status == 200, (path, r.status, r.text[:200])
    ordinary_done = time.monotonic()
    for t in threads:
        t.join()
    statuses = sorted(r.status for r, _ in results.values())
    assert statuses == [409] * 4 + [503] * 4, statuses
    for r, _ in results.values():
        if r.status == 503:
            assert r.header("Retry-After") and int(r.header("Retry-After")) > 0
            assert r.json()["success"] is False
        else:
            assert "longer than" in " ".join(r.json()["error"]["query"]), r.text[:300]
    first_heavy_done = min(done for r, done in results.values() if r.status == 409)
    assert ordinary_done < first_heavy_done, "an ordinary call waited behind the heavy ones"


def test_one_heavy_request_at_a_time_per_client(busy_server):
    s = busy_server
    results = {}
    first = threading.Thread(target=run_heavy, args=(s, "10.13.0.1", results, "a"))
    first.start()
    # Whichever arrives second, one of the two overlapping calls is refused with 429.
    time.sleep(0.3)
    run_heavy(s, "10.13.0.1", results, "b")
    first.join()
    by_status = {r.status: r for r, _ in results.values()}
    assert sorted(by_status) == [409, 429], sorted(by_status)
    busy = by_status[429]
    assert int(busy.header("Retry-After")) > 0
    assert busy.json()["error"]["__type"] == "Rate Limit Error"
    # Another client is not affected, and the first one may ask again once done.
    results.clear()
    run_heavy(s, "10.13.0.2", results, "c")
    assert results["c"][0].status == 409
    r = Browser(s).post_json("/api/3/action/datastore_search_sql", {"sql": "SELECT 1 AS one"},
                             headers={"X-Forwarded-For": "10.13.0.1"})
    assert r.status == 200 and r.json()["result"]["records"] == [{"one": 1}], r.text[:300]


@pytest.fixture(scope="module")
def dump_resource(busy_server):
    """A 150,000-row datastore table on `busy_server`: its dump is long enough that a client that
    stops reading holds the dump pool's slot until it closes the connection."""
    import json
    from test_catalog_api import call, ok, record_dataset
    from test_datastore import wait_for_load
    from test_resource_upload import upload
    s = busy_server
    token = s.create_sysadmin("dumproot")
    api = Browser(s)
    ok(call(api, "organization_create", {"name": "dump-org", "title": "กรมทดสอบ"}, token))
    d = ok(call(api, "package_create", record_dataset("dump-org", "dump-set"), token))
    body = ("ลำดับ,ข้อความ\n" + "".join("%d,%s\n" % (i, "ข" * 20) for i in range(150000))).encode()
    status, raw = upload(s, token, {"package_id": d["id"]}, "big.csv", [body], len(body))
    assert status == 200, raw[:300]
    rid = json.loads(raw)["result"]["id"]
    wait_for_load(api, rid, token, timeout=120)
    return rid


def stalled_dump(server, rid, ip, token=None):
    """A dump whose client stops reading after the head: it holds its slot until closed."""
    import socket
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", server.port))
    auth = "Authorization: %s\r\n" % token if token else ""
    sock.sendall(("GET /datastore/dump/%s HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: %s\r\n%s\r\n"
                  % (rid, ip, auth)).encode())
    head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    return sock


def test_dumps_hold_their_own_pool_not_the_general_workers(busy_server, dump_resource):
    """Two dumps whose clients stop reading hold the dump pool's slots (their streams wait on
    the network, not on a general worker); a third from the same client is refused 429, and
    cheap requests still answer on the server's two general workers."""
    s, rid = busy_server, dump_resource
    api = Browser(s)
    held = [stalled_dump(s, rid, "10.14.0.1"), stalled_dump(s, rid, "10.14.0.2")]
    try:
        again = api.get("/datastore/dump/%s" % rid, headers={"X-Forwarded-For": "10.14.0.1"})
        assert again.status == 429, again.status
        assert int(again.header("Retry-After")) > 0
        for path in ("/api/3/action/status_show", "/api/3/action/package_search?q=x", "/dataset/"):
            assert api.get(path).status == 200, path
    finally:
        for sock in held:
            sock.close()


def test_a_token_is_a_client_of_its_own_only_once_accepted(busy_server, dump_resource):
    """A made-up token is not a new client: the bulkhead counts it as its address until a
    request with it has been authenticated. So one address sending a fresh random token each
    time still has one place (429 while it holds it), and a real token is its own client after
    one successful call. The place is held by a stalled dump, released only when the test
    closes it: statuses and order, no timing."""
    s, rid = busy_server, dump_resource
    api = Browser(s)
    dump = "/datastore/dump/%s" % rid

    held = stalled_dump(s, rid, "10.16.0.1")
    try:
        for made_up in ("Bearer made-up-one", "Bearer made-up-two"):
            r = api.get(dump, headers={"X-Forwarded-For": "10.16.0.1", "Authorization": made_up})
            assert r.status == 429, (made_up, r.status, r.text[:200])
            assert int(r.header("Retry-After")) > 0
    finally:
        held.close()
    # Once the server has seen the close and freed the address's place, a made-up token is
    # admitted like its address and refused 401 by the authentication.
    for attempt in range(200):
        r = api.get(dump, headers={"X-Forwarded-For": "10.16.0.1",
                                   "Authorization": "Bearer made-up-%d" % attempt})
        if r.status != 429:
            break
        time.sleep(0.05)
    assert r.status == 401, r.status

    token = s.create_sysadmin("fairroot")
    held = stalled_dump(s, rid, "10.16.0.2")
    try:
        # Never used yet: the real token counts as its address too.
        r = api.get(dump, headers={"X-Forwarded-For": "10.16.0.2", "Authorization": token})
        assert r.status == 429, (r.status, r.text[:200])
        # One successful call (any route) ...
        r = api.post_json("/api/3/action/datastore_search_sql", {"sql": "SELECT 1 AS one"},
                          headers={"X-Forwarded-For": "10.16.0.2", "Authorization": token})
        assert r.status == 200, r.text[:300]
        # ... and it is a client of its own: admitted beside its address's held dump.
        mine = stalled_dump(s, rid, "10.16.0.2", token=token)
        mine.close()
        # The address itself still has its one place, held.
        r = api.get(dump, headers={"X-Forwarded-For": "10.16.0.2"})
        assert r.status == 429, r.status
    finally:
        held.close()
