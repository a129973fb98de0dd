#!/usr/bin/env bash
# certcron on PostgreSQL against certcron on SQLite, same machine, same data, one run: the
# import, the first run (everything in the window due) and the steady night (the day after:
# only that day's crossings due) over ROWS certifications (default 1,000,000), each under
# /usr/bin/time -v; then the slot claim's round trip (the INSERT ... ON CONFLICT DO NOTHING
# RETURNING that claims a slot) on the local socket, timed by pgbench.
#   CERTCRON_BIN=build-release/src/certcron bench/postgresql/run.sh
#   ROWS=100000 bench/postgresql/run.sh
# The server is a throw-away one (tests/support/pg_cluster.sh) with PostgreSQL's durable
# defaults (PG_DURABLE=1: fsync, synchronous_commit, full_page_writes on), as SQLite's
# database is (WAL, synchronous=NORMAL). Both outboxes are on tmpfs: the bench compares the
# stores, not the disk's fdatasync of 40,000 message files.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-expiry}
rows=${ROWS:-1000000}
day0=2026-03-01
day1=2026-03-02

source "$root/bench/lib.sh"
bench_build "$root/bench/expiry"
bench_need_time_and_sqlite3
command -v pgbench >/dev/null || { echo "run.sh needs pgbench (apt-get install postgresql-contrib)" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/certcron-bench-pg.XXXXXX")
socket=$(mktemp -d /tmp/certcron-bench-pg-socket.XXXXXX)
shm=$(mktemp -d /dev/shm/certcron-bench-pg.XXXXXX 2>/dev/null || mktemp -d)
chmod 0755 "$scratch" "$socket"
cleanup() {
  bash "$root/tests/support/pg_cluster.sh" stop "$scratch/pg" >/dev/null 2>&1 || true
  rm -rf "$scratch" "$socket" "$shm"
}
trap cleanup EXIT
bench_home "$scratch"
printf '[reminders.delivery]\noutbox = "%s"\n' "$shm/outbox" >>"$XDG_CONFIG_HOME/certcron/config.toml"

export PG_PORT=5436 PG_DURABLE=1
server=$(bash "$root/tests/support/pg_cluster.sh" start "$scratch/pg" "$socket")
psql -qAt "$server" -c "CREATE DATABASE certcron" >/dev/null
pg_url="postgresql:///certcron?host=$socket&port=$PG_PORT&user=postgres"

declare -A wall cpu rss
measure() {
  local key=$1
  shift
  bench_time "$scratch/out.$key" "$scratch/err" "$@"
  wall[$key]=$bench_wall cpu[$key]=$bench_cpu rss[$key]=$bench_rss
  echo "  $key: ${wall[$key]} s wall, ${cpu[$key]} s CPU, ${rss[$key]} MiB"
}
sent() { grep -Eo '"reminders_sent": *[0-9]+' "$scratch/out.$1" | grep -Eo '[0-9]+$' || true; }

echo "generating $rows certifications..."
"$build/tools/expiry_generate" "$rows" "$day0" >"$scratch/certifications.csv"

for engine in sqlite postgresql; do
  if [ "$engine" = sqlite ]; then export CERTCRON_DB=$db; else export CERTCRON_DB=$pg_url; fi
  echo "$engine:"
  measure "$engine.import" "$CERTCRON_BIN" import "$scratch/certifications.csv"
  "$CERTCRON_BIN" create --name nightly --cron '0 2 * * *' --tz UTC >/dev/null
  measure "$engine.first" env CERTCRON_NOW=${day0}T02:00:00Z "$CERTCRON_BIN" --json execute nightly
  rm -rf "$shm/outbox"
  measure "$engine.night" env CERTCRON_NOW=${day1}T02:00:00Z "$CERTCRON_BIN" --json execute nightly
  rm -rf "$shm/outbox"
done
for step in first night; do
  a=$(sent "sqlite.$step") b=$(sent "postgresql.$step")
  if [[ -z $a || $a != "$b" ]]; then
    echo "MISMATCH in $step: SQLite sent '$a', PostgreSQL '$b'" >&2
    exit 1
  fi
  echo "  $step: both sent $a"
done

echo "slot claim round trip (pgbench, one client, 2000 claims of new slots)..."
job_seq=$(psql -qAt "$pg_url" -c "SELECT seq FROM jobs WHERE name = 'nightly'")
cat >"$scratch/claim.sql" <<SQL
\set slot random(1, 1000000000)
INSERT INTO runs (job_seq, trigger, scheduled_for, started_at, status, dry_run, pid, owner, lease_until)
  VALUES ($job_seq, 'schedule', to_timestamp(:slot), now(), 'success', false, 1, 'bench', now())
  ON CONFLICT DO NOTHING RETURNING seq;
SQL
claim=$(pgbench -n -c 1 -t 2000 -f "$scratch/claim.sql" "$pg_url" 2>&1 | grep -Eo 'latency average = [0-9.]+ ms' | grep -Eo '[0-9.]+')
echo "  claim: $claim ms per round trip (each claim committed durably: a WAL flush)"
claim_nosync=$(PGOPTIONS='-c synchronous_commit=off' pgbench -n -c 1 -t 2000 -f "$scratch/claim.sql" "$pg_url" 2>&1 | grep -Eo 'latency average = [0-9.]+ ms' | grep -Eo '[0-9.]+')
echo "  claim: $claim_nosync ms per round trip without waiting for the flush (the round trip itself)"

echo
printf '%-8s %12s %12s %8s %12s %12s\n' step "SQLite s" "PG s" "PG/SQL" "SQLite MiB" "PG MiB"
for step in import first night; do
  printf '%-8s %12s %12s %8s %12s %12s\n' "$step" "${wall[sqlite.$step]}" "${wall[postgresql.$step]}" \
    "$(awk -v a="${wall[postgresql.$step]}" -v b="${wall[sqlite.$step]}" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')" \
    "${rss[sqlite.$step]}" "${rss[postgresql.$step]}"
done
echo "slot claim: $claim ms durable, $claim_nosync ms without the flush (target <= 2 ms)"
