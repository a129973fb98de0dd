#pragma once

// Running another program and collecting what it says: argv without a shell (or a command
// string through /bin/sh -c), optional stdin data, stdout and stderr captured separately,
// an optional timeout after which the program's whole process group is killed.

#include "util/error.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace certcron::util {

struct ProcessRequest {
  // argv[0] is the program: a path, or a name looked up on PATH when it has no '/'.
  std::vector<std::string> argv;
  // Written to the program's stdin, which is then closed (an empty string = immediate EOF).
  std::string stdin_data;
  // On expiry the process group is sent SIGKILL and ProcessResult::timed_out is set.
  std::optional<std::chrono::milliseconds> timeout;
  // Added to (or replacing in) the inherited environment.
  std::vector<std::pair<std::string, std::string>> extra_env;
  // Variables removed from the inherited environment (applied before extra_env).
  std::vector<std::string> unset_env;
  // Empty = the caller's working directory.
  std::string working_directory;
};

struct ProcessResult {
  int exit_code = -1;  // the exit status when the program exited, else -1
  int signal = 0;      // the signal that ended it, else 0
  bool timed_out = false;
  std::string out;
  std::string err;

  bool succeeded() const { return exit_code == 0 && !timed_out; }
  // "exited with status 2", "killed by signal 9 (Killed)", "timed out after 1500 ms".
  std::string describe() const;
};

// A request running `command` through `/bin/sh -c`.
ProcessRequest shell_command(std::string command);

// Runs the program and waits for it. An error (ErrorKind::failed) only when the program could
// not be started at all (not found, not executable, out of resources); a program that
// starts and fails is a ProcessResult with a non-zero exit code.
Result<ProcessResult> run_process(const ProcessRequest& request);

// The absolute path of the running executable (from /proc/self/exe).
Result<std::string> current_executable();

}  // namespace certcron::util
