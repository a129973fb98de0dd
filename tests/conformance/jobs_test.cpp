// JobStore's promises about job rows: ids, names, the narrow writes, deletion, finding and
// listing.

#include "conformance/database.hpp"
#include "conformance/values.hpp"

#include <algorithm>
#include <climits>
#include <set>

namespace certcron::conformance {

TEST_SUITE("conformance.jobs") {
  TEST_CASE("a new database holds no jobs, runs, pings or certifications") {
    TestDatabase db;
    auto stores = db.open();
    CHECK(take(stores->jobs().list_jobs(JobStatusFilter::any, PageRequest{1, 20})).total == 0);
    CHECK(take(stores->jobs().all_jobs()).empty());
    CHECK(take(stores->jobs().pending_alerts()).empty());
    const auto counts = take(stores->reminders().counts());
    CHECK(counts.mentors == 0);
    CHECK(counts.certifications == 0);
  }

  TEST_CASE("a job is stored with every field of its definition, its times and a uuid of its own") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    JobDefinition simple;
    simple.name = "every quarter hour — ünïcode";
    simple.description = "line one\twith a tab, 'quotes' and \"double\" ones";
    simple.type = ScheduleType::simple;
    simple.frequency_in_minutes = 15;
    simple.grace_time_in_minutes = 12;
    simple.server_timezone = "Europe/Brussels";
    simple.enabled = false;
    simple.max_runtime_in_minutes = 45;
    simple.catch_up = false;
    const Job first = take(jobs.insert_job(daily("nightly"), at(1000)));
    const Job second = take(jobs.insert_job(simple, at(2000)));
    CHECK(first.id() == "cron-001");
    CHECK(second.seq > first.seq);
    CHECK(first.uuid.size() == 36);
    CHECK(first.uuid != second.uuid);

    const Job read = *take(jobs.find_job_by_seq(second.seq));
    CHECK(read.uuid == second.uuid);
    CHECK(read.definition.name == simple.name);
    CHECK(read.definition.description == simple.description);
    CHECK(read.definition.type == ScheduleType::simple);
    CHECK(read.definition.frequency_in_minutes == 15);
    CHECK(read.definition.grace_time_in_minutes == 12);
    CHECK(read.definition.server_timezone == "Europe/Brussels");
    CHECK_FALSE(read.definition.enabled);
    CHECK(read.definition.max_runtime_in_minutes == 45);
    CHECK_FALSE(read.definition.catch_up);
    CHECK(read.created_at == at(2000));
    CHECK(read.updated_at == at(2000));
    CHECK_FALSE(read.latest_result);
    CHECK_FALSE(read.latest_ping_at);
    CHECK_FALSE(read.snooze);

    const Job cron = *take(jobs.find_job_by_seq(first.seq));
    CHECK(cron.definition.type == ScheduleType::cron);
    CHECK(cron.definition.cron_expression == "0 2 * * *");
    CHECK(cron.definition.enabled);
    CHECK_FALSE(cron.definition.max_runtime_in_minutes);
    CHECK(cron.definition.catch_up);
  }

