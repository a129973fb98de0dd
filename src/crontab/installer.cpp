#include "crontab/installer.hpp"

#include "core/schedule/host_zone.hpp"
#include "util/process.hpp"

#include <utility>

namespace certcron::crontab {

std::string cron_daemon_zone() {
  return schedule::host_zone_name_from({std::nullopt, "/etc/timezone", "/etc/localtime"});
}

Result<InstallerOptions> installer_options(const Settings& settings) {
  // The lines carry the database as --db: a password there would be in the crontab and in
  // every run's command line.
  if (is_postgresql_url(settings.db_path) && database_url_has_password(settings.db_path)) {
    return fail(Error::usage(
        "the database URL carries a password, which the crontab lines would carry too: put it "
        "in ~/.pgpass or a libpq service file of the user cron runs certcron as, and use a URL "
        "without it"));
  }
  InstallerOptions options;
  options.settings = crontab_settings(settings.crontab, settings.state_dir);
  options.paths.database = settings.db_path;
  options.paths.log = run_log_path(settings);
  if (settings.config_named) {
    options.paths.config = settings.config_path;
  }
  if (!settings.crontab.binary.empty()) {
    options.paths.binary = settings.crontab.binary;
  } else {
    auto self = util::current_executable();
    if (!self) {
      return fail(self.error());
    }
    options.paths.binary = *self;
  }
  return options;
}

CrontabInstaller::CrontabInstaller(IdentitySource identity, const Clock& clock,
                                   InstallerOptions options)
    : CrontabInstaller(std::move(identity), clock, options, make_target(options.settings)) {}

CrontabInstaller::CrontabInstaller(IdentitySource identity, const Clock& clock,
                                   InstallerOptions options, std::unique_ptr<CrontabTarget> target)
    : identity_(std::move(identity)),
      clock_(clock),
      options_(std::move(options)),
      target_(std::move(target)) {
  if (options_.host_zone.empty()) {
    options_.host_zone = cron_daemon_zone();
  }
}

Result<std::vector<ManagedEntry>> CrontabInstaller::entries(const std::vector<Job>& jobs) {
  return entries_for_jobs(jobs, options_.paths, options_.host_zone, clock_.now());
}

Result<InstallOutcome> CrontabInstaller::install_with_outcome(const std::vector<Job>& jobs) {
  auto identity = identity_();
  if (!identity) {
    return fail(identity.error());
  }
  auto lines = entries(jobs);
  if (!lines) {
    return fail(lines.error());
  }
  return install_block(*target_, options_.settings, *identity, *lines);
}

Result<void> CrontabInstaller::install(const std::vector<Job>& jobs) {
  auto outcome = install_with_outcome(jobs);
  if (!outcome) {
    return fail(outcome.error());
  }
  return {};
}

Result<std::optional<std::string>> CrontabInstaller::installed_block() {
  auto identity = identity_();
  if (!identity) {
    return fail(identity.error());
  }
  return read_block(*target_, *identity);
}

Result<VerifyReport> CrontabInstaller::verify(const std::vector<Job>& jobs) {
  auto identity = identity_();
  if (!identity) {
    return fail(identity.error());
  }
  auto lines = entries(jobs);
  if (!lines) {
    return fail(lines.error());
  }
  return verify_block(*target_, *identity, *lines);
}

}  // namespace certcron::crontab
