#include "crontab/install.hpp"

#include "crontab/crontab_test_support.hpp"

#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <csignal>
#include <thread>

using namespace certcron;
using namespace certcron::crontab;
using namespace certcron::crontab::testing;

namespace {

struct Fixture {
  ScratchDir dir;
  CrontabSettings settings;
  std::unique_ptr<CrontabTarget> target;

  explicit Fixture(bool refusing = false) {
    settings.program = (refusing ? refusing_crontab(dir.path) : fake_crontab(dir.path)).string();
    settings.state_dir = (dir.path / "state").string();
    target = make_target(settings);
  }
  void set_table(const std::string& text) {
    REQUIRE(util::write_file_atomically(dir.path / "table", text).has_value());
  }
  std::string table() const { return read_or_empty(dir.path / "table"); }
  std::string calls() const { return read_or_empty(dir.path / "calls"); }
  fs::path backup(int n) const {
    return dir.path / "state" / ("crontab.backup." + std::to_string(n));
  }
};

std::vector<ManagedEntry> lines_for(std::string_view hour) {
  return {{"cron-001", std::string("0 ") + std::string(hour) + " * * *",
           "'/bin/certcron' execute cron-001"},
          {"monitor", "*/5 * * * *", "'/bin/certcron' check --quiet"}};
}

std::string block_for(std::string_view identity, std::string_view hour) {
  return *render_block(identity, lines_for(hour));
}

}  // namespace

