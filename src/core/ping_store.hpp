#pragma once

// The ping history as the core sees it: what wrappers and scripts report about a job's runs
// (`certcron ping`, the HTTP ping routes). The SQLite adapter (store/ping_store.cpp) works on
// the job store's connection, so a ping and the job's monitoring state change in one
// transaction (JobStore::in_transaction).

#include "core/error.hpp"
#include "core/job.hpp"
#include "core/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certcron {

// healthchecks.io's `log` is recorded only; the others move the job's monitoring state.
enum class PingKind { starting, finished, failed, log };
enum class PingSource { cli, http };

struct Ping {
  std::int64_t seq = 0;
  std::int64_t job_seq = 0;
  Seconds at{};
  PingKind kind = PingKind::finished;
  std::optional<int> exit_code;
  std::optional<std::int64_t> runtime_ms;
  std::string message;  // Oh Dear's failure_message, or the CLI's --message
  std::string body;     // what a POST carried, cut to kMaxPingBodyBytes
  std::string rid;      // healthchecks.io's run id, pairing a start with its end
  PingSource source = PingSource::cli;
  std::string remote;  // the HTTP client's address; empty from the CLI
};

// How many pings a job keeps; older ones go in the transaction that adds a new one.
inline constexpr int kPingsKeptPerJob = 1000;
inline constexpr std::size_t kMaxPingBodyBytes = 10 * 1024;

class PingStore {
 public:
  virtual ~PingStore() = default;

  // The job whose ping URL carries this uuid; nullopt when none does.
  virtual Result<std::optional<std::int64_t>> job_seq_for_uuid(std::string_view uuid) = 0;
  // Adds the ping and deletes the job's pings beyond the newest `keep`; returns it with its
  // seq. Call inside JobStore::in_transaction.
  virtual Result<Ping> insert_ping(const Ping& ping, int keep) = 0;
  // The newest `starting` ping of the job with this rid.
  virtual Result<std::optional<Ping>> find_start(std::int64_t job_seq, std::string_view rid) = 0;
  // Newest first.
  virtual Result<Page<Ping>> list_pings(std::int64_t job_seq, PageRequest page) = 0;
};

const char* to_string(PingKind kind);
const char* to_string(PingSource source);
std::optional<PingKind> parse_ping_kind(std::string_view text);
// "ping-0001"
std::string format_ping_id(std::int64_t seq);

}  // namespace certcron
