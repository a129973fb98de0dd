#include "store/reminder_store.hpp"

#include "store/reminder_test_support.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace certcron::reminders;
using certcron::Result;
using certcron::Seconds;
using certcron::store::SqliteReminderStore;
using testing::TestDatabase;

namespace {

Seconds at(std::int64_t seconds) {
  return Seconds{std::chrono::seconds{seconds}};
}

CertificationRow row(std::string mentor, std::string certification, std::int64_t expires_at) {
  return CertificationRow{mentor,
                          "Name " + mentor,
                          mentor + "@example.org",
                          certification,
                          "x" + std::to_string(expires_at),
                          at(expires_at),
                          ""};
}

std::vector<Certification> scan_all(TestDatabase& t, Seconds from, Seconds to) {
  std::vector<Certification> seen;
  auto scanned = t.store.for_each_expiring(from, to, [&](const Certification& c) -> Result<void> {
    seen.push_back(c);
    return {};
  });
  REQUIRE(scanned.has_value());
  return seen;
}

}  // namespace

TEST_SUITE("store.reminders") {
  TEST_CASE("the range scan reads through the expires_at index with no sort step") {
    TestDatabase t;
    SQLite::Statement plan(
        *t.db, std::string("EXPLAIN QUERY PLAN ") + SqliteReminderStore::kExpiringPageSql);
    std::string details;
    while (plan.executeStep()) {
      details += plan.getColumn(3).getString() + "\n";
    }
    CHECK(details.find("certifications_by_expiry") != std::string::npos);
    CHECK(details.find("TEMP B-TREE") == std::string::npos);
  }

  TEST_CASE("the scan visits each certification in range once, in order, across pages") {
    TestDatabase t;
    std::vector<CertificationRow> rows;
    // More rows than a page sharing one expires_at, so paging must use the id as well.
    for (int i = 0; i < SqliteReminderStore::kPageRows + 50; ++i) {
      rows.push_back(row("m" + std::to_string(i % 7), "same-" + std::to_string(i), 1000));
    }
    for (int i = 0; i < 600; ++i) {
      rows.push_back(row("m" + std::to_string(i % 7), "c" + std::to_string(i), 500 + i * 3));
    }
    REQUIRE(t.store
                .in_transaction([&]() -> Result<void> {
                  auto counts = t.store.upsert(rows);
                  if (!counts) {
                    return certcron::fail(counts.error());
                  }
                  CHECK(counts->certifications_inserted == static_cast<std::int64_t>(rows.size()));
                  CHECK(counts->mentors_inserted == 7);
                  return {};
                })
                .has_value());

    auto seen = scan_all(t, at(1000), at(2000));  // from inclusive, to exclusive
    std::int64_t expected = SqliteReminderStore::kPageRows + 50;
    for (int i = 0; i < 600; ++i) {
      expected += (500 + i * 3 >= 1000 && 500 + i * 3 < 2000) ? 1 : 0;
    }
    CHECK(static_cast<std::int64_t>(seen.size()) == expected);
    CHECK(t.store.count_expiring(at(1000), at(2000)).value() == expected);
    bool ordered = true;
    for (std::size_t i = 1; i < seen.size(); ++i) {
      const auto& a = seen[i - 1];
      const auto& b = seen[i];
      ordered =
          ordered && (a.expires_at < b.expires_at || (a.expires_at == b.expires_at && a.id < b.id));
    }
    CHECK(ordered);
    CHECK(seen.front().expires_at == at(1000));
    CHECK(seen.back().expires_at < at(2000));
    CHECK(seen.front().email == seen.front().mentor_id + "@example.org");
  }

  TEST_CASE(
      "ledger entries written during the scan are committed at once, seen by another "
      "connection") {
    TestDatabase t;
    std::vector<CertificationRow> rows;
    for (int i = 0; i < 700; ++i) {
      rows.push_back(row("m" + std::to_string(i), "c", 100 + i));
    }
    REQUIRE(testing::upsert_rows(t.store, rows).has_value());
    SQLite::Database observer(t.file.string(), SQLite::OPEN_READONLY);
    std::int64_t visited = 0;
    bool always_visible = true;
    auto scanned =
        t.store.for_each_expiring(at(0), at(10000), [&](const Certification& c) -> Result<void> {
          auto recorded =
              t.store.record({LedgerEntry{c.id, c.expires_on, 7, LedgerOutcome::sent, at(5), 12,
                                          "<id-" + std::to_string(c.id) + ">"}});
          if (!recorded) {
            return recorded;
          }
          ++visited;
          const auto seen = observer.execAndGet("SELECT count(*) FROM reminder_ledger").getInt64();
          always_visible = always_visible && seen == visited;
          return {};
        });
    REQUIRE(scanned.has_value());
    CHECK(visited == 700);
    CHECK(always_visible);
  }

  TEST_CASE("the ledger keeps one entry per key and reads back in threshold order") {
    TestDatabase t;
    REQUIRE(testing::upsert_rows(t.store, {row("m1", "CPR", 100)}).has_value());
    const auto id = t.count("SELECT id FROM certifications");
    REQUIRE(t.store
                .record({{id, "x100", 7, LedgerOutcome::sent, at(50), 3, "<a@certcron>"},
                         {id, "x100", 30, LedgerOutcome::superseded, at(50), 3, ""}})
                .has_value());
    // A repeat (e.g. two runs racing) is ignored rather than failing after a delivery.
    REQUIRE(t.store.record({{id, "x100", 7, LedgerOutcome::sent, at(60), 4, "<b@certcron>"}})
                .has_value());
    auto entries = t.store.ledger_for(id, "x100");
    REQUIRE(entries.has_value());
    REQUIRE(entries->size() == 2);
    CHECK((*entries)[0].threshold == 30);
    CHECK((*entries)[0].outcome == LedgerOutcome::superseded);
    CHECK((*entries)[0].message_id.empty());
    CHECK((*entries)[1].threshold == 7);
    CHECK((*entries)[1].message_id == "<a@certcron>");
    CHECK((*entries)[1].run_seq == 3);
    CHECK((*entries)[1].recorded_at == at(50));
    CHECK(t.store.ledger_for(id, "another expiry")->empty());
  }

  TEST_CASE("a failing transaction leaves nothing behind") {
    TestDatabase t;
    auto result = t.store.in_transaction([&]() -> Result<void> {
      auto counts = t.store.upsert({row("m1", "CPR", 100)});
      REQUIRE(counts.has_value());
      return certcron::fail(certcron::Error::failed("stop"));
    });
    CHECK_FALSE(result.has_value());
    CHECK(t.store.counts()->certifications == 0);
    CHECK(t.store.counts()->mentors == 0);
  }

  TEST_CASE("removing a mentor removes their certifications and ledger entries") {
    TestDatabase t;
    REQUIRE(
        testing::upsert_rows(t.store, {row("m1", "CPR", 100), row("m2", "CPR", 100)}).has_value());
    const auto id = t.count("SELECT id FROM certifications WHERE mentor_id = 'm1'");
    REQUIRE(t.store.record({{id, "x100", 1, LedgerOutcome::sent, at(50), 0, "<c@certcron>"}})
                .has_value());
    t.db->exec("DELETE FROM mentors WHERE mentor_id = 'm1'");
    auto counts = t.store.counts();
    REQUIRE(counts.has_value());
    CHECK(counts->mentors == 1);
    CHECK(counts->certifications == 1);
    CHECK(counts->ledger_entries == 0);
  }
}

TEST_SUITE("store.reminders") {
  TEST_CASE("inside a transaction opened elsewhere, a failed import step rolls back only itself") {
    TestDatabase t;
    t.db->exec("BEGIN IMMEDIATE");
    REQUIRE(testing::upsert_rows(t.store, {row("m1", "CPR", 100)}).has_value());
    auto failed = t.store.in_transaction([&]() -> Result<void> {
      REQUIRE(t.store.upsert({row("m2", "CPR", 100)}).has_value());
      return certcron::fail(certcron::Error::failed("stop"));
    });
    CHECK_FALSE(failed.has_value());
    t.db->exec("COMMIT");
    CHECK(t.count("SELECT count(*) FROM mentors") == 1);
    CHECK(t.count("SELECT count(*) FROM mentors WHERE mentor_id = 'm1'") == 1);
  }
}
