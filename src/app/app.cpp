#include "app/app.hpp"

#include "config/settings_loader.hpp"
#include "core/schedule/schedule.hpp"
#include "crontab/installer.hpp"
#include "delivery/factory.hpp"
#include "delivery/curl_library.hpp"
#include "delivery/http_client.hpp"
#include "store/open.hpp"
#include "util/file.hpp"
#include "util/process_alive.hpp"

#include <unistd.h>

#include <algorithm>

namespace certcron::app {
namespace {

// The crontab installer, built on the first job change: list and show never need it, and
// building it reads the config's crontab settings and the host's zone.
class DeferredCrontab final : public CrontabSync {
 public:
  explicit DeferredCrontab(App& app) : app_(app) {}
  Result<void> install(const std::vector<Job>& jobs) override {
    auto installer = app_.crontab();
    if (!installer) {
      return fail(installer.error());
    }
    return (*installer)->install(jobs);
  }

 private:
  App& app_;
};

}  // namespace

// The adapters' concrete types stay out of the header.
struct App::Parts {
  std::unique_ptr<store::Stores> stores;
};

Result<Settings> load_settings(const SettingsFlags& flags) {
  config::SettingsOverrides overrides;
  if (!flags.db.empty()) {
    overrides.db_flag = flags.db;
  }
  if (!flags.config.empty()) {
    overrides.config_flag = flags.config;
  }
  auto settings = config::load_settings(overrides, config::process_environment());
  if (settings) {
    settings->run_log_detail = flags.verbose;
  }
  return settings;
}

RunLiveness process_liveness(const Settings& settings) {
  static const std::int64_t own_pid = getpid();
  static const std::int64_t own_start = util::process_start_ticks(own_pid).value_or(0);
  return RunLiveness{util::process_alive, own_pid, own_start, settings.cluster.owner,
                     std::chrono::seconds{settings.cluster.lease_seconds}};
}

App::App(const Settings& settings, const Clock& clock)
    : settings_(settings), clock_(clock), parts_(std::make_unique<Parts>()) {}

App::~App() = default;

Result<std::unique_ptr<App>> App::open(const Settings& settings, const Clock& clock) {
  auto stores = store::open_stores(settings.db_path);
  if (!stores) {
    return fail(stores.error());
  }
  std::unique_ptr<App> app(new App(settings, clock));
  Parts& parts = *app->parts_;
  parts.stores = std::move(*stores);
  app->store_ = &parts.stores->jobs();
  app->reminder_store_ = &parts.stores->reminders();
  app->crontab_sync_ = std::make_unique<DeferredCrontab>(*app);
  const RunLiveness liveness = process_liveness(settings);
  app->jobs_ = std::make_unique<JobService>(*app->store_, clock, app->crontab_sync_.get(), liveness);
  app->runs_ = std::make_unique<RunService>(*app->store_, *app->reminder_store_, clock, liveness);
  app->monitor_ = std::make_unique<MonitorService>(*app->store_, clock, liveness);
  app->pings_ = std::make_unique<PingService>(*app->store_, parts.stores->pings(), clock);
  return app;
}

std::string default_timezone(const Settings& settings) {
  const std::string& configured = settings.default_timezone;
  return configured.empty() ? schedule::TimeZone::host_zone_name() : configured;
}

std::string App::default_timezone() const { return app::default_timezone(settings_); }

std::string App::ping_base_url() const { return "http://" + settings_.server.listen; }

Result<JobDetails> App::create_job(const CreateJobRequest& request) {
  auto definition = definition_from(request, request.server_timezone ? "" : default_timezone());
  if (!definition) {
    return fail(definition.error());
  }
  return jobs_->create(*definition);
}

Result<SyncOutcome> App::sync_jobs(std::span<const CreateJobRequest> entries,
                                   const SyncOptions& options) {
  const bool zone_needed = std::ranges::any_of(
      entries, [](const CreateJobRequest& entry) { return !entry.server_timezone; });
  SyncService service(*store_, clock_, crontab_sync_.get(), *jobs_);
  return service.sync(entries, zone_needed ? default_timezone() : "", options);
}

Result<std::unique_ptr<reminders::Delivery>> App::reminder_delivery() const {
  return delivery::make_delivery(settings_.reminders.delivery, settings_.state_dir, "reminders");
}

namespace {

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

}  // namespace

reminders::CheckOptions App::collecting(const reminders::CheckOptions& hooks,
                                        RunLogDetail& detail) const {
  reminders::CheckOptions options = hooks;
  if (settings_.run_log_detail) {
    options.on_event = [&detail, on_event = hooks.on_event](const reminders::CheckEvent& event) {
      detail.record(event);
      if (on_event) {
        on_event(event);
      }
    };
  }
  return options;
}

Result<ExecuteOutcome> App::execute(const ExecuteRequest& request,
                                    const reminders::CheckOptions& hooks) {
  auto delivery = reminder_delivery();
  if (!delivery) {
    return fail(delivery.error());
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> warnings;
  if (auto skew = clock_skew_warning(); !skew.empty()) {
    warnings.push_back(std::move(skew));
  }
  auto claimed = runs_->claim(request);
  if (!claimed) {
    return fail(claimed.error());
  }
  if (!claimed->run) {
    return ExecuteOutcome{std::nullopt, claimed->skipped, warnings};
  }
  RunLogDetail detail;
  auto finished =
      runs_->complete(*claimed->run, **delivery, settings_.reminders, collecting(hooks, detail));
  if (!finished) {
    return fail(finished.error());
  }
  ExecuteOutcome outcome{*finished, "", warnings};
  if (auto logged = log_run(*outcome.run, since(start), &detail); !logged) {
    outcome.warnings.push_back("the run's line was not added to the run log: " +
                               describe(logged.error()));
  }
  return outcome;
}

std::string App::clock_skew_warning() {
  auto database_now = store_->database_time();
  if (!database_now) {
    return "";  // unreadable: the claim that follows says why
  }
  // The host's real clock: CERTCRON_NOW pins the run's "now", not the host's.
  return certcron::clock_skew_warning(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
      *database_now);
}

// The API has no one to tell when the line cannot be written; the run is in the database.
Result<Run> App::complete(const Run& started, reminders::Delivery& delivery) {
  const auto start = std::chrono::steady_clock::now();
  RunLogDetail detail;
  auto finished = runs_->complete(started, delivery, settings_.reminders, collecting({}, detail));
  if (finished) {
    (void)log_run(*finished, since(start), &detail);
  }
  return finished;
}

Result<Run> App::abort(const Run& started, const std::string& why) {
  auto finished = runs_->abort(started, why);
  if (finished) {
    (void)log_run(*finished, std::chrono::milliseconds{0}, nullptr);
  }
  return finished;
}

Result<void> App::log_run(const Run& run, std::chrono::milliseconds duration,
                          const RunLogDetail* detail) {
  std::string name;
  if (auto job = store_->find_job_by_seq(run.job_seq); job && *job) {
    name = (*job)->definition.name;
  }
  if (auto made = util::ensure_directory(settings_.state_dir); !made) {
    return made;
  }
  const RunLogEntry entry{run, name, duration, settings_.run_log_detail ? detail : nullptr};
  return util::append_to_file(run_log_path(settings_), format_run_log_line(entry));
}

Result<std::unique_ptr<reminders::Delivery>> App::alert_delivery() const {
  return delivery::make_delivery(settings_.alerts.delivery, settings_.state_dir, "alerts");
}

AlertSettings App::alert_settings() const {
  AlertSettings alert;
  alert.from = settings_.reminders.from.empty() ? reminders::default_sender()
                                                : settings_.reminders.from;
  alert.to = settings_.alerts.to;
  alert.format = settings_.alerts.format;
  alert.base_url = ping_base_url();
  return alert;
}

Result<CheckOutcome> App::check(const reminders::CheckOptions& hooks) {
  CheckOutcome outcome;
  auto report = monitor_->check();
  if (!report) {
    return fail(report.error());
  }
  outcome.monitor = std::move(*report);
  // Catch-up: once per missed slot however many were missed (only the latest is late), and
  // the miss was recorded above before the run.
  for (const LateJob& late : outcome.monitor.late) {
    if (!late.job.definition.catch_up) {
      continue;
    }
    ExecuteRequest request;
    request.job = late.job.id();
    request.trigger = RunTrigger::catch_up;
    request.catch_up_slot = late.slot;
    auto ran = execute(request, hooks);
    if (!ran) {
      outcome.warnings.push_back("catch-up of " + late.job.id() + " not run: " +
                                 describe(ran.error()));
    } else if (ran->run) {
      outcome.caught_up.push_back(*ran->run);
      outcome.warnings.insert(outcome.warnings.end(), ran->warnings.begin(), ran->warnings.end());
    } else {
      outcome.warnings.push_back("catch-up of " + late.job.id() + " not run: " + ran->skipped);
    }
  }
  auto delivery = alert_delivery();
  if (!delivery) {
    outcome.alerts_failed = true;
    outcome.warnings.push_back("alerts not delivered: " + describe(delivery.error()));
  } else {
    AlertService alerts(*store_, clock_, alert_settings());
    auto delivered = alerts.deliver(**delivery);
    if (!delivered) {
      return fail(delivered.error());
    }
    outcome.alerts = std::move(*delivered);
    outcome.alerts_failed = !outcome.alerts.failed.empty();
  }
  // Last, and only for a pass that got this far, so that a host whose check cannot run is
  // noticed by the service at the other end.
  if (!settings_.monitoring.heartbeat_url.empty()) {
    delivery::HttpCall call;
    call.what = "heartbeat";
    call.url = settings_.monitoring.heartbeat_url;
    call.timeout = std::chrono::seconds{settings_.monitoring.heartbeat_timeout_seconds};
    auto sent = delivery::send_http(call, delivery::kCurlLibrary);
    outcome.heartbeat_sent = sent.has_value();
    if (!sent) {
      outcome.warnings.push_back(describe(sent.error()));
    }
  }
  return outcome;
}

Result<crontab::CrontabInstaller*> App::crontab() {
  if (!crontab_) {
    auto options = crontab::installer_options(settings_);
    if (!options) {
      return fail(options.error());
    }
    JobStore& job_store = *store_;
    crontab_ = std::make_unique<crontab::CrontabInstaller>(
        [&job_store] { return job_store.identity(); }, clock_, *options);
  }
  return crontab_.get();
}

Result<App::CrontabAndJobs> App::crontab_and_jobs() {
  auto installer = crontab();
  if (!installer) {
    return fail(installer.error());
  }
  auto jobs = store_->all_jobs();
  if (!jobs) {
    return fail(jobs.error());
  }
  return CrontabAndJobs{*installer, std::move(*jobs)};
}

Result<crontab::VerifyReport> App::verify_crontab() {
  auto both = crontab_and_jobs();
  if (!both) {
    return fail(both.error());
  }
  return both->installer->verify(both->jobs);
}

Result<crontab::InstallOutcome> App::repair_crontab() {
  auto both = crontab_and_jobs();
  if (!both) {
    return fail(both.error());
  }
  return both->installer->install_with_outcome(both->jobs);
}

}  // namespace certcron::app
