// The set-based due query (ReminderStore::due_candidates per threshold band) and the
// watermark that narrows it, checked against the per-row policy: for every certification on
// record, decide() with its own ledger entries. Random data, zones, configurations, ledgers,
// missed nights, failed deliveries and imports; a disagreement prints the seed and the day.

#include "core/reminders/expiry_check.hpp"

#include "store/reminder_test_support.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace certcron::reminders;
using certcron::Result;
using certcron::Seconds;
using certcron::schedule::TimeZone;
using testing::RecordingDelivery;
using testing::TestDatabase;

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_days;

TimeZone zone(const char* name) {
  auto located = TimeZone::locate(name);
  REQUIRE(located.has_value());
  return *located;
}

// (certification id, threshold): one due reminder.
using Due = std::pair<std::int64_t, int>;

// What the per-row policy says is due at `now`: every certification on record, each decided
// with its own ledger entries, nothing read through the due query.
std::set<Due> reference_due(TestDatabase& t, const ReminderConfig& config, const TimeZone& zone,
                            Seconds now) {
  std::vector<Certification> all;
  SQLite::Statement q(*t.db,
                      "SELECT id, mentor_id, certification, expires_on, expires_at "
                      "FROM certifications");
  while (q.executeStep()) {
    Certification c;
    c.id = q.getColumn(0).getInt64();
    c.mentor_id = q.getColumn(1).getString();
    c.certification = q.getColumn(2).getString();
    c.expires_on = q.getColumn(3).getString();
    c.expires_at = Seconds{std::chrono::seconds{q.getColumn(4).getInt64()}};
    all.push_back(std::move(c));
  }
  q.reset();
  const auto today = local_date(now, zone);
  std::set<Due> due;
  for (const auto& c : all) {
    const int days_left = static_cast<int>((expiry_date(c, zone) - today).count());
    auto ledger = t.store.ledger_for(c.id, c.expires_on);
    REQUIRE(ledger.has_value());
    if (auto decision = decide(config, days_left, *ledger, zone)) {
      due.insert({c.id, decision->threshold});
    }
  }
  return due;
}

std::set<Due> listed_due(TestDatabase& t, const ReminderConfig& config, const TimeZone& zone,
                         Seconds now) {
  std::set<Due> due;
  auto listed = list_due(t.store, config, zone, now, [&](const DueReminder& reminder) {
    const bool fresh = due.insert({reminder.certification.id, reminder.decision.threshold}).second;
    CHECK_MESSAGE(fresh, "listed twice: certification " << reminder.certification.id);
  });
  REQUIRE(listed.has_value());
  CHECK(listed->reminders_sent == static_cast<std::int64_t>(due.size()));
  return due;
}

// Random certifications around `today`: date-only expiries and instants at any minute of the
// day (so their local date differs from the UTC one in far zones), some mentors shared.
class Generator {
 public:
  explicit Generator(std::uint64_t seed) : random_(seed) {}

  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(random_); }

  CertificationRow row(sys_days today, int index, int spread_days) {
    CertificationRow r;
    r.mentor_id = "m" + std::to_string(pick(0, 40));
    r.name = "Name " + r.mentor_id;
    r.email = r.mentor_id + "@example.org";
    r.certification = "C" + std::to_string(index);
    expire(r, today + days{pick(-spread_days, spread_days)});
    return r;
  }

  // A new expiry on `day`: a date, or an instant somewhere in that UTC day.
  void expire(CertificationRow& r, sys_days day) {
    if (chance(0.35)) {
      r.expires_at = Seconds{day} + minutes{pick(0, 24 * 60 - 1)};
      r.expires_on = certcron::util::format_rfc3339(r.expires_at);
    } else {
      r.expires_at = Seconds{day};
      r.expires_on = certcron::util::format_date(day);
    }
  }

  ReminderConfig config() {
    static const int kChoices[] = {0, 1, 2, 3, 7, 14, 30, 45};
    ReminderConfig c;
    c.thresholds_days.clear();
    for (int choice : kChoices) {
      if (chance(0.4)) {
        c.thresholds_days.push_back(choice);
      }
    }
    if (chance(0.2)) {
      c.thresholds_days.push_back(c.thresholds_days.empty() ? 7 : c.thresholds_days.front());
    }
    static const int kWindows[] = {0, 1, 5, 30};
    c.expired_window_days = kWindows[pick(0, 3)];
    return c;
  }

  const char* zone_name() {
    static const char* const kZones[] = {"UTC",           "Pacific/Kiritimati",
                                         "Pacific/Pago_Pago", "Asia/Kolkata",
                                         "America/St_Johns",  "Europe/Berlin"};
    return kZones[pick(0, 5)];
  }

 private:
  std::mt19937_64 random_;
};

