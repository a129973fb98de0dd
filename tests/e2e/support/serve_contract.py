#!/usr/bin/env python3
"""The HTTP side of tests/e2e/test_serve.sh: drives `certcron serve` with a real HTTP client.

Each scenario prints one line per check, "PASS <what it proves>" or "FAIL <what it proves> ::
<request, expected, got>", which test_serve.sh counts. Every response of the API is validated
against the schema that the server's own /openapi.json gives for that route and status (JSON
Schema draft 2020-12, `#/components/...` references resolved inside the document). The exit
status is 0 when the scenario ran to its end, whatever the checks said.

Only the standard library and python3-jsonschema (Debian 12: 4.10) are used. Every request
goes to 127.0.0.1, with a timeout, and a process makes at most MAX_REQUESTS of them.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import select
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

import jsonschema

P = "/api/v1/certification-cron"
SEED = P + P
PREFIXES = (("api", P), ("seed path", SEED))
MAX_REQUESTS = 2500
TIMEOUT = 10.0
# Sent with every request; no response body may contain it (error bodies never echo headers).
PROBE_HEADER, PROBE_VALUE = "X-Certcron-Probe", "probe-5d1e8b0c3a"
# What must never reach a client: exception text of the JSON library, the C++ runtime, Beast.
LEAK = re.compile(r"json\.exception|parse_error|type_error|what\(\)|std::|nlohmann|boost|beast|terminate", re.I)

# The seed's response examples (shared/seeds/000: the API contract), key for key.
SEED_LIST = {"data": [{"id": "cron-001", "name": "nightly_expiry_check", "cron_expression": "0 2 * * *",
                       "status": "active", "last_run_at": "2026-03-25T02:00:00Z", "last_run_status": "success",
                       "next_run_at": "2026-03-26T02:00:00Z"}],
             "pagination": {"page": 1, "limit": 20, "total": 1}}
SEED_GET = {"id": "cron-001", "name": "nightly_expiry_check", "cron_expression": "0 2 * * *", "status": "active",
            "last_run_at": "2026-03-25T02:00:00Z", "last_run_status": "success",
            "last_run_result": {"mentors_checked": 124, "reminders_sent": 3, "errors": 0},
            "next_run_at": "2026-03-26T02:00:00Z", "created_at": "2025-01-15T00:00:00Z"}
SEED_CREATE = {"id": "cron-001", "name": "nightly_expiry_check", "cron_expression": "0 2 * * *", "status": "active",
               "next_run_at": "2026-03-27T02:00:00Z", "created_at": "2026-03-26T10:00:00Z"}
SEED_UPDATE = {"id": "cron-001", "cron_expression": "0 3 * * *", "status": "active",
               "next_run_at": "2026-03-27T03:00:00Z", "updated_at": "2026-03-26T10:00:00Z"}
SEED_DELETE = {"deleted": True, "id": "cron-001"}
SEED_EXECUTE = {"run_id": "run-0089", "cron_id": "cron-001", "triggered_at": "2026-03-26T10:05:00Z",
                "status": "running"}
SEED_RUNS = {"data": [{"run_id": "run-0088", "cron_id": "cron-001", "started_at": "2026-03-25T02:00:00Z",
                       "completed_at": "2026-03-25T02:01:12Z", "status": "success",
                       "result": {"mentors_checked": 124, "reminders_sent": 3, "errors": 0}}],
             "pagination": {"page": 1, "limit": 20, "total": 90}}
SEED_DUPLICATE = {"message": "The given data was invalid.",
                  "errors": {"name": ["There already exist a cron check with this name."]}}
# Keys that are null until the job has a run (or while it is disabled).
BEFORE_FIRST_RUN = {"last_run_at", "last_run_status", "last_run_result", "next_run_at"}

# src/json/shapes.cpp job_to_json and run_to_json.
JOB_KEYS = {"id", "name", "description", "type", "cron_expression", "frequency_in_minutes",
            "grace_time_in_minutes", "max_runtime_in_minutes", "catch_up", "server_timezone", "status", "uuid", "ping_url",
            "human_readable_cron_expression", "last_run_at", "last_run_status", "last_run_result",
            "next_run_at", "latest_result", "latest_result_label", "latest_result_label_color",
            "latest_ping_at", "active_snooze", "created_at", "updated_at"}
JOB_OPTIONAL_KEYS = {"schedule_error"}
RUN_KEYS = {"run_id", "cron_id", "trigger", "scheduled_for", "started_at", "completed_at", "status",
            "dry_run", "result"}
RUN_OPTIONAL_KEYS = {"error"}
RESULT_KEYS = {"mentors_checked", "reminders_sent", "errors", "certifications_checked"}
JOB_ID = re.compile(r"^cron-[0-9]{3,}$")
RUN_ID = re.compile(r"^run-[0-9]{4,}$")


# ----------------------------------------------------------------------------- reporting

class Report:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def check(self, name, good, detail=""):
        line = ("PASS " + name) if good else ("FAIL " + name + " :: " + one_line(detail))
        with self.lock:
            self.count += 1
            print(line, flush=True)
        return bool(good)


def one_line(text):
    text = str(text).replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= 1500 else text[:1500] + "..."


report = Report()
check = report.check


# ----------------------------------------------------------------------------- HTTP

class Response:
    def __init__(self, method, path, status, headers, body, elapsed):
        self.method, self.path, self.status = method, path, status
        self.headers = headers  # [(name, value)]
        self.body = body
        self.elapsed = elapsed
        self.json = None
        self.json_error = None
        if body:
            try:
                self.json = json.loads(body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                self.json_error = str(e)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def describe(self):
        return f"{self.method} {self.path} -> {self.status} {self.body[:600]!r}"


class Client:
    def __init__(self, port, token=None):
        self.port = port
        self.token = token
        self.requests = 0
        self.echoes = []  # responses whose body contains the probe header's value
        self.lock = threading.Lock()

    def count(self):
        with self.lock:
            self.requests += 1
            if self.requests > MAX_REQUESTS:
                raise RuntimeError(f"more than {MAX_REQUESTS} requests: the suite is runaway")

    def request(self, method, path, body=None, headers=None, auth="default", conn=None, timeout=TIMEOUT):
        """body: dict/list (sent as JSON), str/bytes (sent as is) or None. auth: "default" (the
        client's token if any), None (no Authorization header) or a full header value."""
        self.count()
        hdrs = {PROBE_HEADER: PROBE_VALUE}
        if auth == "default":
            if self.token:
                hdrs["Authorization"] = "Bearer " + self.token
        elif auth is not None:
            hdrs["Authorization"] = auth
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode("utf-8")
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = body
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        own = conn is None
        if own:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            conn.request(method, path, body=data, headers=hdrs)
            resp = conn.getresponse()
            payload = resp.read()
            result = Response(method, path, resp.status, resp.getheaders(), payload, time.monotonic() - started)
        finally:
            if own:
                conn.close()
        if PROBE_VALUE.encode() in result.body:
            self.echoes.append(result.describe())
        return result


# ----------------------------------------------------------------------------- the document

def is_date_time(value):
    if not isinstance(value, str):
        return True
    if not re.match(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", value):
        return False
    datetime.datetime.fromisoformat(value[:19])  # raises on a day or hour that does not exist
    return True


def is_uuid(value):
    if not isinstance(value, str):
        return True
    return len(value) == 36 and str(uuid.UUID(value)) == value.lower()


def is_uri(value):
    if not isinstance(value, str):
        return True
    parts = urllib.parse.urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or bool(parts.path)) and " " not in value


def format_checker():
    # Our own checkers, so the outcome does not depend on which optional packages jsonschema
    # found (without rfc3339-validator it would accept any string as a date-time).
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time", raises=(ValueError,))(is_date_time)
    checker.checks("uuid", raises=(ValueError,))(is_uuid)
    checker.checks("uri", raises=(ValueError,))(is_uri)
    return checker


class Contract:
    """The routes, statuses and schemas of one OpenAPI document."""

    def __init__(self, doc):
        self.doc = doc
        self.checker = format_checker()
        self.validators = {}
        self.routes = []
        for template, item in doc.get("paths", {}).items():
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
            literal = len(re.sub(r"\{[^}]+\}", "", template))
            self.routes.append((literal, template, re.compile(pattern), item))
        self.routes.sort(key=lambda r: -r[0])

    def validator(self, ref):
        if ref not in self.validators:
            schema = {"$ref": ref, "components": self.doc.get("components", {})}
            self.validators[ref] = jsonschema.Draft202012Validator(schema, format_checker=self.checker)
        return self.validators[ref]

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/components/responses/"):
            node = self.doc["components"]["responses"][node["$ref"].rsplit("/", 1)[1]]
        return node

    def route(self, path):
        raw = path.split("?", 1)[0]
        for _, template, regex, item in self.routes:
            if regex.match(raw):
                return template, item
        return None, None

    def allowed(self, path):
        _, item = self.route(path)
        methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
        return {m.upper() for m in item if m in methods} if item else set()

    def expected_schema(self, method, path, status):
        """(schema $ref, problem): where the document says this response's body is described."""
        template, item = self.route(path)
        if item is None:
            if status == 404:
                return "#/components/schemas/Error", None
            return None, f"no path of the document matches {path}"
        operation = item.get(method.lower())
        if operation is None:
            if status == 405:
                return "#/components/schemas/Error", None
            return None, f"{method} {template} is not in the document, yet it answered {status}"
        response = self.resolve(operation.get("responses", {}).get(str(status)))
        if response is None:
            return None, f"status {status} is not documented for {method} {template}"
        content = response.get("content", {}).get("application/json")
        if content is None:
            return None, f"{method} {template} {status} documents no application/json body"
        return content["schema"]["$ref"], None

    def errors(self, ref, instance):
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
                for e in self.validator(ref).iter_errors(instance)]


