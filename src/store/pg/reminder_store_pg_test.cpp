// The PostgreSQL reminder store against a real server: what the engine itself could get wrong
// (instants on the wire, keyset paging, batched upsert counts, the totals' triggers, the writer
// lock), and the due query compared with the SQLite adapter's on the same rows.
//
// Runs only when CERTCRON_TEST_PG names a maintenance database (e.g.
// postgresql:///postgres?host=/tmp/pg&port=5432&user=postgres) on a server where it may create
// databases; each case works in a database of its own, dropped at the end.

#include "store/pg/reminder_store.hpp"

#include "store/pg/connection.hpp"
#include "store/pg/schema.hpp"
#include "store/pg/scratch_database_test_support.hpp"
#include "store/reminder_test_support.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace certcron::reminders;
using certcron::ErrorKind;
using certcron::Result;
using certcron::Seconds;
using certcron::store::pg::Connection;
using certcron::store::pg::Params;
using certcron::store::pg::PgReminderStore;

namespace {

constexpr std::int64_t kDay = 86400;

Seconds at(std::int64_t seconds) { return Seconds{std::chrono::seconds{seconds}}; }

using certcron::store::pg::testing::connect;
using certcron::store::pg::testing::ScratchDatabase;

// A fresh, migrated database with the store on it; dropped (with any connection left to it)
// when the case ends.
class PgDatabase {
 public:
  explicit PgDatabase(const std::string& maintenance) : scratch_(maintenance) {
    connection = connect(scratch_.url());
    certcron::store::pg::migrate(*connection);
    store = std::make_unique<PgReminderStore>(*connection);
  }
  ~PgDatabase() {
    store.reset();
    connection.reset();
  }
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  // Another session on the same database.
  std::unique_ptr<Connection> second() const { return connect(scratch_.url()); }

  std::int64_t number(const std::string& sql) const {
    auto rows = connection->query(sql);
    REQUIRE(rows.size() == 1);
    return rows[0].int64(0);
  }

 private:
  ScratchDatabase scratch_;  // first in, last out

 public:
  std::unique_ptr<Connection> connection;
  std::unique_ptr<PgReminderStore> store;
};

#define PG_OR_SKIP(url)                                       \
  const auto url = certcron::store::pg::testing::test_server(); \
  if (!url) {                                                   \
    return;                                                     \
  }

CertificationRow date_row(const std::string& mentor, const std::string& certification, int day) {
  const std::chrono::sys_days date{std::chrono::days{day}};
  return CertificationRow{mentor,        "Name " + mentor, mentor + "@example.org",
                          certification, certcron::util::format_date(date), Seconds{date},
                          ""};
}

CertificationRow instant_row(const std::string& mentor, const std::string& certification,
                             std::int64_t seconds) {
  return CertificationRow{mentor,
                          "Name " + mentor,
                          mentor + "@example.org",
                          certification,
                          certcron::util::format_rfc3339(at(seconds)),
                          at(seconds),
                          ""};
}

// The band of dates [first, last] (days since 1970) for `threshold`, instants a day either side.
DueBand band(int threshold, int first, int last) {
  return DueBand{threshold, at(first * kDay), at((last + 1) * kDay), at((first - 1) * kDay),
                 at((last + 2) * kDay)};
}

std::vector<DueCandidate> read_band(ReminderStore& store, const DueBand& b, int limit) {
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

// A candidate as one comparable line: key, mentor, expiry and ledger.
std::string describe(const DueCandidate& c) {
  std::string line = std::to_string(c.certification.id) + " " + c.certification.mentor_id + "/" +
                     c.certification.certification + " " + c.certification.name + " " +
                     c.certification.email + " " + c.certification.expires_on + " " +
                     std::to_string(c.certification.expires_at.time_since_epoch().count());
  for (const auto& e : c.ledger) {
    line += " [" + std::to_string(e.threshold) +
            (e.outcome == LedgerOutcome::sent ? " sent " : " superseded ") +
            std::to_string(e.recorded_at.time_since_epoch().count()) + " " +
            std::to_string(e.run_seq) + " " + e.message_id + " " + e.expires_on + " " +
            std::to_string(e.certification_id) + "]";
  }
  return line;
}

std::vector<std::string> describe_all(const std::vector<DueCandidate>& candidates) {
  std::vector<std::string> lines;
  for (const auto& c : candidates) {
    lines.push_back(describe(c));
  }
  return lines;
}

std::string describe(const UpsertCounts& c) {
  return std::to_string(c.mentors_inserted) + "/" + std::to_string(c.mentors_updated) + "/" +
         std::to_string(c.certifications_inserted) + "/" +
         std::to_string(c.certifications_updated);
}

UpsertCounts upsert(ReminderStore& store, const std::vector<CertificationRow>& rows) {
  UpsertCounts counts;
  auto done = store.in_transaction([&]() -> Result<void> {
    auto written = store.upsert(rows);
    if (!written) {
      return certcron::fail(written.error());
    }
    counts = *written;
    return {};
  });
  REQUIRE(done.has_value());
  return counts;
}

// A small deterministic generator: the same rows for both engines on every run.
class Lcg {
 public:
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state_ >> 33);
  }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint32_t>(n)); }

 private:
  std::uint64_t state_ = 12345;
};

}  // namespace

