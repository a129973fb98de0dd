#pragma once

// Where the managed block lives: a user's crontab (through the `crontab` program) or a
// cron.d style file. Both read and write the whole table; the block logic sits above.

#include "core/error.hpp"
#include "core/settings.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace certcron::crontab {

struct CrontabSettings {
  std::string program = "crontab";   // a bare name is looked up on PATH
  std::string user;                  // crontab -u USER; empty = the invoking user
  std::string file;                  // non-empty: this cron.d style file instead
  std::string cron_d_user = "root";  // the user column of `file`'s lines
  std::string state_dir;             // holds crontab.lock and crontab.backup.1..5
  std::chrono::milliseconds program_timeout{30'000};
  std::chrono::milliseconds lock_timeout{30'000};
};

// From the resolved configuration ([crontab] plus the state folder).
CrontabSettings crontab_settings(const CrontabConfig& config, const std::string& state_dir);

class CrontabTarget {
 public:
  virtual ~CrontabTarget() = default;

  // The whole table; "" when there is none yet.
  virtual Result<std::string> read() = 0;
  // Replaces the whole table. ErrorKind::failed with the reason (the crontab program's
  // stderr) when refused; the table is then unchanged.
  virtual Result<void> write(std::string_view table) = 0;

  // The user column after the five time fields: "" for user crontabs.
  virtual std::string user_field() const = 0;
  // "the crontab of the current user", "/etc/cron.d/certcron".
  virtual std::string describe() const = 0;
  // How an administrator edits it by hand: "crontab -e", "crontab -u ana -e",
  // "edit /etc/cron.d/certcron".
  virtual std::string edit_hint() const = 0;
};

// A cron.d file target when `settings.file` is set, else the user crontab.
std::unique_ptr<CrontabTarget> make_target(const CrontabSettings& settings);

}  // namespace certcron::crontab
