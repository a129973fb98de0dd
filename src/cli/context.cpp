#include "cli/context.hpp"

#include "util/file.hpp"

#include <unistd.h>

namespace certcron::cli {

Context::Context() = default;
Context::~Context() = default;

const Settings& Context::settings() {
  if (!settings_) {
    settings_ = check(app::load_settings({options.db, options.config, options.verbose}));
  }
  return *settings_;
}

app::App& Context::app() {
  if (!app_) {
    app_ = check(app::App::open(settings(), clock()));
  }
  return *app_;
}

const Clock& Context::clock() {
  if (!clock_) {
    clock_ = check(SystemClock::from_environment());
  }
  return *clock_;
}

bool Context::stdout_is_run_log() {
  return util::same_file(STDOUT_FILENO, run_log_path(settings()));
}

// Without opening the database: `due` may need only the zone.
std::string Context::default_timezone() { return app::default_timezone(settings()); }

}  // namespace certcron::cli
