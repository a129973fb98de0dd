#pragma once

#include "core/error.hpp"

namespace certcron::cli {

// The one exit-code table of certcron (README "Exit codes"); every command uses it.
enum ExitCode : int {
  kExitOk = 0,          // success (also: `execute --scheduled` with nothing due)
  kExitFailed = 1,      // the run failed, or the operation failed (I/O, crontab program)
  kExitUsage = 2,       // usage or validation error: nothing was changed
  kExitNotFound = 3,    // no such job, run or file
  kExitConflict = 4,    // already running, or the slot already has a run
  kExitBusy = 5,        // the database stayed locked past the busy timeout
};

inline int exit_code_for(ErrorKind kind) {
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

}  // namespace certcron::cli
