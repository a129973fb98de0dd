#include "cli/context.hpp"

#include "config/settings_loader.hpp"
#include "core/schedule/schedule.hpp"
#include "store/database.hpp"
#include "store/job_store.hpp"

#include <SQLiteCpp/Database.h>

namespace certcron::cli {

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

JobService& Context::jobs() {
  if (!jobs_) {
    jobs_ = std::make_unique<JobService>(store(), *clock_, crontab_.get());
  }
  return *jobs_;
}

std::string Context::ping_base_url() { return "http://" + settings().server.listen; }

std::string Context::default_timezone() {
  const std::string& configured = settings().default_timezone;
  return configured.empty() ? schedule::TimeZone::host_zone_name() : configured;
}

}  // namespace certcron::cli
