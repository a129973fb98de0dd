#pragma once

// Scratch folders and stand-in `crontab` programs for the crontab tests. A stand-in keeps
// the table in a file of its folder and logs each call's arguments, so the tests exercise the
// real process plumbing without touching anyone's crontab.

#include "util/file.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace certcron::crontab::testing {

namespace fs = std::filesystem;

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "certcron-crontab-XXXXXX").string();
    const char* made = ::mkdtemp(pattern.data());
    REQUIRE(made != nullptr);
    path = made;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

inline void write_executable(const fs::path& path, const std::string& script) {
  REQUIRE(util::write_file_atomically(path, script, 0755).has_value());
}

// A `crontab` that implements -l, - and -u against <dir>/table, logging calls to <dir>/calls.
// A missing table reads as cron reports it: "no crontab for USER" on stderr, status 1.
inline fs::path fake_crontab(const fs::path& dir) {
  fs::path program = dir / "crontab";
  write_executable(program, R"(#!/bin/sh
dir=$(dirname "$0")
table="$dir/table"
echo "$*" >> "$dir/calls"
user=tester
while [ $# -gt 0 ]; do
  case "$1" in
    -u) user="$2"; shift 2 ;;
    -l) [ -f "$table" ] || { echo "no crontab for $user" >&2; exit 1; }
        cat "$table"; exit 0 ;;
    -) cat > "$table.new" && mv "$table.new" "$table"; exit 0 ;;
    *) echo "usage: crontab [-u user] -l | -" >&2; exit 2 ;;
  esac
done
exit 2
)");
  return program;
}

// A `crontab` that lists <dir>/table but refuses every new table, as cron does with a
// syntax error, leaving the table untouched.
inline fs::path refusing_crontab(const fs::path& dir) {
  fs::path program = dir / "crontab";
  write_executable(program, R"(#!/bin/sh
dir=$(dirname "$0")
case "$1" in
  -l) [ -f "$dir/table" ] || { echo "no crontab for tester" >&2; exit 1; }
      cat "$dir/table"; exit 0 ;;
  -) cat > /dev/null
     echo '"-":3: bad minute' >&2
     echo "errors in crontab file, can't install." >&2
     exit 1 ;;
esac
exit 2
)");
  return program;
}

inline std::string read_or_empty(const fs::path& path) {
  auto content = util::read_file(path);
  return content ? *content : std::string();
}

}  // namespace certcron::crontab::testing
