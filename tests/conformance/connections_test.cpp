// Two connections to one database, as two certcron processes (cron's and the server's, or two
// hosts) have: what one commits the other sees, write transactions are serialised, and the
// database alone decides which of two racing starts of a slot wins.

#include "conformance/database.hpp"
#include "conformance/values.hpp"

#include <array>
#include <latch>
#include <thread>

namespace certcron::conformance {
namespace {

constexpr int kIncrementsPerThread = 50;

// Runs `work(connection_index)` on two threads at once, each with its own connection.
template <class Work>
void on_two_threads(std::array<std::unique_ptr<store::Stores>, 2>& connections, Work work) {
  std::latch start{2};
  std::array<std::thread, 2> threads;
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      start.arrive_and_wait();
      work(*connections[i], i);
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
}

}  // namespace

TEST_SUITE("conformance.connections") {
  TEST_CASE("what one connection commits, the other sees: jobs, runs, flips, pings, certifications, ledger, watermarks") {
    TestDatabase db;
    auto writer = db.open();
    auto reader = db.open();
    // The reader has read before the writes, so nothing it sees comes from before them.
    CHECK(take(reader->jobs().all_jobs()).empty());
    const Job job = take(writer->jobs().insert_job(daily("shared"), at(1)));
    const Run run = take(writer->jobs().insert_run(running_run_of(job.seq, 10)));
    take(writer->jobs().insert_flip(flip_of(job.seq, 11, MonitorState::up, MonitorState::late)));
    take(writer->pings().insert_ping(ping_of(job.seq, 12, PingKind::starting), kPingsKeptPerJob));
    ok(writer->reminders().in_transaction([&]() -> Result<void> {
      take(writer->reminders().upsert({date_row("m1", "CPR", 100)}));
      return {};
    }));
    ok(writer->reminders().save_watermark("p", reminders::Watermark{99, 1}));

    const auto seen = take(reader->jobs().find_job("shared"));
    REQUIRE(seen);
    CHECK(seen->uuid == job.uuid);
    CHECK((*take(reader->jobs().running_run(job.seq))).seq == run.seq);
    CHECK((*take(reader->jobs().latest_flip(job.seq))).to == MonitorState::late);
    CHECK(take(reader->pings().list_pings(job.seq, PageRequest{1, 20})).total == 1);
    CHECK(take(reader->pings().job_seq_for_uuid(job.uuid)) == job.seq);
    const auto candidates =
        take(reader->reminders().due_candidates(band(7, 95, 101), reminders::CandidateCursor{}, 10));
    REQUIRE(candidates.size() == 1);
    CHECK(take(reader->reminders().counts()).certifications == 1);
    CHECK((*take(reader->reminders().watermark("p"))).through_day == 99);

    // And the other way round, with a change to the row the writer made.
    ok(reader->jobs().set_snooze(job.seq, Snooze{at(500), 10}));
    ok(reader->reminders().record({reminders::LedgerEntry{candidates[0].certification.id,
                                               candidates[0].certification.expires_on, 7,
                                               reminders::LedgerOutcome::sent, at(20), run.seq,
                                               "<m@certcron>"}}));
    CHECK((*take(writer->jobs().find_job_by_seq(job.seq))).snooze.has_value());
    CHECK(take(writer->reminders().ledger_for(candidates[0].certification.id,
                                              candidates[0].certification.expires_on))
              .size() == 1);
  }

  TEST_CASE("two job store transactions on two connections are serialised: no increment is lost") {
    TestDatabase db;
    std::array<std::unique_ptr<store::Stores>, 2> connections{db.open(), db.open()};
    JobDefinition counter = daily("counter");
    counter.grace_time_in_minutes = 0;
    const Job job = take(connections[0]->jobs().insert_job(counter, at(1)));
    std::array<int, 2> committed{0, 0};
    std::array<std::string, 2> errors;
    on_two_threads(connections, [&](store::Stores& stores, int i) {
      for (int n = 0; n < kIncrementsPerThread; ++n) {
        // Read, then write what was read plus one: a second transaction that began before
        // the first committed would write the same value and lose an increment.
        auto done = stores.jobs().in_transaction([&]() -> Result<void> {
          auto current = stores.jobs().find_job_by_seq(job.seq);
          if (!current) {
            return fail(current.error());
          }
          JobDefinition next = (*current)->definition;
          next.grace_time_in_minutes += 1;
          return stores.jobs().update_definition(job.seq, next, at(2), std::nullopt);
        });
        if (done) {
          ++committed[i];
        } else if (errors[i].empty()) {
          errors[i] = describe(done.error());
        }
      }
    });
    CHECK(errors[0] == "");
    CHECK(errors[1] == "");
    CHECK(committed[0] == kIncrementsPerThread);
    CHECK(committed[1] == kIncrementsPerThread);
    CHECK((*take(connections[0]->jobs().find_job_by_seq(job.seq))).definition.grace_time_in_minutes ==
          2 * kIncrementsPerThread);
  }

  TEST_CASE("two reminder store transactions on two connections are serialised: no increment is lost") {
    TestDatabase db;
    std::array<std::unique_ptr<store::Stores>, 2> connections{db.open(), db.open()};
    ok(connections[0]->reminders().save_watermark("counter", reminders::Watermark{0, 0}));
    std::array<int, 2> committed{0, 0};
    std::array<std::string, 2> errors;
    on_two_threads(connections, [&](store::Stores& stores, int i) {
      for (int n = 0; n < kIncrementsPerThread; ++n) {
        auto done = stores.reminders().in_transaction([&]() -> Result<void> {
          auto current = stores.reminders().watermark("counter");
          if (!current) {
            return fail(current.error());
          }
          if (!*current) {
            return fail(Error::failed("the counter is gone"));
          }
          return stores.reminders().save_watermark(
              "counter", reminders::Watermark{(*current)->through_day + 1, 0});
        });
        if (done) {
          ++committed[i];
        } else if (errors[i].empty()) {
          errors[i] = describe(done.error());
        }
      }
    });
    CHECK(errors[0] == "");
    CHECK(errors[1] == "");
    CHECK(committed[0] == kIncrementsPerThread);
    CHECK(committed[1] == kIncrementsPerThread);
    CHECK((*take(connections[0]->reminders().watermark("counter"))).through_day ==
          2 * kIncrementsPerThread);
  }

  TEST_CASE("two connections starting the same slot at once: exactly one run, the other a conflict") {
    TestDatabase db;
    std::array<std::unique_ptr<store::Stores>, 2> connections{db.open(), db.open()};
    const Job job = take(connections[0]->jobs().insert_job(daily("raced"), at(1)));
    constexpr int kSlots = 20;
    std::array<std::array<std::optional<Error>, kSlots>, 2> outcomes;  // nullopt: inserted
    on_two_threads(connections, [&](store::Stores& stores, int i) {
      for (int slot = 0; slot < kSlots; ++slot) {
        auto inserted = stores.jobs().insert_run(slot_run_of(job.seq, slot * 86400 + 7200));
        if (!inserted) {
          outcomes[i][slot] = inserted.error();
        }
      }
    });
    for (int slot = 0; slot < kSlots; ++slot) {
      CAPTURE(slot);
      const bool first_won = !outcomes[0][slot];
      const bool second_won = !outcomes[1][slot];
      CHECK(first_won != second_won);
      for (const auto& outcome : {outcomes[0][slot], outcomes[1][slot]}) {
        if (outcome) {
          CAPTURE(outcome->message);
          CHECK(outcome->kind == ErrorKind::conflict);
        }
      }
      CHECK(take(connections[0]->jobs().has_run_for_slot(job.seq, at(slot * 86400 + 7200))));
    }
    CHECK(take(connections[1]->jobs().list_runs(job.seq, std::nullopt, PageRequest{1, 100})).total ==
          kSlots);
  }

  TEST_CASE("two connections starting a job at once: one running run, the other a conflict") {
    TestDatabase db;
    std::array<std::unique_ptr<store::Stores>, 2> connections{db.open(), db.open()};
    const Job job = take(connections[0]->jobs().insert_job(daily("raced"), at(1)));
    constexpr int kRounds = 20;
    std::array<std::array<std::optional<Error>, kRounds>, 2> outcomes;
    std::array<std::array<std::int64_t, kRounds>, 2> seqs{};
    // Each round: both try to start a run; the winner ends it before the next round.
    for (int round = 0; round < kRounds; ++round) {
      on_two_threads(connections, [&](store::Stores& stores, int i) {
        auto inserted = stores.jobs().insert_run(running_run_of(job.seq, 100 + round));
        if (inserted) {
          seqs[i][round] = inserted->seq;
        } else {
          outcomes[i][round] = inserted.error();
        }
      });
      CAPTURE(round);
      const bool first_won = !outcomes[0][round];
      const bool second_won = !outcomes[1][round];
      REQUIRE(first_won != second_won);
      const std::optional<Error>& refused = first_won ? outcomes[1][round] : outcomes[0][round];
      CHECK(refused->kind == ErrorKind::conflict);
      Run winner = *take(connections[0]->jobs().find_run(seqs[first_won ? 0 : 1][round]));
      CHECK((*take(connections[1]->jobs().running_run(job.seq))).seq == winner.seq);
      winner.status = RunStatus::success;
      winner.completed_at = at(200 + round);
      ok(connections[0]->jobs().update_run(winner));
    }
  }
}

}  // namespace certcron::conformance
