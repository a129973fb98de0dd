#!/usr/bin/env bash
# certcron on a PostgreSQL database shared by several hosts: the same commands as on SQLite
# with --db/CERTCRON_DB a postgresql:// URL; twenty processes from two hosts executing one
# slot in a non-UTC zone on its DST day (one run, each reminder delivered once); a run whose
# host died taken over once its lease passed (the reminders it did not deliver delivered by
# the next run, with their Message-IDs); an unreachable database (a clear error, no SQLite
# file); passwords kept out of command lines, crontab lines and messages.
# Needs the throw-away server of the CTest fixture `pg` (CERTCRON_TEST_PG; tests/README.md).
source "$(dirname "$0")/lib.sh"

[ -n "${CERTCRON_TEST_PG:-}" ] || cannot_run "CERTCRON_TEST_PG names no PostgreSQL server (run it through ctest, fixture pg)"
command -v psql >/dev/null || cannot_run "psql is not installed (Debian package postgresql-client)"

sqlite_file="$XDG_DATA_HOME/certcron/certcron.db"
outbox="$XDG_STATE_HOME/certcron/outbox"
eml_count() { find "$outbox" -name '*.eml' 2>/dev/null | wc -l | tr -d ' '; }

# A database of its own on the fixture's server: its URL is the maintenance URL with the
# database's name in place of "postgres".
database="certcron_e2e_$$"
psql -q "$CERTCRON_TEST_PG" -c "CREATE DATABASE $database" >/dev/null || cannot_run "cannot create a database on $CERTCRON_TEST_PG"
trap 'psql -q "$CERTCRON_TEST_PG" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1; rm -rf "$SCRATCH"' EXIT
url="${CERTCRON_TEST_PG/\/\/\/postgres\?/\/\/\/$database?}"
sql() { psql -qAt "$url" -c "$1"; }
export CERTCRON_DB="$url"

# --- the commands on PostgreSQL
cat >"$SCRATCH/certs.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m30,Ann Thirty,ann@example.org,First Aid,2026-04-28
m7,Bob Seven,bob@example.org,CPR,2026-04-05
m1,Cy One,cy@example.org,Lifeguard,2026-03-30
mx,Di Expired,di@example.org,Food Safety,2026-03-20
mfar,Fay Far,fay@example.org,Scuba,2026-08-01
CSV
export CERTCRON_NOW=2026-03-28T12:00:00Z
run create --name nightly --cron '0 3 * * *' --tz Europe/Berlin
expect_status 0 "create a job on PostgreSQL"
expect_out "cron-001" "the first job is cron-001"
grep -q "execute cron-001 --scheduled" "$FAKE_CRONTAB_FILE" && ok || not_ok "its crontab line is installed"
grep -q -- "--db '$url'" "$FAKE_CRONTAB_FILE" && ok || not_ok "the crontab line names the database by its URL"
run create --name nightly --cron '0 4 * * *' --tz Europe/Berlin
expect_status 2 "a duplicate name is refused"
expect_err "already exist a cron check with this name" "the duplicate name's error is the API contract's"
run import "$SCRATCH/certs.csv"
expect_status 0 "import into PostgreSQL"
expect_eq "$(sql 'SELECT count(*) FROM certifications')" 5 "the certifications are in PostgreSQL"
run list
expect_status 0 "list"
expect_out "nightly" "list shows the job"
[ ! -e "$sqlite_file" ] && ok || not_ok "no SQLite file was created"

