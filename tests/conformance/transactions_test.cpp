// JobStore::in_transaction and in_read_transaction: all or nothing, whatever ends the work,
// across the three stores that share a connection.

#include "conformance/database.hpp"
#include "conformance/values.hpp"

#include <stdexcept>

namespace certcron::conformance {

TEST_SUITE("conformance.transactions") {
  TEST_CASE("work that returns a value is committed, and another connection sees all of it") {
    TestDatabase db;
    auto stores = db.open();
    auto other = db.open();
    JobStore& jobs = stores->jobs();
    std::int64_t job_seq = 0;
    ok(jobs.in_transaction([&]() -> Result<void> {
      const Job job = take(jobs.insert_job(daily("committed"), at(1)));
      job_seq = job.seq;
      take(jobs.insert_run(finished_run_of(job.seq, 10, RunStatus::success)));
      ok(jobs.record_monitoring(job.seq, LatestResult::ping_finished, at(70)));
      take(stores->pings().insert_ping(ping_of(job.seq, 70, PingKind::finished), kPingsKeptPerJob));
      return {};
    }));
    const Job seen = *take(other->jobs().find_job("committed"));
    CHECK(seen.latest_result == LatestResult::ping_finished);
    CHECK(take(other->jobs().last_run(job_seq)).has_value());
    CHECK(take(other->pings().list_pings(job_seq, PageRequest{1, 20})).total == 1);
  }

  TEST_CASE("work that returns an error is rolled back, pings and ledger included, and its error returned") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job kept = take(jobs.insert_job(daily("kept"), at(1)));
    auto outcome = jobs.in_transaction([&]() -> Result<void> {
      take(jobs.insert_job(daily("rolled_back"), at(2)));
      take(jobs.insert_run(finished_run_of(kept.seq, 10, RunStatus::success)));
      take(jobs.insert_flip(flip_of(kept.seq, 11, MonitorState::up, MonitorState::failed)));
      ok(jobs.record_monitoring(kept.seq, LatestResult::ping_failed, at(12)));
      ok(jobs.set_snooze(kept.seq, Snooze{at(100), 5}));
      take(stores->pings().insert_ping(ping_of(kept.seq, 12, PingKind::failed), kPingsKeptPerJob));
      take(stores->reminders().upsert({date_row("m1", "CPR", 100)}));
      ok(stores->reminders().save_watermark("UTC|7|30", reminders::Watermark{100, 1}));
      return fail(Error::conflict("the crontab refused"));
    });
    const Error error = error_of(outcome);
    CHECK(error.kind == ErrorKind::conflict);
    CHECK(error.message == "the crontab refused");

    auto fresh = db.open();
    for (JobStore* reader : {&jobs, &fresh->jobs()}) {
      CHECK_FALSE(take(reader->find_job("rolled_back")));
      const Job after = *take(reader->find_job_by_seq(kept.seq));
      CHECK_FALSE(after.latest_result);
      CHECK_FALSE(after.snooze);
      CHECK_FALSE(take(reader->last_run(kept.seq)));
      CHECK_FALSE(take(reader->latest_flip(kept.seq)));
    }
    CHECK(take(stores->pings().list_pings(kept.seq, PageRequest{1, 20})).total == 0);
    CHECK(take(stores->reminders().counts()).mentors == 0);
    CHECK_FALSE(take(stores->reminders().watermark("UTC|7|30")));
    // The store goes on working.
    take(jobs.insert_job(daily("after"), at(3)));
    CHECK(take(fresh->jobs().find_job("after")).has_value());
  }

