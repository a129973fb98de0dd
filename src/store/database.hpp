#pragma once

// Opening the certcron database: pragmas (WAL, busy timeout, foreign keys) and the explicit,
// versioned migrations (PRAGMA user_version).

#include "core/error.hpp"

#include <SQLiteCpp/Database.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace certcron::store {

// One schema step: the SQL that brings version N-1 to N.
struct Migration {
  int version;
  const char* description;
  const char* sql;
};

const std::vector<Migration>& migrations();
int latest_schema_version();

// Opens (creating the file and its folder when missing) and migrates to the latest version.
// A database written by a newer certcron is refused rather than guessed at.
Result<std::unique_ptr<SQLite::Database>> open_database(const std::string& path);

// Migrates up to `target` only; for tests of the migration steps.
Result<std::unique_ptr<SQLite::Database>> open_database_at_version(const std::string& path,
                                                                   int target);

// Runs `work`, turning SQLite exceptions into certcron errors (SQLITE_BUSY -> busy).
Result<void> guarded(const std::function<void()>& work);

// The SQLite library this process runs with ("3.40.1"), for --version.
const char* sqlite_library_version();

// Maps a caught SQLite exception (or any std::exception) to an Error.
Error error_from_exception(const std::exception& error);

}  // namespace certcron::store
