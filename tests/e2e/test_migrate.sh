#!/usr/bin/env bash
# certcron db migrate-to: a SQLite database built by the real binary (jobs, a snooze, certificates,
# a run that delivered reminders) copied into an empty PostgreSQL database, which then answers
# list, show and runs as the SQLite file did, keeps the crontab block (the same identity), numbers
# new jobs and runs after the copied ones and, through the copied ledger, sends no reminder
# twice. A target with data, a URL with a password and a URL that is not PostgreSQL's are
# refused with nothing changed.
# Needs the throw-away server of the CTest fixture `pg` (CERTCRON_TEST_PG; tests/README.md).
source "$(dirname "$0")/lib.sh"

[ -n "${CERTCRON_TEST_PG:-}" ] || cannot_run "CERTCRON_TEST_PG names no PostgreSQL server (run it through ctest, fixture pg)"
command -v psql >/dev/null || cannot_run "psql is not installed (Debian package postgresql-client)"

outbox="$XDG_STATE_HOME/certcron/outbox"
eml_count() { find "$outbox" -name '*.eml' 2>/dev/null | wc -l | tr -d ' '; }

# Databases of their own on the fixture's server: the maintenance URL with their names in place
# of "postgres".
database="certcron_migrate_$$"
second="certcron_migrate2_$$"
for name in "$database" "$second"; do
  psql -q "$CERTCRON_TEST_PG" -c "CREATE DATABASE $name" >/dev/null || cannot_run "cannot create a database on $CERTCRON_TEST_PG"
done
trap 'for name in "$database" "$second"; do psql -q "$CERTCRON_TEST_PG" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1; done; rm -rf "$SCRATCH"' EXIT
url="${CERTCRON_TEST_PG/\/\/\/postgres\?/\/\/\/$database?}"
url2="${CERTCRON_TEST_PG/\/\/\/postgres\?/\/\/\/$second?}"
sql() { psql -qAt "$url" -c "$1"; }

# --- a SQLite database with some history
cat >"$SCRATCH/certs.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m30,Ann Thirty,ann@example.org,First Aid,2026-04-28
m7,Bob Seven,bob@example.org,CPR,2026-04-05
m1,Cy One,cy@example.org,Lifeguard,2026-03-30T18:00:00+02:00
mx,Di Expired,di@example.org,Food Safety,2026-03-20
mfar,Fay Far,fay@example.org,Scuba,2026-08-01
CSV
export CERTCRON_NOW=2026-03-28T12:00:00Z
run create --name nightly --cron '0 3 * * *' --tz Europe/Berlin
expect_status 0 "create a cron job on SQLite"
run create --name hourly --every 60 --tz UTC --disabled
expect_status 0 "create a disabled simple job on SQLite"
run create --name doomed --every 30 --tz UTC
run delete doomed --yes
expect_status 0 "delete a job (its seq is never handed out again)"
run snooze nightly --minutes 120
expect_status 0 "snooze a job"
run import "$SCRATCH/certs.csv"
expect_status 0 "import certifications into SQLite"
run execute cron-001
expect_status 0 "execute on SQLite"
sent=$(eml_count)
[ "$sent" -gt 0 ] && ok || not_ok "execute on SQLite delivered reminders (got $sent)"
grep -c '^# BEGIN certcron' "$FAKE_CRONTAB_FILE" | grep -qx 1 && ok || not_ok "one crontab block"
# The ledger holds the reminders sent and the less urgent ones they superseded.
ledger=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM reminder_ledger").fetchone()[0])' \
  "$XDG_DATA_HOME/certcron/certcron.db")
[ "$ledger" -ge "$sent" ] && ok || not_ok "the SQLite ledger has an entry per reminder sent ($ledger for $sent)"
run list --json
sqlite_list=$out
run show nightly --json
sqlite_show=$out
run runs cron-001 --json
sqlite_runs=$out

# --- refused: a password on the command line, a URL that is not PostgreSQL's
run db migrate-to "postgresql://certcron:s3cret@localhost/$database"
expect_status 2 "a URL with a password is refused"
expect_err "pgpass" "the refusal says where the password goes"
expect_no_err "s3cret" "the refusal does not repeat the password"
run db migrate-to "$SCRATCH/other.db"
expect_status 2 "a target that is not a PostgreSQL URL is refused"
run db migrate-to
expect_status 2 "migrate-to without a URL is refused"
expect_eq "$(sql "SELECT to_regclass('jobs') IS NULL")" t "nothing was created by the refusals"

# --- the copy
run db migrate-to "$url"
expect_status 0 "db migrate-to an empty database"
expect_out "^jobs +2$" "two jobs copied"
expect_out "^runs +1$" "one run copied"
expect_out "^certifications +5$" "five certifications copied"
expect_out "^reminder_ledger +$ledger$" "the whole ledger copied"
expect_out "identity" "the identity is reported"
expect_eq "$(sql 'SELECT count(*) FROM mentors')" 5 "the mentors are in PostgreSQL"
identity=$(sql "SELECT value FROM certcron_meta WHERE key = 'identity'")
grep -q "^# BEGIN certcron $identity " "$FAKE_CRONTAB_FILE" && ok || not_ok "PostgreSQL carries the identity of the crontab block ($identity)"

export CERTCRON_DB="$url"
run list --json
expect_status 0 "list on PostgreSQL"
expect_eq "$out" "$sqlite_list" "list --json is the same on PostgreSQL"
run show nightly --json
expect_eq "$out" "$sqlite_show" "show --json (snooze, monitoring state) is the same on PostgreSQL"
run runs cron-001 --json
expect_eq "$out" "$sqlite_runs" "runs --json is the same on PostgreSQL"
run list
expect_out "hourly" "list shows the disabled job"

# The ledger came along: nothing is sent again.
run execute cron-001
expect_status 0 "execute on PostgreSQL"
expect_out "run-0002" "the run after the copied one is run-0002"
expect_eq "$(eml_count)" "$sent" "no reminder sent again after the migration"
run create --name weekly --cron '0 6 * * 1' --tz UTC
expect_status 0 "create a job on PostgreSQL"
expect_out "cron-004" "the new job follows the deleted job's seq (cron-004)"
run crontab repair
expect_status 0 "crontab repair on PostgreSQL"
expect_eq "$(grep -c '^# BEGIN certcron' "$FAKE_CRONTAB_FILE")" 1 "still one crontab block: the same identity"
grep -q -- "--db '$url'" "$FAKE_CRONTAB_FILE" && ok || not_ok "the crontab lines now name the PostgreSQL database"
unset CERTCRON_DB

# --- a target that holds data is refused and left as it is
jobs_before=$(sql 'SELECT count(*) FROM jobs')
run db migrate-to "$url"
expect_status 2 "a database with data is refused"
expect_err "not empty" "the refusal says the target is not empty"
expect_err "3 jobs" "the refusal says what the target holds"
expect_err "nothing was changed" "the refusal says nothing was changed"
expect_eq "$(sql 'SELECT count(*) FROM jobs')" "$jobs_before" "the refused target is unchanged"

# --- --json, into a second database
run db migrate-to "$url2" --json
expect_status 0 "db migrate-to --json"
expect_json "j['tables']['jobs']" 2 "--json gives the rows per table"
expect_json "j['tables']['reminder_ledger']" "$ledger" "--json gives the ledger's rows"
expect_json "j['identity']" "\"$identity\"" "--json gives the identity"

finish
