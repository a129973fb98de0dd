#include "web/badges.hpp"

#include "util/time.hpp"
#include "web/when.hpp"

#include <algorithm>
#include <array>

namespace certcron::web {
namespace {

const char* run_color(RunStatus status) {
  switch (status) {
    case RunStatus::success: return "green";
    case RunStatus::running: return "blue";
    case RunStatus::failed: return "red";
    case RunStatus::abandoned: return "red";
  }
  return "grey";
}

// "28 success, 2 failed": the strip in words.
std::string strip_summary(std::span<const Run> runs) {
  constexpr std::array kStatuses{RunStatus::success, RunStatus::failed, RunStatus::abandoned,
                                 RunStatus::running};
  std::string summary;
  for (const RunStatus status : kStatuses) {
    std::int64_t count = 0;
    for (const Run& run : runs) {
      count += run.status == status ? 1 : 0;
    }
    if (count > 0) {
      summary += (summary.empty() ? "" : ", ") + std::to_string(count) + " " + to_string(status);
    }
  }
  return summary;
}

}  // namespace

void write_state(HtmlOut& out, const Job& job, Seconds now) {
  const ResultLabel label = label_for(job.latest_result);
  out.raw("<span class=\"badge ").raw(label.color).raw("\" title=\"latest result: ");
  out.text(job.latest_result ? to_string(*job.latest_result) : "none yet").raw("\">");
  out.text(label.label).raw("</span>");
  if (job.snoozed_at(now)) {
    out.raw(" <span class=\"chip snoozed\">snoozed until ");
    out.raw("<time datetime=\"").text(util::format_rfc3339(job.snooze->ends_at)).raw("\">");
    out.text(readable_utc(job.snooze->ends_at)).raw("</time></span>");
  }
  if (!job.definition.enabled) {
    out.raw(" <span class=\"chip disabled\">disabled</span>");
  }
}

void write_run_status(HtmlOut& out, const Run& run) {
  out.raw("<span class=\"badge ").raw(run_color(run.status)).raw("\">");
  out.text(to_string(run.status)).raw("</span>");
  if (run.dry_run) {
    out.raw(" <span class=\"chip\">dry run</span>");
  }
}

void write_run_strip(HtmlOut& out, std::span<const Run> newest_first, int shown_at_most) {
  const std::size_t count =
      std::min(newest_first.size(), static_cast<std::size_t>(std::max(shown_at_most, 0)));
  const std::span<const Run> runs = newest_first.first(count);
  if (runs.empty()) {
    out.raw("<span class=\"none\">no runs yet</span>");
    return;
  }
  const std::string summary = strip_summary(runs);
  out.raw("<span class=\"strip\" role=\"img\" aria-label=\"last ").number(static_cast<std::int64_t>(count));
  out.raw(" runs, oldest first: ").text(summary).raw("\">");
  for (std::size_t i = runs.size(); i-- > 0;) {
    const Run& run = runs[i];
    out.raw("<span class=\"mark ").raw(run_color(run.status)).raw(" ").raw(to_string(run.status));
    out.raw("\" title=\"").text(run.id()).raw(" ").text(to_string(run.status)).raw(", ");
    out.text(readable_utc(run.started_at)).raw("\"></span>");
  }
  out.raw("</span> <span class=\"strip-sum\">").text(summary).raw("</span>");
}

}  // namespace certcron::web
