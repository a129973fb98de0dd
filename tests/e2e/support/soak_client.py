#!/usr/bin/env python3
"""The API half of tests/e2e/test_soak.sh: for --seconds, several threads read and write a
real `certcron serve` on 127.0.0.1 at once, while the suite runs the CLI against the same
database.

- writer K (--writers of them) owns job soak_wK: it PUTs its description and grace time, snoozes
  and unsnoozes it, and remembers the last description and grace it was answered 200 for;
- churn creates a job, reads it, updates it, deletes it;
- readers list the jobs (both APIs), get jobs, their runs and pings, and /healthz;
- pinger pings writer 0's job (start, then an exit status, with a body);
- executor asks for a run of --job every second (202, or 409 while one is running: documented).

Every answer's status is counted per kind; one the API does not document for that request is an
error. Writes --out (JSON): counts, errors (first ones), and each writer's last write. Prints
PASS/FAIL lines for the suite. Standard library only; every request has a timeout.
"""

import argparse
import collections
import http.client
import json
import sys
import threading
import time

P = "/api/v1/certification-cron"
TIMEOUT = 30.0
MAX_REQUESTS = 200000


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = collections.Counter()  # "kind status" -> n
        self.requests = 0
        self.errors = []
        self.error_count = 0

    def add(self, kind, status, good, detail=""):
        with self.lock:
            self.requests += 1
            if self.requests > MAX_REQUESTS:
                raise RuntimeError("runaway: too many requests")
            self.counts[f"{kind} {status}"] += 1
            if not good:
                self.error_count += 1
                if len(self.errors) < 20:
                    self.errors.append(f"{kind} -> {status} {detail[:300]}")


class Api:
    def __init__(self, port, token, stats):
        self.port, self.token, self.stats = port, token, stats
        self.conn = None

    def call(self, kind, method, path, body=None, expect=(200,)):
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode() if not isinstance(body, bytes) else body
            headers["Content-Type"] = "application/json" if not isinstance(body, bytes) else "text/plain"
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                if resp.will_close:
                    self.conn.close()
                    self.conn = None
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                # A kept-alive connection the server closed (idle timeout) between requests.
                self.conn.close()
                self.conn = None
                if attempt:
                    self.stats.add(kind, "closed", False, str(e))
                    return None, None
        status = resp.status
        if not (resp.getheader("Content-Type") or "").startswith("application/json"):
            self.stats.add(kind, status, status in expect, payload[:300].decode("utf-8", "replace"))
            return status, None
        try:
            doc = json.loads(payload.decode("utf-8")) if payload else None
        except (ValueError, UnicodeDecodeError) as e:
            self.stats.add(kind, status, False, f"body not UTF-8 JSON: {e}")
            return status, None
        self.stats.add(kind, status, status in expect, payload.decode("utf-8", "replace"))
        return status, doc


def writer(api, k, job_id, deadline, last):
    i = 0
    while time.monotonic() < deadline:
        i += 1
        description = f"w{k}-{i}"
        status, doc = api.call("update", "PUT", f"{P}/{job_id}", {"description": description})
        if status == 200:
            last["description"] = description
        grace = 1 + i % 500
        status, doc = api.call("update", "PUT", f"/api/cron-checks/{int(job_id[5:])}", {"grace_time_in_minutes": grace})
        if status == 200:
            last["grace"] = grace
        if i % 5 == 0:
            api.call("snooze", "POST", f"{P}/{job_id}/snooze", {"minutes": 10 + i % 50})
            api.call("unsnooze", "POST", f"{P}/{job_id}/unsnooze")
        status, doc = api.call("get", "GET", f"{P}/{job_id}")
        if status == 200 and doc.get("description") != last.get("description"):
            api.stats.add("read-own-write", "mismatch", False, f"{doc.get('description')} != {last}")