TEST_SUITE("store.pg.reminders") {
  TEST_CASE("instants round-trip as epoch seconds: before 1970, far ahead, in any session zone") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    // The session zone must not matter: instants never cross the wire as text.
    t.connection->script("SET TimeZone TO 'America/St_Johns'");
    const std::vector<std::int64_t> instants = {
        -62135596800,  // 0001-01-01T00:00:00Z
        -2208988800,   // 1900-01-01
        -1,            0, 1, 951782400 + 12345,  // 2000-02-29 and after
        253402300799,  // 9999-12-31T23:59:59Z
    };
    std::vector<CertificationRow> rows;
    for (std::size_t i = 0; i < instants.size(); ++i) {
      rows.push_back(instant_row("m", "c" + std::to_string(i), instants[i]));
    }
    rows.push_back(date_row("m", "date", -3653));  // 1960-01-01
    upsert(*t.store, rows);

    const DueBand everything{0, at(-62135596800 - kDay), at(253402300799 + kDay),
                             at(-62135596800 - kDay), at(253402300799 + kDay)};
    const auto seen = read_band(*t.store, everything, 3);
    REQUIRE(seen.size() == rows.size());
    std::vector<std::int64_t> read;
    for (const auto& c : seen) {
      read.push_back(c.certification.expires_at.time_since_epoch().count());
    }
    std::vector<std::int64_t> expected = instants;
    expected.push_back(-3653 * kDay);
    std::ranges::sort(expected);
    CHECK(read == expected);
    for (const auto& c : seen) {
      CHECK(c.certification.expires_on ==
            (c.certification.certification == "date"
                 ? std::string("1960-01-01")
                 : certcron::util::format_rfc3339(c.certification.expires_at)));
    }
    // The stored value is the instant itself, whatever the session's zone shows.
    CHECK(t.number("SELECT count(*) FROM certifications WHERE expires_at = "
                   "'0001-01-01T00:00:00Z'::timestamptz OR expires_at = "
                   "'9999-12-31T23:59:59Z'::timestamptz") == 2);

    // Ledger instants too.
    const auto id = seen.front().certification.id;
    const auto on = seen.front().certification.expires_on;
    REQUIRE(t.store
                ->record({{id, on, 7, LedgerOutcome::sent, at(-86399), 4, "<a@certcron>"},
                          {id, on, 1, LedgerOutcome::superseded, at(253402300799), 0, ""}})
                .has_value());
    auto ledger = t.store->ledger_for(id, on);
    REQUIRE(ledger.has_value());
    REQUIRE(ledger->size() == 2);
    CHECK((*ledger)[0].recorded_at == at(-86399));
    CHECK((*ledger)[0].run_seq == 4);
    CHECK((*ledger)[0].message_id == "<a@certcron>");
    CHECK((*ledger)[1].recorded_at == at(253402300799));
    CHECK((*ledger)[1].outcome == LedgerOutcome::superseded);
    CHECK((*ledger)[1].run_seq == 0);
    CHECK((*ledger)[1].message_id.empty());
    CHECK(t.number("SELECT count(*) FROM reminder_ledger WHERE run_seq IS NULL AND "
                   "message_id IS NULL") == 1);
  }

  TEST_CASE("paging a band full of ties: every candidate once, in (expires_at, expires_on, id)") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    std::vector<CertificationRow> rows;
    // 40 date-only expiries and 40 instants at the very same second (day 100, 00:00 UTC):
    // expires_at ties everywhere, expires_on splits the kinds, id orders within each.
    for (int i = 0; i < 40; ++i) {
      rows.push_back(date_row("m" + std::to_string(i % 3), "d" + std::to_string(i), 100));
      rows.push_back(instant_row("m" + std::to_string(i % 5), "i" + std::to_string(i), 100 * kDay));
    }
    for (int day = 95; day <= 106; ++day) {
      rows.push_back(date_row("m9", "day" + std::to_string(day), day));
    }
    upsert(*t.store, rows);

    const auto whole = read_band(*t.store, band(7, 99, 103), 1000);
    CHECK(whole.size() == 80 + 5);
    for (const int limit : {1, 2, 3, 7, 40, 79, 80, 81}) {
      CAPTURE(limit);
      const auto paged = read_band(*t.store, band(7, 99, 103), limit);
      CHECK(describe_all(paged) == describe_all(whole));
    }
    bool ordered = true;
    for (std::size_t i = 1; i < whole.size(); ++i) {
      const auto& a = whole[i - 1].certification;
      const auto& b = whole[i].certification;
      ordered = ordered && std::tie(a.expires_at, a.expires_on, a.id) <
                               std::tie(b.expires_at, b.expires_on, b.id);
    }
    CHECK(ordered);
    // Date-only "1970-04-11" sorts before the instant "1970-04-11T00:00:00Z" at the same second.
    REQUIRE(whole.size() > 41);
    CHECK(whole[41].certification.expires_on == "1970-04-11");
    CHECK(whole[42].certification.expires_on == "1970-04-11T00:00:00Z");

    // A page that starts inside the ties goes on from there.
    const auto& mid = whole[50].certification;
    auto rest = t.store->due_candidates(
        band(7, 99, 103), CandidateCursor{mid.expires_at, mid.expires_on, mid.id}, 1000);
    REQUIRE(rest.has_value());
    CHECK(describe_all(*rest) ==
          describe_all(std::vector<DueCandidate>(whole.begin() + 51, whole.end())));

    // The ledger's threshold takes a certification out of the band, another threshold not.
    REQUIRE(t.store
                ->record({{whole[0].certification.id, whole[0].certification.expires_on, 7,
                           LedgerOutcome::sent, at(5), 1, "<x@certcron>"},
                          {whole[1].certification.id, whole[1].certification.expires_on, 30,
                           LedgerOutcome::sent, at(5), 1, "<y@certcron>"}})
                .has_value());
    const auto after = read_band(*t.store, band(7, 99, 103), 4);
    REQUIRE(after.size() == whole.size() - 1);
    CHECK(after[0].certification.id == whole[1].certification.id);
    REQUIRE(after[0].ledger.size() == 1);
    CHECK(after[0].ledger[0].threshold == 30);
    CHECK(after[0].ledger[0].message_id == "<y@certcron>");
  }

  TEST_CASE("the due query seeks on certifications_by_expiry and probes the rest by key") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    std::vector<CertificationRow> rows;
    for (int i = 0; i < 20000; ++i) {
      rows.push_back(date_row("m" + std::to_string(i % 500), "c" + std::to_string(i), i / 10));
    }
    upsert(*t.store, rows);
    // Some ledger entries, so that the planner knows the table.
    std::vector<LedgerEntry> ledger;
    for (std::int64_t id = 1; id <= 20000; id += 3) {
      ledger.push_back({id, "x", 7, LedgerOutcome::sent, at(1), 0, "<l@certcron>"});
    }
    REQUIRE(t.store->record(ledger).has_value());
    t.connection->script("ANALYZE");
    const DueBand b = band(7, 1000, 1009);
    auto plan = t.connection->query(
        std::string("EXPLAIN ") + PgReminderStore::kDueCandidatesSql,
        Params()
            .add(b.instant_from.time_since_epoch().count())
            .add("")
            .add(-1)
            .add(b.instant_to.time_since_epoch().count())
            .add(b.date_from.time_since_epoch().count())
            .add(b.date_to.time_since_epoch().count())
            .add(7)
            .add(100)
            .add(b.instant_from.time_since_epoch().count())
            .add(b.instant_to.time_since_epoch().count()));
    std::string text;
    for (int r = 0; r < plan.size(); ++r) {
      text += std::string(plan[r].text(0)) + "\n";
    }
    CAPTURE(text);
    // The page seeks on the index at the cursor; the ledger and mentors are probed by key.
    CHECK(text.find("Index Scan using certifications_by_expiry") != std::string::npos);
    CHECK(text.find("Index Cond: ((ROW(expires_at, expires_on, id) > ROW(") != std::string::npos);
    CHECK(text.find("reminder_ledger_pkey") != std::string::npos);
    CHECK(text.find("mentors_pkey") != std::string::npos);
    CHECK(text.find("Seq Scan") == std::string::npos);
    CHECK(text.find("Hash") == std::string::npos);
    // The store's own statement reads only the band's rows: 10 a day.
    const auto seen = read_band(*t.store, band(7, 1000, 1009), 7);
    CHECK(seen.size() == 100);
  }

  TEST_CASE("upsert counts exactly, batch by batch, as the SQLite adapter does") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    testing::TestDatabase lite;

    auto both = [&](const std::vector<CertificationRow>& rows) {
      const auto pg = upsert(*t.store, rows);
      const auto sqlite = upsert(lite.store, rows);
      CHECK(describe(pg) == describe(sqlite));
      auto pg_totals = t.store->counts();
      auto sqlite_totals = lite.store.counts();
      REQUIRE(pg_totals.has_value());
      REQUIRE(sqlite_totals.has_value());
      CHECK(pg_totals->mentors == sqlite_totals->mentors);
      CHECK(pg_totals->certifications == sqlite_totals->certifications);
      return pg;
    };

    std::vector<CertificationRow> first = {date_row("a", "A1", 100), date_row("a", "A2", 101),
                                           date_row("b", "B1", 102)};
    auto counts = both(first);
    CHECK(describe(counts) == "2/0/3/0");
    const auto version = t.store->counts()->data_version;

    // The same rows again: nothing changed, and the data version stays.
    counts = both(first);
    CHECK(describe(counts) == "0/0/0/0");
    CHECK(t.store->counts()->data_version == version);

    // An empty issued_at is the stored NULL; a given one is a change, and so is its removal.
    auto issued = first;
    issued[0].issued_at = "2020-01-01";
    CHECK(describe(both(issued)) == "0/0/0/1");
    CHECK(describe(both(first)) == "0/0/0/1");
    CHECK(t.number("SELECT count(*) FROM certifications WHERE issued_at IS NULL") == 3);

    // Within one batch, a key written twice counts each change: a new mentor renamed later
    // in the file is inserted and updated; a certification renewed twice, updated twice; a
    // row repeating the value before it counts nothing.
    std::vector<CertificationRow> repeats = {date_row("c", "C1", 100), date_row("a", "A1", 200),
                                             date_row("c", "C1", 100), date_row("a", "A1", 201),
                                             date_row("a", "A1", 201)};
    repeats[2].name = "Renamed c";
    CHECK(describe(both(repeats)) == "1/1/1/2");
    CHECK(t.number("SELECT count(*) FROM mentors WHERE name = 'Renamed c'") == 1);
    CHECK(t.number("SELECT extract(epoch FROM expires_at)::bigint FROM certifications "
                   "WHERE certification = 'A1'") == 201 * kDay);
    CHECK(t.store->counts()->data_version > version);

    // Text that needs quoting in an array literal round-trips.
    std::vector<CertificationRow> odd = {date_row("q\"uote", "back\\slash, {brace}", 100),
                                         date_row("NULL", "", 100)};
    odd[0].name = "O'Brien \"Jr\" \\ {x}";
    odd[1].email = "";
    CHECK(describe(both(odd)) == "2/0/2/0");
    CHECK(describe(both(odd)) == "0/0/0/0");
    CHECK(t.number("SELECT count(*) FROM mentors WHERE mentor_id = 'q\"uote' AND "
                   "name = 'O''Brien \"Jr\" \\ {x}'") == 1);
    CHECK(t.number("SELECT count(*) FROM mentors WHERE mentor_id = 'NULL' AND email = ''") == 1);
    CHECK(t.number("SELECT count(*) FROM certifications WHERE certification = "
                   "'back\\slash, {brace}'") == 1);

    // Larger than one statement's batch, with keys repeated across its boundary.
    Lcg random;
    std::vector<CertificationRow> big;
    for (std::size_t i = 0; i < PgReminderStore::kBatchRows * 2 + 500; ++i) {
      const int mentor = random.below(200);
      const int certification = random.below(20);
      auto row = date_row("m" + std::to_string(mentor), "c" + std::to_string(certification),
                          90 + random.below(3));
      if (random.below(4) == 0) {
        row.name = "Other " + row.mentor_id;
      }
      big.push_back(std::move(row));
    }
    counts = both(big);
    CHECK(counts.certifications_updated > 0);
    CHECK(counts.mentors_updated > 0);
    counts = both(big);  // again: only keys whose rows disagree within the file change
    CHECK(t.number("SELECT count(*) FROM certifications") ==
          t.store->counts()->certifications);
    CHECK(t.number("SELECT count(*) FROM mentors") == t.store->counts()->mentors);
  }

  TEST_CASE("record leaves an entry already there as it is, and nothing when rolled back") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    upsert(*t.store, {date_row("a", "A", 100)});
    const auto id = t.number("SELECT id FROM certifications");
    const std::string on = "1970-04-11";
    REQUIRE(t.store->record({{id, on, 7, LedgerOutcome::sent, at(10), 1, "<first@certcron>"}})
                .has_value());
    // Again, with other values, and twice in one call: the first write of a key stands.
    REQUIRE(t.store
                ->record({{id, on, 7, LedgerOutcome::superseded, at(20), 2, ""},
                          {id, on, 1, LedgerOutcome::sent, at(30), 3, "<one@certcron>"},
                          {id, on, 1, LedgerOutcome::sent, at(40), 4, "<two@certcron>"}})
                .has_value());
    auto ledger = t.store->ledger_for(id, on);
    REQUIRE(ledger.has_value());
    REQUIRE(ledger->size() == 2);
    CHECK((*ledger)[0].threshold == 7);
    CHECK((*ledger)[0].outcome == LedgerOutcome::sent);
    CHECK((*ledger)[0].message_id == "<first@certcron>");
    CHECK((*ledger)[0].recorded_at == at(10));
    CHECK((*ledger)[1].threshold == 1);
    CHECK((*ledger)[1].message_id == "<one@certcron>");

    // Inside a transaction that fails, recorded entries go with it.
    auto failed = t.store->in_transaction([&]() -> Result<void> {
      auto written =
          t.store->record({{id, on, 30, LedgerOutcome::sent, at(50), 5, "<r@certcron>"}});
      REQUIRE(written.has_value());
      return certcron::fail(certcron::Error::failed("changed my mind"));
    });
    CHECK_FALSE(failed.has_value());
    CHECK(t.number("SELECT count(*) FROM reminder_ledger") == 2);
    CHECK(t.connection->depth() == 0);

    // A nested transaction that fails undoes only itself.
    auto outer = t.store->in_transaction([&]() -> Result<void> {
      REQUIRE(t.store->record({{id, on, 30, LedgerOutcome::sent, at(50), 5, "<k@certcron>"}})
                  .has_value());
      auto inner = t.store->in_transaction([&]() -> Result<void> {
        REQUIRE(t.store->record({{id, on, 60, LedgerOutcome::sent, at(50), 5, "<g@certcron>"}})
                    .has_value());
        return certcron::fail(certcron::Error::failed("inner"));
      });
      CHECK_FALSE(inner.has_value());
      return {};
    });
    CHECK(outer.has_value());
    CHECK(t.number("SELECT count(*) FROM reminder_ledger WHERE threshold = 30") == 1);
    CHECK(t.number("SELECT count(*) FROM reminder_ledger WHERE threshold = 60") == 0);

    // An entry for a certification that is gone is refused, and none of its batch is kept.
    auto orphan =
        t.store->record({{id, on, 2, LedgerOutcome::sent, at(1), 0, "<o@certcron>"},
                         {id + 1000, on, 2, LedgerOutcome::sent, at(1), 0, "<p@certcron>"}});
    CHECK_FALSE(orphan.has_value());
    CHECK(t.number("SELECT count(*) FROM reminder_ledger WHERE threshold = 2") == 0);
    CHECK(t.connection->depth() == 0);
  }

  TEST_CASE("totals follow deletes through the triggers: a mentor's removal cascades") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    upsert(*t.store, {date_row("a", "A1", 100), date_row("a", "A2", 100), date_row("a", "A3", 100),
                      date_row("b", "B1", 100)});
    const auto before = t.store->counts();
    REQUIRE(before.has_value());
    CHECK(before->mentors == 2);
    CHECK(before->certifications == 4);
    const auto a1 = t.number("SELECT id FROM certifications WHERE certification = 'A1'");
    REQUIRE(t.store->record({{a1, "1970-04-11", 7, LedgerOutcome::sent, at(1), 0, "<m@certcron>"}})
                .has_value());

    t.connection->script("DELETE FROM mentors WHERE mentor_id = 'a'");
    const auto after = t.store->counts();
    REQUIRE(after.has_value());
    CHECK(after->mentors == 1);
    CHECK(after->certifications == 1);
    CHECK(after->data_version > before->data_version);
    CHECK(t.number("SELECT count(*) FROM reminder_ledger") == 0);

    t.connection->script("DELETE FROM certifications");
    CHECK(t.store->counts()->certifications == 0);
    CHECK(t.store->counts()->mentors == 1);
    // Inserting again counts up from there.
    CHECK(describe(upsert(*t.store, {date_row("a", "A1", 100)})) == "1/0/1/0");
    CHECK(t.store->counts()->mentors == 2);
    CHECK(t.store->counts()->certifications == 1);
  }

  TEST_CASE("watermarks: absent, saved, replaced") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    auto none = t.store->watermark("p");
    REQUIRE(none.has_value());
    CHECK_FALSE(none->has_value());
    REQUIRE(t.store->save_watermark("p", {20000, 3}).has_value());
    REQUIRE(t.store->save_watermark("p", {20001, 4}).has_value());
    auto mark = t.store->watermark("p");
    REQUIRE(mark.has_value());
    REQUIRE(mark->has_value());
    CHECK((*mark)->through_day == 20001);
    CHECK((*mark)->data_version == 4);
  }

  TEST_CASE("writes hold certcron's writer lock; another holder makes them busy after 5 s") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    const std::string held =
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
        "AND classid = " + std::to_string(certcron::store::pg::kLockClass) +
        " AND objid = " + std::to_string(certcron::store::pg::kWriterLock) + " AND objsubid = 2";
    auto inside = t.store->in_transaction([&]() -> Result<void> {
      CHECK(t.number(held) == 1);
      return {};
    });
    CHECK(inside.has_value());
    CHECK(t.number(held) == 0);

    auto other = t.second();
    other->script(("BEGIN; SELECT pg_advisory_xact_lock(" +
                   std::to_string(certcron::store::pg::kLockClass) + ", " +
                   std::to_string(certcron::store::pg::kWriterLock) + ")")
                      .c_str());
    const auto began = std::chrono::steady_clock::now();
    auto written = t.store->record({});  // nothing to write takes no lock
    CHECK(written.has_value());
    auto blocked = t.store->upsert({date_row("a", "A", 1)});
    const auto waited = std::chrono::steady_clock::now() - began;
    other->script("ROLLBACK");
    REQUIRE_FALSE(blocked.has_value());
    CHECK(blocked.error().kind == ErrorKind::busy);
    CHECK(waited >= std::chrono::milliseconds{4900});
    CHECK(t.connection->depth() == 0);
    // The lock released, the same write goes through.
    CHECK(t.store->upsert({date_row("a", "A", 1)}).has_value());
  }

  TEST_CASE("the due query gives what the SQLite adapter gives, candidate for candidate") {
    PG_OR_SKIP(url);
    PgDatabase t(*url);
    testing::TestDatabase lite;
    Lcg random;
    std::vector<CertificationRow> rows;
    for (int i = 0; i < 3000; ++i) {
      const std::string mentor = "m" + std::to_string(random.below(300));
      const std::string name = "c" + std::to_string(i);
      const int day = 20000 + random.below(60);
      switch (random.below(4)) {
        case 0:  // an instant at midnight UTC: ties with the date-only expiries of that day
          rows.push_back(instant_row(mentor, name, day * kDay));
          break;
        case 1:  // an instant anywhere in the day
          rows.push_back(instant_row(mentor, name, day * kDay + random.below(86400)));
          break;
        default:
          rows.push_back(date_row(mentor, name, day));
      }
    }
    // Both engines number the rows in the order given.
    upsert(*t.store, rows);
    upsert(lite.store, rows);
    REQUIRE(t.number("SELECT count(*) FROM certifications") == 3000);

    // The same ledger in both: some entries at the current expiry, some for an older one.
    std::vector<LedgerEntry> ledger;
    std::set<std::tuple<std::int64_t, std::string, int>> keys;
    const int thresholds[] = {30, 14, 7, 1, 0, kExpiredThreshold};
    for (std::int64_t id = 1; id <= 3000; ++id) {
      if (random.below(3) != 0) {
        continue;
      }
      const auto& row = rows[static_cast<std::size_t>(id - 1)];
      const int count = 1 + random.below(3);
      for (int k = 0; k < count; ++k) {
        const int threshold = thresholds[random.below(6)];
        std::string on = random.below(5) == 0 ? std::string("2020-01-01") : row.expires_on;
        // One entry per key: which of two given in one call is kept is not the point here.
        if (!keys.emplace(id, on, threshold).second) {
          continue;
        }
        ledger.push_back({id, on,
                          threshold,
                          random.below(2) == 0 ? LedgerOutcome::sent : LedgerOutcome::superseded,
                          at(1700000000 + random.below(1000)), random.below(3),
                          "<" + std::to_string(id) + "." + std::to_string(k) + "@certcron>"});
      }
    }
    REQUIRE(t.store->record(ledger).has_value());
    REQUIRE(lite.store.record(ledger).has_value());
    // Renewals after the fact: new expiries leave their old entries behind.
    std::vector<CertificationRow> renewed;
    for (int i = 0; i < 3000; i += 37) {
      auto row = rows[static_cast<std::size_t>(i)];
      row = date_row(row.mentor_id, row.certification, 20000 + random.below(60));
      renewed.push_back(row);
    }
    CHECK(describe(upsert(*t.store, renewed)) == describe(upsert(lite.store, renewed)));

    struct Case {
      int threshold = 0;
      int first = 0;
      int last = 0;
      int limit = 0;
    };
    const Case cases[] = {{7, 20010, 20016, 50},  {30, 20000, 20059, 333}, {0, 20030, 20030, 4},
                          {kExpiredThreshold, 19990, 20005, 17}, {14, 20059, 20070, 1000},
                          {1, 20020, 20040, 1}};
    for (const auto& c : cases) {
      CAPTURE(c.threshold);
      CAPTURE(c.first);
      CAPTURE(c.limit);
      const auto pg = read_band(*t.store, band(c.threshold, c.first, c.last), c.limit);
      const auto sqlite = read_band(lite.store, band(c.threshold, c.first, c.last), c.limit);
      CHECK(!pg.empty());
      CHECK(testing::joined(describe_all(pg)) == testing::joined(describe_all(sqlite)));
      // And each candidate's ledger is what ledger_for reads.
      for (std::size_t i = 0; i < pg.size(); i += 97) {
        const auto& cert = pg[i].certification;
        auto pg_ledger = t.store->ledger_for(cert.id, cert.expires_on);
        auto sqlite_ledger = lite.store.ledger_for(cert.id, cert.expires_on);
        REQUIRE(pg_ledger.has_value());
        REQUIRE(sqlite_ledger.has_value());
        CHECK(describe(DueCandidate{cert, *pg_ledger}) == describe(pg[i]));
        CHECK(describe(DueCandidate{cert, *sqlite_ledger}) == describe(pg[i]));
      }
    }
    // Mentor keys: one per mentor, the same for each of a mentor's certifications.
    const auto all = read_band(*t.store, band(30, 19000, 21000), 500);
    std::set<std::pair<std::int64_t, std::string>> pairs;
    std::set<std::int64_t> distinct;
    for (const auto& c : all) {
      pairs.emplace(c.certification.mentor_key, c.certification.mentor_id);
      distinct.insert(c.certification.mentor_key);
    }
    CHECK(pairs.size() == distinct.size());
    CHECK(distinct.count(0) == 0);
  }
}
