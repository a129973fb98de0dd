#include "store/pg/connection.hpp"

#include "util/shared_library.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <mutex>

namespace certcron::store::pg {
namespace {

struct LibPq {
  decltype(&PQconnectdbParams) connectdb_params = nullptr;
  decltype(&PQstatus) status = nullptr;
  decltype(&PQerrorMessage) error_message = nullptr;
  decltype(&PQfinish) finish = nullptr;
  decltype(&PQexecParams) exec_params = nullptr;
  decltype(&PQexec) exec = nullptr;
  decltype(&PQresultStatus) result_status = nullptr;
  decltype(&PQresultErrorField) result_error_field = nullptr;
  decltype(&PQresultErrorMessage) result_error_message = nullptr;
  decltype(&PQclear) clear = nullptr;
  decltype(&PQntuples) ntuples = nullptr;
  decltype(&PQgetvalue) getvalue = nullptr;
  decltype(&PQgetlength) getlength = nullptr;
  decltype(&PQgetisnull) getisnull = nullptr;
  decltype(&PQcmdTuples) cmd_tuples = nullptr;
  decltype(&PQconninfoParse) conninfo_parse = nullptr;
  decltype(&PQconninfoFree) conninfo_free = nullptr;
  decltype(&PQfreemem) freemem = nullptr;
  decltype(&PQserverVersion) server_version = nullptr;
  decltype(&PQsetNoticeProcessor) set_notice_processor = nullptr;
  decltype(&PQreset) reset = nullptr;
};

Result<const LibPq*> load_libpq() {
  static std::once_flag once;
  static LibPq api;
  static std::optional<Error> failure;
  std::call_once(once, [] {
    void* handle = dlopen(kLibPq, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      failure = Error::failed(std::string("a PostgreSQL database needs libpq, which could not be "
                                          "loaded (") +
                              (why != nullptr ? why : kLibPq) + "); install it: apt-get install libpq5");
      return;
    }
    using util::resolve_symbol;
    const bool ok = resolve_symbol(handle, "PQconnectdbParams", api.connectdb_params) &&
                    resolve_symbol(handle, "PQstatus", api.status) &&
                    resolve_symbol(handle, "PQerrorMessage", api.error_message) &&
                    resolve_symbol(handle, "PQfinish", api.finish) &&
                    resolve_symbol(handle, "PQexecParams", api.exec_params) &&
                    resolve_symbol(handle, "PQexec", api.exec) &&
                    resolve_symbol(handle, "PQresultStatus", api.result_status) &&
                    resolve_symbol(handle, "PQresultErrorField", api.result_error_field) &&
                    resolve_symbol(handle, "PQresultErrorMessage", api.result_error_message) &&
                    resolve_symbol(handle, "PQclear", api.clear) &&
                    resolve_symbol(handle, "PQntuples", api.ntuples) &&
                    resolve_symbol(handle, "PQgetvalue", api.getvalue) &&
                    resolve_symbol(handle, "PQgetlength", api.getlength) &&
                    resolve_symbol(handle, "PQgetisnull", api.getisnull) &&
                    resolve_symbol(handle, "PQcmdTuples", api.cmd_tuples) &&
                    resolve_symbol(handle, "PQconninfoParse", api.conninfo_parse) &&
                    resolve_symbol(handle, "PQconninfoFree", api.conninfo_free) &&
                    resolve_symbol(handle, "PQfreemem", api.freemem) &&
                    resolve_symbol(handle, "PQserverVersion", api.server_version) &&
                    resolve_symbol(handle, "PQsetNoticeProcessor", api.set_notice_processor) &&
                    resolve_symbol(handle, "PQreset", api.reset);
    if (!ok) {
      dlclose(handle);
      failure = Error::failed(std::string(kLibPq) +
                              " is not a usable libpq; install it: apt-get install libpq5");
    }
  });
  if (failure) {
    return fail(*failure);
  }
  return &api;
}

// Only reached once load_libpq succeeded (every Connection and result was made through it).
const LibPq& lib() { return **load_libpq(); }

// libpq's messages end with a newline; ours are one line.
std::string one_line(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  for (char& c : text) {
    if (c == '\n') {
      c = ' ';
    }
  }
  return text;
}

// Notices (e.g. "relation already exists, skipping") are not for the user.
void ignore_notice(void* /*unused*/, const char* /*unused*/) {}

}  // namespace

std::string describe_target(const std::string& conninfo) {
  auto api = load_libpq();
  if (!api) {
    return "a PostgreSQL database";
  }
  char* error = nullptr;
  PQconninfoOption* options = (*api)->conninfo_parse(conninfo.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) {
      (*api)->freemem(error);
    }
    return "a PostgreSQL database (its connection string could not be read)";
  }
  std::string user;
  std::string host;
  std::string port;
  std::string dbname;
  std::string service;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) {
      continue;
    }
    const std::string_view keyword = option->keyword;
    if (keyword == "user") {
      user = option->val;
    } else if (keyword == "host") {
      host = option->val;
    } else if (keyword == "port") {
      port = option->val;
    } else if (keyword == "dbname") {
      dbname = option->val;
    } else if (keyword == "service") {
      service = option->val;
    }
  }
  (*api)->conninfo_free(options);
  std::string text = "postgresql://";
  if (!user.empty()) {
    text += user + "@";
  }
  text += host;
  if (!port.empty()) {
    text += ":" + port;
  }
  text += "/" + dbname;
  if (!service.empty()) {
    text += " (service " + service + ")";
  }
  return text;
}

