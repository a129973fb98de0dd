#include "store/database.hpp"
#include "store/job_store.hpp"
#include "store/old_schema_test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace certcron::store {
namespace {

struct TempDatabase {
  std::string folder;
  std::string path;
  TempDatabase() {
    std::string pattern = (std::filesystem::temp_directory_path() / "certcron-store.XXXXXX").string();
    folder = mkdtemp(pattern.data());
    path = folder + "/sub/certcron.db";
  }
  ~TempDatabase() { std::filesystem::remove_all(folder); }
};

// A store on a new database, migrated to the latest version.
struct OpenStore {
  TempDatabase temp;
  std::unique_ptr<SQLite::Database> db;
  std::unique_ptr<SqliteJobStore> job_store;
  OpenStore() {
    auto opened = open_database(temp.path);
    REQUIRE(opened);
    db = std::move(*opened);
    job_store = std::make_unique<SqliteJobStore>(*db, temp.path);
  }
  SqliteJobStore& store() { return *job_store; }
};

JobDefinition daily(const std::string& name) {
  JobDefinition definition;
  definition.name = name;
  definition.cron_expression = "0 2 * * *";
  definition.server_timezone = "UTC";
  return definition;
}

Seconds at(std::int64_t seconds) { return Seconds{std::chrono::seconds{seconds}}; }

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("a new database is created with its folder and migrated to the latest version") {
    TempDatabase temp;
    auto db = open_database(temp.path);
    REQUIRE(db);
    CHECK((*db)->execAndGet("PRAGMA user_version").getInt() == latest_schema_version());
    CHECK((*db)->execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK((*db)->execAndGet("PRAGMA foreign_keys").getInt() == 1);
  }

  TEST_CASE("a new database, its WAL files and the folder made for it are its owner's only") {
    TempDatabase temp;
    const mode_t old_mask = ::umask(022);  // the usual umask, which leaves files 0644
    auto db = open_database(temp.path);
    ::umask(old_mask);
    REQUIRE(db);
    (*db)->exec("CREATE TABLE probe(x); INSERT INTO probe VALUES (1)");  // writes the WAL
    namespace fs = std::filesystem;
    auto mode = [](const std::string& path) {
      return fs::status(path).permissions() & fs::perms::all;
    };
    CHECK(mode(temp.folder + "/sub") == fs::perms::owner_all);
    const auto owner_rw = fs::perms::owner_read | fs::perms::owner_write;
    CHECK(mode(temp.path) == owner_rw);
    REQUIRE(fs::exists(temp.path + "-wal"));
    CHECK(mode(temp.path + "-wal") == owner_rw);
    CHECK(mode(temp.path + "-shm") == owner_rw);
  }

  TEST_CASE("an existing database file and folder keep the modes an administrator gave them") {
    TempDatabase temp;
    namespace fs = std::filesystem;
    fs::create_directories(temp.folder + "/sub");
    fs::permissions(temp.folder + "/sub", fs::perms::owner_all | fs::perms::group_read |
                                              fs::perms::group_exec);
    {
      SQLite::Database created(temp.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    }
    const auto shared = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read;
    fs::permissions(temp.path, shared);
    auto db = open_database(temp.path);
    REQUIRE(db);
    CHECK((fs::status(temp.path).permissions() & fs::perms::all) == shared);
    CHECK((fs::status(temp.folder + "/sub").permissions() & fs::perms::all) ==
          (fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec));
  }

  TEST_CASE("migrations apply step by step: version 1 first, then the rest on the next open") {
    TempDatabase temp;
    {
      auto db = open_database_at_version(temp.path, 1);
      REQUIRE(db);
      CHECK((*db)->execAndGet("PRAGMA user_version").getInt() == 1);
      CHECK((*db)->tableExists("jobs"));
      CHECK_FALSE((*db)->tableExists("certifications"));
      testing::insert_version1_job(**db, "kept", "0d210b09-0000-4000-8000-000000000001");
    }
    auto db = open_database(temp.path);
    REQUIRE(db);
    CHECK((*db)->execAndGet("PRAGMA user_version").getInt() == latest_schema_version());
    CHECK((*db)->tableExists("certifications"));
    SqliteJobStore store(**db, temp.path);
    auto kept = store.find_job("kept");
    REQUIRE(kept);
    CHECK(kept->has_value());
  }

  TEST_CASE("step 5 gives existing jobs catch-up and no runtime limit, and an empty flip log") {
    TempDatabase temp;
    std::int64_t job_seq = 0;
    {
      auto db = open_database_at_version(temp.path, 4);
      REQUIRE(db);
      job_seq = testing::insert_version1_job(**db, "kept", "0d210b09-0000-4000-8000-000000000001");
      CHECK_FALSE((*db)->tableExists("flips"));
    }
    auto db = open_database(temp.path);
    REQUIRE(db);
    SqliteJobStore store(**db, temp.path);
    auto kept = store.find_job_by_seq(job_seq);
    REQUIRE(kept);
    REQUIRE(kept->has_value());
    CHECK((*kept)->definition.catch_up);
    CHECK_FALSE((*kept)->definition.max_runtime_in_minutes);
    auto latest = store.latest_flip(job_seq);
    REQUIRE(latest);
    CHECK_FALSE(latest->has_value());
  }

  TEST_CASE("max_runtime_in_minutes and catch_up are stored, changed and cleared") {
    TempDatabase temp;
    auto db = open_database(temp.path);
    REQUIRE(db);
    SqliteJobStore store(**db, temp.path);
    JobDefinition definition = daily("limited");
    definition.max_runtime_in_minutes = 45;
    definition.catch_up = false;
    auto job = store.insert_job(definition, at(1));
    REQUIRE(job);
    CHECK(job->definition.max_runtime_in_minutes == 45);
    CHECK_FALSE(job->definition.catch_up);
    definition.max_runtime_in_minutes.reset();
    definition.catch_up = true;
    REQUIRE(store.update_definition(job->seq, definition, at(2), std::nullopt));
    auto changed = store.find_job_by_seq(job->seq);
    REQUIRE(changed);
    CHECK_FALSE((*changed)->definition.max_runtime_in_minutes);
    CHECK((*changed)->definition.catch_up);
  }

  TEST_CASE("flips: the newest is the state, pending alerts are found oldest first") {
    TempDatabase temp;
    auto db = open_database(temp.path);
    REQUIRE(db);
    SqliteJobStore store(**db, temp.path);
    auto job = store.insert_job(daily("flipping"), at(1));
    REQUIRE(job);
    Flip late;
    late.job_seq = job->seq;
    late.at = at(10);
    late.to = MonitorState::late;
    late.reason = "no run";
    late.slot = at(5);
    auto first = store.insert_flip(late);
    REQUIRE(first);
    Flip up = late;
    up.from = MonitorState::late;
    up.to = MonitorState::up;
    up.at = at(20);
    up.slot.reset();
    up.run_seq = 7;
    up.alert = AlertStatus::none;
    REQUIRE(store.insert_flip(up));
    auto latest = store.latest_flip(job->seq);
    REQUIRE(latest);
    REQUIRE(latest->has_value());
    CHECK((*latest)->to == MonitorState::up);
    CHECK((*latest)->run_seq == 7);
    auto pending = store.pending_alerts();
    REQUIRE(pending);
    REQUIRE(pending->size() == 1);
    CHECK((*pending)[0].seq == first->seq);
    CHECK((*pending)[0].slot == at(5));
    Flip sent = (*pending)[0];
    sent.alert = AlertStatus::sent;
    sent.attempts = 2;
    sent.alerted_at = at(30);
    REQUIRE(store.update_alert(sent));
    CHECK(store.pending_alerts()->empty());
    auto recent = store.recent_flips(job->seq, 10);
    REQUIRE(recent);
    REQUIRE(recent->size() == 2);
    CHECK((*recent)[1].alert == AlertStatus::sent);
    CHECK((*recent)[1].attempts == 2);
    CHECK((*recent)[1].alerted_at == at(30));
    REQUIRE(store.delete_job(job->seq));
    CHECK(store.recent_flips(job->seq, 10)->empty());
  }

  TEST_CASE("step 3 keeps runs recorded before it, with no process start time") {
    TempDatabase temp;
    std::int64_t job_seq = 0;
    {
      auto db = open_database_at_version(temp.path, 2);
      REQUIRE(db);
      job_seq = testing::insert_version1_job(**db, "kept", "0d210b09-0000-4000-8000-000000000001");
      (*db)->exec("INSERT INTO runs (job_seq, trigger, started_at, status, dry_run, pid) VALUES (" +
                  std::to_string(job_seq) + ", 'manual', 200, 'running', 0, 4242)");
    }
    auto db = open_database(temp.path);
    REQUIRE(db);
    CHECK((*db)->execAndGet("PRAGMA user_version").getInt() == latest_schema_version());
    SqliteJobStore store(**db, temp.path);
    auto old = store.running_run(job_seq);
    REQUIRE(old);
    REQUIRE(old->has_value());
    CHECK((*old)->pid == 4242);
    CHECK((*old)->pid_start == 0);
    Run later;
    later.job_seq = job_seq;
    later.started_at = at(300);
    later.status = RunStatus::success;
    later.pid = 4243;
    later.pid_start = 987654;
    auto inserted = store.insert_run(later);
    REQUIRE(inserted);
    CHECK((*store.find_run(inserted->seq))->pid_start == 987654);
  }

  TEST_CASE("a database from a newer certcron is refused, not guessed at") {
    TempDatabase temp;
    {
      auto db = open_database(temp.path);
      REQUIRE(db);
      (*db)->exec("PRAGMA user_version = 99");
    }
    auto db = open_database(temp.path);
    REQUIRE_FALSE(db);
    CHECK(db.error().message.find("newer than this certcron supports") != std::string::npos);
  }

  TEST_CASE("job ids come from a sequence that never reuses a deleted id") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    auto first = store.insert_job(daily("a"), at(1));
    auto second = store.insert_job(daily("b"), at(2));
    REQUIRE(first);
    REQUIRE(second);
    CHECK(second->id() == "cron-002");
    REQUIRE(store.delete_job(second->seq));
    auto third = store.insert_job(daily("c"), at(3));
    REQUIRE(third);
    CHECK(third->id() == "cron-003");
  }

  TEST_CASE("a duplicate name is a validation error on the name field") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    REQUIRE(store.insert_job(daily("same"), at(1)));
    auto again = store.insert_job(daily("same"), at(2));
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::validation);
    CHECK(again.error().fields.count("name") == 1);
  }

  TEST_CASE("the database allows one running run per job and names the holder") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    auto job = store.insert_job(daily("a"), at(1));
    REQUIRE(job);
    Run run;
    run.job_seq = job->seq;
    run.started_at = at(10);
    run.pid = 4242;
    auto first = store.insert_run(run);
    REQUIRE(first);
    auto second = store.insert_run(run);
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::conflict);
    CHECK(second.error().message.find(first->id()) != std::string::npos);
    first->status = RunStatus::success;
    first->completed_at = at(20);
    REQUIRE(store.update_run(*first));
    CHECK(store.insert_run(run));
  }

  TEST_CASE("a scheduled slot gets one run, dry runs do not take it") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    auto job = store.insert_job(daily("a"), at(1));
    REQUIRE(job);
    Run run;
    run.job_seq = job->seq;
    run.trigger = RunTrigger::schedule;
    run.scheduled_for = at(7200);
    run.started_at = at(7201);
    run.status = RunStatus::success;
    run.dry_run = true;
    REQUIRE(store.insert_run(run));
    CHECK_FALSE(*store.has_run_for_slot(job->seq, at(7200)));
    run.dry_run = false;
    REQUIRE(store.insert_run(run));
    CHECK(*store.has_run_for_slot(job->seq, at(7200)));
    auto again = store.insert_run(run);
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::conflict);
  }

  TEST_CASE("runs are listed newest first with a status filter and a total") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    auto job = store.insert_job(daily("a"), at(1));
    REQUIRE(job);
    for (int i = 0; i < 5; ++i) {
      Run run;
      run.job_seq = job->seq;
      run.started_at = at(100 + i);
      run.status = i % 2 == 0 ? RunStatus::success : RunStatus::failed;
      REQUIRE(store.insert_run(run));
    }
    auto page = store.list_runs(job->seq, std::nullopt, PageRequest{1, 2});
    REQUIRE(page);
    CHECK(page->total == 5);
    REQUIRE(page->items.size() == 2);
    CHECK(page->items[0].id() == "run-0005");
    auto failed = store.list_runs(job->seq, RunStatus::failed, PageRequest{1, 20});
    REQUIRE(failed);
    CHECK(failed->total == 2);
    CHECK(failed->items[0].id() == "run-0004");
  }

  TEST_CASE("a page of jobs carries each job's newest run, none for a job never run, and the filter's total") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    auto busy = store.insert_job(daily("busy"), at(1));
    auto idle = store.insert_job(daily("idle"), at(1));
    auto once = store.insert_job(daily("once"), at(1));
    JobDefinition off = daily("off");
    off.enabled = false;
    auto disabled = store.insert_job(off, at(1));
    REQUIRE((busy && idle && once && disabled));
    std::int64_t busy_last = 0;
    std::int64_t once_last = 0;
    // Interleaved, so the newest run of a job is not simply the newest run overall.
    for (int i = 0; i < 4; ++i) {
      Run run;
      run.job_seq = i == 2 ? once->seq : busy->seq;
      run.started_at = at(100 + i);
      run.status = RunStatus::success;
      auto inserted = store.insert_run(run);
      REQUIRE(inserted);
      (i == 2 ? once_last : busy_last) = inserted->seq;
    }
    auto page = store.list_jobs(JobStatusFilter::any, PageRequest{1, 20});
    REQUIRE(page);
    CHECK(page->total == 4);
    REQUIRE(page->items.size() == 4);
    CHECK(page->items[0].job.definition.name == "busy");
    REQUIRE(page->items[0].last_run);
    CHECK(page->items[0].last_run->seq == busy_last);
    CHECK(page->items[0].last_run->job_seq == busy->seq);
    CHECK_FALSE(page->items[1].last_run);
    REQUIRE(page->items[2].last_run);
    CHECK(page->items[2].last_run->seq == once_last);
    for (const JobWithLastRun& item : page->items) {
      auto one = store.last_run(item.job.seq);
      REQUIRE(one);
      CHECK(one->has_value() == item.last_run.has_value());
    }
    // The total counts what the filter matches, not the page.
    auto first = store.list_jobs(JobStatusFilter::active, PageRequest{1, 2});
    REQUIRE(first);
    CHECK(first->total == 3);
    REQUIRE(first->items.size() == 2);
    CHECK(first->items[1].job.definition.name == "idle");
    auto second = store.list_jobs(JobStatusFilter::active, PageRequest{2, 2});
    REQUIRE(second);
    CHECK(second->total == 3);
    REQUIRE(second->items.size() == 1);
    CHECK(second->items[0].job.definition.name == "once");
    auto off_only = store.list_jobs(JobStatusFilter::disabled, PageRequest{1, 20});
    REQUIRE(off_only);
    CHECK(off_only->total == 1);
    REQUIRE(off_only->items.size() == 1);
    CHECK(off_only->items[0].job.definition.name == "off");
  }

  TEST_CASE("a job with its last run comes back from one query, as find_job and last_run give them") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    auto busy = store.insert_job(daily("busy"), at(1));
    auto idle = store.insert_job(daily("idle"), at(1));
    auto other = store.insert_job(daily("other"), at(1));
    REQUIRE((busy && idle && other));
    // Interleaved with another job's runs, so the newest run of a job is not the newest run.
    for (int i = 0; i < 4; ++i) {
      Run run;
      run.job_seq = i == 3 ? other->seq : busy->seq;
      run.started_at = at(100 + i);
      run.completed_at = at(200 + i);
      run.status = i == 2 ? RunStatus::failed : RunStatus::success;
      run.result = RunResult{1, 2, 3, 4, {}};
      run.error_message = "error " + std::to_string(i);
      auto inserted = store.insert_run(run);
      REQUIRE(inserted);
      REQUIRE(store.update_run(*inserted));  // the counts are written when a run ends
    }
    for (const std::string& key : {busy->id(), std::string("busy"), idle->id(),
                                   std::string("idle"), other->id()}) {
      CAPTURE(key);
      auto both = store.find_job_with_last_run(key);
      REQUIRE(both);
      REQUIRE(both->has_value());
      auto job = store.find_job(key);
      REQUIRE(job);
      REQUIRE(job->has_value());
      const Job& joined_job = (*both)->job;
      CHECK(joined_job.seq == (*job)->seq);
      CHECK(joined_job.uuid == (*job)->uuid);
      CHECK(joined_job.definition.name == (*job)->definition.name);
      CHECK(joined_job.definition.cron_expression == (*job)->definition.cron_expression);
      CHECK(joined_job.definition.catch_up == (*job)->definition.catch_up);
      CHECK(joined_job.created_at == (*job)->created_at);
      auto last = store.last_run((*both)->job.seq);
      REQUIRE(last);
      REQUIRE((*both)->last_run.has_value() == last->has_value());
      if (*last) {
        const Run& joined = *(*both)->last_run;
        CHECK(joined.seq == (*last)->seq);
        CHECK(joined.job_seq == (*last)->job_seq);
        CHECK(joined.status == (*last)->status);
        CHECK(joined.started_at == (*last)->started_at);
        CHECK(joined.completed_at == (*last)->completed_at);
        CHECK(joined.error_message == (*last)->error_message);
        REQUIRE(joined.result);
        CHECK(joined.result->mentors_checked == 1);
        CHECK(joined.result->errors == 4);
      }
    }
    auto busy_both = store.find_job_with_last_run("busy");
    REQUIRE((busy_both && *busy_both && (*busy_both)->last_run));
    CHECK((*busy_both)->last_run->error_message == "error 2");
    CHECK_FALSE((*store.find_job_with_last_run("idle"))->last_run.has_value());
    auto missing = store.find_job_with_last_run("nobody");
    REQUIRE(missing);
    CHECK_FALSE(missing->has_value());
  }

  TEST_CASE("a read transaction gives its work's result and leaves the store writable") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    REQUIRE(store.insert_job(daily("a"), at(1)));
    std::int64_t total = 0;
    auto read = store.in_read_transaction([&]() -> Result<void> {
      auto page = store.list_jobs(JobStatusFilter::any, PageRequest{1, 20});
      if (!page) {
        return fail(page.error());
      }
      total = page->total;
      return {};
    });
    CHECK(read);
    CHECK(total == 1);
    auto refused = store.in_read_transaction([]() -> Result<void> {
      return fail(Error::failed("stopped"));
    });
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == "stopped");
    CHECK(store.insert_job(daily("b"), at(2)));
  }

  TEST_CASE("deleting a job deletes its runs") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    auto job = store.insert_job(daily("a"), at(1));
    REQUIRE(job);
    Run run;
    run.job_seq = job->seq;
    run.started_at = at(5);
    auto inserted = store.insert_run(run);
    REQUIRE(inserted);
    REQUIRE(store.delete_job(job->seq));
    CHECK_FALSE(store.find_run(inserted->seq)->has_value());
  }

  TEST_CASE("a failed transaction leaves nothing behind") {
    OpenStore open;
    SqliteJobStore& store = open.store();
    auto outcome = store.in_transaction([&]() -> Result<void> {
      REQUIRE(store.insert_job(daily("rolled_back"), at(1)));
      return fail(Error::failed("crontab refused"));
    });
    CHECK_FALSE(outcome);
    CHECK_FALSE(store.find_job("rolled_back")->has_value());
  }
}

}  // namespace certcron::store
