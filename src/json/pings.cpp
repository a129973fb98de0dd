#include "json/pings.hpp"

#include "util/time.hpp"

namespace certcron::json {
namespace {

nlohmann::ordered_json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text);
}

}  // namespace

nlohmann::ordered_json ping_to_json(const Ping& ping) {
  nlohmann::ordered_json out;
  out["ping_id"] = format_ping_id(ping.seq);
  out["cron_id"] = format_job_id(ping.job_seq);
  out["kind"] = to_string(ping.kind);
  out["at"] = util::format_rfc3339(ping.at);
  out["exit_code"] = ping.exit_code ? nlohmann::ordered_json(*ping.exit_code) : nullptr;
  out["runtime_ms"] = ping.runtime_ms ? nlohmann::ordered_json(*ping.runtime_ms) : nullptr;
  out["message"] = text_or_null(ping.message);
  out["body"] = text_or_null(ping.body);
  out["rid"] = text_or_null(ping.rid);
  out["source"] = to_string(ping.source);
  out["remote"] = text_or_null(ping.remote);
  return out;
}

}  // namespace certcron::json
