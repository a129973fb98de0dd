#pragma once

namespace certcron::store {

// Schema step 4: the ping history of each job (healthchecks.io / Oh Dear style pings).
extern const char* const kMigration4Pings;

}  // namespace certcron::store
