#!/usr/bin/env bash
# Times certcron's start-up and job listing as whole processes (exec to exit) with 100 jobs,
# against a floor program that opens the same SQLite database read-only and counts the rows
# of the jobs table (floor.cpp). Also times `list --json`, `execute ID --scheduled` when no
# slot is due (what cron starts every minute for a superset line) and `--version`, and
# checks with ldd which shared libraries the binary needs.
#   bench/list/run.sh
#   RUNS=50 ROUNDS=2 bench/list/run.sh      a quicker run
# RUNS: timed runs per command (200), in ROUNDS rounds (5), each after WARMUP runs (5).
# CERTCRON_BIN names the certcron binary to measure; without it a Release build is made.
# Build folder: build-bench-list, or $BUILD_DIR. Uses hyperfine when it is there (installs it
# with apt-get when running as root), else (or with TIMER=loop) a bash loop timing each run
# with date +%s%N.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-list}
runs=${RUNS:-200}
rounds=${ROUNDS:-5}
warmup=${WARMUP:-5}
target_ratio=2.0

source "$root/bench/lib.sh"
bench_build "$here"
floor_bin=$build/tools/list_floor

timer=${TIMER:-hyperfine}
if [[ $timer == hyperfine ]] && ! command -v hyperfine >/dev/null && [[ $(id -u) == 0 ]] &&
   command -v apt-get >/dev/null; then
  echo "installing hyperfine..."
  apt-get install -y hyperfine >>"$build/run.log" 2>&1 || echo "(apt-get failed; timing with a bash loop)"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/certcron-bench-list.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export HOME=$scratch/home NO_COLOR=1
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share XDG_STATE_HOME=$HOME/.local/state
export FAKE_CRONTAB_FILE=$scratch/crontab.txt
export CERTCRON_DB=$scratch/jobs.db
unset CERTCRON_CONFIG CERTCRON_NOW CERTCRON_TOKEN
mkdir -p "$XDG_CONFIG_HOME/certcron"
printf '[crontab]\nprogram = "%s"\n' "$root/tests/e2e/support/fake-crontab" \
  >"$XDG_CONFIG_HOME/certcron/config.toml"

# 100 jobs cycling through ten schedules in five zones (one in five in UTC, which needs no
# tzdata), one in ten with a description, every 25th disabled.
schedules=('0 2 * * *' '*/15 * * * *' '30 6 * * mon-fri' '0 9 * * mon-fri' '0 */4 * * *'
           '45 23 * * *' '0 0 1 * *' '10 8 * * 1' '*/5 9-17 * * *' '0 12 * * sat,sun')
zones=(Europe/Brussels America/New_York UTC Europe/Brussels Asia/Kolkata
       Australia/Sydney Europe/Brussels America/New_York UTC Europe/Brussels)
echo "creating 100 jobs (each rewrites the fake crontab)..."
for i in $(seq 0 99); do
  args=(-q create --name "nightly-check-$(printf '%03d' $((i + 1)))" --cron "${schedules[i % 10]}"
        --tz "${zones[i % 10]}")
  ((i % 10 == 0)) && args+=(--description "Certification expiry reminders, team $((i / 10 + 1))")
  ((i % 25 == 24)) && args+=(--disabled)
  "$CERTCRON_BIN" "${args[@]}"
done
# A few jobs with a recorded run, so the LAST RUN column is not all dashes (no mentors are
# imported, so each run checks nothing and sends nothing).
for id in cron-001 cron-002 cron-011 cron-042 cron-077; do
  "$CERTCRON_BIN" -q execute "$id"
done
# The job cron starts through a superset line: 09:00 on weekdays in Brussels is written in
# the daemon's zone as two hours (e.g. `0 7,8 * * *` in UTC) and --scheduled filters them.
scheduled_id=cron-004

