#include "core/alerts.hpp"

#include "core/monitor_service.hpp"
#include "core/ping_service.hpp"
#include "core/run_service.hpp"
#include "store/ping_store.hpp"
#include "unit/service_fixture.hpp"

#include <string>
#include <vector>

namespace certcron {
namespace {

using testing::at;
using testing::everyone_alive;
using testing::RecordingDelivery;


// The stores, the monitoring pass and the alerts of one database, on the fixture's clock.
struct MonitoringFixture : testing::ServiceFixture {
  MonitorService monitor{*jobs, clock, everyone_alive()};
  AlertService alerts{*jobs, clock, AlertSettings{"certcron@host", "admin", {}, "http://h:1"}};
  RecordingDelivery delivery;

  Job add(JobDefinition definition) {
    auto job = jobs->insert_job(definition, clock.now());
    REQUIRE(job);
    return *job;
  }

  // One `check` pass: the monitor, then the alerts.
  MonitorReport pass() {
    auto report = monitor.check();
    REQUIRE(report);
    auto delivered = alerts.deliver(delivery);
    REQUIRE(delivered);
    return *report;
  }

  MonitorState state_of(const Job& job) {
    auto latest = jobs->latest_flip(job.seq);
    REQUIRE(latest);
    return *latest ? (*latest)->to : MonitorState::up;
  }

  std::vector<Flip> flips_of(const Job& job) {
    auto flips = jobs->recent_flips(job.seq, 100);
    REQUIRE(flips);
    return *flips;
  }

