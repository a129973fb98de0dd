#!/usr/bin/env bash
# Throughput and tail latency of `certcron serve` against a floor server (floor.cpp: bare
# Boost.Beast + sqlite3 C API, hand-written JSON) on the same database, with wrk on loopback.
# For each endpoint, interleaved rounds (floor, certcron, floor, certcron, ...), each run after
# a warm-up run that is not counted. Both servers get the same number of I/O threads.
#   bench/serve/run.sh
#   DURATION=5 ROUNDS=1 bench/serve/run.sh      a quicker run
# JOBS: jobs in the database (100), each executed RUNS_PER_JOB times (2).
# DURATION / WARMUP: seconds per measured / warm-up wrk run (10 / 2); ROUNDS (2).
# CONNECTIONS (32), WRK_THREADS (2), SERVER_THREADS: I/O threads of each server (2).
# CERTCRON_BIN names the certcron binary to measure; without it a Release build is made.
# Build folder: build-bench-serve, or $BUILD_DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-serve}
job_count=${JOBS:-100}
runs_per_job=${RUNS_PER_JOB:-2}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
rounds=${ROUNDS:-2}
connections=${CONNECTIONS:-32}
wrk_threads=${WRK_THREADS:-2}
server_threads=${SERVER_THREADS:-2}
target_ratio=0.7
target_p99_ms=5

