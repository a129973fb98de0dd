#include "cli/context.hpp"

#include "config/settings_loader.hpp"
#include "core/schedule/schedule.hpp"
#include "crontab/installer.hpp"
#include "store/database.hpp"
#include "store/job_store.hpp"
#include "store/reminder_store.hpp"
#include "util/process_alive.hpp"

#include <unistd.h>

#include <SQLiteCpp/Database.h>

namespace certcron::cli {
namespace {

// The crontab installer, built on the first job change: list and show never need it, and
// building it reads the config's crontab settings and the host's zone.
class DeferredCrontab final : public CrontabSync {
 public:
  explicit DeferredCrontab(Context& context) : context_(context) {}
  Result<void> install(const std::vector<Job>& jobs) override {
    auto installer = context_.make_crontab();
    if (!installer) {
      return fail(installer.error());
    }
    return (*installer)->install(jobs);
  }

 private:
  Context& context_;
};

}  // namespace

Context::Context() : clock_(std::make_unique<SystemClock>()) {}
Context::~Context() = default;

const Settings& Context::settings() {
  if (!settings_) {
    config::SettingsOverrides overrides;
    if (!options.db.empty()) {
      overrides.db_flag = options.db;
    }
    if (!options.config.empty()) {
      overrides.config_flag = options.config;
    }
    settings_ = check(config::load_settings(overrides, config::process_environment()));
  }
  return *settings_;
}

SQLite::Database& Context::database() {
  if (!database_) {
    database_ = check(store::open_database(settings().db_path));
  }
  return *database_;
}

JobStore& Context::store() {
  if (!store_) {
    SQLite::Database& db = database();
    store_ = std::make_unique<store::SqliteJobStore>(db, settings().db_path);
  }
  return *store_;
}

Result<crontab::CrontabInstaller*> Context::make_crontab() {
  if (!crontab_) {
    auto installer_options = crontab::installer_options(settings());
    if (!installer_options) {
      return fail(installer_options.error());
    }
    JobStore& job_store = store();
    crontab_ = std::make_unique<crontab::CrontabInstaller>(
        [&job_store] { return job_store.identity(); }, *clock_, *installer_options);
  }
  return crontab_.get();
}

crontab::CrontabInstaller& Context::crontab() { return *check(make_crontab()); }

JobService& Context::jobs() {
  if (!jobs_) {
    crontab_sync_ = std::make_unique<DeferredCrontab>(*this);
    jobs_ = std::make_unique<JobService>(store(), *clock_, crontab_sync_.get(), liveness());
  }
  return *jobs_;
}

reminders::ReminderStore& Context::reminder_store() {
  if (!reminder_store_) {
    reminder_store_ = std::make_unique<store::SqliteReminderStore>(database());
  }
  return *reminder_store_;
}

RunService& Context::runs() {
  if (!runs_) {
    runs_ = std::make_unique<RunService>(store(), reminder_store(), *clock_, liveness());
  }
  return *runs_;
}

RunLiveness Context::liveness() const {
  static const std::int64_t own_pid = getpid();
  static const std::int64_t own_start = util::process_start_ticks(own_pid).value_or(0);
  return RunLiveness{util::process_alive, own_pid, own_start};
}

std::string Context::ping_base_url() { return "http://" + settings().server.listen; }

std::string Context::default_timezone() {
  const std::string& configured = settings().default_timezone;
  return configured.empty() ? schedule::TimeZone::host_zone_name() : configured;
}

}  // namespace certcron::cli