TEST_SUITE("crontab.install") {
  TEST_CASE("installing appends the block and keeps the previous table as backup 1") {
    Fixture f;
    f.set_table("MAILTO=ops\n# keep me");
    auto outcome = install_block(*f.target, f.settings, "db", lines_for("2"));
    REQUIRE(outcome.has_value());
    CHECK(outcome->changed);
    CHECK(outcome->previous_block.empty());
    CHECK(f.table() == "MAILTO=ops\n# keep me\n" + block_for("db", "2"));
    CHECK(outcome->backup_path == f.backup(1).string());
    CHECK(read_or_empty(f.backup(1)) == "MAILTO=ops\n# keep me");
  }

  TEST_CASE("installing the block that is already there writes nothing") {
    Fixture f;
    REQUIRE(install_block(*f.target, f.settings, "db", lines_for("2")).has_value());
    std::string calls_before = f.calls();
    auto again = install_block(*f.target, f.settings, "db", lines_for("2"));
    REQUIRE(again.has_value());
    CHECK_FALSE(again->changed);
    CHECK(again->backup_path.empty());
    CHECK(f.calls() == calls_before + "-l\n");
    CHECK_FALSE(fs::exists(f.backup(2)));
  }

  TEST_CASE("no entries remove the block and only it") {
    Fixture f;
    std::string other = block_for("other-db", "4");
    f.set_table("A=1\n" + block_for("db", "2") + other + "# tail\n");
    auto outcome = install_block(*f.target, f.settings, "db", {});
    REQUIRE(outcome.has_value());
    CHECK(outcome->changed);
    CHECK(outcome->previous_block == block_for("db", "2"));
    CHECK(outcome->block.empty());
    CHECK(f.table() == "A=1\n" + other + "# tail\n");
  }

  TEST_CASE("the last five tables are kept, newest as backup 1") {
    Fixture f;
    for (int hour = 0; hour < 7; ++hour) {
      REQUIRE(
          install_block(*f.target, f.settings, "db", lines_for(std::to_string(hour))).has_value());
    }
    // Backup 1 holds the table before the last change (hour 5), backup 5 the one with hour 1.
    CHECK(read_or_empty(f.backup(1)) == block_for("db", "5"));
    CHECK(read_or_empty(f.backup(5)) == block_for("db", "1"));
    CHECK_FALSE(fs::exists(f.backup(6)));
  }

  TEST_CASE("a backup that cannot be written drops none of the five kept, and installs nothing") {
    Fixture f;
    for (int hour = 0; hour < 7; ++hour) {
      REQUIRE(
          install_block(*f.target, f.settings, "db", lines_for(std::to_string(hour))).has_value());
    }
    // Files may not grow past 16 bytes while it installs: the backup's write fails (EFBIG),
    // as it does on a full disk.
    rlimit before{};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &before) == 0);
    auto* const handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small{16, before.rlim_max};
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    auto refused = install_block(*f.target, f.settings, "db", lines_for("7"));
    ::setrlimit(RLIMIT_FSIZE, &before);
    std::signal(SIGXFSZ, handler);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.starts_with("cannot keep a backup of the crontab: "));
    CHECK(f.table() == block_for("db", "6"));
    CHECK(read_or_empty(f.backup(1)) == block_for("db", "5"));
    CHECK(read_or_empty(f.backup(5)) == block_for("db", "1"));
  }

  TEST_CASE("damaged markers are refused with line numbers and advice, and nothing is written") {
    Fixture f;
    std::string damaged = "A=1\n" + begin_marker("db") + "\n0 2 * * * x\n";
    f.set_table(damaged);
    auto outcome = install_block(*f.target, f.settings, "db", lines_for("3"));
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::failed);
    const std::string& message = outcome.error().message;
    CHECK(message.find("line 2") != std::string::npos);
    CHECK(message.find("crontab -e") != std::string::npos);
    CHECK(message.find("certcron crontab repair") != std::string::npos);
    CHECK(f.table() == damaged);
    CHECK(f.calls() == "-l\n");
    CHECK_FALSE(fs::exists(f.backup(1)));
    CHECK_FALSE(verify_block(*f.target, "db", lines_for("3")).has_value());
    CHECK_FALSE(read_block(*f.target, "db").has_value());
  }

  TEST_CASE("a table the crontab program rejects is an error with its stderr; the table stays") {
    Fixture f(true);
    f.set_table("A=1\n");
    auto outcome = install_block(*f.target, f.settings, "db", lines_for("2"));
    REQUIRE_FALSE(outcome.has_value());
    CHECK(outcome.error().kind == ErrorKind::failed);
    CHECK(outcome.error().message.find("bad minute") != std::string::npos);
    CHECK(f.table() == "A=1\n");
  }

  TEST_CASE("a cron.d file gets lines with the user column") {
    ScratchDir dir;
    CrontabSettings settings;
    settings.file = (dir.path / "certcron").string();
    settings.state_dir = (dir.path / "state").string();
    auto target = make_target(settings);
    REQUIRE(install_block(*target, settings, "db", lines_for("2")).has_value());
    CHECK(read_or_empty(settings.file) == *render_block("db", lines_for("2"), "root"));
    CHECK(read_or_empty(settings.file).find("\n0 2 * * * root '/bin/certcron'") !=
          std::string::npos);
  }

  TEST_CASE("verify reports in sync, drift with a diff, and a missing block") {
    Fixture f;
    REQUIRE(install_block(*f.target, f.settings, "db", lines_for("2")).has_value());
    auto same = verify_block(*f.target, "db", lines_for("2"));
    REQUIRE(same.has_value());
    CHECK(same->in_sync);
    CHECK(same->diff.empty());

    auto drift = verify_block(*f.target, "db", lines_for("3"));
    REQUIRE(drift.has_value());
    CHECK_FALSE(drift->in_sync);
    CHECK(drift->diff.find("-0 2 * * * '/bin/certcron' execute cron-001") != std::string::npos);
    CHECK(drift->diff.find("+0 3 * * * '/bin/certcron' execute cron-001") != std::string::npos);

    auto absent = verify_block(*f.target, "other", lines_for("2"));
    REQUIRE(absent.has_value());
    CHECK_FALSE(absent->in_sync);
    CHECK_FALSE(absent->installed.has_value());

    auto nothing_expected = verify_block(*f.target, "other", {});
    REQUIRE(nothing_expected.has_value());
    CHECK(nothing_expected->in_sync);
  }

  TEST_CASE("threads installing the blocks of eight databases at once lose none of them") {
    Fixture f;
    std::vector<std::thread> threads;
    std::atomic<int> failures = 0;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        auto target = make_target(f.settings);  // each thread its own, as separate processes
        for (int hour = 0; hour < 3; ++hour) {
          if (!install_block(*target, f.settings, "db" + std::to_string(t),
                             lines_for(std::to_string(hour)))) {
            ++failures;
          }
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    CHECK(failures == 0);
    for (int t = 0; t < 8; ++t) {
      CHECK(extract_block(f.table(), "db" + std::to_string(t))->value() ==
            block_for("db" + std::to_string(t), "2"));
    }
  }

  TEST_CASE("processes installing at once lose none of their blocks") {
    Fixture f;
    std::vector<pid_t> children;
    for (int p = 0; p < 4; ++p) {
      pid_t child = ::fork();
      REQUIRE(child >= 0);
      if (child == 0) {
        auto target = make_target(f.settings);
        bool ok = true;
        for (int hour = 0; hour < 3; ++hour) {
          ok = ok && install_block(*target, f.settings, "proc" + std::to_string(p),
                                   lines_for(std::to_string(hour)))
                         .has_value();
        }
        ::_exit(ok ? 0 : 1);
      }
      children.push_back(child);
    }
    for (pid_t child : children) {
      int status = 0;
      REQUIRE(::waitpid(child, &status, 0) == child);
      CHECK(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 0);
    }
    for (int p = 0; p < 4; ++p) {
      CHECK(extract_block(f.table(), "proc" + std::to_string(p))->value() ==
            block_for("proc" + std::to_string(p), "2"));
    }
  }

}  // TEST_SUITE
