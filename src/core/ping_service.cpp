#include "core/ping_service.hpp"

#include "core/alerts.hpp"
#include "core/job_service.hpp"

#include <cmath>
#include <cstdio>

namespace certcron {
namespace {

// Cut to at most `limit` bytes without splitting a UTF-8 sequence.
std::string cut_utf8(std::string text, std::size_t limit) {
  if (text.size() <= limit) {
    return text;
  }
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  text.resize(end);
  return text;
}

std::optional<LatestResult> monitoring_state_for(PingKind kind) {
  switch (kind) {
    case PingKind::starting: return LatestResult::ping_starting;
    case PingKind::finished: return LatestResult::ping_finished;
    case PingKind::failed: return LatestResult::ping_failed;
    case PingKind::log: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(PingKind kind) {
  switch (kind) {
    case PingKind::starting: return "starting";
    case PingKind::finished: return "finished";
    case PingKind::failed: return "failed";
    case PingKind::log: return "log";
  }
  return "finished";
}

const char* to_string(PingSource source) { return source == PingSource::http ? "http" : "cli"; }

std::optional<PingKind> parse_ping_kind(std::string_view text) {
  for (PingKind kind : {PingKind::starting, PingKind::finished, PingKind::failed, PingKind::log}) {
    if (text == to_string(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}

std::string format_ping_id(std::int64_t seq) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "ping-%04lld", static_cast<long long>(seq));
  return buffer;
}

Result<void> validate_ping(const PingRequest& request) {
  FieldErrors errors;
  if (request.exit_code && (*request.exit_code < 0 || *request.exit_code > 255)) {
    errors["exit_code"].push_back("The exit code must be between 0 and 255.");
  }
  if (request.runtime &&
      (!std::isfinite(*request.runtime) || *request.runtime < 0 || *request.runtime > kMaxRuntimeSeconds)) {
    errors["runtime"].push_back("The runtime must be a number of seconds between 0 and 31622400.");
  }
  if (request.rid.size() > kMaxRidLength) {
    errors["rid"].push_back("The rid may not be longer than 128 characters.");
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return {};
}

Result<Ping> PingService::record_for_uuid(std::string_view uuid, const PingRequest& request) {
  return record_in_transaction(
      [&]() -> Result<std::int64_t> {
        auto seq = pings_.job_seq_for_uuid(uuid);
        if (!seq) {
          return fail(seq.error());
        }
        if (!*seq) {
          return fail(Error::not_found("no job has the ping uuid '" + std::string(uuid) +
                                       "'; `certcron show JOB` gives a job's ping URL"));
        }
        return **seq;
      },
      request);
}

Result<Ping> PingService::record(std::string_view id_or_name, const PingRequest& request) {
  return record_in_transaction(
      [&]() -> Result<std::int64_t> {
        auto job = require_job(jobs_, id_or_name);
        if (!job) {
          return fail(job.error());
        }
        return job->seq;
      },
      request);
}

Result<Ping> PingService::record_in_transaction(
    const std::function<Result<std::int64_t>()>& find_job, const PingRequest& request) {
  if (auto valid = validate_ping(request); !valid) {
    return fail(valid.error());
  }
  Ping ping;
  ping.at = clock_.now();
  ping.kind = request.kind;
  // healthchecks.io and Oh Dear alike: a non-zero exit status is a failure.
  if (ping.kind == PingKind::finished && request.exit_code && *request.exit_code != 0) {
    ping.kind = PingKind::failed;
  }
  ping.exit_code = request.exit_code;
  if (request.runtime) {
    ping.runtime_ms = std::llround(*request.runtime * 1000.0);
  }
  ping.message = cut_utf8(request.message, kMaxPingMessageBytes);
  ping.body = cut_utf8(request.body, kMaxPingBodyBytes);
  ping.rid = request.rid;
  ping.source = request.source;
  ping.remote = request.remote;
  Ping stored;
  auto done = jobs_.in_transaction([&]() -> Result<void> {
    auto job_seq = find_job();
    if (!job_seq) {
      return fail(job_seq.error());
    }
    ping.job_seq = *job_seq;
    const bool ends_a_run = ping.kind == PingKind::finished || ping.kind == PingKind::failed;
    if (ends_a_run && !ping.runtime_ms && !ping.rid.empty()) {
      auto start = pings_.find_start(ping.job_seq, ping.rid);
      if (!start) {
        return fail(start.error());
      }
      if (*start && (*start)->at <= ping.at) {
        ping.runtime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(ping.at - (*start)->at).count();
      }
    }
    auto inserted = pings_.insert_ping(ping, kPingsKeptPerJob);
    if (!inserted) {
      return fail(inserted.error());
    }
    stored = *inserted;
    auto state = monitoring_state_for(ping.kind);
    if (!state) {
      return {};
    }
    if (auto marked = jobs_.record_monitoring(ping.job_seq, *state, ping.at); !marked) {
      return marked;
    }
    if (ping.kind != PingKind::finished && ping.kind != PingKind::failed) {
      return {};
    }
    const bool ok = ping.kind == PingKind::finished;
    std::string reason = ok ? "a finished ping came" : "a failed ping came";
    if (ping.exit_code) {
      reason += " (exit status " + std::to_string(*ping.exit_code) + ")";
    }
    if (!ping.message.empty()) {
      reason += ": " + ping.message;
    }
    FlipEvent event{ok ? MonitorState::up : MonitorState::failed, std::move(reason), std::nullopt,
                    std::nullopt};
    auto flipped = record_flip(jobs_, ping.job_seq, event, ping.at);
    return flipped ? Result<void>{} : fail(flipped.error());
  });
  if (!done) {
    return fail(done.error());
  }
  return stored;
}

Result<Page<Ping>> PingService::history(std::string_view id_or_name, PageRequest page) {
  auto job = require_job(jobs_, id_or_name);
  if (!job) {
    return fail(job.error());
  }
  return pings_.list_pings(job->seq, page);
}

Result<std::vector<Ping>> PingService::recent(std::int64_t job_seq, int count) {
  auto page = pings_.list_pings(job_seq, PageRequest{1, count});
  if (!page) {
    return fail(page.error());
  }
  return std::move(page->items);
}

}  // namespace certcron
