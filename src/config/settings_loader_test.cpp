#include "config/settings_loader.hpp"
#include "config/config_test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace certcron::config;
using certcron::ErrorKind;
using certcron::config::testing::fake_environment;
using certcron::config::testing::TempDir;

namespace {

// An environment whose XDG folders all live in `dir`, plus `extra`.
Environment environment_in(const TempDir& dir,
                           std::map<std::string, std::string, std::less<>> extra = {}) {
  extra.emplace("HOME", dir / "home");
  extra.emplace("XDG_CONFIG_HOME", dir / "config");
  extra.emplace("XDG_DATA_HOME", dir / "data");
  extra.emplace("XDG_STATE_HOME", dir / "state");
  return fake_environment(std::move(extra));
}

std::string default_config(const TempDir& dir) {
  return dir / "config/certcron/config.toml";
}

}  // namespace

TEST_SUITE("config.loader") {
  TEST_CASE("without a config file every setting is its default") {
    TempDir dir;
    auto settings = load_settings({}, environment_in(dir));
    REQUIRE(settings);
    CHECK(settings->config_path == default_config(dir));
    CHECK_FALSE(settings->config_named);
    CHECK_FALSE(settings->config_file_found);
    CHECK(settings->db_path == dir / "data/certcron/certcron.db");
    CHECK(settings->state_dir == dir / "state/certcron");
    CHECK(settings->reminders.delivery.outbox == dir / "state/certcron/outbox");
    CHECK(settings->alerts.delivery.outbox == dir / "state/certcron/outbox");
    CHECK(settings->reminders.thresholds_days == std::vector<int>{30, 7, 1});
    CHECK(settings->crontab.program == "crontab");
    CHECK(settings->crontab.file_user == "root");
    CHECK(settings->server.listen == "127.0.0.1:8080");
    CHECK(settings->default_timezone.empty());
  }

  TEST_CASE("the config file at the default path is read") {
    TempDir dir;
    dir.write("config/certcron/config.toml", "default_timezone = \"Europe/Brussels\"\n");
    auto settings = load_settings({}, environment_in(dir));
    REQUIRE(settings);
    CHECK(settings->config_file_found);
    CHECK(settings->default_timezone == "Europe/Brussels");
  }

  TEST_CASE(
      "the database path takes the flag over the environment over the file over the default") {
    TempDir dir;
    dir.write("config/certcron/config.toml", "db = \"/from/file.db\"\n");
    auto env = environment_in(dir, {{"CERTCRON_DB", "/from/env.db"}});

    auto with_flag = load_settings({.db_flag = "/from/flag.db"}, env);
    REQUIRE(with_flag);
    CHECK(with_flag->db_path == "/from/flag.db");

    auto with_env = load_settings({}, env);
    REQUIRE(with_env);
    CHECK(with_env->db_path == "/from/env.db");

    auto with_file = load_settings({}, environment_in(dir));
    REQUIRE(with_file);
    CHECK(with_file->db_path == "/from/file.db");

    std::filesystem::remove(default_config(dir));
    auto with_default = load_settings({}, environment_in(dir));
    REQUIRE(with_default);
    CHECK(with_default->db_path == dir / "data/certcron/certcron.db");
  }

  TEST_CASE("the config path takes the flag over the environment over the default") {
    TempDir dir;
    dir.write("config/certcron/config.toml", "default_timezone = \"Default/Zone\"\n");
    const std::string from_env = dir.write("env.toml", "default_timezone = \"Env/Zone\"\n");
    const std::string from_flag = dir.write("flag.toml", "default_timezone = \"Flag/Zone\"\n");
    auto env = environment_in(dir, {{"CERTCRON_CONFIG", from_env}});

    auto with_flag = load_settings({.config_flag = from_flag}, env);
    REQUIRE(with_flag);
    CHECK(with_flag->config_path == from_flag);
    CHECK(with_flag->config_named);
    CHECK(with_flag->default_timezone == "Flag/Zone");

    auto with_env = load_settings({}, env);
    REQUIRE(with_env);
    CHECK(with_env->config_path == from_env);
    CHECK(with_env->config_named);
    CHECK(with_env->default_timezone == "Env/Zone");

    auto with_default = load_settings({}, environment_in(dir));
    REQUIRE(with_default);
    CHECK(with_default->default_timezone == "Default/Zone");
  }

  TEST_CASE("an empty environment variable counts as unset") {
    TempDir dir;
    auto settings =
        load_settings({}, environment_in(dir, {{"CERTCRON_DB", ""}, {"CERTCRON_CONFIG", ""}}));
    REQUIRE(settings);
    CHECK(settings->db_path == dir / "data/certcron/certcron.db");
    CHECK(settings->config_path == default_config(dir));
  }

  TEST_CASE("an empty --db is refused") {
    TempDir dir;
    auto settings = load_settings({.db_flag = ""}, environment_in(dir));
    REQUIRE_FALSE(settings);
    CHECK(settings.error().kind == ErrorKind::usage);
    CHECK(settings.error().message.find("--db") != std::string::npos);
  }

  TEST_CASE("a config file named by --config must exist and the error names it") {
    TempDir dir;
    const std::string missing = dir / "nowhere.toml";
    auto settings = load_settings({.config_flag = missing}, environment_in(dir));
    REQUIRE_FALSE(settings);
    CHECK(settings.error().kind == ErrorKind::usage);
    CHECK(settings.error().message ==
          "config file '" + missing + "' (from --config) does not exist");
  }

  TEST_CASE("a config file named by CERTCRON_CONFIG must exist and the error names it") {
    TempDir dir;
    const std::string missing = dir / "gone/config.toml";
    auto settings = load_settings({}, environment_in(dir, {{"CERTCRON_CONFIG", missing}}));
    REQUIRE_FALSE(settings);
    CHECK(settings.error().kind == ErrorKind::usage);
    CHECK(settings.error().message ==
          "config file '" + missing + "' (from CERTCRON_CONFIG) does not exist");
  }

  TEST_CASE("a config path that is a folder is refused") {
    TempDir dir;
    std::filesystem::create_directories(default_config(dir));
    auto settings = load_settings({}, environment_in(dir));
    REQUIRE_FALSE(settings);
    CHECK(settings.error().message == "config file '" + default_config(dir) + "' is a folder");
  }

  TEST_CASE("relative --db and --config are taken from the working folder") {
    TempDir dir;
    dir.write("work/my.toml", "");
    const auto previous = std::filesystem::current_path();
    std::filesystem::current_path(dir / "work");
    auto settings =
        load_settings({.db_flag = "sub/x.db", .config_flag = "my.toml"}, environment_in(dir));
    std::filesystem::current_path(previous);
    REQUIRE(settings);
    CHECK(settings->db_path == dir / "work/sub/x.db");
    CHECK(settings->config_path == dir / "work/my.toml");
    CHECK(settings->config_file_found);
  }

  TEST_CASE("~ in CERTCRON_DB expands to HOME") {
    TempDir dir;
    auto settings = load_settings({}, environment_in(dir, {{"CERTCRON_DB", "~/x.db"}}));
    REQUIRE(settings);
    CHECK(settings->db_path == dir / "home/x.db");
  }

  TEST_CASE("the default outbox follows a state_dir set in the file") {
    TempDir dir;
    dir.write("config/certcron/config.toml",
              "state_dir = \"/srv/certcron\"\n[alerts.delivery]\noutbox = \"/srv/alerts\"\n");
    auto settings = load_settings({}, environment_in(dir));
    REQUIRE(settings);
    CHECK(settings->state_dir == "/srv/certcron");
    CHECK(settings->reminders.delivery.outbox == "/srv/certcron/outbox");
    CHECK(settings->alerts.delivery.outbox == "/srv/alerts");
  }
}

