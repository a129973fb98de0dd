#!/usr/bin/env bash
# The real thing: Debian's cron daemon reads the block certcron wrote to a cron.d file and
# starts `execute --scheduled`; a run with trigger `schedule` must be recorded within two
# minutes, with its one line in the run log. Needs root (cron.d and the daemon): elsewhere it
# is reported as skipped, and in CI (root, CERTCRON_TESTS_REQUIRED=1) it must run.
source "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  cannot_run "needs root to write /etc/cron.d and start the cron daemon"
fi
if [ ! -x /usr/sbin/cron ]; then
  cannot_run "needs Debian's cron daemon, /usr/sbin/cron (scripts/install-deps installs cron)"
fi

# cron.d names may hold only letters, digits, '-' and '_'.
name="certcron-e2e-$(tr -dc 'a-z0-9' </dev/urandom | head -c 8)"
crond_file="/etc/cron.d/$name"
started_daemon=""
cleanup() {
  rm -f "$crond_file"
  if [ -n "$started_daemon" ] && [ -f /run/crond.pid ]; then
    kill "$(cat /run/crond.pid)" 2>/dev/null || true
  fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# The scratch home must be readable by the daemon's root job; it is (we are root).
cat >> "$XDG_CONFIG_HOME/certcron/config.toml" <<TOML
file = "$crond_file"
file_user = "root"
TOML
# [crontab] program stays the fake one; `file` takes precedence for the target.
# cron's job has none of this suite's XDG folders: the config file, named so that the line
# carries it, pins the state folder (the run log, the outbox) to the scratch one.
config="$XDG_CONFIG_HOME/certcron/config.toml"
{ printf 'state_dir = "%s"\n' "$XDG_STATE_HOME/certcron"; cat "$config"; } >"$config.new"
mv "$config.new" "$config"
export CERTCRON_CONFIG=$config

run create --name every_minute --cron '* * * * *' --tz UTC --grace 2 --json
expect_status 0 "create a job written to a cron.d file"
[ -f "$crond_file" ] && ok || not_ok "the cron.d file exists"
mode=$(stat -c %a "$crond_file" 2>/dev/null)
expect_eq "$mode" "644" "the cron.d file is mode 0644 as cron requires"
grep -q "root '$CERTCRON_BIN' --db" "$crond_file" && ok || not_ok "the line carries the user field and the binary"
grep -q -- "--config '$config'" "$crond_file" && ok || not_ok "the line carries the named config file"

# A live daemon, not a zombie left by an earlier one.
daemon_running() { ps -C cron -o stat= 2>/dev/null | grep -qv '^Z'; }
if ! daemon_running; then
  /usr/sbin/cron && started_daemon=yes
  sleep 1
fi
daemon_running && ok || not_ok "the cron daemon runs"

# cron reads cron.d when a minute starts; the first full minute after that fires the job.
deadline=$((SECONDS + 150))
total=0
while [ $SECONDS -lt $deadline ]; do
  total=$("$CERTCRON_BIN" runs every_minute --json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total"])' 2>/dev/null || echo 0)
  [ "${total:-0}" -ge 1 ] && break
  sleep 5
done
run runs every_minute --json
expect_json 'j["data"][-1]["trigger"] if j["data"] else None' '"schedule"' "cron started a scheduled run within two and a half minutes"
expect_json 'j["data"][-1]["scheduled_for"][-3:] if j["data"] else None' '"00Z"' "the run is for a whole-minute slot"
expect_json 'j["data"][-1]["status"] if j["data"] else None' '"success"' "the scheduled run succeeded"
log="$XDG_STATE_HOME/certcron/cron.log"
# The run's line follows its end in the database by a moment.
logged() { grep -Eq '^[0-9T:-]+Z job=cron-001 name=every_minute run=run-[0-9]+ trigger=schedule slot=[0-9T:-]+00Z status=success ' "$log" 2>/dev/null; }
if wait_for 10 logged; then ok; else not_ok "cron's run wrote its line to the run log"; fi
grep -q '^run-' "$log" 2>/dev/null && not_ok "the summary of cron's run is not repeated in the run log" || ok
if [ "$failed" -gt 0 ] && [ -f "$log" ]; then
  echo "cron.log:" >&2; tail -20 "$log" >&2
fi

run delete every_minute --yes
[ ! -s "$crond_file" ] || ! grep -q certcron "$crond_file" && ok || not_ok "deleting the last job removes its line"

finish