# --- twenty processes, two hosts, one slot: 03:00 in Berlin on 2026-03-29, the night clocks
# go forward (01:00 UTC), started within a few seconds of the slot, some a little before it.
run create --name spring --cron '0 3 * * *' --tz Europe/Berlin
expect_status 0 "create the job of the DST night"
# (PostgreSQL's sequences are not rolled back: the refused duplicate above used a number.)
spring=$(printf '%s' "$out" | grep -Eo 'cron-[0-9]+' | head -1)
seq=$((10#${spring#cron-}))
pids=()
for i in $(seq 1 20); do
  host=host-a
  [ $((i % 2)) -eq 0 ] && host=host-b
  now=2026-03-29T01:00:0$((i % 8))Z
  [ "$i" -le 3 ] && now=2026-03-29T00:59:5$((i + 5))Z  # a clock a few seconds behind
  CERTCRON_OWNER=$host CERTCRON_NOW=$now "$CERTCRON_BIN" execute "$spring" --scheduled \
    >"$SCRATCH/exec.$i.out" 2>"$SCRATCH/exec.$i.err" &
  pids+=($!)
done
codes=""
for pid in "${pids[@]}"; do
  wait "$pid" && codes="$codes 0" || codes="$codes $?"
done
expect_eq "$(echo $codes | tr ' ' '\n' | sort -u | tr '\n' ' ')" "0 " "every one of the twenty exits 0 (one runs the slot, the others find it taken)"
expect_eq "$(sql "SELECT count(*) FROM runs WHERE job_seq = $seq")" 1 "one run for the slot across both hosts"
expect_eq "$(sql "SELECT extract(epoch FROM scheduled_for)::bigint FROM runs WHERE job_seq = $seq")" \
  "$(date -u -d 2026-03-29T01:00:00Z +%s)" "the run is 03:00 Berlin time, 01:00 UTC"
expect_eq "$(sql "SELECT owner FROM runs WHERE job_seq = $seq" | grep -Ec '^host-(a|b)$')" 1 "the run names its owner"
# On 2026-03-29: Ann (30 days out), Bob (7), Cy (1) and Di (expired): 4 reminders.
expect_eq "$(eml_count)" 4 "each due reminder delivered once"
expect_eq "$(sql "SELECT count(*) FROM reminder_ledger WHERE outcome = 'sent'")" 4 "four sent in the ledger"
expect_eq "$(cat "$outbox"/*.eml | grep -i '^Message-ID:' | sort -u | wc -l | tr -d ' ')" 4 "four distinct Message-IDs"

# --- a host that died holding a run: the claim is taken over after its lease
# Its run of the next slot never ended and its lease ended a minute ago by the database's
# clock. Its pid (1) is alive here, which says nothing about another host: only the lease
# counts. It had claimed Gus's reminder and died before delivering it. Meanwhile a run of
# another job, on a host that is alive (its lease holds), is delivering Hal's.
printf 'mentor_id,name,email,certification,expires_at\nmg,Gus,gus@example.org,Rescue,2026-04-04\nmh,Hal,hal@example.org,Diving,2026-04-04\n' >"$SCRATCH/more.csv"
run import "$SCRATCH/more.csv"
expect_status 0 "import two certifications due in 7 days"
run create --name other --cron '0 5 * * *' --tz UTC
expect_status 0 "create another job"
other_seq=$(sql "SELECT seq FROM jobs WHERE name = 'other'")
gus_id=$(CERTCRON_NOW=2026-03-28T12:00:00Z "$CERTCRON_BIN" due --json | python3 -c 'import json,sys; print([x["message_id"] for x in json.load(sys.stdin)["data"] if x["mentor_id"] == "mg"][0])')
dead_run=$(sql "INSERT INTO runs (job_seq, trigger, scheduled_for, started_at, status, dry_run, pid, owner, lease_until)
     VALUES ($seq, 'schedule', to_timestamp($(date -u -d 2026-03-30T01:00:00Z +%s)), to_timestamp($(date -u -d 2026-03-30T01:00:01Z +%s)),
             'running', false, 1, 'host-dead', now() - interval '1 minute') RETURNING seq" | head -1)
live_run=$(sql "INSERT INTO runs (job_seq, trigger, started_at, status, dry_run, pid, owner, lease_until)
     VALUES ($other_seq, 'manual', now(), 'running', false, 999999, 'host-a', now() + interval '10 minutes') RETURNING seq" | head -1)
sql "INSERT INTO reminder_claims (certification_id, expires_on, threshold, run_seq, lease_until)
     SELECT id, expires_on, 7, CASE mentor_id WHEN 'mg' THEN $dead_run ELSE $live_run END,
            CASE mentor_id WHEN 'mg' THEN now() - interval '1 minute' ELSE now() + interval '10 minutes' END
     FROM certifications WHERE mentor_id IN ('mg', 'mh')" >/dev/null
export CERTCRON_OWNER=host-b
run runs "$spring" --json
expect_status 0 "runs on another host"
expect_out '"abandoned"' "the dead host's run is abandoned once its lease passed"
run execute "$spring" --json
expect_status 0 "the next run on host-b runs"
expect_json 'j["result"]["reminders_sent"]' '1' "it delivers the dead run's reminder, and leaves the live run's"
expect_eq "$(eml_count)" 5 "one more message in the outbox"
expect_eq "$(grep -il "^To: .*gus@example.org" "$outbox"/*.eml | wc -l | tr -d ' ')" 1 "Gus's reminder delivered once"
expect_eq "$(grep -h -i '^Message-ID:' $(grep -il "^To: .*gus@example.org" "$outbox"/*.eml) | tr -d '\r' | sed 's/^[^:]*: *//')" "$gus_id" "with the Message-ID the dead run would have sent"
expect_eq "$(grep -il "^To: .*hal@example.org" "$outbox"/*.eml | wc -l | tr -d ' ')" 0 "Hal's reminder is left to the run that claimed it"
expect_eq "$(sql "SELECT count(*) FROM runs WHERE job_seq = $seq AND status = 'running'")" 0 "no run is left running"
# The other run ends without delivering it (its delivery failed): the next run delivers it.
sql "UPDATE runs SET status = 'failed', completed_at = now() WHERE seq = $live_run" >/dev/null
run execute "$spring" --json
expect_json 'j["result"]["reminders_sent"]' '1' "once that run ended, the next run delivers Hal's reminder"
expect_eq "$(grep -il "^To: .*hal@example.org" "$outbox"/*.eml | wc -l | tr -d ' ')" 1 "Hal's reminder delivered once"
expect_eq "$(sql "SELECT count(*) FROM reminder_claims")" 0 "no claim is left"
run delete other --yes
expect_status 0 "delete the other job"
# A lease still holding is not taken over, though no process here has its pid.
sql "INSERT INTO runs (job_seq, trigger, started_at, status, dry_run, pid, owner, lease_until)
     VALUES ($seq, 'manual', now(), 'running', false, 999999, 'host-a', now() + interval '10 minutes')" >/dev/null
run execute "$spring"
expect_status 4 "a run of another host whose lease holds keeps the job running"
expect_err "already running" "it says the job is running"
sql "DELETE FROM runs WHERE owner = 'host-a' AND status = 'running'" >/dev/null
unset CERTCRON_OWNER

# --- one host gone: the other runs every slot and check reports nothing late
export CERTCRON_NOW=2026-03-31T01:00:05Z
CERTCRON_OWNER=host-b run execute "$spring" --scheduled
expect_status 0 "host-b runs the next slot alone"
export CERTCRON_NOW=2026-03-31T01:20:00Z
run check --json
expect_status 0 "check on host-a"
expect_no_out '"late": *\[ *\{' "check reports nothing late"

# --- an unreachable database: a clear error, and never a SQLite file instead
CERTCRON_DB="postgresql:///nowhere?host=$SCRATCH/no-such-socket&port=1" run execute cron-001
[ "$status" -ne 0 ] && ok || not_ok "execute against an unreachable database exits non-zero"
expect_err "cannot reach the PostgreSQL database postgresql://" "the error says the database cannot be reached"
[ ! -e "$sqlite_file" ] && ok || not_ok "no SQLite file was created as a fallback"

# --- passwords
run --db "postgresql://certcron:s3cret@localhost/certcron" list
expect_status 2 "a password in --db is refused"
expect_err "pgpass" "the error says where a password belongs"
expect_no_err "s3cret" "the error does not repeat the password"
password_url="${url/\/\/\//\/\/postgres:s3cret@/}"
CERTCRON_DB="$password_url" run create --name with-password --cron '0 5 * * *' --tz UTC
expect_status 2 "a job change whose crontab line would carry a password is refused"
expect_no_err "s3cret" "that error does not repeat the password"
grep -q s3cret "$FAKE_CRONTAB_FILE" && not_ok "the password reached the crontab" || ok
expect_eq "$(sql "SELECT count(*) FROM jobs WHERE name = 'with-password'")" 0 "the refused job was not created"
CERTCRON_DB="postgresql://postgres:s3cret@/nowhere?host=$SCRATCH/no-such-socket&port=1" run list
expect_no_err "s3cret" "an unreachable database's error does not show the password"

finish
