#include "core/job_service.hpp"

#include "unit/service_fixture.hpp"

#include <climits>

namespace certcron {
namespace {

class FailingCrontab final : public CrontabSync {
 public:
  Result<void> install(const std::vector<Job>&) override {
    return fail(Error::failed("crontab: errors in crontab file, can't install"));
  }
};

class CountingCrontab final : public CrontabSync {
 public:
  Result<void> install(const std::vector<Job>& jobs) override {
    last_count = jobs.size();
    ++calls;
    return {};
  }
  std::size_t last_count = 0;
  int calls = 0;
};

// Writes the table, then leaves in the transaction a row its commit refuses: the commit fails
// after the crontab was written, as it does on a full disk.
class CommitBreakingCrontab final : public CrontabSync {
 public:
  explicit CommitBreakingCrontab(SQLite::Database& db) : db_(db) {}
  Result<void> install(const std::vector<Job>& jobs) override {
    installed.clear();
    for (const Job& job : jobs) {
      installed.push_back(job.definition.name);
    }
    if (++calls == 1) {
      db_.exec("PRAGMA defer_foreign_keys = ON");
      db_.exec("INSERT INTO runs (job_seq, trigger, started_at, status, dry_run) "
               "VALUES (999999, 'manual', 0, 'failed', 0)");
    }
    return {};
  }
  std::vector<std::string> installed;
  int calls = 0;

 private:
  SQLite::Database& db_;
};

JobDefinition definition(const std::string& name, const std::string& expression) {
  JobDefinition def;
  def.name = name;
  def.cron_expression = expression;
  def.server_timezone = "Europe/Brussels";
  return def;
}

}  // namespace

TEST_SUITE("core.job_service") {
  TEST_CASE("when the crontab refuses, create, update and delete change nothing") {
    testing::ServiceFixture fx;
    CountingCrontab working;
    JobService service(*fx.jobs, fx.clock, &working, {});
    REQUIRE(service.create(definition("kept", "0 2 * * *")));

    FailingCrontab refusing;
    JobService failing(*fx.jobs, fx.clock, &refusing, {});
    auto refused = failing.create(definition("refused", "0 3 * * *"));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message ==
          "crontab: errors in crontab file, can't install; nothing was changed");
    CHECK_FALSE(fx.jobs->find_job("refused")->has_value());
    JobChanges changes;
    changes.cron_expression = "0 4 * * *";
    CHECK_FALSE(failing.update("kept", changes));
    CHECK((*fx.jobs->find_job("kept"))->definition.cron_expression == "0 2 * * *");
    auto kept = failing.remove("kept");
    REQUIRE_FALSE(kept);
    CHECK(kept.error().message.ends_with("; nothing was changed"));
    CHECK(fx.jobs->find_job("kept")->has_value());
  }

  TEST_CASE("a commit that fails after the crontab was written puts the crontab back") {
    testing::ServiceFixture fx;
    CountingCrontab working;
    JobService service(*fx.jobs, fx.clock, &working, {});
    REQUIRE(service.create(definition("kept", "0 2 * * *")));

    CommitBreakingCrontab breaking(*fx.db);
    JobService failing(*fx.jobs, fx.clock, &breaking, {});
    auto created = failing.create(definition("lost", "0 3 * * *"));
    REQUIRE_FALSE(created);
    CHECK(created.error().message.ends_with("; nothing was changed"));
    CHECK_FALSE(fx.jobs->find_job("lost")->has_value());
    CHECK(breaking.calls == 2);  // the change's table, then the table of the jobs as they stayed
    CHECK(breaking.installed == std::vector<std::string>{"kept"});
  }

