#pragma once

// Reading jobs, runs, flips and pings from a row, for both adapters: `R` is any row with
// is_null, int64, integer and text by column index (store::Row for SQLite, pg::Row for
// PostgreSQL). The columns are in the order of each adapter's column lists (kJobColumns,
// kRunColumns, kFlipColumns, kPingColumns), instants as epoch seconds and booleans as 0 and 1,
// read from column `first` on so that one row can carry a job and its run.

#include "core/flip.hpp"
#include "core/job.hpp"
#include "core/ping_store.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace certcron::store::mapping {

inline Seconds to_seconds(std::int64_t value) { return Seconds{std::chrono::seconds{value}}; }
inline std::int64_t from_seconds(Seconds value) { return value.time_since_epoch().count(); }

template <class R>
std::optional<Seconds> optional_seconds(const R& row, int index) {
  if (row.is_null(index)) {
    return std::nullopt;
  }
  return to_seconds(row.int64(index));
}

// seq, name, description, type, cron_expression, frequency_in_minutes, grace_time_in_minutes,
// server_timezone, enabled, uuid, created_at, updated_at, latest_result, latest_ping_at,
// snooze_ends_at, snooze_minutes, max_runtime_in_minutes, catch_up
inline constexpr int kJobColumnCount = 18;

template <class R>
Job read_job(const R& row, int first = 0) {
  auto at = [first](int index) { return first + index; };
  Job job;
  job.seq = row.int64(at(0));
  JobDefinition& def = job.definition;
  def.name = row.text(at(1));
  def.description = row.text(at(2));
  def.type = row.text(at(3)) == "simple" ? ScheduleType::simple : ScheduleType::cron;
  def.cron_expression = row.text(at(4));          // "" when NULL
  def.frequency_in_minutes = row.integer(at(5));  // 0 when NULL
  def.grace_time_in_minutes = row.integer(at(6));
  def.server_timezone = row.text(at(7));
  def.enabled = row.integer(at(8)) != 0;
  job.uuid = row.text(at(9));
  job.created_at = to_seconds(row.int64(at(10)));
  job.updated_at = to_seconds(row.int64(at(11)));
  if (!row.is_null(at(12))) {
    job.latest_result = parse_latest_result(row.text(at(12)));
  }
  job.latest_ping_at = optional_seconds(row, at(13));
  if (!row.is_null(at(14))) {
    job.snooze = Snooze{to_seconds(row.int64(at(14))), row.integer(at(15))};
  }
  if (!row.is_null(at(16))) {
    def.max_runtime_in_minutes = row.integer(at(16));
  }
  def.catch_up = row.integer(at(17)) != 0;
  return job;
}

// seq, job_seq, trigger, scheduled_for, started_at, completed_at, status, dry_run, pid,
// mentors_checked, certifications_checked, reminders_sent, errors, error_message, pid_start,
// owner, lease_until
inline constexpr int kRunColumnCount = 17;

template <class R>
Run read_run(const R& row, int first = 0) {
  auto at = [first](int index) { return first + index; };
  Run run;
  run.seq = row.int64(at(0));
  run.job_seq = row.int64(at(1));
  run.trigger = parse_run_trigger(row.text(at(2))).value_or(RunTrigger::manual);
  run.scheduled_for = optional_seconds(row, at(3));
  run.started_at = to_seconds(row.int64(at(4)));
  run.completed_at = optional_seconds(row, at(5));
  run.status = parse_run_status(row.text(at(6))).value_or(RunStatus::failed);
  run.dry_run = row.integer(at(7)) != 0;
  run.pid = row.int64(at(8));
  if (!row.is_null(at(9))) {
    run.result = RunResult{row.int64(at(9)), row.int64(at(10)), row.int64(at(11)),
                           row.int64(at(12)), {}};
  }
  run.error_message = row.text(at(13));
  run.pid_start = row.int64(at(14));
  run.owner = row.text(at(15));
  run.lease_until = optional_seconds(row, at(16));
  return run;
}

// seq, job_seq, at, from_state, to_state, reason, slot, run_seq, alert, attempts,
// alert_error, alerted_at
template <class R>
Flip read_flip(const R& row) {
  Flip flip;
  flip.seq = row.int64(0);
  flip.job_seq = row.int64(1);
  flip.at = to_seconds(row.int64(2));
  flip.from = parse_monitor_state(row.text(3)).value_or(MonitorState::up);
  flip.to = parse_monitor_state(row.text(4)).value_or(MonitorState::up);
  flip.reason = row.text(5);
  flip.slot = optional_seconds(row, 6);
  if (!row.is_null(7)) {
    flip.run_seq = row.int64(7);
  }
  flip.alert = parse_alert_status(row.text(8)).value_or(AlertStatus::none);
  flip.attempts = row.integer(9);
  flip.alert_error = row.text(10);
  flip.alerted_at = optional_seconds(row, 11);
  return flip;
}

// seq, job_seq, at, kind, exit_code, runtime_ms, message, body, rid, source, remote
template <class R>
Ping read_ping(const R& row) {
  Ping ping;
  ping.seq = row.int64(0);
  ping.job_seq = row.int64(1);
  ping.at = to_seconds(row.int64(2));
  ping.kind = parse_ping_kind(row.text(3)).value_or(PingKind::log);
  if (!row.is_null(4)) {
    ping.exit_code = row.integer(4);
  }
  if (!row.is_null(5)) {
    ping.runtime_ms = row.int64(5);
  }
  ping.message = row.text(6);
  ping.body = row.text(7);
  ping.rid = row.text(8);
  ping.source = row.text(9) == "http" ? PingSource::http : PingSource::cli;
  ping.remote = row.text(10);
  return ping;
}

}  // namespace certcron::store::mapping