  TEST_CASE("find_job takes cron-001, cron-1 or the name, an id before a name") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job looks_like_two = take(jobs.insert_job(daily("cron-2"), at(1)));
    const Job two = take(jobs.insert_job(daily("second"), at(1)));
    const Job named_nine = take(jobs.insert_job(daily("cron-9"), at(1)));
    REQUIRE(two.seq == 2);
    for (const char* key : {"cron-002", "cron-2", "second"}) {
      CAPTURE(key);
      auto found = take(jobs.find_job(key));
      REQUIRE(found);
      CHECK(found->seq == two.seq);
    }
    CHECK((*take(jobs.find_job("cron-001"))).seq == looks_like_two.seq);
    CHECK((*take(jobs.find_job("cron-1"))).seq == looks_like_two.seq);
    // No job 9: the text is then a name.
    CHECK((*take(jobs.find_job("cron-9"))).seq == named_nine.seq);
    CHECK_FALSE(take(jobs.find_job("nobody")));
    CHECK_FALSE(take(jobs.find_job("cron-404")));
    CHECK_FALSE(take(jobs.find_job_by_seq(404)));
    CHECK((*take(jobs.find_job_by_name("cron-2"))).seq == looks_like_two.seq);
    CHECK_FALSE(take(jobs.find_job_by_name("cron-002")));
    auto all = take(jobs.all_jobs());
    std::set<std::int64_t> seqs;
    for (const Job& job : all) {
      seqs.insert(job.seq);
    }
    CHECK(seqs == std::set<std::int64_t>{looks_like_two.seq, two.seq, named_nine.seq});
  }

  TEST_CASE("job ids come from a sequence that never reuses a deleted id") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    take(jobs.insert_job(daily("a"), at(1)));
    const Job b = take(jobs.insert_job(daily("b"), at(2)));
    CHECK(b.id() == "cron-002");
    ok(jobs.delete_job(b.seq));
    CHECK(take(jobs.insert_job(daily("c"), at(3))).id() == "cron-003");
    // Nor after reopening the database.
    stores.reset();
    stores = db.open();
    CHECK(take(stores->jobs().insert_job(daily("d"), at(4))).id() == "cron-004");
  }

  TEST_CASE("a duplicate name is a validation error on name, on insert and on update, and changes nothing") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job a = take(jobs.insert_job(daily("a"), at(1)));
    take(jobs.insert_job(daily("b"), at(1)));
    const Error inserted = error_of(jobs.insert_job(daily("a"), at(2)));
    CHECK(inserted.kind == ErrorKind::validation);
    CHECK(inserted.fields.count("name") == 1);
    CHECK(take(jobs.all_jobs()).size() == 2);

    JobDefinition renamed = a.definition;
    renamed.name = "b";
    renamed.description = "not written";
    const Error updated = error_of(jobs.update_definition(a.seq, renamed, at(3), std::nullopt));
    CHECK(updated.kind == ErrorKind::validation);
    CHECK(updated.fields.count("name") == 1);
    const Job after = *take(jobs.find_job_by_seq(a.seq));
    CHECK(after.definition.name == "a");
    CHECK(after.definition.description.empty());
    CHECK(after.updated_at == at(1));
    // Keeping its own name is no duplicate.
    JobDefinition same_name = a.definition;
    same_name.description = "written";
    ok(jobs.update_definition(a.seq, same_name, at(4), std::nullopt));
    CHECK((*take(jobs.find_job_by_seq(a.seq))).definition.description == "written");
  }

  TEST_CASE("update_definition writes the definition and updated_at, and keeps another party's ping time and snooze") {
    TestDatabase db;
    auto administrator = db.open();
    auto monitor = db.open();
    const Job stale = take(administrator->jobs().insert_job(daily("nightly"), at(100)));
    // Another party writes the monitoring state and a snooze after the copy was read.
    ok(monitor->jobs().record_monitoring(stale.seq, LatestResult::ping_finished, at(150)));
    ok(monitor->jobs().set_snooze(stale.seq, Snooze{at(5000), 60}));

    JobDefinition changed = stale.definition;
    changed.description = "changed";
    changed.grace_time_in_minutes = 9;
    changed.enabled = false;
    changed.max_runtime_in_minutes = 30;
    ok(administrator->jobs().update_definition(stale.seq, changed, at(200), std::nullopt));
    Job after = *take(monitor->jobs().find_job_by_seq(stale.seq));
    CHECK(after.definition.description == "changed");
    CHECK(after.definition.grace_time_in_minutes == 9);
    CHECK_FALSE(after.definition.enabled);
    CHECK(after.definition.max_runtime_in_minutes == 30);
    CHECK(after.updated_at == at(200));
    CHECK(after.created_at == at(100));
    CHECK(after.uuid == stale.uuid);
    CHECK(after.latest_result == LatestResult::ping_finished);
    CHECK(after.latest_ping_at == at(150));
    REQUIRE(after.snooze);
    CHECK(after.snooze->ends_at == at(5000));
    CHECK(after.snooze->minutes == 60);

    // With a mark, the result is the mark; the ping time and the snooze still stay.
    changed.cron_expression = "0 3 * * *";
    ok(administrator->jobs().update_definition(stale.seq, changed, at(300),
                                               LatestResult::cron_check_changed));
    after = *take(monitor->jobs().find_job_by_seq(stale.seq));
    CHECK(after.definition.cron_expression == "0 3 * * *");
    CHECK(after.latest_result == LatestResult::cron_check_changed);
    CHECK(after.latest_ping_at == at(150));
    CHECK(after.snooze.has_value());
  }

  TEST_CASE("record_monitoring writes the result and a given ping time, and keeps another party's definition and snooze") {
    TestDatabase db;
    auto monitor = db.open();
    auto administrator = db.open();
    const Job stale = take(monitor->jobs().insert_job(daily("nightly"), at(100)));
    JobDefinition changed = stale.definition;
    changed.description = "changed by the administrator";
    ok(administrator->jobs().update_definition(stale.seq, changed, at(200), std::nullopt));
    ok(administrator->jobs().set_snooze(stale.seq, Snooze{at(5000), 30}));

    ok(monitor->jobs().record_monitoring(stale.seq, LatestResult::ping_starting, at(250)));
    Job after = *take(administrator->jobs().find_job_by_seq(stale.seq));
    CHECK(after.latest_result == LatestResult::ping_starting);
    CHECK(after.latest_ping_at == at(250));
    CHECK(after.definition.description == "changed by the administrator");
    CHECK(after.updated_at == at(200));
    REQUIRE(after.snooze);
    CHECK(after.snooze->minutes == 30);

    // Without a ping time, the one recorded stays.
    ok(monitor->jobs().record_monitoring(stale.seq, LatestResult::check_ran_too_late, std::nullopt));
    after = *take(administrator->jobs().find_job_by_seq(stale.seq));
    CHECK(after.latest_result == LatestResult::check_ran_too_late);
    CHECK(after.latest_ping_at == at(250));
  }

  TEST_CASE("set_snooze sets and lifts the snooze only, and updated_at stays") {
    TestDatabase db;
    auto user = db.open();
    auto monitor = db.open();
    const Job stale = take(user->jobs().insert_job(daily("nightly"), at(100)));
    ok(monitor->jobs().record_monitoring(stale.seq, LatestResult::ping_failed, at(150)));
    ok(user->jobs().set_snooze(stale.seq, Snooze{at(9000), 360}));
    Job snoozed = *take(monitor->jobs().find_job_by_seq(stale.seq));
    REQUIRE(snoozed.snooze);
    CHECK(snoozed.snooze->ends_at == at(9000));
    CHECK(snoozed.snooze->minutes == 360);
    CHECK(snoozed.updated_at == at(100));
    CHECK(snoozed.latest_result == LatestResult::ping_failed);
    CHECK(snoozed.latest_ping_at == at(150));
    ok(user->jobs().set_snooze(stale.seq, std::nullopt));
    Job lifted = *take(monitor->jobs().find_job_by_seq(stale.seq));
    CHECK_FALSE(lifted.snooze);
    CHECK(lifted.updated_at == at(100));
    CHECK(lifted.latest_result == LatestResult::ping_failed);
    CHECK(lifted.definition.name == "nightly");
  }

  TEST_CASE("each narrow write to a job that no longer exists is not_found") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job gone = take(jobs.insert_job(daily("gone"), at(1)));
    ok(jobs.delete_job(gone.seq));
    CHECK(error_of(jobs.update_definition(gone.seq, gone.definition, at(2), std::nullopt)).kind ==
          ErrorKind::not_found);
    CHECK(error_of(jobs.record_monitoring(gone.seq, LatestResult::ping_finished, at(2))).kind ==
          ErrorKind::not_found);
    CHECK(error_of(jobs.set_snooze(gone.seq, Snooze{at(10), 1})).kind == ErrorKind::not_found);
    CHECK(error_of(jobs.set_snooze(gone.seq, std::nullopt)).kind == ErrorKind::not_found);
  }

  TEST_CASE("deleting a job deletes its runs, flips and pings, and no other job's") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    PingStore& pings = stores->pings();
    const Job doomed = take(jobs.insert_job(daily("doomed"), at(1)));
    const Job kept = take(jobs.insert_job(daily("kept"), at(1)));
    std::vector<std::int64_t> run_seqs;  // the doomed job's, then the kept job's
    for (const Job* job : {&doomed, &kept}) {
      run_seqs.push_back(
          take(jobs.insert_run(finished_run_of(job->seq, 10, RunStatus::failed))).seq);
      Flip failed = flip_of(job->seq, 70, MonitorState::up, MonitorState::failed);
      failed.run_seq = run_seqs.back();  // the flip names the run that goes with the job
      take(jobs.insert_flip(failed));
      take(pings.insert_ping(ping_of(job->seq, 20, PingKind::failed), kPingsKeptPerJob));
    }
    ok(jobs.delete_job(doomed.seq));
    CHECK_FALSE(take(jobs.find_job_by_seq(doomed.seq)));
    CHECK_FALSE(take(jobs.find_run(run_seqs[0])));
    CHECK_FALSE(take(jobs.last_run(doomed.seq)));
    CHECK(take(jobs.list_runs(doomed.seq, std::nullopt, PageRequest{1, 20})).total == 0);
    CHECK(take(jobs.recent_flips(doomed.seq, 10)).empty());
    CHECK_FALSE(take(jobs.latest_flip(doomed.seq)));
    CHECK(take(pings.list_pings(doomed.seq, PageRequest{1, 20})).total == 0);
    CHECK_FALSE(take(pings.job_seq_for_uuid(doomed.uuid)));
    // The pending alert of the deleted job's flip went with it.
    const auto pending = take(jobs.pending_alerts());
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].job_seq == kept.seq);

    CHECK(take(jobs.find_run(run_seqs[1])).has_value());
    CHECK(take(jobs.recent_flips(kept.seq, 10)).size() == 1);
    CHECK(take(pings.list_pings(kept.seq, PageRequest{1, 20})).total == 1);
  }

  TEST_CASE("list_jobs: id order, each job's newest run, the filter's total, and pages past the end empty") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job busy = take(jobs.insert_job(daily("busy"), at(1)));
    const Job idle = take(jobs.insert_job(daily("idle"), at(1)));
    const Job once = take(jobs.insert_job(daily("once"), at(1)));
    JobDefinition off = daily("off");
    off.enabled = false;
    const Job disabled = take(jobs.insert_job(off, at(1)));
    std::int64_t busy_last = 0;
    std::int64_t once_last = 0;
    // Interleaved, so a job's newest run is not simply the newest run.
    for (int i = 0; i < 4; ++i) {
      const Run run = take(jobs.insert_run(
          finished_run_of(i == 2 ? once.seq : busy.seq, 100 + i, RunStatus::success)));
      (i == 2 ? once_last : busy_last) = run.seq;
    }
    const auto page = take(jobs.list_jobs(JobStatusFilter::any, PageRequest{1, 20}));
    CHECK(page.total == 4);
    CHECK(page.page == 1);
    CHECK(page.limit == 20);
    REQUIRE(page.items.size() == 4);
    CHECK(page.items[0].job.seq == busy.seq);
    CHECK(page.items[1].job.seq == idle.seq);
    CHECK(page.items[2].job.seq == once.seq);
    CHECK(page.items[3].job.seq == disabled.seq);
    REQUIRE(page.items[0].last_run);
    CHECK(page.items[0].last_run->seq == busy_last);
    CHECK(page.items[0].last_run->job_seq == busy.seq);
    CHECK_FALSE(page.items[1].last_run);
    REQUIRE(page.items[2].last_run);
    CHECK(page.items[2].last_run->seq == once_last);

    const auto first = take(jobs.list_jobs(JobStatusFilter::active, PageRequest{1, 2}));
    CHECK(first.total == 3);
    REQUIRE(first.items.size() == 2);
    CHECK(first.items[1].job.seq == idle.seq);
    const auto second = take(jobs.list_jobs(JobStatusFilter::active, PageRequest{2, 2}));
    CHECK(second.total == 3);
    REQUIRE(second.items.size() == 1);
    CHECK(second.items[0].job.seq == once.seq);
    const auto off_only = take(jobs.list_jobs(JobStatusFilter::disabled, PageRequest{1, 20}));
    CHECK(off_only.total == 1);
    REQUIRE(off_only.items.size() == 1);
    CHECK(off_only.items[0].job.seq == disabled.seq);

    for (PageRequest past : {PageRequest{3, 2}, PageRequest{INT_MAX, 100}, PageRequest{INT_MAX, 1}}) {
      CAPTURE(past.page);
      CAPTURE(past.limit);
      const auto empty = take(jobs.list_jobs(JobStatusFilter::active, past));
      CHECK(empty.items.empty());
      CHECK(empty.total == 3);
      CHECK(empty.page == past.page);
      CHECK(empty.limit == past.limit);
    }
  }

  TEST_CASE("find_job_with_last_run gives what find_job and last_run give") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job busy = take(jobs.insert_job(daily("busy"), at(1)));
    take(jobs.insert_job(daily("idle"), at(1)));
    const Job other = take(jobs.insert_job(daily("other"), at(1)));
    for (int i = 0; i < 4; ++i) {
      Run run = take(jobs.insert_run(running_run_of(i == 3 ? other.seq : busy.seq, 100 + i)));
      run.status = i == 2 ? RunStatus::failed : RunStatus::success;
      run.completed_at = at(200 + i);
      run.result = RunResult{1, 2, 3, 4, {}};
      run.error_message = "error " + std::to_string(i);
      ok(jobs.update_run(run));
    }
    for (const std::string key : {"cron-001", "busy", "idle", "cron-2", "other"}) {
      CAPTURE(key);
      const auto both = take(jobs.find_job_with_last_run(key));
      REQUIRE(both);
      const auto job = take(jobs.find_job(key));
      REQUIRE(job);
      CHECK(both->job.seq == job->seq);
      CHECK(both->job.uuid == job->uuid);
      CHECK(both->job.definition.name == job->definition.name);
      CHECK(both->job.created_at == job->created_at);
      const auto last = take(jobs.last_run(job->seq));
      REQUIRE(both->last_run.has_value() == last.has_value());
      if (last) {
        CHECK(both->last_run->seq == last->seq);
        CHECK(both->last_run->status == last->status);
        CHECK(both->last_run->completed_at == last->completed_at);
        CHECK(both->last_run->error_message == last->error_message);
        REQUIRE(both->last_run->result);
        CHECK(both->last_run->result->errors == 4);
      }
    }
    CHECK((*take(jobs.find_job_with_last_run("busy"))).last_run->error_message == "error 2");
    CHECK_FALSE(take(jobs.find_job_with_last_run("nobody")));
  }

  TEST_CASE("the database's identity is the same on every connection and reopening, and differs between databases") {
    TestDatabase db;
    TestDatabase other_db;
    std::string identity;
    {
      auto stores = db.open();
      identity = take(stores->jobs().identity());
      CHECK_FALSE(identity.empty());
      auto second = db.open();
      CHECK(take(second->jobs().identity()) == identity);
    }
    auto reopened = db.open();
    CHECK(take(reopened->jobs().identity()) == identity);
    auto other = other_db.open();
    CHECK(take(other->jobs().identity()) != identity);
  }
}

}  // namespace certcron::conformance
