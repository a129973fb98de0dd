#pragma once

// Where certcron's files live by default (the XDG base directories) and how a path written by
// the user becomes an absolute one.

#include "config/environment.hpp"
#include "core/error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace certcron::config {

// HOME when it is set to an absolute path, else the current user's password database entry;
// nullopt when neither knows.
std::optional<std::string> home_folder(const Environment& env);

// The XDG base directories certcron uses. Each comes from its variable when that holds an
// absolute path; a relative value is ignored, as the XDG specification requires.
struct BaseFolders {
  std::string config_home;  // XDG_CONFIG_HOME, default ~/.config
  std::string data_home;    // XDG_DATA_HOME, default ~/.local/share
  std::string state_home;   // XDG_STATE_HOME, default ~/.local/state
};

// Fails only when a default is needed and the home folder is unknown.
Result<BaseFolders> base_folders(const Environment& env);

std::string default_config_path(const BaseFolders& folders);  // <config>/certcron/config.toml
std::string default_db_path(const BaseFolders& folders);      // <data>/certcron/certcron.db
std::string default_state_dir(const BaseFolders& folders);    // <state>/certcron

// "~" and "~/..." expand to `home`; other relative paths are taken relative to `base` (an
// absolute folder). The result is lexically normal. nullopt when the path starts with "~" and
// the home folder is unknown.
std::optional<std::string> resolve_path(std::string_view raw,
                                        const std::optional<std::string>& home,
                                        const std::string& base);

// The current working folder, for paths given on the command line or in the environment.
Result<std::string> working_folder();

// The name of the user running this process (from the password database), where local mail
// to "the administrator" goes by default; "root" when it has none.
std::string local_user_name();

}  // namespace certcron::config
