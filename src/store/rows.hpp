#pragma once

// Row mapping shared by the job and run halves of SqliteJobStore.

#include "core/job.hpp"
#include "core/store.hpp"
#include "store/row_mapping.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>

namespace certcron::store::rows {

using mapping::from_seconds;
using mapping::optional_seconds;
using mapping::to_seconds;

inline void bind_optional_seconds(SQLite::Statement& statement, int index,
                                  std::optional<Seconds> value) {
  if (value) {
    statement.bind(index, static_cast<std::int64_t>(from_seconds(*value)));
  } else {
    statement.bind(index);
  }
}

// A job (the columns of kJobColumns) or a run (of kRunColumns) read from column `first` on,
// so that one row can carry both. In job_store.cpp and run_store.cpp.
Job job_from_row(const Row& row, int first = 0);
Run run_from_row(const Row& row, int first = 0);

inline bool is_unique_violation(const SQLite::Exception& error) {
  return error.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE;
}

// In 64 bits: a page number near INT_MAX times the limit does not fit an int, and such a page
// is simply past the end (an empty list), not an error.
inline std::int64_t offset_of(PageRequest page) {
  return (static_cast<std::int64_t>(page.page) - 1) * page.limit;
}

}  // namespace certcron::store::rows
