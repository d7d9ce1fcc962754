#!/usr/bin/python3
"""Writes the seed corpus of fuzz/targets/workd_dns_answer.cpp: one file per reply, its first
byte the question type (0 A, 1 AAAA, 2 CNAME, 3 MX, 4 SRV, 5 TXT; + 6*k sets the record limit
to k+1), the rest the raw DNS reply.

  tests/dns/make_fuzz_corpus.py fuzz/corpus/workd_dns_answer [--server 127.0.0.1:PORT]

Crafts replies with python3-dnslib (multi-string and many TXT records, MX, SRV with ".", CNAME,
A/AAAA behind a CNAME, NXDOMAIN, SERVFAIL, truncated and pointer-loop replies); with --server it
also asks a running dnsmasq (resolver_test.cpp's records) and keeps its real replies.
"""
import os
import socket
import sys

from dnslib import AAAA, CNAME, MX, QTYPE, RCODE, RR, SRV, TXT, A, DNSRecord

TYPES = {"A": 0, "AAAA": 1, "CNAME": 2, "MX": 3, "SRV": 4, "TXT": 5}


def reply(name, qtype, records=(), rcode=0):
    q = DNSRecord.question(name, qtype)
    r = q.reply()
    r.header.rcode = rcode
    for rr in records:
        r.add_answer(rr)
    return r.pack()


def crafted():
    n = "example.go.th"
    long_dkim = "v=DKIM1; k=rsa; p=" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" * 8
    chunks = [long_dkim[i : i + 255] for i in range(0, len(long_dkim), 255)]
    yield "txt_spf", "TXT", reply(n, "TXT", [RR(n, QTYPE.TXT, rdata=TXT("v=spf1 mx -all"))])
    yield "txt_split_dkim", "TXT", reply(
        "s1._domainkey." + n, "TXT", [RR("s1._domainkey." + n, QTYPE.TXT, rdata=TXT(chunks))]
    )
    yield "txt_thai", "TXT", reply(n, "TXT", [RR(n, QTYPE.TXT, rdata=TXT("ทดสอบ".encode()))])
    yield "txt_many", "TXT", reply(
        n, "TXT", [RR(n, QTYPE.TXT, rdata=TXT("r%d" % i + "x" * 100)) for i in range(30)]
    )
    yield "txt_empty_string", "TXT", reply(n, "TXT", [RR(n, QTYPE.TXT, rdata=TXT(""))])
    yield "mx_two", "MX", reply(
        n, "MX", [RR(n, QTYPE.MX, rdata=MX("mx1." + n, 10)), RR(n, QTYPE.MX, rdata=MX("mx2." + n, 20))]
    )
    yield "srv_imaps", "SRV", reply(
        "_imaps._tcp." + n, "SRV", [RR("_imaps._tcp." + n, QTYPE.SRV, rdata=SRV(0, 1, 993, "mail." + n))]
    )
    yield "srv_not_offered", "SRV", reply(
        "_imap._tcp." + n, "SRV", [RR("_imap._tcp." + n, QTYPE.SRV, rdata=SRV(0, 0, 0, "."))]
    )
    yield "cname", "CNAME", reply(
        "autodiscover." + n, "CNAME", [RR("autodiscover." + n, QTYPE.CNAME, rdata=CNAME("mail." + n))]
    )
    yield "a_via_cname", "A", reply(
        "autoconfig." + n,
        "A",
        [RR("autoconfig." + n, QTYPE.CNAME, rdata=CNAME("mail." + n)), RR("mail." + n, QTYPE.A, rdata=A("192.0.2.1"))],
    )
    yield "aaaa", "AAAA", reply("mail." + n, "AAAA", [RR("mail." + n, QTYPE.AAAA, rdata=AAAA("2001:db8::1"))])
    yield "nxdomain", "TXT", reply("_dmarc." + n, "TXT", rcode=RCODE.NXDOMAIN)
    yield "servfail", "MX", reply(n, "MX", rcode=RCODE.SERVFAIL)
    yield "nodata", "AAAA", reply(n, "AAAA")
    spf = reply(n, "TXT", [RR(n, QTYPE.TXT, rdata=TXT("v=spf1 include:_spf.example -all"))])
    yield "truncated", "TXT", spf[:-9]
    yield "header_only", "TXT", spf[:12]
    # A CNAME whose target is a pointer to itself.
    cn = bytearray(reply(n, "CNAME", [RR(n, QTYPE.CNAME, rdata=CNAME("x"))]))
    cn[-3:] = bytes([0, 2, 0xC0])
    cn += bytes([len(cn) - 1])
    yield "cname_pointer_loop", "CNAME", bytes(cn)


def captured(server):
    host, port = server.rsplit(":", 1)
    asks = [
        ("example.test", "TXT"),
        ("default._domainkey.example.test", "TXT"),
        ("big.example.test", "TXT"),
        ("example.test", "MX"),
        ("_imaps._tcp.example.test", "SRV"),
        ("autoconfig.example.test", "CNAME"),
        ("autoconfig.example.test", "A"),
        ("mail.example.test", "AAAA"),
        ("nothere.example.test", "TXT"),
        ("v4only.example.test", "AAAA"),
    ]
    for name, qtype in asks:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(DNSRecord.question(name, qtype).pack(), (host, int(port)))
        yield "dnsmasq_%s_%s" % (name.split(".")[0].strip("_"), qtype.lower()), qtype, s.recv(65535)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    items = list(crafted())
    if "--server" in sys.argv:
        items += list(captured(sys.argv[sys.argv.index("--server") + 1]))
    for name, qtype, data in items:
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([TYPES[qtype]]) + data)
    print(len(items), "files in", out)


if __name__ == "__main__":
    main()
