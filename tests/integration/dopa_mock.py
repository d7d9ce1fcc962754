"""A local stand-in for DOPA's CheckCardByLaser SOAP service (../shared/reference/learning.md
§1.1), speaking its SOAP 1.2 wire format, so the integration suite checks identities the way
production does (govhub serve --identity-verifier dopa --dopa-endpoint <this>). What it answers
depends on the laser code's first two letters:
  OK → code 0 (normal), MM → 4 (data do not match), VD → 2 (card void), IN → 5 (incomplete),
  XX → a reply that is not SOAP, SL → no answer before the client's timeout, ER → HTTP 500,
  SM → "data do not match" after 0.8 s (well inside the client's timeout), so parallel checks
  of one ID are all in flight at once.
Every call is recorded as it arrives (the laser code and PID), so a test can say no call was
made, or count how many reached the service (calls_for)."""
import http.server
import re
import threading
import time

REPLY = """<?xml version="1.0" encoding="utf-8"?>
<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>
<CheckCardByLaserResponse xmlns="http://tempuri.org/"><CheckCardByLaserResult>
<IsError>{is_error}</IsError><ErrorMessage></ErrorMessage><Code>{code}</Code><Desc>{desc}</Desc>
</CheckCardByLaserResult></CheckCardByLaserResponse></soap12:Body></soap12:Envelope>"""

CODES = {"OK": (0, "false", "สถานะปกติ"), "MM": (4, "true", "สถานะไม่ปกติ => ข้อมูลไม่ตรง"),
         "VD": (2, "true", "บัตรสิ้นสภาพการใช้งาน เนื่องจากกรณี บัตรหมดอายุ"),
         "IN": (5, "true", "ข้อมูลที่ใช้ในการตรวจสอบไม่ครบ")}


class DopaMock:
    def __init__(self):
        self.calls = []
        self.lock = threading.Lock()
        mock = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8", "replace")
                field = lambda name: (re.search(r"<%s>([^<]*)</%s>" % (name, name), body) or [None, ""])[1]
                laser, pid = field("Laser"), field("PID")
                with mock.lock:
                    mock.calls.append({"laser": laser, "pid": pid, "first": field("FirstName"),
                                       "birth": field("BirthDay")})
                kind = laser[:2]
                if kind == "SM":
                    time.sleep(0.8)
                if kind == "SL":
                    time.sleep(3)
                if kind == "ER":
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"Server Error")
                    return
                if kind == "XX":
                    out = b"<html>maintenance</html>"
                else:
                    code, is_error, desc = CODES.get(kind, CODES["MM"])
                    out = REPLY.format(code=code, is_error=is_error, desc=desc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/CheckCardStatus/CheckCardService.asmx" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def calls_for(self, pid):
        with self.lock:
            return [c for c in self.calls if c["pid"] == pid]

    def stop(self):
        self.httpd.shutdown()
