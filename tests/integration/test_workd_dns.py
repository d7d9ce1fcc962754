"""workD domains over HTTP (issue 18, step 3): the DNS page and its JSON against a real DNS.

A dnsmasq (Debian dnsmasq-base) that this module starts on loopback serves the agencies' zones;
govhub asks it through --workd-dns-servers. Each own-domain request is approved, then the zone is
rewritten (dnsmasq restarted on the same port) with the records right or wrong, and "check now"
shows each record's status and reason on the page and in the JSON; all required records passing
verifies the domain, opens the hand-over and mails the agency. Also: the check-now rate limit,
the scheduled check (the job), the form's availability check and `govhub workd zone`.
"""
import datetime
import html
import json
import os
import re
import socket
import subprocess
import time
import uuid

import pytest

from accounts_helpers import create_token_via_page, registered_user
from conftest import FAST_JOBS, RELAXED
from dnslib import DNSRecord
from govhub_harness import Browser, Server, free_port
from test_officer_membership import upload, valid_citizen_id, write_sql

ZONE = "mail.go.th"
PASSWORD = "ผู้ดูแล-ทดสอบ-2569"  # conftest's sysadmin password (create_sysadmin)


class Dnsmasq:
    """dnsmasq on 127.0.0.1:<port> answering from its command line only; `serve` restarts it
    with new records on the same port."""

    def __init__(self):
        self.port = free_port()
        self.proc = None
        self.records = []
        self.log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                     "govhub-dnsmasq-%d.log" % self.port), "w")

    def serve(self, records):
        self.stop()
        self.records = list(records)
        ready = uuid.uuid4().hex
        args = ["/usr/sbin/dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=%d" % self.port,
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--pid-file=", "--local=/test/", "--local=/%s/" % ZONE,
                "--txt-record=ready.test," + ready,
                # The platform's own names (the SPF include, the client hosts' targets).
                "--txt-record=_spf.%s,v=spf1 ip4:192.0.2.0/24 -all" % ZONE,
                "--host-record=mx.%s,192.0.2.25" % ZONE,
                "--host-record=autoconfig.%s,192.0.2.80" % ZONE,
                "--host-record=autodiscover.%s,192.0.2.81" % ZONE,
                "--host-record=smtp.%s,192.0.2.26" % ZONE,
                "--host-record=imap.%s,192.0.2.27" % ZONE,
                "--host-record=mx.elsewhere.test,192.0.2.99",
                *self.records]
        if os.geteuid() == 0:
            args.append("--user=root")
        assert os.access(args[0], os.X_OK), "dnsmasq missing: install dnsmasq-base"
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=self.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.txt("ready.test") == [ready]:
                return
            time.sleep(0.05)
        raise AssertionError("dnsmasq did not start on port %d" % self.port)

    def txt(self, name):
        q = DNSRecord.question(name, "TXT")
        try:
            a = DNSRecord.parse(q.send("127.0.0.1", self.port, timeout=0.3))
        except (socket.timeout, OSError):
            return None
        return [b"".join(r.rdata.data).decode() for r in a.rr]

    def stop(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture(scope="module")
def dns():
    d = Dnsmasq()
    d.serve([])
    yield d
    d.stop()


@pytest.fixture(scope="module")
def site(dns, smtp):
    s = Server(*RELAXED, *FAST_JOBS, "--workd-dns-servers", "127.0.0.1:%d" % dns.port,
               "--workd-zone", ZONE, smtp_url=smtp.url)
    s.root = s.create_sysadmin("root-dns")
    yield s
    assert s.stop() == 0


def records_for(domain, setup, **wrong):
    """dnsmasq options publishing `setup`'s records for `domain` (the JSON's records), with the
    named ones replaced: token=, mx=, spf= (a list), dkim=, dmarc= (None leaves one out)."""
    by = {r["purpose"].split(".")[-1]: r for r in setup["records"]}
    out = []

    def txt(name, value):
        # dnsmasq splits its own arguments on commas: none of these values has one.
        out.append("--txt-record=%s,%s" % (name, value))

    if "ownership" in by:
        value = wrong.get("token", by["ownership"]["value"])
        if value is not None:
            txt(by["ownership"]["name"], value)
    mx = wrong.get("mx", "mx.%s,10" % ZONE)
    if mx is not None:
        out.append("--mx-host=%s,%s" % (domain, mx))
    for v in wrong.get("spf", [by["spf"]["value"]]):
        txt(domain, v)
    value = wrong.get("dkim", by["dkim"]["value"])
    if value is not None:
        txt(by["dkim"]["name"], value)
    value = wrong.get("dmarc", by["dmarc"]["value"])
    if value is not None:
        txt(by["dmarc"]["name"], value)
    if wrong.get("clients", True):
        out.append("--cname=autoconfig.%s,autoconfig.%s" % (domain, ZONE))
        out.append("--cname=autodiscover.%s,autodiscover.%s" % (domain, ZONE))
        out.append("--srv-host=_autodiscover._tcp.%s,autodiscover.%s,443,0,1" % (domain, ZONE))
        out.append("--srv-host=_submission._tcp.%s,smtp.%s,587,0,1" % (domain, ZONE))
        out.append("--srv-host=_imaps._tcp.%s,imap.%s,993,0,1" % (domain, ZONE))
    return out


# ---- an approved request ------------------------------------------------------------------------

def form(kind, name, email):
    """A complete request form for a new agency (its filer becomes its administrator)."""
    tomorrow = (datetime.datetime.utcnow() + datetime.timedelta(days=2)).date()
    return {
        "agency_choice": "new", "agency_name_th": "สำนักงานทดสอบ DNS " + name,
        "agency_name_en": "DNS Test Office " + name, "ministry": "other",
        "ministry_other_th": "องค์การมหาชน", "ministry_other_en": "Public organisations",
        "contact_name_th": "สมศรี ใจดี", "contact_name_en": "Somsri Jaidee",
        "contact_position": "นักวิชาการคอมพิวเตอร์", "contact_citizen_id": valid_citizen_id(),
        "office_phone": "02 612 6060", "contact_phone": "053-123-456", "mobile": "081-234-5678",
        "email": email, "backup_email": "backup@example.com",
        "address_number": "99/1", "address_road": "แจ้งวัฒนะ",
        "province": "กรุงเทพมหานคร", "amphoe": "หลักสี่", "tambon": "ทุ่งสองห้อง", "postcode": "",
        "domain_kind": kind, "subdomain": name if kind == "subdomain" else "",
        "own_domain": name if kind == "own" else "",
        "mail_accounts": "20", "conference_accounts": "2", "effective_date": tomorrow.isoformat(),
        "pdpa_consent": "yes", "terms_accepted": "yes",
    }


def file_and_approve(site, b, user, root_token, kind, name):
    """`user` (signed in on `b`) files a workd_service request for `name` for a new agency (of
    which they become the administrator), with its signed scan; a sysadmin approves it. Returns
    the reference and the contact e-mail. (Also the abuse suite's world.)"""
    token = create_token_via_page(b, user)
    email = "contact-%s@agency.go.th" % uuid.uuid4().hex[:8]
    r = Browser(site).post_json("/api/workd/requests", form(kind, name, email),
                                headers={"Authorization": token})
    assert r.status == 201, r.text
    ref = r.json()["reference"]
    r = upload(b, "/requests/%s/documents" % ref, {"_csrf": b.csrf_from("/requests/" + ref),
                                                   "kind": "signed_application"},
               "signed.pdf", b"%PDF-1.7\n% signed\n", "application/pdf")
    assert r.status == 303, r.text
    r = b.post_form("/requests/" + ref, {"transition": "submit"})
    assert r.status == 303, r.text
    r = Browser(site).post_json("/api/requests/decide",
                                {"requests": [ref], "transition": "approve", "note": "อนุมัติ"},
                                headers={"Authorization": root_token})
    assert r.status == 200 and r.json()["results"][0]["ok"], r.text
    return ref, email


def approved(site, smtp, kind, name):
    """An approved request for `name` by a new user: (reference, their signed-in browser, the
    contact e-mail)."""
    b = Browser(site)
    user = registered_user(b, smtp, "wddns")
    ref, email = file_and_approve(site, b, user, site.root, kind, name)
    return ref, b, email


def dns_json(b, ref):
    r = b.get("/api/workd/requests/%s/dns" % ref)
    assert r.status == 200, r.text
    return r.json()


def check_now(b, ref):
    r = b.post_json("/api/workd/requests/%s/dns/check" % ref, {},
                    headers={"X-CSRF-Token": b.csrf_from("/workd/requests/%s/dns" % ref)})
    return r


def allow_check_now(site, ref):
    """The last check a minute back (the rate limit is once a minute a domain)."""
    write_sql(site, "UPDATE workd_domains SET last_checked = '2020-01-01T00:00:00.000000Z' "
                    "WHERE request_id = (SELECT id FROM workflow_requests WHERE reference = '%s')" % ref)


def children(site, ref):
    """The request's child requests (the hand-over), as a sysadmin reads them."""
    r = Browser(site).get("/api/requests/" + ref, headers={"Authorization": site.root})
    assert r.status == 200, r.text
    return r.json()["children"]


def by_purpose(view):
    return {r["purpose"].split(".")[-1]: r for r in view["records"]}


# ---- tests ---------------------------------------------------------------------------------------

def test_own_domain_records_wrong_then_right_moves_the_request_on(site, dns, smtp):
    domain = "own-%s.test" % uuid.uuid4().hex[:8]
    ref, b, contact = approved(site, smtp, "own", domain)
    view = dns_json(b, ref)
    assert view["domain"]["name"] == domain
    assert view["domain"]["state"] == "awaiting_dns"
    recs = by_purpose(view)
    token = recs["ownership"]["value"]
    assert recs["ownership"]["name"] == "_workd-challenge." + domain
    assert re.fullmatch(r"token=[0-9a-f]{40}", token)
    assert recs["dkim"]["name"].startswith("workd25") and "p=MII" in recs["dkim"]["value"]
    assert recs["mx"]["value"] == "10 mx.%s." % ZONE
    assert "BEGIN" not in json.dumps(view)  # the private key never leaves the vault
    # The request page links its DNS page; no hand-over before the records pass.
    assert "/workd/requests/%s/dns" % ref in b.get("/requests/" + ref).text
    assert children(site, ref) == []
    # It says what comes next: the agency's DNS records, in both languages.
    assert "รอระเบียน DNS ของหน่วยงาน" in html.unescape(b.get("/requests/%s?lang=th" % ref).text)
    assert "waiting for your DNS records" in html.unescape(b.get("/requests/%s?lang=en" % ref).text)
    b.get("/requests/%s?lang=th" % ref)

    # Every required record wrong, each with its reason.
    other_key = recs["dkim"]["value"][:-12] + "AAAAAAAAAAAA"
    dns.serve(records_for(domain, view, token="token=0000", mx="mx.elsewhere.test,10",
                          spf=[recs["spf"]["value"], "v=spf1 mx -all"], dkim=other_key,
                          dmarc="v=DMARC1; p=sometimes", clients=False))
    allow_check_now(site, ref)
    r = check_now(b, ref)
    assert r.status == 200, r.text
    recs = by_purpose(r.json())
    assert (recs["ownership"]["status"], recs["ownership"]["reason"]) == ("wrong", "workd.dns.check.token_mismatch")
    assert recs["ownership"]["detail"] == "token=0000"
    assert (recs["mx"]["status"], recs["mx"]["reason"]) == ("wrong", "workd.dns.check.mx_wrong")
    assert recs["mx"]["detail"] == "10 mx.elsewhere.test."
    assert (recs["spf"]["status"], recs["spf"]["reason"]) == ("wrong", "workd.dns.spf.multiple")
    assert recs["dkim"]["status"] == "wrong" and recs["dkim"]["reason"] in (
        "workd.dns.dkim.mismatch", "workd.dns.dkim.bad_base64")
    assert (recs["dmarc"]["status"], recs["dmarc"]["reason"]) == ("wrong", "workd.dns.dmarc.bad_policy")
    assert recs["autoconfig"]["status"] == "missing" and recs["autoconfig"]["required"] is False
    assert r.json()["required_pass"] is False
    # The page says the same, in Thai and in English.
    page = html.unescape(b.get("/workd/requests/%s/dns" % ref).text)
    assert "ไม่ถูกต้อง" in page and "mx.elsewhere.test." in page
    # The values are text to select; the copy buttons are made by the page's script.
    assert 'id="dns-value-2" class="copyable">10 mx.mail.go.th.</code>' in page
    assert "class=\"button secondary small copy\"" not in page and "/static/js/workd_dns.js" in page
    assert 'id="dns-zone"' in page and "IN MX 10 mx.%s." % ZONE in page
    page = html.unescape(b.get("/workd/requests/%s/dns?lang=en" % ref).text)
    assert "The MX does not point at workD's server" in page and "Wrong" in page
    # The zone-file lines speak to the agency pasting them; long names break at their dots.
    assert "paste these lines into your agency's zone file" in page and "overwritten" not in page
    assert '<span class="dns-label">_workd-challenge.</span><wbr>' in page
    assert 'id="dns-summary"' not in page  # some records were found
    assert "ไฟล์โซนของหน่วยงาน" in html.unescape(b.get("/workd/requests/%s/dns?lang=th" % ref).text)

    # Check now again at once: 429 with Retry-After; the form lands back on the page with a notice.
    r = check_now(b, ref)
    assert r.status == 429, r.text
    assert 0 < int(r.header("Retry-After")) <= 60
    r = b.post_form("/workd/requests/%s/dns/check" % ref, {}, csrf_page="/workd/requests/%s/dns" % ref)
    assert r.status == 303 and r.header("Location").endswith("/dns?wait=1")
    assert "less than a minute ago" in html.unescape(b.get("/workd/requests/%s/dns?wait=1&lang=en" % ref).text)

    # DMARC p=none only warns; the rest right: verified, hand-over opened, the agency mailed.
    dns.serve(records_for(domain, view, dmarc="v=DMARC1; p=none"))
    allow_check_now(site, ref)
    r = b.post_form("/workd/requests/%s/dns/check" % ref, {}, csrf_page="/workd/requests/%s/dns" % ref)
    assert r.status == 303 and r.header("Location").endswith("/dns?checked=1"), r.text
    after = dns_json(b, ref)
    recs = by_purpose(after)
    assert recs["dmarc"]["status"] == "warning" and recs["dmarc"]["reason"] == "workd.dns.dmarc.policy_none"
    assert all(r["status"] == "ok" for k, r in recs.items() if k != "dmarc"), after
    assert after["required_pass"] is True
    assert after["domain"]["state"] == "verified" and after["domain"]["verified"]
    assert after["domain"]["next_check"] == ""
    mails = smtp.wait_for(contact)
    assert any(domain in str(m["Subject"]) for m in mails)
    # The hand-over is open (a job queued in the verification's transaction).
    deadline = time.time() + 10
    while time.time() < deadline and not children(site, ref):
        time.sleep(0.2)
    opened = children(site, ref)
    assert [(c["type"], c["state"]) for c in opened] == [("workd_handover", "open")], opened


def test_servfail_is_not_the_agencys_fault(site, dns, smtp):
    domain = "down-%s.test" % uuid.uuid4().hex[:8]
    ref, b, _ = approved(site, smtp, "own", domain)
    # dnsmasq forwards this zone to a server that is not there: SERVFAIL/refused for every name.
    dns.serve(["--server=/%s/127.0.0.1#1" % domain])
    allow_check_now(site, ref)
    r = check_now(b, ref)
    assert r.status == 200, r.text
    recs = r.json()["records"]
    assert recs[0]["reason"] in ("workd.dns.check.servfail", "workd.dns.check.timeout",
                                 "workd.dns.check.refused"), recs[0]
    for rec in recs:
        assert rec["status"] == "error", rec
        assert rec["agency_fault"] is False
    assert r.json()["domain"]["dns_outcome"] == "unanswered"
    assert r.json()["summary"]["key"] == "workd.domain.summary_unreachable"
    page = html.unescape(b.get("/workd/requests/%s/dns?lang=en" % ref).text)
    assert "Not the agency's fault" in page
    # Said once at the top in plain words.
    assert "could not be reached" in page and 'id="dns-summary"' in page


def test_a_domain_not_in_the_dns_is_said_so(site, dns, smtp):
    domain = "gone-%s.test" % uuid.uuid4().hex[:8]
    ref, b, _ = approved(site, smtp, "own", domain)
    assert dns_json(b, ref)["domain"]["dns_outcome"] == "" and dns_json(b, ref)["summary"] is None
    # Nothing at all for it: dnsmasq answers NXDOMAIN for the domain's own name.
    dns.serve([])
    allow_check_now(site, ref)
    r = check_now(b, ref)
    assert r.status == 200, r.text
    view = r.json()
    assert view["domain"]["dns_outcome"] == "nxdomain"
    assert view["summary"]["key"] == "workd.domain.summary_nxdomain"
    assert "NXDOMAIN" in view["summary"]["message"] and domain in view["summary"]["message"]
    assert all(rec["status"] == "missing" for rec in view["records"])
    page = html.unescape(b.get("/workd/requests/%s/dns?lang=en" % ref).text)
    assert 'id="dns-summary"' in page and "does not exist in the DNS (NXDOMAIN)" in page
    assert "NXDOMAIN" in html.unescape(b.get("/workd/requests/%s/dns?lang=th" % ref).text)
    # Registered (an address) but none of the records yet: it exists, and the page says the
    # records are what is missing, not the domain.
    dns.serve(["--host-record=%s,192.0.2.50" % domain])
    allow_check_now(site, ref)
    view = check_now(b, ref).json()
    assert view["domain"]["dns_outcome"] == "exists"
    assert view["summary"]["key"] == "workd.domain.summary_no_records"
    page = html.unescape(b.get("/workd/requests/%s/dns?lang=en" % ref).text)
    assert "exists in the DNS, but none of the records" in page and "NXDOMAIN" not in page


def test_the_job_checks_a_due_domain_by_itself(site, dns, smtp):
    domain = "job-%s.test" % uuid.uuid4().hex[:8]
    ref, b, contact = approved(site, smtp, "own", domain)
    view = dns_json(b, ref)
    dns.serve(records_for(domain, view))
    # Due now (as at approval), then the check job queued by a sysadmin rather than waiting for
    # its minute.
    write_sql(site, "UPDATE workd_domains SET next_check = '2020-01-01T00:00:00.000000Z' "
                    "WHERE name = '%s'" % domain)
    r = Browser(site).post_json("/api/jobs", {"kind": "workd.dns_check", "payload": {}},
                                headers={"Authorization": site.root})
    assert r.status in (200, 201, 202), r.text
    deadline = time.time() + 20
    while time.time() < deadline and dns_json(b, ref)["domain"]["state"] != "verified":
        time.sleep(0.2)
    assert dns_json(b, ref)["domain"]["state"] == "verified"
    smtp.wait_for(contact)


def test_who_sees_a_domain(site, smtp):
    ref, owner, _ = approved(site, smtp, "subdomain", "who-" + uuid.uuid4().hex[:6])
    assert owner.get("/workd/requests/%s/dns" % ref).status == 200
    assert Browser(site).get("/api/workd/requests/%s/dns" % ref).status == 401
    stranger = Browser(site)
    registered_user(stranger, smtp, "wdstranger")
    # Another administrator of the agency sees it; an editor of it does not.
    agency_id = dns_json(owner, ref) and owner.get("/api/workd/requests/" + ref).json()["agency_id"]
    colleague, editor = Browser(site), Browser(site)
    for b, role in ((colleague, "admin"), (editor, "editor")):
        name = registered_user(b, smtp, "wdcol")
        r = Browser(site).post_json("/api/3/action/organization_member_create",
                                    {"id": agency_id, "username": name, "role": role},
                                    headers={"Authorization": site.root})
        assert r.status == 200, r.text
    assert colleague.get("/workd/requests/%s/dns" % ref).status == 200
    assert colleague.get("/api/workd/requests/%s/dns" % ref).json()["reference"] == ref
    assert editor.get("/api/workd/requests/%s/dns" % ref).status == 404
    assert stranger.get("/api/workd/requests/%s/dns" % ref).status == 404
    assert stranger.get("/workd/requests/%s/dns" % ref).status == 404
    assert check_now(owner, "WD-0000-XXXXXX").status == 404


def test_subdomain_reserved_availability_and_the_zone(site, smtp, tmp_path):
    label = "dga" + uuid.uuid4().hex[:6]
    b = Browser(site)
    b.post_form("/user/login", {"login": "root-dns", "password": PASSWORD})

    def avail(kind, name):
        r = b.get("/api/workd/availability?kind=%s&name=%s" % (kind, name))
        assert r.status == 200, r.text
        return r.json()

    assert avail("subdomain", label) == {"kind": "subdomain", "available": True, "name": label + "." + ZONE}
    for typed, key in [("www", "workd.dns.label.reserved"), ("-x", "workd.dns.label.hyphen_edge"),
                       ("xn--abc", "workd.dns.label.punycode"), ("a" * 64, "workd.dns.label.too_long"),
                       ("a_b", "workd.dns.label.characters")]:
        got = avail("subdomain", typed)
        assert got["available"] is False and got["error"] == key, (typed, got)
        assert got["message"]
    assert avail("own", "x." + ZONE)["error"] == "workd.domain.in_zone"
    # The form's rules: a registry's zone is no agency's own domain.
    assert avail("own", "go.th")["error"] == "workd.domain.registry_zone"
    assert avail("own", "go.th")["message"]
    assert avail("own", "agency")["error"] == "workd.dns.domain.not_fqdn"
    assert avail("other", "x")["error"] == "workd.domain.bad_kind"
    assert avail("subdomain", "x" * 5000)["available"] is False
    assert Browser(site).get("/api/workd/availability?kind=subdomain&name=x").status == 401

    ref, owner, _ = approved(site, smtp, "subdomain", label)
    view = dns_json(owner, ref)
    assert view["domain"]["state"] == "reserved" and view["domain"]["kind"] == "subdomain"
    assert "ownership" not in by_purpose(view)
    assert avail("subdomain", label)["error"] == "workd.domain.taken"
    page = html.unescape(owner.get("/workd/requests/%s/dns" % ref).text)
    assert "ผู้ให้บริการเป็นผู้เผยแพร่" in page and "ระเบียนที่แพลตฟอร์มเผยแพร่" in page
    assert "Records to publish" not in html.unescape(owner.get("/workd/requests/%s/dns?lang=en" % ref).text)

    out = tmp_path / "workd.zone"
    r = site.cli("workd", "zone", "--out", str(out), "--workd-zone", ZONE)
    assert "to " + str(out) in r.stdout
    zone = out.read_text()
    fqdn = label + "." + ZONE
    assert "%s. 3600 IN MX 10 mx.%s." % (fqdn, ZONE) in zone
    assert '_dmarc.%s. 3600 IN TXT "v=DMARC1;' % fqdn in zone
    assert "%s._domainkey.%s. 3600 IN TXT" % (view["domain"]["dkim_selector"], fqdn) in zone
    assert "_workd-challenge" not in zone
    assert not (tmp_path / "workd.zone.tmp").exists()
