#include "cli/context.hpp"

namespace certcron::cli {

Context::Context() : clock_(std::make_unique<SystemClock>()) {}
Context::~Context() = default;

const Settings& Context::settings() {
  if (!settings_) {
    settings_ = check(app::load_settings({options.db, options.config}));
  }
  return *settings_;
}

app::App& Context::app() {
  if (!app_) {
    app_ = check(app::App::open(settings(), *clock_));
  }
  return *app_;
}

// Without opening the database: `due` may need only the zone.
std::string Context::default_timezone() { return app::default_timezone(settings()); }

}  // namespace certcron::cli
