#include "crontab/install.hpp"

#include "crontab/diff.hpp"
#include "util/file.hpp"

#include <cstdio>
#include <filesystem>

namespace certcron::crontab {
namespace {

namespace fs = std::filesystem;

// Marker trouble is for a human to sort out; say where and how.
Error with_fix_advice(const Error& error, const CrontabTarget& target) {
  return Error::failed("in " + target.describe() + ", " + error.message +
                       ". Nothing was changed. Fix it by hand (" + target.edit_hint() +
                       "), then run `certcron crontab repair`.");
}

Result<std::string> read_table(CrontabTarget& target) {
  auto table = target.read();
  if (!table) {
    return fail(Error::failed("cannot read " + target.describe() + ": " + table.error().message));
  }
  return table;
}

fs::path backup_path(const fs::path& state_dir, int number) {
  return state_dir / ("crontab.backup." + std::to_string(number));
}

// The new backup is written before the older ones move up: a write that fails (a full disk)
// leaves the five kept as they were instead of dropping the oldest.
Result<std::string> keep_backup(const fs::path& state_dir, std::string_view table) {
  const fs::path fresh = state_dir / "crontab.backup.new";
  if (auto written = util::write_file_atomically(fresh, table, 0600); !written) {
    return fail(Error::failed("cannot keep a backup of the crontab: " + written.error().message));
  }
  std::error_code ignored;
  fs::remove(backup_path(state_dir, kBackupsKept), ignored);
  for (int n = kBackupsKept - 1; n >= 1; --n) {
    if (fs::exists(backup_path(state_dir, n), ignored)) {
      fs::rename(backup_path(state_dir, n), backup_path(state_dir, n + 1), ignored);
    }
  }
  fs::path newest = backup_path(state_dir, 1);
  std::error_code renamed;
  fs::rename(fresh, newest, renamed);
  if (renamed) {
    return fail(Error::failed("cannot keep a backup of the crontab: cannot rename " +
                              fresh.string() + " to " + newest.string() + ": " +
                              renamed.message()));
  }
  return newest.string();
}

// Some crontab programs rewrite what they store; make sure our block survived as written.
Result<void> confirm_written(CrontabTarget& target, std::string_view identity,
                             const std::string& block) {
  auto table = read_table(target);
  if (!table) {
    return fail(table.error());
  }
  auto installed = extract_block(*table, identity);
  if (!installed) {
    return fail(with_fix_advice(installed.error(), target));
  }
  std::string found = installed->value_or("");
  if (found != block) {
    return fail(Error::failed("after writing " + target.describe() +
                              ", the managed block reads back differently:\n" +
                              line_diff(found, block, "read back", "written")));
  }
  return {};
}

Result<InstallOutcome> install_locked(CrontabTarget& target, const CrontabSettings& settings,
                                      std::string_view identity, const std::string& block) {
  auto table = read_table(target);
  if (!table) {
    return fail(table.error());
  }
  auto previous = extract_block(*table, identity);
  if (!previous) {
    return fail(with_fix_advice(previous.error(), target));
  }
  auto updated = splice_block(*table, identity, block);
  if (!updated) {
    return fail(with_fix_advice(updated.error(), target));
  }
  InstallOutcome outcome;
  outcome.previous_block = previous->value_or("");
  outcome.block = block;
  if (*updated == *table) {
    return outcome;
  }
  auto backup = keep_backup(settings.state_dir, *table);
  if (!backup) {
    return fail(backup.error());
  }
  if (auto written = target.write(*updated); !written) {
    return fail(written.error());
  }
  if (auto confirmed = confirm_written(target, identity, block); !confirmed) {
    return fail(confirmed.error());
  }
  outcome.changed = true;
  outcome.backup_path = *backup;
  return outcome;
}

}  // namespace

Result<InstallOutcome> install_block(CrontabTarget& target, const CrontabSettings& settings,
                                     std::string_view identity,
                                     const std::vector<ManagedEntry>& entries) {
  auto block = render_block(identity, entries, target.user_field());
  if (!block) {
    return fail(block.error());
  }
  if (settings.state_dir.empty()) {
    return fail(Error::usage("no state folder for the crontab lock and backups"));
  }
  if (auto made = util::ensure_directory(settings.state_dir, 0700); !made) {
    return fail(made.error());
  }
  auto lock =
      util::FileLock::acquire(fs::path(settings.state_dir) / "crontab.lock", settings.lock_timeout);
  if (!lock) {
    return fail(lock.error());
  }
  return install_locked(target, settings, identity, *block);
}

Result<std::optional<std::string>> read_block(CrontabTarget& target, std::string_view identity) {
  auto table = read_table(target);
  if (!table) {
    return fail(table.error());
  }
  auto block = extract_block(*table, identity);
  if (!block) {
    return fail(with_fix_advice(block.error(), target));
  }
  return block;
}

Result<VerifyReport> verify_block(CrontabTarget& target, std::string_view identity,
                                  const std::vector<ManagedEntry>& entries) {
  auto expected = render_block(identity, entries, target.user_field());
  if (!expected) {
    return fail(expected.error());
  }
  auto installed = read_block(target, identity);
  if (!installed) {
    return fail(installed.error());
  }
  VerifyReport report;
  report.installed = *installed;
  report.expected = *expected;
  std::string as_installed = installed->value_or("");
  report.in_sync = as_installed == report.expected;
  report.diff = line_diff(as_installed, report.expected);
  return report;
}

}  // namespace certcron::crontab
