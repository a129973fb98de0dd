#!/usr/bin/env python3
"""The HTTP side of tests/e2e/test_seed_api.sh: the monitoring seed's own cron-check API
(/api/monitors/{monitorId}/cron-checks..., /api/cron-checks/{id}...) on a running `certcron serve`
with a token and an empty database, driven with the seed's example bodies verbatim. Prints
"PASS ..." / "FAIL ... :: detail" lines like serve_contract.py, whose client and document checks
it uses: every JSON answer is validated against the schema /openapi.json gives for its route and
status. Only 127.0.0.1, with timeouts and a bounded number of requests."""

import argparse
import copy
import datetime
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve_contract as sc  # noqa: E402

check = sc.check
CHECKS = "/api/monitors/1/cron-checks"
SYNC = CHECKS + "/sync"

# The seed's request bodies (shared/seeds/004), verbatim.
SEED_SIMPLE = {
    "name": "your cron job name",
    "type": "simple",
    "frequency_in_minutes": 10,
    "grace_time_in_minutes": 15,
    "description": "a description goes here"
}
SEED_CRON = {
    "name": "your cron job name",
    "type": "cron",
    "cron_expression": "* * * * *",
    "grace_time_in_minutes": 10,
    "description": "a description goes here",
    "server_timezone": "UTC"
}
SEED_SYNC = {
    "cron_checks": [
        {
            "name": "cron job #1",
            "type": "cron",
            "cron_expression": "* * * * *",
            "grace_time_in_minutes": 10,
            "server_timezone": "UTC"
        },
        {
            "name": "cron job #2",
            "type": "cron",
            "cron_expression": "0 * * * *",
            "grace_time_in_minutes": 10,
            "server_timezone": "UTC"
        }
    ]
}
SEED_DUPLICATE = {"message": "The given data was invalid.",
                  "errors": {"name": ["There already exist a cron check with this name."]}}
# The seed's cron check object: its keys, in its order, with the JSON type each has there.
SEED_OBJECT = {
    "id": 1, "uuid": "0d210b09", "name": "cronjob number one", "type": "simple",
    "description": "a description goes here", "frequency_in_minutes": 15, "grace_time_in_minutes": 5,
    "cron_expression": None, "human_readable_cron_expression": "", "server_timezone": "Europe/Brussels",
    "ping_url": "https://ping.ohdear.app/0d210b09", "created_at": "2020-07-28 13:27:02",
    "latest_result": "pingFinished", "latest_result_label": "ok", "latest_result_label_color": "green",
    "latest_ping_at": "2020-11-16 09:19:40", "human_readable_latest_ping_at": "5 minutes ago", "active_snooze": None,
}
# Keys the seed shows as a value that may also be null, and the reverse.
MAY_BE_NULL = {"frequency_in_minutes", "latest_result", "latest_ping_at", "human_readable_latest_ping_at"}
NULL_OR_OBJECT = {"active_snooze"}
NULL_OR_STRING = {"cron_expression"}
SEED_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def seed_shape_problems(obj):
    """Where `obj` differs from the seed's object in keys, their order, or a value's JSON type."""
    if not isinstance(obj, dict):
        return [f"not an object: {obj!r}"]
    problems = []
    if list(obj) != list(SEED_OBJECT):
        problems.append(f"keys {list(obj)}, the seed's order is {list(SEED_OBJECT)}")
    for key, example in SEED_OBJECT.items():
        got = sc.json_type(obj.get(key, KeyError))
        want = {sc.json_type(example)}
        if key in MAY_BE_NULL:
            want.add("null")
        if key in NULL_OR_OBJECT:
            want.add("object")
        if key in NULL_OR_STRING:
            want.add("string")
        if key in obj and got not in want:
            problems.append(f"{key} is {got}, expected {sorted(want)}")
    return problems