Error error_from(const std::exception& error) {
  if (const auto* failure = dynamic_cast<const Failure*>(&error)) {
    const std::string& state = failure->sqlstate();
    // lock_not_available (lock_timeout), query_canceled (statement_timeout), deadlock,
    // serialization failure: another certcron process holds what this one needs.
    if (state == "55P03" || state == "57014" || state == "40P01" || state == "40001") {
      return Error::busy(std::string("the database is busy (") + failure->what() +
                         "); another certcron process holds it, try again");
    }
    if (state.starts_with("08")) {
      return Error::failed(failure->what());
    }
  }
  return Error::failed(std::string("database error: ") + error.what());
}

Result<void> guarded(const std::function<void()>& work) {
  try {
    work();
    return {};
  } catch (const std::exception& error) {
    return fail(error_from(error));
  }
}

bool Row::is_null(int column) const { return lib().getisnull(result_, row_, column) != 0; }

std::string_view Row::text(int column) const {
  const char* value = lib().getvalue(result_, row_, column);
  return {value, static_cast<std::size_t>(lib().getlength(result_, row_, column))};
}

std::int64_t Row::int64(int column) const {
  const std::string_view value = text(column);
  std::int64_t number = 0;
  std::from_chars(value.data(), value.data() + value.size(), number);
  return number;
}

int Row::integer(int column) const {
  const std::string_view value = text(column);
  if (value == "t") {
    return 1;
  }
  if (value == "f") {
    return 0;
  }
  return static_cast<int>(int64(column));
}

Rows::Rows(pg_result* result) : result_(result) {}
Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) {
      lib().clear(result_);
    }
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}
Rows::~Rows() {
  if (result_ != nullptr) {
    lib().clear(result_);
  }
}
int Rows::size() const { return result_ == nullptr ? 0 : lib().ntuples(result_); }
std::int64_t Rows::affected() const {
  if (result_ == nullptr) {
    return 0;
  }
  const char* count = lib().cmd_tuples(result_);
  std::int64_t number = 0;
  std::from_chars(count, count + std::char_traits<char>::length(count), number);
  return number;
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& conninfo) {
  auto api = load_libpq();
  if (!api) {
    return fail(api.error());
  }
  std::string target = describe_target(conninfo);
  // Values in `conninfo` override these defaults (libpq takes the last value of a keyword,
  // and dbname expands to the connection string's own keywords after them).
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {"10", "certcron", conninfo.c_str(), nullptr};
  PGconn* connection = (*api)->connectdb_params(keywords, values, 1);
  if (connection == nullptr) {
    return fail(Error::failed("cannot reach the PostgreSQL database " + target +
                              ": out of memory"));
  }
  if ((*api)->status(connection) != CONNECTION_OK) {
    std::string why = one_line((*api)->error_message(connection));
    (*api)->finish(connection);
    return fail(Error::failed("cannot reach the PostgreSQL database " + target + ": " + why));
  }
  (*api)->set_notice_processor(connection, &ignore_notice, nullptr);
  std::unique_ptr<Connection> opened(new Connection(connection, std::move(target)));
  auto utc = guarded([&] { opened->script("SET TimeZone TO 'UTC'"); });
  if (!utc) {
    return fail(utc.error());
  }
  return opened;
}

Connection::Connection(pg_conn* connection, std::string target)
    : connection_(connection), target_(std::move(target)) {}

Connection::~Connection() { lib().finish(connection_); }

int Connection::server_version() const { return lib().server_version(connection_); }

