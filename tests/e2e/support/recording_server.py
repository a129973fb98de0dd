"""A loopback HTTP receiver for the e2e suites: records every GET and POST as one JSON line
(flushed before it answers), answers 200, or 500 while FAIL_FLAG exists. It writes its port
to PORT_FILE once listening and stops after 40 requests or 120 s.

usage: recording_server.py CAPTURE FAIL_FLAG PORT_FILE
"""
import http.server
import json
import os
import sys
import time

capture, fail_flag, port_file = sys.argv[1:4]
handled = 0


class Recorder(http.server.BaseHTTPRequestHandler):
    def answer(self, body):
        global handled
        handled += 1
        code = 500 if os.path.exists(fail_flag) else 200
        record = {"method": self.command, "path": self.path,
                  "content_type": self.headers.get("Content-Type"),
                  "idempotency_key": self.headers.get("Idempotency-Key"),
                  "user_agent": self.headers.get("User-Agent"), "answered": code, "body": body}
        with open(capture, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        text = b"ok" if code == 200 else b"hook store is down"
        self.send_response(code)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def do_GET(self):
        self.answer("")

    def do_POST(self):
        self.answer(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8"))

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
server.timeout = 1
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
deadline = time.monotonic() + 120
while handled < 40 and time.monotonic() < deadline:
    server.handle_request()