def churn(api, deadline):
    i = 0
    while time.monotonic() < deadline:
        i += 1
        status, doc = api.call("create", "POST", P, {"name": f"soak_tmp_{i}", "cron_expression": "*/5 * * * *"},
                               expect=(201,))
        if status != 201:
            continue
        job_id = doc["id"]
        api.call("get", "GET", f"{P}/{job_id}")
        api.call("update", "PUT", f"{P}/{job_id}", {"enabled": False})
        status, doc = api.call("delete", "DELETE", f"{P}/{job_id}")


def reader(api, deadline, job_ids):
    i = 0
    while time.monotonic() < deadline:
        i += 1
        api.call("list", "GET", f"{P}?limit=50")
        api.call("list", "GET", "/api/monitors/1/cron-checks")
        api.call("get", "GET", f"{P}/{job_ids[i % len(job_ids)]}")
        api.call("runs", "GET", f"{P}/{job_ids[0]}/runs?limit=5")
        api.call("pings", "GET", f"{P}/{job_ids[1 % len(job_ids)]}/pings?limit=5")
        api.call("healthz", "GET", "/healthz")


def pinger(api, deadline, uuid):
    i = 0
    while time.monotonic() < deadline:
        i += 1
        api.call("ping", "POST", f"/ping/{uuid}/start?rid=r{i}", b"starting")
        api.call("ping", "POST", f"/ping/{uuid}/{i % 2}?rid=r{i}", f"ping {i} body".encode())
        time.sleep(0.02)


def executor(api, deadline, job_id):
    while time.monotonic() < deadline:
        api.call("execute", "POST", f"{P}/{job_id}/execute", {}, expect=(202, 409))
        time.sleep(1.0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--job", required=True, help="the expiry job to execute")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    stats = Stats()
    setup = Api(args.port, args.token, stats)
    jobs, uuids = [], []
    for k in range(args.writers):
        status, doc = setup.call("create", "POST", P, {"name": f"soak_w{k}", "cron_expression": "0 4 * * *"},
                                 expect=(201,))
        if status != 201:
            print(f"FAIL create the writers' jobs :: {status} {doc}")
            return 1
        jobs.append(doc["id"])
        uuids.append(doc["uuid"])
    deadline = time.monotonic() + args.seconds
    lasts = [{} for _ in jobs]
    threads = [threading.Thread(target=writer, args=(Api(args.port, args.token, stats), k, jobs[k], deadline, lasts[k]))
               for k in range(len(jobs))]
    threads.append(threading.Thread(target=churn, args=(Api(args.port, args.token, stats), deadline)))
    threads += [threading.Thread(target=reader, args=(Api(args.port, args.token, stats), deadline, jobs)) for _ in range(2)]
    threads.append(threading.Thread(target=pinger, args=(Api(args.port, args.token, stats), deadline, uuids[0])))
    threads.append(threading.Thread(target=executor, args=(Api(args.port, args.token, stats), deadline, args.job)))
    failures = []

    def guarded(target):
        def run(*a):
            try:
                target(*a)
            except Exception as e:  # a client crash is a failure of the soak, not a hang
                failures.append(f"{target.__name__}: {type(e).__name__}: {e}")
        return run

    for t in threads:
        t._target = guarded(t._target)
        t.start()
    for t in threads:
        t.join()
    result = {"requests": stats.requests, "counts": dict(sorted(stats.counts.items())),
              "errors": stats.error_count, "first_errors": stats.errors, "client_failures": failures,
              "writers": [{"id": j, **last} for j, last in zip(jobs, lasts)]}
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    print(f"PASS the API client ran {args.seconds:g} s with {len(threads)} threads ({stats.requests} requests)"
          if not failures else f"FAIL the API client's threads ran to the end :: {failures}")
    fives = {k: v for k, v in stats.counts.items() if k.split()[-1].startswith("5")}
    print("PASS no answer was a 5xx" if not fives else f"FAIL no answer was a 5xx :: {fives}")
    print("PASS every answer was one the API documents for its request" if not stats.error_count
          else f"FAIL every answer was one the API documents for its request :: {stats.error_count}: {stats.errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