# ----------------------------------------------------------------------------- checks

class Suite:
    def __init__(self, client, contract):
        self.c = client
        self.contract = contract

    def call(self, name, method, path, expect, body=None, **kw):
        """One request: checks the status, then the body against the document. Returns the
        response."""
        resp = self.c.request(method, path, body=body, **kw)
        check(f"{name}: {method} answers {expect}", resp.status == expect,
              f"{resp.describe()} (expected {expect})")
        self.schema(name, resp)
        return resp

    def schema(self, name, resp):
        problems = []
        ctype = resp.header("Content-Type") or ""
        if not ctype.startswith("application/json"):
            problems.append(f"Content-Type is {ctype!r}, not application/json")
        ref, problem = self.contract.expected_schema(resp.method, resp.path, resp.status)
        if problem:
            problems.append(problem)
        if resp.json_error is not None or not resp.body:
            problems.append(f"the body is not JSON: {resp.json_error or 'empty'}")
        elif ref:
            problems += self.contract.errors(ref, resp.json)
        if resp.status >= 400 and isinstance(resp.json, dict) and isinstance(resp.json.get("message"), str):
            if LEAK.search(resp.json["message"]):
                problems.append("the message carries implementation text")
        what = ref.rsplit("/", 1)[1] if ref else "?"
        return check(f"{name}: the {resp.status} body is the documented {what}", not problems,
                     f"{resp.describe()}: " + "; ".join(problems[:8]))

    def equal(self, name, got, expected):
        return check(name, got == expected, f"got {json.dumps(got)[:800]}, expected {json.dumps(expected)[:800]}")

    def seed_shape(self, name, obj, example, nullable=frozenset()):
        """Every key the seed's example shows is present, with the example's JSON type (or null
        for the keys in `nullable`), recursively."""
        problems = []
        seed_walk(obj, example, "", nullable, problems)
        return check(f"{name}: has every key of the contract's example, with its type", not problems,
                     "; ".join(problems[:10]) + f" in {json.dumps(obj)[:600]}")

    def job_keys(self, name, job):
        keys = set(job) if isinstance(job, dict) else set()
        good = JOB_KEYS <= keys and keys <= JOB_KEYS | JOB_OPTIONAL_KEYS and JOB_ID.match(str(job.get("id")))
        return check(f"{name}: the job has exactly job_to_json's keys and an id cron-NNN", good,
                     f"missing {sorted(JOB_KEYS - keys)}, extra {sorted(keys - JOB_KEYS - JOB_OPTIONAL_KEYS)}, "
                     f"id {job.get('id') if isinstance(job, dict) else job!r}")

    def run_keys(self, name, run):
        keys = set(run) if isinstance(run, dict) else set()
        result = run.get("result") if isinstance(run, dict) else None
        good = (RUN_KEYS <= keys and keys <= RUN_KEYS | RUN_OPTIONAL_KEYS and RUN_ID.match(str(run.get("run_id")))
                and JOB_ID.match(str(run.get("cron_id"))) and (result is None or set(result) == RESULT_KEYS))
        return check(f"{name}: the run has exactly run_to_json's keys, ids run-NNNN and cron-NNN", good,
                     json.dumps(run)[:600])


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def seed_walk(obj, example, where, nullable, problems):
    if not isinstance(obj, dict):
        problems.append(f"{where or '(root)'} is {json_type(obj)}, not an object")
        return
    for key, want in example.items():
        at = f"{where}.{key}" if where else key
        if key not in obj:
            problems.append(f"{at} is missing")
            continue
        got = obj[key]
        if got is None and key in nullable:
            continue
        if json_type(got) != json_type(want):
            problems.append(f"{at} is {json_type(got)}, the contract has {json_type(want)}")
        elif isinstance(want, dict):
            seed_walk(got, want, at, nullable, problems)
        elif isinstance(want, list) and want:
            for i, item in enumerate(got):
                seed_walk(item, want[0], f"{at}[{i}]", nullable, problems)
    if where == "" and isinstance(example.get("id"), str) and "id" in obj:
        if not JOB_ID.match(str(obj["id"])):
            problems.append(f"id {obj['id']!r} is not cron-NNN")


def q(text):
    return urllib.parse.quote(text, safe="")


# ----------------------------------------------------------------------------- scenarios

