#include "http/router.hpp"

#include <doctest/doctest.h>

namespace certcron::http {

TEST_CASE("http.router: captures, literal segments before captures, and 405's Allow list") {
  Router<int> router;
  router.add("GET", "/jobs", 1);
  router.add("POST", "/jobs", 2);
  router.add("GET", "/jobs/:id", 3);
  router.add("PUT", "/jobs/:id", 4);
  router.add("POST", "/jobs/sync", 5);
  router.add("GET", "/jobs/:id/runs", 6);

  SUBCASE("a capture holds its segment") {
    auto match = router.match("GET", "/jobs/cron-001/runs");
    REQUIRE(match.action != nullptr);
    CHECK(*match.action == 6);
    CHECK(match.captures.at("id") == "cron-001");
  }
  SUBCASE("a literal route beats a capture of the same length") {
    auto match = router.match("POST", "/jobs/sync");
    REQUIRE(match.action != nullptr);
    CHECK(*match.action == 5);
    CHECK(match.allowed == std::vector<std::string>{"POST"});
  }
  SUBCASE("a known path with another method lists what it allows") {
    auto match = router.match("DELETE", "/jobs/cron-001");
    CHECK(match.action == nullptr);
    CHECK(match.allowed == std::vector<std::string>{"GET", "PUT"});
  }
  SUBCASE("an encoded slash stays inside its capture") {
    auto match = router.match("GET", "/jobs/reports%2Fweekly%20a");
    REQUIRE(match.action != nullptr);
    CHECK(*match.action == 3);
    CHECK(match.captures.at("id") == "reports/weekly a");
    auto runs = router.match("GET", "/jobs/x%2Fruns");
    REQUIRE(runs.action != nullptr);
    CHECK(*runs.action == 3);  // the job "x/runs", not the runs of "x"
  }
  SUBCASE("HEAD is answered by the GET route") {
    auto match = router.match("HEAD", "/jobs");
    REQUIRE(match.action != nullptr);
    CHECK(*match.action == 1);
  }
  SUBCASE("an unknown path allows nothing; trailing slashes do not matter") {
    CHECK(router.match("GET", "/nope").allowed.empty());
    CHECK(router.match("GET", "/jobs/cron-001/runs/extra").allowed.empty());
    auto match = router.match("GET", "/jobs/");
    REQUIRE(match.action != nullptr);
    CHECK(*match.action == 1);
  }
}

}  // namespace certcron::http
