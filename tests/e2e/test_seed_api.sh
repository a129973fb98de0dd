#!/usr/bin/env bash
# The monitoring seed's own cron-check API on a real `certcron serve` on 127.0.0.1, with a token
# and its own database: support/seed_api.py sends the seed's example bodies verbatim (both
# creates, the sync, a snooze), validates every answer against the server's /openapi.json and
# checks every field of the seed's cron check object and every status (201, 200, 204 with no
# body, 401 without the token, 404 for monitor 2 and unknown ids, 422 in the seed's shape).
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
t0=2026-03-26T10:00:00Z
status=0 out="" err=""
db="$SCRATCH/seed.db" cfg="$SCRATCH/seed.toml"
cat >"$cfg" <<TOML
default_timezone = "UTC"

[crontab]
program = "$support/fake-crontab"
TOML
token=$("$py_real" -c 'import secrets; print(secrets.token_hex(16))')

server_pid=""
trap '[ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
start_server serve CERTCRON_NOW=$t0 CERTCRON_TOKEN=$token --db "$db" --config "$cfg" serve --listen 127.0.0.1:0
started_or_stop "serve --listen 127.0.0.1:0 starts within 15 s"

rc=0
timeout 120 "$py_real" "$support/seed_api.py" --port "$port" --token "$token" --bin "$CERTCRON_BIN" \
  --db "$db" --now "$t0" >"$SCRATCH/seed_api.log" 2>&1 || rc=$?
count_checks "$SCRATCH/seed_api.log" "$rc" seed_api.py

stop_server "$server_pid" TERM
server_pid=""
expect_eq "$stop_status" 0 "the server stops on SIGTERM with exit 0"

# The request log: the seed's routes, with their statuses, and never the token.
err=$(cat "$SCRATCH/serve.err") out=""
expect_err '^POST /api/monitors/1/cron-checks 201 [0-9]+us$' "the log has the create's 201"
expect_err '^DELETE /api/cron-checks/[0-9]+ 204 [0-9]+us$' "the log has the delete's 204"
expect_err '^GET /api/monitors/2/cron-checks 404 [0-9]+us$' "the log has monitor 2's 404"
expect_err '^GET /api/monitors/1/cron-checks 401 [0-9]+us$' "the log has the 401 without the token"
if printf '%s' "$err" | grep -qF -- "$token"; then not_ok "the log never carries the token"; else ok; fi

finish
