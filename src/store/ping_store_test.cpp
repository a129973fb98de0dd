#include "store/old_schema_test_support.hpp"
#include "store/ping_store.hpp"

#include "store/database.hpp"
#include "store/job_store.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace certcron::store {
namespace {

struct ScratchFolder {
  std::string folder;
  ScratchFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "certcron-pings.XXXXXX").string();
    folder = mkdtemp(pattern.data());
  }
  ~ScratchFolder() { std::filesystem::remove_all(folder); }
  std::string path() const { return folder + "/certcron.db"; }
};

JobDefinition daily(const std::string& name) {
  JobDefinition definition;
  definition.name = name;
  definition.cron_expression = "0 2 * * *";
  definition.server_timezone = "UTC";
  return definition;
}

Ping ping_of(std::int64_t job_seq, std::int64_t at, PingKind kind) {
  Ping ping;
  ping.job_seq = job_seq;
  ping.at = Seconds{std::chrono::seconds{at}};
  ping.kind = kind;
  ping.source = PingSource::http;
  return ping;
}

}  // namespace

TEST_SUITE("store.ping_store") {
  TEST_CASE("schema step 4 adds the ping history to a version-3 database and keeps its jobs") {
    ScratchFolder scratch;
    std::string uuid;
    {
      auto db = open_database_at_version(scratch.path(), 3);
      REQUIRE(db);
      uuid = "0d210b09-0000-4000-8000-000000000001";
      testing::insert_version1_job(**db, "kept", uuid);
      CHECK((*db)->execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'pings'").getInt() == 0);
    }
    auto db = open_database(scratch.path());
    REQUIRE(db);
    CHECK((*db)->execAndGet("PRAGMA user_version").getInt() >= 4);
    SqlitePingStore pings(**db);
    auto seq = pings.job_seq_for_uuid(uuid);
    REQUIRE(seq);
    REQUIRE(seq->has_value());
    CHECK(pings.insert_ping(ping_of(**seq, 200, PingKind::starting), 1000));
    CHECK(pings.list_pings(**seq, PageRequest{1, 20})->total == 1);
  }

  TEST_CASE("the ping table refuses an unknown kind and a job that does not exist") {
    ScratchFolder scratch;
    auto db = open_database(scratch.path());
    REQUIRE(db);
    CHECK_THROWS((*db)->exec("INSERT INTO pings (job_seq, at, kind, source) VALUES (1, 0, 'done', 'cli')"));
    SqlitePingStore pings(**db);
    CHECK_FALSE(pings.insert_ping(ping_of(42, 0, PingKind::finished), 1000));
  }

  TEST_CASE("the start of a rid is the newest starting ping of that job with that rid") {
    ScratchFolder scratch;
    auto db = open_database(scratch.path());
    REQUIRE(db);
    SqliteJobStore jobs(**db, scratch.path());
    const auto job = jobs.insert_job(daily("nightly"), Seconds{});
    REQUIRE(job);
    SqlitePingStore pings(**db);
    Ping first = ping_of(job->seq, 10, PingKind::starting);
    first.rid = "r";
    Ping second = ping_of(job->seq, 20, PingKind::starting);
    second.rid = "r";
    Ping end = ping_of(job->seq, 30, PingKind::finished);
    end.rid = "r";
    REQUIRE(pings.insert_ping(first, 1000));
    REQUIRE(pings.insert_ping(second, 1000));
    REQUIRE(pings.insert_ping(end, 1000));
    auto start = pings.find_start(job->seq, "r");
    REQUIRE(start);
    REQUIRE(start->has_value());
    CHECK((*start)->at == second.at);
    CHECK_FALSE(pings.find_start(job->seq, "other")->has_value());
    CHECK(pings.list_pings(job->seq, PageRequest{2, 20})->items.empty());
  }
}

}  // namespace certcron::store
