#include "store/pg/job_store.hpp"
#include "store/pg/schema.hpp"
#include "store/pg/scratch_database_test_support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace certcron::store::pg {
namespace {

using testing::ScratchDatabase;

std::unique_ptr<Connection> migrated(const std::string& url) {
  auto connection = Connection::open(url);
  REQUIRE_MESSAGE(connection, (connection ? "" : connection.error().message));
  auto ran = guarded([&] { migrate(**connection); });
  REQUIRE_MESSAGE(ran, (ran ? "" : ran.error().message));
  return std::move(*connection);
}

JobDefinition definition(const std::string& name) {
  JobDefinition def;
  def.name = name;
  def.cron_expression = "30 2 * * *";
  def.server_timezone = "Europe/Berlin";
  return def;
}

Seconds at(std::int64_t seconds) { return Seconds{std::chrono::seconds{seconds}}; }

}  // namespace

TEST_SUITE("store.pg.jobs") {
  TEST_CASE("hosts starting together against a new database apply each schema step once") {
    const auto server = testing::test_server();
    if (!server) {
      return;
    }
    ScratchDatabase scratch(*server);
    std::atomic<int> failures{0};
    std::vector<std::thread> hosts;
    for (int i = 0; i < 8; ++i) {
      hosts.emplace_back([&] {
        auto connection = Connection::open(scratch.url());
        if (!connection || !guarded([&] { migrate(**connection); })) {
          ++failures;
        }
      });
    }
    for (auto& host : hosts) {
      host.join();
    }
    CHECK(failures == 0);
    auto connection = migrated(scratch.url());
    auto version = connection->query(
        "SELECT value FROM certcron_meta WHERE key = 'schema_version'");
    CHECK(std::string(version[0].text(0)) == std::to_string(latest_version()));
  }

  TEST_CASE("a duplicate name is told from a duplicate uuid by the constraint it broke") {
    const auto server = testing::test_server();
    if (!server) {
      return;
    }
    ScratchDatabase scratch(*server);
    auto connection = migrated(scratch.url());
    PgJobStore store(*connection);
    auto first = store.insert_job(definition("nightly"), at(1'700'000'000));
    REQUIRE(first);
    auto again = store.insert_job(definition("nightly"), at(1'700'000'000));
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::validation);
    // A broken rule that is not the name's is not reported as one.
    auto uuid_taken = guarded([&] {
      connection->query(
          "INSERT INTO jobs (name, type, grace_time_in_minutes, server_timezone, enabled, uuid, "
          "created_at, updated_at) VALUES ('other', 'cron', 5, 'UTC', true, $1, now(), now())",
          Params().add(first->uuid));
    });
    REQUIRE_FALSE(uuid_taken);
    CHECK(uuid_taken.error().kind == ErrorKind::failed);
  }

  TEST_CASE("twenty connections claiming one slot at once: exactly one run") {
    const auto server = testing::test_server();
    if (!server) {
      return;
    }
    ScratchDatabase scratch(*server);
    std::int64_t job_seq = 0;
    {
      auto connection = migrated(scratch.url());
      PgJobStore store(*connection);
      auto job = store.insert_job(definition("nightly"), at(1'700'000'000));
      REQUIRE(job);
      job_seq = job->seq;
    }
    std::atomic<int> claimed{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> claimants;
    for (int i = 0; i < 20; ++i) {
      claimants.emplace_back([&, i] {
        auto connection = Connection::open(scratch.url());
        if (!connection) {
          ++other;
          return;
        }
        PgJobStore store(**connection);
        Run run;
        run.job_seq = job_seq;
        run.trigger = RunTrigger::schedule;
        run.scheduled_for = at(1'700'006'400);
        run.started_at = at(1'700'006'401);
        run.pid = 1000 + i;
        while (!go) {
          std::this_thread::yield();
        }
        auto inserted = store.insert_run(run);
        if (inserted) {
          ++claimed;
        } else if (inserted.error().kind == ErrorKind::conflict) {
          ++refused;
        } else {
          ++other;
        }
      });
    }
    go = true;
    for (auto& claimant : claimants) {
      claimant.join();
    }
    CHECK(claimed == 1);
    CHECK(refused == 19);
    CHECK(other == 0);
  }

  TEST_CASE("sessions in different time zones write and read the same instants") {
    const auto server = testing::test_server();
    if (!server) {
      return;
    }
    ScratchDatabase scratch(*server);
    auto auckland = migrated(scratch.url());
    auto los_angeles = migrated(scratch.url());
    auckland->script("SET TimeZone TO 'Pacific/Auckland'");
    los_angeles->script("SET TimeZone TO 'America/Los_Angeles'");
    PgJobStore writer(*auckland);
    PgJobStore reader(*los_angeles);
    auto job = writer.insert_job(definition("nightly"), at(1'700'000'000));
    REQUIRE(job);
    Run run;
    run.job_seq = job->seq;
    run.trigger = RunTrigger::schedule;
    run.scheduled_for = at(1'711'846'800);  // 2024-03-31 01:00 UTC, Europe's DST change
    run.started_at = at(1'711'846'805);
    REQUIRE(writer.insert_run(run));
    auto seen = reader.has_run_for_slot(job->seq, at(1'711'846'800));
    REQUIRE(seen);
    CHECK(*seen);
    auto read = reader.last_run(job->seq);
    REQUIRE(read);
    REQUIRE(*read);
    CHECK((*read)->scheduled_for == run.scheduled_for);
    CHECK((*read)->started_at == run.started_at);
    auto read_job = reader.find_job_by_seq(job->seq);
    REQUIRE(read_job);
    CHECK((*read_job)->created_at == at(1'700'000'000));
  }
}

}  // namespace certcron::store::pg

namespace certcron::store::pg {

TEST_SUITE("store.pg.connection") {
  TEST_CASE("a connection the server ended (a restart, a failover) connects again between transactions") {
    const auto server = testing::test_server();
    if (!server) {
      return;
    }
    ScratchDatabase scratch(*server);
    auto connection = migrated(scratch.url());
    auto admin = testing::connect(scratch.url());
    const auto pid = connection->query("SELECT pg_backend_pid()")[0].int64(0);
    admin->query("SELECT pg_terminate_backend($1)", Params().add(pid));
    // The statement that meets the closed connection fails, saying so...
    auto lost = guarded([&] { connection->query("SELECT 1"); });
    REQUIRE_FALSE(lost);
    CHECK(lost.error().message.find("lost the connection") != std::string::npos);
    // ...and the next one runs on a new session, in UTC again.
    PgJobStore store(*connection);
    auto job = store.insert_job(definition("after the restart"), at(1'700'000'000));
    REQUIRE(job);
    CHECK(connection->query("SELECT pg_backend_pid()")[0].int64(0) != pid);
    CHECK(std::string(connection->query("SHOW TimeZone")[0].text(0)) == "UTC");
  }
}

}  // namespace certcron::store::pg
