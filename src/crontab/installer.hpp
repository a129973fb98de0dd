#pragma once

// The crontab side of the job lifecycle: turns the job list into the managed block of this
// database and installs, shows or verifies it. Implements core's CrontabSync.

#include "core/clock.hpp"
#include "core/job_service.hpp"
#include "core/settings.hpp"
#include "crontab/entries.hpp"
#include "crontab/install.hpp"
#include "crontab/target.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace certcron::crontab {

struct InstallerOptions {
  CrontabSettings settings;
  CommandPaths paths;
  std::string host_zone;  // the cron daemon's zone; empty = cron_daemon_zone()
};

// The zone the cron daemon reads crontab times in: the system's (/etc/timezone, then the
// /etc/localtime link), not the TZ of the shell running certcron, which the daemon never
// sees. "UTC" when neither names one.
std::string cron_daemon_zone();

// Options from the resolved settings: [crontab], the database path, the state folder
// (cron.log, lock, backups) and the certcron binary (crontab.binary, else this executable).
Result<InstallerOptions> installer_options(const Settings& settings);

// The database identity used in the markers (JobStore::identity), asked for only when the
// block is read or written.
using IdentitySource = std::function<Result<std::string>()>;

class CrontabInstaller final : public CrontabSync {
 public:
  // `clock` gives the start of the span over which zone offsets are considered. The target
  // is make_target(options.settings) unless one is given.
  CrontabInstaller(IdentitySource identity, const Clock& clock, InstallerOptions options);
  CrontabInstaller(IdentitySource identity, const Clock& clock, InstallerOptions options,
                   std::unique_ptr<CrontabTarget> target);

  // CrontabSync: the block for `jobs` (enabled ones only), written when it changed.
  Result<void> install(const std::vector<Job>& jobs) override;

  // The same, with what happened (for `crontab repair`).
  Result<InstallOutcome> install_with_outcome(const std::vector<Job>& jobs);
  // The lines `jobs` should have, for `crontab show` next to the installed block.
  Result<std::vector<ManagedEntry>> entries(const std::vector<Job>& jobs);
  // The block as installed now (`crontab show`); nullopt when there is none.
  Result<std::optional<std::string>> installed_block();
  // Drift between the installed block and the one `jobs` give (`crontab verify`).
  Result<VerifyReport> verify(const std::vector<Job>& jobs);

  const CrontabTarget& target() const { return *target_; }

 private:
  IdentitySource identity_;
  const Clock& clock_;
  InstallerOptions options_;
  std::unique_ptr<CrontabTarget> target_;
};

}  // namespace certcron::crontab
