#include "core/reminders/expiry_check.hpp"

#include "delivery/outbox.hpp"
#include "store/job_store.hpp"
#include "store/reminder_test_support.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <span>

using namespace certcron::reminders;
using certcron::Result;
using certcron::Seconds;
using certcron::schedule::TimeZone;
using testing::import_text;
using testing::RecordingDelivery;
using testing::TestDatabase;

namespace {

Seconds instant(const char* text) {
  return *certcron::util::parse_rfc3339(text);
}

TimeZone zone(const char* name) {
  auto located = TimeZone::locate(name);
  REQUIRE(located.has_value());
  return *located;
}

const char* const kHeader = "mentor_id,name,email,certification,expires_at\n";

// Seen from 2026-03-01 (UTC): A in 30 days, B in 5, C expired 2 days ago, D expired 59 days
// ago (outside the window), E in 61 days (before any threshold), F in 19 days.
const std::string kMentors = std::string(kHeader) +
                             "m1,Ana,ana@example.org,A,2026-03-31\n"
                             "m1,Ana,ana@example.org,B,2026-03-06\n"
                             "m2,Bo,bo@example.org,C,2026-02-27\n"
                             "m3,Cy,cy@example.org,D,2026-01-01\n"
                             "m4,Di,di@example.org,E,2026-05-01\n"
                             "m5,Ed,ed@example.org,F,2026-03-20\n";

// A running run of a job of its own, as another job's run (or another host's) would hold.
std::int64_t running_run(TestDatabase& t, const std::string& job_name) {
  certcron::store::SqliteJobStore jobs(*t.db, t.file.string());
  certcron::JobDefinition definition;
  definition.name = job_name;
  definition.cron_expression = "0 2 * * *";
  definition.server_timezone = "UTC";
  auto job = jobs.insert_job(definition, instant("2026-01-01T00:00:00Z"));
  REQUIRE(job.has_value());
  certcron::Run run;
  run.job_seq = job->seq;
  run.trigger = certcron::RunTrigger::manual;
  run.started_at = instant("2026-03-01T01:59:00Z");
  auto inserted = jobs.insert_run(run);
  REQUIRE(inserted.has_value());
  return inserted->seq;
}

struct Fixture {
  TestDatabase t;
  RecordingDelivery delivery;
  ReminderConfig config;
  TimeZone utc = zone("UTC");
  std::int64_t own_run_seq = 0;

  Fixture() { REQUIRE(import_text(t.store, kMentors).has_value()); }

  // A run of the fixture's own job, running (a run that is not running claims nothing).
  std::int64_t own_run() {
    if (own_run_seq == 0) {
      own_run_seq = running_run(t, "nightly");
    }
    return own_run_seq;
  }

  // As run `run_seq`, or the fixture's own run.
  certcron::RunResult run(const char* now, bool dry_run = false, std::int64_t run_seq = 0) {
    CheckOptions options;
    options.now = instant(now);
    options.dry_run = dry_run;
    options.run_seq = run_seq != 0 ? run_seq : own_run();
    auto result = run_expiry_check(t.store, delivery, config, utc, options);
    REQUIRE(result.has_value());
    return *result;
  }

  std::string sent_thresholds() {
    std::string out;
    for (const auto& m : delivery.delivered) {
      out += m.certification + ":" + threshold_label(m.threshold) + " ";
    }
    delivery.delivered.clear();
    return out;
  }

  std::int64_t ledger(const std::string& where = "1") {
    return t.count("SELECT count(*) FROM reminder_ledger WHERE " + where);
  }
};

// Takes messages two at a time, as the outbox takes them 256 at a time.
class BatchingDelivery final : public Delivery {
 public:
  std::vector<Message> delivered;
  std::vector<std::size_t> batches;
  std::function<void()> before_batch;

