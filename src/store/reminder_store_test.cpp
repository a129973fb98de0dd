#include "store/reminder_store.hpp"

#include "store/reminder_test_support.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <tuple>

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

// A date-only expiry `day` days after 1970-01-01, stored as the import stores it.
CertificationRow date_row(std::string mentor, std::string certification, int day) {
  const std::chrono::sys_days date{std::chrono::days{day}};
  return CertificationRow{mentor,
                          "Name " + mentor,
                          mentor + "@example.org",
                          certification,
                          certcron::util::format_date(date),
                          Seconds{date},
                          ""};
}

CertificationRow instant_row(std::string mentor, std::string certification,
                             std::int64_t seconds) {
  return CertificationRow{mentor,
                          "Name " + mentor,
                          mentor + "@example.org",
                          certification,
                          certcron::util::format_rfc3339(at(seconds)),
                          at(seconds),
                          ""};
}

constexpr std::int64_t kDay = 86400;

// The band of dates [first, last] (days since 1970) for `threshold`, with instants a day
// either side, as the check asks for it.
DueBand band(int threshold, int first, int last) {
  return DueBand{threshold, at(first * kDay), at((last + 1) * kDay), at((first - 1) * kDay),
                 at((last + 2) * kDay)};
}

// Every candidate of the band, page by page.
std::vector<DueCandidate> read_band_with_ledger(SqliteReminderStore& store, const DueBand& b,
                                                int limit) {
  std::vector<DueCandidate> all;
  CandidateCursor cursor;
  for (;;) {
    auto page = store.due_candidates(b, cursor, limit);
    REQUIRE(page.has_value());
    all.insert(all.end(), page->begin(), page->end());
    if (page->size() < static_cast<std::size_t>(limit)) {
      return all;
    }
    const auto& last = page->back().certification;
    cursor = CandidateCursor{last.expires_at, last.expires_on, last.id};
  }
}

std::vector<Certification> read_band(SqliteReminderStore& store, const DueBand& b, int limit) {
  std::vector<Certification> all;
  for (auto& candidate : read_band_with_ledger(store, b, limit)) {
    all.push_back(std::move(candidate.certification));
  }
  return all;
}

}  // namespace

