#include "core/ping_service.hpp"

#include "json/shapes.hpp"
#include "store/ping_store.hpp"
#include "unit/service_fixture.hpp"

namespace certcron {
namespace {

// The service fixture's database with the ping store and service on its connection.
struct PingFixture : testing::ServiceFixture {
  store::SqlitePingStore ping_store{*db};
  PingService pings{*jobs, ping_store, clock};

  Job job(const std::string& name) { return *jobs->find_job(name).value(); }
  std::int64_t ping_count() { return db->execAndGet("SELECT count(*) FROM pings").getInt64(); }
};

PingRequest request(PingKind kind, std::string rid = "") {
  PingRequest ping;
  ping.kind = kind;
  ping.rid = std::move(rid);
  ping.source = PingSource::http;
  return ping;
}

}  // namespace

TEST_SUITE("core.ping_service") {
  TEST_CASE("starting, finished and failed pings set the monitoring state and latest_ping_at") {
    PingFixture fx;
    const Job nightly = fx.add_job("nightly", "0 2 * * *");
    REQUIRE(fx.pings.record_for_uuid(nightly.uuid, request(PingKind::starting)));
    CHECK(fx.job("nightly").latest_result == LatestResult::ping_starting);
    CHECK(fx.job("nightly").latest_ping_at == fx.clock.now());

    fx.clock.advance(std::chrono::seconds(90));
    REQUIRE(fx.pings.record("nightly", request(PingKind::finished)));
    CHECK(fx.job("nightly").latest_result == LatestResult::ping_finished);
    CHECK(fx.job("nightly").latest_ping_at == fx.clock.now());

    fx.clock.advance(std::chrono::seconds(60));
    REQUIRE(fx.pings.record(nightly.id(), request(PingKind::failed)));
    CHECK(fx.job("nightly").latest_result == LatestResult::ping_failed);
    CHECK(fx.job("nightly").latest_ping_at == fx.clock.now());
  }

  TEST_CASE("a log ping is recorded and leaves the monitoring state alone") {
    PingFixture fx;
    const Job nightly = fx.add_job("nightly", "0 2 * * *");
    REQUIRE(fx.pings.record_for_uuid(nightly.uuid, request(PingKind::finished)));
    const auto pinged_at = fx.clock.now();
    fx.clock.advance(std::chrono::seconds(30));
    auto log = fx.pings.record_for_uuid(nightly.uuid, request(PingKind::log));
    REQUIRE(log);
    CHECK(log->kind == PingKind::log);
    CHECK(fx.job("nightly").latest_result == LatestResult::ping_finished);
    CHECK(fx.job("nightly").latest_ping_at == pinged_at);
    CHECK(fx.ping_count() == 2);
  }

  TEST_CASE("a finished ping with a non-zero exit code is a failure") {
    PingFixture fx;
    const Job nightly = fx.add_job("nightly", "0 2 * * *");
    PingRequest ping = request(PingKind::finished);
    ping.exit_code = 3;
    auto recorded = fx.pings.record_for_uuid(nightly.uuid, ping);
    REQUIRE(recorded);
    CHECK(recorded->kind == PingKind::failed);
    CHECK(recorded->exit_code == 3);
    CHECK(fx.job("nightly").latest_result == LatestResult::ping_failed);

    ping.exit_code = 0;
    REQUIRE(fx.pings.record_for_uuid(nightly.uuid, ping));
    CHECK(fx.job("nightly").latest_result == LatestResult::ping_finished);
  }

  TEST_CASE("an end ping with a rid gets the runtime since the start with that rid") {
    PingFixture fx;
    const Job nightly = fx.add_job("nightly", "0 2 * * *");
    REQUIRE(fx.pings.record_for_uuid(nightly.uuid, request(PingKind::starting, "run-a")));
    fx.clock.advance(std::chrono::seconds(10));
    REQUIRE(fx.pings.record_for_uuid(nightly.uuid, request(PingKind::starting, "run-b")));
    fx.clock.advance(std::chrono::seconds(35));
    auto end_a = fx.pings.record_for_uuid(nightly.uuid, request(PingKind::finished, "run-a"));
    REQUIRE(end_a);
    CHECK(end_a->runtime_ms == 45000);
    auto end_b = fx.pings.record_for_uuid(nightly.uuid, request(PingKind::failed, "run-b"));
    REQUIRE(end_b);
    CHECK(end_b->runtime_ms == 35000);

    SUBCASE("a given runtime wins over the pairing") {
      PingRequest given = request(PingKind::finished, "run-a");
      given.runtime = 1.5;
      auto end = fx.pings.record_for_uuid(nightly.uuid, given);
      REQUIRE(end);
      CHECK(end->runtime_ms == 1500);
    }
    SUBCASE("a rid no start carried gives no runtime") {
      auto end = fx.pings.record_for_uuid(nightly.uuid, request(PingKind::finished, "run-z"));
      REQUIRE(end);
      CHECK_FALSE(end->runtime_ms.has_value());
    }
    SUBCASE("another job's start with the same rid is not paired") {
      const Job other = fx.add_job("other", "0 3 * * *");
      auto end = fx.pings.record_for_uuid(other.uuid, request(PingKind::finished, "run-a"));
      REQUIRE(end);
      CHECK_FALSE(end->runtime_ms.has_value());
    }
  }

  TEST_CASE("an unknown uuid is not_found and records nothing") {
    PingFixture fx;
    const Job nightly = fx.add_job("nightly", "0 2 * * *");
    auto recorded = fx.pings.record_for_uuid("00000000-0000-4000-8000-000000000000",
                                             request(PingKind::finished));
    REQUIRE_FALSE(recorded);
    CHECK(recorded.error().kind == ErrorKind::not_found);
    CHECK(fx.ping_count() == 0);
    CHECK_FALSE(fx.job("nightly").latest_result.has_value());
    CHECK_FALSE(fx.job("nightly").latest_ping_at.has_value());
    auto by_name = fx.pings.record("missing", request(PingKind::finished));
    REQUIRE_FALSE(by_name);
    CHECK(by_name.error().kind == ErrorKind::not_found);
    CHECK(fx.ping_count() == 0);
  }

  TEST_CASE("an exit code beyond 0..255 or a negative runtime is refused naming the field") {
    PingFixture fx;
    const Job nightly = fx.add_job("nightly", "0 2 * * *");
    PingRequest ping = request(PingKind::finished);
    ping.exit_code = 256;
    ping.runtime = -1;
    auto refused = fx.pings.record_for_uuid(nightly.uuid, ping);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::validation);
    CHECK(refused.error().fields.count("exit_code") == 1);
    CHECK(refused.error().fields.count("runtime") == 1);
    CHECK(fx.ping_count() == 0);
  }

