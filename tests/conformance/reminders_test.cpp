// ReminderStore's promises: exact upsert counts, totals and the data version, the due query's
// bands and keyset pages, the ledger, watermarks and nested transactions.

#include "conformance/database.hpp"
#include "conformance/values.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace certcron::conformance {
namespace {

using reminders::CandidateCursor;
using reminders::CertificationRow;
using reminders::DueBand;
using reminders::DueCandidate;
using reminders::LedgerEntry;
using reminders::LedgerOutcome;
using reminders::ReminderStore;
using reminders::UpsertCounts;

using Counts = std::vector<std::int64_t>;

// mentors inserted, updated; certifications inserted, updated
Counts upserted(ReminderStore& store, const std::vector<CertificationRow>& rows) {
  UpsertCounts counts;
  ok(store.in_transaction([&]() -> Result<void> {
    counts = take(store.upsert(rows));
    return {};
  }));
  return {counts.mentors_inserted, counts.mentors_updated, counts.certifications_inserted,
          counts.certifications_updated};
}

// Every candidate of the band, `limit` at a time, each page after the last one's key.
std::vector<DueCandidate> read_band(ReminderStore& store, const DueBand& band, int limit) {
  std::vector<DueCandidate> all;
  CandidateCursor cursor;
  for (;;) {
    auto page = take(store.due_candidates(band, cursor, limit));
    REQUIRE(page.size() <= static_cast<std::size_t>(limit));
    all.insert(all.end(), page.begin(), page.end());
    if (page.size() < static_cast<std::size_t>(limit)) {
      return all;
    }
    const auto& last = page.back().certification;
    cursor = CandidateCursor{last.expires_at, last.expires_on, last.id};
  }
}

std::vector<std::string> names_of(const std::vector<DueCandidate>& candidates) {
  std::vector<std::string> names;
  for (const auto& candidate : candidates) {
    names.push_back(candidate.certification.certification);
  }
  return names;
}

// The certifications of the band, by certification name (unique in the cases that use it).
std::map<std::string, reminders::Certification> by_name(ReminderStore& store,
                                                        const DueBand& band) {
  std::map<std::string, reminders::Certification> found;
  for (auto& candidate : read_band(store, band, 1000)) {
    found[candidate.certification.certification] = candidate.certification;
  }
  return found;
}

LedgerEntry entry(std::int64_t id, const std::string& on, int threshold, LedgerOutcome outcome,
                  std::int64_t recorded, std::int64_t run_seq, const std::string& message_id) {
  return LedgerEntry{id, on, threshold, outcome, at(recorded), run_seq, message_id};
}

}  // namespace

