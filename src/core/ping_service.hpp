#pragma once

// Pings: a wrapper or script reports that a job's run started, finished or failed, from
// `certcron ping` or the HTTP ping routes (Oh Dear's and healthchecks.io's dialects). Each
// ping is kept (a bounded history per job) and moves the job's monitoring state, in one
// transaction.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/ping_store.hpp"
#include "core/store.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace certcron {

struct PingRequest {
  PingKind kind = PingKind::finished;
  std::optional<int> exit_code;        // 0..255; non-zero makes a finished ping a failure
  std::optional<double> runtime;       // seconds
  std::string message;
  std::string body;
  std::string rid;
  PingSource source = PingSource::cli;
  std::string remote;
};

inline constexpr std::size_t kMaxPingMessageBytes = 1000;
inline constexpr std::size_t kMaxRidLength = 128;
inline constexpr double kMaxRuntimeSeconds = 366.0 * 24 * 3600;

// The request's own fields (exit_code, runtime, rid), in the seed's validation shape.
Result<void> validate_ping(const PingRequest& request);

class PingService {
 public:
  PingService(JobStore& jobs, PingStore& pings, const Clock& clock)
      : jobs_(jobs), pings_(pings), clock_(clock) {}

  // By the job's uuid (the ping URL's secret). ErrorKind::not_found, and nothing recorded,
  // for a uuid no job has.
  Result<Ping> record_for_uuid(std::string_view uuid, const PingRequest& request);
  // By the job's id or name (the CLI).
  Result<Ping> record(std::string_view id_or_name, const PingRequest& request);
  // The job's ping history, newest first.
  Result<Page<Ping>> history(std::string_view id_or_name, PageRequest page);
  // The newest `count` pings of one job (for `show`).
  Result<std::vector<Ping>> recent(std::int64_t job_seq, int count);

 private:
  Result<Ping> record_in_transaction(const std::function<Result<std::int64_t>()>& find_job,
                                     const PingRequest& request);

  JobStore& jobs_;
  PingStore& pings_;
  const Clock& clock_;
};

}  // namespace certcron
