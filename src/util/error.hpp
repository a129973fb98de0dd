#pragma once

// Error values used everywhere: product-agnostic, so util may use them too.

#include <expected>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace certcron {

// The kinds of failure certcron distinguishes. Each maps to one exit code (see
// cli/exit_codes) and one HTTP status, so callers never invent their own.
enum class ErrorKind {
  failed,      // an operation or run failed (I/O, crontab program, delivery setup)
  usage,       // bad command line or input that is not about a field
  validation,  // field-level validation errors (see Error::fields)
  not_found,   // no such job, run, file
  conflict,    // already running, slot already run, duplicate
  busy,        // the database stayed locked past the busy timeout
};

// Field name -> messages, ordered by field name so output is stable.
using FieldErrors = std::map<std::string, std::vector<std::string>>;

struct Error {
  ErrorKind kind = ErrorKind::failed;
  std::string message;
  FieldErrors fields;  // only for ErrorKind::validation

  static Error failed(std::string message) { return {ErrorKind::failed, std::move(message), {}}; }
  static Error usage(std::string message) { return {ErrorKind::usage, std::move(message), {}}; }
  static Error not_found(std::string message) { return {ErrorKind::not_found, std::move(message), {}}; }
  static Error conflict(std::string message) { return {ErrorKind::conflict, std::move(message), {}}; }
  static Error busy(std::string message) { return {ErrorKind::busy, std::move(message), {}}; }

  // The seed's validation shape: "The given data was invalid." plus per-field messages.
  static Error invalid(FieldErrors fields) {
    return {ErrorKind::validation, "The given data was invalid.", std::move(fields)};
  }
  static Error invalid(std::string field, std::string message) {
    return invalid(FieldErrors{{std::move(field), {std::move(message)}}});
  }
};

// The message followed by each field's messages ("field: message"), on one line: for logs
// and run records, where the per-field structure is not kept.
inline std::string describe(const Error& error) {
  std::string text = error.message;
  for (const auto& [field, messages] : error.fields) {
    for (const auto& message : messages) {
      text += (text.empty() ? "" : "; ") + field + ": " + message;
    }
  }
  return text;
}

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error from a function returning Result<T>.
inline std::unexpected<Error> fail(Error error) { return std::unexpected<Error>(std::move(error)); }

}  // namespace certcron
