#include "store/migrate_to.hpp"
#include "store/open.hpp"
#include "store/pg/scratch_database_test_support.hpp"
#include "util/time.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace certcron::store {
namespace {

namespace fs = std::filesystem;
using pg::testing::ScratchDatabase;

Seconds at(std::int64_t seconds) { return Seconds{std::chrono::seconds{seconds}}; }
constexpr std::int64_t kT = 1'780'000'000;  // 2026-05-28
constexpr std::int64_t kDay = 86400;

template <class T>
T take(Result<T> result) {
  REQUIRE_MESSAGE(result, (result ? std::string() : result.error().message));
  if constexpr (!std::is_void_v<T>) {
    return std::move(*result);
  }
}

// A SQLite file in a fresh folder, removed when the test ends.
class SqliteFile {
 public:
  SqliteFile() {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("certcron_migrate_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~SqliteFile() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;
  std::string path() const { return (dir_ / "certcron.db").string(); }

 private:
  fs::path dir_;
};

std::int64_t n(Seconds value) { return value.time_since_epoch().count(); }
template <class T>
std::string opt(const std::optional<T>& value) {
  if (!value) {
    return "-";
  }
  if constexpr (std::is_same_v<T, Seconds>) {
    return std::to_string(n(*value));
  } else if constexpr (std::is_enum_v<T>) {
    return std::to_string(static_cast<int>(*value));
  } else {
    return std::to_string(*value);
  }
}

std::string dump(const Job& job) {
  std::ostringstream out;
  const auto& d = job.definition;
  out << job.seq << '|' << job.uuid << '|' << d.name << '|' << d.description << '|'
      << static_cast<int>(d.type) << '|' << d.cron_expression << '|' << d.frequency_in_minutes
      << '|' << d.grace_time_in_minutes << '|' << d.server_timezone << '|' << d.enabled << '|'
      << opt(d.max_runtime_in_minutes) << '|' << d.catch_up << '|' << n(job.created_at) << '|'
      << n(job.updated_at) << '|' << opt(job.latest_result) << '|' << opt(job.latest_ping_at)
      << '|' << (job.snooze ? std::to_string(n(job.snooze->ends_at)) + "/" +
                                  std::to_string(job.snooze->minutes)
                            : "-");
  return out.str();
}

std::string dump(const Run& run) {
  std::ostringstream out;
  out << run.seq << '|' << run.job_seq << '|' << static_cast<int>(run.trigger) << '|'
      << opt(run.scheduled_for) << '|' << n(run.started_at) << '|' << opt(run.completed_at)
      << '|' << static_cast<int>(run.status) << '|' << run.dry_run << '|' << run.pid << '|'
      << run.pid_start << '|' << run.error_message << '|' << run.owner << '|'
      << opt(run.lease_until) << '|';
  if (run.result) {
    out << run.result->mentors_checked << '/' << run.result->certifications_checked << '/'
        << run.result->reminders_sent << '/' << run.result->errors;
  }
  return out.str();
}

std::string dump(const std::optional<Run>& run) { return run ? dump(*run) : "none"; }

std::string dump(const Flip& flip) {
  std::ostringstream out;
  out << flip.seq << '|' << flip.job_seq << '|' << n(flip.at) << '|'
      << static_cast<int>(flip.from) << '|' << static_cast<int>(flip.to) << '|' << flip.reason
      << '|' << opt(flip.slot) << '|' << opt(flip.run_seq) << '|'
      << static_cast<int>(flip.alert) << '|' << flip.attempts << '|' << flip.alert_error << '|'
      << opt(flip.alerted_at);
  return out.str();
}

std::string dump(const Ping& ping) {
  std::ostringstream out;
  out << ping.seq << '|' << ping.job_seq << '|' << n(ping.at) << '|'
      << static_cast<int>(ping.kind) << '|' << opt(ping.exit_code) << '|'
      << opt(ping.runtime_ms) << '|' << ping.message << '|' << ping.body << '|' << ping.rid
      << '|' << static_cast<int>(ping.source) << '|' << ping.remote;
  return out.str();
}

std::string dump(const reminders::LedgerEntry& entry) {
  std::ostringstream out;
  out << entry.certification_id << '|' << entry.expires_on << '|' << entry.threshold << '|'
      << static_cast<int>(entry.outcome) << '|' << n(entry.recorded_at) << '|' << entry.run_seq
      << '|' << entry.message_id;
  return out.str();
}

std::string dump(const reminders::DueCandidate& candidate) {
  const auto& c = candidate.certification;
  std::ostringstream out;
  out << c.id << '|' << c.mentor_key << '|' << c.mentor_id << '|' << c.name << '|' << c.email
      << '|' << c.certification << '|' << c.expires_on << '|' << n(c.expires_at) << " [";
  for (const auto& entry : candidate.ledger) {
    out << dump(entry) << ';';
  }
  out << ']';
  return out.str();
}

std::string dump(const JobWithLastRun& entry) {
  return dump(entry.job) + " last " + dump(entry.last_run);
}

template <class T>
std::string dump_all(const std::vector<T>& items) {
  std::string text;
  for (const auto& item : items) {
    text += dump(item) + "\n";
  }
  return text;
}

// Everything the interfaces tell about a database, as text.
std::string everything(Stores& stores) {
  std::string text;
  auto& jobs = stores.jobs();
  text += "identity " + take(jobs.identity()) + "\n";
  const auto all = take(jobs.all_jobs());
  text += dump_all(all);
  for (auto filter : {JobStatusFilter::any, JobStatusFilter::active, JobStatusFilter::disabled}) {
    const auto page = take(jobs.list_jobs(filter, PageRequest{1, 100}));
    text += "list " + std::to_string(static_cast<int>(filter)) + " total " +
            std::to_string(page.total) + "\n" + dump_all(page.items);
  }
  for (const auto& job : all) {
    text += "job " + job.id() + "\n";
    const auto runs = take(jobs.list_runs(job.seq, std::nullopt, PageRequest{1, 100}));
    text += "runs " + std::to_string(runs.total) + "\n" + dump_all(runs.items);
    for (auto status : {RunStatus::running, RunStatus::success, RunStatus::failed,
                        RunStatus::abandoned}) {
      text += "runs of status " + std::to_string(static_cast<int>(status)) + "\n" +
              dump_all(take(jobs.list_runs(job.seq, status, PageRequest{1, 100})).items);
    }
    for (const auto& run : runs.items) {
      text += "find " + dump(take(jobs.find_run(run.seq))) + "\n";
    }
    text += "running " + dump(take(jobs.running_run(job.seq))) + "\n";
    text += "last " + dump(take(jobs.last_run(job.seq))) + "\n";
    text += "flips\n" + dump_all(take(jobs.recent_flips(job.seq, 100)));
    const auto latest = take(jobs.latest_flip(job.seq));
    text += "latest flip " + (latest ? dump(*latest) : std::string("none")) + "\n";
    const auto pings = take(stores.pings().list_pings(job.seq, PageRequest{1, 100}));
    text += "pings " + std::to_string(pings.total) + "\n" + dump_all(pings.items);
    text += "uuid " + opt(take(stores.pings().job_seq_for_uuid(job.uuid))) + "\n";
    text += "by name " + dump(*take(jobs.find_job_by_name(job.definition.name))) + "\n";
  }
  text += "pending alerts\n" + dump_all(take(jobs.pending_alerts()));

  auto& reminders = stores.reminders();
  const auto counts = take(reminders.counts());
  text += "counts " + std::to_string(counts.mentors) + " " +
          std::to_string(counts.certifications) + " " + std::to_string(counts.data_version) +
          "\n";
  for (const char* policy : {"default", "other"}) {
    const auto mark = take(reminders.watermark(policy));
    text += std::string("watermark ") + policy + " " +
            (mark ? std::to_string(mark->through_day) + "/" + std::to_string(mark->data_version)
                  : std::string("none")) +
            "\n";
  }
  for (int threshold : {30, 7, -1}) {
    const reminders::DueBand band{threshold, at(kT - 400 * kDay), at(kT + 400 * kDay),
                                  at(kT - 401 * kDay), at(kT + 401 * kDay)};
    // In pages of 2, so the cursor is exercised too.
    reminders::CandidateCursor cursor;
    for (;;) {
      const auto page = take(reminders.due_candidates(band, cursor, 2));
      text += "due " + std::to_string(threshold) + "\n" + dump_all(page);
      if (page.size() < 2) {
        break;
      }
      cursor = {page.back().certification.expires_at, page.back().certification.expires_on,
                page.back().certification.id};
    }
  }
  return text;
}

JobDefinition cron_job(const std::string& name) {
  JobDefinition def;
  def.name = name;
  def.description = "nightly check of " + name;
  def.cron_expression = "30 2 * * 1-5";
  def.server_timezone = "Europe/Berlin";
  def.grace_time_in_minutes = 7;
  def.max_runtime_in_minutes = 45;
  return def;
}

Run run_of(std::int64_t job_seq, RunStatus status, std::int64_t started) {
  Run run;
  run.job_seq = job_seq;
  run.trigger = RunTrigger::manual;
  run.started_at = at(started);
  run.status = status;
  run.pid = 4242;
  run.pid_start = 99;
  run.owner = "host-a";
  if (status != RunStatus::running) {
    run.completed_at = at(started + 61);
    run.result = RunResult{12, 345, 6, status == RunStatus::failed ? 2 : 0, ""};
    run.error_message = status == RunStatus::failed ? "webhook answered HTTP 500" : "";
  }
  return run;
}

// A source with every kind of row, and a deleted job (seq 4) whose seq SQLite never reuses.
void fill(const std::string& path) {
  auto stores = take(open_stores(path));
  auto& jobs = stores->jobs();
  auto nightly = take(jobs.insert_job(cron_job("nightly"), at(kT)));
  JobDefinition simple;
  simple.name = "hourly";
  simple.type = ScheduleType::simple;
  simple.frequency_in_minutes = 60;
  simple.server_timezone = "UTC";
  simple.catch_up = false;
  auto hourly = take(jobs.insert_job(simple, at(kT + 5)));
  auto disabled_def = cron_job("paused \"quoted\" name, with ünïcode");
  disabled_def.enabled = false;
  disabled_def.max_runtime_in_minutes.reset();
  auto disabled = take(jobs.insert_job(disabled_def, at(kT + 9)));
  auto gone = take(jobs.insert_job(cron_job("gone"), at(kT + 10)));
  take(jobs.set_snooze(hourly.seq, Snooze{at(kT + 3600), 60}));
  take(jobs.record_monitoring(nightly.seq, LatestResult::ping_finished, at(kT + 100)));
  take(jobs.update_definition(disabled.seq, disabled_def, at(kT + 200), std::nullopt));

  take(jobs.insert_run(run_of(nightly.seq, RunStatus::success, kT + 1000)));
  take(jobs.insert_run(run_of(nightly.seq, RunStatus::failed, kT + 2000)));
  take(jobs.insert_run(run_of(nightly.seq, RunStatus::abandoned, kT + 3000)));
  auto slot = run_of(nightly.seq, RunStatus::success, kT + 4000);
  slot.trigger = RunTrigger::schedule;
  slot.scheduled_for = at(kT + 3990);
  take(jobs.insert_run(slot));
  auto dry = run_of(hourly.seq, RunStatus::success, kT + 4100);
  dry.dry_run = true;
  dry.trigger = RunTrigger::api;
  dry.scheduled_for = at(kT + 3990);
  take(jobs.insert_run(dry));
  auto leased = run_of(nightly.seq, RunStatus::running, kT + 5000);
  leased.trigger = RunTrigger::catch_up;
  leased.owner = "certcron-k8s-job-28712";
  leased.lease_until = at(kT + 5900);
  take(jobs.insert_run(leased));
  take(jobs.insert_run(run_of(gone.seq, RunStatus::success, kT + 5100)));

  Ping ping;
  ping.job_seq = hourly.seq;
  ping.at = at(kT + 50);
  ping.kind = PingKind::starting;
  ping.rid = "r-1";
  ping.source = PingSource::http;
  ping.remote = "10.0.0.7";
  ping.body = std::string("line one\nline two\t'quoted'");
  take(stores->pings().insert_ping(ping, 1000));
  ping.at = at(kT + 70);
  ping.kind = PingKind::failed;
  ping.exit_code = 3;
  ping.runtime_ms = 20'500;
  ping.message = "disk full";
  take(stores->pings().insert_ping(ping, 1000));

  Flip late;
  late.job_seq = nightly.seq;
  late.at = at(kT + 600);
  late.from = MonitorState::up;
  late.to = MonitorState::late;
  late.reason = "no run for the 02:30 slot";
  late.slot = at(kT + 500);
  late.alert = AlertStatus::pending;
  auto first = take(jobs.insert_flip(late));
  first.alert = AlertStatus::sent;
  first.attempts = 2;
  first.alert_error = "timeout once";
  first.alerted_at = at(kT + 660);
  take(jobs.update_alert(first));
  Flip failed = late;
  failed.at = at(kT + 2100);
  failed.from = MonitorState::late;
  failed.to = MonitorState::failed;
  failed.slot.reset();
  failed.run_seq = 2;
  failed.reason = "run-0002 failed";
  take(jobs.insert_flip(failed));

  take(jobs.delete_job(gone.seq));  // SQLite never hands its seq out again

  std::vector<reminders::CertificationRow> rows;
  for (int i = 0; i < 7; ++i) {
    const std::string mentor = "m" + std::to_string(i % 3);
    const std::chrono::sys_days date{std::chrono::days{kT / kDay + 10 * i}};
    if (i % 2 == 0) {
      rows.push_back({mentor, "Mentor " + mentor, mentor + "@example.org",
                      "cert-" + std::to_string(i), util::format_date(date), Seconds{date},
                      i == 0 ? "2024-01-01" : ""});
    } else {
      const auto instant = at(kT + 10 * i * kDay + 7200);
      rows.push_back({mentor, "Mentor " + mentor, mentor + "@example.org",
                      "cert-" + std::to_string(i), util::format_rfc3339(instant), instant,
                      ""});
    }
  }
  take(stores->reminders().upsert(rows));
  auto due = take(stores->reminders().due_candidates(
      reminders::DueBand{30, at(kT - kDay), at(kT + 400 * kDay), at(kT - kDay),
                         at(kT + 400 * kDay)},
      reminders::CandidateCursor{}, 100));
  REQUIRE(due.size() == 7);
  take(stores->reminders().record(
      {{due[0].certification.id, due[0].certification.expires_on, 30,
        reminders::LedgerOutcome::sent, at(kT + 300), 1, "<a@certcron>"},
       {due[0].certification.id, due[0].certification.expires_on, 60,
        reminders::LedgerOutcome::superseded, at(kT + 300), 1, ""},
       {due[1].certification.id, due[1].certification.expires_on, -1,
        reminders::LedgerOutcome::sent, at(kT + 400), 0, "<b@certcron>"}}));
  take(stores->reminders().save_watermark("default", reminders::Watermark{20'600, 1}));
}

std::int64_t pg_rows(const std::string& url, const std::string& table) {
  auto connection = pg::testing::connect(url);
  return connection->query("SELECT count(*) FROM " + table)[0].int64(0);
}

bool pg_has_table(const std::string& url, const std::string& table) {
  auto connection = pg::testing::connect(url);
  return !connection->query("SELECT to_regclass($1)", pg::Params().add(table))[0].is_null(0);
}

}  // namespace

TEST_SUITE("store.pg.migrate_to") {
  TEST_CASE("a SQLite database reads the same through PostgreSQL after migrate-to") {
    const auto server = pg::testing::test_server();
    if (!server) {
      return;
    }
    SqliteFile source;
    fill(source.path());
    ScratchDatabase target(*server);
    std::vector<std::string> progressed;
    auto report = take(copy_sqlite_to_postgresql(
        source.path(), target.url(),
        [&](const std::string& table, std::int64_t, std::int64_t) {
          if (progressed.empty() || progressed.back() != table) {
            progressed.push_back(table);
          }
        }));
    CHECK(progressed.size() >= 7);
    REQUIRE(report.tables.size() == 9);
    CHECK(report.tables[0].table == "jobs");
    CHECK(report.tables[0].rows == 3);
    CHECK(report.tables[1].rows == 6);  // the deleted job's run went with it
    CHECK(report.tables[5].rows == 7);
    CHECK(report.tables[6].rows == 3);

    auto sqlite = take(open_stores(source.path()));
    auto postgres = take(open_stores(target.url()));
    CHECK(report.identity == take(sqlite->jobs().identity()));
    const auto expected = everything(*sqlite);
    CHECK(expected.find("certcron-k8s-job-28712") != std::string::npos);
    CHECK(everything(*postgres) == expected);

    // New rows continue the numbering, after the deleted job's seq too.
    auto next_sqlite = take(sqlite->jobs().insert_job(cron_job("new"), at(kT + 9000)));
    auto next_pg = take(postgres->jobs().insert_job(cron_job("new"), at(kT + 9000)));
    CHECK(next_pg.seq == 5);
    CHECK(next_pg.seq == next_sqlite.seq);
    auto run_sqlite = take(sqlite->jobs().insert_run(run_of(next_sqlite.seq, RunStatus::running, kT)));
    auto run_pg = take(postgres->jobs().insert_run(run_of(next_pg.seq, RunStatus::running, kT)));
    CHECK(run_pg.seq == run_sqlite.seq);
    const std::vector<reminders::CertificationRow> more{
        {"m9", "Mentor 9", "m9@example.org", "cert-new", "2027-01-01",
         Seconds{std::chrono::sys_days{std::chrono::days{20819}}}, ""}};
    take(sqlite->reminders().upsert(more));
    take(postgres->reminders().upsert(more));
    // The new jobs differ in their (random) uuid only.
    auto after = everything(*postgres);
    for (auto at_uuid = after.find(next_pg.uuid); at_uuid != std::string::npos;
         at_uuid = after.find(next_pg.uuid)) {
      after.replace(at_uuid, next_pg.uuid.size(), next_sqlite.uuid);
    }
    CHECK(after == everything(*sqlite));
  }

  TEST_CASE("a target whose certcron schema holds no data is taken, and takes the identity") {
    const auto server = pg::testing::test_server();
    if (!server) {
      return;
    }
    SqliteFile source;
    fill(source.path());
    ScratchDatabase target(*server);
    {
      auto opened = take(open_stores(target.url()));  // schema, an identity, a watermark
      take(opened->reminders().save_watermark("default", reminders::Watermark{1, 1}));
    }
    auto report = take(copy_sqlite_to_postgresql(source.path(), target.url()));
    auto sqlite = take(open_stores(source.path()));
    auto postgres = take(open_stores(target.url()));
    CHECK(take(postgres->jobs().identity()) == take(sqlite->jobs().identity()));
    CHECK(everything(*postgres) == everything(*sqlite));
  }

  TEST_CASE("a target with data is refused and left unchanged") {
    const auto server = pg::testing::test_server();
    if (!server) {
      return;
    }
    SqliteFile source;
    fill(source.path());
    ScratchDatabase target(*server);
    std::string before;
    {
      auto opened = take(open_stores(target.url()));
      take(opened->jobs().insert_job(cron_job("already-here"), at(kT)));
      before = everything(*opened);
    }
    auto refused = copy_sqlite_to_postgresql(source.path(), target.url());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
    CHECK(refused.error().message.find("1 jobs") != std::string::npos);
    CHECK(refused.error().message.find("nothing was changed") != std::string::npos);
    auto opened = take(open_stores(target.url()));
    CHECK(everything(*opened) == before);

    // A second migration into a migrated database is refused the same way.
    ScratchDatabase second(*server);
    take(copy_sqlite_to_postgresql(source.path(), second.url()));
    auto again = copy_sqlite_to_postgresql(source.path(), second.url());
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::usage);
    CHECK(pg_rows(second.url(), "jobs") == 3);
  }

  TEST_CASE("a row the target refuses half-way leaves it as it was, without a schema") {
    const auto server = pg::testing::test_server();
    if (!server) {
      return;
    }
    SqliteFile source;
    fill(source.path());
    {
      // A ledger entry past SQLite's CHECK, which PostgreSQL's same CHECK refuses: jobs,
      // runs, pings, flips, mentors and certifications are copied before it.
      SQLite::Database raw(source.path(), SQLite::OPEN_READWRITE);
      raw.exec("PRAGMA ignore_check_constraints = ON");
      raw.exec("INSERT INTO reminder_ledger (certification_id, expires_on, threshold, outcome, "
               "recorded_at) SELECT id, expires_on, 14, 'lost', 0 FROM certifications LIMIT 1");
    }
    ScratchDatabase target(*server);
    auto failed = copy_sqlite_to_postgresql(source.path(), target.url());
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message.find("nothing was copied") != std::string::npos);
    for (const char* table : {"certcron_meta", "jobs", "runs", "mentors", "certifications",
                              "reminder_ledger"}) {
      CHECK_MESSAGE(!pg_has_table(target.url(), table), table);
    }

    // Into an existing empty schema: that schema stays as it was, with no rows.
    ScratchDatabase with_schema(*server);
    std::string identity;
    {
      auto opened = take(open_stores(with_schema.url()));
      identity = take(opened->jobs().identity());
    }
    REQUIRE_FALSE(copy_sqlite_to_postgresql(source.path(), with_schema.url()));
    for (const char* table : {"jobs", "runs", "pings", "flips", "mentors", "certifications",
                              "reminder_ledger", "reminder_watermarks"}) {
      CHECK_MESSAGE(pg_rows(with_schema.url(), table) == 0, table);
    }
    auto opened = take(open_stores(with_schema.url()));
    CHECK(take(opened->jobs().identity()) == identity);
  }

  TEST_CASE("a missing source or an unreachable target is an error naming no password") {
    const auto server = pg::testing::test_server();
    if (!server) {
      return;
    }
    auto missing = copy_sqlite_to_postgresql("/nonexistent/certcron.db", *server);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().kind == ErrorKind::not_found);
    SqliteFile source;
    fill(source.path());
    auto unreachable = copy_sqlite_to_postgresql(
        source.path(), "postgresql://someone:s3cret@127.0.0.1:1/nowhere?connect_timeout=2");
    REQUIRE_FALSE(unreachable);
    CHECK(unreachable.error().message.find("s3cret") == std::string::npos);
  }
}

}  // namespace certcron::store