  TEST_CASE("a store error inside the work, passed on, rolls back what the work wrote before it") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    take(jobs.insert_job(daily("taken"), at(1)));
    auto outcome = jobs.in_transaction([&]() -> Result<void> {
      take(jobs.insert_job(daily("first"), at(2)));
      auto duplicate = jobs.insert_job(daily("taken"), at(2));
      if (!duplicate) {
        return fail(duplicate.error());
      }
      return {};
    });
    const Error error = error_of(outcome);
    CHECK(error.kind == ErrorKind::validation);
    CHECK(error.fields.count("name") == 1);
    CHECK_FALSE(take(jobs.find_job("first")));
    CHECK(take(jobs.all_jobs()).size() == 1);
  }

  TEST_CASE("a write refused inside a transaction says why, and the work may go on and commit the rest") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("taken"), at(1)));
    const Run holder = take(jobs.insert_run(running_run_of(job.seq, 10)));
    take(jobs.insert_run(slot_run_of(job.seq, 7200)));
    ok(jobs.in_transaction([&]() -> Result<void> {
      // Each refusal is the error the interface names, with what it names read in the same
      // transaction.
      const Error running = error_of(jobs.insert_run(running_run_of(job.seq, 20)));
      CHECK(running.kind == ErrorKind::conflict);
      CHECK(running.message.find(holder.id()) != std::string::npos);
      const Error duplicate = error_of(jobs.insert_job(daily("taken"), at(2)));
      CHECK(duplicate.kind == ErrorKind::validation);
      CHECK(duplicate.fields.count("name") == 1);
      // The work goes on after them; what it writes next is committed with what came before.
      take(jobs.insert_job(daily("written after the refusals"), at(3)));
      ok(jobs.record_monitoring(job.seq, LatestResult::ping_starting, at(20)));
      take(stores->pings().insert_ping(ping_of(job.seq, 20, PingKind::starting), kPingsKeptPerJob));
      return {};
    }));
    auto other = db.open();
    CHECK(take(other->jobs().find_job("written after the refusals")).has_value());
    CHECK((*take(other->jobs().find_job_by_seq(job.seq))).latest_result == LatestResult::ping_starting);
    CHECK(take(other->pings().list_pings(job.seq, PageRequest{1, 20})).total == 1);
    CHECK(take(other->jobs().list_runs(job.seq, std::nullopt, PageRequest{1, 20})).total == 2);
  }

  TEST_CASE("work that throws is rolled back and leaves the store usable") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    bool threw = false;
    Result<void> outcome;
    try {
      outcome = jobs.in_transaction([&]() -> Result<void> {
        take(jobs.insert_job(daily("thrown_away"), at(1)));
        throw std::runtime_error("out of memory, say");
      });
    } catch (const std::runtime_error&) {
      threw = true;
    }
    // Either is the interface's "rolls back when it throws": the exception goes on, or it is
    // turned into an error. Not both, and never a success.
    CHECK((threw || !outcome));
    CHECK_FALSE(take(jobs.find_job("thrown_away")));
    auto other = db.open();
    CHECK_FALSE(take(other->jobs().find_job("thrown_away")));
    ok(jobs.in_transaction([&]() -> Result<void> {
      take(jobs.insert_job(daily("next"), at(2)));
      return {};
    }));
    CHECK(take(other->jobs().find_job("next")).has_value());
  }

  TEST_CASE("a read transaction gives its work's result or error and leaves the store writable") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    take(jobs.insert_job(daily("a"), at(1)));
    std::int64_t total = 0;
    std::size_t all = 0;
    ok(jobs.in_read_transaction([&]() -> Result<void> {
      total = take(jobs.list_jobs(JobStatusFilter::any, PageRequest{1, 20})).total;
      all = take(jobs.all_jobs()).size();
      return {};
    }));
    CHECK(total == 1);
    CHECK(all == 1);
    const Error refused = error_of(jobs.in_read_transaction([]() -> Result<void> {
      return fail(Error::not_found("stopped"));
    }));
    CHECK(refused.kind == ErrorKind::not_found);
    CHECK(refused.message == "stopped");
    take(jobs.insert_job(daily("b"), at(2)));
    ok(jobs.in_transaction([&]() -> Result<void> {
      take(jobs.insert_job(daily("c"), at(3)));
      return {};
    }));
    CHECK(take(jobs.all_jobs()).size() == 3);
  }

  TEST_CASE("a read transaction sees one snapshot: a write committed meanwhile on another connection is not in it") {
    TestDatabase db;
    auto reader = db.open();
    auto writer = db.open();
    take(reader->jobs().insert_job(daily("a"), at(1)));
    std::int64_t before = 0;
    std::int64_t during = 0;
    ok(reader->jobs().in_read_transaction([&]() -> Result<void> {
      before = take(reader->jobs().list_jobs(JobStatusFilter::any, PageRequest{1, 20})).total;
      take(writer->jobs().insert_job(daily("b"), at(2)));
      during = take(reader->jobs().list_jobs(JobStatusFilter::any, PageRequest{1, 20})).total;
      return {};
    }));
    CHECK(before == 1);
    CHECK(during == 1);
    CHECK(take(reader->jobs().list_jobs(JobStatusFilter::any, PageRequest{1, 20})).total == 2);
  }
}

}  // namespace certcron::conformance
