#pragma once

// What both adapters say and make the same way, whichever engine is behind them.

#include "core/error.hpp"
#include "core/job.hpp"
#include "core/store.hpp"

#include <string>

namespace certcron::store {

// A job name already taken: the API contract's words, on field "name".
Error duplicate_name_error();

// A random (version 4) UUID for a new job's ping URL.
std::string random_uuid();

// Why inserting `refused` broke a uniqueness rule of runs: the running run it met (read from
// `store`), or the slot already run; an error reading the running run is returned as it is.
Error run_conflict(JobStore& store, const Run& refused);

}  // namespace certcron::store
