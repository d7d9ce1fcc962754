"""The developer landing page: a confirmed account gets its API token at once, and the
quick-start examples on the page run as shown (curl, Python, Node.js) against this site."""
import html
import os
import re
import subprocess
import tempfile
import uuid

from accounts_helpers import registered_user
from accounts_helpers import login
from govhub_harness import Browser, Server
from test_catalog_api import call, ok, record_dataset


def snippet(page, lang):
    m = re.search(r'<code id="quickstart-%s">(.*?)</code>' % lang, page, re.S)
    assert m, lang
    return html.unescape(m.group(1))


def test_a_developer_gets_a_token_at_once_and_the_examples_run(server, smtp, sysadmin):
    api = Browser(server)
    org = "dev-org-" + uuid.uuid4().hex[:6]
    ok(call(api, "organization_create", {"name": org, "title": "กรมทดสอบนักพัฒนา"}, sysadmin))
    dataset = "dev-pop-" + uuid.uuid4().hex[:6]
    ok(call(api, "package_create", record_dataset(org, dataset), sysadmin))

    visitor = Browser(server).get("/developer")
    assert visitor.status == 200 and 'href="/user/register"' in visitor.text
    assert "YOUR-API-TOKEN" in visitor.text

    dev = Browser(server)
    name = registered_user(dev, smtp, "developer")
    r = dev.post_form("/developer/token", {}, csrf_page="/developer")
    assert r.status == 200
    token = re.search(r'<code class="token" id="new-token">([^<]+)</code>', r.text).group(1)
    assert len(token) >= 40
    assert Browser(server).get("/api/3/action/user_show?id=" + name, headers={"Authorization": token}).status == 200

    # The examples carry this site's address and the new token, and run as they stand.
    page = r.text
    curl = snippet(page, "curl")
    assert token in curl and server.url in curl
    out = subprocess.run(["bash", "-c", curl], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and dataset in out.stdout, out.stdout[:300]
    py = subprocess.run(["/usr/bin/python3", "-c", snippet(page, "python")], capture_output=True, text=True,
                        timeout=30)
    assert py.returncode == 0 and dataset in py.stdout, (py.stdout, py.stderr)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "quickstart.mjs")
        with open(path, "w") as f:
            f.write(snippet(page, "javascript"))
        js = subprocess.run(["node", path], capture_output=True, text=True, timeout=30)
    assert js.returncode == 0 and dataset in js.stdout, (js.stdout, js.stderr)

    # A token needs an account and the form's CSRF token.
    assert Browser(server).post_form("/developer/token", {}, csrf=False).status in (303, 403)
    assert dev.post_form("/developer/token", {}, csrf=False).status == 403


def test_the_usage_page_counts_calls_and_refusals(smtp):
    s = Server("--rate-limit-api", "5", smtp_url=smtp.url)
    try:
        s.cli("admin", "create-user", "--name", "usage-dev", "--email", "usage-dev@example.go.th",
              "--password", "นักพัฒนา-ทดสอบ-2569")
        token = s.cli("admin", "create-token", "usage-dev").stdout.strip()
        api = Browser(s)
        statuses = [api.get("/api/3/action/package_search?q=x", headers={"Authorization": token}).status
                    for _ in range(7)]
        statuses.append(api.get("/api/3/action/status_show", headers={"Authorization": token}).status)
        assert statuses.count(429) >= 3, statuses  # the limit is 5 a minute
        page_user = Browser(s)
        assert login(page_user, "usage-dev", "นักพัฒนา-ทดสอบ-2569").status == 303
        profile = page_user.get("/user/usage-dev")
        link = re.search(r'href="(/user/usage-dev/api-tokens/[^"/]+/usage)"', profile.text).group(1)
        page = page_user.get(link)
        assert page.status == 200
        rows = {m.group(1): (int(m.group(2)), int(re.sub(r"<[^>]+>", "", m.group(3))))
                for m in re.finditer(r'<td class="mono">([^<]+)</td><td>(\d+)</td><td>(.*?)</td>', page.text)}
        assert rows["package_search"] == (7, statuses[:7].count(429)), rows
        assert rows["status_show"][0] == 1, rows
        # Someone else's token usage is not shown to others.
        other = Browser(s)
        registered_user(other, smtp, "nosy")
        assert other.get(link).status in (403, 404)
        assert Browser(s).get(link).status == 303
    finally:
        assert s.stop() == 0