def scenario_api(s, args):
    """Every route at both prefixes: statuses, the contract's shapes, the schemas."""
    c = s.c
    health = s.call("GET /healthz", "GET", "/healthz", 200)
    s.equal("GET /healthz says ok", health.json, {"status": "ok"})

    with open(args.doc, encoding="utf-8") as f:
        source_doc = json.load(f)
    served = c.request("GET", "/openapi.json")
    s.equal("GET /openapi.json serves src/http/openapi.json (the embedded document is the source file)",
            served.json, source_doc)

    # One connection, two requests: the server keeps HTTP/1.1 connections alive.
    conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=TIMEOUT)
    try:
        first = c.request("GET", "/healthz", conn=conn)
        second = c.request("GET", P + "?limit=1", conn=conn)
        check("two requests on one kept-alive connection are both answered",
              first.status == 200 and second.status == 200, f"{first.describe()} / {second.describe()}")
    finally:
        conn.close()

    created_names = []
    for label, prefix in PREFIXES:
        at = f"[{label}]"
        n = "a" if prefix == P else "b"
        before = c.request("GET", prefix).json["pagination"]["total"]

        # --- create: the seed's request, then every optional field
        name_a = f"nightly_expiry_check_{n}"
        r = s.call(f"{at} create with the contract's request", "POST", prefix, 201,
                   {"name": name_a, "cron_expression": "0 2 * * *", "enabled": True})
        job_a = r.json or {}
        s.job_keys(f"{at} create", job_a)
        s.seed_shape(f"{at} create", job_a, SEED_CREATE, BEFORE_FIRST_RUN)
        s.equal(f"{at} create: the job is what was asked (name, cron, active, cron type, default grace 5)",
                [job_a.get(k) for k in ("name", "cron_expression", "status", "type", "frequency_in_minutes",
                                        "grace_time_in_minutes", "description", "last_run_at")],
                [name_a, "0 2 * * *", "active", "cron", None, 5, "", None])
        s.equal(f"{at} create: created_at and updated_at are the server's now",
                [job_a.get("created_at"), job_a.get("updated_at")], [args.now, args.now])
        id_a = job_a.get("id", "cron-000")
        created_names.append(name_a)
        location = r.header("Location")
        check(f"{at} create: Location names the new job", location in (f"{P}/{id_a}", f"{prefix}/{id_a}"),
              f"Location {location!r}, id {id_a}")
        if location and location.startswith("/"):
            got = c.request("GET", location)
            check(f"{at} create: the Location URL answers the new job", got.status == 200 and
                  (got.json or {}).get("id") == id_a, got.describe())
        check(f"{at} create: ping_url is this server's /ping/UUID",
              job_a.get("ping_url") == f"http://127.0.0.1:{c.port}/ping/{job_a.get('uuid')}",
              f"ping_url {job_a.get('ping_url')!r}, server port {c.port}")

        name_b = f"quarter_hour_{n}"
        r = s.call(f"{at} create a simple, disabled job with every optional field", "POST", prefix, 201,
                   {"name": name_b, "type": "simple", "frequency_in_minutes": 15, "grace_time_in_minutes": 10,
                    "server_timezone": "Europe/Brussels", "description": "every quarter hour", "enabled": False})
        job_b = r.json or {}
        s.job_keys(f"{at} create simple", job_b)
        s.equal(f"{at} create simple: every field is stored",
                [job_b.get(k) for k in ("name", "type", "frequency_in_minutes", "cron_expression",
                                        "grace_time_in_minutes", "server_timezone", "description", "status",
                                        "next_run_at")],
                [name_b, "simple", 15, None, 10, "Europe/Brussels", "every quarter hour", "disabled", None])
        id_b = job_b.get("id", "cron-000")

        name_c = f"weekly check é {n}"
        r = s.call(f"{at} create in UTC", "POST", prefix, 201,
                   {"name": name_c, "cron_expression": "0 2 * * *", "server_timezone": "UTC", "enabled": True})
        job_c = r.json or {}
        s.equal(f"{at} create in UTC: next_run_at is the next 02:00 UTC after now (as in the contract)",
                job_c.get("next_run_at"), "2026-03-27T02:00:00Z")
        id_c = job_c.get("id", "cron-000")
        check(f"{at} create: ids are new and distinct", len({id_a, id_b, id_c}) == 3 and
              all(JOB_ID.match(i) for i in (id_a, id_b, id_c)), f"{id_a} {id_b} {id_c}")

        name_d = f"reports/weekly {n}"
        r = s.call(f"{at} create a job whose name has a slash", "POST", prefix, 201,
                   {"name": name_d, "cron_expression": "0 4 * * 1", "server_timezone": "UTC"})
        id_d = (r.json or {}).get("id", "cron-000")

        # --- create: refusals
        r = s.call(f"{at} create with a duplicate name", "POST", prefix, 422,
                   {"name": name_a, "cron_expression": "0 5 * * *", "enabled": True})
        s.equal(f"{at} duplicate name: the seed's exact validation body", r.json, SEED_DUPLICATE)
        r = s.call(f"{at} create with four invalid fields", "POST", prefix, 422,
                   {"name": "", "cron_expression": "61 * * * *", "grace_time_in_minutes": 0,
                    "server_timezone": "Mars/Olympus_Mons", "enabled": True})
        fields = set((r.json or {}).get("errors", {}))
        check(f"{at} invalid fields: every bad field is named",
              {"name", "cron_expression", "grace_time_in_minutes", "server_timezone"} <= fields, r.describe())
        r = s.call(f"{at} create with neither cron_expression nor frequency", "POST", prefix, 422,
                   {"name": f"no_schedule_{n}"})
        check(f"{at} no schedule: the error names the schedule",
              fields_in(r, {"cron_expression", "frequency_in_minutes"}), r.describe())
        r = s.call(f"{at} create with both cron_expression and frequency", "POST", prefix, 422,
                   {"name": f"both_{n}", "cron_expression": "0 2 * * *", "frequency_in_minutes": 5})
        check(f"{at} both schedules: the error names the schedule",
              fields_in(r, {"cron_expression", "frequency_in_minutes"}), r.describe())
        r = s.call(f"{at} create with a type that disagrees with the schedule", "POST", prefix, 422,
                   {"name": f"mismatch_{n}", "type": "simple", "cron_expression": "0 2 * * *"})
        check(f"{at} type mismatch: the error names type", fields_in(r, {"type"}), r.describe())
        r = s.call(f"{at} create with a name shaped like an id", "POST", prefix, 422,
                   {"name": "cron-999", "cron_expression": "0 2 * * *"})
        check(f"{at} id-shaped name: the error names name", fields_in(r, {"name"}), r.describe())
        r = s.call(f"{at} create with frequency 0", "POST", prefix, 422,
                   {"name": f"zero_{n}", "frequency_in_minutes": 0})
        check(f"{at} frequency 0: the error names frequency_in_minutes",
              fields_in(r, {"frequency_in_minutes"}), r.describe())
        for what, body in (("malformed JSON", '{"name": "x", '),
                           ("enabled as a string", {"name": f"s_{n}", "cron_expression": "0 2 * * *", "enabled": "yes"}),
                           ("name as a number", {"name": 5, "cron_expression": "0 2 * * *"}),
                           ("frequency as a string", {"name": f"f_{n}", "frequency_in_minutes": "15"}),
                           ("an array body", "[]"),
                           ("a string body", '"nightly"'),
                           ("trailing garbage", '{"name": "t", "cron_expression": "0 2 * * *"} x')):
            s.call(f"{at} create with {what}", "POST", prefix, 400, body)
        after = c.request("GET", prefix).json["pagination"]["total"]
        s.equal(f"{at} refused creates created nothing (4 created, total {before} -> {before + 4})",
                after, before + 4)

        # --- read
        r = s.call(f"{at} get by id", "GET", f"{prefix}/{id_a}", 200)
        s.equal(f"{at} get by id: the same job as create answered", r.json, job_a)
        s.seed_shape(f"{at} get", r.json, SEED_GET, BEFORE_FIRST_RUN)
        r = s.call(f"{at} get by a percent-encoded name with a space and é", "GET", f"{prefix}/{q(name_c)}", 200)
        s.equal(f"{at} get by name: the job of that name", (r.json or {}).get("id"), id_c)
        r = s.call(f"{at} get by a name with a slash (%2F)", "GET", f"{prefix}/{q(name_d)}", 200)
        s.equal(f"{at} get by name with %2F: the job of that name", (r.json or {}).get("id"), id_d)
        s.call(f"{at} get an unknown id", "GET", f"{prefix}/cron-999", 404)
        s.call(f"{at} get an unknown name", "GET", f"{prefix}/{q('no such job')}", 404)

        # --- list
        r = s.call(f"{at} list", "GET", prefix, 200)
        page = r.json or {}
        s.seed_shape(f"{at} list", page, SEED_LIST, BEFORE_FIRST_RUN | {"cron_expression"})
        for i, job in enumerate(page.get("data", [])[:3]):
            s.job_keys(f"{at} list item {i}", job)
        s.equal(f"{at} list: page 1, limit 20 by default, total counts every job",
                page.get("pagination"), {"page": 1, "limit": 20, "total": after})
        ids = [j.get("id") for j in page.get("data", [])]
        check(f"{at} list: the created jobs are listed", {id_a, id_b, id_c, id_d} <= set(ids), str(ids))
        r = s.call(f"{at} list status=active", "GET", prefix + "?status=active&limit=100", 200)
        active = r.json or {}
        check(f"{at} list status=active: only active jobs, the disabled one left out",
              all(j["status"] == "active" for j in active.get("data", [])) and
              id_a in [j["id"] for j in active.get("data", [])] and
              id_b not in [j["id"] for j in active.get("data", [])], r.describe())
        r = s.call(f"{at} list status=disabled", "GET", prefix + "?status=disabled", 200)
        disabled = r.json or {}
        check(f"{at} list status=disabled: only disabled jobs, with a total of their own",
              [j["status"] for j in disabled.get("data", [])] == ["disabled"] * len(disabled.get("data", [])) and
              id_b in [j["id"] for j in disabled.get("data", [])] and
              disabled.get("pagination", {}).get("total") == len(disabled.get("data", [])), r.describe())
        r = s.call(f"{at} list page 2 of limit 1", "GET", prefix + "?page=2&limit=1", 200)
        s.equal(f"{at} list page 2 of limit 1: the second job and the pagination asked for",
                [[j.get("id") for j in (r.json or {}).get("data", [])], (r.json or {}).get("pagination")],
                [ids[1:2], {"page": 2, "limit": 1, "total": after}])
        r = s.call(f"{at} list a page past the end", "GET", prefix + "?page=999&limit=100", 200)
        s.equal(f"{at} list a page past the end: empty data, not an error",
                r.json, {"data": [], "pagination": {"page": 999, "limit": 100, "total": after}})
        for query, field in (("page=0", "page"), ("page=abc", "page"), ("page=-1", "page"), ("limit=0", "limit"),
                             ("limit=101", "limit"), ("limit=ten", "limit"), ("status=paused", "status")):
            r = s.call(f"{at} list with {query}", "GET", f"{prefix}?{query}", 422)
            check(f"{at} list with {query}: the error names {field}", fields_in(r, {field}), r.describe())

        # --- update
        r = s.call(f"{at} update one field", "PUT", f"{prefix}/{id_a}", 200, {"grace_time_in_minutes": 15})
        job = r.json or {}
        s.job_keys(f"{at} update", job)
        s.equal(f"{at} update one field: that field changed, the others did not",
                [job.get(k) for k in ("id", "name", "cron_expression", "status", "grace_time_in_minutes")],
                [id_a, name_a, "0 2 * * *", "active", 15])
        r = s.call(f"{at} update with the contract's request", "PUT", f"{prefix}/{id_c}", 200,
                   {"cron_expression": "0 3 * * *", "enabled": True})
        job = r.json or {}
        s.seed_shape(f"{at} update", job, SEED_UPDATE)
        s.equal(f"{at} update with the contract's request: the new schedule and its next run",
                [job.get("cron_expression"), job.get("status"), job.get("next_run_at")],
                ["0 3 * * *", "active", "2026-03-27T03:00:00Z"])
        r = s.call(f"{at} disable", "PUT", f"{prefix}/{id_c}", 200, {"enabled": False})
        s.equal(f"{at} disable: status disabled and no next run",
                [(r.json or {}).get("status"), (r.json or {}).get("next_run_at")], ["disabled", None])
        r = s.call(f"{at} enable by name", "PUT", f"{prefix}/{q(name_c)}", 200, {"enabled": True})
        s.equal(f"{at} enable by name: active again, next run back",
                [(r.json or {}).get("id"), (r.json or {}).get("status"), (r.json or {}).get("next_run_at")],
                [id_c, "active", "2026-03-27T03:00:00Z"])
        r = s.call(f"{at} update a cron job to every 30 minutes", "PUT", f"{prefix}/{id_c}", 200,
                   {"type": "simple", "frequency_in_minutes": 30})
        s.equal(f"{at} update to every 30 minutes: a simple job, no cron expression",
                [(r.json or {}).get(k) for k in ("type", "frequency_in_minutes", "cron_expression")],
                ["simple", 30, None])
        r = s.call(f"{at} update description, zone and name", "PUT", f"{prefix}/{id_c}", 200,
                   {"description": "renamed", "server_timezone": "Asia/Tokyo", "name": name_c + " v2"})
        s.equal(f"{at} update description, zone and name: all three stored",
                [(r.json or {}).get(k) for k in ("description", "server_timezone", "name")],
                ["renamed", "Asia/Tokyo", name_c + " v2"])
        r = s.call(f"{at} rename to another job's name", "PUT", f"{prefix}/{id_c}", 422, {"name": name_a})
        s.equal(f"{at} rename to a taken name: the seed's duplicate body", r.json, SEED_DUPLICATE)
        r = s.call(f"{at} update with grace 0 and a bad cron", "PUT", f"{prefix}/{id_a}", 422,
                   {"grace_time_in_minutes": 0, "cron_expression": "0 2 * *"})
        check(f"{at} invalid update: both fields named",
              fields_in(r, {"grace_time_in_minutes"}) and fields_in(r, {"cron_expression"}), r.describe())
        for what, body in (("enabled as a string", {"enabled": "yes"}), ("malformed JSON", "{"),
                           ("an array body", "[1]"), ("grace as a string", {"grace_time_in_minutes": "5"})):
            s.call(f"{at} update with {what}", "PUT", f"{prefix}/{id_a}", 400, body)
        r = s.call(f"{at} get after refused updates", "GET", f"{prefix}/{id_a}", 200)
        s.equal(f"{at} refused updates changed nothing",
                [(r.json or {}).get(k) for k in ("grace_time_in_minutes", "cron_expression", "status")],
                [15, "0 2 * * *", "active"])
        s.call(f"{at} update an unknown id", "PUT", f"{prefix}/cron-999", 404, {"enabled": False})

        # --- runs and execute on what does not exist
        r = s.call(f"{at} runs of a job that never ran", "GET", f"{prefix}/{id_a}/runs", 200)
        s.equal(f"{at} runs of a job that never ran: empty page",
                r.json, {"data": [], "pagination": {"page": 1, "limit": 20, "total": 0}})
        s.call(f"{at} runs of an unknown id", "GET", f"{prefix}/cron-999/runs", 404)
        for query, field in (("status=done", "status"), ("limit=0", "limit"), ("page=0", "page")):
            r = s.call(f"{at} runs with {query}", "GET", f"{prefix}/{id_a}/runs?{query}", 422)
            check(f"{at} runs with {query}: the error names {field}", fields_in(r, {field}), r.describe())
        s.call(f"{at} execute an unknown id", "POST", f"{prefix}/cron-999/execute", 404, {"dry_run": False})

        # --- delete
        r = s.call(f"{at} delete", "DELETE", f"{prefix}/{id_b}", 200)
        s.equal(f"{at} delete: the contract's body", r.json, {"deleted": True, "id": id_b})
        s.seed_shape(f"{at} delete", r.json, SEED_DELETE)
        s.call(f"{at} get a deleted job", "GET", f"{prefix}/{id_b}", 404)
        s.call(f"{at} delete it again", "DELETE", f"{prefix}/{id_b}", 404)
        r = s.call(f"{at} delete by name", "DELETE", f"{prefix}/{q(name_d)}", 200)
        s.equal(f"{at} delete by name: the id of that name", (r.json or {}).get("id"), id_d)

        # --- methods and paths that do not exist
        for method, path in (("PATCH", f"{prefix}/{id_a}"), ("DELETE", prefix), ("PUT", prefix),
                             ("GET", f"{prefix}/{id_a}/execute"), ("DELETE", f"{prefix}/{id_a}/runs")):
            r = s.call(f"{at} {method} {path.replace(prefix, '')or '/'}", method, path, 405,
                       body={} if method in ("PATCH", "PUT") else None)
            allow = {m.strip().upper() for m in (r.header("Allow") or "").split(",") if m.strip()}
            want = s.contract.allowed(path)
            check(f"{at} {method} {path.replace(prefix, '') or '/'}: Allow lists the documented methods",
                  allow - {"HEAD", "OPTIONS"} == want, f"Allow {r.header('Allow')!r}, documented {sorted(want)}")
        for path in (f"{prefix}/{id_a}/bogus", f"{prefix}/{id_a}/runs/extra"):
            s.call(f"{at} unknown path {path.replace(prefix, '')}", "GET", path, 404)
    s.call("unknown path /api/v2/jobs", "GET", "/api/v2/jobs", 404)
    s.call("unknown path /nowhere", "GET", "/nowhere", 404)
    r = s.call("POST /healthz", "POST", "/healthz", 405)
    check("POST /healthz: Allow says GET", "GET" in (r.header("Allow") or ""), r.describe())

    # --- the same job from the CLI and the API
    if args.bin and args.db:
        job_id = c.request("GET", f"{P}/{q(created_names[0])}").json["id"]
        cli = subprocess.run([args.bin, "--db", args.db, "--config", args.config, "show", job_id, "--json"],
                             capture_output=True, text=True, timeout=30)
        api = c.request("GET", f"{P}/{job_id}").json
        try:
            cli_job = json.loads(cli.stdout)
        except ValueError:
            cli_job = {"stdout": cli.stdout, "stderr": cli.stderr}
        strip = lambda j: {k: v for k, v in j.items() if k != "ping_url"}
        s.equal("`certcron show --json` and GET give the same job (the CLI's ping_url aside)",
                strip(cli_job), strip(api))


