// ReminderStore's claims: a run claims each reminder before delivering it, so that runs of
// several jobs, on several hosts, deliver it once. A claim holds while its run is running and
// its lease lasts; the ledger entry, or the run giving it up, ends it.

#include "conformance/database.hpp"
#include "conformance/values.hpp"

#include <array>
#include <latch>
#include <thread>

namespace certcron::conformance {
namespace {

using reminders::ClaimHolder;
using reminders::LedgerEntry;
using reminders::LedgerOutcome;
using reminders::ReminderKey;
using reminders::ReminderStore;

using Held = std::vector<bool>;

// The id of each certification the rows made, in the rows' order.
std::vector<std::int64_t> certification_ids(ReminderStore& store, int count) {
  std::vector<reminders::CertificationRow> rows;
  for (int i = 0; i < count; ++i) {
    rows.push_back(date_row("m" + std::to_string(i), "CPR", 100 + i));
  }
  ok(store.in_transaction([&]() -> Result<void> {
    auto counts = store.upsert(rows);
    return counts ? Result<void>{} : fail(counts.error());
  }));
  std::vector<std::int64_t> ids;
  reminders::CandidateCursor cursor;
  const auto candidates = take(store.due_candidates(band(7, 100, 100 + count), cursor, 10000));
  for (const auto& candidate : candidates) {
    ids.push_back(candidate.certification.id);
  }
  REQUIRE(ids.size() == static_cast<std::size_t>(count));
  return ids;
}

ReminderKey key(std::int64_t id, int day, int threshold = 7) {
  return ReminderKey{id, util::format_date(std::chrono::sys_days{std::chrono::days{day}}),
                     threshold};
}

// A running run of a job of its own (one running run per job).
std::int64_t running_run(JobStore& jobs, const std::string& job_name) {
  const Job job = take(jobs.insert_job(daily(job_name), at(1)));
  return take(jobs.insert_run(running_run_of(job.seq, 1000))).seq;
}

ClaimHolder holder(std::int64_t run_seq, std::int64_t now = 2000, int lease_seconds = 900) {
  return ClaimHolder{run_seq, at(now), std::chrono::seconds{lease_seconds}};
}

}  // namespace

TEST_SUITE("conformance.claims") {
  TEST_CASE("a running run's claim keeps another run off a reminder; its own claim renews; release and the ledger end it") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    const auto ids = certification_ids(store, 3);
    const std::int64_t a = running_run(stores->jobs(), "a");
    const std::int64_t b = running_run(stores->jobs(), "b");
    const ReminderKey k0 = key(ids[0], 100), k1 = key(ids[1], 101), k2 = key(ids[2], 102);

    CHECK(take(store.claim({k0, k1}, holder(a))) == Held{true, true});
    CHECK(take(store.claim({k1, k2}, holder(b))) == Held{false, true});
    CHECK(take(store.claim({k0}, holder(a))) == Held{true});  // its own: still held
    // A key given twice in one claim is held (or not) twice.
    const ReminderKey twice = key(ids[2], 102, 30);
    CHECK(take(store.claim({twice, k1, twice}, holder(a))) == Held{true, true, true});
    // Another threshold of the same certification is another reminder.
    CHECK(take(store.claim({key(ids[1], 101, 1)}, holder(b))) == Held{true});

    // Releasing what another run holds changes nothing; the holder's release frees it.
    ok(store.release({k1}, b));
    CHECK(take(store.claim({k1}, holder(b))) == Held{false});
    ok(store.release({k1}, a));
    CHECK(take(store.claim({k1}, holder(b))) == Held{true});

    // The ledger entry ends the claim, and a reminder in the ledger is never claimed again.
    ok(store.record({LedgerEntry{ids[0], k0.expires_on, 7, LedgerOutcome::sent, at(2000), a,
                                 "<k0@certcron>"}}));
    CHECK(take(store.claim({k0}, holder(b))) == Held{false});
    CHECK(take(store.claim({k0}, holder(a))) == Held{false});
    CHECK(take(store.claim({}, holder(a))).empty());
  }

