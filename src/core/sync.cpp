#include "core/sync.hpp"

#include <algorithm>
#include <map>

namespace certcron {
namespace {

std::string entry_key(std::size_t index, const std::string& field) {
  return "cron_checks." + std::to_string(index) + "." + field;
}

void add_entry_errors(std::size_t index, const Error& error, FieldErrors& errors) {
  if (error.fields.empty()) {
    errors["cron_checks." + std::to_string(index)].push_back(error.message);
    return;
  }
  for (const auto& [field, messages] : error.fields) {
    auto& into = errors[entry_key(index, field)];
    into.insert(into.end(), messages.begin(), messages.end());
  }
}

// The fields of `after` that differ from `before`, in the seed's names and order.
std::vector<std::string> changed_fields(const JobDefinition& before, const JobDefinition& after) {
  std::vector<std::string> changes;
  if (before.type != after.type) {
    changes.emplace_back("type");
  }
  if (before.cron_expression != after.cron_expression) {
    changes.emplace_back("cron_expression");
  }
  if (before.frequency_in_minutes != after.frequency_in_minutes) {
    changes.emplace_back("frequency_in_minutes");
  }
  if (before.grace_time_in_minutes != after.grace_time_in_minutes) {
    changes.emplace_back("grace_time_in_minutes");
  }
  if (before.server_timezone != after.server_timezone) {
    changes.emplace_back("server_timezone");
  }
  if (before.description != after.description) {
    changes.emplace_back("description");
  }
  if (before.enabled != after.enabled) {
    changes.emplace_back("enabled");
  }
  if (before.max_runtime_in_minutes != after.max_runtime_in_minutes) {
    changes.emplace_back("max_runtime_in_minutes");
  }
  if (before.catch_up != after.catch_up) {
    changes.emplace_back("catch_up");
  }
  return changes;
}

}  // namespace

const char* to_string(SyncAction action) {
  switch (action) {
    case SyncAction::create: return "create";
    case SyncAction::update: return "update";
    case SyncAction::remove: return "delete";
    case SyncAction::unchanged: return "unchanged";
  }
  return "unchanged";
}

std::size_t SyncPlan::count(SyncAction action) const {
  return static_cast<std::size_t>(std::ranges::count_if(
      steps, [action](const SyncStep& step) { return step.action == action; }));
}

std::vector<std::int64_t> SyncPlan::deleted_seqs() const {
  std::vector<std::int64_t> seqs;
  for (const SyncStep& step : steps) {
    if (step.action == SyncAction::remove && step.job) {
      seqs.push_back(step.job->seq);
    }
  }
  std::ranges::sort(seqs);
  return seqs;
}

Result<std::vector<JobDefinition>> sync_definitions(std::span<const CreateJobRequest> entries,
                                                    std::string_view default_zone) {
  FieldErrors errors;
  std::vector<JobDefinition> definitions;
  std::map<std::string, std::size_t> first_index;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const CreateJobRequest& entry = entries[i];
    auto definition = definition_from(entry, default_zone);
    if (!definition) {
      add_entry_errors(i, definition.error(), errors);
    } else if (auto valid = validate_definition(*definition); !valid) {
      add_entry_errors(i, valid.error(), errors);
    } else {
      definitions.push_back(std::move(*definition));
    }
    if (entry.name.empty()) {
      continue;
    }
    auto [found, inserted] = first_index.emplace(entry.name, i);
    if (!inserted) {
      errors[entry_key(i, "name")].push_back("The name is already used by cron_checks." +
                                             std::to_string(found->second) +
                                             "; names must be unique in a sync.");
    }
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return definitions;
}

SyncPlan plan_sync(std::span<const JobDefinition> wanted, std::span<const Job> existing,
                   bool keep_missing) {
  std::map<std::string, const Job*, std::less<>> by_name;
  for (const Job& job : existing) {
    by_name.emplace(job.definition.name, &job);
  }
  SyncPlan plan;
  for (const JobDefinition& definition : wanted) {
    SyncStep step;
    step.name = definition.name;
    step.definition = definition;
    auto found = by_name.find(definition.name);
    if (found == by_name.end()) {
      step.action = SyncAction::create;
    } else {
      step.job = *found->second;
      step.changes = changed_fields(found->second->definition, definition);
      step.action = step.changes.empty() ? SyncAction::unchanged : SyncAction::update;
      by_name.erase(found);
    }
    plan.steps.push_back(std::move(step));
  }
  std::vector<const Job*> missing;
  for (const auto& [name, job] : by_name) {
    missing.push_back(job);
  }
  std::ranges::sort(missing, [](const Job* a, const Job* b) { return a->seq < b->seq; });
  for (const Job* job : missing) {
    SyncStep step;
    step.action = keep_missing ? SyncAction::unchanged : SyncAction::remove;
    step.name = job->definition.name;
    step.job = *job;
    step.definition = job->definition;
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

Result<void> SyncService::apply(SyncPlan& plan) {
  const Seconds now = clock_.now();
  // Deletions first, so that the plan's writes never meet a job it is about to remove.
  for (const SyncStep& step : plan.steps) {
    if (step.action == SyncAction::remove) {
      if (auto deleted = store_.delete_job(step.job->seq); !deleted) {
        return fail(deleted.error());
      }
    }
  }
  for (SyncStep& step : plan.steps) {
    if (step.action == SyncAction::update) {
      std::optional<LatestResult> mark;
      if (monitoring_changed(step.job->definition, step.definition)) {
        mark = LatestResult::cron_check_changed;  // as update marks it
      }
      if (auto stored = store_.update_definition(step.job->seq, step.definition, now, mark);
          !stored) {
        return fail(stored.error());
      }
    } else if (step.action == SyncAction::create) {
      auto inserted = store_.insert_job(step.definition, now);
      if (!inserted) {
        return fail(inserted.error());
      }
      step.job = *inserted;
    }
  }
  return install_crontab_lines(store_, crontab_);
}

Result<std::vector<JobDetails>> SyncService::all_details() {
  auto jobs = store_.all_jobs();
  if (!jobs) {
    return fail(jobs.error());
  }
  std::vector<JobDetails> details;
  for (const Job& job : *jobs) {
    auto item = jobs_.details(job);
    if (!item) {
      return fail(item.error());
    }
    details.push_back(std::move(*item));
  }
  return details;
}

Result<SyncOutcome> SyncService::sync(std::span<const CreateJobRequest> entries,
                                      std::string_view default_zone, const SyncOptions& options) {
  auto wanted = sync_definitions(entries, default_zone);
  if (!wanted) {
    return fail(wanted.error());
  }
  SyncOutcome outcome;
  // The plan is made from the jobs as the transaction sees them, so what is applied is what
  // was planned even when another process changed the jobs since.
  auto plan_from_store = [&]() -> Result<void> {
    auto existing = store_.all_jobs();
    if (!existing) {
      return fail(existing.error());
    }
    outcome.plan = plan_sync(*wanted, *existing, options.keep_missing);
    if (options.confirmed_deletions &&
        outcome.plan.deleted_seqs() != *options.confirmed_deletions) {
      return fail(Error::conflict(
          "the jobs changed since the plan was shown (another deletion is needed now); run "
          "sync again"));
    }
    return {};
  };
  Result<void> done;
  if (options.dry_run) {
    done = store_.in_read_transaction(plan_from_store);
  } else {
    done = change_jobs(store_, crontab_, [&]() -> Result<void> {
      if (auto planned = plan_from_store(); !planned) {
        return planned;
      }
      return apply(outcome.plan);
    });
  }
  if (!done) {
    return fail(done.error());
  }
  outcome.applied = !options.dry_run;
  auto details = all_details();
  if (!details) {
    return fail(details.error());
  }
  outcome.jobs = std::move(*details);
  return outcome;
}

}  // namespace certcron
