#!/usr/bin/env bash
# `certcron serve` end to end, with a real HTTP client (support/serve_contract.py) on 127.0.0.1:
# the OpenAPI document itself and the CLI's JSON against it; every route at both prefixes
# (statuses, the contract's keys and types, every body validated against the schema that the
# server's /openapi.json gives for it); execute answering 202 at once, 409 while running, the
# run polled to success; headers over 16 KiB (431) and bodies over 1 MiB (413); stalled clients
# that delay no one; the CLI and the API writing the same database at once with no error and no
# lost update; the request log; SIGTERM during a run; the bearer token (environment and token
# file); the refusal to listen beyond loopback without one. Each server runs in this suite's
# scratch home with its own database and the fake crontab, and is killed at exit.
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
doc="$CERTCRON_SOURCE_DIR/src/http/openapi.json"
t0=2026-03-26T10:00:00Z
export CERTCRON_NOW=$t0
unset CERTCRON_TOKEN
status=0 out="" err=""

server_pids=""
kill_servers() {
  local pid
  for pid in $server_pids; do kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
}
trap 'kill_servers; rm -rf "$SCRATCH"' EXIT  # lib.sh's trap, plus the servers

# contract SCENARIO ARGS...: runs one scenario of serve_contract.py.
contract() {
  local log="$SCRATCH/contract-$1.log" rc=0
  "$py_real" "$support/serve_contract.py" "$1" --doc "$doc" "${@:2}" >"$log" 2>&1 || rc=$?
  count_checks "$log" "$rc" serve_contract.py
}

# --- the document, before any server
contract static

# --- the CLI's --json output matches the document's schemas (the API returns the same shapes)
cat >"$SCRATCH/cli.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
c30,Cara Thirty,cara@example.org,First Aid,2026-04-25
c99,Cid Later,cid@example.org,Diving,2026-07-01
CSV
run --db "$SCRATCH/cli.db" import "$SCRATCH/cli.csv"
expect_status 0 "import mentors into the CLI's database"
contract cli --bin "$CERTCRON_BIN" --db "$SCRATCH/cli.db" --config "$XDG_CONFIG_HOME/certcron/config.toml"

run serve --help
expect_status 0 "serve --help succeeds"
expect_out '--listen' "serve --help documents --listen"
expect_out '--threads' "serve --help documents --threads"
expect_out '--allow-unauthenticated' "serve --help documents --allow-unauthenticated"

# --- the main server: its own database; reminders go to a command that takes 2 s per message,
# so a run stays running long enough to be seen (and interrupted)
db="$SCRATCH/main.db" cfg="$SCRATCH/main.toml" capture="$SCRATCH/sent.txt"
cat >"$cfg" <<TOML
default_timezone = "UTC"

[crontab]
program = "$support/fake-crontab"

[reminders.delivery]
kind = "command"
command = "sh '$support/exec-capture-sendmail' '$capture'"
timeout_seconds = 30
TOML
printf 'mentor_id,name,email,certification,expires_at\nm30,Ann Thirty,ann@example.org,First Aid,2026-04-25\n' >"$SCRATCH/first.csv"
run --db "$db" --config "$cfg" import "$SCRATCH/first.csv"
expect_status 0 "import one mentor whose certification crosses the 30-day threshold"

