#!/usr/bin/env python3
"""The HTTP side of tests/e2e/test_http_abuse.sh: hostile and broken clients against a real
`certcron serve` with a token, on 127.0.0.1.

Prints one line per check, "PASS <what it proves>" or "FAIL <what it proves> :: <detail>",
which the suite counts. Every answer to a hostile request must be a 4xx or a closed connection:
never a 5xx, never exception text, never the value of a request header, and a JSON body must be
valid UTF-8. At the end it writes what the valid requests should have left in the database
(--expect FILE: "jobs N") for the suite to compare with the database itself.

Standard library only. Every request goes to 127.0.0.1 with a timeout, and the whole scenario
makes at most MAX_REQUESTS requests and opens at most a few hundred sockets.
"""

import argparse
import json
import re
import select
import socket
import sys
import threading
import time
import urllib.parse

P = "/api/v1/certification-cron"
MAX_REQUESTS = 3000
TIMEOUT = 10.0
PROBE_HEADER, PROBE_VALUE = "X-Abuse-Probe", "probe-93c1f7ab42"
LEAK = re.compile(r"json\.exception|parse_error|type_error|what\(\)|std::|basic_string|nlohmann|"
                  r"boost|beast|terminate|sqlite|SQLITE_", re.I)
SQL = ["'; DROP TABLE jobs;--", "\" OR 1=1", "1; DELETE FROM jobs", "x' OR '1'='1"]


class Report:
    def __init__(self):
        self.lock = threading.Lock()

    def check(self, name, good, detail=""):
        text = str(detail).replace("\r", "\\r").replace("\n", "\\n")[:1500]
        with self.lock:
            print(("PASS " + name) if good else ("FAIL " + name + " :: " + text), flush=True)
        return bool(good)


check = Report().check


class Answer:
    """One HTTP answer read off a raw socket; status None when the connection closed first."""

    def __init__(self, status, head, body, elapsed):
        self.status, self.head, self.body, self.elapsed = status, head, body, elapsed

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def header(self, name):
        m = re.search(rb"(?im)^" + re.escape(name.encode()) + rb":[ \t]*([^\r\n]*)\r?$", self.head)
        return m.group(1).decode("latin-1") if m else None

    def describe(self):
        return f"status {self.status}, head {self.head[:300]!r}, body {self.body[:500]!r}"


class Client:
    def __init__(self, port, token):
        self.port, self.token = port, token
        self.requests = 0
        self.lock = threading.Lock()

    def count(self):
        with self.lock:
            self.requests += 1
            if self.requests > MAX_REQUESTS:
                raise RuntimeError(f"more than {MAX_REQUESTS} requests: the scenario is runaway")

    def connect(self, seconds=TIMEOUT):
        return socket.create_connection(("127.0.0.1", self.port), timeout=seconds)

    def exchange(self, chunks, seconds=TIMEOUT, shut=False, pause=0.0):
        """Sends `chunks` on a new socket, stopping early when the server answers or closes;
        then half-closes (shut) or not, and reads one answer."""
        self.count()
        sock = self.connect(seconds)
        started = time.monotonic()
        try:
            for i, chunk in enumerate(chunks):
                readable, _, _ = select.select([sock], [], [], pause if i else 0)
                if readable:
                    break
                try:
                    sock.sendall(chunk)
                except OSError:
                    break
            if shut:
                try:
                    sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            return read_answer(sock, seconds, started)
        finally:
            sock.close()

    def request(self, method, target, body=None, headers=None, auth=True, content_type="application/json"):
        head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{PROBE_HEADER}: {PROBE_VALUE}\r\nConnection: close\r\n"
        if auth is True and self.token:
            head += f"Authorization: Bearer {self.token}\r\n"
        elif isinstance(auth, str):
            head += f"Authorization: {auth}\r\n"
        for k, v in (headers or {}).items():
            head += f"{k}: {v}\r\n"
        data = b""
        if body is not None:
            data = json.dumps(body).encode() if isinstance(body, (dict, list)) else (
                body.encode() if isinstance(body, str) else body)
            if content_type:
                head += f"Content-Type: {content_type}\r\n"
            head += f"Content-Length: {len(data)}\r\n"
        return self.exchange([head.encode("latin-1") + b"\r\n" + data])