class SeedSuite(sc.Suite):
    def cron_check(self, label, obj, /, **expected):
        """The seed's shape, then each expected field's value."""
        problems = seed_shape_problems(obj)
        check(f"{label}: the seed's cron check object (its keys, order and types)", not problems,
              "; ".join(problems) + f" in {json.dumps(obj)[:600]}")
        if isinstance(obj, dict):
            for key, want in expected.items():
                self.equal(f"{label}: {key} is {json.dumps(want)}", obj.get(key), want)

    def no_content(self, name, resp):
        check(f"{name}: 204 with an empty body and no Content-Type",
              resp.status == 204 and resp.body == b"" and resp.header("Content-Type") is None, resp.describe())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--bin", required=True, help="the certcron binary, for a ping in the past")
    ap.add_argument("--db", required=True, help="the server's database")
    ap.add_argument("--now", required=True, help="the server's CERTCRON_NOW")
    args = ap.parse_args()
    client = sc.Client(args.port, token=args.token)
    served = client.request("GET", "/openapi.json")
    if not check("GET /openapi.json gives the document", served.status == 200, served.describe()):
        return
    doc = served.json
    check("the document has the CronCheck schema", "CronCheck" in doc.get("components", {}).get("schemas", {}))
    s = SeedSuite(client, sc.Contract(doc))
    base = f"http://127.0.0.1:{args.port}"
    now = datetime.datetime.fromisoformat(args.now.replace("Z", "+00:00"))
    seed_time = lambda t: t.strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    rfc3339 = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    now_seed = seed_time(now)
    five_before = now - datetime.timedelta(minutes=5)

    def listed():
        r = client.request("GET", CHECKS)
        return (r.json or {}).get("data", []) if r.status == 200 else r.describe()

    # --- the token guards every route of the seed's API
    for method, path, body in (("GET", CHECKS, None), ("POST", CHECKS, SEED_SIMPLE), ("POST", SYNC, SEED_SYNC),
                               ("PUT", "/api/cron-checks/1", SEED_CRON), ("DELETE", "/api/cron-checks/1", None),
                               ("POST", "/api/cron-checks/1/snooze", {"minutes": 5}),
                               ("POST", "/api/cron-checks/1/unsnooze", None), ("GET", "/api/monitors/2/cron-checks", None)):
        r = s.call(f"{method} {path} without the token", method, path, 401, body, auth=None)
        s.equal(f"{method} {path} without the token: the Unauthenticated body", r.json, {"message": "Unauthenticated."})
    s.call("GET list with a wrong token", "GET", CHECKS, 401, auth="Bearer not-" + args.token)
    r = s.call("list, empty", "GET", CHECKS, 200)
    s.equal("list, empty: {\"data\": []} (nothing was created without the token)", r.json, {"data": []})

    # --- create: the seed's simple body
    r = s.call("create with the seed's simple body", "POST", CHECKS, 201, SEED_SIMPLE)
    simple = r.json or {}
    uuid = simple.get("uuid", "")
    check("create simple: uuid is a v4 uuid", bool(UUID4.match(str(uuid))), str(uuid))
    s.cron_check("create simple", simple, id=1, name="your cron job name", type="simple",
                 description="a description goes here", frequency_in_minutes=10, grace_time_in_minutes=15,
                 cron_expression=None, human_readable_cron_expression="", server_timezone="UTC",
                 ping_url=f"{base}/ping/{uuid}", created_at=now_seed, latest_result=None,
                 latest_result_label="pending", latest_result_label_color="grey", latest_ping_at=None,
                 human_readable_latest_ping_at=None, active_snooze=None)

    # --- the seed's cron body has the same name: the seed's duplicate error, on name
    r = s.call("create with the seed's cron body while its name exists", "POST", CHECKS, 422, SEED_CRON)
    s.equal("the duplicate name: the seed's error, on name", r.json, SEED_DUPLICATE)

    # --- what the seed requires, each missing one a 422 on that field
    for missing, body in (("grace_time_in_minutes", SEED_SIMPLE), ("type", SEED_SIMPLE),
                          ("frequency_in_minutes", SEED_SIMPLE), ("server_timezone", SEED_CRON),
                          ("grace_time_in_minutes", SEED_CRON), ("cron_expression", SEED_CRON)):
        sent = {k: v for k, v in body.items() if k != missing}
        sent["name"] = "lacking " + missing
        r = s.call(f"create {body['type']} without {missing}", "POST", CHECKS, 422, sent)
        check(f"create {body['type']} without {missing}: the error is on {missing}",
              missing in (r.json or {}).get("errors", {}), r.describe())
    r = s.call("create with a bad cron expression", "POST", CHECKS, 422, dict(SEED_CRON, name="bad", cron_expression="61 * * * *"))
    check("a bad cron expression: the error is on cron_expression",
          "cron_expression" in (r.json or {}).get("errors", {}), r.describe())
    s.call("create with malformed JSON", "POST", CHECKS, 400, '{"name": ')
    s.equal("refused creates created nothing", [c.get("name") for c in listed()], ["your cron job name"])

    # --- monitor 2 and unknown ids are 404
    for method, path, body in (("GET", "/api/monitors/2/cron-checks", None),
                               ("POST", "/api/monitors/2/cron-checks", dict(SEED_SIMPLE, name="on monitor 2")),
                               ("POST", "/api/monitors/2/cron-checks/sync", SEED_SYNC),
                               ("GET", "/api/monitors/one/cron-checks", None),
                               ("PUT", "/api/cron-checks/999", {"grace_time_in_minutes": 5}),
                               ("PUT", "/api/cron-checks/abc", {"grace_time_in_minutes": 5}),
                               ("PUT", "/api/cron-checks/cron-001", {"grace_time_in_minutes": 5}),
                               ("DELETE", "/api/cron-checks/999", None), ("DELETE", "/api/cron-checks/1.0", None),
                               ("POST", "/api/cron-checks/999/snooze", {"minutes": 5}),
                               ("POST", "/api/cron-checks/999/unsnooze", None)):
        r = s.call(f"{method} {path}", method, path, 404, body)
    s.equal("monitor 2 and unknown ids changed nothing", [c.get("name") for c in listed()], ["your cron job name"])
    r = s.call("PATCH /api/cron-checks/1", "PATCH", "/api/cron-checks/1", 405)
    s.equal("PATCH /api/cron-checks/1: Allow is PUT, DELETE", r.header("Allow"), "PUT, DELETE")

    # --- delete: 204, empty; then the seed's cron body creates
    r = client.request("DELETE", "/api/cron-checks/1")
    s.no_content("delete the simple check", r)
    s.call("delete it again", "DELETE", "/api/cron-checks/1", 404)
    r = s.call("create with the seed's cron body", "POST", CHECKS, 201, SEED_CRON)
    cron = r.json or {}
    s.cron_check("create cron", cron, id=2, name="your cron job name", type="cron",
                 description="a description goes here", frequency_in_minutes=None, grace_time_in_minutes=10,
                 cron_expression="* * * * *", server_timezone="UTC", ping_url=f"{base}/ping/{cron.get('uuid')}",
                 created_at=now_seed, latest_ping_at=None, human_readable_latest_ping_at=None, active_snooze=None)
    hrce = cron.get("human_readable_cron_expression")
    check("create cron: human_readable_cron_expression says the schedule",
          isinstance(hrce, str) and hrce != "", json.dumps(hrce))
    r = s.call("list after the creates", "GET", CHECKS, 200)
    s.equal("list: {\"data\": [the cron check]}", r.json, {"data": [cron]})

    # --- update with the fields of creation
    update = {"name": "renamed", "type": "cron", "cron_expression": "0 * * * *", "grace_time_in_minutes": 20,
              "server_timezone": "Europe/Brussels", "description": "changed"}
    r = s.call("PUT with the fields of creation", "PUT", "/api/cron-checks/2", 200, update)
    s.cron_check("PUT", r.json, id=2, uuid=cron.get("uuid"), name="renamed", cron_expression="0 * * * *",
                 grace_time_in_minutes=20, server_timezone="Europe/Brussels", description="changed",
                 created_at=now_seed, latest_result="cronCheckChanged")
    r = s.call("PUT to simple", "PUT", "/api/cron-checks/2", 200, {"type": "simple", "frequency_in_minutes": 30})
    s.cron_check("PUT to simple", r.json, type="simple", frequency_in_minutes=30, cron_expression=None,
                 human_readable_cron_expression="")
    r = s.call("PUT a type without its schedule", "PUT", "/api/cron-checks/2", 422, {"type": "cron"})
    r = s.call("PUT back to the seed's cron body", "PUT", "/api/cron-checks/2", 200, SEED_CRON)
    s.cron_check("PUT back", r.json, name="your cron job name", type="cron", cron_expression="* * * * *",
                 frequency_in_minutes=None, grace_time_in_minutes=10, server_timezone="UTC")

    # --- snooze and unsnooze
    r = s.call("snooze {\"minutes\": 60}", "POST", "/api/cron-checks/2/snooze", 200, {"minutes": 60})
    s.cron_check("snooze", r.json, id=2)
    snooze = (r.json or {}).get("active_snooze")
    check("snooze: active_snooze is {ends_at: now + 60 minutes, minutes: 60}",
          snooze == {"ends_at": rfc3339(now + datetime.timedelta(minutes=60)), "minutes": 60}, json.dumps(snooze))
    for minutes in (0, 144001):
        r = s.call(f"snooze {minutes} minutes", "POST", "/api/cron-checks/2/snooze", 422, {"minutes": minutes})
        check(f"snooze {minutes} minutes: the error is on minutes", "minutes" in (r.json or {}).get("errors", {}),
              r.describe())
    r = s.call("snooze without minutes", "POST", "/api/cron-checks/2/snooze", 422, {})
    r = s.call("snooze 144000 minutes", "POST", "/api/cron-checks/2/snooze", 200, {"minutes": 144000})
    check("snooze 144000 minutes: active", ((r.json or {}).get("active_snooze") or {}).get("minutes") == 144000,
          r.describe())
    r = s.call("unsnooze", "POST", "/api/cron-checks/2/unsnooze", 200)
    s.cron_check("unsnooze", r.json, id=2, active_snooze=None)

    # --- pings: one five minutes before the server's now (from the CLI), then one now (the ping URL)
    env = dict(os.environ, CERTCRON_NOW=rfc3339(five_before))
    done = subprocess.run([args.bin, "--db", args.db, "ping", "cron-002", "finished"], env=env,
                          capture_output=True, text=True, timeout=30)
    check("certcron ping cron-002 finished, five minutes before now", done.returncode == 0, done.stderr)
    r = s.call("list after a ping five minutes ago", "GET", CHECKS, 200)
    item = ((r.json or {}).get("data") or [{}])[0]
    s.cron_check("after a ping five minutes ago", item, latest_result="pingFinished", latest_result_label="ok",
                 latest_result_label_color="green",
                 latest_ping_at=seed_time(five_before),
                 human_readable_latest_ping_at="5 minutes ago")
    r = client.request("POST", f"/ping/{cron.get('uuid')}/failed", body={"exit_code": 1}, auth=None)
    check("POST to the ping_url + /failed, without a token", r.status == 200, r.describe())
    r = s.call("list after a failed ping now", "GET", CHECKS, 200)
    item = ((r.json or {}).get("data") or [{}])[0]
    s.cron_check("after a failed ping now", item, latest_result="pingFailed", latest_result_label="failed",
                 latest_result_label_color="red", latest_ping_at=now_seed, human_readable_latest_ping_at="just now")

    # --- sync: the seed's body, verbatim, is destructive
    r = s.call("sync with the seed's body", "POST", SYNC, 200, SEED_SYNC)
    data = (r.json or {}).get("data")
    check("sync: the answer is {\"data\": [cron checks]}", isinstance(r.json, dict) and list(r.json) == ["data"],
          r.describe())
    data = data if isinstance(data, list) else []
    for i, item in enumerate(data):
        s.cron_check(f"sync: data[{i}]", item)
    s.equal("sync: only the seed's two checks remain, with its fields",
            [[c.get("id"), c.get("name"), c.get("type"), c.get("cron_expression"), c.get("grace_time_in_minutes"),
              c.get("server_timezone")] for c in data],
            [[3, "cron job #1", "cron", "* * * * *", 10, "UTC"], [4, "cron job #2", "cron", "0 * * * *", 10, "UTC"]])
    s.equal("sync: the list is the answer", listed(), data)
    s.call("the synced-away check is gone", "PUT", "/api/cron-checks/2", 404, {"grace_time_in_minutes": 5})

    # A ping, then a sync that changes #1 and keeps #2: ids, uuids and history stay.
    first = data[0] if data else {}
    r = client.request("GET", f"/ping/{first.get('uuid')}", auth=None)
    check("a ping to cron job #1's ping_url", r.status == 200, r.describe())
    changed = copy.deepcopy(SEED_SYNC)
    changed["cron_checks"][0]["grace_time_in_minutes"] = 20
    r = s.call("sync again with #1's grace time changed", "POST", SYNC, 200, changed)
    again = (r.json or {}).get("data") or [{}, {}]
    s.equal("sync again: same ids and uuids, #1 updated in place, its last ping kept",
            [[c.get("id"), c.get("uuid"), c.get("grace_time_in_minutes"), c.get("latest_ping_at")] for c in again],
            [[3, first.get("uuid"), 20, now_seed], [4, data[1].get("uuid") if len(data) > 1 else None, 10, None]])

    # --- a refused sync: every problem keyed cron_checks.N.field, nothing changed
    before = listed()
    bad = copy.deepcopy(SEED_SYNC)
    bad["cron_checks"].append({"name": "cron job #3", "type": "cron", "cron_expression": "61 * * * *",
                               "grace_time_in_minutes": 10, "server_timezone": "UTC"})
    del bad["cron_checks"][1]["server_timezone"]
    r = s.call("sync with bad entries", "POST", SYNC, 422, bad)
    s.equal("sync with bad entries: the problems keyed cron_checks.N.field",
            sorted((r.json or {}).get("errors", {})), ["cron_checks.1.server_timezone", "cron_checks.2.cron_expression"])
    s.equal("sync with bad entries: the seed's message", (r.json or {}).get("message"), "The given data was invalid.")
    r = s.call("sync without cron_checks", "POST", SYNC, 422, {})
    check("sync without cron_checks: the error is on cron_checks", "cron_checks" in (r.json or {}).get("errors", {}),
          r.describe())
    s.equal("refused syncs changed nothing", listed(), before)

    # --- delete what is left
    for item in before:
        s.no_content(f"delete {item.get('id')}", client.request("DELETE", f"/api/cron-checks/{item.get('id')}"))
    r = s.call("list at the end", "GET", CHECKS, 200)
    s.equal("list at the end: empty", r.json, {"data": []})
    check(f"no response body echoes a request header ({client.requests} requests)", not client.echoes,
          " | ".join(client.echoes[:3]))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # counted as a failure by test_seed_api.sh
        print(f"FAIL seed_api.py ran to its end :: {type(e).__name__}: {sc.one_line(e)}", flush=True)
        raise
