"""docs/deploy/nginx-govhub.conf, started for real: TLS in front of two govhub nodes."""
import http.client
import os
import re
import ssl
import subprocess
import tempfile
import time
import urllib.parse

from accounts_helpers import PASSWORD
from govhub_harness import free_port, wait_for_port
from test_multinode import Cluster

ROOT = os.path.join(os.path.dirname(__file__), "../..")
NGINX = "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "nginx"


def https(port, method, path, body=None, headers=None):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=20)
    h = {"Host": "data.example.go.th"}
    h.update(headers or {})
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, r.getheaders(), data


def test_nginx_example_config_serves_both_nodes_over_tls(smtp):
    work = tempfile.mkdtemp(prefix="govhub-nginx-")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=data.example.go.th", "-keyout", work + "/privkey.pem", "-out", work + "/fullchain.pem"],
                   check=True, capture_output=True)
    tls_port, http_port = free_port(), free_port()
    c = Cluster(smtp)
    a, b = c.nodes
    site = open(os.path.join(ROOT, "docs/deploy/nginx-govhub.conf")).read()
    site = site.replace("127.0.0.1:8081", "127.0.0.1:%d" % a.port).replace("127.0.0.1:8082", "127.0.0.1:%d" % b.port)
    site = site.replace("/etc/ssl/govhub/", work + "/")
    site = re.sub(r"listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % tls_port, site)
    site = re.sub(r"listen 80;", "listen 127.0.0.1:%d;" % http_port, site)
    with open(work + "/site.conf", "w") as f:
        f.write(site)
    with open(work + "/nginx.conf", "w") as f:
        f.write("""worker_processes 1;
pid %(w)s/nginx.pid;
error_log %(w)s/error.log;
events { worker_connections 256; }
http {
  access_log %(w)s/access.log;
  client_body_temp_path %(w)s/tmp; proxy_temp_path %(w)s/tmp; fastcgi_temp_path %(w)s/tmp;
  uwsgi_temp_path %(w)s/tmp; scgi_temp_path %(w)s/tmp;
  include %(w)s/site.conf;
}
""" % {"w": work})
    os.makedirs(work + "/tmp", exist_ok=True)
    os.chmod(work, 0o755)
    subprocess.run([NGINX, "-c", work + "/nginx.conf", "-p", work], check=True)
    try:
        wait_for_port(tls_port)
        # Plain HTTP is sent to HTTPS.
        conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        conn.request("GET", "/user/login", headers={"Host": "data.example.go.th"})
        r = conn.getresponse()
        assert r.status == 301 and r.getheader("Location") == "https://data.example.go.th/user/login"
        # Traffic reaches both nodes.
        for _ in range(20):
            status, headers, body = https(tls_port, "GET", "/api/3/action/status_show")
            assert status == 200 and b'"success":true' in body
        time.sleep(0.3)
        assert '"path":"/api/3/action/status_show"' in a.output()
        assert '"path":"/api/3/action/status_show"' in b.output()
        # Behind the proxy, govhub sees TLS: session cookies are Secure, and the client's address
        # (not nginx's) is what the access log records.
        a.cli("admin", "create-user", "--name", "tls-user", "--email", "tls@example.go.th", "--password", PASSWORD)
        status, headers, body = https(tls_port, "GET", "/user/login")
        cookie = [v for k, v in headers if k.lower() == "set-cookie" and v.startswith("govhub_csrf=")][0]
        assert "; Secure" in cookie
        csrf = re.search(rb'name="_csrf" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode({"_csrf": csrf, "login": "tls-user", "password": PASSWORD})
        status, headers, body = https(tls_port, "POST", "/user/login", body=form.encode(),
                                      headers={"Content-Type": "application/x-www-form-urlencoded",
                                               "Cookie": cookie.split(";")[0]})
        assert status == 303
        session = [v for k, v in headers if k.lower() == "set-cookie" and v.startswith("govhub_session=")][0]
        assert "; Secure" in session and "HttpOnly" in session
        assert any(h.lower() == "strict-transport-security" for h, _ in headers)
    finally:
        subprocess.run([NGINX, "-c", work + "/nginx.conf", "-p", work, "-s", "stop"], capture_output=True)
        c.stop()
