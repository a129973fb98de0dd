#!/usr/bin/env bash
# Times certcron's import and expiry check on a large generated data set against floor
# programs doing the same work with nothing spare (floor.cpp, import_floor.sql), each under
# /usr/bin/time -v (wall, CPU, peak RSS), and prints a table of certcron / floor ratios.
#   bench/expiry/run.sh                      1,000,000 certifications
#   ROWS=100000 bench/expiry/run.sh          a quicker run
#   ROWS=10000000 bench/expiry/run.sh        the once-off 10M run (long; several GB of scratch)
# CERTCRON_BIN names the certcron binary to measure; without it a Release build is made.
# Build folder: build-bench-expiry, or $BUILD_DIR. Scratch: a folder in $TMPDIR (or /tmp),
# which must be on disk: the steady night's outbox is timed there.
#
# The steps, certcron then its floor, on the same data and the same ledger state:
#  import      `certcron import` of the CSV     | the sqlite3 shell's .import + upserts in SQL
#  first run   `execute` on day0, outbox tmpfs  | floor `first` + floor `files` into tmpfs
#  dry run     `execute --dry-run` on day1      | floor `read`
#  night       `execute` on day1, outbox disk   | floor `insert` + floor `files` on disk
# day1 is the steady night: the day after the first run, only that day's new threshold
# crossings are due. Before each day1 measurement the database after the first run is put
# back, so every side starts from the same ledger. The due counts of each pair must agree,
# and the rows each side wrote (certifications, ledger) must be the same, or the run fails.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-expiry}
rows=${ROWS:-1000000}
day0=2026-03-01
day1=2026-03-02

source "$root/bench/lib.sh"
bench_build "$here"
bench_need_time_and_sqlite3
floor=$build/tools/expiry_floor

scratch=$(mktemp -d "${TMPDIR:-/tmp}/certcron-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
case $(stat -f -c %T "$scratch") in
  tmpfs | ramfs)
    echo "run.sh: $scratch is in memory ($(stat -f -c %T "$scratch")); set TMPDIR to a folder on disk" >&2
    exit 1
    ;;
esac
bench_home "$scratch"
outbox=$XDG_STATE_HOME/certcron/outbox
floor_outbox=$scratch/floor-outbox

