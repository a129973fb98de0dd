#pragma once

// The managed block as text: rendering it, finding it in a crontab, and splicing a new one
// in. Pure functions; every byte outside the block is preserved exactly.
//
//   # BEGIN certcron <identity> — managed by certcron; edit with `certcron`, not by hand
//   0 2 * * * '/usr/bin/certcron' --db '/…/certcron.db' execute cron-001 --scheduled  #
//   certcron:cron-001 # END certcron <identity>

#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::crontab {

// One line of the block: "<schedule_fields> [user] <command>  # certcron:<tag>".
struct ManagedEntry {
  std::string tag;              // "cron-001" or "monitor"
  std::string schedule_fields;  // the five time fields, "0 2 * * *"
  std::string command;          // a shell command line, unescaped (no '%' handling needed)

  friend bool operator==(const ManagedEntry&, const ManagedEntry&) = default;
};

std::string begin_marker(std::string_view identity);
std::string end_marker(std::string_view identity);

// The block, markers included, every line ending in "\n"; "" when `entries` is empty (no
// block at all). `user_field` is the user column of cron.d files ("" for user crontabs).
// '%' in commands is escaped as "\%" since cron turns a bare '%' into a newline. Fails
// (ErrorKind::usage) on an identity or field that would break the line structure.
Result<std::string> render_block(std::string_view identity,
                                 const std::vector<ManagedEntry>& entries,
                                 std::string_view user_field = "");

// Where our block sits in a crontab, by byte offsets and 1-based line numbers.
struct BlockLocation {
  std::size_t begin_offset = 0;  // start of the BEGIN line
  std::size_t end_offset = 0;    // just past the END line's newline (or the text's end)
  int begin_line = 0;
  int end_line = 0;
};

// Finds the block of `identity`. nullopt when there is none. Damaged markers (BEGIN without
// END, END without BEGIN, END before BEGIN, a duplicated marker, another certcron block's
// marker inside ours) are ErrorKind::failed, the message giving the line numbers.
Result<std::optional<BlockLocation>> locate_block(std::string_view crontab,
                                                  std::string_view identity);

// The block's text as installed (markers included), nullopt when there is none.
Result<std::optional<std::string>> extract_block(std::string_view crontab,
                                                 std::string_view identity);

// `crontab` with its block of `identity` replaced by `block`, removed when `block` is empty,
// or appended when there was none (after a newline if the text does not end with one).
Result<std::string> splice_block(std::string_view crontab, std::string_view identity,
                                 std::string_view block);

}  // namespace certcron::crontab
