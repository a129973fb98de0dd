#include "store/statement_cache.hpp"

#include <SQLiteCpp/Database.h>

#include <utility>

namespace certcron::store {

StatementCache::StatementCache(SQLite::Database& db) : db_(db) {}

StatementCache::~StatementCache() = default;

StatementCache::Use::Use(SQLite::Statement* statement, bool* in_use,
                         std::unique_ptr<SQLite::Statement> own)
    : statement_(statement), in_use_(in_use), own_(std::move(own)) {
  if (in_use_ != nullptr) {
    *in_use_ = true;
  }
}

StatementCache::Use::~Use() {
  // The code sqlite3_reset returns is the last step's error, already thrown by that step.
  (void)statement_->tryReset();
  try {
    statement_->clearBindings();  // sqlite3_clear_bindings cannot fail on a prepared statement
  } catch (...) {
  }
  if (in_use_ != nullptr) {
    *in_use_ = false;
  }
}

StatementCache::Use StatementCache::use(std::string_view sql) {
  auto found = entries_.find(sql);
  if (found == entries_.end()) {
    // Prepared before it is stored, so SQL that does not prepare leaves no entry behind.
    auto statement = std::make_unique<SQLite::Statement>(db_, std::string(sql));
    found = entries_.emplace(std::string(sql), Entry{std::move(statement), false}).first;
  }
  Entry& entry = found->second;
  if (entry.in_use) {
    auto own = std::make_unique<SQLite::Statement>(db_, std::string(sql));
    SQLite::Statement* statement = own.get();
    return Use(statement, nullptr, std::move(own));
  }
  // Entries are nodes: the pointers stay valid however the map grows.
  return Use(entry.statement.get(), &entry.in_use, nullptr);
}

}  // namespace certcron::store