Result<void> write(TestDatabase& t, const std::vector<CertificationRow>& rows) {
  return testing::upsert_rows(t.store, rows);
}

// `count` random certifications expiring within `spread` days of `today`, written to `t`.
std::vector<CertificationRow> write_generated(TestDatabase& t, Generator& g, sys_days today,
                                              int count, int spread) {
  std::vector<CertificationRow> rows;
  for (int i = 0; i < count; ++i) {
    rows.push_back(g.row(today, i, spread));
  }
  REQUIRE(write(t, rows).has_value());
  return rows;
}

}  // namespace

TEST_SUITE("reminders.due_query") {
  TEST_CASE("the due query finds exactly what the per-row policy finds, for any ledger") {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      CAPTURE(seed);
      Generator g(seed);
      TestDatabase t;
      const auto config = g.config();
      const auto tz = zone(g.zone_name());
      const sys_days today{std::chrono::year{2026} / 3 / 15};
      const Seconds now = Seconds{today} + hours{g.pick(0, 23)} + minutes{g.pick(0, 59)};
      write_generated(t, g, today, 150, 60);
      // A random ledger: some thresholds sent or passed over, for the current expiry or an
      // older one.
      std::vector<LedgerEntry> ledger;
      SQLite::Statement ids(*t.db, "SELECT id, expires_on FROM certifications");
      while (ids.executeStep()) {
        for (int threshold : {kExpiredThreshold, 0, 1, 2, 3, 7, 14, 30, 45}) {
          if (g.chance(0.15)) {
            const bool current = g.chance(0.8);
            ledger.push_back({ids.getColumn(0).getInt64(),
                              current ? ids.getColumn(1).getString() : "2020-01-01", threshold,
                              g.chance(0.5) ? LedgerOutcome::sent : LedgerOutcome::superseded,
                              now - days{2}, 0, ""});
          }
        }
      }
      ids.reset();
      REQUIRE(t.store.record(ledger).has_value());
      const auto expected = reference_due(t, config, tz, now);
      CHECK(listed_due(t, config, tz, now) == expected);
    }
  }

  TEST_CASE("night after night, the watermark's narrow read finds what a full read finds") {
    // Runs that deliver everything, runs with failed deliveries, missed nights, dry runs,
    // renewals and new certifications: before every run, what it delivers (or fails to) must
    // be exactly what the per-row policy says is due.
    for (std::uint64_t seed = 100; seed < 112; ++seed) {
      CAPTURE(seed);
      Generator g(seed);
      TestDatabase t;
      const auto config = g.config();
      const auto tz = zone(g.zone_name());
      sys_days today{std::chrono::year{2026} / 1 / 10};
      auto rows = write_generated(t, g, today, 250, 120);
      int narrow_runs = 0;
      for (int night = 0; night < 60; ++night) {
        CAPTURE(night);
        today += days{g.chance(0.15) ? g.pick(2, 4) : 1};  // sometimes nights are missed
        const Seconds now = Seconds{today} + hours{g.pick(0, 23)};
        if (g.chance(0.1)) {  // an import renews some certifications and adds one
          std::vector<CertificationRow> changed;
          for (int k = 0; k < 3; ++k) {
            auto r = rows[static_cast<std::size_t>(g.pick(0, static_cast<int>(rows.size()) - 1))];
            g.expire(r, today + days{g.pick(-10, 60)});
            changed.push_back(r);
          }
          changed.push_back(g.row(today, static_cast<int>(rows.size()), 40));
          rows.push_back(changed.back());
          REQUIRE(write(t, changed).has_value());
        }
        const auto expected = reference_due(t, config, tz, now);
        CHECK(listed_due(t, config, tz, now) == expected);
        const auto mark = t.store.watermark(policy_key(config, tz));
        REQUIRE(mark.has_value());
        narrow_runs += mark->has_value() ? 1 : 0;

        RecordingDelivery delivery;
        const bool failing = g.chance(0.15);
        delivery.should_fail = [&](const Message&) { return failing && g.chance(0.3); };
        CheckOptions options;
        options.now = now;
        options.dry_run = g.chance(0.1);
        auto result = run_expiry_check(t.store, delivery, config, tz, options);
        REQUIRE(result.has_value());
        std::set<std::string> attempted;
        for (const auto* list : {&delivery.delivered, &delivery.failed}) {
          for (const auto& m : *list) {
            attempted.insert(m.message_id);
          }
        }
        if (!options.dry_run) {
          CHECK(attempted.size() == expected.size());
          CHECK(result->reminders_sent + result->errors ==
                static_cast<std::int64_t>(expected.size()));
        }
      }
      CHECK(narrow_runs > 20);  // the narrow read was really exercised
    }
  }

  TEST_CASE("a watermark is ignored once the data changed, and kept by a dry run") {
    TestDatabase t;
    const ReminderConfig config;
    const auto utc = zone("UTC");
    Generator g(7);
    const sys_days today{std::chrono::year{2026} / 5 / 1};
    const auto rows = write_generated(t, g, today, 50, 40);
    RecordingDelivery delivery;
    CheckOptions options;
    options.now = Seconds{today} + hours{2};
    REQUIRE(run_expiry_check(t.store, delivery, config, utc, options).has_value());
    const auto key = policy_key(config, utc);
    auto mark = t.store.watermark(key);
    REQUIRE(mark.has_value());
    REQUIRE(mark->has_value());
    CHECK((*mark)->through_day == today.time_since_epoch().count());

    // Renewing one certification to an expiry 5 days ahead: due tomorrow with its 7-day
    // reminder, although 5 days is no band's newest day.
    auto renewed = rows.front();
    renewed.expires_on = certcron::util::format_date(today + days{6});
    renewed.expires_at = Seconds{today + days{6}};
    REQUIRE(write(t, {renewed}).has_value());
    const auto tomorrow = Seconds{today + days{1}} + hours{2};
    CHECK(listed_due(t, config, utc, tomorrow) == reference_due(t, config, utc, tomorrow));
    bool found = false;
    REQUIRE(list_due(t.store, config, utc, tomorrow, [&](const DueReminder& due) {
              found = found || (due.certification.certification == renewed.certification &&
                                due.decision.threshold == 7);
            }).has_value());
    CHECK(found);

    options.now = tomorrow;
    options.dry_run = true;
    REQUIRE(run_expiry_check(t.store, delivery, config, utc, options).has_value());
    CHECK((*t.store.watermark(key))->through_day == today.time_since_epoch().count());
  }

  TEST_CASE("a run with a failed delivery leaves the watermark where it was") {
    TestDatabase t;
    const ReminderConfig config;
    const auto utc = zone("UTC");
    Generator g(8);
    const sys_days today{std::chrono::year{2026} / 5 / 1};
    write_generated(t, g, today, 60, 40);
    RecordingDelivery delivery;
    bool first = true;
    delivery.should_fail = [&](const Message&) { return std::exchange(first, false); };
    CheckOptions options;
    options.now = Seconds{today} + hours{2};
    auto result = run_expiry_check(t.store, delivery, config, utc, options);
    REQUIRE(result.has_value());
    CHECK(result->errors == 1);
    CHECK_FALSE(t.store.watermark(policy_key(config, utc))->has_value());
    // The next night retries it, with a full read.
    options.now += days{1};
    delivery.failed.clear();
    REQUIRE(run_expiry_check(t.store, delivery, config, utc, options).has_value());
    CHECK(t.store.watermark(policy_key(config, utc))->has_value());
    CHECK(reference_due(t, config, utc, options.now).empty());
  }
}
