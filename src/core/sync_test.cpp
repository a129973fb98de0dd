#include "core/sync.hpp"

#include "unit/service_fixture.hpp"

#include <vector>

namespace certcron {
namespace {

class CountingCrontab final : public CrontabSync {
 public:
  Result<void> install(const std::vector<Job>& jobs) override {
    last_names.clear();
    for (const Job& job : jobs) {
      last_names.push_back(job.definition.name);
    }
    ++calls;
    return {};
  }
  std::vector<std::string> last_names;
  int calls = 0;
};

class FailingCrontab final : public CrontabSync {
 public:
  Result<void> install(const std::vector<Job>&) override {
    ++calls;
    return fail(Error::failed("crontab: errors in crontab file, can't install"));
  }
  int calls = 0;
};

CreateJobRequest cron_entry(const std::string& name, const std::string& expression) {
  CreateJobRequest entry;
  entry.name = name;
  entry.cron_expression = expression;
  entry.server_timezone = "UTC";
  return entry;
}

CreateJobRequest simple_entry(const std::string& name, int minutes) {
  CreateJobRequest entry;
  entry.name = name;
  entry.frequency_in_minutes = minutes;
  entry.server_timezone = "UTC";
  return entry;
}

// A service over the fixture's database with `crontab`.
struct SyncHarness {
  testing::ServiceFixture fx;
  CountingCrontab counting;
  JobService jobs{*fx.jobs, fx.clock, &counting, {}};

  Result<SyncOutcome> sync(const std::vector<CreateJobRequest>& entries, SyncOptions options = {},
                           CrontabSync* crontab = nullptr) {
    SyncService service(*fx.jobs, fx.clock, crontab ? crontab : &counting, jobs);
    return service.sync(entries, "Europe/Brussels", options);
  }