def fields_in(resp, names):
    errors = (resp.json or {}).get("errors") if isinstance(resp.json, dict) else None
    return isinstance(errors, dict) and bool(set(errors) & names)


def wait_run(s, prefix, job, run_id, seconds=30):
    deadline = time.monotonic() + seconds
    run, validated = None, False
    while time.monotonic() < deadline:
        r = s.c.request("GET", f"{prefix}/{job}/runs?limit=100")
        if r.status == 200:
            if not validated:  # the first poll's body; the others are alike
                validated = s.schema(f"poll the runs of {job} at {prefix}", r) or True
            run = next((x for x in r.json.get("data", []) if x.get("run_id") == run_id), None)
            if run and run.get("status") != "running":
                return run
        time.sleep(0.2)
    return run


def scenario_execute(s, args):
    """202 at once, 409 while running, the run polled to success, dry runs, bad bodies."""
    c = s.c
    r = s.call("create the job to execute", "POST", P, 201,
               {"name": args.job, "cron_expression": "0 2 * * *", "server_timezone": "UTC", "enabled": True})
    job = (r.json or {}).get("id", "cron-000")
    r = s.call("execute", "POST", f"{P}/{job}/execute", 202, {"dry_run": False})
    acc = r.json or {}
    check(f"execute answers at once ({r.elapsed:.2f} s) while the run takes ~2 s", r.elapsed < 1.5,
          f"{r.elapsed:.2f} s")
    s.seed_shape("execute", acc, SEED_EXECUTE)
    s.equal("execute: the accepted run is running, for this job, triggered now",
            [acc.get("cron_id"), acc.get("status"), acc.get("triggered_at")], [job, "running", args.now])
    run_id = acc.get("run_id", "run-0000")
    r = s.call("a second execute while the first runs (seed path)", "POST", f"{SEED}/{job}/execute", 409,
               {"dry_run": False})
    check("the 409 names the running run", run_id in ((r.json or {}).get("message") or ""), r.describe())
    r = s.call("runs status=running while the run runs", "GET", f"{P}/{job}/runs?status=running", 200)
    running = (r.json or {}).get("data", [])
    s.equal("runs status=running: the accepted run, running, triggered by the api, not finished",
            [[x.get("run_id"), x.get("status"), x.get("trigger"), x.get("completed_at"), x.get("dry_run")]
             for x in running], [[run_id, "running", "api", None, False]])
    r = s.call("get the job while its run runs", "GET", f"{P}/{job}", 200)
    s.equal("the job's last run is the running one",
            [(r.json or {}).get("last_run_status"), (r.json or {}).get("last_run_result")], ["running", None])

    run = wait_run(s, SEED, job, run_id)
    check("the run finishes in the background within 30 s", run is not None and run.get("status") != "running",
          json.dumps(run))
    run = run or {}
    s.run_keys("the finished run", run)
    s.seed_shape("runs item", run, SEED_RUNS["data"][0])
    s.equal("the run succeeded: 1 mentor checked, 1 reminder sent, 0 errors, triggered by the api",
            [run.get("status"), (run.get("result") or {}).get("mentors_checked"),
             (run.get("result") or {}).get("reminders_sent"), (run.get("result") or {}).get("errors"),
             run.get("trigger"), run.get("dry_run"), run.get("completed_at") is not None],
            ["success", 1, 1, 0, "api", False, True])
    r = s.call("get the job after its run", "GET", f"{SEED}/{job}", 200)
    after = r.json or {}
    s.seed_shape("get after a run (every contract key filled)", after, SEED_GET)
    s.equal("the job shows the run: last_run_* and latest_result pingFinished, ok, green",
            [after.get("last_run_status"), after.get("last_run_result"), after.get("last_run_at"),
             after.get("latest_result"), after.get("latest_result_label"), after.get("latest_result_label_color")],
            ["success", run.get("result"), run.get("started_at"), "pingFinished", "ok", "green"])
    r = s.call("list after a run", "GET", f"{P}?limit=100", 200)
    listed = next((j for j in (r.json or {}).get("data", []) if j.get("id") == job), {})
    s.seed_shape("list after a run (every contract key filled)", {"data": [listed], "pagination":
                 (r.json or {}).get("pagination")}, SEED_LIST)
    delivered = 0
    if args.capture and os.path.exists(args.capture):
        with open(args.capture, encoding="utf-8", errors="replace") as f:
            delivered = f.read().count("\n--- end\n")
    s.equal("the background run delivered its one reminder through the command, once", delivered, 1)

    r = s.call("execute with an empty body (seed path)", "POST", f"{SEED}/{job}/execute", 202, b"")
    second = wait_run(s, P, job, (r.json or {}).get("run_id")) or {}
    s.equal("the second run succeeds and sends nothing (the ledger has the reminder)",
            [second.get("status"), (second.get("result") or {}).get("reminders_sent"), second.get("dry_run")],
            ["success", 0, False])
    r = s.call("execute a dry run", "POST", f"{P}/{job}/execute", 202, {"dry_run": True})
    dry = wait_run(s, P, job, (r.json or {}).get("run_id")) or {}
    s.equal("the dry run succeeds and is marked dry_run", [dry.get("status"), dry.get("dry_run")], ["success", True])
    for what, body in (("dry_run as a string", {"dry_run": "no"}), ("malformed JSON", "{"), ("an array body", "[]")):
        s.call(f"execute with {what}", "POST", f"{P}/{job}/execute", 400, body)
    r = s.call("runs after three runs", "GET", f"{SEED}/{job}/runs", 200)
    got = [x.get("run_id") for x in (r.json or {}).get("data", [])]
    s.equal("runs: three runs, newest first, total 3",
            [got, (r.json or {}).get("pagination", {}).get("total")],
            [[dry.get("run_id"), second.get("run_id"), run_id], 3])
    r = s.call("runs page 2 of limit 1", "GET", f"{P}/{job}/runs?page=2&limit=1", 200)
    s.equal("runs page 2 of limit 1: the second newest",
            [[x.get("run_id") for x in (r.json or {}).get("data", [])], (r.json or {}).get("pagination")],
            [[second.get("run_id")], {"page": 2, "limit": 1, "total": 3}])
    r = s.call("runs status=failed", "GET", f"{P}/{job}/runs?status=failed", 200)
    s.equal("runs status=failed: none", (r.json or {}).get("data"), [])
    r = s.call("runs past the end", "GET", f"{P}/{job}/runs?page=5", 200)
    s.equal("runs past the end: empty data", (r.json or {}).get("data"), [])