  TEST_CASE("the claims of a run that ended, of a run whose lease passed, or of no run are taken over; an ended run claims nothing") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    JobStore& jobs = stores->jobs();
    const auto ids = certification_ids(store, 3);
    const std::int64_t taker = running_run(jobs, "taker");

    // Its run ended (a run that died is marked abandoned when seen): at once.
    const Job ended_job = take(jobs.insert_job(daily("ended"), at(1)));
    Run ended = take(jobs.insert_run(running_run_of(ended_job.seq, 1000)));
    CHECK(take(store.claim({key(ids[0], 100)}, holder(ended.seq))) == Held{true});
    CHECK(take(store.claim({key(ids[0], 100)}, holder(taker))) == Held{false});
    ended.status = RunStatus::abandoned;
    ended.completed_at = at(1500);
    ok(jobs.update_run(ended));
    CHECK(take(store.claim({key(ids[0], 100)}, holder(taker))) == Held{true});
    // And a run that is not running claims nothing more: another process ended it, and its
    // claims would hold no one off.
    CHECK(take(store.claim({key(ids[0], 100, 1)}, holder(ended.seq))) == Held{false});

    // Its lease passed, its run still marked running (a host that stopped answering). The
    // lease is counted on `now` (SQLite) or on the database's clock (PostgreSQL): both pass.
    const std::int64_t stalled = running_run(jobs, "stalled");
    CHECK(take(store.claim({key(ids[1], 101)}, holder(stalled, 2000, 1))) == Held{true});
    CHECK(take(store.claim({key(ids[1], 101)}, holder(taker, 2000))) == Held{false});
    std::this_thread::sleep_for(std::chrono::milliseconds{1100});
    CHECK(take(store.claim({key(ids[1], 101)}, holder(taker, 2002))) == Held{true});

    // A claim by no run (run 0) holds nothing off.
    CHECK(take(store.claim({key(ids[2], 102)}, holder(0))) == Held{true});
    CHECK(take(store.claim({key(ids[2], 102)}, holder(taker))) == Held{true});
  }

  TEST_CASE("a claim taken inside a transaction that fails is not kept") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    const auto ids = certification_ids(store, 2);
    const std::int64_t a = running_run(stores->jobs(), "a");
    const std::int64_t b = running_run(stores->jobs(), "b");
    auto failed = store.in_transaction([&]() -> Result<void> {
      CHECK(take(store.claim({key(ids[0], 100)}, holder(a))) == Held{true});
      return fail(Error::failed("the batch could not be read"));
    });
    CHECK_FALSE(failed);
    CHECK(take(store.claim({key(ids[0], 100)}, holder(b))) == Held{true});
  }

  TEST_CASE("two connections claiming the same reminders at once: each is held by exactly one run") {
    TestDatabase db;
    std::array<std::unique_ptr<store::Stores>, 2> connections{db.open(), db.open()};
    constexpr int kKeys = 120;
    const auto ids = certification_ids(connections[0]->reminders(), kKeys);
    const std::array<std::int64_t, 2> runs{running_run(connections[0]->jobs(), "one"),
                                           running_run(connections[0]->jobs(), "two")};
    std::array<Held, 2> held;
    std::latch start{2};
    std::array<std::thread, 2> threads;
    for (int t = 0; t < 2; ++t) {
      threads[t] = std::thread([&, t] {
        start.arrive_and_wait();
        // In batches of 4, the second connection from the other end, so they meet midway.
        for (int first = 0; first < kKeys; first += 4) {
          std::vector<ReminderKey> batch;
          for (int i = first; i < first + 4; ++i) {
            const int k = t == 0 ? i : kKeys - 1 - i;
            batch.push_back(key(ids[k], 100 + k));
          }
          const Held got = take(connections[t]->reminders().claim(batch, holder(runs[t])));
          REQUIRE(got.size() == 4);
          for (int i = 0; i < 4; ++i) {
            const int k = t == 0 ? first + i : kKeys - 1 - first - i;
            held[t].resize(kKeys);
            held[t][k] = got[i];
          }
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    for (int k = 0; k < kKeys; ++k) {
      CAPTURE(k);
      CHECK(held[0][k] != held[1][k]);
    }
  }
}

}  // namespace certcron::conformance