TEST_SUITE("config.loader") {
  TEST_CASE("a PostgreSQL URL is taken as written from the flag, the environment and the file") {
    TempDir dir;
    const std::string url = "postgresql://certcron@db1,db2/certcron?target_session_attrs=read-write";
    dir.write("config/certcron/config.toml", "db = \"" + url + "\"\n");
    auto from_file = load_settings({}, environment_in(dir));
    REQUIRE(from_file);
    CHECK(from_file->db_path == url);
    auto from_env = load_settings({}, environment_in(dir, {{"CERTCRON_DB", "postgres:///jobs"}}));
    REQUIRE(from_env);
    CHECK(from_env->db_path == "postgres:///jobs");
    auto from_flag = load_settings({.db_flag = "postgresql:///flag"}, environment_in(dir));
    REQUIRE(from_flag);
    CHECK(from_flag->db_path == "postgresql:///flag");
  }

  TEST_CASE("a password in a --db URL is refused: every user reads command lines in ps") {
    TempDir dir;
    auto settings =
        load_settings({.db_flag = "postgresql://app:s3cret@db/certcron"}, environment_in(dir));
    REQUIRE_FALSE(settings);
    CHECK(settings.error().kind == ErrorKind::usage);
    CHECK(settings.error().message.find("s3cret") == std::string::npos);
    CHECK(settings.error().message.find(".pgpass") != std::string::npos);
    // The environment is the process owner's alone.
    auto from_env =
        load_settings({}, environment_in(dir, {{"CERTCRON_DB", "postgresql://app:s3cret@db/x"}}));
    CHECK(from_env);
  }

  TEST_CASE("a config file holding a database password must not be readable by others") {
    TempDir dir;
    dir.write("config/certcron/config.toml", "db = \"postgresql://app:s3cret@db/certcron\"\n");
    const std::filesystem::path file = default_config(dir);
    std::filesystem::permissions(file, std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    auto readable = load_settings({}, environment_in(dir));
    REQUIRE_FALSE(readable);
    CHECK(readable.error().message.find("chmod o-r") != std::string::npos);
    CHECK(readable.error().message.find("s3cret") == std::string::npos);
    std::filesystem::permissions(file, std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::remove);
    CHECK(load_settings({}, environment_in(dir)));
  }

  TEST_CASE("[cluster] sets the owner and lease; CERTCRON_OWNER names the owner over both") {
    TempDir dir;
    auto defaults = load_settings({}, environment_in(dir));
    REQUIRE(defaults);
    CHECK_FALSE(defaults->cluster.owner.empty());  // the host's name
    CHECK(defaults->cluster.lease_seconds == 900);
    dir.write("config/certcron/config.toml", "[cluster]\nowner = \"cron-a\"\nlease_seconds = 600\n");
    auto configured = load_settings({}, environment_in(dir));
    REQUIRE(configured);
    CHECK(configured->cluster.owner == "cron-a");
    CHECK(configured->cluster.lease_seconds == 600);
    auto from_env = load_settings({}, environment_in(dir, {{"CERTCRON_OWNER", "job-29400"}}));
    REQUIRE(from_env);
    CHECK(from_env->cluster.owner == "job-29400");
    dir.write("config/certcron/config.toml", "[cluster]\nlease_seconds = 5\n");
    CHECK_FALSE(load_settings({}, environment_in(dir)));
  }
}

TEST_SUITE("config.database_url") {
  TEST_CASE("a password is found in the user part and in a password parameter, nowhere else") {
    using certcron::database_url_has_password;
    CHECK(database_url_has_password("postgresql://app:pw@db/certcron"));
    CHECK(database_url_has_password("postgresql://db/certcron?sslmode=require&password=pw"));
    CHECK(database_url_has_password("postgres://app:@db"));
    CHECK_FALSE(database_url_has_password("postgresql://app@db:5432/certcron"));
    CHECK_FALSE(database_url_has_password("postgresql://db1:5432,db2:5432/certcron"));
    CHECK_FALSE(database_url_has_password("postgresql:///certcron?host=/run/postgresql"));
    CHECK_FALSE(database_url_has_password("postgresql://db/x?passfile=/etc/pgpass"));
  }
}