def scenario_start_run(s, args):
    """Starts a run that lasts (a reminder is due and delivery takes ~2 s) and writes its id."""
    r = s.call("execute before the stop", "POST", f"{P}/{q(args.job)}/execute", 202, {})
    run_id = (r.json or {}).get("run_id", "")
    deadline = time.monotonic() + 5
    seen = False
    while time.monotonic() < deadline and not seen:
        rr = s.c.request("GET", f"{P}/{q(args.job)}/runs?status=running")
        seen = rr.status == 200 and any(x.get("run_id") == run_id for x in rr.json.get("data", []))
        if not seen:
            time.sleep(0.1)
    check("the run to be interrupted is running", seen, run_id)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(run_id)


def recv_response(sock, seconds):
    """Reads one HTTP response (status, headers, body) or whatever arrived before EOF."""
    sock.settimeout(seconds)
    data = b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if b"\r\n\r\n" in data:
                head, _, rest = data.partition(b"\r\n\r\n")
                m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
                if m and len(rest) >= int(m.group(1)):
                    break
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError, OSError):
        pass
    head, _, rest = data.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    status = int(m.group(1)) if m else None
    headers = []
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.decode("latin-1").partition(":")
        headers.append((k.strip(), v.strip()))
    cl = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    body = rest[: int(cl.group(1))] if cl else rest
    return status, headers, body