# The first run sends one message per certification in the 61-day window (~42,000 at 1M rows):
# with one fdatasync each on disk that alone would take minutes, so its outbox is on tmpfs, and
# so is the floor's. The steady night's outbox is on disk, certcron's and the floor's.
shm=$(mktemp -d /dev/shm/certcron-bench.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch" "$shm"' EXIT
cp "$XDG_CONFIG_HOME/certcron/config.toml" "$scratch/tmpfs.toml"
printf '[reminders.delivery]\noutbox = "%s"\n' "$shm/outbox" >>"$scratch/tmpfs.toml"

declare -A wall cpu rss due
# measure KEY COMMAND...: runs it under /usr/bin/time -v; its stdout is kept in $scratch/out.KEY.
measure() {
  local key=$1
  shift
  bench_time "$scratch/out.$key" "$scratch/err" "$@"
  wall[$key]=$bench_wall cpu[$key]=$bench_cpu rss[$key]=$bench_rss
  echo "  $key: ${wall[$key]} s wall, ${cpu[$key]} s CPU, ${rss[$key]} MiB"
}
# combine KEY PART...: a floor made of several programs run one after the other.
combine() {
  local key=$1
  shift
  wall[$key]=0 cpu[$key]=0 rss[$key]=0
  for part in "$@"; do
    wall[$key]=$(awk -v a="${wall[$key]}" -v b="${wall[$part]}" 'BEGIN { print a + b }')
    cpu[$key]=$(awk -v a="${cpu[$key]}" -v b="${cpu[$part]}" 'BEGIN { print a + b }')
    rss[$key]=$(awk -v a="${rss[$key]}" -v b="${rss[$part]}" 'BEGIN { print (b > a) ? b : a }')
  done
}
# The count each side reports (empty when missing, which agree reports as a mismatch).
certcron_due() { grep -Eo '"reminders_sent": *[0-9]+' "$scratch/out.$1" | grep -Eo '[0-9]+$' || true; }
floor_due() { grep -Eo '(due|written)=[0-9]+' "$scratch/out.$1" | grep -Eo '[0-9]+$' || true; }
# agree WHAT A B: fails loudly when two counts differ.
agree() {
  if [[ -z $2 || $2 != "$3" ]]; then
    echo "MISMATCH in $1: certcron '$2', floor '$3'" >&2
    exit 1
  fi
  echo "  $1: both $2"
}
# same_rows WHAT DB_A DB_B SELECT: fails unless the SELECT gives the same rows in both.
same_rows() {
  local differ
  differ=$(sqlite3 -bail "file:$2?mode=ro" "ATTACH 'file:$3?mode=ro' AS other;
    SELECT (SELECT count(*) FROM (${4//@/main.} EXCEPT ${4//@/other.}))
         + (SELECT count(*) FROM (${4//@/other.} EXCEPT ${4//@/main.}));")
  if [[ $differ != 0 ]]; then
    echo "MISMATCH in $1: $differ rows differ between $2 and $3" >&2
    exit 1
  fi
  echo "  $1: the same rows"
}
# snapshot NAME / restore NAME: the database files while no process has them open.
snapshot() { rm -rf "$scratch/$1" && mkdir -p "$scratch/$1" && cp "$db"* "$scratch/$1/"; }
restore() { rm -f "$db" "$db-wal" "$db-shm" && cp "$scratch/$1/"* "$(dirname "$db")/"; }

echo "generating $rows certifications..."
"$build/tools/expiry_generate" "$rows" "$day0" >"$scratch/certifications.csv"

echo "import..."
# The floor's database gets certcron's schema from certcron itself (a header-only import).
head -n 1 "$scratch/certifications.csv" >"$scratch/header.csv"
CERTCRON_DB=$scratch/floor-import.db "$CERTCRON_BIN" import "$scratch/header.csv" >/dev/null
measure import "$CERTCRON_BIN" import "$scratch/certifications.csv"
measure import_floor env -C "$scratch" sqlite3 -bail floor-import.db ".read $here/import_floor.sql"
same_rows "certifications after import" "$db" "$scratch/floor-import.db" \
  "SELECT mentor_id, certification, expires_on, expires_at, issued_at FROM @certifications"
same_rows "mentors after import" "$db" "$scratch/floor-import.db" \
  "SELECT mentor_id, name, email FROM @mentors"
same_rows "indexes after import" "$db" "$scratch/floor-import.db" \
  "SELECT name, tbl_name, sql FROM @sqlite_schema WHERE type = 'index'"
due[import]=$(grep -Eo 'Imported [0-9]+' "$scratch/out.import" | grep -Eo '[0-9]+$' || true)
due[import_floor]=$(sqlite3 "file:$scratch/floor-import.db?mode=ro" 'SELECT count(*) FROM certifications')
agree "import, rows" "${due[import]}" "${due[import_floor]}"
rm -f "$scratch/floor-import.db"*

"$CERTCRON_BIN" create --name nightly --cron '0 2 * * *' --tz UTC >/dev/null
snapshot before-first

echo "first run $day0 (everything in the window is due)..."
measure first env CERTCRON_NOW=${day0}T02:00:00Z CERTCRON_CONFIG="$scratch/tmpfs.toml" \
  "$CERTCRON_BIN" --json execute nightly
rm -rf "$shm/outbox"
snapshot before-night
restore before-first
measure first_db "$floor" first "$db" "$day0"
measure first_files "$floor" files "$shm/floor-outbox" "$(floor_due first_db)" "$day0"
rm -rf "$shm/floor-outbox"
combine first_floor first_db first_files
due[first]=$(certcron_due first) due[first_floor]=$(floor_due first_db)
agree "first run, due" "${due[first]}" "${due[first_floor]}"
same_rows "first run, ledger" "$scratch/before-night/certcron.db" "$db" \
  "SELECT certification_id, expires_on, threshold, outcome FROM @reminder_ledger"

echo "steady night $day1, dry run..."
restore before-night
measure dry env CERTCRON_NOW=${day1}T02:00:00Z "$CERTCRON_BIN" --json execute nightly --dry-run
restore before-night
measure dry_floor "$floor" read "$db" "$day1"
due[dry]=$(certcron_due dry) due[dry_floor]=$(floor_due dry_floor)
agree "dry run, due" "${due[dry]}" "${due[dry_floor]}"

echo "steady night $day1, outbox on disk..."
restore before-night
rm -rf "$outbox" "$floor_outbox"
measure night env CERTCRON_NOW=${day1}T02:00:00Z "$CERTCRON_BIN" --json execute nightly
snapshot after-night
restore before-night
measure night_db "$floor" insert "$db" "$day1"
measure night_files "$floor" files "$floor_outbox" "$(floor_due night_db)" "$day1"
combine night_floor night_db night_files
due[night]=$(certcron_due night) due[night_floor]=$(floor_due night_db)
agree "night, due" "${due[night]}" "${due[night_floor]}"
agree "night, message files" "$(find "$outbox" -type f | wc -l)" "$(floor_due night_files)"
same_rows "night, ledger" "$scratch/after-night/certcron.db" "$db" \
  "SELECT certification_id, expires_on, threshold, outcome FROM @reminder_ledger"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }
row() {
  local label=$1 c=$2 f=$3 what=$4
  printf '| %s | %.2f s | %.2f s | %s MiB | %.2f s | %.2f s | %s MiB | %s | %s | %s %s |\n' \
    "$label" "${wall[$c]}" "${cpu[$c]}" "${rss[$c]}" "${wall[$f]}" "${cpu[$f]}" "${rss[$f]}" \
    "$(ratio "${wall[$c]}" "${wall[$f]}")" "$(ratio "${cpu[$c]}" "${cpu[$f]}")" "${due[$c]}" "$what"
}
part() {
  printf '| %s | %.2f s | %.2f s | %s MiB |\n' "$1" "${wall[$2]}" "${cpu[$2]}" "${rss[$2]}"
}

echo
echo "expiry: $rows certifications, expiries spread over +-2 years; UTC; thresholds 30,7,1;"
echo "expired window 30 days; first run $day0, steady night $day1"
echo "machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "certcron: $CERTCRON_BIN"
echo
echo "| step | certcron wall | certcron CPU | certcron peak RSS | floor wall | floor CPU | floor peak RSS | wall ratio | CPU ratio | count |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
row "import" import import_floor "rows"
row "first run, outbox on tmpfs" first first_floor "due"
row "steady night, dry run" dry dry_floor "due"
row "steady night, outbox on disk" night night_floor "due"
echo
echo "| floor part | wall | CPU | peak RSS |"
echo "|---|---:|---:|---:|"
part "first run: \`expiry_floor first\`" first_db
part "first run: \`expiry_floor files\` on tmpfs" first_files
part "steady night: \`expiry_floor insert\`" night_db
part "steady night: \`expiry_floor files\` on disk" night_files
