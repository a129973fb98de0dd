#include "store/statement_cache.hpp"

#include <SQLiteCpp/Database.h>

#include <stdexcept>
#include <unordered_set>
#include <utility>

namespace certcron::store {

StatementCache::StatementCache(SQLite::Database& db) : db_(db) {}

StatementCache::~StatementCache() = default;

StatementCache::Use::Use(SQLite::Statement* statement, sqlite3_stmt* handle, bool* in_use,
                         std::unique_ptr<SQLite::Statement> own)
    : statement_(statement), handle_(handle), in_use_(in_use), own_(std::move(own)) {
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

// SQLiteCpp keeps its sqlite3_stmt to itself; the connection lists its statements, and the
// one that was not there before the preparation is the new statement's. Once per SQL (the
// connection is used by one thread at a time, so nothing else prepares meanwhile).
StatementCache::Prepared StatementCache::prepare(std::string_view sql) {
  sqlite3* connection = db_.getHandle();
  std::unordered_set<sqlite3_stmt*> before;
  for (sqlite3_stmt* s = sqlite3_next_stmt(connection, nullptr); s != nullptr;
       s = sqlite3_next_stmt(connection, s)) {
    before.insert(s);
  }
  Prepared prepared{std::make_unique<SQLite::Statement>(db_, std::string(sql)), nullptr};
  for (sqlite3_stmt* s = sqlite3_next_stmt(connection, nullptr); s != nullptr;
       s = sqlite3_next_stmt(connection, s)) {
    if (!before.contains(s)) {
      prepared.handle = s;
      break;
    }
  }
  if (prepared.handle == nullptr) {
    // Only SQL made of nothing but comments or spaces prepares to no statement at all.
    throw std::logic_error("no statement was prepared for: " + std::string(sql));
  }
  return prepared;
}

StatementCache::Use StatementCache::use(std::string_view sql) {
  auto found = entries_.find(sql);
  if (found == entries_.end()) {
    // Prepared before it is stored, so SQL that does not prepare leaves no entry behind.
    found = entries_.emplace(std::string(sql), Entry{prepare(sql), false}).first;
  }
  Entry& entry = found->second;
  if (entry.in_use) {
    Prepared own = prepare(sql);
    SQLite::Statement* statement = own.statement.get();
    return Use(statement, own.handle, nullptr, std::move(own.statement));
  }
  // Entries are nodes: the pointers stay valid however the map grows.
  return Use(entry.prepared.statement.get(), entry.prepared.handle, &entry.in_use, nullptr);
}

}  // namespace certcron::store