  Job reread(const Job& job) {
    auto found = jobs->find_job_by_seq(job.seq);
    REQUIRE(found);
    REQUIRE(*found);
    return **found;
  }
};

JobDefinition cron_job(const std::string& name, const std::string& expression,
                       const std::string& zone, int grace) {
  JobDefinition definition;
  definition.name = name;
  definition.cron_expression = expression;
  definition.server_timezone = zone;
  definition.grace_time_in_minutes = grace;
  return definition;
}

ExecuteRequest manual(const std::string& job) { return ExecuteRequest{job}; }

PingRequest ping_of(PingKind kind) {
  PingRequest request;
  request.kind = kind;
  return request;
}

}  // namespace

TEST_SUITE("core.alerts") {
  TEST_CASE("late exactly at slot + grace, not a second before: a Brussels job across DST") {
    MonitoringFixture fx;
    // 09:00 in Brussels is 08:00Z in winter (CET) and 07:00Z once the clocks went forward on
    // 2026-03-29. Created that morning, so the slots before are none of its own.
    fx.clock.set(at("2026-03-29T05:00:00Z"));
    const Job job = fx.add(cron_job("brussels", "0 9 * * *", "Europe/Brussels", 10));

    fx.clock.set(at("2026-03-29T07:09:59Z"));
    CHECK(fx.pass().late.empty());
    CHECK(fx.state_of(job) == MonitorState::up);

    fx.clock.set(at("2026-03-29T07:10:00Z"));
    const MonitorReport report = fx.pass();
    REQUIRE(report.late.size() == 1);
    CHECK(report.late[0].slot == at("2026-03-29T07:00:00Z"));
    CHECK(report.late[0].newly_late);
    CHECK(fx.state_of(job) == MonitorState::late);
    REQUIRE(fx.delivery.sent.size() == 1);
    CHECK(fx.delivery.sent[0].subject == "[certcron] brussels (cron-001) did not run on time");
  }

  TEST_CASE("a fixed-time slot in the skipped hour is late from the end of the gap + grace") {
    MonitoringFixture fx;
    // 02:30 does not exist in Brussels on 2026-03-29; cron runs such a job right after the gap,
    // at 03:00 CEST (01:00Z).
    fx.clock.set(at("2026-03-28T23:00:00Z"));
    const Job job = fx.add(cron_job("gap", "30 2 * * *", "Europe/Brussels", 5));
    fx.clock.set(at("2026-03-29T01:04:59Z"));
    CHECK(fx.pass().late.empty());
    fx.clock.set(at("2026-03-29T01:05:00Z"));
    const MonitorReport report = fx.pass();
    REQUIRE(report.late.size() == 1);
    CHECK(report.late[0].slot == at("2026-03-29T01:00:00Z"));
    CHECK(fx.state_of(job) == MonitorState::late);
  }

  TEST_CASE("late exactly at slot + grace for a simple job") {
    MonitoringFixture fx;
    JobDefinition definition;
    definition.name = "hourly";
    definition.type = ScheduleType::simple;
    definition.frequency_in_minutes = 60;  // slots on the hour (counted from the epoch)
    definition.server_timezone = "UTC";
    definition.grace_time_in_minutes = 15;
    fx.clock.set(at("2026-03-25T12:30:00Z"));  // after the 12:00 slot
    const Job job = fx.add(definition);

    fx.clock.set(at("2026-03-25T13:14:59Z"));
    CHECK(fx.pass().late.empty());
    fx.clock.set(at("2026-03-25T13:15:00Z"));
    const MonitorReport report = fx.pass();
    REQUIRE(report.late.size() == 1);
    CHECK(report.late[0].slot == at("2026-03-25T13:00:00Z"));
    CHECK(fx.state_of(job) == MonitorState::late);
  }

  TEST_CASE("a job that stays late is flipped and alerted once across repeated passes") {
    MonitoringFixture fx;
    const Job job = fx.add_job("nightly", "0 2 * * *", 5);
    for (const char* now : {"2026-03-26T02:05:00Z", "2026-03-26T02:10:00Z", "2026-03-26T02:15:00Z",
                            "2026-03-27T02:05:00Z", "2026-03-27T02:10:00Z"}) {
      fx.clock.set(at(now));
      fx.pass();
    }
    CHECK(fx.flips_of(job).size() == 1);
    REQUIRE(fx.delivery.sent.size() == 1);
    CHECK(fx.reread(job).latest_result == LatestResult::sent_not_on_time_notification);
  }

  TEST_CASE("no alert while snoozed; the alert goes out once the snooze has ended") {
    MonitoringFixture fx;
    const Job job = fx.add_job("nightly", "0 2 * * *", 5);
    fx.clock.set(at("2026-03-26T01:00:00Z"));
    REQUIRE(fx.jobs->set_snooze(job.seq, Snooze{at("2026-03-26T03:00:00Z"), 120}));

    fx.clock.set(at("2026-03-26T02:05:00Z"));
    fx.pass();
    CHECK(fx.state_of(job) == MonitorState::late);  // recorded...
    CHECK(fx.delivery.sent.empty());                // ...not sent
    REQUIRE(fx.flips_of(job).size() == 1);
    CHECK(fx.flips_of(job)[0].alert == AlertStatus::snoozed);
    CHECK(fx.reread(job).latest_result == LatestResult::check_ran_too_late);

    fx.clock.set(at("2026-03-26T02:55:00Z"));
    fx.pass();
    CHECK(fx.delivery.sent.empty());

    fx.clock.set(at("2026-03-26T03:00:00Z"));  // the snooze ends by itself
    fx.pass();
    REQUIRE(fx.delivery.sent.size() == 1);
    CHECK(fx.delivery.sent[0].alert->event == "late");
    fx.clock.set(at("2026-03-26T03:05:00Z"));
    fx.pass();
    CHECK(fx.delivery.sent.size() == 1);
    CHECK(fx.reread(job).latest_result == LatestResult::sent_not_on_time_notification);
  }

  TEST_CASE("a problem that ended during the snooze is not told afterwards") {
    MonitoringFixture fx;
    const Job job = fx.add_job("nightly", "0 2 * * *", 5);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    REQUIRE(fx.jobs->set_snooze(job.seq, Snooze{at("2026-03-26T03:00:00Z"), 120}));
    fx.clock.set(at("2026-03-26T02:05:00Z"));
    fx.pass();
    fx.clock.set(at("2026-03-26T02:30:00Z"));
    REQUIRE(runs.execute(manual("nightly"), fx.delivery, reminders::ReminderConfig{}));
    CHECK(fx.state_of(job) == MonitorState::up);
    fx.clock.set(at("2026-03-26T03:05:00Z"));
    fx.pass();
    CHECK(fx.delivery.sent.empty());
  }

  TEST_CASE("a failed run alerts once; the next success sends one recovery") {
    MonitoringFixture fx;
    const Job job = fx.add_job("nightly", "0 2 * * *", 5);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());
    RecordingDelivery reminder_delivery;
    reminders::ReminderConfig config;

    auto started = runs.claim(manual("nightly"));
    REQUIRE(started);
    REQUIRE(started->run);
    REQUIRE(runs.abort(*started->run, "the database disappeared"));
    CHECK(fx.state_of(job) == MonitorState::failed);
    auto second = runs.claim(manual("nightly"));
    REQUIRE(second);
    REQUIRE(runs.abort(*second->run, "again"));  // still failed: no second flip
    fx.pass();
    fx.pass();
    REQUIRE(fx.delivery.sent.size() == 1);
    CHECK(fx.delivery.sent[0].alert->event == "failed");
    CHECK(fx.delivery.sent[0].alert->run_id == started->run->id());
    CHECK(fx.reread(job).latest_result == LatestResult::sent_ping_failed_notification);

    REQUIRE(runs.execute(manual("nightly"), reminder_delivery, config));
    REQUIRE(runs.execute(manual("nightly"), reminder_delivery, config));
    fx.pass();
    fx.pass();
    REQUIRE(fx.delivery.sent.size() == 2);
    CHECK(fx.delivery.sent[1].alert->event == "recovered");
    CHECK(fx.delivery.sent[1].message_id != fx.delivery.sent[0].message_id);
    CHECK(fx.flips_of(job).size() == 2);
  }

