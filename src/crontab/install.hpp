#pragma once

// Installing, reading and verifying the managed block in a crontab target.
//
// install_block is one read-modify-write under an advisory lock (<state_dir>/crontab.lock),
// so concurrent certcron processes never lose each other's change. Before a change is
// written, the table as it was is kept in <state_dir>/crontab.backup.1; older copies move
// to .2 … .5 and the oldest is dropped (so the last five tables before a change are kept).

#include "core/error.hpp"
#include "crontab/block.hpp"
#include "crontab/target.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::crontab {

inline constexpr int kBackupsKept = 5;

struct InstallOutcome {
  bool changed = false;        // false: the table already held exactly this block
  std::string previous_block;  // as it was; "" when there was none
  std::string block;           // as written; "" when the block was removed (no entries)
  std::string backup_path;     // the backup of the previous table; "" when unchanged
};

// Writes the block for `entries` (removes it when empty). Damaged markers of `identity` are
// refused (ErrorKind::failed, the message giving line numbers and how to fix by hand) with
// nothing written; so is a table the crontab program rejects (its stderr in the message).
Result<InstallOutcome> install_block(CrontabTarget& target, const CrontabSettings& settings,
                                     std::string_view identity,
                                     const std::vector<ManagedEntry>& entries);

// The installed block (markers included), nullopt when there is none.
Result<std::optional<std::string>> read_block(CrontabTarget& target, std::string_view identity);

struct VerifyReport {
  bool in_sync = false;
  std::optional<std::string> installed;  // the block as installed, nullopt when absent
  std::string expected;                  // the block that should be there; "" = none
  std::string diff;                      // line_diff(installed, expected); "" when in sync
};

// Compares the installed block with the one `entries` give. Damaged markers are an error,
// as for install_block.
Result<VerifyReport> verify_block(CrontabTarget& target, std::string_view identity,
                                  const std::vector<ManagedEntry>& entries);

}  // namespace certcron::crontab