start_server main EXEC_SENDMAIL_DELAY=2 --db "$db" --config "$cfg" serve --listen 127.0.0.1:0 --threads 2
started_or_stop "serve --listen 127.0.0.1:0 starts and prints its port within 15 s"
main_pid=$server_pid main_err=$server_err main_port=$port
first_line=$(head -n 1 "$main_err")
if [[ $first_line =~ ^certcron:\ listening\ on\ http://127\.0\.0\.1:([0-9]+)(\ .*)?$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then ok; else
  use_server_err; not_ok "the first line is 'certcron: listening on http://127.0.0.1:PORT' with the ephemeral port"
fi

# A second server on the same port fails at once, naming the port.
out=$(timeout 15 "$CERTCRON_BIN" --db "$SCRATCH/other.db" serve --listen "127.0.0.1:$main_port" 2>"$SCRATCH/busy.err") && status=0 || status=$?
err=$(cat "$SCRATCH/busy.err")
if [ "$status" -ne 0 ] && [ "$status" -ne 124 ]; then ok; else not_ok "serve on a port in use exits non-zero at once"; fi
expect_err "$main_port" "the error names the port in use"

contract api --port "$main_port" --bin "$CERTCRON_BIN" --db "$db" --config "$cfg" --now "$t0"
contract execute --port "$main_port" --job nightly_expiry_check --capture "$capture" --now "$t0"
contract limits --port "$main_port"
contract slow --port "$main_port"

# --- the CLI and the API write the same database for 8 s: the CLI the description, the API
# the grace time of one job (and creates and deletes others). A CLI update may wait its turn
# for the write lock behind the API's writes (slowly so under sanitizers), so the check asks
# for at least two of them inside the window, not for a rate.
run --db "$db" --config "$cfg" create --name shared_job --cron '0 2 * * *' --tz UTC
expect_status 0 "create the job both will write"
"$py_real" "$support/serve_contract.py" writers --doc "$doc" --port "$main_port" --job shared_job --seconds 8 \
  --out "$SCRATCH/last_grace" >"$SCRATCH/writers.log" 2>&1 &
writers_pid=$!
cli_runs=0 cli_errors=0 last_description=""
deadline=$(($(date +%s) + 8))
while [ "$(date +%s)" -lt "$deadline" ] && [ "$cli_runs" -lt 200 ]; do
  cli_runs=$((cli_runs + 1))
  if "$CERTCRON_BIN" --db "$db" --config "$cfg" update shared_job --description "cli-$cli_runs" \
      >/dev/null 2>>"$SCRATCH/cli_writer.err"; then
    last_description="cli-$cli_runs"
  else
    cli_errors=$((cli_errors + 1))
  fi
done
wait "$writers_pid" && rc=0 || rc=$?
count_checks "$SCRATCH/writers.log" "$rc" serve_contract.py
status=$cli_errors out="" err=$(head -c 2000 "$SCRATCH/cli_writer.err")
if [ "$cli_errors" -eq 0 ] && [ "$cli_runs" -ge 2 ]; then ok; else
  not_ok "$cli_runs CLI updates while the API writes: every one exits 0 (status = how many did not)"
fi
contract final --port "$main_port" --job shared_job --description "$last_description" \
  --grace "$(cat "$SCRATCH/last_grace" 2>/dev/null || echo none)"

# --- the request log: one line per request, method, path (no query), status, microseconds
err=$(cat "$main_err") out="" status=0
expect_err '^GET /api/v1/certification-cron 200 [0-9]+us$' "the log has 'GET /api/v1/certification-cron 200 NNNus'"
expect_err '^POST /api/v1/certification-cron 201 [0-9]+us$' "the log has the create's 201"
expect_err '^PATCH /api/v1/certification-cron/cron-[0-9]+ 405 [0-9]+us$' "the log has the 405"
expect_err '^POST /api/v1/certification-cron/api/v1/certification-cron/cron-[0-9]+/execute 409 [0-9]+us$' "the log has the 409 at the seed path"
bad_lines=$(grep -E '^(GET|POST|PUT|DELETE|PATCH) ' "$main_err" | grep -Ev '^[A-Z]+ /[^ ?]* [1-5][0-9]{2} [0-9]+us$' | head -n 5)
expect_eq "$bad_lines" "" "every request log line is 'METHOD PATH STATUS NNNus', without the query"
log_lines=$(grep -cE '^(GET|POST|PUT|DELETE|PATCH) ' "$main_err")
# What the clients sent to this server: each scenario's last check counts its requests (4 of
# them refused as too large before they were read whole).
sent=$(cat "$SCRATCH"/contract-{api,execute,limits,slow,final}.log "$SCRATCH/writers.log" |
  sed -En 's/^PASS no response body echoes a request header \([a-z-]+, ([0-9]+) requests\)$/\1/p' |
  awk '{ n += $1 } END { print n + 0 }')
[ "$sent" -gt 200 ] && [ "$log_lines" -ge $((sent - 4)) ] && ok ||
  not_ok "a log line per request: $log_lines lines for $sent requests"
expect_no_err 'probe-5d1e8b0c3a|X-Certcron-Probe' "the log never carries request headers"

# --- SIGTERM while a run delivers: the server finishes or closes the run, and exits 0
printf 'mentor_id,name,email,certification,expires_at\nm7,Bob Seven,bob@example.org,CPR,2026-04-02\n' >"$SCRATCH/second.csv"
run --db "$db" --config "$cfg" import "$SCRATCH/second.csv"
expect_status 0 "import one more due certification while the server runs"
contract start-run --port "$main_port" --job nightly_expiry_check --out "$SCRATCH/run_id"
stop_server "$main_pid" TERM
use_server_err
expect_eq "$stop_status" "0" "SIGTERM during a run: the server exits 0 within 40 s"
expect_no_err 'terminate called|Aborted|Sanitizer|Segmentation|std::' "the server stopped without a crash or an uncaught exception"
if [ -s "$SCRATCH/run_id" ]; then
  contract stored-run --db "$db" --run "$(cat "$SCRATCH/run_id")"
else
  status=1 out="" err=""; not_ok "the interrupted run's id was recorded"
fi

# --- a bearer token from the environment
token=$("$py_real" -c 'import secrets; print(secrets.token_hex(16))')
start_server auth CERTCRON_TOKEN="$token" --db "$SCRATCH/auth.db" serve --listen 127.0.0.1:0
started_or_stop "serve with CERTCRON_TOKEN starts"
contract auth --port "$port" --token "$token"
stop_server "$server_pid" TERM
use_server_err
expect_eq "$stop_status" "0" "the server with a token stops on SIGTERM with exit 0"
expect_err '^GET /api/v1/certification-cron 401 [0-9]+us$' "the log has the 401s"
expect_no_err "$token" "the log never carries the token"

# --- a bearer token from [server] token_file
token2=$("$py_real" -c 'import secrets; print(secrets.token_hex(16))')
(umask 077; printf '%s\n' "$token2" >"$SCRATCH/token")
cat >"$SCRATCH/token.toml" <<TOML
[crontab]
program = "$support/fake-crontab"

[server]
token_file = "$SCRATCH/token"
TOML
start_server tokenfile --db "$SCRATCH/auth-file.db" --config "$SCRATCH/token.toml" serve --listen 127.0.0.1:0
started_or_stop "serve with [server] token_file starts"
contract auth --port "$port" --token "$token2"
stop_server "$server_pid" INT
use_server_err
expect_eq "$stop_status" "0" "SIGINT stops the server with exit 0"
expect_no_err "$token2" "the log never carries the token file's token"

chmod 644 "$SCRATCH/token"
out=$(timeout 15 "$CERTCRON_BIN" --db "$SCRATCH/auth-file.db" --config "$SCRATCH/token.toml" serve --listen 127.0.0.1:0 2>"$SCRATCH/open.err") && status=0 || status=$?
err=$(cat "$SCRATCH/open.err")
expect_status 2 "a token file every user can read is refused with exit 2"
expect_err "chmod o-r $SCRATCH/token" "the refusal says how to make the token file private"
expect_no_err 'listening on' "the server with a readable token file never listened"
expect_no_err "$token2" "the refusal does not print the token"
chmod 600 "$SCRATCH/token"

# --- beyond loopback: refused without a token, unless explicitly allowed
out=$(timeout 15 "$CERTCRON_BIN" --db "$SCRATCH/open.db" serve --listen 0.0.0.0:0 2>"$SCRATCH/open.err") && status=0 || status=$?
err=$(cat "$SCRATCH/open.err")
expect_status 2 "serve --listen 0.0.0.0:0 without a token is refused with exit 2"
expect_err '--allow-unauthenticated' "the refusal names --allow-unauthenticated"
expect_no_err 'listening on' "the refused server never listened"
start_server open --db "$SCRATCH/open.db" serve --listen 0.0.0.0:0 --allow-unauthenticated
started_or_stop "serve --listen 0.0.0.0:0 --allow-unauthenticated starts"
contract ping --port "$port" --label "0.0.0.0 with --allow-unauthenticated"
stop_server "$server_pid" TERM
expect_eq "$stop_status" "0" "the server on 0.0.0.0 stops on SIGTERM with exit 0"
start_server open_token CERTCRON_TOKEN="$token" --db "$SCRATCH/open.db" serve --listen 0.0.0.0:0
started_or_stop "serve --listen 0.0.0.0:0 with a token starts without --allow-unauthenticated"
contract ping --port "$port" --label "0.0.0.0 with a token"
# status_of PATH: the status of an unauthenticated GET.
status_of() {
  python3 -c 'import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("GET", sys.argv[2])
print(c.getresponse().status)' "$port" "$1"
}
expect_eq "$(status_of /api/v1/certification-cron)" 401 "on 0.0.0.0 with a token, /api without it is 401"
expect_eq "$(status_of //api/v1/certification-cron)" 401 "an empty segment (//api) does not get past the token"
stop_server "$server_pid" TERM
expect_eq "$stop_status" "0" "the server on 0.0.0.0 with a token stops on SIGTERM with exit 0"

finish