  std::vector<std::string> names() {
    auto all = fx.jobs->all_jobs();
    REQUIRE(all);
    std::vector<std::string> out;
    for (const Job& job : *all) {
      out.push_back(job.definition.name);
    }
    return out;
  }
};

const SyncStep& step_named(const SyncPlan& plan, const std::string& name) {
  for (const SyncStep& step : plan.steps) {
    if (step.name == name) {
      return step;
    }
  }
  FAIL("no step for " << name);
  return plan.steps.front();
}

}  // namespace

TEST_SUITE("core.sync") {
  TEST_CASE("a plan creates new names, updates changed ones, deletes missing ones, keeps equal ones") {
    SyncHarness h;
    Job kept = h.fx.add_job("kept", "0 2 * * *");
    Job changed = h.fx.add_job("changed", "0 3 * * *");
    Job gone = h.fx.add_job("gone", "0 4 * * *");
    CreateJobRequest same = cron_entry("kept", "0 2 * * *");
    CreateJobRequest edited = cron_entry("changed", "0 5 * * *");
    edited.grace_time_in_minutes = 30;
    edited.description = "now at five";
    auto outcome = h.sync({same, edited, simple_entry("fresh", 15)});
    REQUIRE(outcome);
    CHECK(outcome->applied);
    const SyncPlan& plan = outcome->plan;
    REQUIRE(plan.steps.size() == 4);
    // The file's order, then the deletions.
    CHECK(plan.steps[0].name == "kept");
    CHECK(plan.steps[0].action == SyncAction::unchanged);
    CHECK(plan.steps[1].action == SyncAction::update);
    CHECK(plan.steps[1].changes ==
          std::vector<std::string>{"cron_expression", "grace_time_in_minutes", "description"});
    CHECK(plan.steps[2].action == SyncAction::create);
    REQUIRE(plan.steps[2].job);
    CHECK(plan.steps[2].job->id() == "cron-004");
    CHECK(plan.steps[3].action == SyncAction::remove);
    CHECK(plan.steps[3].job->seq == gone.seq);
    CHECK(plan.count(SyncAction::update) == 1);
    CHECK(plan.deleted_seqs() == std::vector<std::int64_t>{gone.seq});

    // Updated in place: same id and uuid, the change marked.
    auto stored = h.fx.jobs->find_job("changed");
    REQUIRE(stored);
    REQUIRE(stored->has_value());
    CHECK((*stored)->seq == changed.seq);
    CHECK((*stored)->uuid == changed.uuid);
    CHECK((*stored)->definition.cron_expression == "0 5 * * *");
    CHECK((*stored)->latest_result == LatestResult::cron_check_changed);
    CHECK((*h.fx.jobs->find_job("kept"))->uuid == kept.uuid);
    CHECK(h.names() == std::vector<std::string>{"kept", "changed", "fresh"});
    // The crontab is installed once, with the final jobs.
    CHECK(h.counting.calls == 1);
    CHECK(h.counting.last_names == std::vector<std::string>{"kept", "changed", "fresh"});
    REQUIRE(outcome->jobs.size() == 3);
    CHECK(outcome->jobs[2].job.definition.frequency_in_minutes == 15);
  }

  TEST_CASE("changed fields name the type switch, the zone and enabled") {
    JobDefinition before;
    before.name = "j";
    before.cron_expression = "0 2 * * *";
    before.server_timezone = "UTC";
    JobDefinition after = before;
    after.type = ScheduleType::simple;
    after.cron_expression.clear();
    after.frequency_in_minutes = 10;
    after.server_timezone = "Europe/Brussels";
    after.enabled = false;
    Job existing;
    existing.seq = 7;
    existing.definition = before;
    std::vector<JobDefinition> wanted{after};
    std::vector<Job> jobs{existing};
    SyncPlan plan = plan_sync(wanted, jobs, false);
    REQUIRE(plan.steps.size() == 1);
    CHECK(plan.steps[0].action == SyncAction::update);
    CHECK(plan.steps[0].changes == std::vector<std::string>{"type", "cron_expression",
                                                            "frequency_in_minutes",
                                                            "server_timezone", "enabled"});
  }

  TEST_CASE("a description-only change does not mark the job changed") {
    SyncHarness h;
    h.fx.add_job("j", "0 2 * * *");
    CreateJobRequest entry = cron_entry("j", "0 2 * * *");
    entry.description = "words";
    auto outcome = h.sync({entry});
    REQUIRE(outcome);
    CHECK(step_named(outcome->plan, "j").changes == std::vector<std::string>{"description"});
    CHECK_FALSE((*h.fx.jobs->find_job("j"))->latest_result.has_value());
  }

  TEST_CASE("keep_missing keeps the jobs the list does not name, as unchanged") {
    SyncHarness h;
    h.fx.add_job("other", "0 2 * * *");
    SyncOptions options;
    options.keep_missing = true;
    auto outcome = h.sync({simple_entry("fresh", 60)}, options);
    REQUIRE(outcome);
    CHECK(step_named(outcome->plan, "other").action == SyncAction::unchanged);
    CHECK(outcome->plan.count(SyncAction::remove) == 0);
    CHECK(h.names() == std::vector<std::string>{"other", "fresh"});
  }

  TEST_CASE("a dry run plans the same and changes nothing, crontab included") {
    SyncHarness h;
    h.fx.add_job("gone", "0 2 * * *");
    SyncOptions options;
    options.dry_run = true;
    auto outcome = h.sync({simple_entry("fresh", 60)}, options);
    REQUIRE(outcome);
    CHECK_FALSE(outcome->applied);
    CHECK(outcome->plan.count(SyncAction::create) == 1);
    CHECK(outcome->plan.count(SyncAction::remove) == 1);
    CHECK_FALSE(step_named(outcome->plan, "fresh").job.has_value());
    CHECK(h.names() == std::vector<std::string>{"gone"});
    CHECK(h.counting.calls == 0);
    REQUIRE(outcome->jobs.size() == 1);
  }

  TEST_CASE("an entry without a zone gets the default zone") {
    SyncHarness h;
    CreateJobRequest entry = cron_entry("j", "0 2 * * *");
    entry.server_timezone.reset();
    auto outcome = h.sync({entry});
    REQUIRE(outcome);
    CHECK((*h.fx.jobs->find_job("j"))->definition.server_timezone == "Europe/Brussels");
  }

  TEST_CASE("every bad entry is reported by its index and field, and nothing changes") {
    SyncHarness h;
    h.fx.add_job("existing", "0 2 * * *");
    CreateJobRequest bad_cron = cron_entry("a", "61 * * * *");
    CreateJobRequest bad_zone = cron_entry("b", "0 2 * * *");
    bad_zone.server_timezone = "Mars/Olympus";
    bad_zone.grace_time_in_minutes = 0;
    CreateJobRequest no_schedule;
    no_schedule.name = "c";
    auto outcome = h.sync({simple_entry("fine", 10), bad_cron, bad_zone, no_schedule,
                           simple_entry("fine", 20)});
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().kind == ErrorKind::validation);
    CHECK(outcome.error().message == "The given data was invalid.");
    const FieldErrors& fields = outcome.error().fields;
    CHECK(fields.contains("cron_checks.1.cron_expression"));
    CHECK(fields.contains("cron_checks.2.server_timezone"));
    CHECK(fields.contains("cron_checks.2.grace_time_in_minutes"));
    CHECK(fields.contains("cron_checks.3.cron_expression"));
    REQUIRE(fields.contains("cron_checks.4.name"));
    CHECK(fields.at("cron_checks.4.name").front().find("cron_checks.0") != std::string::npos);
    CHECK_FALSE(fields.contains("cron_checks.0.name"));
    CHECK(h.names() == std::vector<std::string>{"existing"});
    CHECK(h.counting.calls == 0);
  }

