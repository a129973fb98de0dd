#!/usr/bin/env bash
# Times certcron's nightly expiry check on a large data set against a floor program doing the
# same SQLite work directly (floor.cpp), and reports peak memory (/usr/bin/time -v).
#   bench/expiry/run.sh                 1,000,000 certifications
#   ROWS=100000 bench/expiry/run.sh     a quicker run
# CERTCRON_BIN names the certcron binary to measure; without it a Release build is made.
# Build folder: build-bench-expiry, or $BUILD_DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-expiry}
rows=${ROWS:-1000000}
day0=2026-03-01
day1=2026-03-02

mkdir -p "$build"
if ! { cmake -S "$here" -B "$build/tools" -G Ninja -DCMAKE_BUILD_TYPE=Release &&
       cmake --build "$build/tools" -j2; } >"$build/run.log" 2>&1; then
  cat "$build/run.log" >&2
  exit 1
fi
if [[ -z ${CERTCRON_BIN:-} ]]; then
  if ! { cmake -S "$root" -B "$build/certcron" -G Ninja -DCMAKE_BUILD_TYPE=Release \
           -DCERTCRON_WERROR=OFF &&
         cmake --build "$build/certcron" -j2 --target certcron; } >>"$build/run.log" 2>&1; then
    cat "$build/run.log" >&2
    exit 1
  fi
  CERTCRON_BIN=$build/certcron/src/certcron
fi
[[ -x /usr/bin/time ]] || { echo "run.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/certcron-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch/home NO_COLOR=1 TZ=UTC
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share XDG_STATE_HOME=$HOME/.local/state
export FAKE_CRONTAB_FILE=$scratch/crontab.txt
unset CERTCRON_DB CERTCRON_CONFIG CERTCRON_NOW
mkdir -p "$XDG_CONFIG_HOME/certcron"
printf '[crontab]\nprogram = "%s"\n' "$root/tests/e2e/support/fake-crontab" \
  >"$XDG_CONFIG_HOME/certcron/config.toml"
db=$XDG_DATA_HOME/certcron/certcron.db
outbox=$XDG_STATE_HOME/certcron/outbox

# The outbox on tmpfs as well: the nightly run measured with and without the disk's fsync
# latency (two per message: the file and its folder), and a quick first run to set up the
# ledger state a steady night starts from.
shm=$(mktemp -d /dev/shm/certcron-bench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch" "$shm"' EXIT
cp "$XDG_CONFIG_HOME/certcron/config.toml" "$scratch/tmpfs.toml"
printf '[reminders.delivery]\noutbox = "%s"\n' "$shm/outbox" >>"$scratch/tmpfs.toml"

results=()
# measure LABEL COMMAND...: runs it under /usr/bin/time -v, keeps its stdout in $scratch/out.
measure() {
  local label=$1
  shift
  if ! /usr/bin/time -v -o "$scratch/time" "$@" >"$scratch/out" 2>"$scratch/err"; then
    echo "$label failed:" >&2
    cat "$scratch/err" "$scratch/out" >&2
    exit 1
  fi
  local wall cpu rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
           n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' \
         "$scratch/time")
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { print s }' "$scratch/time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$scratch/time")
  results+=("$(printf '%-44s %8.2f s %8.2f s %8s MiB   %s' "$label" "$wall" "$cpu" "$rss" "$(summary)")")
}
summary() {
  grep -Eo '"(reminders_sent|certifications_checked)": *[0-9]+|checked=[0-9]+ reminders=[0-9]+|Imported [0-9]+ rows' \
    "$scratch/out" | tr -d '"' | tr '\n' ' ' || true
}
# snapshot NAME / restore NAME: the database files while no process has them open.
snapshot() { mkdir -p "$scratch/$1" && cp "$db"* "$scratch/$1/"; }
restore() { rm -f "$db" "$db-wal" "$db-shm" && cp "$scratch/$1/"* "$(dirname "$db")/"; }

echo "generating $rows certifications..."
"$build/tools/expiry_generate" "$rows" "$day0" >"$scratch/certifications.csv"
measure "import ($rows rows)" "$CERTCRON_BIN" import "$scratch/certifications.csv"
"$CERTCRON_BIN" create --name nightly --cron '0 2 * * *' --tz UTC >/dev/null
echo "first run (catch-up of everything already due)..."
measure "first run $day0, outbox on tmpfs" env CERTCRON_NOW=${day0}T02:00:00Z \
  CERTCRON_CONFIG="$scratch/tmpfs.toml" "$CERTCRON_BIN" --json execute nightly
rm -rf "$shm/outbox"
snapshot before-night
cp "$db" "$scratch/floor.db"
[[ -f $db-wal ]] && cp "$db-wal" "$scratch/floor.db-wal"
echo "nightly runs..."
measure "nightly $day1 --dry-run" env CERTCRON_NOW=${day1}T02:00:00Z \
  "$CERTCRON_BIN" --json execute nightly --dry-run
measure "nightly $day1, outbox on tmpfs" env CERTCRON_NOW=${day1}T02:00:00Z \
  CERTCRON_CONFIG="$scratch/tmpfs.toml" "$CERTCRON_BIN" --json execute nightly
restore before-night
measure "nightly $day1, outbox on disk (default)" env CERTCRON_NOW=${day1}T02:00:00Z \
  "$CERTCRON_BIN" --json execute nightly
measure "floor $day1 (sqlite3 API, no delivery)" "$build/tools/expiry_floor" "$scratch/floor.db" "$day1"

echo
echo "expiry check: $rows certifications, expiries spread over +-2 years; UTC; thresholds 30,7,1"
echo "machine: $(nproc) cores, $(uname -m); binary: $CERTCRON_BIN"
echo
printf '%-44s %10s %10s %12s   %s\n' "step" "wall" "cpu" "peak RSS" "result"
printf '%s\n' "${results[@]}"
echo
echo "floor: the same paged index scan, ledger lookups and per-reminder ledger transactions,"
echo "without composing or delivering messages. The dry run computes every reminder and"
echo "message but writes neither. On disk, each outbox message costs two fsyncs."
