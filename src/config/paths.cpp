#include "config/paths.hpp"

#include <pwd.h>
#include <unistd.h>
#include <filesystem>
#include <system_error>
#include <vector>

namespace certcron::config {

namespace fs = std::filesystem;

namespace {

bool is_absolute(std::string_view path) {
  return !path.empty() && path.front() == '/';
}

struct PasswordEntry {
  std::string home;
  std::string name;
};

std::optional<PasswordEntry> own_password_entry() {
  // getpwuid_r so that a library call never disturbs another caller's static buffer.
  long suggested = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(suggested > 0 ? static_cast<std::size_t>(suggested) : 16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  return PasswordEntry{found->pw_dir != nullptr ? found->pw_dir : "",
                       found->pw_name != nullptr ? found->pw_name : ""};
}

std::optional<std::string> password_database_home() {
  auto entry = own_password_entry();
  if (!entry || !is_absolute(entry->home)) {
    return std::nullopt;
  }
  return entry->home;
}

// Lexically normal, without the trailing '/' that "dir/" would keep, so equal folders compare
// equal as strings.
std::string normal(const fs::path& path) {
  std::string text = path.lexically_normal().string();
  if (text.size() > 1 && text.back() == '/') {
    text.pop_back();
  }
  return text;
}

std::string join(const std::string& folder, std::string_view tail) {
  return normal(fs::path(folder) / tail);
}

}  // namespace

std::optional<std::string> home_folder(const Environment& env) {
  if (auto home = env("HOME"); home && is_absolute(*home)) {
    return home;
  }
  return password_database_home();
}

Result<BaseFolders> base_folders(const Environment& env) {
  std::optional<std::string> home;
  bool home_looked_up = false;
  auto pick = [&](std::string_view variable, std::string_view below_home) -> Result<std::string> {
    if (auto value = env(variable); value && is_absolute(*value)) {
      return normal(*value);
    }
    if (!home_looked_up) {
      home = home_folder(env);
      home_looked_up = true;
    }
    if (!home) {
      return fail(
          Error::usage("cannot find the home folder: set HOME (or " + std::string(variable) + ")"));
    }
    return join(*home, below_home);
  };
  auto config_home = pick("XDG_CONFIG_HOME", ".config");
  if (!config_home) {
    return fail(config_home.error());
  }
  auto data_home = pick("XDG_DATA_HOME", ".local/share");
  if (!data_home) {
    return fail(data_home.error());
  }
  auto state_home = pick("XDG_STATE_HOME", ".local/state");
  if (!state_home) {
    return fail(state_home.error());
  }
  return BaseFolders{*config_home, *data_home, *state_home};
}

std::string default_config_path(const BaseFolders& folders) {
  return join(folders.config_home, "certcron/config.toml");
}

std::string default_db_path(const BaseFolders& folders) {
  return join(folders.data_home, "certcron/certcron.db");
}

std::string default_state_dir(const BaseFolders& folders) {
  return join(folders.state_home, "certcron");
}

std::optional<std::string> resolve_path(std::string_view raw,
                                        const std::optional<std::string>& home,
                                        const std::string& base) {
  if (raw == "~" || raw.starts_with("~/")) {
    if (!home) {
      return std::nullopt;
    }
    return join(*home, raw.substr(raw.size() > 1 ? 2 : 1));
  }
  if (is_absolute(raw)) {
    return normal(raw);
  }
  return join(base, raw);
}

Result<std::string> working_folder() {
  std::error_code error;
  fs::path current = fs::current_path(error);
  if (error) {
    return fail(Error::failed("cannot read the current folder: " + error.message()));
  }
  return normal(current);
}

std::string local_user_name() {
  auto entry = own_password_entry();
  if (entry && !entry->name.empty()) {
    return entry->name;
  }
  return "root";
}

}  // namespace certcron::config
