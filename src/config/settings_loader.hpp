#pragma once

// Resolves certcron's settings from the command line, the environment, the config file and the
// XDG defaults, in that order of precedence.

#include "config/environment.hpp"
#include "core/error.hpp"
#include "core/settings.hpp"

#include <optional>
#include <string>

namespace certcron::config {

// The global options that bear on settings, as given on the command line (nullopt = absent).
struct SettingsOverrides {
  std::optional<std::string> db_flag{};      // --db PATH
  std::optional<std::string> config_flag{};  // --config PATH
};

// Config file: --config, else CERTCRON_CONFIG, else $XDG_CONFIG_HOME/certcron/config.toml. A
// missing file is fine at the default path (Settings::config_file_found = false) and an error
// when named by the flag or the variable.
// Database: --db, else CERTCRON_DB, else `db` in the file, else
// $XDG_DATA_HOME/certcron/certcron.db.
// Empty environment variables count as unset. Relative paths from the flags or the
// environment are taken relative to the working folder, those in the file relative to the
// file's folder; "~/" is expanded in all of them. An empty outbox becomes
// "<state_dir>/outbox". Every failure is ErrorKind::usage with a message naming the culprit.
Result<Settings> load_settings(const SettingsOverrides& overrides, const Environment& env);

}  // namespace certcron::config
