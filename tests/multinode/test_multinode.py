"""Two govhub processes on one PostgreSQL and one shared data dir: any node serves any request."""
import os
import signal
import tempfile
import time

import pytest

from accounts_helpers import PASSWORD, login, register, verify_link, unique_name
from govhub_harness import Browser, Server, new_database_url

NODE_ARGS = ["--trust-proxy", "--enable-test-jobs", "--job-poll-ms", "100", "--job-heartbeat-seconds", "1",
             "--job-stale-seconds", "3", "--rate-limit-form", "1000", "--rate-limit-login", "1000"]


class Cluster:
    def __init__(self, smtp, *extra, nodes=2):
        self.database_url = new_database_url()
        self.data_dir = tempfile.mkdtemp(prefix="govhub-cluster-")
        self.smtp = smtp
        self.extra = extra
        self.nodes = [self.start() for _ in range(nodes)]

    def start(self):
        return Server(*NODE_ARGS, *self.extra, smtp_url=self.smtp.url, data_dir=self.data_dir,
                      database_url=self.database_url)

    def stop(self):
        for n in self.nodes:
            if n.alive():
                n.stop()


@pytest.fixture
def cluster(smtp):
    c = Cluster(smtp)
    yield c
    c.stop()


def sysadmin_token(node):
    node.cli("admin", "create-user", "--name", "root-mn", "--email", "root-mn@example.go.th", "--password", PASSWORD,
             "--sysadmin")
    return node.cli("admin", "create-token", "root-mn").stdout.strip()