void Connection::raise(pg_result* result, const char* what) {
  std::string state;
  std::string constraint;
  std::string message;
  if (result != nullptr) {
    if (const char* field = lib().result_error_field(result, PG_DIAG_SQLSTATE)) {
      state = field;
    }
    if (const char* field = lib().result_error_field(result, PG_DIAG_CONSTRAINT_NAME)) {
      constraint = field;
    }
    if (const char* field = lib().result_error_field(result, PG_DIAG_MESSAGE_PRIMARY)) {
      message = field;
    }
    lib().clear(result);
  }
  if (lib().status(connection_) != CONNECTION_OK) {
    // The server or the network went away: the statement's fate is unknown.
    throw Failure("lost the connection to the PostgreSQL database " + target_ + ": " +
                      one_line(lib().error_message(connection_)),
                  state.empty() ? "08006" : state, constraint);
  }
  if (message.empty()) {
    message = one_line(lib().error_message(connection_));
  }
  throw Failure(message + " (" + what + ")", state, constraint);
}

void Connection::reconnect_if_lost() {
  if (depth_ != 0 || lib().status(connection_) == CONNECTION_OK) {
    return;
  }
  // The server went away (a restart, a failover) after an earlier statement failed: connect
  // again with the same parameters (with several hosts and target_session_attrs, to the new
  // primary). Inside a transaction nothing can be resumed, so only between transactions.
  lib().reset(connection_);
  if (lib().status(connection_) == CONNECTION_OK) {
    script("SET TimeZone TO 'UTC'");
  }
}

Rows Connection::query(const char* sql, const Params& params) {
  reconnect_if_lost();
  const auto& values = params.values();
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& value : values) {
    pointers.push_back(value ? value->c_str() : nullptr);
  }
  PGresult* result = lib().exec_params(connection_, sql, static_cast<int>(values.size()), nullptr,
                                       pointers.data(), nullptr, nullptr, 0);
  const ExecStatusType status =
      result == nullptr ? PGRES_FATAL_ERROR : lib().result_status(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    raise(result, "statement");
  }
  return Rows(result);
}

Rows Connection::query_may_fail(const std::string& sql, const Params& params) {
  if (depth_ == 0) {
    return query(sql, params);  // its own transaction: nothing else to keep
  }
  script("SAVEPOINT certcron_statement");
  try {
    Rows rows = query(sql, params);
    script("RELEASE SAVEPOINT certcron_statement");
    return rows;
  } catch (const Failure&) {
    if (lib().status(connection_) == CONNECTION_OK) {
      PGresult* result = lib().exec(connection_, "ROLLBACK TO SAVEPOINT certcron_statement");
      if (result != nullptr) {
        lib().clear(result);
      }
    }
    throw;
  }
}

void Connection::script(const char* sql) {
  reconnect_if_lost();
  PGresult* result = lib().exec(connection_, sql);
  const ExecStatusType status =
      result == nullptr ? PGRES_FATAL_ERROR : lib().result_status(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    raise(result, "script");
  }
  lib().clear(result);
}

void Connection::begin(const std::string& begin_sql) {
  if (depth_ == 0) {
    try {
      script(begin_sql.c_str());
    } catch (...) {
      // A begin of several statements that failed after its BEGIN (a lock timeout) leaves a
      // failed transaction open, which would refuse every later statement: end it.
      if (lib().status(connection_) == CONNECTION_OK) {
        PGresult* result = lib().exec(connection_, "ROLLBACK");
        if (result != nullptr) {
          lib().clear(result);
        }
      }
      throw;
    }
  } else {
    script(("SAVEPOINT certcron_" + std::to_string(depth_)).c_str());
  }
  ++depth_;
}

void Connection::commit() {
  if (depth_ == 1) {
    script("COMMIT");
  } else {
    script(("RELEASE SAVEPOINT certcron_" + std::to_string(depth_ - 1)).c_str());
  }
  --depth_;
}

void Connection::rollback() noexcept {
  if (depth_ == 0) {
    return;
  }
  --depth_;
  try {
    if (depth_ == 0) {
      script("ROLLBACK");
    } else {
      script(("ROLLBACK TO SAVEPOINT certcron_" + std::to_string(depth_)).c_str());
    }
  } catch (...) {  // nothing better to do: the error that got us here is being reported
  }
}

Result<void> transact(Connection& connection, const char* begin_sql,
                      const std::function<Result<void>()>& work) {
  Result<void> outcome;
  auto ran = guarded([&] {
    connection.begin(begin_sql);
    try {
      outcome = work();
    } catch (...) {
      connection.rollback();
      throw;
    }
    if (outcome) {
      try {
        connection.commit();
      } catch (...) {
        connection.rollback();
        throw;
      }
    } else {
      connection.rollback();
    }
  });
  if (!ran) {
    return ran;
  }
  return outcome;
}

}  // namespace certcron::store::pg