  TEST_CASE("a failed ping alerts; a finished ping recovers; a start does neither") {
    MonitoringFixture fx;
    const Job job = fx.add_job("wrapped", "0 2 * * *", 5);
    store::SqlitePingStore ping_store(*fx.db);
    PingService pings(*fx.jobs, ping_store, fx.clock);
    REQUIRE(pings.record("wrapped", ping_of(PingKind::starting)));
    CHECK(fx.flips_of(job).empty());
    PingRequest failed = ping_of(PingKind::finished);
    failed.exit_code = 3;  // healthchecks.io's /3: a failure
    REQUIRE(pings.record("wrapped", failed));
    CHECK(fx.state_of(job) == MonitorState::failed);
    REQUIRE(pings.record("wrapped", ping_of(PingKind::finished)));
    CHECK(fx.state_of(job) == MonitorState::up);
    fx.pass();
    REQUIRE(fx.delivery.sent.size() == 2);
    CHECK(fx.delivery.sent[0].alert->event == "failed");
    CHECK(fx.delivery.sent[0].alert->reason.find("exit status 3") != std::string::npos);
    CHECK(fx.delivery.sent[1].alert->event == "recovered");
  }

  TEST_CASE("running too long: a run past max_runtime_in_minutes, then a starting ping") {
    MonitoringFixture fx;
    JobDefinition definition = cron_job("slow", "0 2 * * *", "UTC", 5);
    definition.max_runtime_in_minutes = 30;
    const Job job = fx.add(definition);
    RunService runs(*fx.jobs, *fx.reminders, fx.clock, everyone_alive());

    fx.clock.set(at("2026-03-26T02:00:00Z"));
    auto started = runs.claim(ExecuteRequest{"slow", RunTrigger::schedule, false, true});
    REQUIRE(started);
    REQUIRE(started->run);
    fx.clock.set(at("2026-03-26T02:29:59Z"));
    CHECK(fx.pass().running_too_long.empty());
    fx.clock.set(at("2026-03-26T02:30:00Z"));
    auto report = fx.pass();
    REQUIRE(report.running_too_long.size() == 1);
    CHECK(report.running_too_long[0].newly_flagged);
    CHECK(fx.state_of(job) == MonitorState::running_too_long);
    fx.clock.set(at("2026-03-27T02:10:00Z"));  // still running a day later: not late, not re-told
    report = fx.pass();
    CHECK_FALSE(report.running_too_long.at(0).newly_flagged);
    CHECK(fx.state_of(job) == MonitorState::running_too_long);
    REQUIRE(fx.delivery.sent.size() == 1);
    CHECK(fx.delivery.sent[0].alert->event == "running_too_long");
    CHECK(fx.delivery.sent[0].alert->run_id == started->run->id());

    RecordingDelivery reminder_delivery;
    REQUIRE(runs.complete(*started->run, reminder_delivery, reminders::ReminderConfig{}));
    CHECK(fx.state_of(job) == MonitorState::up);

    store::SqlitePingStore ping_store(*fx.db);
    PingService pings(*fx.jobs, ping_store, fx.clock);
    REQUIRE(pings.record("slow", ping_of(PingKind::starting)));
    fx.clock.advance(std::chrono::minutes{31});
    report = fx.pass();
    REQUIRE(report.running_too_long.size() == 1);
    CHECK_FALSE(report.running_too_long[0].run);
    CHECK(fx.state_of(job) == MonitorState::running_too_long);
  }

