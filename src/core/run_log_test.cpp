#include "core/run_log.hpp"

#include "core/reminders/message.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

namespace certcron {
namespace {

Seconds at(const char* text) { return *util::parse_rfc3339(text); }

Run finished_run() {
  Run run;
  run.seq = 89;
  run.job_seq = 1;
  run.trigger = RunTrigger::schedule;
  run.scheduled_for = at("2026-03-26T02:00:00Z");
  run.started_at = at("2026-03-26T02:00:30Z");
  run.completed_at = at("2026-03-26T02:00:31Z");
  run.status = RunStatus::success;
  run.result = RunResult{7, 9, 4, 0, ""};
  return run;
}

}  // namespace

TEST_SUITE("core.run_log") {
  TEST_CASE("a line holds the time, job, run, trigger, slot, status, counts and duration") {
    const Run run = finished_run();
    CHECK(format_run_log_line({run, "nightly", std::chrono::milliseconds{1234}}) ==
          "2026-03-26T02:00:31Z job=cron-001 name=nightly run=run-0089 trigger=schedule "
          "slot=2026-03-26T02:00:00Z status=success dry_run=false mentors_checked=7 "
          "reminders_sent=4 errors=0 duration_ms=1234\n");
  }

  TEST_CASE("a manual dry run has no slot; a failed run says why; a gone job has no name") {
    Run run = finished_run();
    run.trigger = RunTrigger::manual;
    run.scheduled_for.reset();
    run.dry_run = true;
    run.status = RunStatus::failed;
    run.result = RunResult{3, 3, 1, 2, "x"};
    run.error_message = "2 reminder(s) could not be delivered; the next run retries them";
    CHECK(format_run_log_line({run, "", std::chrono::milliseconds{5}}) ==
          "2026-03-26T02:00:31Z job=cron-001 name=- run=run-0089 trigger=manual slot=- "
          "status=failed dry_run=true mentors_checked=3 reminders_sent=1 errors=2 duration_ms=5 "
          "error=\"2 reminder(s) could not be delivered; the next run retries them\"\n");
  }

  TEST_CASE("a run without a result (the check could not run) counts zeros") {
    Run run = finished_run();
    run.result.reset();
    run.status = RunStatus::failed;
    run.error_message = "job cron-001 was deleted before its run";
    const std::string line = format_run_log_line({run, "nightly", {}});
    CHECK(line.find(" mentors_checked=0 reminders_sent=0 errors=0 duration_ms=0 error=\"job "
                    "cron-001 was deleted before its run\"\n") != std::string::npos);
  }

  TEST_CASE("values are quoted and escaped so that a line stays one line") {
    CHECK(run_log_value("nightly_expiry_check") == "nightly_expiry_check");
    CHECK(run_log_value("Zo\xC3\xAB") == "Zo\xC3\xAB");
    CHECK(run_log_value("") == "\"\"");
    CHECK(run_log_value("two words") == "\"two words\"");
    CHECK(run_log_value("a=b") == "\"a=b\"");
    CHECK(run_log_value("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    CHECK(run_log_value("line\nbreak\r\ttab") == "\"line\\nbreak\\r\\ttab\"");
    CHECK(run_log_value("bell\x07" "del\x7F") == "\"bell\\u0007del\\u007f\"");
    CHECK(run_log_value("c1\xC2\x9B") == "\"c1\\u009b\"");
    CHECK(run_log_value("caf\xE9!") == "\"caf\\xe9!\"");
    const Run run = finished_run();
    const std::string line = format_run_log_line({run, "evil\nname", {}});
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(line.find(" name=\"evil\\nname\" ") != std::string::npos);
  }

  TEST_CASE("detail adds the counts per threshold and the first failures") {
    RunLogDetail detail;
    reminders::Certification certification;
    certification.mentor_id = "m7";
    certification.certification = "CPR";
    reminders::Message message;
    const auto event = [&](reminders::CheckEvent::Kind kind, int threshold, std::string error) {
      reminders::Decision decision;
      decision.threshold = threshold;
      detail.record(reminders::CheckEvent{kind, certification, decision, message, std::move(error)});
    };
    event(reminders::CheckEvent::Kind::sent, 30, "");
    event(reminders::CheckEvent::Kind::sent, 30, "");
    event(reminders::CheckEvent::Kind::sent, reminders::kExpiredThreshold, "");
    for (int i = 0; i < 7; ++i) {
      event(reminders::CheckEvent::Kind::failed, 7, "the command exited with status " +
                                                        std::to_string(i));
    }
    Run run = finished_run();
    const std::string line = format_run_log_line({run, "nightly", {}, &detail});
    CHECK(line.find(" duration_ms=0 sent_30=2 failed_7=7 sent_expired=1 failures=\"m7 CPR (7): "
                    "the command exited with status 0; m7 CPR (7): the command exited with "
                    "status 1; ") != std::string::npos);
    CHECK(line.find("status 4; and 2 more\"\n") != std::string::npos);
    CHECK(line.find("status 5") == std::string::npos);
  }

  TEST_CASE("a dry run's detail counts what is due") {
    RunLogDetail detail;
    reminders::Certification certification;
    reminders::Message message;
    reminders::Decision decision;
    decision.threshold = 1;
    detail.record(reminders::CheckEvent{reminders::CheckEvent::Kind::due, certification, decision,
                                        message, ""});
    const Run run = finished_run();
    CHECK(format_run_log_line({run, "nightly", {}, &detail}).ends_with(" duration_ms=0 due_1=1\n"));
  }
}

}  // namespace certcron
