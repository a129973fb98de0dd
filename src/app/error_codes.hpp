#pragma once

// The one place where error kinds become exit codes (README "Exit codes") and HTTP statuses:
// each face maps through here, so a kind means the same on both.

#include "core/error.hpp"

namespace certcron::app {

enum ExitCode : int {
  kExitOk = 0,        // success (also: `execute --scheduled` with nothing due)
  kExitFailed = 1,    // the run failed, or the operation failed (I/O, crontab program)
  kExitUsage = 2,     // usage or validation error: nothing was changed
  kExitNotFound = 3,  // no such job, run or file
  kExitConflict = 4,  // already running, or the slot already has a run
  kExitBusy = 5,      // the database stayed locked past the busy timeout
};

constexpr int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::failed: return kExitFailed;
    case ErrorKind::usage:
    case ErrorKind::validation: return kExitUsage;
    case ErrorKind::not_found: return kExitNotFound;
    case ErrorKind::conflict: return kExitConflict;
    case ErrorKind::busy: return kExitBusy;
  }
  return kExitFailed;
}

// usage is a request the server could not take as given (400); busy is the database locked
// past the busy timeout, which a client may retry (503).
constexpr int http_status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::failed: return 500;
    case ErrorKind::usage: return 400;
    case ErrorKind::validation: return 422;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::busy: return 503;
  }
  return 500;
}

}  // namespace certcron::app
