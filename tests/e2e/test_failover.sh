#!/usr/bin/env bash
# A PostgreSQL primary fails: a streaming standby (pg_basebackup -R) is promoted, and with the
# database named by both hosts and target_session_attrs=read-write the next run finds the new
# primary and succeeds; the reminders the old primary recorded are not sent again, and the
# reminders due since are sent once.
source "$(dirname "$0")/lib.sh"

cluster="$CERTCRON_SOURCE_DIR/tests/support/pg_cluster.sh"
outbox="$XDG_STATE_HOME/certcron/outbox"
eml_count() { find "$outbox" -name '*.eml' 2>/dev/null | wc -l | tr -d ' '; }
command -v psql >/dev/null || cannot_run "psql is not installed (Debian package postgresql-client)"

# Two servers of their own (not the shared fixture's): sockets under /tmp (107 bytes at most).
primary_socket=$(mktemp -d /tmp/certcron-fo-p.XXXXXX)
standby_socket=$(mktemp -d /tmp/certcron-fo-s.XXXXXX)
chmod 0755 "$primary_socket" "$standby_socket"
cleanup() {
  bash "$cluster" stop "$SCRATCH/primary" >/dev/null 2>&1
  bash "$cluster" stop "$SCRATCH/standby" >/dev/null 2>&1
  rm -rf "$primary_socket" "$standby_socket" "$SCRATCH"
}
trap cleanup EXIT
chmod 0755 "$SCRATCH"
export PG_PORT=5435
primary_url=$(bash "$cluster" start "$SCRATCH/primary" "$primary_socket") || {
  code=$?
  [ "$code" -eq 77 ] && cannot_run "PostgreSQL is not installed"
  echo "FAIL: the primary did not start" >&2
  exit 1
}
psql -qAt "$primary_url" -c "CREATE DATABASE certcron" >/dev/null
if bash "$cluster" standby "$SCRATCH/primary" "$SCRATCH/standby" "$standby_socket" >/dev/null; then ok; else not_ok "the standby starts from a base backup of the primary"; finish; exit 1; fi

export CERTCRON_DB="postgresql:///certcron?host=$primary_socket,$standby_socket&port=$PG_PORT,$PG_PORT&user=postgres&target_session_attrs=read-write"
standby_url="postgresql:///certcron?host=$standby_socket&port=$PG_PORT&user=postgres"

cat >"$SCRATCH/certs.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m7,Bob Seven,bob@example.org,CPR,2026-04-02
m1,Cy One,cy@example.org,Lifeguard,2026-03-27
mlater,Gus Later,gus@example.org,Diving,2026-04-28
CSV
export CERTCRON_NOW=2026-03-25T12:00:00Z
run create --name nightly --cron '0 2 * * *' --tz UTC
expect_status 0 "create a job on the primary"
run import "$SCRATCH/certs.csv"
expect_status 0 "import on the primary"
export CERTCRON_NOW=2026-03-26T02:00:05Z
run execute cron-001 --scheduled
expect_status 0 "the night's run on the primary"
expect_eq "$(eml_count)" 2 "it delivers the two reminders due (7 days and 1 day out)"

# The standby has replayed everything before the primary fails (asynchronous replication
# loses what it has not received; that is PostgreSQL's to configure, not certcron's).
for _ in $(seq 1 100); do
  [ "$(psql -qAt "$standby_url" -c "SELECT count(*) FROM reminder_ledger WHERE outcome = 'sent'" 2>/dev/null)" = 2 ] && break
  sleep 0.1
done
expect_eq "$(psql -qAt "$standby_url" -c "SELECT count(*) FROM reminder_ledger WHERE outcome = 'sent'")" 2 "the standby has the ledger"

bash "$cluster" kill "$SCRATCH/primary"
expect_eq "$(psql -qAt "$standby_url" -c 'SELECT pg_is_in_recovery()')" t "the standby is read-only before its promotion"
bash "$cluster" promote "$SCRATCH/standby"
expect_eq "$(psql -qAt "$standby_url" -c 'SELECT pg_is_in_recovery()')" f "the promoted standby is the primary"

# Three nights later: Gus's certification is 30 days out and Cy's has expired; Bob's 7-day
# reminder and Cy's 1-day one were sent already.
export CERTCRON_NOW=2026-03-29T02:00:05Z
run execute cron-001 --scheduled
expect_status 0 "the next run finds the new primary and succeeds"
expect_eq "$(eml_count)" 4 "only the two newly due reminders are delivered: nothing is sent twice"
expect_eq "$(psql -qAt "$standby_url" -c "SELECT count(*) FROM runs WHERE status = 'success'")" 2 "both runs are on the new primary"
run runs cron-001 --json
expect_status 0 "runs reads the new primary"
finish
