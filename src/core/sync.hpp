#pragma once

// Bulk sync (the monitoring seed's "destructive" sync): a list of jobs keyed by name becomes
// the jobs of the database. Names that exist are updated in place (id, uuid and runs kept),
// new names are created, and jobs the list does not name are deleted unless keep_missing.
// Every entry is validated first (errors keyed "cron_checks.N.field", N from 0 in list
// order); then the whole plan is applied in one transaction with the crontab installed once
// at its end, so that any failure leaves the database and the crontab as they were.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job.hpp"
#include "core/job_service.hpp"
#include "core/requests.hpp"
#include "core/store.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace certcron {

enum class SyncAction { create, update, remove, unchanged };

// "create", "update", "delete", "unchanged".
const char* to_string(SyncAction action);

struct SyncStep {
  SyncAction action = SyncAction::unchanged;
  std::string name;
  // The stored job: none for a create until it is applied.
  std::optional<Job> job;
  // What the list asks for (create, update, unchanged); the current definition for a delete.
  JobDefinition definition;
  // The fields an update changes, in the seed's names and order ("cron_expression", ...).
  std::vector<std::string> changes;
};

struct SyncPlan {
  // The list's entries in its order, then the deletions in id order.
  std::vector<SyncStep> steps;

  std::size_t count(SyncAction action) const;
  // The sequences of the jobs the plan deletes, in id order.
  std::vector<std::int64_t> deleted_seqs() const;
};

struct SyncOptions {
  bool keep_missing = false;  // jobs the list does not name stay (as unchanged)
  bool dry_run = false;       // compute the plan, change nothing
  // When set, the sync is refused (ErrorKind::conflict) unless the jobs it deletes are exactly
  // these: the deletions an administrator confirmed, against jobs created meanwhile.
  std::optional<std::vector<std::int64_t>> confirmed_deletions;
};

struct SyncOutcome {
  SyncPlan plan;
  bool applied = false;
  // Every job after the sync, in id order (for a dry run: as they are).
  std::vector<JobDetails> jobs;
};

// The definitions the entries ask for, each checked by the rules of create; all problems of
// all entries at once, keyed "cron_checks.N.field". A name given twice is an error on the
// later entry.
Result<std::vector<JobDefinition>> sync_definitions(std::span<const CreateJobRequest> entries,
                                                    std::string_view default_zone);

// What syncing `wanted` (valid, distinct names) over `existing` does.
SyncPlan plan_sync(std::span<const JobDefinition> wanted, std::span<const Job> existing,
                   bool keep_missing);

class SyncService {
 public:
  SyncService(JobStore& store, const Clock& clock, CrontabSync* crontab, JobService& jobs)
      : store_(store), clock_(clock), crontab_(crontab), jobs_(jobs) {}

  // Validates, plans and (unless dry_run) applies. `default_zone` is the zone of entries
  // that name none.
  Result<SyncOutcome> sync(std::span<const CreateJobRequest> entries,
                           std::string_view default_zone, const SyncOptions& options);

 private:
  Result<void> apply(SyncPlan& plan);
  Result<std::vector<JobDetails>> all_details();

  JobStore& store_;
  const Clock& clock_;
  CrontabSync* crontab_;
  JobService& jobs_;
};

}  // namespace certcron
