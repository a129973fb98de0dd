#include "core/run_log.hpp"

#include "core/reminders/policy.hpp"
#include "util/time.hpp"
#include "util/utf8.hpp"

namespace certcron {
namespace {

bool needs_quotes(std::string_view value) {
  if (value.empty()) {
    return true;
  }
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F || c == '"' || c == '=' || c == '\\') {
      return true;
    }
  }
  return util::find_text_problem(value).has_value();  // not UTF-8, or a C1 control
}

void append_field(std::string& line, std::string_view key, std::string_view value) {
  line += ' ';
  line += key;
  line += '=';
  line += run_log_value(value);
}

}  // namespace

void RunLogDetail::record(const reminders::CheckEvent& event) {
  Counts& counts = by_threshold_[event.decision.threshold];
  switch (event.kind) {
    case reminders::CheckEvent::Kind::sent: ++counts.sent; break;
    case reminders::CheckEvent::Kind::due: ++counts.due; break;
    case reminders::CheckEvent::Kind::failed:
      ++counts.failed;
      if (++failure_count_ <= static_cast<std::int64_t>(kListedFailures)) {
        failures_.push_back(event.certification.mentor_id + " " +
                            event.certification.certification + " (" +
                            reminders::threshold_label(event.decision.threshold) +
                            "): " + event.error);
      }
      break;
  }
}

std::string run_log_value(std::string_view value) {
  if (!needs_quotes(value)) {
    return std::string(value);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  std::size_t i = 0;
  while (i < value.size()) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x80) {
      std::size_t bad = 0;
      if (const std::size_t length = util::utf8_sequence(value, i, bad); length > 0) {
        const bool c1_control = c == 0xC2 && static_cast<unsigned char>(value[i + 1]) < 0xA0;
        if (c1_control) {  // U+0080..U+009F: a terminal may act on them
          const auto low = static_cast<unsigned char>(value[i + 1]);
          out += "\\u00";
          out += kHex[low >> 4];
          out += kHex[low & 0xF];
        } else {
          out.append(value.data() + i, length);
        }
        i += length;
      } else {
        for (std::size_t k = 0; k < bad; ++k) {
          const auto byte = static_cast<unsigned char>(value[i + k]);
          out += "\\x";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xF];
        }
        i += bad;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

std::string format_run_log_line(const RunLogEntry& entry) {
  const Run& run = entry.run;
  std::string line = util::format_rfc3339(run.completed_at.value_or(run.started_at));
  append_field(line, "job", run.job_id());
  append_field(line, "name", entry.job_name.empty() ? "-" : entry.job_name);
  append_field(line, "run", run.id());
  append_field(line, "trigger", to_string(run.trigger));
  append_field(line, "slot", run.scheduled_for ? util::format_rfc3339(*run.scheduled_for) : "-");
  append_field(line, "status", to_string(run.status));
  append_field(line, "dry_run", run.dry_run ? "true" : "false");
  const RunResult result = run.result.value_or(RunResult{});
  append_field(line, "mentors_checked", std::to_string(result.mentors_checked));
  append_field(line, "reminders_sent", std::to_string(result.reminders_sent));
  append_field(line, "errors", std::to_string(result.errors));
  append_field(line, "duration_ms", std::to_string(entry.duration.count()));
  if (!run.error_message.empty()) {
    append_field(line, "error", run.error_message);
  }
  if (entry.detail != nullptr) {
    for (const auto& [threshold, counts] : entry.detail->by_threshold()) {
      const std::string label = reminders::threshold_label(threshold);
      if (counts.sent > 0) {
        append_field(line, "sent_" + label, std::to_string(counts.sent));
      }
      if (counts.failed > 0) {
        append_field(line, "failed_" + label, std::to_string(counts.failed));
      }
      if (counts.due > 0) {
        append_field(line, "due_" + label, std::to_string(counts.due));
      }
    }
    if (entry.detail->failure_count() > 0) {
      std::string failures;
      for (const std::string& failure : entry.detail->failures()) {
        failures += (failures.empty() ? "" : "; ") + failure;
      }
      const auto listed = static_cast<std::int64_t>(entry.detail->failures().size());
      if (entry.detail->failure_count() > listed) {
        failures += "; and " + std::to_string(entry.detail->failure_count() - listed) + " more";
      }
      append_field(line, "failures", failures);
    }
  }
  line += '\n';
  return line;
}

}  // namespace certcron