  TEST_CASE("a failed alert delivery stays pending, is retried by the next pass, never doubled") {
    MonitoringFixture fx;
    const Job job = fx.add_job("nightly", "0 2 * * *", 5);
    fx.delivery.failing = true;
    fx.clock.set(at("2026-03-26T02:05:00Z"));
    fx.monitor.check();
    auto first = fx.alerts.deliver(fx.delivery);
    REQUIRE(first);
    REQUIRE(first->failed.size() == 1);
    CHECK(first->failed[0].alert_error == "mail relay refused the message");
    CHECK(fx.flips_of(job)[0].alert == AlertStatus::pending);
    CHECK(fx.flips_of(job)[0].attempts == 1);
    CHECK(fx.reread(job).latest_result == LatestResult::check_ran_too_late);

    fx.delivery.failing = false;
    fx.clock.set(at("2026-03-26T02:10:00Z"));
    fx.pass();
    fx.clock.set(at("2026-03-26T02:15:00Z"));
    fx.pass();
    REQUIRE(fx.delivery.sent.size() == 1);
    CHECK(fx.flips_of(job)[0].alert == AlertStatus::sent);
    CHECK(fx.flips_of(job)[0].attempts == 2);
    CHECK(fx.delivery.sent[0].message_id ==
          reminders::make_alert_message_id(job.uuid, fx.flips_of(job)[0].seq));
  }

  TEST_CASE("the alert says what, which job, since when and where to look") {
    MonitoringFixture fx;
    const Job job = fx.add_job("nightly", "0 2 * * *", 5);
    fx.clock.set(at("2026-03-26T02:05:00Z"));
    fx.pass();
    REQUIRE(fx.delivery.sent.size() == 1);
    const reminders::Message& message = fx.delivery.sent[0];
    CHECK(message.from == "certcron@host");
    CHECK(message.to_email == "admin");
    REQUIRE(message.alert);
    CHECK(message.alert->job_id == "cron-001");
    CHECK(message.alert->state == "late");
    CHECK(message.alert->previous_state == "up");
    CHECK(message.alert->slot == "2026-03-26T02:00:00Z");
    CHECK(message.alert->ping_url == "http://h:1/ping/" + job.uuid);
    CHECK(message.alert->job_url == "http://h:1/api/v1/certification-cron/cron-001");
    CHECK(message.body.find("no run started for the slot 2026-03-26T02:00:00Z") !=
          std::string::npos);
  }
}

}  // namespace certcron
