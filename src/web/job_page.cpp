#include "web/badges.hpp"
#include "web/layout.hpp"
#include "web/pages.hpp"
#include "web/when.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace certcron::web {
namespace {

void write_optional_instant(HtmlOut& out, const std::optional<Seconds>& instant, Seconds now,
                            std::string_view otherwise) {
  if (instant) {
    write_instant(out, *instant, now);
  } else {
    out.raw("<span class=\"none\">").text(otherwise).raw("</span>");
  }
}

// A section with its heading and, when it has rows, a stacked table with its caption and
// column headers, left open for the rows (close_table_section ends it). With no rows the
// section says `none` and is closed: false.
bool open_table_section(HtmlOut& out, std::string_view id, std::string_view heading, bool empty,
                        std::string_view none, std::string_view caption,
                        std::initializer_list<std::string_view> columns) {
  out.raw("<section aria-labelledby=\"").raw(id).raw("\"><h2 id=\"").raw(id).raw("\">");
  out.raw(heading).raw("</h2>\n");
  if (empty) {
    out.raw("<p class=\"none\">").raw(none).raw("</p></section>\n");
    return false;
  }
  out.raw("<div class=\"wrap\"><table class=\"stack\"><caption>").raw(caption);
  out.raw("</caption>\n<thead><tr>");
  for (const std::string_view column : columns) {
    out.raw("<th scope=\"col\">").raw(column).raw("</th>");
  }
  out.raw("</tr></thead>\n<tbody>\n");
  return true;
}

void close_table_section(HtmlOut& out) { out.raw("</tbody></table></div></section>\n"); }

void write_definition(HtmlOut& out, const JobDetails& details, Seconds now) {
  const Job& job = details.job;
  const JobDefinition& def = job.definition;
  out.raw("<section aria-labelledby=\"definition\"><h2 id=\"definition\">Definition</h2><dl>\n");
  out.raw("<dt>Description</dt><dd>");
  if (def.description.empty()) {
    out.raw("<span class=\"none\">none</span>");
  } else {
    out.text(def.description);
  }
  out.raw("</dd>\n<dt>Schedule</dt><dd>");
  if (def.type == ScheduleType::cron) {
    out.raw("<code>").text(def.cron_expression).raw("</code> (cron)");
  } else {
    out.raw("every ").number(def.frequency_in_minutes).raw(" minutes (simple)");
  }
  out.raw(" — ").text(details.human_readable_cron_expression).raw("</dd>\n");
  out.raw("<dt>Time zone</dt><dd>").text(def.server_timezone).raw("</dd>\n");
  out.raw("<dt>Status</dt><dd>").raw(def.enabled ? "active" : "disabled").raw("</dd>\n");
  out.raw("<dt>Grace time</dt><dd>").number(def.grace_time_in_minutes).raw(" minutes</dd>\n");
  out.raw("<dt>Max runtime</dt><dd>");
  if (def.max_runtime_in_minutes) {
    out.number(*def.max_runtime_in_minutes).raw(" minutes");
  } else {
    out.raw("no limit");
  }
  out.raw("</dd>\n<dt>Catch-up</dt><dd>").raw(def.catch_up ? "on" : "off").raw("</dd>\n");
  out.raw("<dt>Next run</dt><dd>");
  if (!details.schedule_error.empty()) {
    out.raw("<span class=\"error\">").text(details.schedule_error).raw("</span>");
  } else {
    write_optional_instant(out, details.next_run_at, now, def.enabled ? "none" : "none (disabled)");
  }
  out.raw("</dd>\n<dt>Latest ping</dt><dd>");
  write_optional_instant(out, job.latest_ping_at, now, "never");
  out.raw("</dd>\n<dt>Created</dt><dd>");
  write_instant(out, job.created_at, now);
  out.raw("</dd>\n<dt>Updated</dt><dd>");
  write_instant(out, job.updated_at, now);
  out.raw("</dd>\n</dl></section>\n");
}

void write_ping_lines(HtmlOut& out, const Job& job, std::string_view ping_base_url) {
  const std::string url = std::string(ping_base_url) + "/ping/" + job.uuid;
  out.raw("<section aria-labelledby=\"ping\"><h2 id=\"ping\">Ping URL</h2>\n<p><code>");
  out.text(url).raw("</code></p>\n<p class=\"muted\">Keep it as private as a token: whoever has "
                    "it can report runs of this job.</p>\n");
  out.raw("<h3>Oh Dear's dialect</h3>\n<pre><code>");
  out.text("curl -fsS -m 10 -X POST " + url + "/starting\n");
  out.text("curl -fsS -m 10 -X POST " + url + "/finished -d exit_code=0 -d runtime=42\n");
  out.text("curl -fsS -m 10 -X POST " + url +
           "/failed -d exit_code=1 --data-urlencode 'failure_message=what went wrong'");
  out.raw("</code></pre>\n<h3>healthchecks.io's dialect</h3>\n<pre><code>");
  out.text("rid=$(cat /proc/sys/kernel/random/uuid)\n");
  out.text("curl -fsS -m 10 \"" + url + "/start?rid=$rid\"\n");
  out.text("status=0; your-job.sh || status=$?\n");
  out.text("curl -fsS -m 10 \"" + url + "/$status?rid=$rid\"   # 0: finished, else failed");
  out.raw("</code></pre>\n</section>\n");
}

void write_alert(HtmlOut& out, const Flip& flip, Seconds now) {
  switch (flip.alert) {
    case AlertStatus::sent:
      out.raw("sent");
      if (flip.alerted_at) {
        out.raw(" ");
        write_instant(out, *flip.alerted_at, now);
      }
      return;
    case AlertStatus::pending:
      out.raw("pending");
      if (flip.attempts > 0) {
        out.raw(" (").number(flip.attempts).raw(flip.attempts == 1 ? " try" : " tries");
        if (!flip.alert_error.empty()) {
          out.raw(": <span class=\"error\">").text(flip.alert_error).raw("</span>");
        }
        out.raw(")");
      }
      return;
    case AlertStatus::snoozed: out.raw("not sent: snoozed"); return;
    case AlertStatus::none: out.raw("nothing to tell"); return;
  }
}

void write_flips(HtmlOut& out, const JobStatus& status, Seconds now) {
  if (!open_table_section(out, "flips", "Recent state changes", status.flips.empty(),
                          "No state changes yet.",
                          "Changes of the monitoring state, newest first",
                          {"When", "Change", "Why", "Alert"})) {
    return;
  }
  for (const Flip& flip : status.flips) {
    out.raw("<tr><th scope=\"row\">");
    write_instant(out, flip.at, now);
    out.raw("</th><td data-label=\"Change\">").text(to_string(flip.from)).raw(" → ");
    out.text(to_string(flip.to)).raw("</td><td data-label=\"Why\">").text(flip.reason);
    out.raw("</td><td data-label=\"Alert\">");
    write_alert(out, flip, now);
    out.raw("</td></tr>\n");
  }
  close_table_section(out);
}

void write_runs(HtmlOut& out, const JobStatus& status, Seconds now) {
  const std::string caption = "Runs, newest first (" + std::to_string(status.runs.size()) +
                              " of " + std::to_string(status.run_count) + ")";
  if (!open_table_section(out, "runs", "Recent runs", status.runs.empty(), "No runs yet.",
                          caption,
                          {"Run", "Status", "Trigger", "Started", "Took", "Checked", "Sent",
                           "Errors"})) {
    return;
  }
  for (const Run& run : status.runs) {
    out.raw("<tr><th scope=\"row\">").text(run.id()).raw("</th><td data-label=\"Status\">");
    write_run_status(out, run);
    if (!run.error_message.empty()) {
      out.raw("<div class=\"error\">").text(run.error_message).raw("</div>");
    }
    out.raw("</td><td data-label=\"Trigger\">").text(to_string(run.trigger));
    if (run.scheduled_for) {
      out.raw("<div class=\"muted\">slot ").text(readable_utc(*run.scheduled_for)).raw("</div>");
    }
    out.raw("</td><td data-label=\"Started\">");
    write_instant(out, run.started_at, now);
    out.raw("</td><td data-label=\"Took\">");
    if (run.completed_at) {
      out.text(duration_text(*run.completed_at - run.started_at));
    } else {
      out.raw("<span class=\"none\">still running</span>");
    }
    out.raw("</td>");
    const auto cell = [&](const char* label, std::optional<std::int64_t> value) {
      out.raw("<td data-label=\"").raw(label).raw("\">");
      if (value) {
        out.number(*value);
      } else {
        out.raw("<span class=\"none\">–</span>");
      }
      out.raw("</td>");
    };
    const auto& result = run.result;
    cell("Checked", result ? std::optional(result->mentors_checked) : std::nullopt);
    cell("Sent", result ? std::optional(result->reminders_sent) : std::nullopt);
    cell("Errors", result ? std::optional(result->errors) : std::nullopt);
    out.raw("</tr>\n");
  }
  close_table_section(out);
}

void write_pings(HtmlOut& out, const JobStatus& status, Seconds now) {
  if (!open_table_section(out, "pings", "Recent pings", status.pings.empty(), "No pings yet.",
                          "Pings, newest first",
                          {"When", "Kind", "Exit", "Runtime", "Message", "From"})) {
    return;
  }
  for (const Ping& ping : status.pings) {
    out.raw("<tr><th scope=\"row\">");
    write_instant(out, ping.at, now);
    out.raw("</th><td data-label=\"Kind\">").text(to_string(ping.kind));
    out.raw("</td><td data-label=\"Exit\">");
    if (ping.exit_code) {
      out.number(*ping.exit_code);
    } else {
      out.raw("<span class=\"none\">–</span>");
    }
    out.raw("</td><td data-label=\"Runtime\">");
    if (ping.runtime_ms) {
      out.text(duration_text(std::chrono::seconds(*ping.runtime_ms / 1000)));
    } else {
      out.raw("<span class=\"none\">–</span>");
    }
    out.raw("</td><td data-label=\"Message\">").text(ping.message);
    out.raw("</td><td data-label=\"From\">").text(to_string(ping.source));
    if (!ping.remote.empty()) {
      out.raw(" <span class=\"muted\">").text(ping.remote).raw("</span>");
    }
    out.raw("</td></tr>\n");
  }
  close_table_section(out);
}

}  // namespace

std::string render_job_page(const JobStatus& status, Seconds now, std::string_view ping_base_url) {
  const Job& job = status.details.job;
  std::string page;
  page.reserve(16384);
  HtmlOut out(page);
  begin_page(out, job.definition.name);
  out.raw("<header><p><a href=\"/\">← all jobs</a></p><h1>").text(job.definition.name);
  out.raw("<span class=\"id\">").text(job.id()).raw("</span></h1><p>");
  write_state(out, job, now);
  out.raw("</p></header>\n<main>\n");
  write_definition(out, status.details, now);
  write_ping_lines(out, job, ping_base_url);
  write_flips(out, status, now);
  write_runs(out, status, now);
  write_pings(out, status, now);
  out.raw("</main>\n<footer><p class=\"muted\">Times in UTC, as of ");
  write_instant(out, now, now);
  out.raw(".</p></footer>\n");
  end_page(out);
  return page;
}

}  // namespace certcron::web
