# Shared by the end-to-end suites: a scratch home per suite, the built binary, a fake crontab
# program and small assertions. Each suite ends with `finish`, which prints
# "N passed, N failed" and fails the suite when anything failed.
set -u

: "${CERTCRON_BIN:?CERTCRON_BIN must name the built certcron binary}"
: "${CERTCRON_SOURCE_DIR:?CERTCRON_SOURCE_DIR must name the source tree}"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/certcron-e2e.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
export HOME="$SCRATCH/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" XDG_STATE_HOME="$HOME/.local/state"
export FAKE_CRONTAB_FILE="$SCRATCH/crontab.txt"
export NO_COLOR=1 TZ=UTC
unset CERTCRON_DB CERTCRON_CONFIG CERTCRON_NOW
mkdir -p "$XDG_CONFIG_HOME/certcron"
cat > "$XDG_CONFIG_HOME/certcron/config.toml" <<TOML
[crontab]
program = "$CERTCRON_SOURCE_DIR/tests/e2e/support/fake-crontab"
TOML

# A version-manager shim in front of python3 costs up to a second a call; resolve it once.
# Start background python with "$py_real" itself, so that $! is the python process.
py_real=$(command python3 -c 'import sys; print(sys.executable)')
python3() { "$py_real" "$@"; }

passed=0
failed=0

# run ARGS...: runs certcron, leaving $out, $err and $status.
run() {
  out=$("$CERTCRON_BIN" "$@" 2>"$SCRATCH/stderr") && status=0 || status=$?
  err=$(cat "$SCRATCH/stderr")
}

ok() { passed=$((passed + 1)); }
not_ok() {
  failed=$((failed + 1))
  echo "FAIL: $1" >&2
  echo "  status: $status" >&2
  echo "  stdout: $(printf '%s' "$out" | head -c 2000)" >&2
  echo "  stderr: $(printf '%s' "$err" | head -c 2000)" >&2
}

# expect_status CODE NAME
expect_status() { if [ "$status" -eq "$1" ]; then ok; else not_ok "$2 (expected exit $1)"; fi; }
# expect_out PATTERN NAME   (grep -E on stdout)
expect_out() { if printf '%s' "$out" | grep -Eq -- "$1"; then ok; else not_ok "$2 (stdout lacks /$1/)"; fi; }
expect_err() { if printf '%s' "$err" | grep -Eq -- "$1"; then ok; else not_ok "$2 (stderr lacks /$1/)"; fi; }
expect_no_out() { if printf '%s' "$out" | grep -Eq -- "$1"; then not_ok "$2 (stdout has /$1/)"; else ok; fi; }
expect_no_err() { if printf '%s' "$err" | grep -Eq -- "$1"; then not_ok "$2 (stderr has /$1/)"; else ok; fi; }
# expect_json JQ-LIKE-PYTHON-EXPR EXPECTED NAME: evaluates a Python expression on j=json(stdout)
expect_json() {
  local got
  got=$(printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print(json.dumps($1))" 2>&1) || true
  if [ "$got" = "$2" ]; then ok; else not_ok "$3 (json $1 = $got, expected $2)"; fi
}
# count_checks LOG RC WHAT: counts the PASS/FAIL lines a python check script wrote to LOG as
# checks here (other lines are shown, indented); a script that stopped (RC != 0) without
# saying why is one failure more.
count_checks() {
  local line any=0
  while IFS= read -r line; do
    case $line in
      "PASS "*) ok ;;
      "FAIL "*) failed=$((failed + 1)); any=1; echo "FAIL: ${line#FAIL }" >&2 ;;
      *) echo "  | $line" >&2 ;;
    esac
  done <"$1"
  if [ "$2" -ne 0 ] && [ "$any" -eq 0 ]; then
    failed=$((failed + 1))
    echo "FAIL: $3 exited $2 ($1)" >&2
  fi
}
expect_eq() { if [ "$1" = "$2" ]; then ok; else not_ok "$3 (got '$1', expected '$2')"; fi; }

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds; false on time out.
wait_for() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# start_server NAME [VAR=VALUE...] ARGS...: runs `certcron ARGS...` in the background with those
# variables, stderr in $SCRATCH/NAME.err, and waits up to 15 s for its listening line. Leaves
# $server_pid, $server_err and $port; false when it did not start.
start_server() {
  local name=$1 envs=()
  shift
  while [ $# -gt 0 ] && [[ $1 =~ ^[A-Z_]+= ]]; do envs+=("$1"); shift; done
  server_err="$SCRATCH/$name.err"
  env "${envs[@]}" "$CERTCRON_BIN" "$@" >"$SCRATCH/$name.out" 2>"$server_err" &
  server_pid=$!
  server_pids="${server_pids:-} $server_pid"
  wait_for 15 listening_or_gone "$server_pid" "$server_err" || true
  port=$(sed -En 's|^certcron: listening on http://[^ ]*:([0-9]+)( .*)?$|\1|p' "$server_err" | head -n 1)
  [ -n "$port" ]
}
listening_or_gone() { grep -q '^certcron: listening on http://' "$2" || gone "$1"; }
# gone PID: the process has ended (a zombie too: what a killed group leaves to init counts).
gone() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null)
  [ -z "$state" ] || [ "${state:0:1}" = Z ]
}
# stop_server PID [SIGNAL]: sends SIGNAL (TERM), waits up to 40 s; $stop_status is the exit
# status, or "timeout" (then the server is killed).
stop_server() {
  kill -"${2:-TERM}" "$1" 2>/dev/null
  if wait_for 40 gone "$1"; then
    wait "$1" && stop_status=0 || stop_status=$?
  else
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    stop_status=timeout
  fi
}
# use_server_err: the server's stderr in $err for expect_err, its exit in $status.
use_server_err() { err=$(cat "$server_err"); out=""; status=${stop_status:-running}; }
# started_or_stop NAME: one check that the server started; without it the suite ends here.
started_or_stop() {
  if [ -n "$port" ]; then ok; else
    use_server_err
    not_ok "$1"
    finish
    exit 1
  fi
}

# cannot_run REASON: ends a suite that cannot run here (not root, a program missing). It is
# reported as skipped (exit 77, CTest's SKIP_RETURN_CODE), never as passed; with
# CERTCRON_TESTS_REQUIRED=1 (scripts/test in CI and as root, after installing every
# dependency) it fails instead.
cannot_run() {
  if [ "${CERTCRON_TESTS_REQUIRED:-0}" = 1 ]; then
    echo "FAIL: this suite cannot run here: $1 (CERTCRON_TESTS_REQUIRED=1)" >&2
    exit 1
  fi
  echo "SKIP: $1"
  exit 77
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
