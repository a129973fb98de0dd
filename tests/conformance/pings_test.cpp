// PingStore's promises: finding a job by its ping uuid, the bounded history, the start of a
// healthchecks.io run id, and the newest-first pages.

#include "conformance/database.hpp"
#include "conformance/values.hpp"

#include <climits>

namespace certcron::conformance {

TEST_SUITE("conformance.pings") {
  TEST_CASE("job_seq_for_uuid finds the job whose ping URL carries the uuid, and no other") {
    TestDatabase db;
    auto stores = db.open();
    const Job a = take(stores->jobs().insert_job(daily("a"), at(1)));
    const Job b = take(stores->jobs().insert_job(daily("b"), at(1)));
    CHECK(take(stores->pings().job_seq_for_uuid(a.uuid)) == a.seq);
    CHECK(take(stores->pings().job_seq_for_uuid(b.uuid)) == b.seq);
    CHECK_FALSE(take(stores->pings().job_seq_for_uuid("0d210b09-0000-4000-8000-000000000001")));
    CHECK_FALSE(take(stores->pings().job_seq_for_uuid("")));
    CHECK_FALSE(take(stores->pings().job_seq_for_uuid("' OR '1'='1")));
  }

  TEST_CASE("a ping is stored with every field and comes back newest first, a page at a time") {
    TestDatabase db;
    auto stores = db.open();
    PingStore& pings = stores->pings();
    const Job job = take(stores->jobs().insert_job(daily("a"), at(1)));
    const Job other = take(stores->jobs().insert_job(daily("b"), at(1)));
    Ping full = ping_of(job.seq, 100, PingKind::failed);
    full.exit_code = 3;
    full.runtime_ms = 12345;
    full.message = "disk full";
    full.body = "line 1\nline 2 — ünïcode";
    full.rid = "5f0a-rid";
    full.source = PingSource::http;
    full.remote = "192.0.2.7";
    const Ping stored = take(pings.insert_ping(full, kPingsKeptPerJob));
    CHECK(stored.seq > 0);
    std::vector<std::int64_t> seqs{stored.seq};
    for (int i = 1; i < 5; ++i) {
      Ping plain = ping_of(job.seq, 100 + i, i % 2 == 0 ? PingKind::finished : PingKind::log);
      plain.source = PingSource::cli;
      seqs.push_back(take(pings.insert_ping(plain, kPingsKeptPerJob)).seq);
      take(pings.insert_ping(ping_of(other.seq, 100 + i, PingKind::starting), kPingsKeptPerJob));
    }
    const auto first = take(pings.list_pings(job.seq, PageRequest{1, 2}));
    CHECK(first.total == 5);
    CHECK(first.page == 1);
    CHECK(first.limit == 2);
    REQUIRE(first.items.size() == 2);
    CHECK(first.items[0].seq == seqs[4]);
    CHECK(first.items[1].seq == seqs[3]);
    CHECK(first.items[0].source == PingSource::cli);
    CHECK_FALSE(first.items[0].exit_code);
    CHECK_FALSE(first.items[0].runtime_ms);
    const auto last = take(pings.list_pings(job.seq, PageRequest{3, 2}));
    REQUIRE(last.items.size() == 1);
    const Ping& read = last.items[0];
    CHECK(read.seq == stored.seq);
    CHECK(read.job_seq == job.seq);
    CHECK(read.at == at(100));
    CHECK(read.kind == PingKind::failed);
    CHECK(read.exit_code == 3);
    CHECK(read.runtime_ms == 12345);
    CHECK(read.message == "disk full");
    CHECK(read.body == "line 1\nline 2 — ünïcode");
    CHECK(read.rid == "5f0a-rid");
    CHECK(read.source == PingSource::http);
    CHECK(read.remote == "192.0.2.7");
    for (PageRequest past : {PageRequest{4, 2}, PageRequest{INT_MAX, 100}}) {
      CAPTURE(past.page);
      const auto empty = take(pings.list_pings(job.seq, past));
      CHECK(empty.items.empty());
      CHECK(empty.total == 5);
    }
  }

  TEST_CASE("adding a ping deletes the job's pings beyond the newest `keep`, and no other job's") {
    TestDatabase db;
    auto stores = db.open();
    PingStore& pings = stores->pings();
    const Job job = take(stores->jobs().insert_job(daily("a"), at(1)));
    const Job other = take(stores->jobs().insert_job(daily("b"), at(1)));
    for (int i = 0; i < 3; ++i) {
      take(pings.insert_ping(ping_of(other.seq, i, PingKind::finished), 100));
    }
    std::vector<std::int64_t> seqs;
    for (int i = 0; i < 7; ++i) {
      seqs.push_back(take(pings.insert_ping(ping_of(job.seq, 10 + i, PingKind::finished), 4)).seq);
    }
    const auto kept = take(pings.list_pings(job.seq, PageRequest{1, 20}));
    CHECK(kept.total == 4);
    REQUIRE(kept.items.size() == 4);
    CHECK(kept.items[0].seq == seqs[6]);
    CHECK(kept.items[3].seq == seqs[3]);
    CHECK(take(pings.list_pings(other.seq, PageRequest{1, 20})).total == 3);
    // A smaller keep trims at once; keep 1 leaves the new ping alone.
    take(pings.insert_ping(ping_of(job.seq, 20, PingKind::log), 1));
    const auto one = take(pings.list_pings(job.seq, PageRequest{1, 20}));
    REQUIRE(one.items.size() == 1);
    CHECK(one.items[0].at == at(20));
  }

  TEST_CASE("the start of a rid is the newest starting ping of that job with that rid") {
    TestDatabase db;
    auto stores = db.open();
    PingStore& pings = stores->pings();
    const Job job = take(stores->jobs().insert_job(daily("a"), at(1)));
    const Job other = take(stores->jobs().insert_job(daily("b"), at(1)));
    Ping first = ping_of(job.seq, 10, PingKind::starting);
    first.rid = "r";
    Ping second = ping_of(job.seq, 20, PingKind::starting);
    second.rid = "r";
    Ping end = ping_of(job.seq, 30, PingKind::finished);
    end.rid = "r";
    Ping elsewhere = ping_of(other.seq, 40, PingKind::starting);
    elsewhere.rid = "r";
    Ping unpaired = ping_of(job.seq, 50, PingKind::starting);
    take(pings.insert_ping(first, kPingsKeptPerJob));
    const Ping second_stored = take(pings.insert_ping(second, kPingsKeptPerJob));
    take(pings.insert_ping(end, kPingsKeptPerJob));
    take(pings.insert_ping(elsewhere, kPingsKeptPerJob));
    take(pings.insert_ping(unpaired, kPingsKeptPerJob));
    const auto start = take(pings.find_start(job.seq, "r"));
    REQUIRE(start);
    CHECK(start->seq == second_stored.seq);
    CHECK(start->at == at(20));
    CHECK(start->kind == PingKind::starting);
    CHECK_FALSE(take(pings.find_start(job.seq, "other")));
    CHECK((*take(pings.find_start(other.seq, "r"))).at == at(40));
    // A finished ping with a rid is no start.
    Ping finished_only = ping_of(other.seq, 60, PingKind::finished);
    finished_only.rid = "f";
    take(pings.insert_ping(finished_only, kPingsKeptPerJob));
    CHECK_FALSE(take(pings.find_start(other.seq, "f")));
  }
}

}  // namespace certcron::conformance