TEST_SUITE("store.reminders") {
  TEST_CASE("a band's candidates: its dates exactly, instants a day either side, in key order") {
    TestDatabase t;
    std::vector<CertificationRow> rows;
    // More rows than a page on one date, so the keyset must go on by id within a date.
    for (int i = 0; i < 70; ++i) {
      rows.push_back(date_row("m" + std::to_string(i % 7), "same-" + std::to_string(i), 100));
    }
    for (int day = 90; day <= 110; ++day) {
      rows.push_back(date_row("m1", "d" + std::to_string(day), day));
    }
    rows.push_back(instant_row("m2", "early", 98 * kDay + 23 * 3600));  // 98 UTC: kept
    rows.push_back(instant_row("m2", "late", 106 * kDay + 3600));       // 106 UTC: kept
    rows.push_back(instant_row("m2", "too late", 107 * kDay));          // two days past
    rows.push_back(instant_row("m2", "too early", 97 * kDay + 23 * 3600));
    REQUIRE(testing::upsert_rows(t.store, rows).has_value());

    const auto seen = read_band(t.store, band(7, 99, 105), 16);
    std::vector<std::string> names;
    for (const auto& c : seen) {
      names.push_back(c.certification);
    }
    CHECK(seen.size() == 70 + 7 + 2);
    CHECK(std::ranges::count(names, "early") == 1);
    CHECK(std::ranges::count(names, "late") == 1);
    CHECK(std::ranges::count(names, "too late") == 0);
    CHECK(std::ranges::count(names, "too early") == 0);
    CHECK(std::ranges::count(names, "d98") == 0);
    CHECK(std::ranges::count(names, "d106") == 0);
    bool ordered = true;
    for (std::size_t i = 1; i < seen.size(); ++i) {
      const auto& a = seen[i - 1];
      const auto& b = seen[i];
      ordered = ordered && std::tie(a.expires_at, a.expires_on, a.id) <
                               std::tie(b.expires_at, b.expires_on, b.id);
    }
    CHECK(ordered);
    CHECK(seen.front().email == seen.front().mentor_id + "@example.org");
    CHECK(seen.front().name == "Name " + seen.front().mentor_id);
  }

  TEST_CASE("a certification whose ledger holds the band's threshold is no candidate") {
    TestDatabase t;
    REQUIRE(testing::upsert_rows(t.store, {date_row("m1", "A", 100), date_row("m1", "B", 100),
                                           date_row("m1", "C", 100)})
                .has_value());
    const auto id = [&](const char* name) {
      return t.count(std::string("SELECT id FROM certifications WHERE certification = '") +
                     name + "'");
    };
    const std::string on = certcron::util::format_date(std::chrono::sys_days{std::chrono::days{100}});
    REQUIRE(t.store
                .record({{id("A"), on, 7, LedgerOutcome::sent, at(0), 0, "<a@certcron>"},
                         {id("B"), on, 30, LedgerOutcome::sent, at(0), 0, "<b@certcron>"},
                         {id("C"), "2020-01-01", 7, LedgerOutcome::sent, at(0), 0, "<c@certcron>"}})
                .has_value());
    std::vector<std::string> names;
    for (const auto& c : read_band(t.store, band(7, 95, 101), 10)) {
      names.push_back(c.certification);
    }
    // A has its 7-day reminder; B only a 30-day one; C's entry is for an older expiry.
    CHECK(names == std::vector<std::string>{"B", "C"});
  }

  TEST_CASE("a candidate carries its ledger entries for its current expiry, as ledger_for reads them") {
    TestDatabase t;
    REQUIRE(testing::upsert_rows(t.store, {date_row("m1", "A", 100)}).has_value());
    const auto id = t.count("SELECT id FROM certifications");
    const std::string on = certcron::util::format_date(std::chrono::sys_days{std::chrono::days{100}});
    REQUIRE(t.store
                .record({{id, on, 30, LedgerOutcome::superseded, at(50), 0, ""},
                         {id, on, 7, LedgerOutcome::sent, at(60), 9, "<a1@certcron>"},
                         {id, on, kExpiredThreshold, LedgerOutcome::sent, at(70), 9, "<a2@certcron>"},
                         {id, "2020-01-01", 1, LedgerOutcome::sent, at(40), 3, "<old@certcron>"}})
                .has_value());
    const auto read = read_band_with_ledger(t.store, band(1, 95, 101), 10);
    REQUIRE(read.size() == 1);
    const auto expected = t.store.ledger_for(id, on);
    REQUIRE(expected.has_value());
    REQUIRE(read[0].ledger.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CAPTURE(i);
      const auto& a = read[0].ledger[i];
      const auto& b = (*expected)[i];
      CHECK(a.threshold == b.threshold);
      CHECK(a.outcome == b.outcome);
      CHECK(a.recorded_at == b.recorded_at);
      CHECK(a.run_seq == b.run_seq);
      CHECK(a.message_id == b.message_id);
      CHECK(a.expires_on == on);
      CHECK(a.certification_id == id);
    }
    CHECK(read[0].ledger[0].threshold == 30);
    CHECK(read[0].ledger[2].threshold == kExpiredThreshold);
  }

  TEST_CASE("the due query seeks: its work follows the band's rows and pages, not the table") {
    // 40,000 certifications over 4,000 days, 10 a day. Counted in SQLite VM steps, so the
    // test fails when the query scans the table, loses its index, or restarts each page at
    // the start of the range (paging then grows with the square of the band).
    TestDatabase t;
    std::vector<CertificationRow> rows;
    for (int i = 0; i < 40000; ++i) {
      rows.push_back(date_row("m" + std::to_string(i % 500), "c" + std::to_string(i), i / 10));
    }
    REQUIRE(testing::upsert_rows(t.store, rows).has_value());
    const auto steps = [&](const DueBand& b, int limit) {
      const auto before = t.store.due_vm_steps();
      const auto read = read_band(t.store, b, limit);
      return std::pair{t.store.due_vm_steps() - before, read.size()};
    };
    const auto [one_day, one_day_rows] = steps(band(30, 2000, 2000), 256);
    CHECK(one_day_rows == 10);
    CHECK(one_day < 40 * 30);  // about 30 rows' worth (the day and its instant margins)

    const auto [whole, whole_rows] = steps(band(30, 1000, 1299), 100000);
    const auto [paged, paged_rows] = steps(band(30, 1000, 1299), 25);
    CHECK(whole_rows == 3000);
    CHECK(paged_rows == 3000);
    MESSAGE("VM steps: one day " << one_day << ", 300 days in one page " << whole << ", in "
                                 << paged_rows / 25 << " pages " << paged);
    CHECK(whole < 3020 * 60);
    // 120 pages: each costs a seek, never a walk over the rows before it.
    CHECK(paged < whole + 120 * 300);
  }

  TEST_CASE("totals and the data version follow every insert, change and removal") {
    TestDatabase t;
    auto before = t.store.counts();
    REQUIRE(before.has_value());
    CHECK(before->mentors == 0);
    REQUIRE(testing::upsert_rows(t.store, {date_row("m1", "A", 100), date_row("m1", "B", 100),
                                           date_row("m2", "A", 100)})
                .has_value());
    auto inserted = t.store.counts();
    CHECK(inserted->mentors == 2);
    CHECK(inserted->certifications == 3);
    CHECK(inserted->data_version > before->data_version);

    REQUIRE(testing::upsert_rows(t.store, {date_row("m1", "A", 100)}).has_value());
    CHECK(t.store.counts()->data_version == inserted->data_version);  // nothing changed

    REQUIRE(testing::upsert_rows(t.store, {date_row("m1", "A", 101)}).has_value());
    auto renewed = t.store.counts();
    CHECK(renewed->data_version > inserted->data_version);
    CHECK(renewed->certifications == 3);

    t.db->exec("DELETE FROM mentors WHERE mentor_id = 'm1'");
    auto removed = t.store.counts();
    CHECK(removed->mentors == 1);
    CHECK(removed->certifications == 1);
    CHECK(removed->data_version > renewed->data_version);
    CHECK(removed->mentors == t.count("SELECT count(*) FROM mentors"));
    CHECK(removed->certifications == t.count("SELECT count(*) FROM certifications"));
  }

  TEST_CASE("a watermark is saved per policy and replaced") {
    TestDatabase t;
    CHECK_FALSE(t.store.watermark("UTC|1,7,30|30")->has_value());
    REQUIRE(t.store.save_watermark("UTC|1,7,30|30", {20500, 3}).has_value());
    REQUIRE(t.store.save_watermark("UTC|1,7,30|30", {20501, 4}).has_value());
    REQUIRE(t.store.save_watermark("Asia/Tokyo|7|0", {20400, 1}).has_value());
    auto mark = t.store.watermark("UTC|1,7,30|30");
    REQUIRE(mark->has_value());
    CHECK((*mark)->through_day == 20501);
    CHECK((*mark)->data_version == 4);
    CHECK((*t.store.watermark("Asia/Tokyo|7|0"))->through_day == 20400);
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
    CHECK(t.count("SELECT count(*) FROM reminder_ledger") == 0);
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