  std::size_t batch_limit() const override { return 2; }
  Result<void> deliver(const Message& message) override {
    delivered.push_back(message);
    return {};
  }
  std::vector<Result<void>> deliver_batch(std::span<const Message* const> messages) override {
    if (before_batch) {
      before_batch();
    }
    batches.push_back(messages.size());
    return Delivery::deliver_batch(messages);
  }
};

// The store as it behaves when the process dies after a delivery, before its ledger rows:
// nothing recorded.
class CrashBeforeRecord final : public ReminderStore {
 public:
  explicit CrashBeforeRecord(ReminderStore& inner) : inner_(inner) {}
  Result<void> in_transaction(const std::function<Result<void>()>& work) override {
    return inner_.in_transaction(work);
  }
  Result<UpsertCounts> upsert(const std::vector<CertificationRow>& rows) override {
    return inner_.upsert(rows);
  }
  Result<std::vector<DueCandidate>> due_candidates(const DueBand& band,
                                                   const CandidateCursor& after,
                                                   int limit) override {
    return inner_.due_candidates(band, after, limit);
  }
  Result<std::vector<LedgerEntry>> ledger_for(std::int64_t id, std::string_view on) override {
    return inner_.ledger_for(id, on);
  }
  Result<std::vector<bool>> claim(const std::vector<ReminderKey>& keys,
                                  const ClaimHolder& holder) override {
    return inner_.claim(keys, holder);
  }
  Result<void> release(const std::vector<ReminderKey>& keys, std::int64_t run_seq) override {
    return inner_.release(keys, run_seq);
  }
  Result<void> record(const std::vector<LedgerEntry>&) override {
    return certcron::fail(certcron::Error::failed("the process died here"));
  }
  Result<ReminderCounts> counts() override { return inner_.counts(); }
  Result<std::optional<Watermark>> watermark(std::string_view policy) override {
    return inner_.watermark(policy);
  }
  Result<void> save_watermark(std::string_view policy, const Watermark& mark) override {
    return inner_.save_watermark(policy, mark);
  }

 private:
  ReminderStore& inner_;
};

ReminderKey key_of(TestDatabase& t, const std::string& certification, int threshold) {
  SQLite::Statement q(*t.db, "SELECT id, expires_on FROM certifications WHERE certification = ?");
  q.bind(1, certification);
  REQUIRE(q.executeStep());
  return ReminderKey{q.getColumn(0).getInt64(), q.getColumn(1).getString(), threshold};
}

std::vector<std::string> folder_names(const std::filesystem::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::ranges::sort(names);
  return names;
}

}  // namespace