count=$("$floor_bin" "$CERTCRON_DB")
listed=$("$CERTCRON_BIN" list --limit 100 | tail -n +2 | grep -c '^cron-' || true)
[[ $count == 100 && $listed == 100 ]] || {
  echo "expected 100 jobs, floor counted $count, list printed $listed" >&2
  exit 1
}
crontab_line=$(grep "certcron:$scheduled_id\$" "$FAKE_CRONTAB_FILE" | cut -d"'" -f1)
# The first call settles the slot if one happens to be due (within 5 minutes after 09:00
# Brussels on a weekday); every timed call must then find nothing to run.
"$CERTCRON_BIN" -q execute "$scheduled_id" --scheduled
skip=$("$CERTCRON_BIN" -v execute "$scheduled_id" --scheduled 2>&1)
[[ $skip == *"nothing to run"* ]] || {
  echo "execute $scheduled_id --scheduled did not skip: $skip" >&2
  exit 1
}
runs_before=$("$CERTCRON_BIN" --json runs "$scheduled_id" | grep -c '"id": "run-' || true)

names=("floor: SELECT count(*) read-only"
       "certcron list (first page: 20 jobs)"
       "certcron list --limit 100"
       "certcron list --json --limit 100"
       "certcron execute ID --scheduled (not due)"
       "certcron --version")
commands=("$floor_bin $CERTCRON_DB"
          "$CERTCRON_BIN list"
          "$CERTCRON_BIN list --limit 100"
          "$CERTCRON_BIN list --json --limit 100"
          "$CERTCRON_BIN execute $scheduled_id --scheduled"
          "$CERTCRON_BIN --version")

# Rounds: every command is timed runs/rounds times per round, round after round, so that a
# change in the machine's other load hits the floor and certcron alike instead of whichever
# command happened to be timed at that moment. Each run's wall time (seconds) is kept in
# $scratch/times.N for command N.
per_round=$(((runs + rounds - 1) / rounds))
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
outliers=""
for i in "${!names[@]}"; do : >"$scratch/times.$i"; done
if [[ $timer == hyperfine ]] && command -v hyperfine >/dev/null; then
  tool="hyperfine $(hyperfine --version | cut -d' ' -f2) (no shell)"
  for ((round = 0; round < rounds; round++)); do
    hf_args=(-N --warmup "$warmup" --runs "$per_round" --style none --export-json "$scratch/hf.json")
    for i in "${!names[@]}"; do
      hf_args+=(--command-name "$i" "${commands[i]}")
    done
    if ! hyperfine "${hf_args[@]}" >/dev/null 2>>"$scratch/hf.err"; then
      cat "$scratch/hf.err" >&2
      exit 1
    fi
    # The export is pretty-printed: one time per line inside each result's "times" list.
    awk -v dir="$scratch" '
      /"command":/ { gsub(/[^0-9]/, ""); command = $0 }
      /"times": \[/ { inside = 1; next }
      inside && /\]/ { inside = 0 }
      inside { gsub(/[ ,]/, ""); print >>(dir "/times." command) }' "$scratch/hf.json"
  done
  grep -q 'outliers' "$scratch/hf.err" && outliers="hyperfine flagged statistical outliers: other load on the machine"
else
  # bash 5's $EPOCHREALTIME reads the clock without starting a process; date +%s%N costs two
  # extra processes per run, which are then part of every figure, the floor's included.
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    tool="a bash loop reading \$EPOCHREALTIME"
  else
    tool="a bash loop with date +%s%N (two date processes inside every figure)"
  fi
  for ((round = 0; round < rounds; round++)); do
    for i in "${!names[@]}"; do
      read -ra argv <<<"${commands[i]}"
      for ((n = 0; n < warmup; n++)); do
        "${argv[@]}" >/dev/null || { echo "failed: ${commands[i]}" >&2; exit 1; }
      done
      for ((n = 0; n < per_round; n++)); do
        if [[ -n ${EPOCHREALTIME:-} ]]; then
          start=${EPOCHREALTIME/[.,]/}
          "${argv[@]}" >/dev/null
          end=${EPOCHREALTIME/[.,]/}
          echo "$((10#$end - 10#$start))e-6" >>"$scratch/times.$i"
        else
          start=$(date +%s%N)
          "${argv[@]}" >/dev/null
          end=$(date +%s%N)
          echo "$((end - start))e-9" >>"$scratch/times.$i"
        fi
      done
    done
  done
