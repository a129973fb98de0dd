#include "app/app.hpp"

#include "core/reminders/import.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace certcron::app {
namespace {

// Every message delivered, by any thread; each delivery takes a while, so that a run started
// beside another is still delivering when the other reads what is due.
struct SlowDelivery final : reminders::Delivery {
  std::mutex& mutex;
  std::vector<std::string>& delivered;
  SlowDelivery(std::mutex& m, std::vector<std::string>& d) : mutex(m), delivered(d) {}

  Result<void> deliver(const reminders::Message& message) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard lock(mutex);
    delivered.push_back(message.message_id);
    return {};
  }
};

struct AppFolder {
  std::string folder;
  Settings settings;

  AppFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "certcron-app.XXXXXX").string();
    folder = mkdtemp(pattern.data());
    settings.db_path = folder + "/certcron.db";
    settings.state_dir = folder + "/state";
    settings.default_timezone = "UTC";
    settings.crontab.file = folder + "/cron.d-certcron";
    settings.crontab.binary = "/usr/bin/certcron";
  }
  ~AppFolder() { std::filesystem::remove_all(folder); }
};

}  // namespace

TEST_SUITE("app") {
  // Found by tests/e2e/test_soak.sh with an execute loop per job: both runs read the same
  // reminders as due before either recorded one, and every reminder went out twice.
  TEST_CASE("runs of two jobs at once deliver each due reminder once") {
    AppFolder where;
    FixedClock clock{*util::parse_rfc3339("2026-03-26T10:00:00Z")};
    auto first = App::open(where.settings, clock);
    REQUIRE(first);
    auto second = App::open(where.settings, clock);
    REQUIRE(second);
    const std::string csv =
        "mentor_id,name,email,certification,expires_at\n"
        "m30,Ann,ann@example.org,First Aid,2026-04-25\n"
        "m7,Bob,bob@example.org,CPR,2026-04-02\n"
        "m1,Cy,cy@example.org,Lifeguard,2026-03-27\n";
    auto imported = reminders::import_certifications((*first)->reminder_store(), [&] {
      return Result<std::unique_ptr<std::istream>>(std::make_unique<std::istringstream>(csv));
    });
    REQUIRE(imported);
    for (const char* name : {"one", "two"}) {
      CreateJobRequest job;
      job.name = name;
      job.cron_expression = "0 2 * * *";
      REQUIRE((*first)->create_job(job));
    }
    ExecuteRequest request_one;
    request_one.job = "one";
    ExecuteRequest request_two;
    request_two.job = "two";
    auto run_one = (*first)->runs().claim(request_one);
    auto run_two = (*second)->runs().claim(request_two);
    REQUIRE(run_one);
    REQUIRE(run_two);
    REQUIRE(run_one->run);
    REQUIRE(run_two->run);

    std::mutex mutex;
    std::vector<std::string> delivered;
    std::latch start(2);
    const auto complete = [&](App& app, const Run& run) {
      SlowDelivery delivery(mutex, delivered);
      start.arrive_and_wait();
      return app.complete(run, delivery);
    };
    Result<Run> one = fail(Error::failed("not run"));
    std::thread other([&] { one = complete(**first, *run_one->run); });
    auto two = complete(**second, *run_two->run);
    other.join();
    REQUIRE(one);
    REQUIRE(two);
    CHECK(one->status == RunStatus::success);
    CHECK(two->status == RunStatus::success);
    CHECK(delivered.size() == 3);
    CHECK(one->result->reminders_sent + two->result->reminders_sent == 3);
  }
}

}  // namespace certcron::app
