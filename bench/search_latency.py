#!/usr/bin/python3
"""package_search latency over HTTP: each query N times with six facets; prints p50 and p95 (ms)."""
import http.client
import json
import sys
import time
import urllib.parse

port, rounds = int(sys.argv[1]), int(sys.argv[2])
QUERIES = {"thai": ["ข้อมูล", "ประชากร", "กรุงเทพ", "งบประมาณ รายปี", "การท่องเที่ยว"],
           "english": ["statistics", "budget", "open data", "tourism", "labour"]}
FACETS = json.dumps(["organization", "groups", "tags", "res_format", "license_id", "data_type"])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
# One warm-up request builds the node's in-memory catalog snapshot; it is not measured.
conn.request("GET", "/api/3/action/package_search?rows=0")
conn.getresponse().read()
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
    times.sort()
    p50 = times[len(times) // 2]
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print("%s %.1f %.1f %d" % (lang, p50, p95, max(counts)))
