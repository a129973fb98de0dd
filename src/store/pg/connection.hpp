#pragma once

// A small wrapper over libpq, the PostgreSQL client library, loaded at run time (dlopen) the
// first time a postgresql:// database is opened: the processes cron starts against a SQLite
// file never load it. Statements take text parameters ($1, $2, ...) and return text rows;
// instants cross the wire as epoch seconds (the SQL converts with to_timestamp and
// extract(epoch ...)), so no date text is ever parsed here.
//
// Failures throw pg::Failure inside the adapter; pg::guarded turns them into certcron errors
// at the store interface, as store::guarded does for SQLite.

#include "core/error.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace certcron::store::pg {

// libpq's package, for error messages that say what to install.
inline constexpr const char* kLibPq = "libpq.so.5";

// The target of `conninfo` without its password: what error messages may name.
std::string describe_target(const std::string& conninfo);

// A failed statement: its SQLSTATE ("23505"), the constraint it broke (when it did), and the
// server's message.
class Failure : public std::runtime_error {
 public:
  Failure(std::string message, std::string sqlstate, std::string constraint)
      : std::runtime_error(std::move(message)),
        sqlstate_(std::move(sqlstate)),
        constraint_(std::move(constraint)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& constraint() const { return constraint_; }
  bool unique_violation() const { return sqlstate_ == "23505"; }

 private:
  std::string sqlstate_;
  std::string constraint_;
};

// Maps a caught exception to an Error: a lock or statement timeout, a serialization failure
// or a deadlock is ErrorKind::busy; a lost connection says the database could not be reached.
Error error_from(const std::exception& error);
// Runs `work`, turning exceptions into errors.
Result<void> guarded(const std::function<void()>& work);

// One row of a result; columns by index.
class Row {
 public:
  Row(const pg_result* result, int row) : result_(result), row_(row) {}
  bool is_null(int column) const;
  std::string_view text(int column) const;  // "" for NULL
  std::int64_t int64(int column) const;     // 0 for NULL
  int integer(int column) const;            // booleans read as 1 and 0
  bool boolean(int column) const { return integer(column) != 0; }

 private:
  const pg_result* result_;
  int row_;
};

class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* result);
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  ~Rows();
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  bool empty() const { return size() == 0; }
  Row operator[](int row) const { return Row(result_, row); }
  std::int64_t affected() const;  // rows an INSERT, UPDATE or DELETE touched

 private:
  pg_result* result_ = nullptr;
};

// Text parameters; nullopt is SQL NULL.
class Params {
 public:
  Params& add(std::string_view text) {
    values_.emplace_back(std::string(text));
    return *this;
  }
  Params& add(const char* text) { return add(std::string_view(text)); }
  Params& add(const std::string& text) { return add(std::string_view(text)); }
  Params& add(std::int64_t number) {
    values_.emplace_back(std::to_string(number));
    return *this;
  }
  Params& add(int number) { return add(static_cast<std::int64_t>(number)); }
  Params& add(bool value) {
    values_.emplace_back(value ? "true" : "false");
    return *this;
  }
  template <class T>
  Params& add(const std::optional<T>& value) {
    if (value) {
      return add(*value);
    }
    values_.emplace_back(std::nullopt);
    return *this;
  }
  Params& null() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// One connection, used by one thread at a time. The session runs in UTC.
class Connection {
 public:
  // Connects to `conninfo` (a postgresql:// URL or key=value string; libpq reads passwords
  // from ~/.pgpass or a service file, so they need not be in it). Errors name the target
  // without its password.
  static Result<std::unique_ptr<Connection>> open(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with parameters; throws Failure.
  Rows query(const char* sql, const Params& params = {});
  Rows query(const std::string& sql, const Params& params = {}) {
    return query(sql.c_str(), params);
  }
  // As query, for a statement that may fail in a way the caller handles (a duplicate name):
  // inside a transaction it runs under a savepoint, so that its failure leaves the
  // transaction usable, as a failed statement does on SQLite.
  Rows query_may_fail(const std::string& sql, const Params& params = {});
  // Statements without parameters, several separated by ';', in one round trip.
  void script(const char* sql);

  // Transactions, nesting by savepoints: begin at depth 0 runs `begin_sql` (several
  // statements allowed), deeper levels take a savepoint.
  void begin(const std::string& begin_sql);
  void commit();
  void rollback() noexcept;
  int depth() const { return depth_; }

  const std::string& target() const { return target_; }
  int server_version() const;

 private:
  Connection(pg_conn* connection, std::string target);
  [[noreturn]] void raise(pg_result* result, const char* what);
  void reconnect_if_lost();
  pg_conn* connection_;
  std::string target_;
  int depth_ = 0;
};

// Runs `work` in a transaction on `connection` (begun with `begin_sql` when it is the
// outermost): commits when it returns a value, rolls back when it returns an error or throws.
Result<void> transact(Connection& connection, const char* begin_sql,
                      const std::function<Result<void>()>& work);

}  // namespace certcron::store::pg
