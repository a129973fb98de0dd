#include "web/html.hpp"
#include "web/pages.hpp"
#include "web/when.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>

namespace certcron::web {
namespace {

Seconds at(const char* text) { return *util::parse_rfc3339(text); }

const Seconds kNow = at("2026-03-26T10:00:00Z");
constexpr const char* kHostile = "<script>alert(\"x\")</script> & 'quoted' <img src=x onerror=y>";
constexpr const char* kHostileEscaped =
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; &lt;img src=x "
    "onerror=y&gt;";

JobDetails job_named(std::string name, std::int64_t seq = 1) {
  JobDetails details;
  details.job.seq = seq;
  details.job.uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
  details.job.definition.name = std::move(name);
  details.job.definition.cron_expression = "0 2 * * *";
  details.job.definition.server_timezone = "Europe/Brussels";
  details.job.created_at = at("2026-03-01T00:00:00Z");
  details.job.updated_at = at("2026-03-01T00:00:00Z");
  details.human_readable_cron_expression = "At 02:00";
  details.next_run_at = at("2026-03-27T01:00:00Z");
  return details;
}

Run run_of(std::int64_t seq, RunStatus status, Seconds started) {
  Run run;
  run.seq = seq;
  run.job_seq = 1;
  run.status = status;
  run.started_at = started;
  if (status != RunStatus::running) {
    run.completed_at = started + std::chrono::seconds(42);
    run.result = RunResult{40, 41, 2, status == RunStatus::success ? 0 : 1, ""};
  }
  return run;
}

StatusOverview overview_of(std::vector<JobDetails> jobs) {
  StatusOverview board;
  for (JobDetails& details : jobs) {
    board.rows.push_back(StatusRow{std::move(details), {}, 0});
  }
  board.total_jobs = static_cast<std::int64_t>(board.rows.size());
  return board;
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("web.pages") {
  TEST_CASE("escape_html replaces the five special characters and drops control characters") {
    CHECK(escape_html(kHostile) == kHostileEscaped);
    CHECK(escape_html("a\x01" "b\x7f" "c\td\ne") == "abc\td\ne");
    CHECK(escape_html("café ✓") == "café ✓");  // UTF-8 passes through
  }

  // Found by tests/e2e/test_http_abuse.sh: a ping's failure_message of %FF%FE made a job's
  // page invalid UTF-8.
  TEST_CASE("escape_html shows each sequence that is not UTF-8 as U+FFFD") {
    CHECK(escape_html("a\xff\xfe b") == "a\uFFFD\uFFFD b");
    CHECK(escape_html("cut \xe2\x82") == "cut \uFFFD");            // one maximal start
    CHECK(escape_html("\xc0\xae \xed\xa0\x80") == "\uFFFD\uFFFD \uFFFD\uFFFD\uFFFD");  // overlong, surrogate
    CHECK(escape_html("\xf0\x9f\x98\x80<") == "\U0001F600&lt;");
  }

  TEST_CASE("a hostile name and description are escaped on the overview, never markup") {
    JobDetails details = job_named(kHostile);
    details.job.definition.description = "a \"description\" & <b>bold</b>";
    const std::string page = render_overview(overview_of({details}), StatusLimits{}, kNow);
    CHECK(contains(page, kHostileEscaped));
    CHECK(contains(page, "a &quot;description&quot; &amp; &lt;b&gt;bold&lt;/b&gt;"));
    CHECK_FALSE(contains(page, "<script"));
    CHECK_FALSE(contains(page, "<img"));
    CHECK_FALSE(contains(page, "<b>"));
  }

  TEST_CASE("a hostile job is escaped everywhere on its page: title, runs, flips and pings") {
    JobStatus status{job_named(kHostile), {}, 1, {}, {}};
    status.details.job.definition.description = kHostile;
    Run failed = run_of(7, RunStatus::failed, at("2026-03-26T02:00:00Z"));
    failed.error_message = kHostile;
    status.runs.push_back(failed);
    Flip flip;
    flip.at = at("2026-03-26T02:01:00Z");
    flip.to = MonitorState::failed;
    flip.reason = kHostile;
    flip.alert = AlertStatus::pending;
    flip.attempts = 2;
    flip.alert_error = kHostile;
    status.flips.push_back(flip);
    Ping ping;
    ping.at = at("2026-03-26T02:00:30Z");
    ping.kind = PingKind::failed;
    ping.message = kHostile;
    ping.remote = "<127.0.0.1>";
    status.pings.push_back(ping);
    const std::string page = render_job_page(status, kNow, "http://127.0.0.1:8080");
    CHECK_FALSE(contains(page, "<script"));
    CHECK_FALSE(contains(page, "<img"));
    CHECK(contains(page, std::string("<title>") + kHostileEscaped + " · certcron</title>"));
    CHECK(contains(page, "&lt;127.0.0.1&gt;"));
    CHECK(contains(page, "pending (2 tries: "));
  }

  TEST_CASE("every latest result has its badge: the seed's label in words on its colour") {
    struct Case {
      std::optional<LatestResult> result;
      const char* badge;
    };
    const std::array cases{
        Case{std::nullopt, R"(<span class="badge grey" title="latest result: none yet">pending</span>)"},
        Case{LatestResult::ping_finished, R"(<span class="badge green" title="latest result: pingFinished">ok</span>)"},
        Case{LatestResult::ping_starting, R"(<span class="badge blue" title="latest result: pingStarting">running</span>)"},
        Case{LatestResult::ping_failed, R"(<span class="badge red" title="latest result: pingFailed">failed</span>)"},
        Case{LatestResult::check_failed, R"(<span class="badge red" title="latest result: checkFailed">failed</span>)"},
        Case{LatestResult::check_ran_too_late, R"(<span class="badge orange" title="latest result: checkRanTooLate">late</span>)"},
        Case{LatestResult::sent_not_on_time_notification, R"(<span class="badge orange" title="latest result: sentCronNotExutedOnTimeNotification">notified</span>)"},
        Case{LatestResult::sent_ping_failed_notification, R"(<span class="badge red" title="latest result: sentPingFailedNotification">notified</span>)"},
        Case{LatestResult::cron_check_changed, R"(<span class="badge grey" title="latest result: cronCheckChanged">changed</span>)"},
    };
    for (const Case& c : cases) {
      JobDetails details = job_named("nightly");
      details.job.latest_result = c.result;
      CAPTURE(c.badge);
      const std::string overview = render_overview(overview_of({details}), StatusLimits{}, kNow);
      CHECK(contains(overview, c.badge));
      const std::string page = render_job_page(JobStatus{details, {}, 0, {}, {}}, kNow, "http://h");
      CHECK(contains(page, c.badge));
    }
  }

  TEST_CASE("a snooze in force is shown as such, an ended one is not; a disabled job says so") {
    JobDetails snoozed = job_named("snoozed");
    snoozed.job.latest_result = LatestResult::check_ran_too_late;
    snoozed.job.snooze = Snooze{at("2026-03-26T12:00:00Z"), 120};
    JobDetails ended = job_named("ended", 2);
    ended.job.snooze = Snooze{at("2026-03-26T09:00:00Z"), 60};
    JobDetails disabled = job_named("disabled", 3);
    disabled.job.definition.enabled = false;
    disabled.next_run_at.reset();
    const std::string page =
        render_overview(overview_of({snoozed, ended, disabled}), StatusLimits{}, kNow);
    CHECK(contains(page, "snoozed until <time datetime=\"2026-03-26T12:00:00Z\">2026-03-26 12:00 "
                         "UTC</time>"));
    CHECK(contains(page, "; 1 snoozed</p>"));
    CHECK_FALSE(contains(page, "2026-03-26T09:00:00Z"));
    CHECK(contains(page, R"(<span class="chip disabled">disabled</span>)"));
    CHECK(contains(page, "none (disabled)"));
    CHECK(contains(page, "3 jobs: 1 late, 2 pending"));
  }

  TEST_CASE("the strip draws the runs oldest first, each with its status, and says them in words") {
    StatusOverview board = overview_of({job_named("nightly")});
    board.rows[0].recent_runs = {run_of(3, RunStatus::running, at("2026-03-26T09:00:00Z")),
                                 run_of(2, RunStatus::failed, at("2026-03-25T02:00:00Z")),
                                 run_of(1, RunStatus::success, at("2026-03-24T02:00:00Z"))};
    const std::string page = render_overview(board, StatusLimits{}, kNow);
    const auto first = page.find("run-0001 success");
    const auto second = page.find("run-0002 failed");
    const auto third = page.find("run-0003 running");
    REQUIRE(first != std::string::npos);
    CHECK(first < second);
    CHECK(second < third);
    CHECK(contains(page, R"(aria-label="last 3 runs, oldest first: 1 success, 1 failed, 1 running")"));
    CHECK(contains(page, R"(<span class="mark red failed")"));
    StatusLimits two;
    two.strip_runs = 2;
    CHECK_FALSE(contains(render_overview(board, two, kNow), "run-0001"));
  }

  TEST_CASE("the overview's row: schedule with description and zone, last run counts, next run") {
    StatusOverview board = overview_of({job_named("nightly")});
    board.rows[0].details.last_run = run_of(5, RunStatus::success, at("2026-03-26T02:00:00Z"));
    const std::string page = render_overview(board, StatusLimits{}, kNow);
    CHECK(contains(page, "<code>0 2 * * *</code><div class=\"muted\">At 02:00 · Europe/Brussels"));
    CHECK(contains(page, "40 checked · 2 sent · 0 errors"));
    CHECK(contains(page, "8 hours ago"));
    CHECK(contains(page, "in 15 hours"));
    CHECK(contains(page, R"(<a href="/jobs/cron-001">nightly</a>)"));
    CHECK(contains(page, "<caption>"));
    CHECK(contains(page, R"(<th scope="row">)"));
    CHECK(contains(page, R"(<th scope="col">Job</th>)"));
  }

  TEST_CASE("a bounded overview says how many jobs it leaves out; an empty one says how to start") {
    StatusOverview board = overview_of({job_named("a"), job_named("b", 2)});
    board.total_jobs = 250;
    CHECK(contains(render_overview(board, StatusLimits{}, kNow), "Showing the first 2 of 250 jobs"));
    const std::string empty = render_overview(StatusOverview{}, StatusLimits{}, kNow);
    CHECK(contains(empty, "No jobs yet."));
    CHECK_FALSE(contains(empty, "Showing the first"));
  }

  TEST_CASE("pages load nothing from elsewhere and run no script") {
    JobStatus status{job_named("nightly"), {}, 0, {}, {}};
    for (const std::string& page :
         {render_overview(overview_of({job_named("nightly")}), StatusLimits{}, kNow),
          render_job_page(status, kNow, "http://127.0.0.1:8080"), render_login_page("/", true),
          render_message_page("Not found", "No job x")}) {
      CHECK(page.starts_with("<!doctype html>"));
      CHECK(contains(page, R"(<meta name="viewport" content="width=device-width, initial-scale=1">)"));
      CHECK_FALSE(contains(page, "<script"));
      CHECK_FALSE(contains(page, "<link"));
      CHECK_FALSE(contains(page, " src="));
      CHECK(contains(page, "forced-colors:active"));
    }
  }

  TEST_CASE("a job's page gives copy-pasteable curl lines for both ping dialects") {
    JobStatus status{job_named("nightly"), {}, 0, {}, {}};
    const std::string page = render_job_page(status, kNow, "http://127.0.0.1:8080");
    const std::string url = "http://127.0.0.1:8080/ping/0f8fad5b-d9cb-469f-a165-70867728950e";
    CHECK(contains(page, "curl -fsS -m 10 -X POST " + url + "/starting\n"));
    CHECK(contains(page, "curl -fsS -m 10 -X POST " + url + "/finished -d exit_code=0"));
    CHECK(contains(page, "curl -fsS -m 10 -X POST " + url + "/failed -d exit_code=1 "
                         "--data-urlencode &#39;failure_message=what went wrong&#39;"));
    CHECK(contains(page, "curl -fsS -m 10 &quot;" + url + "/start?rid=$rid&quot;"));
    CHECK(contains(page, "curl -fsS -m 10 &quot;" + url + "/$status?rid=$rid&quot;"));
    CHECK(contains(page, "No runs yet."));
    CHECK(contains(page, "No state changes yet."));
    CHECK(contains(page, "No pings yet."));
  }

  TEST_CASE("the login form returns to the page it was asked for, escaped") {
    const std::string page = render_login_page("/jobs/a\"b", true);
    CHECK(contains(page, R"(name="next" value="/jobs/a&quot;b")"));
    CHECK(contains(page, "That token is not this server's."));
    CHECK(contains(page, R"(type="password")"));
  }

  TEST_CASE("times: readable UTC, relative to now, durations") {
    CHECK(readable_utc(at("2026-03-26T10:00:00Z")) == "2026-03-26 10:00 UTC");
    CHECK(readable_utc(at("2026-03-26T10:00:07Z")) == "2026-03-26 10:00:07 UTC");
    CHECK(relative_to(at("2026-03-26T09:59:30Z"), kNow) == "just now");
    CHECK(relative_to(at("2026-03-26T09:55:00Z"), kNow) == "5 minutes ago");
    CHECK(relative_to(at("2026-03-26T09:59:00Z"), kNow) == "1 minute ago");
    CHECK(relative_to(at("2026-03-26T13:00:00Z"), kNow) == "in 3 hours");
    CHECK(relative_to(at("2026-03-23T10:00:00Z"), kNow) == "3 days ago");
    CHECK(duration_text(std::chrono::seconds(42)) == "42 s");
    CHECK(duration_text(std::chrono::seconds(185)) == "3 min 5 s");
    CHECK(duration_text(std::chrono::seconds(7380)) == "2 h 3 min");
    CHECK(duration_text(std::chrono::seconds(3 * 86400 + 4 * 3600)) == "3 d 4 h");
  }
}

}  // namespace certcron::web
