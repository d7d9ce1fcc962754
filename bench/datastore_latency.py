#!/usr/bin/python3
"""datastore_search p50/p95 over HTTP on the loaded table: a filter, a Thai q and a sort."""
import http.client
import json
import sys
import time
import urllib.parse

port, rid, rounds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
QUERIES = {
    "filter": {"filters": json.dumps({"จังหวัด": "เชียงใหม่", "แล้วเสร็จ": True}), "limit": 100},
    "thai_q": {"q": "ระบบประปา ชุมชน", "limit": 100},
    "sort": {"sort": "งบประมาณ (บาท) desc", "limit": 100},
}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
for name, params in QUERIES.items():
    times, total = [], None
    for i in range(rounds + 1):
        q = dict(params, resource_id=rid)
        t0 = time.perf_counter()
        conn.request("GET", "/api/3/action/datastore_search?" + urllib.parse.urlencode(q))
        r = conn.getresponse()
        body = r.read()
        elapsed = (time.perf_counter() - t0) * 1000
        assert r.status == 200, body[:300]
        total = json.loads(body)["result"].get("total")
        if i:  # the first call warms the caches
            times.append(elapsed)
    times.sort()
    print("%s %.1f %.1f %s" % (name, times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))], total))