def raw_exchange(c, method, path, chunks, seconds=10):
    """Sends `chunks` (the first is the head) on a raw socket, stopping as soon as the server
    answers; returns a Response."""
    c.count()
    sock = socket.create_connection(("127.0.0.1", c.port), timeout=seconds)
    started = time.monotonic()
    try:
        for i, chunk in enumerate(chunks):
            wait = 0.3 if i == 1 else 0  # after the head, give an early answer a moment
            readable, _, _ = select.select([sock], [], [], wait)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        status, headers, body = recv_response(sock, seconds)
    finally:
        sock.close()
    return Response(method, path, status, headers, body, time.monotonic() - started)


def scenario_limits(s, args):
    """431 for headers over 16 KiB, 413 for bodies over 1 MiB, exactly 1 MiB accepted; the
    server answers afterwards."""
    c = s.c
    auth = f"Authorization: Bearer {c.token}\r\n" if c.token else ""
    big = "a" * (17 * 1024)
    head = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}X-Big: {big}\r\n\r\n".encode()
    r = raw_exchange(c, "GET", "/healthz", [head[i:i + 4096] for i in range(0, len(head), 4096)])
    check("a 17 KiB header is refused with 431", r.status == 431, r.describe())
    s.schema("a 17 KiB header", r)
    many = "".join(f"X-Many-{i}: {'b' * 500}\r\n" for i in range(40))
    head = f"GET {P} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}{many}\r\n".encode()
    r = raw_exchange(c, "GET", P, [head[i:i + 4096] for i in range(0, len(head), 4096)])
    check("40 headers of 500 bytes (20 KiB in all) are refused with 431", r.status == 431, r.describe())
    s.schema("20 KiB of headers", r)
    r = c.request("GET", "/healthz", headers={"X-Fair": "c" * (8 * 1024)})
    check("an 8 KiB header is within the limit", r.status == 200, r.describe())

    size = 1024 * 1024 + 1024
    head = (f"POST {P} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()
    body = b'{"name": "' + b"x" * (size - 12) + b'"}'
    r = raw_exchange(c, "POST", P, [head] + [body[i:i + 65536] for i in range(0, len(body), 65536)])
    check("a body of 1 MiB + 1 KiB (Content-Length) is refused with 413", r.status == 413, r.describe())
    s.schema("a body over 1 MiB", r)
    head = (f"POST {P} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\n\r\n").encode()
    piece = b"y" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    r = raw_exchange(c, "POST", P, [head, b'9\r\n{"name":"\r\n'] + [chunk] * 18 + [b"0\r\n\r\n"])
    check("a chunked body growing past 1 MiB is refused with 413", r.status == 413, r.describe())
    s.schema("a chunked body over 1 MiB", r)
    exact = json.dumps({"name": "n", "cron_expression": "0 2 * * *", "description": "d" * 3000}).encode()
    exact = exact + b" " * (1024 * 1024 - len(exact))
    r = c.request("POST", P, body=exact)
    check("a body of exactly 1 MiB is read and validated (422 for a too long description), not refused",
          r.status == 422 and fields_in(r, {"description"}), r.describe())
    s.schema("a body of exactly 1 MiB", r)
    r = s.call("after the refusals, healthz", "GET", "/healthz", 200)
    s.call("after the refusals, the job list", "GET", P, 200)


def scenario_slow(s, args):
    """Stalled clients (half a head, half a body) do not delay others; they are dropped after
    the read timeout."""
    c = s.c
    stalled = []
    for i in range(4):
        sock = socket.create_connection(("127.0.0.1", c.port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
        stalled.append(sock)
    sock = socket.create_connection(("127.0.0.1", c.port), timeout=5)
    auth = f"Authorization: Bearer {c.token}\r\n" if c.token else ""
    sock.sendall(f"POST {P} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\n"
                 f"Content-Length: 100\r\n\r\n{{\"name\": ".encode())
    stalled.append(sock)
    opened = time.monotonic()
    time.sleep(0.3)
    latencies, statuses = [], []
    for i in range(20):
        r = c.request("GET", "/healthz" if i % 2 else P, timeout=12)
        latencies.append(r.elapsed)
        statuses.append(r.status)
    check("with 5 stalled connections (more than the I/O threads), 20 other requests are all answered",
          statuses == [200] * 20, str(statuses))
    check(f"... each within 3 s (slowest {max(latencies):.3f} s; the read timeout is 10 s)",
          max(latencies) < 3.0, f"latencies {[round(x, 3) for x in latencies]}")
    readable, _, _ = select.select(stalled, [], [], 0)
    check("the stalled connections are still open while the others are served (the server waits for them)",
          not readable, f"{len(readable)} of {len(stalled)} already answered or closed")
    dropped = 0
    deadline = opened + 20
    pending = list(stalled)
    while pending and time.monotonic() < deadline:
        readable, _, _ = select.select(pending, [], [], max(0.0, deadline - time.monotonic()))
        for sock in readable:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data or data.startswith(b"HTTP/1.1 408") or data.startswith(b"HTTP/1.1 4"):
                dropped += 1
                pending.remove(sock)
    check(f"the stalled connections are closed within 20 s (the 10 s read timeout); {dropped} of 5 were",
          dropped == len(stalled), f"after {time.monotonic() - opened:.1f} s")
    for sock in stalled:
        sock.close()
    s.call("after the stalled clients, healthz", "GET", "/healthz", 200)


def scenario_writers(s, args):
    """The HTTP half of the concurrent writers: PUTs of grace on one job, creates and deletes of
    others, for args.seconds; writes the last grace written to args.out."""
    c = s.c
    deadline = time.monotonic() + args.seconds
    unexpected, last_grace, i = [], None, 0
    while time.monotonic() < deadline and i < 150:
        i += 1
        grace = 100 + i
        r = c.request("PUT", f"{P}/{q(args.job)}", body={"grace_time_in_minutes": grace})
        if r.status == 200:
            last_grace = grace
        else:
            unexpected.append(r.describe())
        r = c.request("POST", SEED, body={"name": f"churn-{i}", "cron_expression": f"{i % 60} 1 * * *",
                                          "server_timezone": "UTC"})
        if r.status != 201:
            unexpected.append(r.describe())
            continue
        r = c.request("DELETE", f"{P}/{r.json['id']}")
        if r.status != 200:
            unexpected.append(r.describe())
    check(f"{i} rounds of PUT + create + delete while the CLI writes: no error, no 5xx",
          not unexpected and i > 3, f"{len(unexpected)} unexpected: " + " | ".join(unexpected[:5]))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(str(last_grace))


def scenario_final(s, args):
    """After the concurrent writers: both last writes are in the job."""
    r = s.call("get the job both wrote", "GET", f"{P}/{q(args.job)}", 200)
    s.equal("no lost update: the job has the CLI's last description and the API's last grace",
            [(r.json or {}).get("description"), (r.json or {}).get("grace_time_in_minutes")],
            [args.description, int(args.grace)])
    r = s.call("list after the writers", "GET", f"{P}?limit=100", 200)
    churn = [j["name"] for j in (r.json or {}).get("data", []) if j.get("name", "").startswith("churn-")]
    s.equal("every job the API created during the writers was deleted", churn, [])


def scenario_auth(s, args):
    """With a token: 401 without it or with another, 200 with it, /healthz and /openapi.json open."""
    c = s.c
    token = c.token
    for label, prefix in PREFIXES:
        for what, auth in (("no Authorization header", None), ("a wrong token", "Bearer wrong-token"),
                           ("the token less its last character", "Bearer " + token[:-1]),
                           ("the token plus a character", "Bearer " + token + "x"),
                           ("Basic credentials", "Basic " + token), ("the bare token", token)):
            r = s.call(f"[{label}] list with {what}", "GET", prefix, 401, auth=auth)
            s.equal(f"[{label}] list with {what}: the Unauthenticated body", r.json, {"message": "Unauthenticated."})
            check(f"[{label}] list with {what}: WWW-Authenticate: Bearer",
                  (r.header("WWW-Authenticate") or "").startswith("Bearer"), str(r.headers))
            check(f"[{label}] list with {what}: the answer does not carry the token",
                  token.encode() not in r.body, r.describe())
        r = s.call(f"[{label}] list with the token", "GET", prefix, 200)
        name = f"guarded_{label.replace(' ', '_')}"
        for method, path, body in (("POST", prefix, {"name": name, "cron_expression": "0 2 * * *"}),
                                   ("GET", f"{prefix}/cron-001", None), ("PUT", f"{prefix}/cron-001", {"enabled": False}),
                                   ("DELETE", f"{prefix}/cron-001", None), ("POST", f"{prefix}/cron-001/execute", {}),
                                   ("GET", f"{prefix}/cron-001/runs", None), ("GET", f"{prefix}/cron-999", None)):
            s.call(f"[{label}] {method} {path.replace(prefix, '') or '/'} without the token", method, path, 401,
                   body, auth=None)
        r = c.request("GET", f"{prefix}?limit=100")
        check(f"[{label}] the unauthenticated create created nothing",
              r.status == 200 and name not in [j["name"] for j in r.json.get("data", [])], r.describe())
        r = s.call(f"[{label}] create with the token", "POST", prefix, 201,
                   {"name": name, "cron_expression": "0 2 * * *"})
        s.call(f"[{label}] get it with the token", "GET", f"{prefix}/{(r.json or {}).get('id')}", 200)
    s.call("/healthz without a token", "GET", "/healthz", 200, auth=None)
    r = s.call("/openapi.json without a token", "GET", "/openapi.json", 200, auth=None)
    schemes = ((r.json or {}).get("components", {}).get("securitySchemes", {}))
    check("the document declares the bearer scheme", any(v.get("scheme") == "bearer" for v in schemes.values()),
          str(schemes))


def scenario_ping(s, args):
    s.call(f"healthz ({args.label})", "GET", "/healthz", 200, auth=None)


def scenario_static(args):
    """The document itself: OpenAPI 3.1, every schema valid draft 2020-12, every reference
    resolves, the schemas reject what they must, both prefixes alike."""
    with open(args.doc, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = json.loads(text)
    except ValueError as e:
        check("src/http/openapi.json is JSON", False, str(e))
        return
    check("src/http/openapi.json is JSON", True)
    check("the document does not contain the embedding delimiter )certcron_embed\"",
          ')certcron_embed"' not in text)
    check("the document is OpenAPI 3.1.0 with info, paths and components",
          doc.get("openapi") == "3.1.0" and {"title", "version"} <= set(doc.get("info", {})) and
          isinstance(doc.get("paths"), dict) and isinstance(doc.get("components"), dict), str(list(doc)))
    schemas = doc.get("components", {}).get("schemas", {})
    bad = []
    for name, schema in schemas.items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            bad.append(f"{name}: {e.message}")
    check(f"each of the {len(schemas)} component schemas is a valid draft 2020-12 schema", not bad, "; ".join(bad))
    needed = {"Job", "Run", "RunResult", "JobPage", "RunPage", "Pagination", "CreateJob", "UpdateJob",
              "ExecuteRequest", "ExecuteAccepted", "Deleted", "Error", "ValidationError", "Health"}
    check("the document has the schemas Job, Run, RunResult, pages, requests, Error, ValidationError, Health",
          needed <= set(schemas), f"missing {sorted(needed - set(schemas))}")
    refs = set(re.findall(r'"\$ref":\s*"([^"]+)"', text))
    unresolved = []
    for ref in refs:
        node = doc
        for part in ref.lstrip("#/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if not ref.startswith("#/") or node is None:
            unresolved.append(ref)
    check(f"all {len(refs)} $refs resolve inside the document", not unresolved, str(unresolved))
    check("the bearer security scheme is declared",
          any(v.get("type") == "http" and v.get("scheme") == "bearer"
              for v in doc.get("components", {}).get("securitySchemes", {}).values()))
    contract = Contract(doc)

    # Both prefixes describe the same operations and statuses.
    def ops(prefix):
        out = {}
        for path, item in doc["paths"].items():
            if path.startswith(prefix) and (prefix == SEED or not path.startswith(SEED)):
                for method, op in item.items():
                    if isinstance(op, dict) and "responses" in op:
                        out[(path[len(prefix):], method)] = sorted(op["responses"])
        return out
    api, seed = ops(P), ops(SEED)
    seven = {("", "get"), ("", "post"), ("/{id}", "get"), ("/{id}", "put"), ("/{id}", "delete"),
             ("/{id}/execute", "post"), ("/{id}/runs", "get")}
    check("the contract's seven routes are documented under " + P, seven <= set(api), str(sorted(api)))
    check("the doubled seed path has the same operations and statuses", api == seed,
          f"{sorted(api.items())} vs {sorted(seed.items())}")
    ids = [op.get("operationId") for item in doc["paths"].values() for op in item.values()
           if isinstance(op, dict) and "responses" in op]
    check("operationIds are unique", len(ids) == len(set(ids)) and None not in ids, str(ids))
    for path in ("/healthz", "/openapi.json"):
        op = doc["paths"].get(path, {}).get("get", {})
        check(f"{path} needs no token (security: [])", op.get("security") == [], str(op.get("security")))
    expected = {("", "get"): {"200", "401", "422"}, ("", "post"): {"201", "400", "401", "422", "413"},
                ("/{id}", "get"): {"200", "401", "404"}, ("/{id}", "put"): {"200", "400", "401", "404", "422"},
                ("/{id}", "delete"): {"200", "401", "404"},
                ("/{id}/execute", "post"): {"202", "400", "401", "404", "409"},
                ("/{id}/runs", "get"): {"200", "401", "404", "422"}}
    missing = {f"{m.upper()} {p or '/'}": sorted(want - set(api.get((p, m), [])))
               for (p, m), want in expected.items() if want - set(api.get((p, m), []))}
    check("every route documents the statuses it can give", not missing, str(missing))

    # The schemas are strict: good examples pass, each broken variant fails.
    job = schemas.get("Job", {}).get("examples", [{}])[0]
    run = schemas.get("Run", {}).get("examples", [{}])[0]
    good = [("Job", job), ("Run", run),
            ("JobPage", {"data": [job], "pagination": {"page": 1, "limit": 20, "total": 1}}),
            ("RunPage", {"data": [run], "pagination": {"page": 1, "limit": 20, "total": 90}}),
            ("ExecuteAccepted", SEED_EXECUTE), ("Deleted", SEED_DELETE), ("ValidationError", SEED_DUPLICATE),
            ("Error", {"message": "Unauthenticated."}), ("Health", {"status": "ok"}),
            ("CreateJob", {"name": "nightly_expiry_check", "cron_expression": "0 2 * * *", "enabled": True}),
            ("UpdateJob", {"cron_expression": "0 3 * * *", "enabled": True}), ("ExecuteRequest", {"dry_run": False}),
            ("Job", dict(job, schedule_error=None)), ("Run", dict(run, error="x"))]
    wrong = [e for name, inst in good for e in contract.errors(f"#/components/schemas/{name}", inst)]
    check("the schemas accept the contract's examples and the documented optional keys", not wrong, str(wrong[:5]))

    def broken(name, base, /, **changes):
        inst = json.loads(json.dumps(base))
        for k, v in changes.items():
            if v is KeyError:
                inst.pop(k, None)
            else:
                inst[k] = v
        return name, inst, changes

    cases = [broken("Job", job, surprise=1), broken("Job", job, id="job-1"), broken("Job", job, id="cron-01"),
             broken("Job", job, status="paused"), broken("Job", job, created_at="2026-03-25 02:00:00"),
             broken("Job", job, created_at="2026-13-45T02:00:00Z"), broken("Job", job, next_run_at=5),
             broken("Job", job, latest_result="pingOk"), broken("Job", job, latest_result_label_color="pink"),
             broken("Job", job, uuid="not-a-uuid"), broken("Job", job, last_run_result={"mentors_checked": 1}),
             broken("Job", job, name=KeyError), broken("Job", job, frequency_in_minutes=5),
             broken("Job", job, status="disabled"), broken("Job", job, grace_time_in_minutes=0),
             broken("Job", job, last_run_at=None), broken("Job", job, active_snooze={"minutes": 5}),
             broken("Run", run, run_id="run-89"), broken("Run", run, status="done"),
             broken("Run", run, trigger="cron"), broken("Run", run, result=KeyError), broken("Run", run, extra=1),
             broken("Run", run, status="running"), broken("Run", run, dry_run="false"),
             broken("ExecuteAccepted", SEED_EXECUTE, status="success"),
             broken("ExecuteAccepted", SEED_EXECUTE, triggered_at=KeyError),
             broken("Deleted", SEED_DELETE, deleted=False), broken("Error", {"message": "x"}, trace="at main()"),
             broken("Error", {"message": "x"}, message=KeyError),
             broken("ValidationError", SEED_DUPLICATE, errors={"name": "not a list"}),
             broken("ValidationError", SEED_DUPLICATE, message="Invalid."),
             broken("JobPage", {"data": [], "pagination": {"page": 1, "limit": 20, "total": 0}},
                    pagination={"page": 0, "limit": 20, "total": 0}),
             broken("RunPage", {"data": [], "pagination": {"page": 1, "limit": 20, "total": 0}}, data=[job]),
             broken("Health", {"status": "ok"}, status="down"),
             broken("CreateJob", {"name": "n", "cron_expression": "0 2 * * *"}, frequency_in_minutes=5),
             broken("CreateJob", {"name": "n", "cron_expression": "0 2 * * *"}, enabled="yes"),
             broken("UpdateJob", {}, grace_time_in_minutes="5")]
    accepted = [f"{name} with {changes}" for name, inst, changes in cases
                if not contract.errors(f"#/components/schemas/{name}", inst)]
    check(f"the schemas reject each of {len(cases)} broken objects (extra keys, bad ids, enums, formats, nulls)",
          not accepted, "accepted: " + "; ".join(accepted))


def scenario_cli(args):
    """The CLI's --json output (the same shapes the API returns) against the document's schemas."""
    with open(args.doc, encoding="utf-8") as f:
        contract = Contract(json.load(f))

    def cli(*argv, expect=0):
        done = subprocess.run([args.bin, "--db", args.db, "--config", args.config] + list(argv),
                              capture_output=True, text=True, timeout=60)
        try:
            value = json.loads(done.stdout)
        except ValueError:
            value = None
        ok = done.returncode == expect and value is not None
        check(f"certcron {' '.join(argv)} exits {expect} with JSON", ok,
              f"exit {done.returncode}, stdout {done.stdout[:400]!r}, stderr {done.stderr[:400]!r}")
        return value

    def valid(what, schema, value):
        errs = contract.errors(f"#/components/schemas/{schema}", value)
        check(f"CLI {what} --json is a valid {schema}", not errs, "; ".join(errs[:6]) + " in " + json.dumps(value)[:500])

    job = cli("create", "--name", "cli_nightly", "--cron", "0 2 * * *", "--tz", "UTC", "--json")
    valid("create", "Job", job)
    every = cli("create", "--name", "cli_every", "--every", "15", "--grace", "10", "--disabled", "--json")
    valid("create --every --disabled", "Job", every)
    valid("show", "Job", cli("show", "cli_nightly", "--json"))
    valid("update", "Job", cli("update", "cli_nightly", "--grace", "7", "--description", "from the CLI", "--json"))
    valid("list", "JobPage", cli("list", "--json"))
    valid("list --status disabled", "JobPage", cli("list", "--status", "disabled", "--json"))
    valid("execute", "Run", cli("execute", "cli_nightly", "--json"))
    valid("execute --dry-run", "Run", cli("execute", "cli_nightly", "--dry-run", "--json"))
    valid("show after runs", "Job", cli("show", "cli_nightly", "--json"))
    valid("runs", "RunPage", cli("runs", "cli_nightly", "--json"))
    valid("list after runs", "JobPage", cli("list", "--json"))
    valid("duplicate create", "ValidationError",
          cli("create", "--name", "cli_nightly", "--cron", "0 2 * * *", "--json", expect=2))
    valid("delete", "Deleted", cli("delete", "cli_every", "--yes", "--json"))


def scenario_stored_run(args):
    """The run as the database holds it, without the liveness pass that `runs` would apply."""
    seq = int(args.run.split("-", 1)[1])
    con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True, timeout=10)
    try:
        row = con.execute("SELECT status, completed_at FROM runs WHERE seq = ?", (seq,)).fetchone()
    finally:
        con.close()
    check(f"after SIGTERM, {args.run} is not left running in the database (stored: {row})",
          row is not None and row[0] != "running" and row[1] is not None, str(row))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", choices=["static", "cli", "api", "execute", "start-run", "limits", "slow",
                                         "writers", "final", "auth", "ping", "stored-run"])
    ap.add_argument("--port", type=int)
    ap.add_argument("--token")
    ap.add_argument("--doc", required=True, help="src/http/openapi.json")
    ap.add_argument("--bin")
    ap.add_argument("--db")
    ap.add_argument("--config")
    ap.add_argument("--now", default="2026-03-26T10:00:00Z")
    ap.add_argument("--job")
    ap.add_argument("--capture")
    ap.add_argument("--out")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--description")
    ap.add_argument("--grace")
    ap.add_argument("--run")
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    if args.scenario == "static":
        return scenario_static(args)
    if args.scenario == "cli":
        return scenario_cli(args)
    if args.scenario == "stored-run":
        return scenario_stored_run(args)
    client = Client(args.port, args.token)
    served = client.request("GET", "/openapi.json", auth=None)
    if not check(f"GET /openapi.json gives the document ({args.scenario})",
                 served.status == 200 and isinstance(served.json, dict), served.describe()):
        return
    suite = Suite(client, Contract(served.json))
    globals()["scenario_" + args.scenario.replace("-", "_")](suite, args)
    check(f"no response body echoes a request header ({args.scenario}, {client.requests} requests)",
          not client.echoes, " | ".join(client.echoes[:3]))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the scenario stops here; test_serve.sh counts it as a failure
        print(f"FAIL the scenario ran to its end :: {type(e).__name__}: {one_line(e)}", flush=True)
        raise
