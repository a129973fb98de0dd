#!/usr/bin/env bash
# Hostile and broken clients against a real `certcron serve` with a token on 127.0.0.1
# (support/http_abuse.py): malformed and truncated requests, a 1 MiB header, oversized and
# chunked bodies, a client trickling its header, 200 idle connections, unknown methods and
# routes on both APIs, path tricks in ids, SQL-looking text in every field and query, wrong JSON
# types, invalid JSON, wrong tokens, and ping bodies that are not UTF-8 or too large. Each must
# get a 4xx or a closed connection, never a 5xx, exception text or a request header echoed;
# afterwards the server still answers, its log has no 5xx and no handler failure, the database
# passes integrity_check with its tables in place, and it holds the jobs the valid requests
# created.
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
t0=2026-03-26T10:00:00Z
status=0 out="" err=""
db="$SCRATCH/abuse.db" cfg="$SCRATCH/abuse.toml"
cat >"$cfg" <<TOML
default_timezone = "UTC"

[crontab]
program = "$support/fake-crontab"
TOML
token=$("$py_real" -c 'import secrets; print(secrets.token_hex(16))')

server_pid=""
trap '[ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
start_server serve CERTCRON_NOW=$t0 CERTCRON_TOKEN=$token --db "$db" --config "$cfg" serve --listen 127.0.0.1:0 --threads 2
started_or_stop "serve --listen 127.0.0.1:0 starts within 15 s"

rc=0
timeout 300 "$py_real" "$support/http_abuse.py" --port "$port" --token "$token" --expect "$SCRATCH/expect" \
  >"$SCRATCH/abuse.log" 2>&1 || rc=$?
count_checks "$SCRATCH/abuse.log" "$rc" http_abuse.py

if kill -0 "$server_pid" 2>/dev/null; then ok; else
  status=gone out="" err=$(tail -c 2000 "$SCRATCH/serve.err"); not_ok "the server is still running after every case"
fi
healthz=$("$py_real" -c 'import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("GET", "/healthz")
print(c.getresponse().status)' "$port" 2>&1)
expect_eq "$healthz" 200 "a normal GET /healthz still succeeds after every case"

stop_server "$server_pid" TERM
server_pid=""
expect_eq "$stop_status" 0 "the server stops on SIGTERM with exit 0"

err=$(cat "$SCRATCH/serve.err") out="" status=$stop_status
fives=$(grep -E '^[^ ]+ [^ ]* 5[0-9]{2} [0-9]+us$' "$SCRATCH/serve.err" | head -n 5)
expect_eq "$fives" "" "the request log has no 5xx"
if printf '%s' "$err" | grep -Eq 'handler failed|handler answered|terminate called|Sanitizer|runtime error'; then
  not_ok "the server's log has no handler failure or crash"
else ok; fi
if printf '%s' "$err" | grep -qF -- "$token"; then not_ok "the log never carries the token"; else ok; fi

# The database: intact, its tables there, and the jobs the valid requests created (the SQL-looking
# text was stored as text, never run).
integrity=$(sqlite3 "$db" 'pragma integrity_check' 2>&1)
expect_eq "$integrity" ok "the database passes integrity_check"
tables=$(sqlite3 "$db" "select group_concat(name, ' ') from (select name from sqlite_master where type = 'table' and name in ('jobs', 'runs', 'pings', 'flips', 'meta') order by name)" 2>&1)
expect_eq "$tables" "flips jobs meta pings runs" "the tables are all still there"
expected_jobs=$(sed -n 's/^jobs //p' "$SCRATCH/expect" 2>/dev/null)
jobs=$(sqlite3 "$db" 'select count(*) from jobs' 2>&1)
expect_eq "$jobs" "${expected_jobs:-unknown}" "the database holds the jobs the valid requests created"
stored=$(sqlite3 "$db" "select count(*) from jobs where name = 'sql_0_''; DROP TABLE jobs;--' and description = '''; DROP TABLE jobs;--'" 2>&1)
expect_eq "$stored" 1 "a name and description that look like SQL are stored literally"
runs=$(sqlite3 "$db" 'select count(*) from runs' 2>&1)
expect_eq "$runs" 0 "no hostile request started a run"
echo "http_abuse: $(sed -n 's/^requests //p' "$SCRATCH/expect" 2>/dev/null) requests, $(grep -c '^PASS' "$SCRATCH/abuse.log") checks passed"

finish
