#include "core/run_service.hpp"

#include "unit/service_fixture.hpp"

#include <SQLiteCpp/Statement.h>

#include <functional>
#include <vector>

namespace certcron {
namespace {

using testing::at;
using testing::everyone_alive;
using testing::RecordingDelivery;

RunLiveness everyone_dead() { return {[](std::int64_t, std::int64_t) { return false; }, 1}; }

ExecuteRequest scheduled(const std::string& job) {
  return ExecuteRequest{job, RunTrigger::schedule, false, true};
}

// Takes five minutes a message, as a slow mail relay might, and notes the run's lease as
// each message starts.
class SlowDelivery final : public reminders::Delivery {
 public:
  SlowDelivery(FixedClock& clock, JobStore& jobs) : clock_(clock), jobs_(jobs) {}
  Result<void> deliver(const reminders::Message&) override {
    auto running = jobs_.running_run(1);
    REQUIRE(running);
    REQUIRE(*running);
    leases.push_back((*running)->lease_until.value_or(Seconds{}));
    clock_.advance(std::chrono::minutes{5});
    return {};
  }
  std::vector<Seconds> leases;

 private:
  FixedClock& clock_;
  JobStore& jobs_;
};

// Four mentors whose CPR certification expires on `expires_on`.
void add_certifications(testing::ServiceFixture& fx, const char* expires_on) {
  std::vector<reminders::CertificationRow> rows;
  for (const char* mentor : {"m1", "m2", "m3", "m4"}) {
    rows.push_back({mentor, "Name", std::string(mentor) + "@example.org", "CPR", expires_on,
                    testing::at((std::string(expires_on) + "T00:00:00Z").c_str()), ""});
  }
  REQUIRE(fx.reminders->in_transaction([&]() -> Result<void> {
    auto counts = fx.reminders->upsert(rows);
    return counts ? Result<void>{} : fail(counts.error());
  }));
}

// A run of another job, running now (as a second certcron process would have).
std::int64_t other_running_run(testing::ServiceFixture& fx) {
  const Job other = fx.add_job("other", "30 2 * * *");
  Run run;
  run.job_seq = other.seq;
  run.trigger = RunTrigger::manual;
  run.started_at = fx.clock.now();
  run.status = RunStatus::running;
  run.pid = 4242;
  auto inserted = fx.jobs->insert_run(run);
  REQUIRE(inserted);
  return inserted->seq;
}

// Five minutes a message, like SlowDelivery; while each message is out, another job's run
// (`rival`) tries to claim the reminder being delivered, and `on_message` sees the count.
class ContestedDelivery final : public reminders::Delivery {
 public:
  ContestedDelivery(testing::ServiceFixture& fx, std::int64_t rival) : fx_(fx), rival_(rival) {}
  Result<void> deliver(const reminders::Message&) override {
    fx_.clock.advance(std::chrono::minutes{5});
    SQLite::Statement held(*fx_.db,
                           "SELECT certification_id, expires_on, threshold FROM reminder_claims");
    REQUIRE(held.executeStep());
    const reminders::ReminderKey key{held.getColumn(0).getInt64(), held.getColumn(1).getString(),
                                     held.getColumn(2).getInt()};
    REQUIRE_FALSE(held.executeStep());
    held.reset();
    auto taken = fx_.reminders->claim({key}, {rival_, fx_.clock.now()});
    REQUIRE(taken);
    rival_took.push_back((*taken)[0]);
    ++sent;
    if (on_message) {
      on_message(sent);
    }
    return {};
  }
  std::vector<bool> rival_took;
  int sent = 0;
  std::function<void(int)> on_message;

 private:
  testing::ServiceFixture& fx_;
  std::int64_t rival_;
};

}  // namespace

TEST_SUITE("core.run_service") {
  TEST_CASE("a run still delivering renews its lease a quarter of the way through it") {
    testing::ServiceFixture fx;
    const Job job = fx.add_job("long", "0 2 * * *");
    REQUIRE(job.seq == 1);
    add_certifications(fx, "2026-04-01");
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());  // lease 900 s
    SlowDelivery delivery(fx.clock, *fx.jobs);
    const Seconds start = fx.clock.now();
    auto outcome = runs.execute(ExecuteRequest{"long"}, delivery, reminders::ReminderConfig{});
    REQUIRE(outcome);
    REQUIRE(outcome->run);
    CHECK(outcome->run->result->reminders_sent == 4);
    // Each message took 5 minutes, more than a quarter of the lease: renewed after each.
    using std::chrono::minutes;
    CHECK(delivery.leases == std::vector<Seconds>{start + minutes{15}, start + minutes{20},
                                                  start + minutes{25}, start + minutes{30}});
    CHECK((*fx.jobs->find_run(outcome->run->seq))->lease_until == start + minutes{35});
  }