  TEST_CASE("the history keeps the newest 1,000 pings of a job and no other job's") {
    PingFixture fx;
    const Job busy = fx.add_job("busy", "* * * * *");
    const Job quiet = fx.add_job("quiet", "0 2 * * *");
    REQUIRE(fx.pings.record_for_uuid(quiet.uuid, request(PingKind::finished)));
    std::int64_t last_seq = 0;
    for (int i = 0; i < 1005; ++i) {
      PingRequest ping = request(PingKind::log);
      ping.message = "ping " + std::to_string(i);
      auto recorded = fx.pings.record_for_uuid(busy.uuid, ping);
      REQUIRE(recorded);
      last_seq = recorded->seq;
    }
    auto page = fx.pings.history("busy", PageRequest{1, 100});
    REQUIRE(page);
    CHECK(page->total == 1000);
    CHECK(page->items.front().seq == last_seq);
    CHECK(page->items.front().message == "ping 1004");
    auto last_page = fx.pings.history("busy", PageRequest{10, 100});
    REQUIRE(last_page);
    CHECK(last_page->items.back().message == "ping 5");
    CHECK(fx.pings.history("quiet", PageRequest{1, 20})->total == 1);
  }

  TEST_CASE("a long body and message are cut at a character boundary") {
    PingFixture fx;
    const Job nightly = fx.add_job("nightly", "0 2 * * *");
    PingRequest ping = request(PingKind::log);
    ping.body = std::string(kMaxPingBodyBytes - 1, 'x') + "\xc3\xa9" + "tail";
    ping.message = std::string(2000, 'm');
    auto recorded = fx.pings.record_for_uuid(nightly.uuid, ping);
    REQUIRE(recorded);
    CHECK(recorded->body.size() == kMaxPingBodyBytes - 1);
    CHECK(recorded->message.size() == kMaxPingMessageBytes);
    CHECK(fx.pings.recent(nightly.seq, 5)->front().body == recorded->body);
  }

  TEST_CASE("deleting a job deletes its pings") {
    PingFixture fx;
    const Job nightly = fx.add_job("nightly", "0 2 * * *");
    REQUIRE(fx.pings.record_for_uuid(nightly.uuid, request(PingKind::finished)));
    REQUIRE(fx.jobs->delete_job(nightly.seq));
    CHECK(fx.ping_count() == 0);
  }
}

TEST_SUITE("core.job_service.snooze") {
  TEST_CASE("snooze sets ends_at now + minutes and unsnooze lifts it") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *");
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    auto snoozed = service.snooze("nightly", 90);
    REQUIRE(snoozed);
    REQUIRE(snoozed->job.snooze);
    CHECK(snoozed->job.snooze->minutes == 90);
    CHECK(snoozed->job.snooze->ends_at == fx.clock.now() + std::chrono::minutes(90));
    auto stored = *fx.jobs->find_job("nightly").value();
    CHECK(stored.snooze->ends_at == snoozed->job.snooze->ends_at);
    CHECK(stored.updated_at == stored.created_at);

    auto lifted = service.unsnooze("cron-001");
    REQUIRE(lifted);
    CHECK_FALSE(lifted->job.snooze.has_value());
    CHECK_FALSE((*fx.jobs->find_job("nightly").value()).snooze.has_value());
  }

  TEST_CASE("snooze takes 1 to 144000 minutes and names the field otherwise") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *");
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    CHECK(service.snooze("nightly", 1));
    CHECK(service.snooze("nightly", 144000));
    for (int minutes : {0, -5, 144001}) {
      auto refused = service.snooze("nightly", minutes);
      REQUIRE_FALSE(refused);
      CHECK(refused.error().kind == ErrorKind::validation);
      CHECK(refused.error().fields.count("minutes") == 1);
    }
    CHECK((*fx.jobs->find_job("nightly").value()).snooze->minutes == 144000);
  }

  TEST_CASE("a snooze ends by itself: active_snooze is null once ends_at has passed") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *");
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    auto snoozed = service.snooze("nightly", 10);
    REQUIRE(snoozed);
    const std::string base = "http://127.0.0.1:8080";
    CHECK(json::job_to_json(*snoozed, fx.clock.now(), base)["active_snooze"]["minutes"] == 10);
    fx.clock.advance(std::chrono::minutes(10));
    auto later = service.show("nightly");
    REQUIRE(later);
    CHECK(json::job_to_json(*later, fx.clock.now(), base)["active_snooze"].is_null());
  }

  TEST_CASE("snooze and unsnooze of an unknown job are not_found") {
    testing::ServiceFixture fx;
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    CHECK(service.snooze("missing", 10).error().kind == ErrorKind::not_found);
    CHECK(service.unsnooze("missing").error().kind == ErrorKind::not_found);
  }
}

}  // namespace certcron
