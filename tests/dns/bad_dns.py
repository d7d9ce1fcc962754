#!/usr/bin/python3
"""A misbehaving DNS server on loopback UDP for workD's resolver tests (src/workd/resolver_test.cpp).

Binds 127.0.0.1 on the given port (0: any free one) and prints "port N" once it listens.
Answers by the first label of the question:
  servfail.*  SERVFAIL            refused.*  REFUSED
  silent.*    never answers (the client's timeout)
  garbled.*   the right header and question, then an answer record cut off in its middle
  anything else: TXT "ok" (so a test can tell the server is up)
Runs until killed. Needs python3-dnslib (Debian).
"""
import socket
import sys

from dnslib import QTYPE, RCODE, RR, TXT, DNSRecord


def garbled(request: DNSRecord) -> bytes:
    reply = request.reply()
    reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT("x" * 40), ttl=60))
    packed = reply.pack()
    # Cut inside the TXT's rdata: rdlength says 41 bytes, fewer follow.
    return packed[:-20]


def answer(data: bytes) -> bytes | None:
    try:
        request = DNSRecord.parse(data)
    except Exception:  # not a DNS query: ignore it
        return None
    first = str(request.q.qname).split(".")[0].lower()
    if first == "silent":
        return None
    if first == "garbled":
        return garbled(request)
    reply = request.reply()
    if first == "servfail":
        reply.header.rcode = RCODE.SERVFAIL
    elif first == "refused":
        reply.header.rcode = RCODE.REFUSED
    else:
        reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT("ok"), ttl=60))
    return reply.pack()


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    print("port", sock.getsockname()[1], flush=True)
    while True:
        data, peer = sock.recvfrom(4096)
        out = answer(data)
        if out is not None:
            sock.sendto(out, peer)


if __name__ == "__main__":
    main()