  TEST_CASE("a claim's lease counts from when it is made: late in a long run, another job's run cannot take a reminder") {
    testing::ServiceFixture fx;
    fx.add_job("long", "0 2 * * *");
    add_certifications(fx, "2026-04-01");
    const std::int64_t rival = other_running_run(fx);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());  // lease 900 s
    ContestedDelivery delivery(fx, rival);
    auto outcome = runs.execute(ExecuteRequest{"long"}, delivery, reminders::ReminderConfig{});
    REQUIRE(outcome);
    REQUIRE(outcome->run);
    CHECK(outcome->run->result->reminders_sent == 4);
    // The fourth reminder is claimed 15 minutes (the lease) after the run started and
    // contested 5 minutes later: still within its own claim's lease.
    CHECK(delivery.rival_took == std::vector<bool>{false, false, false, false});
  }

  TEST_CASE("a run ended by another process while it delivers stops before claiming more") {
    testing::ServiceFixture fx;
    fx.add_job("long", "0 2 * * *");
    add_certifications(fx, "2026-04-01");
    const std::int64_t rival = other_running_run(fx);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    ContestedDelivery delivery(fx, rival);
    // During the second message, another host finds the run's lease passed (say this host
    // was suspended) and marks the run abandoned, as RunService::settle_run does.
    delivery.on_message = [&](int sent) {
      if (sent != 2) {
        return;
      }
      auto running = fx.jobs->running_run(1);
      REQUIRE(running);
      REQUIRE(*running);
      Run ended = **running;
      ended.status = RunStatus::abandoned;
      ended.completed_at = fx.clock.now();
      REQUIRE(fx.jobs->update_run(ended));
    };
    auto outcome = runs.execute(ExecuteRequest{"long"}, delivery, reminders::ReminderConfig{});
    REQUIRE(outcome);
    REQUIRE(outcome->run);
    CHECK(delivery.sent == 2);
    CHECK(outcome->run->status != RunStatus::success);
    CHECK(outcome->run->error_message.find("ended by another process") != std::string::npos);
    // What it did not deliver is free for the next run.
    fx.clock.advance(std::chrono::minutes{1});
    RecordingDelivery next;
    auto again = runs.execute(ExecuteRequest{"long"}, next, reminders::ReminderConfig{});
    REQUIRE(again);
    REQUIRE(again->run);
    CHECK(next.sent.size() == 2);
  }

  TEST_CASE("a run started up to 30 s before its slot checks as of the slot, not the day before") {
    testing::ServiceFixture fx;
    fx.clock.set(at("2026-03-20T12:00:00Z"));
    fx.add_job("midnight", "0 0 * * *");
    add_certifications(fx, "2026-04-02");  // 7 days after 2026-03-26, 8 after 03-25
    fx.clock.set(at("2026-03-25T23:59:45Z"));
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    RecordingDelivery delivery;
    auto outcome = runs.execute(scheduled("midnight"), delivery, reminders::ReminderConfig{});
    REQUIRE(outcome);
    REQUIRE(outcome->run);
    CHECK(outcome->run->scheduled_for == at("2026-03-26T00:00:00Z"));
    REQUIRE(delivery.sent.size() == 4);
    CHECK(delivery.sent[0].threshold == 7);
    CHECK(delivery.sent[0].days_left == 7);
  }

  TEST_CASE("a scheduled execute runs only for a due slot within the grace time") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *", 5);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    RecordingDelivery delivery;
    reminders::ReminderConfig config;

    fx.clock.set(at("2026-03-26T01:59:00Z"));
    auto early = runs.execute(scheduled("nightly"), delivery, config);
    REQUIRE(early);
    CHECK_FALSE(early->run);

    fx.clock.set(at("2026-03-26T02:05:00Z"));  // exactly the grace time after the slot
    auto on_time = runs.execute(scheduled("nightly"), delivery, config);
    REQUIRE(on_time);
    REQUIRE(on_time->run);
    CHECK(on_time->run->scheduled_for == at("2026-03-26T02:00:00Z"));
    CHECK(on_time->run->trigger == RunTrigger::schedule);
    CHECK(on_time->run->status == RunStatus::success);

    auto again = runs.execute(scheduled("nightly"), delivery, config);
    REQUIRE(again);
    CHECK_FALSE(again->run);
    CHECK(again->skipped.find("already has a run") != std::string::npos);

    fx.clock.set(at("2026-03-27T02:05:01Z"));  // one second past the grace time
    auto late = runs.execute(scheduled("nightly"), delivery, config);
    REQUIRE(late);
    CHECK_FALSE(late->run);
  }

  TEST_CASE("a process up to 30 s before its slot runs it: hosts 30 s apart run the same slot") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *", 5);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    RecordingDelivery delivery;
    fx.clock.set(at("2026-03-26T01:59:29Z"));
    auto too_early = runs.execute(scheduled("nightly"), delivery, reminders::ReminderConfig{});
    REQUIRE(too_early);
    CHECK_FALSE(too_early->run);
    CHECK(too_early->skipped.find("no slot") != std::string::npos);
    fx.clock.set(at("2026-03-26T01:59:30Z"));  // this host's clock 30 s behind
    auto behind = runs.execute(scheduled("nightly"), delivery, reminders::ReminderConfig{});
    REQUIRE(behind);
    REQUIRE(behind->run);
    CHECK(behind->run->scheduled_for == at("2026-03-26T02:00:00Z"));
    fx.clock.set(at("2026-03-26T02:00:30Z"));  // another host's, 30 s ahead
    auto ahead = runs.execute(scheduled("nightly"), delivery, reminders::ReminderConfig{});
    REQUIRE(ahead);
    CHECK_FALSE(ahead->run);
    CHECK(ahead->skipped.find("already has a run") != std::string::npos);
  }

  TEST_CASE("every minute: a process runs its own slot while it is free, and the next one early only once it is done") {
    testing::ServiceFixture fx;
    fx.clock.set(at("2026-03-26T09:00:00Z"));
    fx.add_job("minutely", "* * * * *", 5);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    RecordingDelivery delivery;
    const auto slot_at = [&](const char* now) -> std::optional<Seconds> {
      fx.clock.set(at(now));
      auto outcome = runs.execute(scheduled("minutely"), delivery, reminders::ReminderConfig{});
      REQUIRE(outcome);
      return outcome->run ? outcome->run->scheduled_for : std::nullopt;
    };
    CHECK(slot_at("2026-03-26T10:00:10Z") == at("2026-03-26T10:00:00Z"));
    // Its slot done: a host 20 s behind, fired for 10:01, runs 10:01.
    CHECK(slot_at("2026-03-26T10:00:40Z") == at("2026-03-26T10:01:00Z"));
    CHECK(slot_at("2026-03-26T10:01:05Z") == std::nullopt);
    // A process 40 s late runs its own slot, 10:02, not 10:03 just ahead.
    CHECK(slot_at("2026-03-26T10:02:40Z") == at("2026-03-26T10:02:00Z"));
    CHECK(slot_at("2026-03-26T10:03:00Z") == at("2026-03-26T10:03:00Z"));
  }

  TEST_CASE("a job does not run a slot from before it was created") {
    testing::ServiceFixture fx;
    fx.clock.set(at("2026-03-26T02:01:00Z"));
    fx.add_job("fresh", "0 2 * * *", 10);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    RecordingDelivery delivery;
    fx.clock.set(at("2026-03-26T02:02:00Z"));
    auto outcome = runs.execute(scheduled("fresh"), delivery, reminders::ReminderConfig{});
    REQUIRE(outcome);
    CHECK_FALSE(outcome->run);
  }

  TEST_CASE("a second run of a running job is a conflict naming the running one") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    auto first = runs.start(job, RunTrigger::manual, std::nullopt, false);
    REQUIRE(first);
    RecordingDelivery delivery;
    auto second = runs.execute(ExecuteRequest{"nightly"}, delivery, reminders::ReminderConfig{});
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::conflict);
    CHECK(second.error().message.find(first->id()) != std::string::npos);
  }

  TEST_CASE("a running run whose process died is abandoned and no longer blocks the job") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    {
      RunService crashed(*fx.jobs, *fx.reminders, fx.clock, RunLiveness{{}, 777});
      REQUIRE(crashed.start(job, RunTrigger::manual, std::nullopt, false));
    }
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_dead());
    RecordingDelivery delivery;
    auto outcome = runs.execute(ExecuteRequest{"nightly"}, delivery, reminders::ReminderConfig{});
    REQUIRE(outcome);
    REQUIRE(outcome->run);
    CHECK(outcome->run->status == RunStatus::success);
    auto history = runs.runs("nightly", RunStatus::abandoned, PageRequest{1, 20});
    REQUIRE(history);
    CHECK(history->total == 1);
  }

  TEST_CASE("a running run whose pid now belongs to a later process is abandoned") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    {
      RunService crashed(*fx.jobs, *fx.reminders, fx.clock, RunLiveness{{}, 777, 5});
      auto started = crashed.start(job, RunTrigger::manual, std::nullopt, false);
      REQUIRE(started);
      CHECK((*fx.jobs->find_run(started->seq))->pid_start == 5);
    }
    // Pid 777 exists again, but started at tick 6: not the process that ran the check. The
    // current process has that pid too, so "own run" must not be assumed from the pid alone.
    RunLiveness reused{[](std::int64_t pid, std::int64_t start) { return pid == 777 && start == 6; },
                       777, 6};
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, reused);
    auto history = runs.runs("nightly", RunStatus::abandoned, PageRequest{1, 20});
    REQUIRE(history);
    CHECK(history->total == 1);
  }

  TEST_CASE("a run marks the job pingStarting, then pingFinished; a dry run leaves it alone") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    RecordingDelivery delivery;
    REQUIRE(runs.execute(ExecuteRequest{"nightly", RunTrigger::manual, true}, delivery,
                         reminders::ReminderConfig{}));
    CHECK_FALSE((*fx.jobs->find_job("nightly"))->latest_result.has_value());
    auto started = runs.start(job, RunTrigger::manual, std::nullopt, false);
    REQUIRE(started);
    CHECK((*fx.jobs->find_job("nightly"))->latest_result == LatestResult::ping_starting);
    REQUIRE(runs.finish(*started, RunResult{}));
    CHECK((*fx.jobs->find_job("nightly"))->latest_result == LatestResult::ping_finished);
  }

  TEST_CASE("a run with failed deliveries is failed and its error gives the first cause") {
    testing::ServiceFixture fx;
    Job job = fx.add_job("nightly", "0 2 * * *");
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    auto started = runs.start(job, RunTrigger::manual, std::nullopt, false);
    REQUIRE(started);
    RunResult result;
    result.reminders_sent = 1;
    result.errors = 2;
    result.first_error = "to a@example.org: webhook answered HTTP 500";
    auto finished = runs.finish(*started, result);
    REQUIRE(finished);
    CHECK(finished->status == RunStatus::failed);
    CHECK(finished->error_message ==
          "2 reminder(s) could not be delivered; the next run retries them (first: to "
          "a@example.org: webhook answered HTTP 500)");
    auto stored = fx.jobs->find_run(finished->seq);
    REQUIRE(stored);
    REQUIRE(stored->has_value());
    CHECK((*stored)->error_message == finished->error_message);
  }

  TEST_CASE("a check that cannot run is recorded as a failed run with its cause") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *");
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    RecordingDelivery delivery;
    reminders::ReminderConfig config;
    config.subject = "Renew {nonsense}";
    auto outcome = runs.execute(ExecuteRequest{"nightly"}, delivery, config);
    REQUIRE(outcome);
    REQUIRE(outcome->run);
    CHECK(outcome->run->status == RunStatus::failed);
    CHECK(outcome->run->error_message.find("nonsense") != std::string::npos);
    CHECK((*fx.jobs->find_job("nightly"))->latest_result == LatestResult::ping_failed);
  }

  TEST_CASE("claim starts a running run at once; complete runs the check and finishes it") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *");
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    auto claimed = runs.claim(ExecuteRequest{"nightly", RunTrigger::api});
    REQUIRE(claimed);
    REQUIRE(claimed->run);
    CHECK(claimed->skipped.empty());
    const Run started = *claimed->run;
    CHECK(started.status == RunStatus::running);
    CHECK(started.trigger == RunTrigger::api);
    CHECK((*fx.jobs->find_run(started.seq))->status == RunStatus::running);
    CHECK((*fx.jobs->find_job("nightly"))->latest_result == LatestResult::ping_starting);

    auto second = runs.claim(ExecuteRequest{"nightly", RunTrigger::api});
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::conflict);

    RecordingDelivery delivery;
    fx.clock.advance(std::chrono::seconds{3});
    auto completed = runs.complete(started, delivery, reminders::ReminderConfig{});
    REQUIRE(completed);
    CHECK(completed->seq == started.seq);
    CHECK(completed->status == RunStatus::success);
    CHECK(completed->completed_at == fx.clock.now());
    CHECK((*fx.jobs->find_run(started.seq))->status == RunStatus::success);
    CHECK((*fx.jobs->find_job("nightly"))->latest_result == LatestResult::ping_finished);
  }

  TEST_CASE("abort finishes a claimed run as failed with the reason and frees the job") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *");
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    auto claimed = runs.claim(ExecuteRequest{"nightly", RunTrigger::api});
    REQUIRE(claimed);
    REQUIRE(claimed->run);
    auto aborted = runs.abort(*claimed->run, "the worker failed: std::bad_alloc");
    REQUIRE(aborted);
    CHECK(aborted->status == RunStatus::failed);
    CHECK(aborted->error_message == "the worker failed: std::bad_alloc");
    auto stored = *fx.jobs->find_run(claimed->run->seq);
    REQUIRE(stored);
    CHECK(stored->status == RunStatus::failed);
    CHECK(stored->error_message == "the worker failed: std::bad_alloc");
    CHECK((*fx.jobs->find_job("nightly"))->latest_result == LatestResult::ping_failed);
    CHECK(runs.claim(ExecuteRequest{"nightly"}));
  }

  TEST_CASE("a scheduled claim skips a slot already run, and a slot not due, with the reason") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *", 5);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    fx.clock.set(at("2026-03-26T02:01:00Z"));
    auto first = runs.claim(scheduled("nightly"));
    REQUIRE(first);
    REQUIRE(first->run);
    CHECK(first->run->scheduled_for == at("2026-03-26T02:00:00Z"));
    RecordingDelivery delivery;
    REQUIRE(runs.complete(*first->run, delivery, reminders::ReminderConfig{}));
    auto again = runs.claim(scheduled("nightly"));
    REQUIRE(again);
    CHECK_FALSE(again->run);
    CHECK(again->skipped.find("already has a run") != std::string::npos);
    fx.clock.set(at("2026-03-26T03:00:00Z"));
    auto not_due = runs.claim(scheduled("nightly"));
    REQUIRE(not_due);
    CHECK_FALSE(not_due->run);
    CHECK(not_due->skipped.find("no slot") != std::string::npos);
  }

  TEST_CASE("a manual run refused because one is running names it, never a slot") {
    testing::ServiceFixture fx;
    fx.add_job("nightly", "0 2 * * *");
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    auto claimed = runs.claim(ExecuteRequest{"nightly"});
    REQUIRE(claimed);
    REQUIRE(claimed->run);
    RecordingDelivery delivery;
    auto refused = runs.execute(ExecuteRequest{"nightly"}, delivery, reminders::ReminderConfig{});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::conflict);
    CHECK(refused.error().message.find(claimed->run->id()) != std::string::npos);
    CHECK(refused.error().message.find("1970") == std::string::npos);
  }
}

}  // namespace certcron

TEST_SUITE("core.clock_skew") {
  TEST_CASE("a host more than 30 s off the database's clock is told which way and by how much") {
    using certcron::clock_skew_warning;
    const certcron::Seconds db{std::chrono::seconds{1'800'000'000}};
    CHECK(clock_skew_warning(db + std::chrono::seconds{30}, db).empty());
    CHECK(clock_skew_warning(db - std::chrono::seconds{30}, db).empty());
    CHECK(clock_skew_warning(db + std::chrono::seconds{31}, db).find("31 s ahead of") !=
          std::string::npos);
    CHECK(clock_skew_warning(db - std::chrono::seconds{95}, db).find("95 s behind") !=
          std::string::npos);
    // A database without a clock of its own (SQLite, on this host) has nothing to compare.
    CHECK(clock_skew_warning(db + std::chrono::hours{5}, std::nullopt).empty());
  }
}