TEST_SUITE("reminders.check") {
  TEST_CASE("a batching delivery gets batches of its size, each recorded after it went out") {
    Fixture f;
    BatchingDelivery delivery;
    SQLite::Database observer(f.t.file.string(), SQLite::OPEN_READONLY);
    std::vector<std::int64_t> recorded_before;
    delivery.before_batch = [&] {
      recorded_before.push_back(
          observer.execAndGet("SELECT count(*) FROM reminder_ledger WHERE outcome = 'sent'")
              .getInt64());
    };
    CheckOptions options;
    options.now = instant("2026-03-01T02:00:00Z");
    auto result = run_expiry_check(f.t.store, delivery, f.config, f.utc, options);
    REQUIRE(result.has_value());
    CHECK(result->reminders_sent == 4);
    CHECK(delivery.batches == std::vector<std::size_t>{2, 2});
    // Nothing of a batch is in the ledger before it goes out; all of it is after.
    CHECK(recorded_before == std::vector<std::int64_t>{0, 2});
    CHECK(f.ledger("outcome = 'sent'") == 4);
  }

  TEST_CASE("a crash between an outbox batch and its ledger rows repeats it into the same files") {
    Fixture f;
    certcron::delivery::OutboxDelivery outbox(f.t.dir / "outbox");
    CrashBeforeRecord crashing(f.t.store);
    CheckOptions options;
    options.now = instant("2026-03-01T02:00:00Z");
    auto crashed = run_expiry_check(crashing, outbox, f.config, f.utc, options);
    REQUIRE_FALSE(crashed.has_value());
    CHECK(crashed.error().message.find("could not record") != std::string::npos);
    const auto written = folder_names(outbox.folder());
    CHECK(written.size() == 4);
    CHECK(f.ledger() == 0);

    auto again = run_expiry_check(f.t.store, outbox, f.config, f.utc, options);
    REQUIRE(again.has_value());
    CHECK(again->reminders_sent == 4);
    CHECK(folder_names(outbox.folder()) == written);  // replaced, not added
    CHECK(f.ledger("outcome = 'sent'") == 4);
  }

  TEST_CASE("the first run sends the most urgent reminder of each certification in the window") {
    Fixture f;
    auto result = f.run("2026-03-01T02:00:00Z");
    CHECK(f.sent_thresholds() == "C:expired B:7 F:30 A:30 ");
    // Every certification and mentor on record was checked, most with nothing due.
    CHECK(result.certifications_checked == 6);
    CHECK(result.mentors_checked == 5);
    CHECK(result.reminders_sent == 4);
    CHECK(result.errors == 0);
    CHECK(f.ledger("outcome = 'sent'") == 4);
    CHECK(f.ledger("outcome = 'superseded'") == 4);  // B's 30; C's 30, 7, 1
    CHECK(f.ledger("run_seq = " + std::to_string(f.own_run())) == 8);
    CHECK(f.t.count("SELECT count(*) FROM reminder_ledger l JOIN certifications c ON c.id = "
                    "l.certification_id WHERE c.certification IN ('D', 'E')") == 0);
  }

  TEST_CASE("a second run at the same time sends nothing") {
    Fixture f;
    f.run("2026-03-01T02:00:00Z");
    f.delivery.delivered.clear();
    auto again = f.run("2026-03-01T02:30:00Z");
    CHECK(f.delivery.delivered.empty());
    CHECK(again.reminders_sent == 0);
    CHECK(again.certifications_checked == 6);
    CHECK(f.ledger() == 8);
  }

  TEST_CASE("superseded thresholds are never sent later; the next threshold is") {
    Fixture f;
    f.run("2026-03-01T02:00:00Z");
    f.delivery.delivered.clear();
    CHECK(f.run("2026-03-02T02:00:00Z").reminders_sent == 0);  // B at 4 days: 7 already sent
    f.run("2026-03-05T02:00:00Z");
    CHECK(f.sent_thresholds() == "B:1 ");
    f.run("2026-03-07T02:00:00Z");
    CHECK(f.sent_thresholds() == "B:expired ");
    f.run("2026-03-13T02:00:00Z");
    CHECK(f.sent_thresholds() == "F:7 ");
  }

  TEST_CASE("a renewed certification starts afresh with its new expiry date") {
    Fixture f;
    f.run("2026-03-01T02:00:00Z");
    f.delivery.delivered.clear();
    REQUIRE(import_text(f.t.store, std::string(kHeader) + "m1,Ana,ana@example.org,B,2026-03-30\n")
                .has_value());
    auto result = f.run("2026-03-02T02:00:00Z");
    CHECK(f.sent_thresholds() == "B:30 ");
    CHECK(result.reminders_sent == 1);
    CHECK(f.t.count("SELECT count(DISTINCT l.expires_on) FROM reminder_ledger l JOIN "
                    "certifications c ON c.id = l.certification_id WHERE c.certification = 'B'") ==
          2);
  }

  TEST_CASE("after the expired window a certification is left alone") {
    Fixture f;
    auto result = f.run("2026-03-30T02:00:00Z");  // C expired 31 days ago
    CHECK(f.sent_thresholds().find("C:") == std::string::npos);
    CHECK(result.reminders_sent == 3);  // A (1 day), B and F (expired 24 and 10 days ago)
  }

  TEST_CASE("a failed delivery is counted, left out of the ledger, and sent by the next run") {
    Fixture f;
    f.delivery.should_fail = [](const Message& m) { return m.certification == "C"; };
    auto first = f.run("2026-03-01T02:00:00Z");
    CHECK(first.errors == 1);
    CHECK(first.first_error ==
          "to " + f.delivery.failed.front().to_email + ": refused by the test");
    CHECK(first.reminders_sent == 3);
    CHECK(f.sent_thresholds() == "B:7 F:30 A:30 ");  // the failure did not stop the others
    CHECK(f.t.count("SELECT count(*) FROM reminder_ledger l JOIN certifications c ON c.id = "
                    "l.certification_id WHERE c.certification = 'C'") == 0);
    f.delivery.should_fail = nullptr;
    auto retry = f.run("2026-03-01T03:00:00Z");
    CHECK(f.sent_thresholds() == "C:expired ");
    CHECK(retry.errors == 0);
    CHECK(retry.reminders_sent == 1);
    CHECK(f.delivery.failed.front().message_id ==
          make_message_id("m2", "C", "2026-02-27", kExpiredThreshold));
  }

  TEST_CASE("a reminder another running run claimed is left to it, and no watermark is saved until it is delivered") {
    Fixture f;
    const std::int64_t other = running_run(f.t, "other job");
    const ReminderKey c = key_of(f.t, "C", kExpiredThreshold);
    auto held = f.t.store.claim({c}, ClaimHolder{other, instant("2026-03-01T01:59:00Z")});
    REQUIRE(held.has_value());
    REQUIRE(*held == std::vector<bool>{true});

    auto first = f.run("2026-03-01T02:00:00Z");
    CHECK(f.sent_thresholds() == "B:7 F:30 A:30 ");
    CHECK(first.reminders_sent == 3);
    CHECK(first.errors == 0);
    CHECK(f.t.count("SELECT count(*) FROM reminder_watermarks") == 0);

    // The other run's delivery failed: it gives the reminder up, and the next run sends it.
    REQUIRE(f.t.store.release({c}, other).has_value());
    auto second = f.run("2026-03-01T03:00:00Z");
    CHECK(f.sent_thresholds() == "C:expired ");
    CHECK(second.reminders_sent == 1);
    CHECK(f.t.count("SELECT count(*) FROM reminder_watermarks") == 1);
  }

  TEST_CASE("a run's claims end with its deliveries: the sent by their ledger entries, the failed given up") {
    Fixture f;
    const std::int64_t mine = running_run(f.t, "mine");
    f.delivery.should_fail = [](const Message& m) { return m.certification == "C"; };
    auto first = f.run("2026-03-01T02:00:00Z", false, mine);
    CHECK(first.reminders_sent == 3);
    CHECK(first.errors == 1);
    CHECK(f.t.count("SELECT count(*) FROM reminder_claims") == 0);
    // Given up while its run is still running: another run may deliver it at once.
    const std::int64_t next = running_run(f.t, "next");
    f.delivery.should_fail = nullptr;
    f.sent_thresholds();
    f.run("2026-03-01T02:30:00Z", false, next);
    CHECK(f.sent_thresholds() == "C:expired ");
  }

  TEST_CASE("each ledger entry is committed before the next delivery starts") {
    Fixture f;
    SQLite::Database observer(f.t.file.string(), SQLite::OPEN_READONLY);
    bool in_step = true;
    f.delivery.before_each = [&](const Message&) {
      const auto recorded =
          observer.execAndGet("SELECT count(*) FROM reminder_ledger WHERE outcome = 'sent'")
              .getInt64();
      in_step = in_step && recorded == static_cast<std::int64_t>(f.delivery.delivered.size());
    };
    f.run("2026-03-01T02:00:00Z");
    CHECK(f.delivery.delivered.size() == 4);
    CHECK(in_step);
  }

  TEST_CASE("a dry run computes the same reminders and leaves the database byte-identical") {
    Fixture f;
    f.t.db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const auto before = testing::read_bytes(f.t.file);
    const auto wal_before = testing::read_bytes(f.t.file.string() + "-wal");
    std::vector<std::string> events;
    CheckOptions options;
    options.now = instant("2026-03-01T02:00:00Z");
    options.dry_run = true;
    options.on_event = [&](const CheckEvent& e) {
      CHECK(e.kind == CheckEvent::Kind::due);
      events.push_back(e.certification.certification + ": " + e.decision.reason);
    };
    auto result = run_expiry_check(f.t.store, f.delivery, f.config, f.utc, options);
    REQUIRE(result.has_value());
    CHECK(result->reminders_sent == 4);
    CHECK(result->certifications_checked == 6);
    CHECK(f.delivery.delivered.empty());
    CHECK(f.ledger() == 0);
    CHECK(testing::read_bytes(f.t.file) == before);
    CHECK(testing::read_bytes(f.t.file.string() + "-wal") == wal_before);
    REQUIRE(events.size() == 4);
    CHECK(events[1] ==
          "B: expires in 5 days: crossed the 7-day threshold (30-day reminder never "
          "sent, now skipped)");
    // The real run afterwards still sends everything.
    CHECK(f.run("2026-03-01T02:00:00Z").reminders_sent == 4);
  }

  TEST_CASE("`due` lists reminders with their reasons and records nothing") {
    Fixture f;
    f.run("2026-03-01T02:00:00Z");
    std::vector<std::string> lines;
    auto result = list_due(
        f.t.store, f.config, f.utc, instant("2026-03-05T09:00:00Z"), [&](const DueReminder& due) {
          lines.push_back(due.certification.mentor_id + " " + due.certification.certification +
                          " " + due.message.subject + " | " + due.decision.reason);
        });
    REQUIRE(result.has_value());
    CHECK(result->reminders_sent == 1);
    REQUIRE(lines.size() == 1);
    CHECK(
        lines[0].starts_with("m1 B Your B certification expires on 2026-03-06 | expires "
                             "tomorrow: crossed the 1-day threshold (30-day reminder skipped "
                             "2026-03-01; 7-day reminder sent 2026-03-01)"));
    CHECK(f.ledger() == 8);
  }

  TEST_CASE("the same instant reminds by each zone's own calendar date") {
    const std::string file = std::string(kHeader) + "m1,Ana,ana@example.org,X,2026-03-10\n";
    ReminderConfig config;
    config.thresholds_days = {1, 0};
    for (const auto& [name, expected] :
         {std::pair{"Pacific/Auckland", 0}, std::pair{"America/Los_Angeles", 1}}) {
      CAPTURE(name);
      TestDatabase t;
      REQUIRE(import_text(t.store, file).has_value());
      RecordingDelivery delivery;
      CheckOptions options;
      options.now = instant("2026-03-09T12:00:00Z");
      auto result = run_expiry_check(t.store, delivery, config, zone(name), options);
      REQUIRE(result.has_value());
      REQUIRE(delivery.delivered.size() == 1);
      CHECK(delivery.delivered[0].threshold == expected);
      CHECK(delivery.delivered[0].days_left == expected);
    }
  }

  TEST_CASE("an instant expiry near midnight is found through the widened UTC range") {
    // 23:30 UTC on 31 March is 12:30 on 1 April in Auckland: 30 days after 2 March there.
    TestDatabase t;
    REQUIRE(import_text(t.store,
                        std::string(kHeader) + "m1,Ana,ana@example.org,X,2026-03-31T23:30:00Z\n")
                .has_value());
    RecordingDelivery delivery;
    CheckOptions options;
    options.now = instant("2026-03-01T12:00:00Z");  // 2 March 01:00 in Auckland
    auto result =
        run_expiry_check(t.store, delivery, ReminderConfig{}, zone("Pacific/Auckland"), options);
    REQUIRE(result.has_value());
    REQUIRE(delivery.delivered.size() == 1);
    CHECK(delivery.delivered[0].threshold == 30);
    CHECK(delivery.delivered[0].expires_on == "2026-04-01");
  }

  TEST_CASE("an unknown placeholder stops the run before anything is sent") {
    Fixture f;
    f.config.subject = "Hi {nmae}";
    CheckOptions options;
    options.now = instant("2026-03-01T02:00:00Z");
    auto result = run_expiry_check(f.t.store, f.delivery, f.config, f.utc, options);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == certcron::ErrorKind::validation);
    CHECK(f.delivery.delivered.empty());
  }

  TEST_CASE("progress ends with every candidate read and every reminder counted") {
    Fixture f;
    std::vector<CheckProgress> seen;
    CheckOptions options;
    options.now = instant("2026-03-01T02:00:00Z");
    options.progress = [&](const CheckProgress& p) { seen.push_back(p); };
    REQUIRE(run_expiry_check(f.t.store, f.delivery, f.config, f.utc, options).has_value());
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().candidates == 4);  // A B C F: D and E are outside every band
    CHECK(seen.back().reminders_sent == 4);
  }
}
