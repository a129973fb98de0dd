#pragma once

namespace certcron::store {

// Schema step 4: the ping history of each job (healthchecks.io / Oh Dear style pings).
extern const char* const kMigration4Pings;
// Schema step 5: flips of the monitoring state and their alerts; max_runtime_in_minutes and
// catch_up on jobs.
extern const char* const kMigration5Flips;

}  // namespace certcron::store
