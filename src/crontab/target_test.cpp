#include "crontab/target.hpp"

#include "crontab/crontab_test_support.hpp"
#include "crontab/install.hpp"
#include "unit/cannot_run.hpp"
#include "util/process.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <functional>

using namespace certcron;
using namespace certcron::crontab;
using namespace certcron::crontab::testing;

namespace {

CrontabSettings program_settings(const fs::path& program, std::string user = "") {
  CrontabSettings settings;
  settings.program = program.string();
  settings.user = std::move(user);
  settings.program_timeout = std::chrono::seconds(20);
  return settings;
}

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return info.st_mode & 07777;
}

}  // namespace

TEST_SUITE("crontab.target") {
  TEST_CASE("a user without a crontab reads as an empty table") {
    ScratchDir dir;
    auto target = make_target(program_settings(fake_crontab(dir.path)));
    auto table = target->read();
    REQUIRE(table.has_value());
    CHECK(table->empty());
  }

  TEST_CASE("the table written through the crontab program reads back byte for byte") {
    ScratchDir dir;
    auto target = make_target(program_settings(fake_crontab(dir.path), "ana"));
    std::string table = "A=1\r\n# \xc3\xa9t\xc3\xa9\n\n0 2 * * * x 50\\%\nno newline";
    REQUIRE(target->write(table).has_value());
    CHECK(read_or_empty(dir.path / "table") == table);
    CHECK(*target->read() == table);
    CHECK(read_or_empty(dir.path / "calls") == "-u ana -\n-u ana -l\n");
    CHECK(target->edit_hint() == dir.path.string() + "/crontab -u ana -e");
    CHECK(target->user_field().empty());
  }

  TEST_CASE("a refused table is an error carrying the program's stderr, and nothing changes") {
    ScratchDir dir;
    REQUIRE(util::write_file_atomically(dir.path / "table", "A=1\n").has_value());
    auto target = make_target(program_settings(refusing_crontab(dir.path)));
    auto written = target->write("A=2\n");
    REQUIRE_FALSE(written.has_value());
    CHECK(written.error().kind == ErrorKind::failed);
    CHECK(written.error().message.find("bad minute") != std::string::npos);
    CHECK(written.error().message.find("can't install") != std::string::npos);
    CHECK(read_or_empty(dir.path / "table") == "A=1\n");
  }

  TEST_CASE("a listing failure other than 'no crontab' is an error, not an empty table") {
    ScratchDir dir;
    write_executable(
        dir.path / "crontab",
        "#!/bin/sh\necho 'crontab: cannot open spool: Permission denied' >&2\nexit 1\n");
    auto target = make_target(program_settings(dir.path / "crontab"));
    auto table = target->read();
    REQUIRE_FALSE(table.has_value());
    CHECK(table.error().message.find("Permission denied") != std::string::npos);
  }

  TEST_CASE("a crontab program that does not exist is reported by name") {
    auto target = make_target(program_settings("/nonexistent/bin/crontab"));
    auto table = target->read();
    REQUIRE_FALSE(table.has_value());
    CHECK(table.error().message.find("/nonexistent/bin/crontab") != std::string::npos);
  }

  TEST_CASE("a cron.d file target reads missing as empty and writes 0644 atomically") {
    ScratchDir dir;
    CrontabSettings settings;
    settings.file = (dir.path / "certcron").string();
    settings.cron_d_user = "ana";
    auto target = make_target(settings);
    CHECK(target->user_field() == "ana");
    CHECK(*target->read() == "");
    REQUIRE(target->write("SHELL=/bin/sh\n").has_value());
    CHECK(*target->read() == "SHELL=/bin/sh\n");
    CHECK(mode_of(dir.path / "certcron") == 0644);
    CHECK(target->describe() == settings.file);
  }

  TEST_CASE("settings come from the [crontab] configuration and the state folder") {
    CrontabConfig config;
    config.program = "/usr/local/bin/crontab";
    config.user = "ana";
    config.file = "";
    config.timeout_seconds = 7;
    auto settings = crontab_settings(config, "/var/lib/certcron");
    CHECK(settings.program == "/usr/local/bin/crontab");
    CHECK(settings.user == "ana");
    CHECK(settings.state_dir == "/var/lib/certcron");
    CHECK(settings.cron_d_user == "root");
    CHECK(settings.program_timeout == std::chrono::seconds{7});
    CHECK(crontab_settings(CrontabConfig{}, "/tmp").program_timeout == std::chrono::seconds{30});
  }

}  // TEST_SUITE

// Needs the host's crontab and root (CTest runs it as unit.host; see tests/unit/cannot_run.hpp).
TEST_SUITE("host.crontab") {
  // The real Debian crontab needs root to write another user's spool; as root, a throw-away
  // user keeps the machine's own crontabs out of it.
  TEST_CASE("the real crontab program round-trips a table for a throw-away user") {
    if (::geteuid() != 0 || !fs::exists("/usr/bin/crontab") || !fs::exists("/usr/sbin/useradd")) {
      certcron::testing::cannot_run_here(
          "the real crontab round trip needs root, /usr/bin/crontab (Debian: cron) and "
          "/usr/sbin/useradd to use a throw-away user");
      return;
    }
    std::string user = "certcron-t" + std::to_string(::getpid() % 100000);
    auto run = [](std::vector<std::string> argv) {
      util::ProcessRequest request;
      request.argv = std::move(argv);
      return util::run_process(request);
    };
    auto added = run({"/usr/sbin/useradd", "-M", "-N", "-s", "/usr/sbin/nologin", user});
    REQUIRE(added.has_value());
    REQUIRE_MESSAGE(added->succeeded(), added->err);
    struct RemoveUser {
      std::string name;
      std::function<Result<util::ProcessResult>(std::vector<std::string>)> run;
      ~RemoveUser() {
        (void)run({"/usr/bin/crontab", "-u", name, "-r"});
        (void)run({"/usr/sbin/userdel", name});
      }
    } remove_user{user, run};

    auto target = make_target(program_settings("/usr/bin/crontab", user));
    auto empty = target->read();
    REQUIRE(empty.has_value());
    CHECK(empty->empty());

    std::string table = "MAILTO=\"\"\n# comment\n\n0 2 * * * echo 50\\% > /dev/null\n";
    REQUIRE(target->write(table).has_value());
    CHECK(*target->read() == table);

    auto refused = target->write("61 * * * * nope\n");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("bad minute") != std::string::npos);
    CHECK(*target->read() == table);

    // The whole block, em dash and escaped '%' included, survives the real program.
    ScratchDir state;
    auto settings = program_settings("/usr/bin/crontab", user);
    settings.state_dir = state.path.string();
    std::vector<ManagedEntry> entries{
        {"cron-001", "0 2 * * *",
         "'/usr/bin/certcron' --db '/srv/100%/c.db' execute cron-001 --scheduled"}};
    auto installed = install_block(*target, settings, "a1b2c3", entries);
    REQUIRE_MESSAGE(installed.has_value(), installed.error().message);
    CHECK(*target->read() == table + *render_block("a1b2c3", entries));
    REQUIRE(install_block(*target, settings, "a1b2c3", {}).has_value());
    CHECK(*target->read() == table);
  }

}  // TEST_SUITE
