#pragma once

// Typed, checked reading of one parsed TOML table. Internal to the config layer: nothing
// outside src/config sees toml++ types.

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// toml++ 3.3.0 (Debian 12) asserts a precondition its own parser breaks on malformed table
// headers such as "[!" or "[[[1]]]" (fixed upstream after 3.3.0): without this, builds without
// NDEBUG (the asan preset) abort there instead of reporting the syntax error as release
// builds do.
#define TOML_ASSERT(expr) static_assert(true)
#include <toml++/toml.h>

namespace certcron::config {

// What a file's paths are resolved against, and the problems found in it so far.
class FileContext {
 public:
  FileContext(std::string file, std::optional<std::string> home, std::string folder);

  void report(std::size_t line, std::string message);
  bool has_problems() const { return !problems_.empty(); }
  // "<file>:<line>: <message>" for the earliest line, so that fixing errors top to bottom
  // always shows the next one.
  Error first_problem() const;

  // See resolve_path (paths.hpp); nullopt when "~" cannot be expanded.
  std::optional<std::string> resolve(std::string_view raw) const;

 private:
  struct Problem {
    std::size_t line;
    std::string message;
  };
  std::string file_;
  std::optional<std::string> home_;
  std::string folder_;
  std::vector<Problem> problems_;
};

// Reads the keys of one table. Each read names a key it knows; report_unknown_keys then
// reports whatever the file holds beyond those, with a suggestion for likely typos. A key the
// file does not have leaves the output unchanged, so outputs start as their defaults.
class TableReader {
 public:
  // `name` is the dotted path of the table ("" for the root), used in messages.
  TableReader(const toml::table& table, std::string name, FileContext& context);

  // Each returns true when the key was present and valid (and `out` was set).
  bool string(std::string_view key, std::string& out);
  bool non_empty_string(std::string_view key, std::string& out);
  // Absolute after "~" expansion and resolution against the file's folder; "" leaves `out`.
  bool path(std::string_view key, std::string& out);
  // A non-empty program: a bare name (no '/') stays as it is, to be looked up on PATH; one
  // with a '/' is resolved like a path.
  void program(std::string_view key, std::string& out);
  bool integer(std::string_view key, int& out, int min, int max);
  bool boolean(std::string_view key, bool& out);
  // Values in [min, max], each at most once.
  bool unique_integers(std::string_view key, std::vector<int>& out, int min, int max);
  // The node of `key` (known from now on), or nullptr when absent: for values the typed
  // readers do not cover, such as arrays of tables.
  const toml::node* node(std::string_view key) { return find(key); }
  // A reader for the sub-table `key`; nullopt when absent, or when not a table (then
  // reported).
  std::optional<TableReader> sub_table(std::string_view key);

  // The line of `key`, or of this table when the key is absent.
  std::size_t line_of(std::string_view key) const;
  // "reminders.delivery" + "kind" -> "reminders.delivery.kind".
  std::string qualified(std::string_view key) const;
  void report(std::size_t line, std::string message) { context_.report(line, std::move(message)); }

  void report_unknown_keys();

 private:
  // The node of a known key, or nullptr when absent.
  const toml::node* find(std::string_view key);
  void report_type(std::string_view key, const toml::node& node, std::string_view expected);
  void report_unexpandable(std::string_view key);
  std::optional<int> checked_integer(std::string_view key, const toml::node& node,
                                     std::string_view expected, int min, int max);

  const toml::table& table_;
  std::string name_;
  FileContext& context_;
  std::vector<std::string> known_;
};

// The 1-based line where a parsed node starts.
std::size_t line_of(const toml::node& node);

}  // namespace certcron::config