TEST_SUITE("conformance.reminders") {
  TEST_CASE("upsert counts exactly: new rows inserted, the same rows again as nothing") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    CertificationRow issued = date_row("m1", "First Aid", 20000);
    issued.issued_at = "2024-02-01";
    const std::vector<CertificationRow> rows = {date_row("m1", "CPR", 20000), issued,
                                                date_row("m2", "CPR", 20010)};
    CHECK(upserted(store, rows) == Counts{2, 0, 3, 0});
    CHECK(upserted(store, rows) == Counts{0, 0, 0, 0});
    const auto counts = take(store.counts());
    CHECK(counts.mentors == 2);
    CHECK(counts.certifications == 3);
  }

  TEST_CASE("upsert counts a change to any stored field once, and keeps the certification's id") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    CertificationRow m1 = date_row("m1", "CPR", 20000);
    m1.issued_at = "2024-01-01";
    upserted(store, {m1, date_row("m2", "CPR", 20000), date_row("m3", "CPR", 20000)});
    const auto ids_before = read_band(store, band(0, 20000, 20000), 100);
    REQUIRE(ids_before.size() == 3);

    CertificationRow renamed = m1;
    renamed.name = "New Name";
    CertificationRow new_email = date_row("m2", "CPR", 20000);
    new_email.email = "new@example.org";
    CHECK(upserted(store, {renamed, new_email, date_row("m3", "CPR", 20000)}) ==
          Counts{0, 2, 0, 0});

    CertificationRow later = date_row("m1", "CPR", 20100);
    later.name = "New Name";
    later.issued_at = "2024-01-01";
    CHECK(upserted(store, {later}) == Counts{0, 0, 0, 1});
    CertificationRow no_issued = later;
    no_issued.issued_at.clear();
    CHECK(upserted(store, {no_issued}) == Counts{0, 0, 0, 1});
    CertificationRow issued_again = no_issued;
    issued_again.issued_at = "2024-06-01";
    // The second, identical row changes nothing.
    CHECK(upserted(store, {issued_again, issued_again}) == Counts{0, 0, 0, 1});

    const auto moved = read_band(store, band(0, 20100, 20100), 100);
    REQUIRE(moved.size() == 1);
    const auto& m1_before = *std::ranges::find_if(
        ids_before, [](const DueCandidate& c) { return c.certification.mentor_id == "m1"; });
    CHECK(moved[0].certification.id == m1_before.certification.id);
    CHECK(moved[0].certification.name == "New Name");
    CHECK(moved[0].certification.expires_on == later.expires_on);
    CHECK(moved[0].certification.expires_at == later.expires_at);
    const auto rest = read_band(store, band(0, 20000, 20000), 100);
    REQUIRE(rest.size() == 2);
    for (const auto& candidate : rest) {
      CAPTURE(candidate.certification.mentor_id);
      CHECK((candidate.certification.email == "new@example.org") ==
            (candidate.certification.mentor_id == "m2"));
    }
  }

  TEST_CASE("rows of one batch count in order, and the mentor's name comes from the latest row") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    const CertificationRow first = date_row("m1", "CPR", 20000);
    CertificationRow second = date_row("m1", "CPR", 20005);
    second.name = "Renamed";
    CertificationRow other = date_row("m1", "Scuba", 20000);
    other.name = "Renamed";
    const CertificationRow back = date_row("m1", "Lifeguard", 20000);  // the first name again
    CHECK(upserted(store, {first, second, second, other, back}) == Counts{1, 2, 3, 1});
    const auto all = read_band(store, band(0, 20000, 20005), 100);
    REQUIRE(all.size() == 3);
    for (const auto& candidate : all) {
      CHECK(candidate.certification.name == "Name m1");
    }
    CHECK(upserted(store, {back, first}) == Counts{0, 0, 0, 1});
  }

  TEST_CASE("totals follow the rows; the data version moves when anything changed, not otherwise") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    const auto empty = take(store.counts());
    CHECK(empty.mentors == 0);
    CHECK(empty.certifications == 0);
    upserted(store, {date_row("m1", "A", 100), date_row("m1", "B", 100), date_row("m2", "A", 100)});
    const auto inserted = take(store.counts());
    CHECK(inserted.mentors == 2);
    CHECK(inserted.certifications == 3);
    CHECK(inserted.data_version != empty.data_version);

    upserted(store, {date_row("m1", "A", 100)});
    CHECK(take(store.counts()).data_version == inserted.data_version);

    upserted(store, {date_row("m1", "A", 101)});
    const auto renewed = take(store.counts());
    CHECK(renewed.data_version != inserted.data_version);
    CHECK(renewed.certifications == 3);

    CertificationRow new_email = date_row("m2", "A", 100);
    new_email.email = "other@example.org";
    upserted(store, {new_email});
    const auto mentor_changed = take(store.counts());
    CHECK(mentor_changed.data_version != renewed.data_version);
    CHECK(mentor_changed.mentors == 2);

    // Another connection reads the same totals and version.
    auto other = db.open();
    const auto seen = take(other->reminders().counts());
    CHECK(seen.mentors == 2);
    CHECK(seen.certifications == 3);
    CHECK(seen.data_version == mentor_changed.data_version);
  }

  TEST_CASE("a band holds its dates exactly and instants in its instant range, in key order, page after page") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    std::vector<CertificationRow> rows;
    // More rows than a page on one date, so paging must go on by id within a date.
    for (int i = 0; i < 70; ++i) {
      rows.push_back(date_row("m" + std::to_string(i % 7), "same-" + std::to_string(i), 100));
    }
    for (int day = 90; day <= 110; ++day) {
      rows.push_back(date_row("m1", "d" + std::to_string(day), day));
    }
    rows.push_back(instant_row("m2", "early", 98 * kDay + 23 * 3600));  // in the instant range
    rows.push_back(instant_row("m2", "late", 106 * kDay + 3600));       // in the instant range
    rows.push_back(instant_row("m2", "too late", 107 * kDay));          // at its exclusive end
    rows.push_back(instant_row("m2", "too early", 97 * kDay + 23 * 3600));
    rows.push_back(instant_row("m3", "midnight", 100 * kDay));  // an instant at a date's midnight
    upserted(store, rows);

    const DueBand week = band(7, 99, 105);
    const auto whole = read_band(store, week, 1000);
    const auto paged = read_band(store, week, 16);
    for (const auto* seen : {&whole, &paged}) {
      const auto names = names_of(*seen);
      CHECK(seen->size() == 70 + 7 + 3);
      CHECK(std::ranges::count(names, "early") == 1);
      CHECK(std::ranges::count(names, "late") == 1);
      CHECK(std::ranges::count(names, "midnight") == 1);
      CHECK(std::ranges::count(names, "too late") == 0);
      CHECK(std::ranges::count(names, "too early") == 0);
      // Date-only expiries outside the dates, though inside the instant range, are not in it.
      CHECK(std::ranges::count(names, "d98") == 0);
      CHECK(std::ranges::count(names, "d106") == 0);
      CHECK(std::ranges::count(names, "d99") == 1);
      CHECK(std::ranges::count(names, "d105") == 1);
      bool ordered = true;
      for (std::size_t i = 1; i < seen->size(); ++i) {
        const auto& a = (*seen)[i - 1].certification;
        const auto& b = (*seen)[i].certification;
        ordered = ordered && std::tie(a.expires_at, a.expires_on, a.id) <
                                 std::tie(b.expires_at, b.expires_on, b.id);
      }
      CHECK(ordered);
    }
    REQUIRE(whole.size() == paged.size());
    for (std::size_t i = 0; i < whole.size(); ++i) {
      CHECK(whole[i].certification.id == paged[i].certification.id);
    }
    const auto& first = whole.front().certification;
    CHECK(first.email == first.mentor_id + "@example.org");
    CHECK(first.name == "Name " + first.mentor_id);
    CHECK(first.mentor_key > 0);
    // One mentor, one mentor_key.
    std::map<std::string, std::int64_t> keys;
    bool consistent = true;
    for (const auto& candidate : whole) {
      const auto [it, added] =
          keys.emplace(candidate.certification.mentor_id, candidate.certification.mentor_key);
      consistent = consistent && it->second == candidate.certification.mentor_key;
    }
    CHECK(consistent);
    CHECK(keys.size() == 7);  // m0 to m6
  }

  TEST_CASE("a certification whose ledger holds the band's threshold for its current expiry is no candidate") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    upserted(store, {date_row("m1", "A", 100), date_row("m1", "B", 100), date_row("m1", "C", 100)});
    auto ids = by_name(store, band(7, 95, 101));
    REQUIRE(ids.size() == 3);
    const std::string on = ids["A"].expires_on;
    ok(store.record({entry(ids["A"].id, on, 7, LedgerOutcome::sent, 0, 0, "<a@certcron>"),
                     entry(ids["B"].id, on, 30, LedgerOutcome::sent, 0, 0, "<b@certcron>"),
                     entry(ids["C"].id, "2020-01-01", 7, LedgerOutcome::sent, 0, 0, "<c@certcron>")}));
    // A has its 7-day reminder; B only a 30-day one; C's entry is for an older expiry.
    CHECK(names_of(read_band(store, band(7, 95, 101), 10)) == std::vector<std::string>{"B", "C"});
    CHECK(names_of(read_band(store, band(30, 95, 101), 10)) == std::vector<std::string>{"A", "C"});
    // A superseded entry answers for its threshold as a sent one does.
    ok(store.record({entry(ids["C"].id, on, 7, LedgerOutcome::superseded, 5, 0, "")}));
    CHECK(names_of(read_band(store, band(7, 95, 101), 10)) == std::vector<std::string>{"B"});
    // A renewal (a new expiry) starts afresh.
    upserted(store, {date_row("m1", "A", 101)});
    CHECK(names_of(read_band(store, band(7, 95, 101), 10)) == std::vector<std::string>{"B", "A"});
  }

  TEST_CASE("a candidate carries its ledger entries for its current expiry, threshold descending, as ledger_for reads them") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    upserted(store, {date_row("m1", "A", 100)});
    const auto id = by_name(store, band(1, 95, 101))["A"].id;
    const std::string on = by_name(store, band(1, 95, 101))["A"].expires_on;
    ok(store.record({entry(id, on, 7, LedgerOutcome::sent, 60, 9, "<a1@certcron>"),
                     entry(id, on, reminders::kExpiredThreshold, LedgerOutcome::sent, 70, 9, "<a2@certcron>"),
                     entry(id, on, 30, LedgerOutcome::superseded, 50, 0, ""),
                     entry(id, "2020-01-01", 1, LedgerOutcome::sent, 40, 3, "<old@certcron>")}));
    const auto read = read_band(store, band(1, 95, 101), 10);
    REQUIRE(read.size() == 1);
    const auto expected = take(store.ledger_for(id, on));
    REQUIRE(expected.size() == 3);
    CHECK(expected[0].threshold == 30);
    CHECK(expected[1].threshold == 7);
    CHECK(expected[2].threshold == reminders::kExpiredThreshold);
    CHECK(expected[0].outcome == LedgerOutcome::superseded);
    CHECK(expected[0].message_id.empty());
    CHECK(expected[1].message_id == "<a1@certcron>");
    CHECK(expected[1].run_seq == 9);
    CHECK(expected[1].recorded_at == at(60));
    REQUIRE(read[0].ledger.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CAPTURE(i);
      const auto& a = read[0].ledger[i];
      const auto& b = expected[i];
      CHECK(a.threshold == b.threshold);
      CHECK(a.outcome == b.outcome);
      CHECK(a.recorded_at == b.recorded_at);
      CHECK(a.run_seq == b.run_seq);
      CHECK(a.message_id == b.message_id);
      CHECK(a.expires_on == on);
      CHECK(a.certification_id == id);
    }
    const auto old = take(store.ledger_for(id, "2020-01-01"));
    REQUIRE(old.size() == 1);
    CHECK(old[0].message_id == "<old@certcron>");
    CHECK(take(store.ledger_for(id, "another expiry")).empty());
  }

  TEST_CASE("recording an entry already in the ledger leaves it as it is, and records the others") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    upserted(store, {date_row("m1", "CPR", 100)});
    const auto cpr = by_name(store, band(7, 95, 101))["CPR"];
    ok(store.record({entry(cpr.id, cpr.expires_on, 7, LedgerOutcome::sent, 50, 3, "<a@certcron>")}));
    // A repeat (two runs racing) is ignored, not an error after a delivery.
    ok(store.record({entry(cpr.id, cpr.expires_on, 7, LedgerOutcome::superseded, 60, 4, ""),
                     entry(cpr.id, cpr.expires_on, 1, LedgerOutcome::sent, 60, 4, "<b@certcron>")}));
    const auto entries = take(store.ledger_for(cpr.id, cpr.expires_on));
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].threshold == 7);
    CHECK(entries[0].outcome == LedgerOutcome::sent);
    CHECK(entries[0].message_id == "<a@certcron>");
    CHECK(entries[0].run_seq == 3);
    CHECK(entries[0].recorded_at == at(50));
    CHECK(entries[1].threshold == 1);
    CHECK(entries[1].message_id == "<b@certcron>");
    ok(store.record({}));
  }

  TEST_CASE("of two entries with one key in one record call, the first given is kept") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    constexpr int kCount = 40;
    std::vector<CertificationRow> rows;
    for (int i = 0; i < kCount; ++i) {
      rows.push_back(date_row("m" + std::to_string(i), "CPR", 100));
    }
    upserted(store, rows);
    const auto candidates = read_band(store, band(7, 95, 101), 1000);
    REQUIRE(candidates.size() == static_cast<std::size_t>(kCount));
    // Given newest id first, each key twice in a row: sorting them into key order must not
    // swap a pair.
    std::vector<LedgerEntry> entries;
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it) {
      const auto& c = it->certification;
      entries.push_back(entry(c.id, c.expires_on, 7, LedgerOutcome::superseded, 50, 1, ""));
      entries.push_back(entry(c.id, c.expires_on, 7, LedgerOutcome::sent, 60, 2,
                              "<m" + std::to_string(c.id) + "@certcron>"));
    }
    ok(store.record(entries));
    for (const auto& candidate : candidates) {
      const auto& c = candidate.certification;
      const auto kept = take(store.ledger_for(c.id, c.expires_on));
      REQUIRE(kept.size() == 1);
      CHECK(kept[0].outcome == LedgerOutcome::superseded);
      CHECK(kept[0].run_seq == 1);
    }
  }

  TEST_CASE("a caller may write between two pages: the next page goes on after the cursor, and another connection is not held up") {
    TestDatabase db;
    auto stores = db.open();
    auto other = db.open();
    ReminderStore& store = stores->reminders();
    std::vector<CertificationRow> rows;
    for (int i = 0; i < 30; ++i) {
      rows.push_back(date_row("m" + std::to_string(i % 4), "c" + std::to_string(i), 100 + i % 3));
    }
    upserted(store, rows);
    const DueBand week = band(7, 99, 105);
    std::vector<std::int64_t> seen;
    CandidateCursor cursor;
    for (int page_number = 0;; ++page_number) {
      const auto page = take(store.due_candidates(week, cursor, 7));
      for (const auto& candidate : page) {
        seen.push_back(candidate.certification.id);
      }
      if (page.size() < 7) {
        break;
      }
      // As a run that delivers does: the page's reminders enter the ledger before the next
      // page is read, and another process writes meanwhile.
      std::vector<LedgerEntry> sent;
      for (const auto& candidate : page) {
        sent.push_back(entry(candidate.certification.id, candidate.certification.expires_on, 7,
                             LedgerOutcome::sent, 50, 1, "<" + candidate.certification.certification + "@certcron>"));
      }
      ok(store.record(sent));
      ok(other->reminders().in_transaction([&]() -> Result<void> {
        take(other->reminders().upsert({date_row("late", "c" + std::to_string(page_number), 200)}));
        return other->reminders().save_watermark("p", reminders::Watermark{page_number, 1});
      }));
      const auto& last = page.back().certification;
      cursor = CandidateCursor{last.expires_at, last.expires_on, last.id};
    }
    CHECK(seen.size() == 30);
    std::ranges::sort(seen);
    CHECK(std::ranges::adjacent_find(seen) == seen.end());
    CHECK(take(store.counts()).mentors == 5);
  }

  TEST_CASE("record writes its entries in one transaction: when one is refused, none is written") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    upserted(store, {date_row("m1", "CPR", 100)});
    const auto cpr = by_name(store, band(7, 95, 101))["CPR"];
    // No certification has this id; a store that refuses the entry must refuse the batch.
    const std::int64_t missing = cpr.id + 1000000;
    auto recorded = store.record({entry(cpr.id, cpr.expires_on, 7, LedgerOutcome::sent, 50, 1, "<a@certcron>"),
                                  entry(missing, cpr.expires_on, 7, LedgerOutcome::sent, 50, 1, "<b@certcron>")});
    const auto entries = take(store.ledger_for(cpr.id, cpr.expires_on));
    CHECK(entries.size() == (recorded ? 1u : 0u));
    CHECK(take(store.ledger_for(missing, cpr.expires_on)).size() == (recorded ? 1u : 0u));
  }

  TEST_CASE("a watermark is kept per policy, read back and replaced") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    CHECK_FALSE(take(store.watermark("UTC|1,7,30|30")));
    ok(store.save_watermark("UTC|1,7,30|30", reminders::Watermark{20500, 3}));
    ok(store.save_watermark("Asia/Tokyo|7|0", reminders::Watermark{20400, 1}));
    ok(store.save_watermark("UTC|1,7,30|30", reminders::Watermark{20501, 4}));
    const auto mark = take(store.watermark("UTC|1,7,30|30"));
    REQUIRE(mark);
    CHECK(mark->through_day == 20501);
    CHECK(mark->data_version == 4);
    auto other = db.open();
    const auto tokyo = take(other->reminders().watermark("Asia/Tokyo|7|0"));
    REQUIRE(tokyo);
    CHECK(tokyo->through_day == 20400);
    CHECK(tokyo->data_version == 1);
    CHECK_FALSE(take(other->reminders().watermark("UTC|1,7,30|0")));
  }

  TEST_CASE("a failing transaction leaves nothing behind; inside another it is all or nothing within it") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    const Error stopped = error_of(store.in_transaction([&]() -> Result<void> {
      take(store.upsert({date_row("m1", "CPR", 100)}));
      ok(store.save_watermark("p", reminders::Watermark{1, 1}));
      return fail(Error::failed("stop"));
    }));
    CHECK(stopped.message == "stop");
    CHECK(take(store.counts()).mentors == 0);
    CHECK_FALSE(take(store.watermark("p")));

    // The inner one fails, the outer one goes on and commits: only the inner work is undone.
    ok(store.in_transaction([&]() -> Result<void> {
      take(store.upsert({date_row("m1", "CPR", 100)}));
      CHECK_FALSE(store.in_transaction([&]() -> Result<void> {
        take(store.upsert({date_row("m2", "CPR", 100)}));
        return fail(Error::failed("inner"));
      }));
      ok(store.in_transaction([&]() -> Result<void> {
        take(store.upsert({date_row("m3", "CPR", 100)}));
        return {};
      }));
      return {};
    }));
    auto mentors = [&] {
      std::vector<std::string> ids;
      for (const auto& c : read_band(store, band(0, 100, 100), 100)) {
        ids.push_back(c.certification.mentor_id);
      }
      std::ranges::sort(ids);
      return ids;
    };
    CHECK(mentors() == std::vector<std::string>{"m1", "m3"});
    CHECK(take(store.counts()).mentors == 2);

    // The inner one succeeds, the outer one fails: nothing of either stays.
    CHECK_FALSE(store.in_transaction([&]() -> Result<void> {
      ok(store.in_transaction([&]() -> Result<void> {
        take(store.upsert({date_row("m4", "CPR", 100)}));
        return {};
      }));
      return fail(Error::failed("outer"));
    }));
    CHECK(mentors() == std::vector<std::string>{"m1", "m3"});
  }

  TEST_CASE("inside the job store's transaction, the reminder store's nests: a run's end and its ledger entries commit or roll back together") {
    TestDatabase db;
    auto stores = db.open();
    JobStore& jobs = stores->jobs();
    ReminderStore& ledger = stores->reminders();
    upserted(ledger, {date_row("m1", "CPR", 100)});
    const auto cpr = by_name(ledger, band(7, 95, 101))["CPR"];
    const Job job = take(jobs.insert_job(daily("nightly"), at(1)));
    Run run = take(jobs.insert_run(running_run_of(job.seq, 10)));

    CHECK_FALSE(jobs.in_transaction([&]() -> Result<void> {
      ok(ledger.in_transaction([&]() -> Result<void> {
        return ledger.record({entry(cpr.id, cpr.expires_on, 7, LedgerOutcome::sent, 20, run.seq, "<x@certcron>")});
      }));
      Run ended = run;
      ended.status = RunStatus::success;
      ended.completed_at = at(20);
      ok(jobs.update_run(ended));
      return fail(Error::failed("the run log could not be written"));
    }));
    CHECK(take(ledger.ledger_for(cpr.id, cpr.expires_on)).empty());
    CHECK((*take(jobs.find_run(run.seq))).status == RunStatus::running);

    // An inner failure is undone alone; the outer work commits.
    ok(jobs.in_transaction([&]() -> Result<void> {
      CHECK_FALSE(ledger.in_transaction([&]() -> Result<void> {
        ok(ledger.record({entry(cpr.id, cpr.expires_on, 30, LedgerOutcome::superseded, 20, run.seq, "")}));
        return fail(Error::failed("inner"));
      }));
      ok(ledger.record({entry(cpr.id, cpr.expires_on, 7, LedgerOutcome::sent, 20, run.seq, "<x@certcron>")}));
      run.status = RunStatus::success;
      run.completed_at = at(20);
      return jobs.update_run(run);
    }));
    const auto entries = take(ledger.ledger_for(cpr.id, cpr.expires_on));
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].threshold == 7);
    CHECK((*take(jobs.find_run(run.seq))).status == RunStatus::success);
  }

  TEST_CASE("with_large_cache runs its work and gives its result") {
    TestDatabase db;
    auto stores = db.open();
    ReminderStore& store = stores->reminders();
    bool ran = false;
    ok(store.with_large_cache([&]() -> Result<void> {
      ran = true;
      upserted(store, {date_row("m1", "CPR", 100)});
      return {};
    }));
    CHECK(ran);
    CHECK(take(store.counts()).certifications == 1);
    CHECK(error_of(store.with_large_cache([]() -> Result<void> {
            return fail(Error::busy("busy"));
          })).kind == ErrorKind::busy);
  }
}

}  // namespace certcron::conformance
