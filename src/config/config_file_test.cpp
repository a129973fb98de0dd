#include "config/config_file.hpp"
#include "config/config_test_support.hpp"
#include "config/settings_loader.hpp"

#include <doctest/doctest.h>

using namespace certcron::config;
using certcron::ErrorKind;
using certcron::Result;
using certcron::Settings;
using certcron::config::testing::fake_environment;
using certcron::config::testing::TempDir;
using certcron::reminders::DeliveryKind;

namespace {

// Writes `text` as <dir>/etc/config.toml and loads settings from it.
Result<Settings> load_text(const TempDir& dir, std::string_view text) {
  const std::string path = dir.write("etc/config.toml", text);
  return load_settings(
      {.config_flag = path},
      fake_environment({{"HOME", dir / "home"}, {"XDG_STATE_HOME", dir / "state"}}));
}

// The message of the error loading `text` fails with, "<path>:" replaced by "config.toml:".
std::string error_for(std::string_view text) {
  TempDir dir;
  auto settings = load_text(dir, text);
  REQUIRE_FALSE(settings);
  CHECK(settings.error().kind == ErrorKind::usage);
  std::string message = settings.error().message;
  const std::string path = dir / "etc/config.toml";
  REQUIRE(message.starts_with(path + ":"));
  return "config.toml" + message.substr(path.size());
}

}  // namespace

