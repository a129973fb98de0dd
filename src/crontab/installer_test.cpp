#include "crontab/installer.hpp"

#include "crontab/crontab_test_support.hpp"
#include "util/process.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace certcron;
using namespace certcron::crontab;
using namespace certcron::crontab::testing;

namespace {

Job cron_job(std::int64_t seq, std::string expression, std::string zone, bool enabled = true) {
  Job job;
  job.seq = seq;
  job.definition.name = "job" + std::to_string(seq);
  job.definition.cron_expression = std::move(expression);
  job.definition.server_timezone = std::move(zone);
  job.definition.enabled = enabled;
  return job;
}

struct Fixture {
  ScratchDir dir;
  FixedClock clock{util::parse_rfc3339("2026-03-01T00:00:00Z").value()};
  InstallerOptions options;
  std::string identity = "0f9e8d7c";

  Fixture() {
    options.settings.program = fake_crontab(dir.path).string();
    options.settings.state_dir = (dir.path / "state").string();
    options.paths = {"/usr/bin/certcron", "/data/certcron.db", "/state/cron.log"};
    options.host_zone = "UTC";
  }
  CrontabInstaller installer() {
    return CrontabInstaller([this]() -> Result<std::string> { return identity; }, clock, options);
  }
  std::string table() const { return read_or_empty(dir.path / "table"); }
};

}  // namespace

TEST_SUITE("crontab.installer") {
  TEST_CASE("installing jobs writes their lines and the monitor line between the markers") {
    Fixture f;
    auto installer = f.installer();
    REQUIRE(
        installer.install({cron_job(1, "0 2 * * *", "UTC"), cron_job(2, "0 3 * * *", "UTC", false)})
            .has_value());
    std::string expected =
        begin_marker("0f9e8d7c") + "\n" +
        "0 2 * * * '/usr/bin/certcron' --db '/data/certcron.db' execute cron-001 --scheduled >> "
        "'/state/cron.log' 2>&1  # certcron:cron-001\n" +
        "*/5 * * * * '/usr/bin/certcron' --db '/data/certcron.db' check --quiet >> "
        "'/state/cron.log' 2>&1  # certcron:monitor\n" +
        end_marker("0f9e8d7c") + "\n";
    CHECK(f.table() == expected);
    CHECK(installer.installed_block()->value() == expected);
    CHECK(installer.verify({cron_job(1, "0 2 * * *", "UTC")})->in_sync);
    CHECK_FALSE(installer.verify({cron_job(1, "0 4 * * *", "UTC")})->in_sync);
  }

  TEST_CASE("disabling the last job removes the block; other content stays") {
    Fixture f;
    REQUIRE(util::write_file_atomically(f.dir.path / "table", "A=1\n").has_value());
    auto installer = f.installer();
    REQUIRE(installer.install({cron_job(1, "0 2 * * *", "UTC")}).has_value());
    auto outcome = installer.install_with_outcome({cron_job(1, "0 2 * * *", "UTC", false)});
    REQUIRE(outcome.has_value());
    CHECK(outcome->changed);
    CHECK(f.table() == "A=1\n");
  }

  TEST_CASE("an identity that cannot be read stops the install before anything is touched") {
    Fixture f;
    CrontabInstaller installer([]() -> Result<std::string> { return fail(Error::busy("locked")); },
                               f.clock, f.options);
    auto installed = installer.install({cron_job(1, "0 2 * * *", "UTC")});
    REQUIRE_FALSE(installed.has_value());
    CHECK(installed.error().kind == ErrorKind::busy);
    CHECK_FALSE(fs::exists(f.dir.path / "calls"));
  }

  TEST_CASE("options come from the settings: log in the state folder, configured binary") {
    Settings settings;
    settings.db_path = "/data/certcron.db";
    settings.state_dir = "/state/certcron";
    settings.crontab.binary = "/opt/certcron/bin/certcron";
    settings.crontab.file = "/etc/cron.d/certcron";
    auto options = installer_options(settings);
    REQUIRE(options.has_value());
    CHECK(options->paths.binary == "/opt/certcron/bin/certcron");
    CHECK(options->paths.database == "/data/certcron.db");
    CHECK(options->paths.log == "/state/certcron/cron.log");
    CHECK(options->settings.file == "/etc/cron.d/certcron");
    CHECK(options->settings.state_dir == "/state/certcron");
    CHECK(options->paths.config.empty());  // the default config: cron finds it by itself

    settings.crontab.binary.clear();
    auto running = installer_options(settings);
    REQUIRE(running.has_value());
    CHECK(running->paths.binary == util::current_executable().value());
  }

  TEST_CASE("a config file named by --config or CERTCRON_CONFIG goes into the lines") {
    Settings settings;
    settings.db_path = "/data/certcron.db";
    settings.state_dir = "/state/certcron";
    settings.crontab.binary = "/usr/bin/certcron";
    settings.config_path = "/etc/certcron/config.toml";
    settings.config_named = true;
    auto options = installer_options(settings);
    REQUIRE(options.has_value());
    CHECK(options->paths.config == "/etc/certcron/config.toml");
    CHECK(execute_command(options->paths, "cron-001") ==
          "'/usr/bin/certcron' --db '/data/certcron.db' --config '/etc/certcron/config.toml' "
          "execute cron-001 --scheduled >> '/state/certcron/cron.log' 2>&1");
  }

  TEST_CASE("the cron daemon's zone ignores the TZ of the shell running certcron") {
    const char* saved = std::getenv("TZ");
    std::string saved_copy = saved ? saved : "";
    ::unsetenv("TZ");
    std::string system_zone = cron_daemon_zone();
    ::setenv("TZ", system_zone == "Asia/Kolkata" ? "Europe/Brussels" : "Asia/Kolkata", 1);
    CHECK(cron_daemon_zone() == system_zone);
    if (saved) {
      ::setenv("TZ", saved_copy.c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
  }

}  // TEST_SUITE
