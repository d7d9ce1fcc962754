#!/usr/bin/python3
"""package_search latency over HTTP: each query N times with six facets; prints p50 and p95 (ms).
With a token (argv[3]) it also edits a dataset N times and times the search right after each
edit (the node applies the change to its snapshot first), and the first, cold search."""
import http.client
import json
import sys
import time
import urllib.parse

port, rounds = int(sys.argv[1]), int(sys.argv[2])
token = sys.argv[3] if len(sys.argv) > 3 else None
QUERIES = {"thai": ["ข้อมูล", "ประชากร", "กรุงเทพ", "งบประมาณ รายปี", "การท่องเที่ยว"],
           "english": ["statistics", "budget", "open data", "tourism", "labour"]}
FACETS = json.dumps(["organization", "groups", "tags", "res_format", "license_id", "data_type"])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
# One warm-up request builds the node's in-memory catalog snapshot; it is not measured.
t0 = time.perf_counter()
conn.request("GET", "/api/3/action/package_search?rows=0")
conn.getresponse().read()
cold_ms = (time.perf_counter() - t0) * 1000


def pct(times):
    times = sorted(times)
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]


for lang, queries in QUERIES.items():
    times = []
    counts = set()
    for _ in range(rounds):
        for q in queries:
            path = "/api/3/action/package_search?" + urllib.parse.urlencode({"q": q, "rows": 10, "facet.field": FACETS})
            t0 = time.perf_counter()
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status == 200, body[:200]
            counts.add(json.loads(body)["result"]["count"])
    p50, p95 = pct(times)
    print("%s %.1f %.1f %d" % (lang, p50, p95, max(counts)))
if token:
    writes, after = [], []
    path = "/api/3/action/package_search?" + urllib.parse.urlencode({"q": "ข้อมูล", "rows": 10, "facet.field": FACETS})
    for i in range(rounds * 5):
        body = json.dumps({"id": "bench-%d" % (i * 7919 % 1000), "title": "ข้อมูลแก้ไข รอบ %d" % i})
        t0 = time.perf_counter()
        conn.request("POST", "/api/3/action/package_patch", body,
                     {"Authorization": token, "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        assert r.status == 200
        t1 = time.perf_counter()
        conn.request("GET", path)
        r = conn.getresponse()
        r.read()
        assert r.status == 200
        writes.append((t1 - t0) * 1000)
        after.append((time.perf_counter() - t1) * 1000)
    print("change %.1f %.1f %.1f %.1f %.0f" % (pct(after) + pct(writes) + (cold_ms,)))