TEST_SUITE("config.file") {
  TEST_CASE("a complete valid file fills every setting") {
    TempDir dir;
    auto settings = load_text(dir, R"(db = "/var/lib/certcron/jobs.db"
state_dir = "/var/lib/certcron/state"
default_timezone = "Europe/Brussels"

[reminders]
thresholds_days = [7, 60, 0, 14]
expired_window_days = 10
from = "certcron@example.org"
subject = "Expiring: {certification}"
body = "Hello {name}"

[reminders.delivery]
kind = "command"
outbox = "/var/spool/certcron"
command = "sendmail -t -oi"
timeout_seconds = 45

[alerts]
to = "admin@example.org"

[alerts.delivery]
kind = "webhook"
url = "https://hooks.example.org/certcron"
timeout_seconds = 5

[crontab]
program = "/usr/bin/crontab"
user = "certs"
file = "/etc/cron.d/certcron"
file_user = "certs"
binary = "/opt/certcron/bin/certcron"
timeout_seconds = 12

[server]
listen = "0.0.0.0:9090"
token_file = "/etc/certcron/token"
)");
    REQUIRE(settings);
    CHECK(settings->config_file_found);
    CHECK(settings->db_path == "/var/lib/certcron/jobs.db");
    CHECK(settings->state_dir == "/var/lib/certcron/state");
    CHECK(settings->default_timezone == "Europe/Brussels");
    const auto& reminders = settings->reminders;
    CHECK(reminders.thresholds_days == std::vector<int>{60, 14, 7, 0});
    CHECK(reminders.expired_window_days == 10);
    CHECK(reminders.from == "certcron@example.org");
    CHECK(reminders.subject == "Expiring: {certification}");
    CHECK(reminders.body == "Hello {name}");
    CHECK(reminders.delivery.kind == DeliveryKind::command);
    CHECK(reminders.delivery.outbox == "/var/spool/certcron");
    CHECK(reminders.delivery.command == "sendmail -t -oi");
    CHECK(reminders.delivery.timeout_seconds == 45);
    CHECK(settings->alerts.to == "admin@example.org");
    CHECK(settings->alerts.delivery.kind == DeliveryKind::webhook);
    CHECK(settings->alerts.delivery.url == "https://hooks.example.org/certcron");
    CHECK(settings->alerts.delivery.timeout_seconds == 5);
    CHECK(settings->alerts.delivery.outbox == "/var/lib/certcron/state/outbox");
    CHECK(settings->crontab.program == "/usr/bin/crontab");
    CHECK(settings->crontab.user == "certs");
    CHECK(settings->crontab.file == "/etc/cron.d/certcron");
    CHECK(settings->crontab.file_user == "certs");
    CHECK(settings->crontab.binary == "/opt/certcron/bin/certcron");
    CHECK(settings->crontab.timeout_seconds == 12);
    CHECK(settings->server.listen == "0.0.0.0:9090");
    CHECK(settings->server.token_file == "/etc/certcron/token");
  }

  TEST_CASE("paths in the file expand ~ and resolve relative to the file's folder") {
    TempDir dir;
    auto settings = load_text(dir, R"(db = "~/certcron.db"
state_dir = "state"
[reminders.delivery]
outbox = "../spool/outbox"
[crontab]
program = "bin/fake-crontab"
file = "./cron.d/certcron"
binary = "~"
[server]
token_file = "secrets/token"
)");
    REQUIRE(settings);
    CHECK(settings->db_path == dir / "home/certcron.db");
    CHECK(settings->state_dir == dir / "etc/state");
    CHECK(settings->reminders.delivery.outbox == dir / "spool/outbox");
    CHECK(settings->alerts.delivery.outbox == dir / "etc/state/outbox");
    CHECK(settings->crontab.program == dir / "etc/bin/fake-crontab");
    CHECK(settings->crontab.file == dir / "etc/cron.d/certcron");
    CHECK(settings->crontab.binary == dir / "home");
    CHECK(settings->server.token_file == dir / "etc/secrets/token");
  }

  TEST_CASE("a bare crontab program name stays a name to look up on PATH") {
    TempDir dir;
    auto settings = load_text(dir, "[crontab]\nprogram = \"fcrontab\"\n");
    REQUIRE(settings);
    CHECK(settings->crontab.program == "fcrontab");
  }

  TEST_CASE("dotted keys and inline tables are read like sections") {
    TempDir dir;
    auto settings = load_text(dir,
                              "reminders.expired_window_days = 3\nalerts = { to = \"ops\", "
                              "delivery = { kind = \"outbox\" } }\n");
    REQUIRE(settings);
    CHECK(settings->reminders.expired_window_days == 3);
    CHECK(settings->alerts.to == "ops");
  }

  TEST_CASE("an empty thresholds list is accepted") {
    TempDir dir;
    auto settings = load_text(dir, "[reminders]\nthresholds_days = []\n");
    REQUIRE(settings);
    CHECK(settings->reminders.thresholds_days.empty());
  }

  TEST_CASE("an unknown key names file, line and key and suggests the near one") {
    CHECK(error_for("[reminders]\nexpired_window_days = 5\n\ntreshold_days = [1]\n") ==
          "config.toml:4: unknown key 'reminders.treshold_days' (did you mean 'thresholds_days'?)");
    CHECK(error_for("\n[alerts.delivery]\nkind = \"outbox\"\ntimeout = 3\n") ==
          "config.toml:4: unknown key 'alerts.delivery.timeout' (did you mean 'timeout_seconds'?)");
    CHECK(error_for("[crontab]\nbinari = \"/x\"\n") ==
          "config.toml:2: unknown key 'crontab.binari' (did you mean 'binary'?)");
  }

  TEST_CASE("an unknown key with nothing near gets no suggestion") {
    CHECK(error_for("db = \"/x\"\ncolour = true\n") == "config.toml:2: unknown key 'colour'");
    CHECK(error_for("[smtp]\nhost = \"x\"\n") == "config.toml:1: unknown key 'smtp'");
  }

  TEST_CASE("a value of the wrong type names file, line and key") {
    CHECK(error_for("[reminders]\n\n\n\n\n\nexpired_window_days = \"30\"\n") ==
          "config.toml:7: 'reminders.expired_window_days' must be an integer");
    CHECK(error_for("[reminders.delivery]\ntimeout_seconds = 2.5\n") ==
          "config.toml:2: 'reminders.delivery.timeout_seconds' must be an integer");
    CHECK(error_for("db = 42\n") == "config.toml:1: 'db' must be a string");
    CHECK(error_for("[alerts]\nto = [\"a\"]\n") == "config.toml:2: 'alerts.to' must be a string");
    CHECK(error_for("[reminders]\nthresholds_days = 7\n") ==
          "config.toml:2: 'reminders.thresholds_days' must be an array of integers");
    CHECK(error_for("[reminders]\nthresholds_days = [30,\n  \"7\"]\n") ==
          "config.toml:3: 'reminders.thresholds_days' must be an array of integers");
    CHECK(error_for("reminders = 3\n") == "config.toml:1: 'reminders' must be a table");
    CHECK(error_for("[alerts]\ndelivery = \"outbox\"\n") ==
          "config.toml:2: 'alerts.delivery' must be a table");
  }

  TEST_CASE("numbers outside their range are refused with the allowed range") {
    CHECK(error_for("[reminders]\nthresholds_days = [30, 3651]\n") ==
          "config.toml:2: 'reminders.thresholds_days' must be between 0 and 3650 (got 3651)");
    CHECK(error_for("[reminders]\nthresholds_days = [-1]\n") ==
          "config.toml:2: 'reminders.thresholds_days' must be between 0 and 3650 (got -1)");
    CHECK(error_for("[reminders]\nexpired_window_days = 4000\n") ==
          "config.toml:2: 'reminders.expired_window_days' must be between 0 and 3650 (got 4000)");
    CHECK(error_for("[reminders.delivery]\ntimeout_seconds = 0\n") ==
          "config.toml:2: 'reminders.delivery.timeout_seconds' must be between 1 and 600 (got 0)");
    CHECK(error_for("[alerts.delivery]\ntimeout_seconds = 601\n") ==
          "config.toml:2: 'alerts.delivery.timeout_seconds' must be between 1 and 600 (got 601)");
    CHECK(error_for("[crontab]\ntimeout_seconds = 0\n") ==
          "config.toml:2: 'crontab.timeout_seconds' must be between 1 and 600 (got 0)");
    CHECK(error_for("[reminders]\nexpired_window_days = 99999999999\n") ==
          "config.toml:2: 'reminders.expired_window_days' must be between 0 and 3650 (got "
          "99999999999)");
  }

  // Found by the config_toml fuzz target: toml++ 3.3.0 asserts on this table header, so builds
  // without NDEBUG (the asan preset) aborted instead of reporting the error.
  TEST_CASE("a table header that starts with neither a key nor a quote is a syntax error") {
    CHECK(error_for("[reminders]\n[!]\n").starts_with("config.toml:2:"));
  }

  TEST_CASE("a threshold listed twice is refused at the repeat") {
    CHECK(error_for("[reminders]\nthresholds_days = [\n  30,\n  7,\n  30,\n]\n") ==
          "config.toml:5: 'reminders.thresholds_days' lists 30 more than once");
  }

  TEST_CASE("the range bounds themselves are accepted") {
    TempDir dir;
    auto settings = load_text(dir,
                              "[reminders]\nthresholds_days = [0, 3650]\nexpired_window_days = 0\n"
                              "[reminders.delivery]\ntimeout_seconds = 600\n"
                              "[alerts.delivery]\ntimeout_seconds = 1\n");
    REQUIRE(settings);
    CHECK(settings->reminders.thresholds_days == std::vector<int>{3650, 0});
    CHECK(settings->reminders.delivery.timeout_seconds == 600);
    CHECK(settings->alerts.delivery.timeout_seconds == 1);
  }

  TEST_CASE("a delivery kind outside outbox, command and webhook is refused") {
    CHECK(error_for("[reminders.delivery]\nkind = \"smtp\"\n") ==
          "config.toml:2: 'reminders.delivery.kind' must be one of outbox, command, webhook (got "
          "'smtp')");
  }

  TEST_CASE("kind command needs a command and kind webhook needs an http(s) url") {
    CHECK(error_for("[reminders.delivery]\nkind = \"command\"\n") ==
          "config.toml:2: 'reminders.delivery.command' is required when kind is \"command\"");
    CHECK(error_for("[reminders.delivery]\nkind = \"command\"\ncommand = \"\"\n") ==
          "config.toml:2: 'reminders.delivery.command' is required when kind is \"command\"");
    CHECK(error_for("[alerts.delivery]\n\nkind = \"webhook\"\n") ==
          "config.toml:3: 'alerts.delivery.url' is required when kind is \"webhook\"");
    CHECK(error_for("[alerts.delivery]\nkind = \"webhook\"\nurl = \"ftp://example.org/x\"\n") ==
          "config.toml:3: 'alerts.delivery.url' must be an http:// or https:// URL (got "
          "'ftp://example.org/x')");
    CHECK(
        error_for("[alerts.delivery]\nkind = \"webhook\"\nurl = \"https://\"\n") ==
        "config.toml:3: 'alerts.delivery.url' must be an http:// or https:// URL (got 'https://')");
  }

  TEST_CASE("settings that must not be empty say so") {
    CHECK(error_for("[reminders]\nsubject = \"\"\n") ==
          "config.toml:2: 'reminders.subject' must not be empty");
    CHECK(error_for("[crontab]\nprogram = \"\"\n") ==
          "config.toml:2: 'crontab.program' must not be empty");
    CHECK(error_for("[crontab]\nfile_user = \"\"\n") ==
          "config.toml:2: 'crontab.file_user' must not be empty");
    CHECK(error_for("[server]\nlisten = \"\"\n") ==
          "config.toml:2: 'server.listen' must not be empty");
  }

  TEST_CASE("of several problems the earliest line is reported") {
    CHECK(error_for("[server]\nlisten = 1\n[alerts]\nto = 2\n[reminders]\nbody = 3\n") ==
          "config.toml:2: 'server.listen' must be a string");
  }

  TEST_CASE("a TOML syntax error gives line, column and the parser's description") {
    const std::string message = error_for("[reminders]\nexpired_window_days = = 3\n");
    CHECK(message.starts_with("config.toml:2:"));
    CHECK(message.size() > std::string("config.toml:2:22: ").size());
    CHECK(error_for("[reminders]\nsubject = \"unterminated\n").starts_with("config.toml:2:"));
    CHECK(error_for("db = \"a\"\ndb = \"b\"\n").starts_with("config.toml:2:"));
  }

  TEST_CASE("a file with problems leaves the settings it was applied to unchanged") {
    Settings settings;
    settings.db_path = "/before.db";
    auto applied =
        apply_config_text("db = \"/after.db\"\nbogus = 1\n", "/etc/c.toml", std::nullopt, settings);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().message == "/etc/c.toml:2: unknown key 'bogus'");
    CHECK(settings.db_path == "/before.db");
  }

  TEST_CASE("~ in the file cannot be expanded without a home folder") {
    Settings settings;
    auto applied = apply_config_text("\ndb = \"~/x.db\"\n", "/etc/c.toml", std::nullopt, settings);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().message ==
          "/etc/c.toml:2: cannot expand '~' in 'db': the home folder is unknown (set HOME)");
  }
}
