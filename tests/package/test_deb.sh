#!/usr/bin/env bash
# The Debian package: builds it with cpack from a configured and built tree, checks its
# fields and lintian's verdict, installs it with `dpkg -i` into a scratch root, and runs the
# installed binary there: --version, next, the example configuration and sync file, and a
# create/import/execute round trip against a stand-in crontab.
#
# Exit 77 (CTest's SKIP_RETURN_CODE) when it cannot run here: dpkg missing, or neither root
# nor fakeroot. With CERTCRON_PACKAGE_TEST_REQUIRED=1 (scripts/test) that is a failure, and
# so is a missing lintian.
set -u

: "${CERTCRON_BUILD_DIR:?CERTCRON_BUILD_DIR must name the configured and built tree}"
: "${CERTCRON_SOURCE_DIR:?CERTCRON_SOURCE_DIR must name the source tree}"
: "${CERTCRON_VERSION:?CERTCRON_VERSION must give the project version}"
cpack=${CERTCRON_CPACK:-cpack}
required=${CERTCRON_PACKAGE_TEST_REQUIRED:-0}

cannot_run() {
  if [ "$required" = 1 ]; then
    echo "FAIL: the package test cannot run: $1" >&2
    exit 1
  fi
  echo "skipped: $1"
  exit 77
}

for tool in dpkg dpkg-deb dpkg-shlibdeps "$cpack"; do
  command -v "$tool" >/dev/null || cannot_run "$tool is not installed (Debian: dpkg-dev, cmake)"
done
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v fakeroot >/dev/null || cannot_run "not root, and fakeroot is not installed"
  as_root=(fakeroot)
fi

# The e2e library: a scratch home with XDG folders, a config pointing [crontab] program at
# the stand-in, run/expect helpers. CERTCRON_BIN is set once the package is installed.
CERTCRON_BIN=unset
source "$CERTCRON_SOURCE_DIR/tests/e2e/lib.sh"

# --- build the package --------------------------------------------------------------------
if ! "$cpack" --config "$CERTCRON_BUILD_DIR/CPackConfig.cmake" -B "$SCRATCH/cpack" \
    >"$SCRATCH/cpack.log" 2>&1; then
  cat "$SCRATCH/cpack.log" >&2
  echo "FAIL: cpack could not build the package" >&2
  exit 1
fi
debs=("$SCRATCH"/cpack/certcron_*.deb)
[ -f "${debs[0]}" ] || { cat "$SCRATCH/cpack.log" >&2; echo "FAIL: cpack made no .deb" >&2; exit 1; }
deb=${debs[0]}
echo "package: $(basename "$deb")"

field() { dpkg-deb -f "$deb" "$1"; }
out=$(field Package) status=0 err=""
expect_eq "$out" certcron "Package field"
expect_eq "$(field Version)" "$CERTCRON_VERSION-1" "Version field"
depends=$(field Depends)
echo "Depends: $depends"
out=$depends
expect_out '(^|, )libc6 \(>= [0-9.]+\)' "Depends names libc6 with a version (dpkg-shlibdeps)"
expect_out '(^|, )libsqlite3-0( \(>= [0-9.]+\))?(,|$)' "Depends names libsqlite3-0 (dpkg-shlibdeps)"
expect_out '(^|, )tzdata(,|$)' "Depends names tzdata"
expect_out '(^|, )cron \| cron-daemon(,|$)' "Depends names cron | cron-daemon"
expect_no_out 'libstdc\+\+|libgcc' "Depends names no C++ runtime (it is linked in)"

# Every Depends clause is met on this host (where the binary is about to run): an installed
# package of one of its names, at a version the clause allows.
installed_version() {
  dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
    awk '$1 == "install" && $3 == "installed" { print $4; exit }'
}
IFS=',' read -r -a clauses <<<"$depends"
for clause in "${clauses[@]}"; do
  met=0
  IFS='|' read -r -a alternatives <<<"$clause"
  for alternative in "${alternatives[@]}"; do
    read -r name op version <<<"$(echo "$alternative" | tr -d '()')"
    have=$(installed_version "$name")
    [ -n "$have" ] || continue
    if [ -z "${op:-}" ] || dpkg --compare-versions "$have" "$op" "$version"; then
      met=1
      break
    fi
  done
  if [ "$met" = 1 ]; then ok; else not_ok "Depends clause '$clause' is met on this host"; fi
done

# --- lintian ------------------------------------------------------------------------------
if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 --display-info "$deb" >"$SCRATCH/lintian.log" 2>&1
  sed 's/^/  lintian: /' "$SCRATCH/lintian.log"
  out=$(cat "$SCRATCH/lintian.log") status=0 err=""
  expect_no_out '^E: ' "lintian reports no errors"
elif [ "$required" = 1 ]; then
  out="" status=0 err=""
  not_ok "lintian is not installed (Debian: lintian)"
else
  echo "lintian is not installed: not checked"
fi

# --- install into a scratch root ----------------------------------------------------------
root=$SCRATCH/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# The scratch root's package database is empty, so its dependencies are taken as met (they
# were checked against this host above); the package has no maintainer scripts.
if ! "${as_root[@]}" dpkg --root="$root" --force-depends --force-not-root --log=/dev/null \
    -i "$deb" >"$SCRATCH/dpkg.log" 2>&1; then
  cat "$SCRATCH/dpkg.log" >&2
  echo "FAIL: dpkg -i could not install the package" >&2
  exit 1
