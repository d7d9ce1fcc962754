"""Background jobs through the HTTP API and pages: enqueue, progress, log, cancel, retry,
visibility, and e-mail retried through an SMTP outage."""
import json
import socket
import time

from accounts_helpers import create_token_via_page, login, register, registered_user, unique_name
from govhub_harness import Browser, Server, Smtp, free_port


def wait_job(b, job_id, token, states, timeout=20, lang="en"):
    """The job once in one of `states`, as /api/jobs shows it (its messages in `lang`)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = b.get("/api/jobs/%s?lang=%s" % (job_id, lang), headers={"Authorization": token})
        assert r.status == 200, r.text
        if r.json()["state"] in states:
            return r.json()
        time.sleep(0.1)
    raise AssertionError("job %s never reached %s: %s" % (job_id, states, r.text))


def enqueue(b, token, kind, payload=None):
    r = b.post_json("/api/jobs", {"kind": kind, "payload": payload or {}}, headers={"Authorization": token})
    assert r.status == 201, r.text
    return r.json()["id"]


def test_job_progress_result_log_and_pages(server, sysadmin):
    b = Browser(server)
    job_id = enqueue(b, sysadmin, "test.sleep", {"seconds": 1.5, "steps": 6})
    seen = wait_job(b, job_id, sysadmin, ["running"])
    assert seen["progress"]["total"] in (0, 6)
    done = wait_job(b, job_id, sysadmin, ["succeeded"])
    assert done["progress"] == {"done": 6, "total": 6, "message": "step 6"}
    assert done["result"] == {"steps": 6} and done["attempts"] == 1
    assert any(e["message"] == "succeeded" for e in done["log"])
    # Thai is the default language of the log too.
    thai = wait_job(b, job_id, sysadmin, ["succeeded"], lang="th")
    assert any(e["message"] == "สำเร็จ" for e in thai["log"])
    # The same through CKAN's actions.
    r = b.get("/api/3/action/job_show?id=" + job_id, headers={"Authorization": sysadmin})
    assert r.json()["result"]["state"] == "succeeded"
    r = b.get("/api/3/action/job_list?state=succeeded", headers={"Authorization": sysadmin})
    assert job_id in [j["id"] for j in r.json()["result"]]
    # Pages: the job's own page and the admin list, for a sysadmin session.
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    page = admin.get("/jobs/" + job_id)
    assert page.status == 200 and "สำเร็จ" in page.text and 'value="100"' in page.text
    assert 'http-equiv="refresh"' not in page.text  # finished jobs stop refreshing
    listing = admin.get("/admin/jobs?state=succeeded")
    assert listing.status == 200 and job_id in listing.text
    assert admin.get("/admin/jobs?lang=en").text.count("Background jobs") >= 1


def test_job_visibility_and_validation(server, smtp, sysadmin):
    user = Browser(server)
    name = registered_user(user, smtp, "jobuser")
    token = create_token_via_page(user, name)
    api = Browser(server)
    job_id = enqueue(api, sysadmin, "test.noop")
    # Ordinary users cannot enqueue, nor see other people's jobs.
    r = api.post_json("/api/jobs", {"kind": "test.noop"}, headers={"Authorization": token})
    assert r.status == 403
    assert api.get("/api/jobs/" + job_id, headers={"Authorization": token}).status == 404
    assert user.get("/jobs/" + job_id).status == 404
    assert user.get("/admin/jobs").status == 403
    assert Browser(server).get("/api/jobs").status == 401
    assert api.get("/api/jobs", headers={"Authorization": token}).json() == {"count": 0, "jobs": []}
    # Bad requests.
    r = api.post_json("/api/jobs", {"kind": "no.such.kind"}, headers={"Authorization": sysadmin})
    assert r.status == 409 and r.json()["error"]["fields"]["kind"]
    r = api.post_json("/api/jobs", {"kind": "test.noop", "payload": [1, 2]}, headers={"Authorization": sysadmin})
    assert r.status == 409
    r = api.request("POST", "/api/jobs", body=b"{oops", headers={"Authorization": sysadmin})
    assert r.status == 400
    assert api.get("/api/jobs/not-a-uuid", headers={"Authorization": sysadmin}).status == 404


def test_cancel_a_running_job_from_its_page(server, sysadmin):
    api = Browser(server)
    job_id = enqueue(api, sysadmin, "test.sleep", {"seconds": 30, "steps": 300})
    wait_job(api, job_id, sysadmin, ["running"])
    admin = Browser(server)
    assert login(admin, "root-it", "ผู้ดูแล-ทดสอบ-2569").status == 303
    page = admin.get("/jobs/" + job_id)
    assert 'http-equiv="refresh"' in page.text  # running jobs refresh themselves
    r = admin.post_form("/jobs/%s/cancel" % job_id, {}, csrf_page="/jobs/" + job_id)
    assert r.status == 303
    done = wait_job(api, job_id, sysadmin, ["cancelled"])
    assert any(e["message"] == "cancelled" for e in done["log"])
    # Cancelling again is a conflict; a sysadmin may run it again.
    r = api.post_json("/api/jobs/%s/cancel" % job_id, {}, headers={"Authorization": sysadmin})
    assert r.status == 409
    r = api.post_json("/api/jobs/%s/retry" % job_id, {}, headers={"Authorization": sysadmin})
    assert r.status == 200 and r.json()["state"] in ("queued", "running")
    r = api.post_json("/api/3/action/job_cancel", {"id": job_id}, headers={"Authorization": sysadmin})
    assert r.status == 200
    wait_job(api, job_id, sysadmin, ["cancelled"])


def test_failed_attempts_are_retried_with_backoff(server, sysadmin):
    api = Browser(server)
    job_id = enqueue(api, sysadmin, "test.fail", {"times": 2})
    done = wait_job(api, job_id, sysadmin, ["succeeded", "failed"], timeout=30)
    assert done["state"] == "succeeded" and done["attempts"] == 3
    retries = [e["message"] for e in done["log"] if "retrying in" in e["message"]]
    assert len(retries) == 2 and "retrying in 1 s" in retries[0] and "retrying in 2 s" in retries[1]
    thai = wait_job(api, job_id, sysadmin, ["succeeded"], lang="th")
    assert sum("จะลองใหม่ใน" in e["message"] for e in thai["log"]) == 2


def test_mail_waits_out_an_smtp_outage(tmp_path):
    port = free_port()  # nothing listens here yet
    s = Server("--job-poll-ms", "100", "--job-retry-base-seconds", "1", smtp_url="smtp://127.0.0.1:%d" % port)
    smtp = None
    try:
        s.cli("admin", "create-user", "--name", "ops", "--email", "ops@example.go.th", "--password",
              "ดูแล-ระบบ-2569", "--sysadmin")
        token = s.cli("admin", "create-token", "ops").stdout.strip()
        b = Browser(s)
        name = unique_name("outage")
        assert register(b, name).status == 201  # the user is not kept waiting by the outage
        api = Browser(s)
        deadline = time.time() + 15
        while time.time() < deadline:
            jobs = api.get("/api/jobs?kind=mail.send", headers={"Authorization": token}).json()["jobs"]
            if jobs and jobs[0]["attempts"] >= 1 and jobs[0]["state"] == "queued":
                break
            time.sleep(0.1)
        assert jobs[0]["error"] and "smtp" in jobs[0]["error"].lower()
        # The SMTP server comes back on the same port: the next attempt delivers.
        smtp = Smtp(port=port)
        msgs = smtp.wait_for(name + "@example.go.th", timeout=30)
        assert "verify?token=" in msgs[0].get_body(preferencelist=("plain",)).get_content()
    finally:
        if smtp:
            smtp.stop()
        assert s.stop() == 0
