// JobStore's promises about runs: one running run per job, one run per scheduled slot (dry
// runs aside), and reading them back.

#include "conformance/database.hpp"
#include "conformance/values.hpp"

#include <climits>

namespace certcron::conformance {

TEST_SUITE("conformance.runs") {
  TEST_CASE("a run is stored as started and as ended, and read back by find_run") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("nightly"), at(1)));
    Run started = running_run_of(job.seq, 7201);
    started.trigger = RunTrigger::schedule;
    started.scheduled_for = at(7200);
    started.pid = 31337;
    started.pid_start = 987654321;
    const Run inserted = take(jobs.insert_run(started));
    CHECK(inserted.seq > 0);
    CHECK(inserted.id() == "run-0001");

    Run read = *take(jobs.find_run(inserted.seq));
    CHECK(read.job_seq == job.seq);
    CHECK(read.trigger == RunTrigger::schedule);
    CHECK(read.scheduled_for == at(7200));
    CHECK(read.started_at == at(7201));
    CHECK(read.status == RunStatus::running);
    CHECK_FALSE(read.completed_at);
    CHECK_FALSE(read.dry_run);
    CHECK_FALSE(read.result);
    CHECK(read.pid == 31337);
    CHECK(read.pid_start == 987654321);
    CHECK(read.error_message.empty());

    Run ended = inserted;
    ended.status = RunStatus::failed;
    ended.completed_at = at(7260);
    ended.result = RunResult{12, 30, 5, 2, {}};
    ended.error_message = "2 deliveries failed: mail relay refused";
    ok(jobs.update_run(ended));
    read = *take(jobs.find_run(inserted.seq));
    CHECK(read.status == RunStatus::failed);
    CHECK(read.completed_at == at(7260));
    REQUIRE(read.result);
    CHECK(read.result->mentors_checked == 12);
    CHECK(read.result->certifications_checked == 30);
    CHECK(read.result->reminders_sent == 5);
    CHECK(read.result->errors == 2);
    CHECK(read.error_message == "2 deliveries failed: mail relay refused");
    CHECK(read.started_at == at(7201));
    CHECK(read.scheduled_for == at(7200));

    Run dry = running_run_of(job.seq, 8000);
    dry.trigger = RunTrigger::api;
    dry.dry_run = true;
    const Run dry_read = *take(jobs.find_run(take(jobs.insert_run(dry)).seq));
    CHECK(dry_read.dry_run);
    CHECK(dry_read.trigger == RunTrigger::api);
    CHECK_FALSE(dry_read.scheduled_for);
    CHECK_FALSE(take(jobs.find_run(404)));
  }

  TEST_CASE("a job has one running run at a time: a second is a conflict naming the first") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("a"), at(1)));
    const Job other = take(jobs.insert_job(daily("b"), at(1)));
    Run first = take(jobs.insert_run(running_run_of(job.seq, 10)));
    CHECK((*take(jobs.running_run(job.seq))).seq == first.seq);

    const Error refused = error_of(jobs.insert_run(running_run_of(job.seq, 11)));
    CHECK(refused.kind == ErrorKind::conflict);
    CHECK(refused.message.find(first.id()) != std::string::npos);
    // A scheduled run is refused by the running one as well.
    Run scheduled = running_run_of(job.seq, 12);
    scheduled.trigger = RunTrigger::schedule;
    scheduled.scheduled_for = at(0);
    CHECK(error_of(jobs.insert_run(scheduled)).kind == ErrorKind::conflict);
    // Another job is not held up.
    take(jobs.insert_run(running_run_of(other.seq, 11)));
    CHECK(take(jobs.list_runs(job.seq, std::nullopt, PageRequest{1, 20})).total == 1);

    first.status = RunStatus::success;
    first.completed_at = at(20);
    ok(jobs.update_run(first));
    CHECK_FALSE(take(jobs.running_run(job.seq)));
    const Run next = take(jobs.insert_run(running_run_of(job.seq, 30)));
    CHECK((*take(jobs.running_run(job.seq))).seq == next.seq);
    // An abandoned run is not running either.
    Run abandoned = next;
    abandoned.status = RunStatus::abandoned;
    abandoned.completed_at = at(40);
    ok(jobs.update_run(abandoned));
    CHECK_FALSE(take(jobs.running_run(job.seq)));
    take(jobs.insert_run(running_run_of(job.seq, 50)));
  }

  TEST_CASE("a scheduled slot gets one run, whatever its outcome; dry runs and manual runs do not take it") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("a"), at(1)));
    const Job other = take(jobs.insert_job(daily("b"), at(1)));
    CHECK_FALSE(take(jobs.has_run_for_slot(job.seq, at(7200))));

    Run manual = finished_run_of(job.seq, 7200, RunStatus::success);
    take(jobs.insert_run(manual));
    Run dry = slot_run_of(job.seq, 7200);
    dry.dry_run = true;
    take(jobs.insert_run(dry));
    take(jobs.insert_run(dry));  // a dry run may be repeated
    CHECK_FALSE(take(jobs.has_run_for_slot(job.seq, at(7200))));

    Run real = slot_run_of(job.seq, 7200);
    real.status = RunStatus::failed;
    take(jobs.insert_run(real));
    CHECK(take(jobs.has_run_for_slot(job.seq, at(7200))));
    CHECK_FALSE(take(jobs.has_run_for_slot(job.seq, at(7200 + 86400))));
    CHECK_FALSE(take(jobs.has_run_for_slot(other.seq, at(7200))));

    const Error again = error_of(jobs.insert_run(slot_run_of(job.seq, 7200)));
    CHECK(again.kind == ErrorKind::conflict);
    // The next slot, and the same slot of another job, are free.
    take(jobs.insert_run(slot_run_of(job.seq, 7200 + 86400)));
    take(jobs.insert_run(slot_run_of(other.seq, 7200)));
    CHECK(take(jobs.list_runs(job.seq, std::nullopt, PageRequest{1, 20})).total == 5);
  }

  TEST_CASE("last_run is the newest run of the job; running_run only a running one") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("a"), at(1)));
    const Job other = take(jobs.insert_job(daily("b"), at(1)));
    CHECK_FALSE(take(jobs.last_run(job.seq)));
    CHECK_FALSE(take(jobs.running_run(job.seq)));
    const Run old = take(jobs.insert_run(finished_run_of(job.seq, 100, RunStatus::failed)));
    const Run newer = take(jobs.insert_run(finished_run_of(job.seq, 200, RunStatus::success)));
    take(jobs.insert_run(finished_run_of(other.seq, 300, RunStatus::success)));
    CHECK((*take(jobs.last_run(job.seq))).seq == newer.seq);
    CHECK_FALSE(take(jobs.running_run(job.seq)));
    const Run running = take(jobs.insert_run(running_run_of(job.seq, 400)));
    CHECK((*take(jobs.last_run(job.seq))).seq == running.seq);
    CHECK((*take(jobs.running_run(job.seq))).seq == running.seq);
    CHECK_FALSE(take(jobs.running_run(other.seq)));
    CHECK(old.seq < newer.seq);
  }

  TEST_CASE("runs are listed newest first, by status when asked, with the total of what matches") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("a"), at(1)));
    const Job other = take(jobs.insert_job(daily("b"), at(1)));
    std::vector<std::int64_t> seqs;
    for (int i = 0; i < 5; ++i) {
      seqs.push_back(take(jobs.insert_run(finished_run_of(
                              job.seq, 100 + i, i % 2 == 0 ? RunStatus::success : RunStatus::failed)))
                         .seq);
      take(jobs.insert_run(finished_run_of(other.seq, 100 + i, RunStatus::failed)));
    }
    const auto first = take(jobs.list_runs(job.seq, std::nullopt, PageRequest{1, 2}));
    CHECK(first.total == 5);
    CHECK(first.page == 1);
    CHECK(first.limit == 2);
    REQUIRE(first.items.size() == 2);
    CHECK(first.items[0].seq == seqs[4]);
    CHECK(first.items[1].seq == seqs[3]);
    const auto last = take(jobs.list_runs(job.seq, std::nullopt, PageRequest{3, 2}));
    REQUIRE(last.items.size() == 1);
    CHECK(last.items[0].seq == seqs[0]);
    const auto failed = take(jobs.list_runs(job.seq, RunStatus::failed, PageRequest{1, 20}));
    CHECK(failed.total == 2);
    REQUIRE(failed.items.size() == 2);
    CHECK(failed.items[0].seq == seqs[3]);
    CHECK(failed.items[1].seq == seqs[1]);
    for (const Run& run : failed.items) {
      CHECK(run.job_seq == job.seq);
      CHECK(run.status == RunStatus::failed);
    }
    const auto running = take(jobs.list_runs(job.seq, RunStatus::running, PageRequest{1, 20}));
    CHECK(running.total == 0);
    CHECK(running.items.empty());
    for (PageRequest past : {PageRequest{4, 2}, PageRequest{INT_MAX, 100}}) {
      CAPTURE(past.page);
      const auto empty = take(jobs.list_runs(job.seq, std::nullopt, past));
      CHECK(empty.items.empty());
      CHECK(empty.total == 5);
    }
  }
  TEST_CASE("renew_lease moves a running run's lease past now, and leaves an ended run alone") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("long"), at(1)));
    Run started = running_run_of(job.seq, 1000);
    started.owner = "host-a";
    started.lease_until = at(1900);
    const Run run = take(jobs.insert_run(started));
    const auto real_now = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());

    CHECK(take(jobs.renew_lease(run.seq, std::chrono::seconds{600}, at(5000))));
    const auto renewed = take(jobs.find_run(run.seq))->lease_until;
    REQUIRE(renewed);
    if (engine() == Engine::sqlite) {
      CHECK(*renewed == at(5600));  // `now` counts: one host, one clock
    } else {
      // The database's clock counts, whatever `now` the host gives.
      CHECK(*renewed >= real_now + std::chrono::seconds{590});
      CHECK(*renewed <= real_now + std::chrono::seconds{700});
    }

    Run ended = *take(jobs.find_run(run.seq));
    ended.status = RunStatus::success;
    ended.completed_at = at(1100);
    ok(jobs.update_run(ended));
    CHECK_FALSE(take(jobs.renew_lease(run.seq, std::chrono::seconds{900}, at(9000))));
    CHECK(take(jobs.find_run(run.seq))->lease_until == renewed);
    CHECK_FALSE(take(jobs.renew_lease(404, std::chrono::seconds{900}, at(9000))));
  }
}

}  // namespace certcron::conformance
