#include "cli/context.hpp"

namespace certcron::cli {

Context::Context() = default;
Context::~Context() = default;

const Settings& Context::settings() {
  if (!settings_) {
    settings_ = check(app::load_settings({options.db, options.config}));
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

// Without opening the database: `due` may need only the zone.
std::string Context::default_timezone() { return app::default_timezone(settings()); }

}  // namespace certcron::cli