def test_account_and_session_work_on_every_node(cluster, smtp):
    a, b = cluster.nodes
    name = unique_name("multi")
    assert register(Browser(a), name).status == 201
    link = verify_link(smtp, name + "@example.go.th")
    assert link and Browser(b).get(link).status == 200  # the link from A's mail works on B
    # Logged in through B.
    on_b = Browser(b)
    assert login(on_b, name).status == 303
    # A session made on A is honoured by B, CSRF token included.
    on_a = Browser(a)
    assert login(on_a, name).status == 303
    on_b.jar = dict(on_a.jar)
    r = on_b.get("/user/me")
    assert r.status == 303 and r.header("Location") == "/user/" + name
    csrf = Browser(a)
    csrf.jar = on_a.jar
    token_page = csrf.csrf_from("/user/" + name)
    r = on_b.request("POST", "/user/%s/api-tokens" % name,
                     body=("_csrf=%s&token_name=made-on-b" % token_page).encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200 and "made-on-b" in r.text
    # Logging out on B ends the session for A too.
    assert on_b.post_form("/user/logout", {}, csrf_page="/user/" + name).status == 303
    on_a_after = Browser(a)
    on_a_after.jar = {"govhub_session": on_a.jar["govhub_session"]}
    assert on_a_after.get("/user/me").status == 303
    assert on_a_after.get("/user/me").header("Location").startswith("/user/login")


def test_each_job_runs_exactly_once_across_nodes(cluster):
    a, b = cluster.nodes
    token = sysadmin_token(a)
    ids = []
    for i in range(40):
        node = a if i % 2 == 0 else b
        r = Browser(node).post_json("/api/jobs", {"kind": "test.record"}, headers={"Authorization": token})
        assert r.status == 201, r.text
        ids.append(r.json()["id"])
    deadline = time.time() + 30
    while time.time() < deadline:
        jobs = Browser(b).get("/api/jobs?kind=test.record&state=succeeded&limit=100",
                              headers={"Authorization": token}).json()
        if jobs["count"] == 40:
            break
        time.sleep(0.2)
    assert jobs["count"] == 40
    with open(os.path.join(cluster.data_dir, "test-jobs.log")) as f:
        lines = f.read().split("\n")[:-1]
    ran = [line.split()[0] for line in lines]
    assert sorted(ran) == sorted(ids)  # every job once, none twice
    processes = {line.split()[1] for line in lines}
    assert 1 <= len(processes) <= 2


def test_rate_limits_count_across_nodes(smtp):
    c = Cluster(smtp, "--rate-limit-api-anonymous", "6")
    try:
        a, b = c.nodes
        # Stay clear of a window boundary so all requests fall in one window.
        if time.time() % 60 > 50:
            time.sleep(61 - time.time() % 60)
        statuses = []
        for node in (a, b, a, b, a, b, a, b):
            statuses.append(Browser(node).get("/api/3/action/status_show").status)
        assert statuses == [200] * 6 + [429, 429]
        r = Browser(b).get("/api/3/action/status_show")
        assert r.header("X-RateLimit-Remaining") == "0" and r.header("Retry-After")
    finally:
        c.stop()


def test_a_dead_nodes_job_is_finished_by_another(smtp):
    c = Cluster(smtp, nodes=1)
    try:
        (a,) = c.nodes
        token = sysadmin_token(a)
        api = Browser(a)
        job_id = api.post_json("/api/jobs", {"kind": "test.sleep", "payload": {"seconds": 8, "steps": 80}},
                               headers={"Authorization": token}).json()["id"]
        deadline = time.time() + 10
        while time.time() < deadline:
            job = api.get("/api/jobs/" + job_id, headers={"Authorization": token}).json()
            if job["state"] == "running" and job["progress"]["done"] > 0:
                break
            time.sleep(0.1)
        assert job["state"] == "running"
        b = c.start()
        c.nodes.append(b)
        a.proc.send_signal(signal.SIGKILL)  # no goodbye, no heartbeat
        a.proc.wait()
        a.log.close()
        deadline = time.time() + 40
        while time.time() < deadline:
            job = Browser(b).get("/api/jobs/%s?lang=en" % job_id, headers={"Authorization": token}).json()
            if job["state"] in ("succeeded", "failed"):
                break
            time.sleep(0.2)
        assert job["state"] == "succeeded" and job["attempts"] == 2
        assert any("stopped responding; re-queued" in e["message"] for e in job["log"])
    finally:
        c.stop()


def test_search_on_each_node_follows_changes_made_on_the_other(cluster):
    """Each node keeps its own search snapshot; the catalog version in the database tells it
    what changed, whichever node made the change."""
    a, b = cluster.nodes
    token = sysadmin_token(a)
    api_a, api_b = Browser(a), Browser(b)

    def act(node_api, action, data):
        r = node_api.post_json("/api/3/action/" + action, data, headers={"Authorization": token})
        assert r.status == 200, r.text
        return r.json()["result"]

    def found(node_api, q):
        r = node_api.get("/api/3/action/package_search?q=" + q + "&rows=50")
        return sorted(d["name"] for d in r.json()["result"]["results"])

    org = act(api_a, "organization_create", {"name": "mn-search", "title": "กรมหลายโหนด"})
    base = {"owner_org": org["name"], "data_type": "ข้อมูลระเบียน", "maintainer": "กอง",
            "maintainer_email": "a@example.go.th", "objective": ["ยุทธศาสตร์ชาติ"], "update_frequency_unit": "ปี",
            "geo_coverage": "จังหวัด", "data_source": "ระบบ", "data_format": ["CSV"],
            "data_category": "ข้อมูลสาธารณะ", "license_id": "cc-by", "notes": "คำอธิบาย",
            "tags": [{"name": "ทดสอบ"}]}
    # Both nodes have built their snapshots before the changes.
    assert found(api_a, "zqmulti") == [] and found(api_b, "zqmulti") == []
    act(api_a, "package_create", dict(base, name="mn-one", title="ชุด zqmulti หนึ่ง"))
    act(api_b, "package_create", dict(base, name="mn-two", title="ชุด zqmulti สอง"))
    assert found(api_a, "zqmulti") == ["mn-one", "mn-two"] == found(api_b, "zqmulti")
    act(api_b, "package_patch", {"id": "mn-one", "title": "ชุด zqother"})
    assert found(api_a, "zqmulti") == ["mn-two"] and found(api_a, "zqother") == ["mn-one"]
    act(api_a, "package_delete", {"id": "mn-two"})
    act(api_a, "dataset_purge", {"id": "mn-one"})
    assert found(api_b, "zqmulti") == [] and found(api_b, "zqother") == []
