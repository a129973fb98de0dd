#pragma once

// The composition root both faces link: settings -> database -> stores -> services. The CLI
// opens one App per process; the HTTP server one per I/O thread (an App owns one database
// connection and is not shared between threads). Nothing here throws: every failure is a
// Result the face maps to an exit code or an HTTP status.

#include "core/alerts.hpp"
#include "core/check_outcome.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job_service.hpp"
#include "core/monitor_service.hpp"
#include "core/ping_service.hpp"
#include "core/reminders/delivery.hpp"
#include "core/reminders/reminder_store.hpp"
#include "core/requests.hpp"
#include "core/run_liveness.hpp"
#include "core/run_log.hpp"
#include "core/run_service.hpp"
#include "core/settings.hpp"
#include "core/store.hpp"
#include "core/sync.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace certcron::crontab {
class CrontabInstaller;
struct InstallOutcome;
struct VerifyReport;
}  // namespace certcron::crontab

namespace certcron::app {

// The global options that bear on settings, as given on the command line (empty = absent).
struct SettingsFlags {
  std::string db;
  std::string config;
  bool verbose = false;  // -v: detail in the run log's lines
};

// Settings from the flags, the process environment and config.toml (flag > env > file >
// default).
Result<Settings> load_settings(const SettingsFlags& flags);

// The zone new jobs get when none is given: config default_timezone, else the host's.
std::string default_timezone(const Settings& settings);

// This process as the owner of the runs it starts: its pid, and [cluster]'s owner and lease.
RunLiveness process_liveness(const Settings& settings);

class App {
 public:
  // Opens (creating and migrating when needed) the database of `settings`. `clock` must
  // outlive the App.
  static Result<std::unique_ptr<App>> open(const Settings& settings, const Clock& clock);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  const Settings& settings() const { return settings_; }
  const Clock& clock() const { return clock_; }
  JobStore& store() { return *store_; }
  reminders::ReminderStore& reminder_store() { return *reminder_store_; }
  JobService& jobs() { return *jobs_; }
  RunService& runs() { return *runs_; }
  MonitorService& monitor() { return *monitor_; }
  PingService& pings() { return *pings_; }

  // The zone new jobs get when none is given: config default_timezone, else the host's.
  std::string default_timezone() const;
  // Where ping URLs point: the server's listen address.
  std::string ping_base_url() const;

  // Create a job from what a face was given (defaults applied by the core's request rules).
  Result<JobDetails> create_job(const CreateJobRequest& request);
  // Bulk sync of the jobs to `entries` (defaults applied by the core's request rules, as for
  // create), in one transaction with the crontab.
  Result<SyncOutcome> sync_jobs(std::span<const CreateJobRequest> entries,
                                const SyncOptions& options);
  // One monitoring pass: marks dead runs abandoned, records late and running-too-long flips,
  // runs a catch-up for each missed slot of a job with catch_up, delivers the pending alerts
  // ([alerts]), then requests [monitoring] heartbeat_url. Errors are for what stopped the
  // pass itself (the database); see CheckOutcome::warnings for the rest.
  Result<CheckOutcome> check(const reminders::CheckOptions& hooks = {});
  // The configured alert delivery ([alerts.delivery]) and what alerts say.
  Result<std::unique_ptr<reminders::Delivery>> alert_delivery() const;
  AlertSettings alert_settings() const;
  // The configured reminder delivery ([reminders.delivery]).
  Result<std::unique_ptr<reminders::Delivery>> reminder_delivery() const;
  // Run the check now with the configured delivery (claim, check, finish), then append the
  // run's line to the run log (run_log_path; core/run_log.hpp). A line that cannot be written
  // is one of the outcome's warnings: the run itself is recorded in the database.
  Result<ExecuteOutcome> execute(const ExecuteRequest& request,
                                 const reminders::CheckOptions& hooks = {});
  // The second half of execute for a run runs().claim() started (the API answers before the
  // run ends): the check with `delivery`, the run's end, its line in the run log.
  Result<Run> complete(const Run& started, reminders::Delivery& delivery);
  // Ends a claimed run as failed with `why`, without running the check, and logs its line.
  Result<Run> abort(const Run& started, const std::string& why);
  // The crontab installer of this database, built on first use (reads [crontab] and the
  // host's zone, so only commands that touch the crontab pay for it).
  Result<crontab::CrontabInstaller*> crontab();
  Result<crontab::VerifyReport> verify_crontab();
  Result<crontab::InstallOutcome> repair_crontab();

 private:
  App(const Settings& settings, const Clock& clock);
  struct CrontabAndJobs {
    crontab::CrontabInstaller* installer;
    std::vector<Job> jobs;
  };
  Result<CrontabAndJobs> crontab_and_jobs();
  // Appends the finished run's line to the run log; `detail` with -v.
  Result<void> log_run(const Run& run, std::chrono::milliseconds duration,
                       const RunLogDetail* detail);
  // `hooks` that also collect `detail` when the run log carries it.
  reminders::CheckOptions collecting(const reminders::CheckOptions& hooks,
                                     RunLogDetail& detail) const;

  // A warning when this host's clock is more than kClockSkewWarning off the database's;
  // empty when it is not, or the database has no clock of its own.
  std::string clock_skew_warning();

  struct Parts;
  Settings settings_;
  const Clock& clock_;
  std::unique_ptr<Parts> parts_;
  JobStore* store_ = nullptr;
  reminders::ReminderStore* reminder_store_ = nullptr;
  std::unique_ptr<CrontabSync> crontab_sync_;
  std::unique_ptr<crontab::CrontabInstaller> crontab_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<RunService> runs_;
  std::unique_ptr<MonitorService> monitor_;
  std::unique_ptr<PingService> pings_;
};

}  // namespace certcron::app
