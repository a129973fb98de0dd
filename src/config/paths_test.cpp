#include "config/paths.hpp"
#include "config/config_test_support.hpp"
#include "config/suggest.hpp"

#include <doctest/doctest.h>

#include <pwd.h>
#include <unistd.h>

using namespace certcron::config;
using certcron::config::testing::fake_environment;

namespace {

std::string password_home() {
  const passwd* entry = getpwuid(getuid());
  REQUIRE(entry != nullptr);
  return entry->pw_dir;
}

}  // namespace

TEST_SUITE("config.paths") {
  TEST_CASE("without XDG variables the folders are the XDG defaults under HOME") {
    auto folders = base_folders(fake_environment({{"HOME", "/home/ana"}}));
    REQUIRE(folders);
    CHECK(folders->config_home == "/home/ana/.config");
    CHECK(folders->data_home == "/home/ana/.local/share");
    CHECK(folders->state_home == "/home/ana/.local/state");
    CHECK(default_config_path(*folders) == "/home/ana/.config/certcron/config.toml");
    CHECK(default_db_path(*folders) == "/home/ana/.local/share/certcron/certcron.db");
    CHECK(default_state_dir(*folders) == "/home/ana/.local/state/certcron");
  }

  TEST_CASE("absolute XDG variables replace the defaults") {
    auto folders = base_folders(fake_environment({{"HOME", "/home/ana"},
                                                  {"XDG_CONFIG_HOME", "/cfg/"},
                                                  {"XDG_DATA_HOME", "/data"},
                                                  {"XDG_STATE_HOME", "/state/./x"}}));
    REQUIRE(folders);
    CHECK(folders->config_home == "/cfg");
    CHECK(folders->data_home == "/data");
    CHECK(folders->state_home == "/state/x");
  }

  TEST_CASE("a relative XDG variable is ignored as the XDG specification requires") {
    auto folders = base_folders(fake_environment({{"HOME", "/home/ana"},
                                                  {"XDG_CONFIG_HOME", "relative/cfg"},
                                                  {"XDG_DATA_HOME", "data"},
                                                  {"XDG_STATE_HOME", ""}}));
    REQUIRE(folders);
    CHECK(folders->config_home == "/home/ana/.config");
    CHECK(folders->data_home == "/home/ana/.local/share");
    CHECK(folders->state_home == "/home/ana/.local/state");
  }

  TEST_CASE("without HOME the home folder comes from the password database") {
    CHECK(home_folder(fake_environment({})) == password_home());
    auto folders = base_folders(fake_environment({}));
    REQUIRE(folders);
    CHECK(folders->data_home == password_home() + "/.local/share");
  }

  TEST_CASE("a relative HOME is not trusted and the password database answers instead") {
    CHECK(home_folder(fake_environment({{"HOME", "not/absolute"}})) == password_home());
  }

  TEST_CASE("a path starting with ~ expands to the home folder") {
    const std::optional<std::string> home = "/home/ana";
    CHECK(resolve_path("~", home, "/base") == "/home/ana");
    CHECK(resolve_path("~/", home, "/base") == "/home/ana");
    CHECK(resolve_path("~/certs/./db.sqlite", home, "/base") == "/home/ana/certs/db.sqlite");
  }

  TEST_CASE("a relative path is resolved against the base folder") {
    CHECK(resolve_path("data/x.db", std::nullopt, "/etc/certcron") == "/etc/certcron/data/x.db");
    CHECK(resolve_path("../x.db", std::nullopt, "/etc/certcron") == "/etc/x.db");
    CHECK(resolve_path("~alice/x", std::nullopt, "/b") == "/b/~alice/x");
  }

  TEST_CASE("an absolute path is only normalised") {
    CHECK(resolve_path("/var//lib/../db/", std::nullopt, "/base") == "/var/db");
  }

  TEST_CASE("~ cannot be expanded when the home folder is unknown") {
    CHECK_FALSE(resolve_path("~/x", std::nullopt, "/base").has_value());
  }
}

TEST_SUITE("config.suggest") {
  TEST_CASE("edit distance counts insertions, deletions and substitutions") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("treshold_days", "thresholds_days") == 2);
  }

  TEST_CASE("a near name is suggested and a far one is not") {
    const std::string_view keys[] = {"thresholds_days", "expired_window_days", "subject"};
    CHECK(closest_match("treshold_days", keys) == "thresholds_days");
    CHECK(closest_match("subjetc", keys) == "subject");
    CHECK_FALSE(closest_match("colour", keys).has_value());
    CHECK_FALSE(closest_match("x", keys).has_value());
    CHECK(closest_match("expired", keys) == "expired_window_days");
    CHECK_FALSE(closest_match("ex", keys).has_value());
  }
}
