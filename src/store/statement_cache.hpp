#pragma once

// The prepared statements of one SQLite connection, prepared on first use and kept for the
// connection's life, so a request reuses its SQL instead of parsing and planning it again.
//
// No locking: a cache belongs to one connection's store, and a connection is used by one
// thread at a time (the CLI has one thread; the server opens one App, with its own
// connection and stores, per I/O thread, and a background run gets a connection of its own).

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace SQLite {
class Database;
}

namespace certcron::store {

// The current row of a statement, read through the C API. SQLite::Column copies the
// statement's shared_ptr for every value read; a page of jobs reads thousands. Valid while
// the statement stays on this row.
class Row {
 public:
  explicit Row(sqlite3_stmt* statement) : statement_(statement) {}

  bool is_null(int index) const { return sqlite3_column_type(statement_, index) == SQLITE_NULL; }
  std::int64_t int64(int index) const { return sqlite3_column_int64(statement_, index); }
  int integer(int index) const { return sqlite3_column_int(statement_, index); }
  // The text ("" for NULL), valid until the row changes.
  std::string_view text(int index) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_, index));
    if (data == nullptr) {
      return {};
    }
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(statement_, index))};
  }

 private:
  sqlite3_stmt* statement_;
};

class StatementCache {
 public:
  // `db` must outlive the cache: destroy the cache (its store) before closing the database.
  explicit StatementCache(SQLite::Database& db);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // One use of a statement. When it ends, however it ends (an early return, an exception
  // between two steps), the statement is reset and its bindings cleared: a statement left
  // mid-step would keep its read transaction open and block WAL checkpoints.
  class Use {
   public:
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    SQLite::Statement& operator*() const { return *statement_; }
    SQLite::Statement* operator->() const { return statement_; }
    // The row the last executeStep() stepped to.
    Row row() const { return Row(handle_); }

   private:
    friend class StatementCache;
    Use(SQLite::Statement* statement, sqlite3_stmt* handle, bool* in_use,
        std::unique_ptr<SQLite::Statement> own);

    SQLite::Statement* statement_;
    sqlite3_stmt* handle_;
    bool* in_use_;  // the cached entry's flag; null for a statement of its own
    std::unique_ptr<SQLite::Statement> own_;
  };

  // The statement for `sql`, prepared on its first use. While the cached statement is in
  // use (the same SQL needed again before the first use ended), a fresh statement is
  // prepared for this use and finalized after it. Throws SQLite::Exception, like SQLiteCpp.
  Use use(std::string_view sql);

  // Statements prepared and kept so far.
  std::size_t size() const { return entries_.size(); }

 private:
  struct Prepared {
    std::unique_ptr<SQLite::Statement> statement;
    sqlite3_stmt* handle = nullptr;  // the statement's own, for Row
  };
  struct Entry {
    Prepared prepared;
    bool in_use = false;
  };
  Prepared prepare(std::string_view sql);
  // Transparent, so a lookup by string_view builds no std::string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  SQLite::Database& db_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace certcron::store
