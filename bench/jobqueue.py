#!/usr/bin/python3
"""Job-queue throughput: N test.noop jobs inserted in bulk, then P govhub processes with W job
workers each drain the queue; prints jobs completed per second. Used by bench/postgres.sh."""
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../tests/integration"))
from govhub_harness import BIN, free_port, wait_for_port  # noqa: E402


def run(engine_url, data_dir, jobs, processes, workers):
    # Create the schema with the binary itself, then queue the jobs in one transaction.
    subprocess.run([BIN, "migrate", "--data-dir", data_dir, "--database-url", engine_url], check=True,
                   capture_output=True)
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(time.time() - 1))
    rows = [(str(uuid.uuid4()), now, now) for _ in range(jobs)]
    if engine_url.startswith("sqlite:"):
        db = sqlite3.connect(engine_url[7:])
        db.executemany("INSERT INTO jobs (id, kind, state, payload, run_after, created) VALUES (?, 'test.noop', 'queued', '{}', ?, ?)", rows)
        db.commit()
        db.close()
        count = lambda: sqlite3.connect(engine_url[7:]).execute("SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'").fetchone()[0]
    else:
        csv = "".join("%s,test.noop,queued,{},%s,%s\n" % r for r in rows)
        subprocess.run(["psql", engine_url, "-qc", "COPY jobs (id, kind, state, payload, run_after, created) FROM STDIN (FORMAT csv)"],
                       input=csv, text=True, check=True)
        count = lambda: int(subprocess.run(["psql", engine_url, "-Atc", "SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'"],
                                           capture_output=True, text=True).stdout.strip())
    procs = []
    t0 = time.time()
    for _ in range(processes):
        port = free_port()
        procs.append(subprocess.Popen([BIN, "serve", "--port", str(port), "--address", "127.0.0.1", "--data-dir", data_dir,
                                       "--database-url", engine_url, "--enable-test-jobs", "--no-access-log",
                                       "--job-workers", str(workers), "--job-poll-ms", "50"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    done = 0
    deadline = time.time() + 600
    while time.time() < deadline:
        done = count()
        if done >= jobs:
            break
        time.sleep(0.05)
    elapsed = time.time() - t0
    for p in procs:
        p.terminate()
        p.wait()
    return done, elapsed


if __name__ == "__main__":
    engine_url, jobs, processes, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    data_dir = tempfile.mkdtemp(prefix="govhub-jobbench-")
    done, elapsed = run(engine_url, data_dir, jobs, processes, workers)
    print("%d %.3f %.0f" % (done, elapsed, done / elapsed))
