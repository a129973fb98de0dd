#!/usr/bin/env python3
"""The HTTP side of tests/e2e/test_sync.sh: POST /api/v1/certification-cron/sync on a running
`certcron serve` with an empty database. Prints "PASS ..." / "FAIL ... :: detail" lines like
serve_contract.py, whose client and document checks it uses: every answer is validated against
the schema /openapi.json gives for its route and status. The server's crontab is the fake one
of tests/e2e/lib.sh, in a file of its own."""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_contract as sc  # noqa: E402

check = sc.check
P = sc.P
SYNC = P + "/sync"


def entry(name, cron="0 2 * * *", **fields):
    item = {"name": name, "type": "cron", "cron_expression": cron, "grace_time_in_minutes": 10,
            "server_timezone": "UTC"}
    item.update(fields)
    return item


def steps(resp):
    return [[s.get("action"), s.get("id"), s.get("name"), s.get("changes")]
            for s in (resp.json or {}).get("plan", [])]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--crontab-file", required=True, help="the server's FAKE_CRONTAB_FILE")
    args = ap.parse_args()
    client = sc.Client(args.port)
    served = client.request("GET", "/openapi.json")
    if not check("GET /openapi.json gives the document", served.status == 200, served.describe()):
        return
    s = sc.Suite(client, sc.Contract(served.json))

    def jobs():
        r = client.request("GET", P + "?limit=100")
        return [[j["id"], j["name"], j["cron_expression"], j["grace_time_in_minutes"]]
                for j in (r.json or {}).get("data", [])]

    def crontab():
        try:
            with open(args.crontab_file, encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            return "(no crontab)"

    # --- creates
    r = s.call("sync two new jobs", "POST", SYNC, 200, {"cron_checks": [entry("a"), entry("b", "0 4 * * *")]})
    s.equal("sync two new jobs: the plan creates both, with their new ids",
            steps(r), [["create", "cron-001", "a", []], ["create", "cron-002", "b", []]])
    s.equal("sync two new jobs: dry_run false, applied true", [r.json.get("dry_run"), r.json.get("applied")],
            [False, True])
    for job in r.json.get("data", []):
        s.job_keys("sync two new jobs: data", job)
    uuid_a = r.json["data"][0]["uuid"]

    # --- dry_run: the plan of every change kind, nothing changed
    before, cron_before = jobs(), crontab()
    body = {"cron_checks": [entry("a", grace_time_in_minutes=20), entry("c", "*/5 * * * *")]}
    r = s.call("sync ?dry_run=1", "POST", SYNC + "?dry_run=1", 200, body)
    s.equal("sync ?dry_run=1: update with the changed field, create without an id, delete",
            steps(r), [["update", "cron-001", "a", ["grace_time_in_minutes"]], ["create", None, "c", []],
                       ["delete", "cron-002", "b", []]])
    s.equal("sync ?dry_run=1: dry_run true, applied false", [r.json.get("dry_run"), r.json.get("applied")],
            [True, False])
    s.equal("sync ?dry_run=1 changed no job", jobs(), before)
    s.equal("sync ?dry_run=1 changed no crontab line", crontab(), cron_before)

    # --- keep_missing
    r = s.call("sync ?keep_missing=1", "POST", SYNC + "?keep_missing=1", 200,
               {"cron_checks": [entry("c", "*/5 * * * *")]})
    s.equal("sync ?keep_missing=1: c created, a and b kept as unchanged",
            steps(r), [["create", "cron-003", "c", []], ["unchanged", "cron-001", "a", []],
                       ["unchanged", "cron-002", "b", []]])
    s.equal("sync ?keep_missing=1: every job is there", [j[1] for j in jobs()], ["a", "b", "c"])

    # --- applied: update in place, unchanged, delete
    r = s.call("sync update, unchanged, delete", "POST", SYNC, 200, body)
    s.equal("sync applied: a updated in place, c unchanged, b deleted",
            steps(r), [["update", "cron-001", "a", ["grace_time_in_minutes"]], ["unchanged", "cron-003", "c", []],
                       ["delete", "cron-002", "b", []]])
    s.equal("sync applied: data is the jobs after the sync",
            [[j["id"], j["name"], j["grace_time_in_minutes"]] for j in r.json.get("data", [])],
            [["cron-001", "a", 20], ["cron-003", "c", 10]])
    s.equal("sync applied: the updated job kept its uuid and is marked cronCheckChanged",
            [r.json["data"][0].get("uuid"), r.json["data"][0].get("latest_result")], [uuid_a, "cronCheckChanged"])
    check("sync applied: the crontab follows (a and c installed, b gone)",
          "cron-001" in crontab() and "cron-003" in crontab() and "cron-002" not in crontab(), crontab())

    # --- refusals change nothing
    before, cron_before = jobs(), crontab()
    r = s.call("sync with bad entries", "POST", SYNC, 422,
               {"cron_checks": [entry("ok"), entry("x", "61 * * * *"), entry("y", server_timezone="Mars/Olympus"),
                                entry("ok", "0 5 * * *")]})
    s.equal("sync with bad entries: every problem keyed cron_checks.N.field",
            sorted((r.json or {}).get("errors", {})),
            ["cron_checks.1.cron_expression", "cron_checks.2.server_timezone", "cron_checks.3.name"])
    s.equal("sync with bad entries: the seed's message", (r.json or {}).get("message"), "The given data was invalid.")
    r = s.call("sync without cron_checks", "POST", SYNC, 422, {})
    check("sync without cron_checks: the error names cron_checks", "cron_checks" in (r.json or {}).get("errors", {}),
          r.describe())
    r = s.call("sync with an unknown field", "POST", SYNC, 422, {"cron_checks": [entry("z", enabeld=True)]})
    check("sync with an unknown field: named cron_checks.0.enabeld",
          "cron_checks.0.enabeld" in (r.json or {}).get("errors", {}), r.describe())
    for what, sent in (("malformed JSON", '{"cron_checks": ['), ("an array body", "[]"),
                       ("cron_checks as an object", {"cron_checks": {}}),
                       ("an entry that is a string", {"cron_checks": ["a"]}),
                       ("enabled as a string", {"cron_checks": [entry("z", enabled="yes")]})):
        r = s.call(f"sync with {what}", "POST", SYNC, 400, sent)
    check("sync with enabled as a string: the message names cron_checks.0.enabled",
          "cron_checks.0.enabled" in (r.json or {}).get("message", ""), r.describe())
    r = s.call("sync ?dry_run=maybe", "POST", SYNC + "?dry_run=maybe", 422, body)
    check("sync ?dry_run=maybe: the error names dry_run", "dry_run" in (r.json or {}).get("errors", {}), r.describe())
    s.equal("refused syncs changed no job", jobs(), before)
    s.equal("refused syncs changed no crontab line", crontab(), cron_before)

    # --- the route: POST only, also at the seed's doubled path, /sync before /:id
    r = s.call("GET /sync", "GET", SYNC, 405)
    check("GET /sync: Allow says POST", (r.header("Allow") or "").strip() == "POST", r.describe())
    r = s.call("sync at the doubled seed path", "POST", P + SYNC + "?dry_run=true", 200, body)
    s.equal("sync at the doubled seed path: the same plan, nothing to do", [x[0] for x in steps(r)],
            ["unchanged", "unchanged"])

    # --- the seed's own example: the destructive sync leaves exactly its two jobs
    seed = {"cron_checks": [
        {"name": "cron job #1", "type": "cron", "cron_expression": "* * * * *", "grace_time_in_minutes": 10,
         "server_timezone": "UTC"},
        {"name": "cron job #2", "type": "cron", "cron_expression": "0 * * * *", "grace_time_in_minutes": 10,
         "server_timezone": "UTC"}]}
    r = s.call("sync the seed's example", "POST", SYNC, 200, seed)
    s.equal("sync the seed's example: only its two jobs remain, with its fields",
            [[j.get("name"), j.get("type"), j.get("cron_expression"), j.get("grace_time_in_minutes"),
              j.get("server_timezone")] for j in (r.json or {}).get("data", [])],
            [["cron job #1", "cron", "* * * * *", 10, "UTC"], ["cron job #2", "cron", "0 * * * *", 10, "UTC"]])
    s.equal("sync the seed's example: a and c deleted", [x[0] for x in steps(r)],
            ["create", "create", "delete", "delete"])
    check(f"no response body echoes a request header ({client.requests} requests)", not client.echoes,
          " | ".join(client.echoes[:3]))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # counted as a failure by test_sync.sh
        print(f"FAIL sync_http.py ran to its end :: {type(e).__name__}: {sc.one_line(e)}", flush=True)
        raise