fi
out=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Status}' certcron 2>&1) status=0 err=""
expect_eq "$out" "install ok installed" "dpkg records the package as installed"

doc=$root/usr/share/doc/certcron
for file in usr/bin/certcron \
    usr/share/man/man1/certcron.1.gz usr/share/man/man1/certcron-serve.1.gz \
    usr/share/man/man5/certcron.toml.5.gz \
    usr/share/bash-completion/completions/certcron usr/share/zsh/vendor-completions/_certcron \
    usr/lib/systemd/system/certcron-serve.service \
    usr/share/doc/certcron/copyright usr/share/doc/certcron/changelog.Debian.gz \
    usr/share/doc/certcron/examples/config.toml usr/share/doc/certcron/examples/jobs.sync.toml \
    usr/share/doc/certcron/examples/certcron.cron.d; do
  if [ -f "$root/$file" ]; then ok; else out="" status=0 err=""; not_ok "/$file is installed"; fi
done
if [ -f "$CERTCRON_SOURCE_DIR/completions/certcron.fish" ]; then
  if [ -f "$root/usr/share/fish/vendor_completions.d/certcron.fish" ]; then ok; else
    out="" status=0 err=""; not_ok "the fish completion is installed"; fi
fi
for page in "$CERTCRON_SOURCE_DIR"/man/*.[1-8]; do
  name=$(basename "$page")
  installed=$root/usr/share/man/man${name##*.}/$name.gz
  if [ -f "$installed" ] && gzip -dc "$installed" | cmp -s - "$page"; then ok; else
    out="" status=0 err=""; not_ok "man page $name is installed, compressed"; fi
done
out=$(cat "$root/usr/lib/systemd/system/certcron-serve.service") status=0 err=""
expect_out '^ExecStart=/usr/bin/certcron serve$' "the unit starts the installed binary"
out=$(find "$root/usr" -name '*.so*' -o -name '*.a' -o -name '*.h') status=0 err=""
expect_eq "$out" "" "the package ships no libraries or headers"

# --- run the installed binary -------------------------------------------------------------
CERTCRON_BIN=$root/usr/bin/certcron
run --version
expect_status 0 "--version"
expect_eq "$(printf '%s\n' "$out" | sed -n 1p)" "certcron $CERTCRON_VERSION" \
  "--version names the version on its first line"

# Needs the zone data of tzdata: the night Brussels moves to summer time.
run next '0 2 * * *' --tz Europe/Brussels --from 2026-03-28T12:00:00Z --count 2
expect_status 0 "next"
expect_out '2026-03-29 03:00 \+02:00 +2026-03-29T01:00:00Z' "next: the slot in the skipped hour runs after the gap"
expect_out '2026-03-30 02:00 \+02:00 +2026-03-30T00:00:00Z' "next: then at 02:00 again"

# The example configuration is read whole by every command; one unknown key makes it fail,
# so a pass means the file was checked.
examples=$doc/examples
run --config "$examples/config.toml" list
expect_status 0 "the example config.toml is accepted"
cp "$examples/config.toml" "$SCRATCH/broken.toml"
echo 'thresholds = [1]' >>"$SCRATCH/broken.toml"
run --config "$SCRATCH/broken.toml" list
expect_status 2 "a config with an unknown key is refused (so the example was checked)"

run --config "$examples/config.toml" sync "$examples/jobs.sync.toml" --dry-run
expect_status 0 "the example sync file: dry run"
expect_out 'would create 3' "the example sync file: dry run plans its three jobs"

# Round trip in the scratch home: import, create (a crontab line naming the installed
# binary), execute (a reminder into the outbox), execute again (nothing more).
export CERTCRON_NOW=2026-03-26T10:00:00Z
cat >"$SCRATCH/mentors.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m001,Ana Silva,ana@example.org,First Aid,2026-04-02
m002,Bruno Laurent,bruno@example.org,Safeguarding,2027-01-15
CSV
run import "$SCRATCH/mentors.csv"
expect_status 0 "import"
run create --name nightly_expiry_check --cron '0 2 * * *' --tz Europe/Brussels
expect_status 0 "create"
out=$(cat "$FAKE_CRONTAB_FILE" 2>&1) status=0 err=""
expect_out "^[^#].* '$root/usr/bin/certcron' .* execute cron-001 --scheduled" \
  "create: the crontab line runs the installed binary"
run execute nightly_expiry_check
expect_status 0 "execute"
outbox=$XDG_STATE_HOME/certcron/outbox
expect_eq "$(find "$outbox" -name '*.eml' | wc -l)" 1 "execute: one reminder in the outbox"
run execute nightly_expiry_check
expect_status 0 "execute again"
expect_eq "$(find "$outbox" -name '*.eml' | wc -l)" 1 "execute again: nothing sent twice"
run --json runs nightly_expiry_check
expect_status 0 "runs"
expect_json '[r["status"] for r in j["data"]]' '["success", "success"]' "runs: two successful runs"
expect_json '[r["result"]["reminders_sent"] for r in j["data"]]' '[0, 1]' \
  "runs: one reminder, then none"

run sync "$examples/jobs.sync.toml" --keep-missing
expect_status 0 "the example sync file applies"
run list
expect_out 'weekly_review' "list shows a job of the sync file"
expect_out 'nightly_expiry_check' "list keeps the created job (--keep-missing)"

finish