  TEST_CASE("list gives each job its own last run and settles a dead running one") {
    testing::ServiceFixture fx;
    Job ran = fx.add_job("ran", "0 2 * * *");
    Job never = fx.add_job("never", "0 3 * * *");
    Job died = fx.add_job("died", "0 4 * * *");
    auto record = [&](const Job& job, RunStatus status) {
      Run run;
      run.job_seq = job.seq;
      run.started_at = fx.clock.now();
      run.status = status;
      run.pid = 4242;
      auto inserted = fx.jobs->insert_run(run);
      REQUIRE(inserted);
      return inserted->seq;
    };
    record(ran, RunStatus::failed);
    const auto ran_last = record(ran, RunStatus::success);
    const auto died_last = record(died, RunStatus::running);
    JobService service(*fx.jobs, fx.clock, nullptr,
                       RunLiveness{[](std::int64_t, std::int64_t) { return false; }, 1});
    auto page = service.list(JobStatusFilter::any, PageRequest{1, 20});
    REQUIRE(page);
    REQUIRE(page->items.size() == 3);
    CHECK(page->items[0].job.seq == ran.seq);
    REQUIRE(page->items[0].last_run);
    CHECK(page->items[0].last_run->seq == ran_last);
    CHECK(page->items[0].last_run->status == RunStatus::success);
    CHECK(page->items[1].job.seq == never.seq);
    CHECK_FALSE(page->items[1].last_run);
    REQUIRE(page->items[2].last_run);
    CHECK(page->items[2].last_run->seq == died_last);
    CHECK(page->items[2].last_run->status == RunStatus::abandoned);
    CHECK(page->items[2].job.latest_result == LatestResult::check_failed);
    CHECK((*fx.jobs->find_run(died_last))->status == RunStatus::abandoned);
    for (const auto& item : page->items) {
      auto shown = service.show(item.job.id());
      REQUIRE(shown);
      CHECK(shown->last_run.has_value() == item.last_run.has_value());
    }
  }

  TEST_CASE("every change hands the whole job list to the crontab") {
    testing::ServiceFixture fx;
    CountingCrontab crontab;
    JobService service(*fx.jobs, fx.clock, &crontab, {});
    REQUIRE(service.create(definition("a", "0 2 * * *")));
    REQUIRE(service.create(definition("b", "0 3 * * *")));
    CHECK(crontab.last_count == 2);
    REQUIRE(service.remove("a"));
    CHECK(crontab.last_count == 1);
    CHECK(crontab.calls == 3);
  }

  TEST_CASE("next_run_at follows the definition in the job's zone and is none while disabled") {
    testing::ServiceFixture fx;
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    fx.clock.set(testing::at("2026-03-28T12:00:00Z"));
    auto created = service.create(definition("n", "0 2 * * *"));
    REQUIRE(created);
    // 02:00 on 2026-03-29 in Brussels falls in the spring-forward gap: runs at 03:00 CEST.
    CHECK(created->next_run_at == testing::at("2026-03-29T01:00:00Z"));
    JobChanges disable;
    disable.enabled = false;
    auto disabled = service.update("n", disable);
    REQUIRE(disabled);
    CHECK_FALSE(disabled->next_run_at);
  }

  TEST_CASE("validation reports every bad field at once in the seed's shape") {
    testing::ServiceFixture fx;
    JobDefinition bad;
    bad.name = "";
    bad.cron_expression = "61 * * * *";
    bad.server_timezone = "Nowhere/Town";
    bad.grace_time_in_minutes = 0;
    auto result = validate_definition(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "The given data was invalid.");
    CHECK(result.error().fields.size() == 4);
  }

