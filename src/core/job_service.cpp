#include "core/job_service.hpp"

#include "core/job_schedule.hpp"
#include "core/requests.hpp"
#include "util/utf8.hpp"

#include <vector>

namespace certcron {
namespace {

constexpr std::size_t kMaxNameLength = 255;          // characters (code points)
constexpr std::size_t kMaxDescriptionLength = 2000;  // characters (code points)

// Whether `text` is valid text for `field`; if not, its error is added. Checked before the
// field's other rules, whose messages may quote the value.
bool check_text(const std::string& field, std::string_view text, FieldErrors& errors,
                util::AllowedControls allowed = util::kNoControls) {
  if (auto problem = util::find_text_problem(text, allowed)) {
    errors[field].push_back(invalid_text_message(field, *problem));
    return false;
  }
  return true;
}

void check_name(const std::string& name, FieldErrors& errors) {
  if (name.empty()) {
    errors["name"].push_back("The name field is required.");
  } else if (!check_text("name", name, errors)) {
    return;
  } else if (util::is_blank(name)) {
    errors["name"].push_back("The name may not be blank.");
  } else if (util::count_code_points(name) > kMaxNameLength) {
    errors["name"].push_back("The name may not be longer than 255 characters.");
  } else if (parse_job_id(name)) {
    errors["name"].push_back("The name may not look like a job id (cron-NNN).");
  }
}

void check_description(const std::string& description, FieldErrors& errors) {
  // Free text: it may run over several lines and hold tabs, but no other control character.
  if (check_text("description", description, errors, util::kTabAndLineFeed) &&
      util::count_code_points(description) > kMaxDescriptionLength) {
    errors["description"].push_back("The description may not be longer than 2000 characters.");
  }
}

// One line for an administrator: the field messages without the generic "The given data
// was invalid." ("server_timezone: unknown time zone 'Mars/Olympus'; use an IANA name ...").
std::string schedule_problem(const Error& error) {
  if (error.fields.empty()) {
    return error.message;
  }
  std::string text;
  for (const auto& [field, messages] : error.fields) {
    for (const auto& message : messages) {
      text += (text.empty() ? "" : "; ") + field + ": " + message;
    }
  }
  return text;
}

// schedule_for, through the cache.
const schedule::BuiltSchedule& cached_schedule_for(schedule::ScheduleCache& cache,
                                                   const JobDefinition& definition) {
  if (definition.type == ScheduleType::simple) {
    return cache.every(definition.frequency_in_minutes, definition.server_timezone);
  }
  return cache.cron(definition.cron_expression, definition.server_timezone);
}

}  // namespace

Result<schedule::Schedule> schedule_for(const JobDefinition& definition) {
  if (definition.type == ScheduleType::simple) {
    return schedule::Schedule::every(definition.frequency_in_minutes, definition.server_timezone);
  }
  return schedule::Schedule::cron(definition.cron_expression, definition.server_timezone);
}

Result<void> validate_definition(const JobDefinition& definition) {
  FieldErrors errors;
  check_name(definition.name, errors);
  check_description(definition.description, errors);
  if (definition.grace_time_in_minutes < kMinGraceMinutes ||
      definition.grace_time_in_minutes > kMaxGraceMinutes) {
    errors["grace_time_in_minutes"].push_back(
        "The grace time must be between 1 and 10080 minutes.");
  }
  if (definition.max_runtime_in_minutes &&
      (*definition.max_runtime_in_minutes < kMinMaxRuntimeMinutes ||
       *definition.max_runtime_in_minutes > kMaxMaxRuntimeMinutes)) {
    errors["max_runtime_in_minutes"].push_back(
        "The maximum runtime must be between 1 and 10080 minutes, or null for none.");
  }
  bool zone_found = false;
  if (check_text("server_timezone", definition.server_timezone, errors)) {
    auto zone = schedule::TimeZone::locate(definition.server_timezone);
    if (zone) {
      zone_found = true;
    } else {
      for (auto& [field, messages] : zone.error().fields) {
        errors[field].insert(errors[field].end(), messages.begin(), messages.end());
      }
    }
  }
  if (definition.type == ScheduleType::cron && definition.cron_expression.empty()) {
    errors["cron_expression"].push_back("The cron expression is required for a cron job.");
  } else if (definition.type == ScheduleType::simple ||
             check_text("cron_expression", definition.cron_expression, errors)) {
    // The schedule's own fields (only once they are text: the parser's messages quote them),
    // read in UTC when the zone itself is wrong, so that every problem is reported at once.
    JobDefinition in_valid_zone = definition;
    if (!zone_found) {
      in_valid_zone.server_timezone = "UTC";
    }
    if (auto built = schedule_for(in_valid_zone); !built) {
      for (auto& [field, messages] : built.error().fields) {
        errors[field].insert(errors[field].end(), messages.begin(), messages.end());
      }
    }
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return {};
}

bool monitoring_changed(const JobDefinition& before, const JobDefinition& after) {
  return before.type != after.type || before.cron_expression != after.cron_expression ||
         before.frequency_in_minutes != after.frequency_in_minutes ||
         before.grace_time_in_minutes != after.grace_time_in_minutes ||
         before.server_timezone != after.server_timezone || before.enabled != after.enabled ||
         before.max_runtime_in_minutes != after.max_runtime_in_minutes;
}

Result<PageRequest> validate_page(int page, int limit) {
  FieldErrors errors;
  if (page < 1) {
    errors["page"].push_back("The page must be at least 1.");
  }
  if (limit < 1 || limit > 100) {
    errors["limit"].push_back("The limit must be between 1 and 100.");
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return PageRequest{page, limit};
}

namespace {

Error not_found_job(std::string_view id_or_name) {
  return Error::not_found("no job '" + std::string(id_or_name) +
                          "'; `certcron list` shows the jobs");
}

}  // namespace

Result<Job> require_job(JobStore& store, std::string_view id_or_name) {
  auto found = store.find_job(id_or_name);
  if (!found) {
    return fail(found.error());
  }
  if (!*found) {
    return fail(not_found_job(id_or_name));
  }
  return std::move(**found);
}

Result<Job> JobService::find(std::string_view id_or_name) { return require_job(store_, id_or_name); }

Result<JobDetails> JobService::details(const Job& job) {
  auto last = store_.last_run(job.seq);
  if (!last) {
    return fail(last.error());
  }
  return details(job, *last);
}

Result<JobDetails> JobService::details(Job job, std::optional<Run> last_run) {
  JobDetails details{std::move(job), std::move(last_run), std::nullopt, "", ""};
  if (details.last_run && details.last_run->status == RunStatus::running) {
    auto settled = settle_run(store_, clock_, liveness_, *details.last_run);
    if (!settled) {
      return fail(settled.error());
    }
    if (settled->status == RunStatus::abandoned) {
      details.last_run = *settled;
      details.job.latest_result = LatestResult::check_failed;
    }
  }
  const JobDefinition& definition = details.job.definition;
  const schedule::BuiltSchedule& built = cached_schedule_for(schedules_, definition);
  if (!built.schedule) {
    // A stored job whose schedule no longer builds (its zone was removed by a tzdata update)
    // stays listed, with no next run and the reason, rather than failing the whole list or
    // looking like a job that simply never runs.
    details.schedule_error = schedule_problem(built.schedule.error());
    return details;
  }
  details.human_readable_cron_expression = built.description;
  if (definition.enabled) {
    details.next_run_at = built.schedule->next_fire_after(clock_.now());
  }
  return details;
}

namespace {

Result<void> write_crontab(JobStore& store, CrontabSync& crontab) {
  auto jobs = store.all_jobs();
  if (!jobs) {
    return fail(jobs.error());
  }
  return crontab.install(*jobs);
}

}  // namespace

Result<void> install_crontab_lines(JobStore& store, CrontabSync* crontab) {
  if (crontab == nullptr) {
    return {};
  }
  // Called inside the transaction of a job change, which this error rolls back: say so, so
  // that an administrator does not look for a half-made change.
  auto installed = write_crontab(store, *crontab);
  if (!installed) {
    Error error = installed.error();
    error.message += "; nothing was changed";
    return fail(std::move(error));
  }
  return {};
}

Result<void> change_jobs(JobStore& store, CrontabSync* crontab,
                         const std::function<Result<void>()>& change) {
  bool changed = false;
  auto done = store.in_transaction([&]() -> Result<void> {
    auto made = change();
    changed = made.has_value();
    return made;
  });
  if (done || !changed || crontab == nullptr) {
    return done;
  }
  Error error = done.error();
  if (auto restored = write_crontab(store, *crontab); restored) {
    error.message += "; nothing was changed";
  } else {
    error.message += "; the crontab already held the change and could not be put back (" +
                     restored.error().message + "): run `certcron crontab repair`";
  }
  return fail(std::move(error));
}

Result<void> JobService::install_crontab() { return install_crontab_lines(store_, crontab_); }

Result<JobDetails> JobService::create(const JobDefinition& definition) {
  if (auto valid = validate_definition(definition); !valid) {
    return fail(valid.error());
  }
  Job created;
  auto done = change_jobs(store_, crontab_, [&]() -> Result<void> {
    auto inserted = store_.insert_job(definition, clock_.now());
    if (!inserted) {
      return fail(inserted.error());
    }
    created = *inserted;
    return install_crontab();
  });
  if (!done) {
    return fail(done.error());
  }
  return details(created);
}

namespace {

JobDefinition apply_changes(JobDefinition definition, const JobChanges& changes) {
  if (changes.name) {
    definition.name = *changes.name;
  }
  if (changes.description) {
    definition.description = *changes.description;
  }
  if (changes.cron_expression) {
    definition.type = ScheduleType::cron;
    definition.cron_expression = *changes.cron_expression;
    definition.frequency_in_minutes = 0;
  }
  if (changes.frequency_in_minutes) {
    definition.type = ScheduleType::simple;
    definition.frequency_in_minutes = *changes.frequency_in_minutes;
    definition.cron_expression.clear();
  }
  if (changes.grace_time_in_minutes) {
    definition.grace_time_in_minutes = *changes.grace_time_in_minutes;
  }
  if (changes.server_timezone) {
    definition.server_timezone = *changes.server_timezone;
  }
  if (changes.enabled) {
    definition.enabled = *changes.enabled;
  }
  if (changes.max_runtime_in_minutes) {
    definition.max_runtime_in_minutes = *changes.max_runtime_in_minutes;
  }
  if (changes.catch_up) {
    definition.catch_up = *changes.catch_up;
  }
  return definition;
}


}  // namespace

Result<JobDetails> JobService::update(std::string_view id_or_name, const JobChanges& changes) {
  if (changes.cron_expression && changes.frequency_in_minutes) {
    return fail(Error::invalid("cron_expression",
                               "Give either a cron expression or a frequency, not both."));
  }
  Job updated;
  auto done = change_jobs(store_, crontab_, [&]() -> Result<void> {
    auto job = find(id_or_name);
    if (!job) {
      return fail(job.error());
    }
    updated = *job;
    updated.definition = apply_changes(job->definition, changes);
    if (auto valid = validate_definition(updated.definition); !valid) {
      return fail(valid.error());
    }
    updated.updated_at = clock_.now();
    std::optional<LatestResult> mark;
    if (monitoring_changed(job->definition, updated.definition)) {
      mark = LatestResult::cron_check_changed;
      updated.latest_result = mark;
    }
    auto stored = store_.update_definition(job->seq, updated.definition, updated.updated_at, mark);
    if (!stored) {
      return fail(stored.error());
    }
    return install_crontab();
  });
  if (!done) {
    return fail(done.error());
  }
  return details(updated);
}

Result<Job> JobService::remove(std::string_view id_or_name) {
  Job removed;
  auto done = change_jobs(store_, crontab_, [&]() -> Result<void> {
    auto job = find(id_or_name);
    if (!job) {
      return fail(job.error());
    }
    removed = *job;
    if (auto deleted = store_.delete_job(job->seq); !deleted) {
      return fail(deleted.error());
    }
    return install_crontab();
  });
  if (!done) {
    return fail(done.error());
  }
  return removed;
}

Result<JobDetails> JobService::snooze(std::string_view id_or_name, int minutes) {
  if (minutes < kMinSnoozeMinutes || minutes > kMaxSnoozeMinutes) {
    return fail(Error::invalid("minutes", "The minutes must be between 1 and 144000."));
  }
  Job snoozed;
  auto done = store_.in_transaction([&]() -> Result<void> {
    auto job = find(id_or_name);
    if (!job) {
      return fail(job.error());
    }
    snoozed = *job;
    snoozed.snooze = Snooze{clock_.now() + std::chrono::minutes(minutes), minutes};
    return store_.set_snooze(job->seq, snoozed.snooze);
  });
  if (!done) {
    return fail(done.error());
  }
  return details(snoozed);
}

Result<JobDetails> JobService::unsnooze(std::string_view id_or_name) {
  Job unsnoozed;
  auto done = store_.in_transaction([&]() -> Result<void> {
    auto job = find(id_or_name);
    if (!job) {
      return fail(job.error());
    }
    unsnoozed = *job;
    unsnoozed.snooze.reset();
    return store_.set_snooze(job->seq, std::nullopt);
  });
  if (!done) {
    return fail(done.error());
  }
  return details(unsnoozed);
}

Result<JobDetails> JobService::show(std::string_view id_or_name) {
  // The job and its last run from one query: one snapshot, and the database locks taken once.
  auto found = store_.find_job_with_last_run(id_or_name);
  if (!found) {
    return fail(found.error());
  }
  if (!*found) {
    return fail(not_found_job(id_or_name));
  }
  // Settling a running last run may write, so it happens after the read.
  return details(std::move((*found)->job), std::move((*found)->last_run));
}

Result<Page<JobDetails>> JobService::list(JobStatusFilter filter, PageRequest page) {
  // The page and its last runs come from one query, however long the page.
  auto listed = store_.list_jobs(filter, page);
  if (!listed) {
    return fail(listed.error());
  }
  Page<JobDetails> result{{}, listed->page, listed->limit, listed->total};
  result.items.reserve(listed->items.size());
  for (JobWithLastRun& item : listed->items) {
    // Settling a running last run may write, so it happens after the read.
    auto details_of = details(std::move(item.job), std::move(item.last_run));
    if (!details_of) {
      return fail(details_of.error());
    }
    result.items.push_back(std::move(*details_of));
  }
  return result;
}

}  // namespace certcron
