#include "web/badges.hpp"
#include "web/layout.hpp"
#include "web/pages.hpp"
#include "web/when.hpp"

#include <array>

namespace certcron::web {
namespace {

// "5 jobs: 2 ok, 1 late, 1 failed, 1 pending; 1 snoozed"
void write_summary(HtmlOut& out, const StatusOverview& board, Seconds now) {
  constexpr std::array<std::string_view, 7> kLabels{"ok",       "running", "late",   "failed",
                                                     "notified", "changed", "pending"};
  std::string counts;
  for (const std::string_view label : kLabels) {
    std::int64_t count = 0;
    for (const StatusRow& row : board.rows) {
      count += label == label_for(row.details.job.latest_result).label ? 1 : 0;
    }
    if (count > 0) {
      counts += (counts.empty() ? "" : ", ") + std::to_string(count) + " " + std::string(label);
    }
  }
  std::int64_t snoozed = 0;
  for (const StatusRow& row : board.rows) {
    snoozed += row.details.job.snoozed_at(now) ? 1 : 0;
  }
  out.raw("<p class=\"summary\">").number(board.total_jobs);
  out.raw(board.total_jobs == 1 ? " job" : " jobs");
  if (!counts.empty()) {
    out.raw(": ").text(counts);
  }
  if (snoozed > 0) {
    out.raw("; ").number(snoozed).raw(" snoozed");
  }
  out.raw("</p>\n");
}

void write_schedule(HtmlOut& out, const JobDetails& details) {
  const JobDefinition& def = details.job.definition;
  if (def.type == ScheduleType::cron) {
    out.raw("<code>").text(def.cron_expression).raw("</code>");
  } else {
    out.raw("<code>every ").number(def.frequency_in_minutes).raw(" min</code>");
  }
  out.raw("<div class=\"muted\">").text(details.human_readable_cron_expression);
  out.raw(" · ").text(def.server_timezone).raw("</div>");
}

void write_result_counts(HtmlOut& out, const Run& run) {
  if (!run.result) {
    return;
  }
  out.raw("<div class=\"muted\">").number(run.result->mentors_checked).raw(" checked · ");
  out.number(run.result->reminders_sent).raw(" sent · ").number(run.result->errors);
  out.raw(run.result->errors == 1 ? " error" : " errors").raw("</div>");
}

void write_last_run(HtmlOut& out, const JobDetails& details, Seconds now) {
  if (!details.last_run) {
    out.raw("<span class=\"none\">never</span>");
    return;
  }
  const Run& run = *details.last_run;
  write_run_status(out, run);
  out.raw("<div>");
  write_instant(out, run.started_at, now);
  out.raw("</div>");
  write_result_counts(out, run);
}

void write_next_run(HtmlOut& out, const JobDetails& details, Seconds now) {
  if (details.next_run_at) {
    write_instant(out, *details.next_run_at, now);
  } else if (!details.schedule_error.empty()) {
    out.raw("<span class=\"error\">").text(details.schedule_error).raw("</span>");
  } else if (!details.job.definition.enabled) {
    out.raw("<span class=\"none\">none (disabled)</span>");
  } else {
    out.raw("<span class=\"none\">none</span>");
  }
}

void write_row(HtmlOut& out, const StatusRow& row, const StatusLimits& limits, Seconds now) {
  const Job& job = row.details.job;
  out.raw("<tr>\n<th scope=\"row\"><a href=\"/jobs/").text(job.id()).raw("\">");
  out.text(job.definition.name).raw("</a><span class=\"id\">").text(job.id()).raw("</span>");
  if (!job.definition.description.empty()) {
    out.raw("<p class=\"desc\">").text(job.definition.description).raw("</p>");
  }
  out.raw("</th>\n<td data-label=\"State\">");
  write_state(out, job, now);
  out.raw("</td>\n<td data-label=\"Schedule\">");
  write_schedule(out, row.details);
  out.raw("</td>\n<td data-label=\"Last run\">");
  write_last_run(out, row.details, now);
  out.raw("</td>\n<td data-label=\"Next run\">");
  write_next_run(out, row.details, now);
  out.raw("</td>\n<td data-label=\"Recent runs\">");
  write_run_strip(out, row.recent_runs, limits.strip_runs);
  out.raw("</td>\n</tr>\n");
}

}  // namespace

std::string render_overview(const StatusOverview& board, const StatusLimits& limits, Seconds now) {
  std::string page;
  page.reserve(8192 + board.rows.size() * 2048);
  HtmlOut out(page);
  begin_page(out, "Status");
  out.raw("<header><h1>certcron status</h1><p>as of ");
  write_instant(out, now, now);
  out.raw("</p></header>\n<main>\n");
  write_summary(out, board, now);
  if (board.rows.empty()) {
    out.raw("<p>No jobs yet. Create one with <code>certcron create --name NAME --cron "
            "'0 2 * * *'</code> or through the API.</p>\n");
  } else {
    out.raw("<div class=\"wrap\"><table class=\"jobs stack\">\n<caption>Every job, its state and "
            "its runs</caption>\n<thead><tr><th scope=\"col\">Job</th><th scope=\"col\">State"
            "</th><th scope=\"col\">Schedule</th><th scope=\"col\">Last run</th><th "
            "scope=\"col\">Next run</th><th scope=\"col\">Last ");
    out.number(limits.strip_runs).raw(" runs</th></tr></thead>\n<tbody>\n");
    for (const StatusRow& row : board.rows) {
      write_row(out, row, limits, now);
    }
    out.raw("</tbody>\n</table></div>\n");
  }
  if (board.total_jobs > static_cast<std::int64_t>(board.rows.size())) {
    out.raw("<p class=\"muted\">Showing the first ").number(static_cast<std::int64_t>(board.rows.size()));
    out.raw(" of ").number(board.total_jobs).raw(" jobs, by id; <code>certcron list</code> and the "
                                                 "API list them all.</p>\n");
  }
  out.raw("</main>\n<footer><p class=\"muted\">Times in UTC. The JSON API is described at "
          "<a href=\"/openapi.json\">/openapi.json</a>.</p></footer>\n");
  end_page(out);
  return page;
}

}  // namespace certcron::web