fi
tool+=", $rounds rounds of $per_round runs per command, each after $warmup warm-up runs"
results=$scratch/results.csv  # name,mean,stddev,median,min,max (seconds)
: >"$results"
for i in "${!names[@]}"; do
  sort -g "$scratch/times.$i" | awk -v name="${names[i]}" '
    { t[NR] = $1 + 0; sum += t[NR] }
    END {
      mean = sum / NR
      for (k = 1; k <= NR; k++) { var += (t[k] - mean) ^ 2 }
      median = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
      printf "%s,%.6f,%.6f,%.6f,%.6f,%.6f\n", name, mean, sqrt(var / (NR - 1)), median, t[1], t[NR]
    }' >>"$results"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
runs_after=$("$CERTCRON_BIN" --json runs "$scheduled_id" | grep -c '"id": "run-' || true)

echo
echo "certcron list and start-up, whole process (exec to exit), 100 jobs in 5 zones"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
echo "load average: $load_before before, $load_after after"
echo "binary: $CERTCRON_BIN ($("$CERTCRON_BIN" --version | head -n 1))"
echo "timing: $tool"
echo "execute target: $scheduled_id (0 9 * * mon-fri, Europe/Brussels), crontab line: $crontab_line"
echo
awk -F, -v target="$target_ratio" '
  BEGIN {
    printf "%-42s %9s %9s %9s %9s %7s %7s  %s\n", "command", "mean", "sigma", "median", "min",
           "mean/", "median/", "target: list <= " target "x floor (the worse ratio)"
    printf "%-42s %9s %9s %9s %9s %7s %7s\n", "", "ms", "ms", "ms", "ms", "floor", "floor"
  }
  NR == 1 { floor = $2; floor_median = $4 }
  {
    ratio = $2 / floor
    worse = ratio > $4 / floor_median ? ratio : $4 / floor_median
    verdict = ""
    if ($1 ~ /^certcron list/) {
      verdict = worse <= target ? "met" : sprintf("missed by %.1f%%", (worse / target - 1) * 100)
    }
    printf "%-42s %9.2f %9.2f %9.2f %9.2f %6.2fx %6.2fx  %s\n", $1, $2 * 1e3, $3 * 1e3, $4 * 1e3,
           $5 * 1e3, ratio, $4 / floor_median, verdict
  }' "$results"
[[ -z $outliers ]] || echo "($outliers)"
echo
[[ $runs_after == "$runs_before" ]] ||
  echo "WARNING: execute --scheduled recorded $((runs_after - runs_before)) run(s) while timed"

# Where the time outside user code goes: the zoneinfo folder scan shows as stat and getdents
# calls, SQLite's per-statement locking as fcntl calls.
if command -v strace >/dev/null; then
  echo "system calls per process (strace -c):"
  for i in 0 2 4 5; do
    read -ra argv <<<"${commands[i]}"
    strace -f -c -o "$scratch/strace" "${argv[@]}" >/dev/null 2>&1 || continue
    awk -v name="${names[i]}" '
      $NF == "total" { total = $4 }
      $NF ~ /^(newfstatat|statx|stat|lstat|getdents64|openat|fcntl)$/ { n[$NF] += $4 }
      END {
        printf "  %-42s %5d calls: %4d stat, %3d getdents64, %4d openat, %4d fcntl\n", name, total,
               n["newfstatat"] + n["statx"] + n["stat"] + n["lstat"], n["getdents64"], n["openat"],
               n["fcntl"]
      }' "$scratch/strace"
  done
  echo
fi

echo "shared libraries (ldd $CERTCRON_BIN):"
libs=$(ldd "$CERTCRON_BIN")
sed 's/^[[:space:]]*/  /; s/ (0x[0-9a-f]*)$//' <<<"$libs"
if grep -Eiq 'libcurl|libfmt|toml' <<<"$libs"; then
  echo "FAIL: links a libcurl, fmt or toml++ shared library"
else
  echo "ok: no libcurl, fmt or toml++ shared library"
fi
