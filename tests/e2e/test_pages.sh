#!/usr/bin/env bash
# The status pages end to end: a database with jobs in every state (ok, failed, late and
# snoozed, running, pending, disabled; one with a hostile name), `certcron serve` on 127.0.0.1
# with an ephemeral port, the overview and a job's page opened in headless Chromium (the text
# of the DOM it built, and screenshots at desktop and phone sizes that must show the badge
# colours, not a blank), then the token flow with curl and with the browser: no token gives
# the login form (401), ?token= sets an HttpOnly SameSite=Strict cookie and redirects to the
# same page without the token, the cookie opens the pages, the log never carries the token.
# With CERTCRON_SCREENSHOT_OUT=FILE the overview's screenshot is also copied there (that is
# how docs/status-page.png is made).
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
status=0 out="" err=""

if ! command -v chromium >/dev/null; then
  echo "FAIL: chromium is not installed; run scripts/install-deps (it installs Debian's chromium)" >&2
  failed=1
  finish
  exit 1
fi

server_pids=""
kill_servers() {
  local pid
  for pid in $server_pids; do kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
}
trap 'kill_servers; rm -rf "$SCRATCH"' EXIT

# at INSTANT ARGS...: certcron ARGS... with "now" pinned to INSTANT.
at() { local when=$1; shift; CERTCRON_NOW=$when run "$@"; }
# step NAME INSTANT ARGS...: the same, and it must succeed.
step() { local name=$1; shift; at "$@"; expect_status 0 "$name"; }

# --- jobs in every state
hostile='backup <script>alert(1)</script> & "co"'
failing="$SCRATCH/failing.toml"
cat >"$failing" <<TOML
[crontab]
program = "$support/fake-crontab"
[reminders.delivery]
kind = "command"
command = "false"
TOML
printf 'mentor_id,name,email,certification,expires_at\nm1,Ann Lee,ann@example.org,First Aid,2026-04-20\n' >"$SCRATCH/mentors.csv"

step "a weekly job created a week before" 2026-03-20T09:00:00Z create --name weekly_report \
  --cron '0 6 * * 1' --tz UTC --no-catch-up --description 'Monday report for the board'
step "import a mentor who is due a reminder" 2026-03-26T09:00:00Z import "$SCRATCH/mentors.csv"
step "the nightly job" 2026-03-26T09:00:00Z create --name nightly_expiry_check --cron '0 2 * * *' \
  --tz Europe/Brussels --description 'Remind mentors before certifications expire'
step "a job with a hostile name" 2026-03-26T09:00:00Z create --name "$hostile" --cron '30 3 * * *' \
  --tz UTC --description 'Nightly "backup" & <b>prune</b>'
for minute in 01 02; do
  at "2026-03-26T09:${minute}:00Z" --config "$failing" execute nightly_expiry_check
  expect_status 1 "a run whose delivery fails ends failed (09:$minute)"
done
for minute in 03 04 05; do
  step "a run that delivers (09:$minute)" "2026-03-26T09:${minute}:00Z" execute nightly_expiry_check
done
step "the hostile job pings finished" 2026-03-26T09:10:00Z ping "$hostile" finished --exit-code 0 --runtime 12
step "snooze the weekly job" 2026-03-26T09:15:00Z snooze weekly_report --minutes 600
step "check: the weekly job is late (snoozed: no alert), the nightly job's alerts go out" \
  2026-03-26T09:16:00Z check
step "the hostile job pings failed" 2026-03-26T09:20:00Z ping "$hostile" failed --exit-code 2 \
  --message 'disk <full> & "more"'
step "a simple job" 2026-03-26T09:25:00Z create --name hourly_sync --every 60
step "a job never run" 2026-03-26T09:25:00Z create --name new_import --cron '15 4 * * *' --tz UTC
step "a disabled job" 2026-03-26T09:25:00Z create --name old_export --cron '0 5 * * *' --tz UTC --disabled
step "the simple job pings starting" 2026-03-26T09:30:00Z ping hourly_sync starting

# start_page_server NAME [VAR=VALUE...]: `certcron serve` on an ephemeral port of 127.0.0.1,
# with "now" pinned (lib.sh's start_server); leaves $port and $server_err, or ends the suite.
start_page_server() {
  local name=$1
  shift
  start_server "$name" CERTCRON_NOW=2026-03-26T09:40:00Z "$@" serve --listen 127.0.0.1:0 || true
  started_or_stop "$name: serve --listen 127.0.0.1:0 starts within 15 s"
}

# browser ARGS... URL: headless Chromium, its own profile in the scratch folder.
browser() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$SCRATCH/chromium" "$@" 2>>"$SCRATCH/chromium.err"
}
# dom NAME URL: the DOM Chromium built for URL into $out.
dom() {
  out=$(browser --dump-dom "$2") && status=0 || status=$?
  err=$(tail -n 5 "$SCRATCH/chromium.err")
  printf '%s' "$out" >"$SCRATCH/$1.html"
  expect_status 0 "chromium --dump-dom $1"
}
expect_text() { if printf '%s' "$out" | grep -Fq -- "$1"; then ok; else not_ok "$2 (the page lacks '$1')"; fi; }
expect_no_text() { if printf '%s' "$out" | grep -Fq -- "$1"; then not_ok "$2 (the page has '$1')"; else ok; fi; }
# screenshot NAME WIDTH HEIGHT URL [COLOURS...]: a PNG that must be WIDTH wide, not blank, and
# show each colour (RRGGBB).
screenshot() {
  local png="$SCRATCH/$1.png" log="$SCRATCH/$1.png.log" rc=0
  browser --screenshot="$png" --window-size="$2,$3" "$4" >/dev/null || true
  python3 "$support/png_colours.py" "$png" --width "$2" --min-colours 32 --has "${@:5}" >"$log" 2>&1 || rc=$?
  count_checks "$log" "$rc" "png_colours.py $1"
}

