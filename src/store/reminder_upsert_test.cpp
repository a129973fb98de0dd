#include "store/reminder_store.hpp"

#include "store/reminder_test_support.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace certcron::reminders;
using certcron::Result;
using certcron::Seconds;
using testing::TestDatabase;

namespace {

CertificationRow row(std::string mentor, std::string certification, std::string expires_on,
                     std::string issued_at = "") {
  return CertificationRow{
      mentor,
      "Name " + mentor,
      mentor + "@example.org",
      certification,
      expires_on,
      Seconds{std::chrono::seconds{static_cast<std::int64_t>(expires_on.size())}},
      issued_at};
}

UpsertCounts upsert_in_transaction(TestDatabase& t, const std::vector<CertificationRow>& rows) {
  UpsertCounts counts;
  REQUIRE(t.store
              .in_transaction([&]() -> Result<void> {
                auto done = t.store.upsert(rows);
                if (!done) {
                  return certcron::fail(done.error());
                }
                counts = *done;
                return {};
              })
              .has_value());
  return counts;
}

// mentors inserted, updated; certifications inserted, updated
std::vector<std::int64_t> as_list(const UpsertCounts& c) {
  return {c.mentors_inserted, c.mentors_updated, c.certifications_inserted,
          c.certifications_updated};
}

using Counts = std::vector<std::int64_t>;

}  // namespace

TEST_SUITE("store.reminders.upsert") {
  TEST_CASE("new rows count as inserted, the same rows again as nothing") {
    TestDatabase t;
    const std::vector<CertificationRow> rows = {row("m1", "CPR", "2026-01-01"),
                                                row("m1", "First Aid", "2026-02-01", "2024-02-01"),
                                                row("m2", "CPR", "2026-03-01")};
    CHECK(as_list(upsert_in_transaction(t, rows)) == Counts{2, 0, 3, 0});
    CHECK(as_list(upsert_in_transaction(t, rows)) == Counts{0, 0, 0, 0});
    CHECK(t.count("SELECT count(*) FROM certifications") == 3);
    CHECK(t.count("SELECT count(*) FROM certifications WHERE issued_at IS NULL") == 2);
  }

  TEST_CASE("a change to any stored field counts as one update, and keeps the row's id") {
    TestDatabase t;
    upsert_in_transaction(t, {row("m1", "CPR", "2026-01-01", "2024-01-01"),
                              row("m2", "CPR", "2026-01-01"), row("m3", "CPR", "2026-01-01")});
    const auto id = t.count("SELECT id FROM certifications WHERE mentor_id = 'm1'");

    auto renamed = row("m1", "CPR", "2026-01-01", "2024-01-01");
    renamed.name = "New Name";
    auto new_email = row("m2", "CPR", "2026-01-01");
    new_email.email = "new@example.org";
    CHECK(as_list(upsert_in_transaction(t, {renamed, new_email, row("m3", "CPR", "2026-01-01")})) ==
          Counts{0, 2, 0, 0});

    auto later = renamed;
    later.expires_on = "2027-01-01";  // same length: expires_at unchanged
    CHECK(as_list(upsert_in_transaction(t, {later})) == Counts{0, 0, 0, 1});
    auto instant_only = later;
    instant_only.expires_at += std::chrono::seconds{1};
    CHECK(as_list(upsert_in_transaction(t, {instant_only})) == Counts{0, 0, 0, 1});
    auto no_issued = instant_only;
    no_issued.issued_at.clear();
    CHECK(as_list(upsert_in_transaction(t, {no_issued})) == Counts{0, 0, 0, 1});
    CHECK(t.count("SELECT count(*) FROM certifications WHERE mentor_id = 'm1' AND issued_at IS "
                  "NULL") == 1);
    auto issued_again = no_issued;
    issued_again.issued_at = "2024-06-01";
    CHECK(as_list(upsert_in_transaction(t, {issued_again, issued_again})) == Counts{0, 0, 0, 1});

    CHECK(t.count("SELECT id FROM certifications WHERE mentor_id = 'm1'") == id);
    CHECK(t.db->execAndGet("SELECT expires_on || ' ' || expires_at || ' ' || issued_at FROM "
                           "certifications WHERE mentor_id = 'm1'")
              .getString() == "2027-01-01 11 2024-06-01");
  }

  TEST_CASE("rows of one batch count in order: insert, then update, then unchanged") {
    TestDatabase t;
    auto first = row("m1", "CPR", "2026-01-01");
    auto second = first;
    second.expires_on = "2026-06-01";
    second.name = "Renamed";
    auto other = row("m1", "Scuba", "2026-01-01");
    other.name = "Renamed";
    auto back = row("m1", "Lifeguard", "2026-01-01");  // the first name again
    CHECK(as_list(upsert_in_transaction(t, {first, second, second, other, back})) ==
          Counts{1, 2, 3, 1});
    CHECK(t.db->execAndGet("SELECT name FROM mentors").getString() == "Name m1");
    CHECK(as_list(upsert_in_transaction(t, {back, first})) == Counts{0, 0, 0, 1});
  }

  TEST_CASE("an empty issued_at stored by other means is not counted as a change") {
    TestDatabase t;
    upsert_in_transaction(t, {row("m1", "CPR", "2026-01-01")});
    t.db->exec("UPDATE certifications SET issued_at = ''");
    CHECK(as_list(upsert_in_transaction(t, {row("m1", "CPR", "2026-01-01")})) ==
          Counts{0, 0, 0, 0});
  }

  TEST_CASE("with_large_cache raises the page cache for its work only, whatever the outcome") {
    TestDatabase t;
    const auto cache_before = t.count("PRAGMA cache_size");
    std::int64_t cache_inside = 0;
    REQUIRE(t.store
                .with_large_cache([&]() -> Result<void> {
                  cache_inside = t.count("PRAGMA cache_size");
                  return testing::upsert_rows(t.store, {row("m1", "CPR", "2026-01-01")});
                })
                .has_value());
    CHECK(cache_inside == -certcron::store::SqliteReminderStore::kBulkCacheKiB);
    CHECK(t.count("PRAGMA cache_size") == cache_before);
    auto failed = t.store.with_large_cache([&]() -> Result<void> {
      return t.store.in_transaction([&]() -> Result<void> {
        REQUIRE(t.store.upsert({row("m2", "CPR", "2026-01-01")}).has_value());
        return certcron::fail(certcron::Error::failed("stop"));
      });
    });
    CHECK_FALSE(failed.has_value());
    CHECK(t.count("PRAGMA cache_size") == cache_before);
    CHECK(t.count("SELECT count(*) FROM mentors") == 1);
  }
}