command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
source "$root/bench/lib.sh"
bench_build "$here"
floor_bin=$build/tools/serve_floor
"$CERTCRON_BIN" serve --help >/dev/null 2>&1 || {
  echo "$CERTCRON_BIN has no serve command" >&2
  exit 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/certcron-bench-serve.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT
export HOME=$scratch/home NO_COLOR=1 TZ=UTC
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share XDG_STATE_HOME=$HOME/.local/state
export FAKE_CRONTAB_FILE=$scratch/crontab.txt
export CERTCRON_DB=$scratch/jobs.db
unset CERTCRON_CONFIG CERTCRON_NOW CERTCRON_TOKEN
mkdir -p "$XDG_CONFIG_HOME/certcron"
printf '[crontab]\nprogram = "%s"\n' "$root/tests/e2e/support/fake-crontab" \
  >"$XDG_CONFIG_HOME/certcron/config.toml"
db=$CERTCRON_DB

echo "creating $job_count jobs with $runs_per_job runs each (each create rewrites the fake crontab)..."
for ((i = 1; i <= job_count; i++)); do
  "$CERTCRON_BIN" -q --db "$db" create --name "job$i" --cron '0 2 * * *' --tz UTC
  # No mentors are imported, so each run checks nothing and sends nothing.
  for ((n = 0; n < runs_per_job; n++)); do
    "$CERTCRON_BIN" -q --db "$db" execute "job$i" >/dev/null
  done
done

# start_server NAME COMMAND...: starts it in the background, waits for its "listening on"
# line on stderr and sets $port.
start_server() {
  local name=$1
  shift
  "$@" 2>"$scratch/$name.err" >/dev/null &
  pids+=($!)
  local deadline=$((SECONDS + 10))
  until grep -q 'listening on http://' "$scratch/$name.err"; do
    if ((SECONDS > deadline)) || ! kill -0 "${pids[-1]}" 2>/dev/null; then
      echo "$name did not start:" >&2
      cat "$scratch/$name.err" >&2
      exit 1
    fi
    sleep 0.05
  done
  port=$(grep -o 'listening on http://[^ ]*' "$scratch/$name.err" | head -1 | sed 's/.*://')
}

start_server certcron "$CERTCRON_BIN" --db "$db" serve --listen 127.0.0.1:0 --threads "$server_threads"
certcron_pid=${pids[-1]}
certcron_url=http://127.0.0.1:$port
# The floor builds ping_url from the same base as certcron (its [server] listen setting).
ping_url=$(curl -sf "$certcron_url/api/v1/certification-cron/cron-001" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["ping_url"])')
uuid=$(curl -sf "$certcron_url/api/v1/certification-cron/cron-001" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')
start_server floor "$floor_bin" "$db" 0 "$server_threads" "${ping_url%"$uuid"}"
floor_pid=${pids[-1]}
floor_url=http://127.0.0.1:$port

paths=(/api/v1/certification-cron/cron-001 /api/v1/certification-cron)
names=("GET one job (cron-001)" "GET first page (20 jobs)")

# The same answer from both, compared as parsed JSON (next_run_at may tick over a minute
# between the two requests: it is compared after both are re-read once if they differ).
same_answer() {
  python3 - "$1" "$2" <<'PY'
import json, sys, urllib.request
def get(url):
    with urllib.request.urlopen(url) as r:
        return r.status, r.read()
for _ in range(2):
    (fs, fb), (cs, cb) = get(sys.argv[1]), get(sys.argv[2])
    f, c = json.loads(fb), json.loads(cb)
    if fs == cs and f == c:
        print(f"same JSON, {len(fb)} bytes from the floor, {len(cb)} from certcron")
        sys.exit(0)
def flat(x, p=""):
    if isinstance(x, dict):
        for k, v in x.items(): yield from flat(v, f"{p}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x): yield from flat(v, f"{p}[{i}]")
    else:
        yield p, x
fd, cd = dict(flat(f)), dict(flat(c))
diff = [k for k in sorted(set(fd) | set(cd)) if fd.get(k, "<absent>") != cd.get(k, "<absent>")]
print(f"DIFFERENT answers (status {fs} vs {cs}), {len(diff)} values, e.g.:")
for k in diff[:8]:
    print(f"  {k}: floor {fd.get(k, '<absent>')!r}, certcron {cd.get(k, '<absent>')!r}")
sys.exit(1)
PY
}
mismatch=0
for i in "${!paths[@]}"; do
  echo "${names[i]}: $(same_answer "$floor_url${paths[i]}" "$certcron_url${paths[i]}")" || mismatch=1
done

# cpu_ticks PID: user + system clock ticks used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# measure SERVER URL PATH: one warm-up run, then one measured run; appends
# "server path req/s p99_ms errors cpu_us_per_request" to $scratch/results.
measure() {
  local server=$1 url=$2 path=$3 pid out before after
  [[ $server == floor ]] && pid=$floor_pid || pid=$certcron_pid
  wrk -t"$wrk_threads" -c"$connections" -d"${warmup}s" "$url$path" >/dev/null
  before=$(cpu_ticks "$pid")
  out=$(wrk -t"$wrk_threads" -c"$connections" -d"${duration}s" --latency "$url$path")
  after=$(cpu_ticks "$pid")
  echo "$out" >>"$scratch/wrk.log"
  awk -v server="$server" -v path="$path" -v ticks=$((after - before)) -v hz="$ticks_per_second" '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /s$/) return v * 1000
      return v
    }
    /^ +99%/ { p99 = ms($2) }
    /requests in/ { requests = $1 }
    /Requests\/sec:/ { rps = $2 }
    /Non-2xx|Socket errors/ { errors = errors $0 "; " }
    END {
      gsub(/ +/, " ", errors)
      cpu = requests > 0 ? ticks / hz * 1e6 / requests : 0
      printf "%s %s %.0f %.3f %d %.1f\n", server, path, rps, p99, (errors != ""), cpu
    }' <<<"$out" >>"$scratch/results"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$scratch/results"
echo "measuring: ${#paths[@]} endpoints x $rounds rounds x (floor, certcron), ${warmup} s warm-up + ${duration} s each..."
for path in "${paths[@]}"; do
  for ((round = 0; round < rounds; round++)); do
    measure floor "$floor_url" "$path"
    measure certcron "$certcron_url" "$path"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "certcron serve vs the floor server, wrk on loopback"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sr)"
echo "load average: $load_before before, $load_after after (wrk shares the cores with the server)"
echo "binary: $CERTCRON_BIN ($("$CERTCRON_BIN" --version | head -n 1))"
echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), -t$wrk_threads -c$connections, ${warmup} s warm-up + ${duration} s per run, $rounds rounds interleaved; $server_threads I/O threads per server"
echo "database: $job_count jobs ('0 2 * * *' UTC), $runs_per_job runs each"
echo
echo "per run (req/s, p99 ms, server CPU µs per request):"
awk '{ printf "  %-9s %-40s %8d req/s  p99 %7.2f ms  %6.1f µs CPU/req%s\n", $1, $2, $3, $4, $6, $5 ? "  ERRORS" : "" }' \
  "$scratch/results"
echo
awk -v target="$target_ratio" -v p99_target="$target_p99_ms" -v names="$(printf '%s|' "${names[@]}")" \
    -v paths="$(printf '%s|' "${paths[@]}")" '
  BEGIN {
    split(names, name, "|"); n = split(paths, path, "|") - 1
    printf "%-26s %10s %10s %9s %9s %11s %11s %7s  %s\n", "endpoint", "floor", "certcron",
           "floor", "certcron", "floor", "certcron", "ratio", "target: >= " target "x, p99 <= " p99_target " ms"
    printf "%-26s %10s %10s %9s %9s %11s %11s %7s\n", "", "req/s", "req/s", "p99 ms", "p99 ms",
           "µs CPU/req", "µs CPU/req", ""
  }
  {
    rps[$1, $2] += $3; runs[$1, $2]++; cpu[$1, $2] += $6
    if ($4 > p99[$1, $2]) p99[$1, $2] = $4
    if ($5) errors = 1
  }
  END {
    for (i = 1; i <= n; i++) {
      p = path[i]
      f = rps["floor", p] / runs["floor", p]; c = rps["certcron", p] / runs["certcron", p]
      ratio = c / f
      verdict = ratio >= target && p99["certcron", p] <= p99_target ? "met" : "missed"
      printf "%-26s %10.0f %10.0f %9.2f %9.2f %11.1f %11.1f %6.2fx  %s\n", name[i], f, c,
             p99["floor", p], p99["certcron", p], cpu["floor", p] / runs["floor", p],
             cpu["certcron", p] / runs["certcron", p], ratio, verdict
    }
    print ""
    print "req/s: mean of the rounds; p99: the worst round; CPU: the server process, from /proc"
    if (errors) print "WARNING: wrk reported non-2xx responses or socket errors (see above)"
  }' "$scratch/results"
((mismatch == 0)) || echo "WARNING: the floor and certcron did not give the same JSON (see above)"
