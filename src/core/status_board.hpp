#pragma once

// What the status pages show, read through the services: every job (bounded) with its newest
// runs for the overview, and one job with its runs, flips and pings for its own page. Read
// only; the pages render what this returns.

#include "core/error.hpp"
#include "core/flip.hpp"
#include "core/job_service.hpp"
#include "core/ping_service.hpp"
#include "core/store.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace certcron {

// One job of the overview, with its newest runs (newest first) for the strip of marks.
struct StatusRow {
  JobDetails details;
  std::vector<Run> recent_runs;
  std::int64_t run_count = 0;  // all of the job's runs
};

struct StatusOverview {
  std::vector<StatusRow> rows;  // in id order, at most the limit asked for
  std::int64_t total_jobs = 0;  // how many jobs there are; more than rows when bounded
};

// One job's page.
struct JobStatus {
  JobDetails details;
  std::vector<Run> runs;  // newest first
  std::int64_t run_count = 0;
  std::vector<Flip> flips;  // newest first
  std::vector<Ping> pings;  // newest first
};

struct StatusLimits {
  int jobs = 200;         // the overview's first jobs, in id order
  int strip_runs = 30;    // runs per job on the overview
  int runs = 20;          // on a job's page
  int flips = 10;
  int pings = 10;
};

class StatusBoard {
 public:
  StatusBoard(JobStore& store, JobService& jobs, PingService& pings, StatusLimits limits = {})
      : store_(store), jobs_(jobs), pings_(pings), limits_(limits) {}

  const StatusLimits& limits() const { return limits_; }

  Result<StatusOverview> overview();
  // ErrorKind::not_found for an id or name no job has.
  Result<JobStatus> job(std::string_view id_or_name);

 private:
  JobStore& store_;
  JobService& jobs_;
  PingService& pings_;
  StatusLimits limits_;
};

}  // namespace certcron