  TEST_CASE("a crontab that fails at the end rolls the whole sync back") {
    SyncHarness h;
    Job kept = h.fx.add_job("changed", "0 3 * * *");
    h.fx.add_job("gone", "0 4 * * *");
    FailingCrontab refusing;
    h.fx.clock.set(testing::at("2026-03-26T08:00:00Z"));
    auto outcome = h.sync({cron_entry("changed", "0 5 * * *"), simple_entry("fresh", 15)}, {},
                          &refusing);
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().message.find("crontab") != std::string::npos);
    CHECK(outcome.error().message.ends_with("; nothing was changed"));
    CHECK(refusing.calls == 1);
    CHECK(h.names() == std::vector<std::string>{"changed", "gone"});
    CHECK((*h.fx.jobs->find_job("changed"))->definition.cron_expression == "0 3 * * *");
    CHECK((*h.fx.jobs->find_job("changed"))->updated_at == kept.updated_at);
  }

  TEST_CASE("confirmed deletions that no longer match the plan refuse the sync") {
    SyncHarness h;
    Job first = h.fx.add_job("first", "0 2 * * *");
    SyncOptions options;
    options.confirmed_deletions = std::vector<std::int64_t>{first.seq};
    h.fx.add_job("created_meanwhile", "0 3 * * *");
    auto outcome = h.sync({simple_entry("fresh", 15)}, options);
    REQUIRE_FALSE(outcome);
    CHECK(outcome.error().kind == ErrorKind::conflict);
    CHECK(h.names() == std::vector<std::string>{"first", "created_meanwhile"});
  }

  TEST_CASE("the same list again is all unchanged; an empty list deletes every job") {
    SyncHarness h;
    h.fx.add_job("a", "0 2 * * *");
    auto same = h.sync({cron_entry("a", "0 2 * * *")});
    REQUIRE(same);
    CHECK(same->plan.count(SyncAction::unchanged) == 1);
    auto emptied = h.sync({});
    REQUIRE(emptied);
    CHECK(emptied->plan.count(SyncAction::remove) == 1);
    CHECK(h.names().empty());
    CHECK(emptied->jobs.empty());
  }
}

}  // namespace certcron
