#include "config/settings_loader.hpp"

#include "config/config_file.hpp"
#include "config/paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace certcron::config {

namespace {

namespace fs = std::filesystem;

// A path given outside the config file, and where it came from (for messages).
struct Given {
  std::string value;
  std::string origin;  // "--db", "CERTCRON_DB", ...
};

// The flag when given, else the variable when set and non-empty.
Result<std::optional<Given>> given_path(const std::optional<std::string>& flag,
                                        std::string_view flag_name, const Environment& env,
                                        std::string_view variable) {
  if (flag) {
    if (flag->empty()) {
      return fail(Error::usage(std::string(flag_name) + " needs a path, not an empty string"));
    }
    return Given{*flag, std::string(flag_name)};
  }
  if (auto value = env(variable); value && !value->empty()) {
    return Given{*value, std::string(variable)};
  }
  return std::nullopt;
}

Result<std::string> resolve_given(const Given& given, const std::optional<std::string>& home) {
  auto folder = working_folder();
  if (!folder) {
    return fail(folder.error());
  }
  auto resolved = resolve_path(given.value, home, *folder);
  if (!resolved) {
    return fail(Error::usage("cannot expand '~' in " + given.origin +
                             ": the home folder is unknown (set HOME)"));
  }
  return *resolved;
}

// Reads the config file into `settings` when it exists; a missing file is an error only when
// the user named it.
Result<void> read_config_file(const std::optional<Given>& named,
                              const std::optional<std::string>& home, Settings& settings) {
  std::error_code error;
  fs::file_status status = fs::status(settings.config_path, error);
  if (status.type() == fs::file_type::not_found) {
    if (named) {
      return fail(Error::usage("config file '" + settings.config_path + "' (from " + named->origin +
                               ") does not exist"));
    }
    return {};
  }
  if (error) {
    return fail(
        Error::usage("cannot read config file '" + settings.config_path + "': " + error.message()));
  }
  settings.config_file_found = true;
  return apply_config_file(settings.config_path, home, settings);
}

void fill_default_alert_address(Settings& settings) {
  if (settings.alerts.to.empty()) {
    settings.alerts.to = local_user_name();
  }
}

void fill_default_outboxes(Settings& settings) {
  const std::string outbox = (fs::path(settings.state_dir) / "outbox").string();
  for (auto* delivery : {&settings.reminders.delivery, &settings.alerts.delivery}) {
    if (delivery->outbox.empty()) {
      delivery->outbox = outbox;
    }
  }
}

// A password in the database URL stays where only its owner reads it: CERTCRON_DB (the
// process's environment) or a config file others cannot read; never a command line, which
// every user sees in ps.
Result<void> check_database_password(const Settings& settings, const std::optional<Given>& given) {
  if (!is_postgresql_url(settings.db_path) || !database_url_has_password(settings.db_path)) {
    return {};
  }
  const std::string advice =
      "put the password in ~/.pgpass or a libpq service file (or in CERTCRON_DB)";
  if (given && given->origin == "--db") {
    return fail(Error::usage("the --db URL carries a password, which every user can read in "
                             "ps: " + advice));
  }
  struct stat info {};
  if (!given && ::stat(settings.config_path.c_str(), &info) == 0 && (info.st_mode & S_IROTH) != 0) {
    return fail(Error::usage("the config file " + settings.config_path +
                             " holds a database password and every user can read it: chmod o-r " +
                             settings.config_path + ", or " + advice));
  }
  return {};
}

// Who this process is in a claim: CERTCRON_OWNER (a Kubernetes Job's name), else [cluster]
// owner, else the host's name.
void fill_owner(Settings& settings, const Environment& env) {
  if (auto owner = env("CERTCRON_OWNER"); owner && !owner->empty()) {
    settings.cluster.owner = *owner;
  }
  if (settings.cluster.owner.empty()) {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0 && name[0] != '\0') {
      settings.cluster.owner = name;
    } else {
      settings.cluster.owner = "localhost";
    }
  }
}

}  // namespace

Result<Settings> load_settings(const SettingsOverrides& overrides, const Environment& env) {
  auto folders = base_folders(env);
  if (!folders) {
    return fail(folders.error());
  }
  const std::optional<std::string> home = home_folder(env);
  Settings settings;
  settings.db_path = default_db_path(*folders);
  settings.state_dir = default_state_dir(*folders);

  auto config = given_path(overrides.config_flag, "--config", env, "CERTCRON_CONFIG");
  if (!config) {
    return fail(config.error());
  }
  settings.config_path = default_config_path(*folders);
  if (*config) {
    auto path = resolve_given(**config, home);
    if (!path) {
      return fail(path.error());
    }
    settings.config_path = *path;
    settings.config_named = true;
  }
  if (auto read = read_config_file(*config, home, settings); !read) {
    return fail(read.error());
  }

  auto db = given_path(overrides.db_flag, "--db", env, "CERTCRON_DB");
  if (!db) {
    return fail(db.error());
  }
  if (*db && is_postgresql_url((*db)->value)) {
    settings.db_path = (*db)->value;
  } else if (*db) {
    auto path = resolve_given(**db, home);
    if (!path) {
      return fail(path.error());
    }
    settings.db_path = *path;
  }
  if (auto checked = check_database_password(settings, *db); !checked) {
    return fail(checked.error());
  }
  fill_owner(settings, env);
  fill_default_outboxes(settings);
  fill_default_alert_address(settings);
  return settings;
}

}  // namespace certcron::config