def read_answer(sock, seconds, started):
    data = b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            head, sep, rest = data.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
                if (m and len(rest) >= int(m.group(1))) or re.match(rb"HTTP/1\.[01] (1\d\d|204|304)", head):
                    if not re.match(rb"HTTP/1\.[01] 100", head):
                        break
                    data = rest  # 100 Continue: the answer follows
                    continue
            sock.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    head, _, rest = data.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    cl = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    body = rest[: int(cl.group(1))] if cl else rest
    return Answer(int(m.group(1)) if m else None, head, body, time.monotonic() - started)


def refused(name, a, allowed=None):
    """A hostile request's answer: a 4xx (one of `allowed` if given) or a closed connection, and
    a clean body."""
    good = a.status is None or (400 <= a.status < 500 and (allowed is None or a.status in allowed))
    check(f"{name}: {allowed or '4xx'} or closed, got {a.status}", good, a.describe())
    clean(name, a)
    return good


def clean(name, a):
    text = a.head + b"\r\n\r\n" + a.body
    problems = []
    if LEAK.search(text.decode("latin-1")):
        problems.append("exception text " + LEAK.search(text.decode("latin-1")).group(0))
    if PROBE_VALUE.encode() in text:
        problems.append("echoes a request header")
    if a.header("X-Injected") is not None:
        problems.append("a header injected through the target")
    if a.body and (a.header("Content-Type") or "").startswith("application/json"):
        try:
            json.loads(a.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            problems.append(f"body is not UTF-8 JSON ({e})")
    if problems:
        check(f"{name}: the answer is clean", False, "; ".join(problems) + " :: " + a.describe())


def quoted(text):
    return urllib.parse.quote(text, safe="")


# ----------------------------------------------------------------------------- scenario

class Scenario:
    def __init__(self, c):
        self.c = c
        self.jobs = 0  # jobs the valid requests leave

    def ok(self, name, a, statuses):
        good = check(f"{name}: {statuses}, got {a.status}", a.status in statuses, a.describe())
        clean(name, a)
        return good

    def create(self, name, fields=None, seed=False):
        body = {"name": name, "cron_expression": "0 2 * * *"}
        if seed:  # the seed's create requires these
            body.update({"type": "cron", "grace_time_in_minutes": 5, "server_timezone": "UTC"})
        body.update(fields or {})
        a = self.c.request("POST", "/api/monitors/1/cron-checks" if seed else P, body)
        if self.ok(f"create {name!r}{' (seed)' if seed else ''}", a, (201,)):
            self.jobs += 1
        return a.json() or {}

    def run(self, args):
        c = self.c
        base = self.create("abuse_base")
        job_id, uuid = base.get("id", "cron-001"), base.get("uuid", "")
        number = int(job_id.split("-")[1]) if job_id.startswith("cron-") else 1
        slow = threading.Thread(target=self.slow_client)
        slow.start()
        self.malformed()
        self.truncated()
        self.oversized()
        self.chunked()
        self.methods_and_routes(job_id, number)
        self.path_tricks(job_id, number)
        self.sql_strings(job_id, number)
        self.wrong_types(job_id, number)
        self.invalid_json(job_id)
        self.tokens(job_id)
        self.pings(job_id, uuid)
        self.idle_connections()
        slow.join()
        a = c.request("GET", "/healthz")
        self.ok("after every case, GET /healthz", a, (200,))
        a = c.request("GET", P + "?limit=100")
        if self.ok("after every case, the job list", a, (200,)):
            total = (a.json() or {}).get("pagination", {}).get("total")
            check(f"the list holds the {self.jobs} jobs the valid requests created", total == self.jobs,
                  f"total {total}")
        with open(args.expect, "w") as f:
            f.write(f"jobs {self.jobs}\nrequests {c.requests}\n")

    # --- the request line and the header block
    def malformed(self):
        c = self.c
        lines = [b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET /healthz\r\n\r\n", b"GET /healthz HTTP/9.9\r\n\r\n",
                 b"GET /healthz HTTP/1.1 extra\r\n\r\n", b"GET  /healthz HTTP/1.1\r\n\r\n",
                 b"\x00\x01\x02\x03\r\n\r\n", b"\xff\xfe GET / HTTP/1.1\r\n\r\n",
                 b"GET /heal\x00thz HTTP/1.1\r\nHost: x\r\n\r\n", b"GET /heal thz HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET http://example.org/healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET * HTTP/1.1\r\nHost: x\r\n\r\n", b"CONNECT example.org:443 HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n",
                 b"GET /healthz HTTP/1.1\r\n: empty name\r\n\r\n",
                 b"GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n",
                 b"GET /healthz HTTP/1.1\r\nX: a\x00b\r\n\r\n",
                 b"POST " + P.encode() + b" HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                 b"POST " + P.encode() + b" HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                 b"POST " + P.encode() + b" HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                 b"POST " + P.encode() + b" HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                 b"POST " + P.encode() + b" HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                 b"POST " + P.encode() + b" HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nxx",
                 b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + PROBE_HEADER.encode() + b": " + PROBE_VALUE.encode() + b"\r\n\r"]
        for line in lines:
            refused(f"malformed request {line[:48]!r}", c.exchange([line], seconds=12, shut=True))
        a = c.exchange([b"GET /" + b"a" * (64 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n"])
        refused("a 64 KiB request target", a, (400, 414, 431))

    def truncated(self):
        c = self.c
        auth = f"Authorization: Bearer {c.token}\r\n".encode()
        for cut in (b"GET /hea", b"GET /healthz HTTP/1.1\r\nHost: 127.0", b"GET /healthz HTTP/1.1\r\nHost: x\r\n"):
            a = c.exchange([cut], seconds=12, shut=True)
            refused(f"the connection closed mid-header after {cut!r}", a)
        head = (b"POST " + P.encode() + b" HTTP/1.1\r\nHost: x\r\n" + auth +
                b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n")
        a = c.exchange([head + b'{"name": "truncated_body", "cron_'], seconds=12, shut=True)
        refused("the connection closed mid-body (40 of 100 bytes)", a)
        head = (b"POST " + P.encode() + b" HTTP/1.1\r\nHost: x\r\n" + auth +
                b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        a = c.exchange([head + b"20\r\n" + b'{"name": "truncated_chunk"'], seconds=12, shut=True)
        refused("the connection closed mid-chunk", a)
        # Abrupt closes (a reset) while the server reads.
        for data in (b"GET /healthz HTTP/1.1\r\nHo", head + b"5\r\n{\"na"):
            c.count()
            sock = c.connect()
            sock.sendall(data)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.close()
        a = c.request("GET", "/healthz")
        self.ok("after the truncated requests, healthz", a, (200,))

    def oversized(self):
        c = self.c
        auth = f"Authorization: Bearer {c.token}\r\n"
        big = b"X-Big: " + b"h" * (1024 * 1024) + b"\r\n"
        head = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + big + b"\r\n"
        a = c.exchange([head[i:i + 65536] for i in range(0, len(head), 65536)], pause=0.01)
        refused("a 1 MiB header", a, (431, 400))
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(5000))
        a = c.exchange([b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n"])
        refused("5000 header fields", a, (431, 400))
        for size, sent in ((2 * 1024 * 1024, False), (1024 * 1024 + 1, True), (10 ** 12, False)):
            head = (f"POST {P} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n"
                    f"Content-Length: {size}\r\n\r\n").encode()
            chunks = [head]
            if sent:
                body = b'{"name":"' + b"x" * (size - 11) + b'"}'
                chunks += [body[i:i + 65536] for i in range(0, len(body), 65536)]
            a = c.exchange(chunks, pause=0.01)
            refused(f"a declared Content-Length of {size}{' (sent)' if sent else ''}", a, (413,))
            check(f"... answered at once ({a.elapsed:.2f} s), not after reading", a.elapsed < 5, a.describe())
        for path in ("/ping/00000000-0000-4000-8000-000000000000/log", "/api/monitors/1/cron-checks"):
            head = (f"POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: {2 * 1024 * 1024}\r\n\r\n").encode()
            refused(f"POST {path} with 2 MiB declared", c.exchange([head]), (413,))

    def chunked(self):
        c = self.c
        auth = f"Authorization: Bearer {c.token}\r\n"
        head = (f"POST {P} HTTP/1.1\r\nHost: x\r\n{auth}Content-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
        body = json.dumps({"name": "chunked_job", "cron_expression": "0 3 * * *"}).encode()
        valid = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7]) for i in range(0, len(body), 7))
        a = c.exchange([head + valid + b"0\r\n\r\n"])
        if self.ok("a valid chunked create (7-byte chunks)", a, (201,)):
            self.jobs += 1
        a = c.exchange([head + b"%x;ext=1\r\n%s\r\n0\r\nX-Trailer: t\r\n\r\n" % (len(body), body.replace(b"chunked_job", b"chunked_ext"))])
        if self.ok("a valid chunked create with an extension and a trailer", a, (201,)):
            self.jobs += 1
        bad = {"a non-hex size": b"zz\r\nabc\r\n0\r\n\r\n", "a negative size": b"-5\r\nabcde\r\n0\r\n\r\n",
               "a size overflowing 64 bits": b"1ffffffffffffffffff\r\n{}\r\n0\r\n\r\n",
               "a size of 2^64-1": b"ffffffffffffffff\r\n{}\r\n0\r\n\r\n",
               "a size with spaces": b" 2 \r\n{}\r\n0\r\n\r\n",
               "data longer than its size": b"2\r\n{}}}}}\r\n0\r\n\r\n",
               "no CRLF after the data": b"2\r\n{}0\r\n\r\n",
               "a bare LF": b"2\n{}\n0\n\n", "an empty size line": b"\r\n{}\r\n0\r\n\r\n",
               "a 100 KiB extension": b"2;" + b"e" * 100 * 1024 + b"\r\n{}\r\n0\r\n\r\n",
               "chunks over 1 MiB in all": b"".join([b"10000\r\n" + b" " * 65536 + b"\r\n"] * 17) + b"0\r\n\r\n"}
        for what, data in bad.items():
            a = c.exchange([head, data], pause=0.05, shut=True)
            refused(f"a chunked body with {what}", a)

    def slow_client(self):
        """A byte of header every 100 ms: cut off by the read timeout (10 s), bounded wait."""
        c = self.c
        c.count()
        sock = c.connect(5)
        started = time.monotonic()
        data = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 400
        closed_after = None
        answer = b""
        for byte in data:
            try:
                readable, _, _ = select.select([sock], [], [], 0.1)
                if readable:
                    answer = sock.recv(4096)
                    closed_after = time.monotonic() - started
                    break
                sock.sendall(bytes([byte]))
            except OSError:
                closed_after = time.monotonic() - started
                break
            if time.monotonic() - started > 25:
                break
        sock.close()
        check(f"a client sending a header byte every 100 ms is cut off within 15 s "
              f"(after {closed_after if closed_after is None else round(closed_after, 1)} s; read timeout 10 s)",
              closed_after is not None and closed_after < 15, repr(answer[:200]))
        check("... with no answer or a 4xx", not answer or re.match(rb"HTTP/1\.[01] 4", answer), repr(answer[:200]))

    def idle_connections(self):
        c = self.c
        held = []
        try:
            for i in range(200):
                held.append(c.connect(5))
                if i % 2:
                    held[-1].sendall(b"GET /healthz HTTP/1.1\r\n")  # half a head
            time.sleep(0.2)
            started = time.monotonic()
            answers = [c.request("GET", "/healthz") for _ in range(5)]
            a = c.request("GET", P)
            elapsed = time.monotonic() - started
            check("with 200 idle connections held open, 5 healthz and a list all answer 200",
                  all(x.status == 200 for x in answers) and a.status == 200,
                  [x.status for x in answers] + [a.status])
            check(f"... within 3 s ({elapsed:.2f} s)", elapsed < 3, "")
            readable, _, _ = select.select(held, [], [], 0)
            check("... and the idle connections are still held (not closed under load)", len(readable) == 0,
                  f"{len(readable)} closed")
        finally:
            for sock in held:
                sock.close()

    # --- routes
    def methods_and_routes(self, job_id, number):
        c = self.c
        for method in ("FOO", "PROPFIND", "TRACE", "OPTIONS", "PATCH", "PUT", "DELETE", "M-SEARCH", "X" * 200):
            for path in (P, f"{P}/{job_id}", f"{P}/{job_id}/execute", "/api/monitors/1/cron-checks",
                         f"/api/cron-checks/{number}", f"/api/cron-checks/{number}/snooze", "/healthz"):
                if (method, path) in (("PUT", f"{P}/{job_id}"), ("DELETE", f"{P}/{job_id}"),
                                      ("PUT", f"/api/cron-checks/{number}"), ("DELETE", f"/api/cron-checks/{number}")):
                    continue
                a = c.request(method, path)
                refused(f"{method[:12]} {path}", a, (400, 404, 405, 501))
        for method, path in (("GET", f"{P}/{job_id}/nope"), ("GET", f"{P}/{job_id}/runs/extra"),
                             ("POST", f"{P}/{job_id}/pings"), ("GET", "/api/monitors/1/nope"),
                             ("GET", "/api/monitors/1/cron-checks/1"), ("GET", "/api/cron-checks"),
                             ("GET", f"/api/cron-checks/{number}"), ("POST", f"/api/cron-checks/{number}/zzz"),
                             ("GET", "/api/monitors"), ("GET", "/api"), ("GET", "/api/v2/certification-cron"),
                             ("GET", "/nope"), ("POST", "/healthz"), ("GET", "/ping"), ("GET", "/ping/"),
                             ("GET", "/ping/not-a-uuid/zz"), ("GET", "/api/monitors/2/cron-checks"),
                             ("GET", "/api/monitors/-1/cron-checks"), ("GET", "/api/monitors/99999999999999999999/cron-checks")):
            refused(f"{method} {path}", c.request(method, path), (400, 404, 405))

    def path_tricks(self, job_id, number):
        c = self.c
        ids = ["..", "%2e%2e", "%2E%2E%2F%2E%2E", "%00", job_id + "%00", "%2F", job_id + "%2F..", "..%2f..%2fetc%2fpasswd",
               "%c0%ae%c0%ae", "%e0%80%ae", "%c0%af", "%", "%2", "%zz", "%%", "%ff%fe", job_id + "%0d%0aX-Injected:%20yes",
               "cron-0", "cron-", "cron-99999999999999999999", "cron-1e3", "-1", "0", "0x1", "1.5", "a" * 4000,
               quoted("'; DROP TABLE jobs;--"), quoted("\" OR 1=1")]
        for i in ids:
            for method, path, body in (("GET", f"{P}/{i}", None), ("PUT", f"{P}/{i}", {"description": "x"}),
                                       ("DELETE", f"{P}/{i}", None), ("GET", f"{P}/{i}/runs", None),
                                       ("GET", f"{P}/{i}/pings", None), ("POST", f"{P}/{i}/execute", {}),
                                       ("POST", f"{P}/{i}/snooze", {"minutes": 5}),
                                       ("PUT", f"/api/cron-checks/{i}", {"description": "x"}),
                                       ("DELETE", f"/api/cron-checks/{i}", None),
                                       ("POST", f"/api/cron-checks/{i}/unsnooze", None),
                                       ("GET", f"/api/monitors/{i}/cron-checks", None),
                                       ("POST", f"/ping/{i}", None), ("GET", f"/ping/{i}/start", None)):
                refused(f"{method} {path[:80]}", c.request(method, path, body), (400, 404, 405))
        a = c.request("GET", f"{P}/{job_id}")
        self.ok("after the path tricks, the job is still there", a, (200,))

    def sql_strings(self, job_id, number):
        c = self.c
        for k, text in enumerate(SQL):
            self.create(f"sql_{k}_{text}", {"description": text})
            self.create(f"seed_sql_{k}_{text}", {"description": text}, seed=True)
        for k, text in enumerate(SQL):
            for field in ("cron_expression", "server_timezone", "type"):
                a = c.request("POST", P, {"name": f"sql_field_{field}_{k}", "cron_expression": "0 2 * * *", field: text})
                refused(f"create with {field} = {text!r}", a, (422,))
                a = c.request("PUT", f"{P}/{job_id}", {field: text})
                refused(f"update with {field} = {text!r}", a, (422,))
            a = c.request("PUT", f"{P}/{job_id}", {"description": text})
            if self.ok(f"update the description to {text!r}", a, (200,)):
                check("... stored literally", (a.json() or {}).get("description") == text, a.describe())
            a = c.request("PUT", f"/api/cron-checks/{number}", {"name": f"renamed {text}"})
            if self.ok(f"seed update of the name to {text!r}", a, (200,)):
                check("... stored literally", (a.json() or {}).get("name") == f"renamed {text}", a.describe())
            for query in (f"status={quoted(text)}", f"page={quoted(text)}", f"limit={quoted(text)}",
                          f"page=1&limit=20{quoted(text)}"):
                refused(f"GET {P}?{query}", c.request("GET", f"{P}?{query}"), (422,))
                refused(f"GET runs ?{query}", c.request("GET", f"{P}/{job_id}/runs?{query}"), (422,))
            a = c.request("GET", f"{P}?{quoted(text)}={quoted(text)}")
            self.ok(f"an unknown query parameter named {text!r} is ignored", a, (200,))
        a = c.request("GET", f"{P}?limit=100")
        names = [j.get("name") for j in (a.json() or {}).get("data", [])]
        check("the SQL-looking names are listed literally", all(f"sql_{k}_{t}" in names for k, t in enumerate(SQL)),
              names)
        a = c.request("PUT", f"/api/cron-checks/{number}", {"name": "abuse_base"})
        self.ok("rename the base job back", a, (200,))

    def wrong_types(self, job_id, number):
        c = self.c
        deep = "[" * 100000 + "]" * 100000
        wrongs = {"a string": '"7"', "a number": "7", "a float": "7.5", "an array": "[1]", "an object": '{"a":1}',
                  "true": "true", "1e400": "1e400", "2^64-1": "18446744073709551615",
                  "-2^63-1": "-9223372036854775809", "2^64": "18446744073709551616", "-0": "-0",
                  "a deep array": deep}
        fields = {"name": "string", "description": "string", "type": "string", "cron_expression": "string",
                  "frequency_in_minutes": "int", "grace_time_in_minutes": "int", "server_timezone": "string",
                  "enabled": "bool", "max_runtime_in_minutes": "int", "catch_up": "bool"}
        accepted = {"string": {"a string"}, "int": {"a number", "-0"}, "bool": {"true"}}
        for field, kind in fields.items():
            for what, literal in wrongs.items():
                if what in accepted[kind]:
                    continue
                base = '{"name": "wrong_types", "cron_expression": "0 2 * * *"' if field != "name" else '{"cron_expression": "0 2 * * *"'
                body = base + f', "{field}": {literal}}}'
                if field in ("frequency_in_minutes",):
                    body = f'{{"name": "wrong_types", "type": "simple", "{field}": {literal}}}'
                refused(f"create with {field} = {what}", c.request("POST", P, body), (400, 422))
                refused(f"update with {field} = {what}", c.request("PUT", f"{P}/{job_id}", f'{{"{field}": {literal}}}'), (400, 422))
                refused(f"seed update with {field} = {what}",
                        c.request("PUT", f"/api/cron-checks/{number}", f'{{"{field}": {literal}}}'), (400, 422))
        for what, literal in wrongs.items():
            if what != "a number":
                refused(f"snooze with minutes = {what}", c.request("POST", f"{P}/{job_id}/snooze", f'{{"minutes": {literal}}}'), (400, 422))
            if what != "true":
                refused(f"execute with dry_run = {what}", c.request("POST", f"{P}/{job_id}/execute", f'{{"dry_run": {literal}}}'), (400, 422))
            refused(f"sync with cron_checks = {what}",
                    c.request("POST", "/api/monitors/1/cron-checks/sync", f'{{"cron_checks": {literal}}}'), (400, 422))
        for what, literal in (("2^64-1", "18446744073709551615"), ("2^63", "9223372036854775808")):
            a = c.request("PUT", f"{P}/{job_id}", f'{{"grace_time_in_minutes": {literal}}}')
            if refused(f"grace_time_in_minutes = {what}", a, (422,)):
                errors = (a.json() or {}).get("errors", {}).get("grace_time_in_minutes", [])
                check(f"... is reported out of range, not read as a negative number", any("out of range" in e for e in errors),
                      a.describe())
        for what, body in (("null", "null"), ("an array", "[]"), ("a string", '"x"'), ("a number", "1"),
                           ("nulls everywhere", '{"name": null, "cron_expression": null}'), ("a deep object", '{"a":' * 50000 + "1" + "}" * 50000)):
            refused(f"create with a body that is {what}", c.request("POST", P, body), (400, 422))
            refused(f"seed create with a body that is {what}", c.request("POST", "/api/monitors/1/cron-checks", body), (400, 422))

    def invalid_json(self, job_id):
        c = self.c
        bodies = ["", "{", '{"name":}', "nul", "{} x", '{"name": NaN}', "{'name': 'x'}",
                  '{"name": "a" /* c */}', '{"name": "\\ud800"}', '{"name": "\\x41"}', '{"name": "a\x01"}',
                  "[" * 500000, '{"name": "' + "\\u0000" + '"}', '{"a":1,"a":2}']
        for body in bodies:
            for method, path in (("POST", P), ("PUT", f"{P}/{job_id}"), ("POST", f"{P}/{job_id}/snooze"),
                                 ("POST", "/api/monitors/1/cron-checks/sync")):
                refused(f"{method} {path} with {body[:24]!r}", c.request(method, path, body), (400, 422))
        for raw in (b'{"name": "\xff\xfe", "cron_expression": "0 2 * * *"}', b'{"name": "ok", "description": "\xc0\xae"}',
                    b'{"name": "\xed\xa0\x80"}'):
            refused(f"create with bytes that are not UTF-8 {raw[:20]!r}", c.request("POST", P, raw), (400, 422))
        for ctype in ("text/plain", "application/xml", "multipart/form-data; boundary=x", None,
                      "application/x-www-form-urlencoded", "application/json; charset=latin-1"):
            a = c.request("POST", P, "name=x&cron_expression=0+2+*+*+*", content_type=ctype)
            refused(f"a form body with Content-Type {ctype}", a, (400, 415))
        a = c.request("POST", P, {"name": "typed_as_text", "cron_expression": "0 2 * * *"}, content_type="text/plain")
        if self.ok("a JSON body sent as text/plain: the server reads JSON whatever the type", a, (201, 415)) and a.status == 201:
            self.jobs += 1

    def tokens(self, job_id):
        c = self.c
        t = c.token
        for what, auth in (("none", None), ("empty", ""), ("Bearer alone", "Bearer"), ("Bearer and a space", "Bearer "),
                           ("wrong", "Bearer " + "0" * len(t)), ("the token with a byte more", f"Bearer {t}x"),
                           ("the token less a byte", f"Bearer {t[:-1]}"), ("Basic", "Basic " + t),
                           ("no scheme", t), ("two spaces", f"Bearer  {t}"), ("64 KiB", "Bearer " + "t" * 65536),
                           ("8 KiB", "Bearer " + t * (8192 // len(t))), ("a NUL", f"Bearer {t}\x00"),
                           ("upper-case prefix of the token", "Bearer " + t.upper() if t.upper() != t else "Bearer X")):
            for method, path in (("GET", P), ("GET", f"{P}/{job_id}"), ("DELETE", f"{P}/{job_id}"),
                                 ("GET", "/api/monitors/1/cron-checks"), ("POST", "/api/monitors/1/cron-checks"),
                                 ("GET", "//api//monitors/1/cron-checks"), ("GET", "/api/nope")):
                a = c.request(method, path, {"name": "x"} if method == "POST" else None,
                              auth=False if auth is None else auth)
                expected = {"64 KiB": (401, 431), "a NUL": (400, 401)}.get(what, (401,))
                if refused(f"{method} {path} with the token {what}", a, expected) and a.status == 401:
                    if a.header("WWW-Authenticate") != "Bearer":
                        check(f"... names the Bearer scheme", False, a.describe())
        a = c.request("GET", P, auth="bearer " + t)
        self.ok("the scheme is case-insensitive (bearer)", a, (200,))

    def pings(self, job_id, uuid):
        c = self.c
        if not check("the base job has a uuid for its ping URL", bool(uuid), uuid):
            return
        before = (c.request("GET", f"{P}/{job_id}/pings?limit=100").json() or {}).get("pagination", {}).get("total", 0)
        sent = 0
        for path, body in ((f"/ping/{uuid}/log", b"bad bytes \xff\xfe\xc3 end"),
                           (f"/ping/{uuid}/log", b"\xe2\x82"),
                           (f"/ping/{uuid}/log", b"overlong \xc0\xae and surrogate \xed\xa0\x80"),
                           (f"/ping/{uuid}/0", b"z" * (1024 * 1024 - 64)),
                           (f"/ping/{uuid}/log", "é".encode() * 20000),
                           (f"/ping/{uuid}/log", b"\x00\x01\x02 nul and controls \x1b[31m")):
            a = c.request("POST", path, body, content_type="application/octet-stream")
            if self.ok(f"POST {path.replace(uuid, 'UUID')} with a body of {len(body)} bytes ({body[:12]!r})", a, (200,)):
                sent += 1
        for query in ("failure_message=%ff%fe", "rid=%ff", "rid=" + "r" * 8000, "failure_message=" + "m" * 8000,
                      "exit_code=%ff", "runtime=%ff"):
            a = c.request("GET", f"/ping/{uuid}/failed?{query}")
            if a.status == 200:
                sent += 1
            else:
                refused(f"GET /ping/UUID/failed?{query[:30]}", a, (422,))
        deep = "[" * 100000 + "]" * 100000
        for body in ('{"exit_code": ' + deep + "}", '{"unknown": ' + deep + "}", '{"failure_message": {"a": [1, 2]}}',
                     '{"exit_code": 1e400}', '{"runtime": "' + "9" * 400 + '"}', '{"exit_code": "\\ud800"}'):
            a = c.request("POST", f"/ping/{uuid}/failed", body)
            if a.status == 200:
                sent += 1
                clean(f"an Oh Dear ping with {body[:30]!r}", a)
            else:
                refused(f"an Oh Dear ping with {body[:30]!r}", a, (400, 422))
        a = c.request("GET", f"{P}/{job_id}/pings?limit=100")
        if self.ok("GET the job's pings after hostile ping bodies", a, (200,)):
            try:
                text = a.body.decode("utf-8")
                check("... the answer is valid UTF-8", True)
            except UnicodeDecodeError as e:
                text = a.body.decode("utf-8", "replace")
                check("... the answer is valid UTF-8", False, str(e))
            doc = a.json() or {}
            pings = doc.get("data", [])
            check(f"... lists the {sent} pings recorded", doc.get("pagination", {}).get("total") == before + sent,
                  f"total {doc.get('pagination')}, sent {sent} after {before}")
            bodies = [p.get("body") or "" for p in pings]
            check("... no stored body is longer than 10 KiB", all(len(b.encode()) <= 10 * 1024 for b in bodies),
                  [len(b.encode()) for b in bodies])
            check("... bytes that are not UTF-8 are shown as U+FFFD", any(b.startswith("bad bytes \ufffd") for b in bodies),
                  bodies[-6:])
            check("... a body cut at the limit keeps whole characters", any(b.startswith("é" * 100) for b in bodies),
                  [b[:10] for b in bodies])
            messages = [p.get("message") or "" for p in pings] + [p.get("rid") or "" for p in pings]
            check("... no message or rid is longer than 8 KiB", all(len(m.encode()) <= 8 * 1024 for m in messages),
                  sorted(len(m) for m in messages)[-3:])
        for path in ("/api/monitors/1/cron-checks", f"/jobs/{job_id}", "/"):
            a = c.request("GET", path)
            if self.ok(f"GET {path} after hostile pings", a, (200,)):
                try:
                    a.body.decode("utf-8")
                    check(f"... {path} is valid UTF-8", True)
                except UnicodeDecodeError as e:
                    check(f"... {path} is valid UTF-8", False, f"{e}: {a.body[max(0, e.start - 40):e.start + 10]!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--expect", required=True)
    args = parser.parse_args()
    Scenario(Client(args.port, args.token)).run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