  TEST_CASE("a job whose zone vanished stays listed with a schedule error and no next run") {
    testing::ServiceFixture fx;
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    auto broken = service.create(definition("broken", "0 2 * * *"));
    auto fine = service.create(definition("fine", "0 3 * * *"));
    REQUIRE((broken && fine));
    CHECK(broken->schedule_error.empty());
    // As a tzdata update that removes a zone leaves the row: validation never saw this name.
    fx.db->exec("UPDATE jobs SET server_timezone = 'Mars/Olympus_Mons' WHERE name = 'broken'");
    auto page = service.list(JobStatusFilter::any, PageRequest{1, 20});
    REQUIRE(page);
    REQUIRE(page->items.size() == 2);
    const JobDetails& gone = page->items[0];
    CHECK(gone.job.definition.name == "broken");
    CHECK_FALSE(gone.next_run_at);
    CHECK(gone.human_readable_cron_expression.empty());
    CHECK(gone.schedule_error.find("Mars/Olympus_Mons") != std::string::npos);
    CHECK(gone.schedule_error.find("server_timezone") != std::string::npos);
    CHECK(page->items[1].next_run_at);
    CHECK(page->items[1].schedule_error.empty());
    auto shown = service.show("broken");
    REQUIRE(shown);
    CHECK(shown->schedule_error == gone.schedule_error);
  }

  TEST_CASE("page INT_MAX is valid and lists nothing, with the total") {
    testing::ServiceFixture fx;
    fx.add_job("only", "0 2 * * *");
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    auto request = validate_page(INT_MAX, 100);
    REQUIRE(request);
    auto page = service.list(JobStatusFilter::any, *request);
    REQUIRE(page);
    CHECK(page->items.empty());
    CHECK(page->total == 1);
    CHECK(page->page == INT_MAX);
  }

  TEST_CASE("an update keeps the job's snooze and ping time and marks only a schedule change") {
    testing::ServiceFixture fx;
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    auto created = service.create(definition("n", "0 2 * * *"));
    REQUIRE(created);
    const auto seq = created->job.seq;
    REQUIRE(fx.jobs->record_monitoring(seq, LatestResult::ping_finished, testing::at("2026-03-25T02:00:00Z")));
    REQUIRE(fx.jobs->set_snooze(seq, Snooze{testing::at("2026-03-26T00:00:00Z"), 90}));
    JobChanges describe;
    describe.description = "only words";
    auto described = service.update("n", describe);
    REQUIRE(described);
    CHECK(described->job.latest_result == LatestResult::ping_finished);
    JobChanges reschedule;
    reschedule.cron_expression = "0 4 * * *";
    auto rescheduled = service.update("n", reschedule);
    REQUIRE(rescheduled);
    CHECK(rescheduled->job.latest_result == LatestResult::cron_check_changed);
    Job stored = **fx.jobs->find_job("n");
    CHECK(stored.definition.description == "only words");
    CHECK(stored.latest_result == LatestResult::cron_check_changed);
    CHECK(stored.latest_ping_at == testing::at("2026-03-25T02:00:00Z"));
    REQUIRE(stored.snooze);
    CHECK(stored.snooze->minutes == 90);
  }

  TEST_CASE("a runtime limit is checked, set, cleared, and marks the job changed; catch_up does not") {
    testing::ServiceFixture fx;
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    REQUIRE(service.create(definition("n", "0 2 * * *")));
    REQUIRE(fx.jobs->record_monitoring(1, LatestResult::ping_finished, std::nullopt));
    JobChanges no_catch_up;
    no_catch_up.catch_up = false;
    auto kept = service.update("n", no_catch_up);
    REQUIRE(kept);
    CHECK_FALSE(kept->job.definition.catch_up);
    CHECK(kept->job.latest_result == LatestResult::ping_finished);

    JobChanges too_long;
    too_long.max_runtime_in_minutes = 10081;
    auto refused = service.update("n", too_long);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().fields.count("max_runtime_in_minutes") == 1);

    JobChanges limit;
    limit.max_runtime_in_minutes = 90;
    auto limited = service.update("n", limit);
    REQUIRE(limited);
    CHECK(limited->job.definition.max_runtime_in_minutes == 90);
    CHECK(limited->job.latest_result == LatestResult::cron_check_changed);

    JobChanges clear;
    clear.max_runtime_in_minutes = std::optional<int>{};
    auto cleared = service.update("n", clear);
    REQUIRE(cleared);
    CHECK_FALSE(cleared->job.definition.max_runtime_in_minutes);
  }
}

}  // namespace certcron
