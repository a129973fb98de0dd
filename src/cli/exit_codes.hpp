#pragma once

// The exit-code table lives beside the HTTP statuses in app/error_codes.hpp.
#include "app/error_codes.hpp"

namespace certcron::cli {

using app::exit_code_for;
using app::ExitCode;
using app::kExitBusy;
using app::kExitConflict;
using app::kExitFailed;
using app::kExitNotFound;
using app::kExitOk;
using app::kExitUsage;

}  // namespace certcron::cli