# --- the open server (no token): the pages in a browser
start_page_server open
base="http://127.0.0.1:$port"

dom overview "$base/"
expect_text 'certcron status' "the overview has its heading"
expect_text '6 jobs: 1 ok, 1 running, 1 late, 1 failed, 2 pending; 1 snoozed' "the overview counts the states"
for label in ok failed late running pending; do
  expect_text ">$label</span>" "the overview has a '$label' badge"
done
expect_text 'snoozed until' "the snoozed job says so"
expect_text '<span class="chip disabled">disabled</span>' "the disabled job says so"
expect_text 'backup &lt;script&gt;alert(1)&lt;/script&gt; &amp; "co"' "the hostile name is text, escaped"
expect_text 'Nightly "backup" &amp; &lt;b&gt;prune&lt;/b&gt;' "the hostile description is text, escaped"
expect_no_text '<script' "no script element at all, the hostile name's included"
expect_text 'aria-label="last 5 runs, oldest first: 3 success, 2 failed"' "the strip of the nightly job"
expect_text '<code>0 2 * * *</code>' "the schedule's expression"
expect_text 'Europe/Brussels' "the schedule's zone"
expect_text '1 checked · 0 sent · 0 errors' "the last run's counts"
expect_text '<a href="/jobs/cron-002">' "each job links to its page"
screenshot overview 1280 900 "$base/" 1a7f37 c62828 9a4d00 5f6368 0b5cad
screenshot overview-phone 390 844 "$base/" 9a4d00 1a7f37
if [ -n "${CERTCRON_SCREENSHOT_OUT:-}" ]; then
  browser --screenshot="$CERTCRON_SCREENSHOT_OUT" --window-size=1200,760 "$base/" >/dev/null
fi

dom job "$base/jobs/cron-002"
expect_text 'Remind mentors before certifications expire' "the job's page has its description"
expect_text "curl -fsS -m 10 -X POST $base/ping/" "the Oh Dear curl lines carry the ping URL"
expect_text '/start?rid=$rid' "the healthchecks.io curl lines"
expect_text 'Recent state changes' "the flips' section"
expect_text 'up → failed' "the flip to failed"
expect_text 'failed → up' "the recovery"
expect_text '>sent <time' "the alerts that went out, with when"
expect_text 'Runs, newest first (5 of 5)' "the runs' table"
expect_text 'run-0001' "the first run"
screenshot job 1280 1600 "$base/jobs/cron-002" 1a7f37 c62828

dom hostile "$base/jobs/cron-003"
expect_text 'disk &lt;full&gt; &amp; "more"' "the hostile ping message is text, escaped"
expect_text '<title>backup &lt;script&gt;' "the hostile title is text, escaped"
expect_no_text '<script' "no script element on the hostile job's page"
expect_text 'pending' "the failed ping's alert waits for the next check"

curl -s -D "$SCRATCH/h" -o /dev/null "$base/" || true
expect_eq "$(grep -ci '^content-type: text/html; charset=utf-8' "$SCRATCH/h")" 1 "Content-Type: text/html; charset=utf-8"
expect_eq "$(grep -ci '^cache-control: no-store' "$SCRATCH/h")" 1 "Cache-Control: no-store"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/jobs/cron-404")" 404 "an unknown job's page is 404"

# --- a server with a token
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
start_page_server token CERTCRON_TOKEN="$token"
base="http://127.0.0.1:$port"
code=$(curl -s -o "$SCRATCH/login.html" -w '%{http_code}' "$base/")
expect_eq "$code" 401 "without the token, / is 401"
out=$(cat "$SCRATCH/login.html")
expect_text '<form method="post" action="/login">' "and shows the login form"
expect_no_text 'nightly_expiry_check' "and nothing of the jobs"
code=$(curl -s -o /dev/null -D "$SCRATCH/h" -w '%{http_code}' "$base/jobs/cron-001?token=$token")
expect_eq "$code" 303 "?token= redirects"
out=$(cat "$SCRATCH/h")
expect_out $'^[Ll]ocation: /jobs/cron-001\r?$' "to the same page without the token"
expect_out '^[Ss]et-[Cc]ookie: certcron_token=.*; HttpOnly; SameSite=Strict' "with an HttpOnly, SameSite=Strict cookie"
code=$(curl -s -o "$SCRATCH/with-cookie.html" -w '%{http_code}' --cookie "certcron_token=$token" "$base/")
expect_eq "$code" 200 "the cookie opens the overview"
out=$(cat "$SCRATCH/with-cookie.html")
expect_text 'nightly_expiry_check' "with the jobs"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' --cookie 'certcron_token=wrong' "$base/")" 401 "a wrong cookie is 401"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$base/?token=wrong")" 401 "a wrong ?token= is 401"
code=$(curl -s -o /dev/null -D "$SCRATCH/h" -w '%{http_code}' --data-urlencode "token=$token" \
  --data-urlencode 'next=/jobs/cron-002' "$base/login")
expect_eq "$code" 303 "the login form's POST redirects"
out=$(cat "$SCRATCH/h")
expect_out $'^[Ll]ocation: /jobs/cron-002\r?$' "to the page it came from"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' --cookie "certcron_token=$token" "$base/api/v1/certification-cron")" 401 \
  "the cookie does not open the API (it keeps its bearer token)"

rm -rf "$SCRATCH/chromium"
dom browser-token "$base/?token=$token"
expect_text '6 jobs:' "in the browser, ?token= leads to the overview"
expect_no_text 'action="/login"' "not to the login form"
out=$(cat "$server_err")
expect_no_text "$token" "the server's log never carries the token"

finish
