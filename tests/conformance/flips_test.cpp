// JobStore's promises about flips of the monitoring state and their alerts.

#include "conformance/database.hpp"
#include "conformance/values.hpp"

namespace certcron::conformance {

TEST_SUITE("conformance.flips") {
  TEST_CASE("a job without flips has none; the newest flip is the state, stored as given") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("flipping"), at(1)));
    CHECK_FALSE(take(jobs.latest_flip(job.seq)));

    Flip late = flip_of(job.seq, 10, MonitorState::up, MonitorState::late);
    late.seq = 999;  // ignored
    late.slot = at(5);
    late.reason = "no run started for the 02:00 slot";
    const Flip first = take(jobs.insert_flip(late));
    CHECK(first.seq > 0);
    CHECK(first.seq != 999);
    Flip recovered = flip_of(job.seq, 20, MonitorState::late, MonitorState::up);
    recovered.run_seq = 7;
    recovered.alert = AlertStatus::none;
    const Flip second = take(jobs.insert_flip(recovered));
    CHECK(second.seq > first.seq);

    const Flip latest = *take(jobs.latest_flip(job.seq));
    CHECK(latest.seq == second.seq);
    CHECK(latest.from == MonitorState::late);
    CHECK(latest.to == MonitorState::up);
    CHECK(latest.run_seq == 7);
    CHECK_FALSE(latest.slot);
    CHECK(latest.alert == AlertStatus::none);

    const auto recent = take(jobs.recent_flips(job.seq, 10));
    REQUIRE(recent.size() == 2);
    const Flip& read = recent[1];
    CHECK(read.seq == first.seq);
    CHECK(read.job_seq == job.seq);
    CHECK(read.at == at(10));
    CHECK(read.from == MonitorState::up);
    CHECK(read.to == MonitorState::late);
    CHECK(read.reason == "no run started for the 02:00 slot");
    CHECK(read.slot == at(5));
    CHECK_FALSE(read.run_seq);
    CHECK(read.alert == AlertStatus::pending);
    CHECK(read.attempts == 0);
    CHECK(read.alert_error.empty());
    CHECK_FALSE(read.alerted_at);
  }

  TEST_CASE("recent flips are the job's newest first, at most the count asked") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job job = take(jobs.insert_job(daily("a"), at(1)));
    const Job other = take(jobs.insert_job(daily("b"), at(1)));
    const MonitorState states[] = {MonitorState::late, MonitorState::up, MonitorState::failed,
                                   MonitorState::up, MonitorState::running_too_long};
    MonitorState from = MonitorState::up;
    std::vector<std::int64_t> seqs;
    for (int i = 0; i < 5; ++i) {
      seqs.push_back(take(jobs.insert_flip(flip_of(job.seq, 100 + i, from, states[i]))).seq);
      take(jobs.insert_flip(flip_of(other.seq, 100 + i, from, states[i])));
      from = states[i];
    }
    const auto three = take(jobs.recent_flips(job.seq, 3));
    REQUIRE(three.size() == 3);
    CHECK(three[0].seq == seqs[4]);
    CHECK(three[0].to == MonitorState::running_too_long);
    CHECK(three[1].seq == seqs[3]);
    CHECK(three[2].seq == seqs[2]);
    for (const Flip& flip : three) {
      CHECK(flip.job_seq == job.seq);
    }
    CHECK(take(jobs.recent_flips(job.seq, 100)).size() == 5);
    CHECK((*take(jobs.latest_flip(job.seq))).to == MonitorState::running_too_long);
  }

  TEST_CASE("pending alerts of every job come oldest first; update_alert writes only the alert columns") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    const Job a = take(jobs.insert_job(daily("a"), at(1)));
    const Job b = take(jobs.insert_job(daily("b"), at(1)));
    const Flip a_late = take(jobs.insert_flip(flip_of(a.seq, 10, MonitorState::up, MonitorState::late)));
    Flip quiet = flip_of(b.seq, 11, MonitorState::up, MonitorState::failed);
    quiet.alert = AlertStatus::snoozed;
    take(jobs.insert_flip(quiet));
    const Flip b_failed =
        take(jobs.insert_flip(flip_of(b.seq, 12, MonitorState::up, MonitorState::failed)));
    Flip sent = flip_of(a.seq, 13, MonitorState::late, MonitorState::up);
    sent.alert = AlertStatus::sent;
    take(jobs.insert_flip(sent));

    auto pending = take(jobs.pending_alerts());
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].seq == a_late.seq);
    CHECK(pending[1].seq == b_failed.seq);

    // A failed try: still pending, with its attempts and error.
    Flip tried = pending[0];
    tried.attempts = 1;
    tried.alert_error = "mail relay refused";
    tried.reason = "not an alert column";
    tried.to = MonitorState::failed;
    ok(jobs.update_alert(tried));
    pending = take(jobs.pending_alerts());
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].attempts == 1);
    CHECK(pending[0].alert_error == "mail relay refused");
    CHECK(pending[0].reason == a_late.reason);
    CHECK(pending[0].to == MonitorState::late);

    Flip delivered = pending[0];
    delivered.alert = AlertStatus::sent;
    delivered.attempts = 2;
    delivered.alert_error.clear();
    delivered.alerted_at = at(30);
    ok(jobs.update_alert(delivered));
    pending = take(jobs.pending_alerts());
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].seq == b_failed.seq);
    const auto a_flips = take(jobs.recent_flips(a.seq, 10));
    REQUIRE(a_flips.size() == 2);
    CHECK(a_flips[1].alert == AlertStatus::sent);
    CHECK(a_flips[1].attempts == 2);
    CHECK(a_flips[1].alert_error.empty());
    CHECK(a_flips[1].alerted_at == at(30));
  }
}

}  // namespace certcron::conformance
