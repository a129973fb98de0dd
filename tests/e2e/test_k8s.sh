#!/usr/bin/env bash
# `certcron k8s manifests`: one batch/v1 CronJob per job, as the golden files under
# tests/data/k8s/ show them, each valid against the CronJob schema of the Kubernetes API
# (tests/data/k8s/cronjob.schema.json, made by tools/k8s-schema/extract.py) with every object
# closed, so that a key the API does not know fails; the schema is shown to reject such keys
# and a 53-character name. Runs without a network and without a cluster.
#
# After a deliberate change of the manifests, rewrite the golden files and review the diff:
#   CERTCRON_UPDATE_GOLDEN=1 ctest --preset dev -R e2e.k8s
source "$(dirname "$0")/lib.sh"
out='' err='' status=0

DATA=$CERTCRON_SOURCE_DIR/tests/data/k8s
SCHEMA=$DATA/cronjob.schema.json
VALIDATE=$CERTCRON_SOURCE_DIR/tests/e2e/support/k8s_validate.py

python3 -c 'import jsonschema' 2>/dev/null ||
  cannot_run "python3 with jsonschema is needed (Debian: python3-jsonschema; scripts/install-deps)"

# golden NAME: stdout is tests/data/k8s/NAME (or becomes it, with CERTCRON_UPDATE_GOLDEN=1).
golden() {
  if [ "${CERTCRON_UPDATE_GOLDEN:-0}" = 1 ]; then
    printf '%s\n' "$out" >"$DATA/$1"
    echo "wrote tests/data/k8s/$1"
  fi
  local difference printed=$out
  if difference=$(diff -u "$DATA/$1" <(printf '%s\n' "$out")); then
    ok
  else
    out=$difference
    not_ok "the manifests are tests/data/k8s/$1 (stdout shows the diff; see the top of this suite to regenerate)"
    out=$printed
  fi
}

# validate NAME ARGS...: stdout validated against the schema by k8s_validate.py.
validate() {
  local name=$1 rc=0
  shift
  printf '%s\n' "$out" >"$SCRATCH/$name.txt"
  python3 "$VALIDATE" "$SCHEMA" "$SCRATCH/$name.txt" "$@" >"$SCRATCH/$name.log" 2>&1 || rc=$?
  count_checks "$SCRATCH/$name.log" "$rc" "k8s_validate.py $name"
}

export CERTCRON_NOW=2026-11-30T12:00:00Z
db=$SCRATCH/k8s.db

# --- no jobs: nothing on stdout, exit 0, a note on stderr (none with -q)
run --db "$db" k8s manifests
expect_status 0 "k8s manifests with no jobs exits 0"
expect_eq "$out" "" "k8s manifests with no jobs prints nothing on stdout"
expect_err 'no jobs' "k8s manifests with no jobs says so on stderr"
run --db "$db" -q k8s manifests
expect_eq "$out$err" "" "k8s manifests -q with no jobs prints nothing at all"

# --- jobs of each kind
run --db "$db" create --name nightly_expiry_check --cron '0 2 * * *' --tz Europe/Brussels
expect_status 0 "create a daily job in Brussels"
run --db "$db" create --name 'Überprüfung der Zertifikate, wöchentlich, mit einem sehr langen Namen' \
  --cron '30 6 * * 1' --tz America/New_York --grace 30
expect_status 0 "create a weekly job with a long non-ASCII name"
run --db "$db" create --name every_seven --every 7 --tz Asia/Kolkata --disabled
expect_status 0 "create a disabled every-7-minutes job"
run --db "$db" create --name every_twenty --every 20 --tz Asia/Kolkata
expect_status 0 "create an every-20-minutes job in Kolkata"
run --db "$db" create --name every_45_utc --every 45 --tz UTC
expect_status 0 "create an every-45-minutes job in UTC"

run --db "$db" k8s manifests --image registry.example.com/certcron:1.2.0
expect_status 0 "k8s manifests prints the CronJobs"
expect_eq "$(printf '%s\n' "$out" | grep -cx -- '---')" 4 "five documents, four separator lines"
golden manifests.yaml
validate manifests --expect 5
[[ $out != *"$db"* ]] && ok || not_ok "the database's path is not in the manifests"
expect_out '"suspend": true' "the disabled job is suspended"

# The every-N schedule in UTC is the crontab line's fields (TZ=UTC here: the daemon's zone).
line=$("$CERTCRON_BIN" --db "$db" crontab show | grep 'certcron:cron-005$')
fields=$(printf '%s\n' "$line" | awk '{ print $1, $2, $3, $4, $5 }')
schedule=$(printf '%s\n' "$out" | python3 -c '
import json, sys
docs = [json.loads(d) for d in sys.stdin.read().split("\n---\n")]
print(docs[4]["spec"]["schedule"])')
expect_eq "$schedule" "$fields" "an every-N job has the schedule of its crontab line"
[[ $line == *"execute cron-005 --scheduled"* ]] && ok ||
  not_ok "the crontab line runs execute ID --scheduled, as the CronJob's args do"

# --- a namespace and another Secret
run --db "$db" k8s manifests --image registry.example.com/certcron:1.2.0 --namespace certcron \
  --secret certcron-postgres
expect_status 0 "k8s manifests --namespace --secret"
golden manifests-namespace.yaml
validate namespace --expect 5

# --- --json: one v1 List of the same CronJobs
run --db "$db" --json k8s manifests --image registry.example.com/certcron:1.2.0
expect_status 0 "k8s manifests --json"
validate list --expect 5 --list

# --- the default image is this certcron's version
version=$("$CERTCRON_BIN" --version | head -n1 | awk '{ print $2 }')
run --db "$db" k8s manifests
expect_eq "$(printf '%s\n' "$out" | grep -o '"image": "[^"]*"' | sort -u)" "\"image\": \"certcron:$version\"" \
  "the default image is certcron:VERSION"

# --- options Kubernetes would not take are refused before anything is printed
run --db "$db" k8s manifests --namespace Not_A_Namespace
expect_status 2 "an invalid namespace is a usage error"
expect_eq "$out" "" "nothing is printed for an invalid namespace"
expect_err 'namespace' "the error names --namespace"
run --db "$db" k8s manifests --secret '-db'
expect_status 2 "an invalid Secret name is a usage error"
run --db "$db" k8s apply
expect_status 2 "an unknown action is a usage error"

# --- the check can fail: a manifest with an unknown key, a long name
bad=$(python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["bogus"] = 1
doc["metadata"]["name"] = "x" * 53
print(json.dumps(doc))' <(sed -n '1,/^---$/p' "$DATA/manifests.yaml" | sed '$d'))
printf '%s\n' "$bad" >"$SCRATCH/bad.txt"
python3 "$VALIDATE" "$SCHEMA" "$SCRATCH/bad.txt" >"$SCRATCH/bad.log" 2>&1
if grep -q '^FAIL .*is a valid batch/v1 CronJob' "$SCRATCH/bad.log" &&
  grep -q "\['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0\]" "$SCRATCH/bad.log" &&
  grep -q "\['metadata', 'name'\]" "$SCRATCH/bad.log"; then
  ok
else
  status='-' out=$(cat "$SCRATCH/bad.log") err=''
  not_ok "k8s_validate.py fails a CronJob with an unknown container key and a 53-character name"
fi

finish
