#include "json/k8s_manifests.hpp"

#include "core/job_schedule.hpp"
#include "core/schedule/cron_syntax.hpp"
#include "crontab/schedule_fields.hpp"

#include <algorithm>
#include <bitset>
#include <map>
#include <sstream>

namespace certcron::json {
namespace {

constexpr std::string_view kNamePrefix = "certcron-";
// Kubernetes' defaults are 3 and 1; a failed run's pod (and its log) is worth keeping as
// long as the successful ones'.
constexpr int kSuccessfulJobsHistoryLimit = 3;
constexpr int kFailedJobsHistoryLimit = 3;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Lowercase ASCII letters and digits, every other run of bytes (a space, '_', a UTF-8
// sequence) one hyphen, none at either end.
std::string slug_of(std::string_view name) {
  std::string slug;
  bool pending_hyphen = false;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (!is_lower_alnum(c)) {
      pending_hyphen = true;
      continue;
    }
    if (pending_hyphen && !slug.empty()) {
      slug += '-';
    }
    pending_hyphen = false;
    slug += c;
  }
  return slug;
}

Json labels_of(const Job& job) {
  Json labels = Json::object();
  labels[std::string(kManagedByLabel)] = "certcron";
  labels[std::string(kJobIdLabel)] = job.id();
  return labels;
}

// The database URL comes from a Secret, never the manifest; the claim's owner is the Job,
// whose name (the CronJob's and the slot's minute) the Job controller puts on its pods as the
// label batch.kubernetes.io/job-name since Kubernetes 1.27, the version timeZone needs too.
Json environment(const K8sOptions& options) {
  Json database = {
      {"name", "CERTCRON_DB"},
      {"valueFrom", {{"secretKeyRef", {{"name", options.secret}, {"key", options.secret_key}}}}},
  };
  Json owner = {
      {"name", "CERTCRON_OWNER"},
      {"valueFrom",
       {{"fieldRef", {{"fieldPath", "metadata.labels['batch.kubernetes.io/job-name']"}}}}},
  };
  return Json::array({database, owner});
}

Json pod_template(const Job& job, const K8sOptions& options) {
  Json container = {
      {"name", "certcron"},
      {"image", options.image},
      {"command", Json::array({"certcron"})},
      {"args", Json::array({"execute", job.id(), "--scheduled"})},
      {"env", environment(options)},
  };
  return {
      {"metadata", {{"labels", labels_of(job)}}},
      {"spec",
       {
           // A failed run is recorded as such; running it again in a new pod would be a
           // second run of the slot (execute --scheduled would find the slot taken anyway).
           {"restartPolicy", "Never"},
           {"terminationGracePeriodSeconds", kTerminationGraceSeconds},
           {"containers", Json::array({container})},
       }},
  };
}

Json cronjob(const Job& job, const std::string& schedule_text, const K8sOptions& options,
             int active_deadline) {
  Json metadata = {{"name", cronjob_name(job)}};
  if (!options.namespace_name.empty()) {
    metadata["namespace"] = options.namespace_name;
  }
  metadata["labels"] = labels_of(job);
  metadata["annotations"] = {{std::string(kJobNameAnnotation), job.definition.name}};
  Json job_spec = {
      // A retry would be a second run of the slot: the failed run is recorded, and what it
      // could not deliver is retried by the next run, as on a cron host.
      {"backoffLimit", 0},
      // The pod is gone before its claim's lease could let another process take the slot over.
      {"activeDeadlineSeconds", active_deadline},
      {"template", pod_template(job, options)},
  };
  Json spec = {
      {"schedule", schedule_text},
      {"timeZone", job.definition.server_timezone},
      // execute --scheduled runs the latest slot no older than the job's grace time
      // (RunService::due_slot): a Job started later than that would find nothing to run, and
      // one started within it is never refused by the cluster.
      {"startingDeadlineSeconds", job.definition.grace_time_in_minutes * 60},
      {"concurrencyPolicy", "Forbid"},
      {"suspend", !job.definition.enabled},
      {"successfulJobsHistoryLimit", kSuccessfulJobsHistoryLimit},
      {"failedJobsHistoryLimit", kFailedJobsHistoryLimit},
      {"jobTemplate", {{"metadata", {{"labels", labels_of(job)}}}, {"spec", job_spec}}},
  };
  return {
      {"apiVersion", "batch/v1"},
      {"kind", "CronJob"},
      {"metadata", metadata},
      {"spec", spec},
  };
}

// The cluster's cron parser takes day of week 0 to 6 only, where cron also takes 7 for Sunday:
// a day-of-week field naming 7 becomes the list of its days, 0 to 6 (still restricted, so
// cron's either-day rule is kept).
std::string kubernetes_schedule(const std::string& fields) {
  std::istringstream words(fields);
  std::vector<std::string> parts;
  for (std::string word; words >> word;) {
    parts.push_back(word);
  }
  if (parts.size() != 5) {
    return fields;  // a macro such as @daily, which the cluster takes as it is
  }
  using schedule::syntax::FieldItem;
  auto day_of_week =
      schedule::syntax::parse_field(schedule::syntax::FieldId::day_of_week, parts[4]);
  if (!day_of_week ||
      std::none_of(day_of_week->items.begin(), day_of_week->items.end(), [](const FieldItem& item) {
        return item.kind != FieldItem::Kind::star && (item.first == 7 || item.last == 7);
      })) {
    return fields;
  }
  std::bitset<7> days;
  for (const FieldItem& item : day_of_week->items) {
    for (int day = item.first; day <= item.last; day += item.step) {
      days.set(static_cast<std::size_t>(day % 7));
    }
  }
  std::string list;
  for (std::size_t day = 0; day < days.size(); ++day) {
    if (days.test(day)) {
      list += (list.empty() ? "" : ",") + std::to_string(day);
    }
  }
  parts[4] = list;
  return parts[0] + " " + parts[1] + " " + parts[2] + " " + parts[3] + " " + parts[4];
}

// A validation error carries its detail in the per-field messages.
std::string error_text(const Error& error) {
  std::string text = error.message;
  for (const auto& [field, messages] : error.fields) {
    for (const auto& message : messages) {
      text += " " + field + ": " + message;
    }
  }
  return text;
}

// RFC 1123: a DNS label (a namespace) or a DNS subdomain (a Secret's name).
bool is_dns_name(std::string_view text, std::size_t limit, bool dots) {
  if (text.empty() || text.size() > limit || !is_lower_alnum(text.front()) ||
      !is_lower_alnum(text.back())) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [dots](char c) {
    return is_lower_alnum(c) || c == '-' || (dots && c == '.');
  });
}

Result<void> check_options(const K8sOptions& options) {
  if (options.image.empty() || options.image.find_first_of(" \t\n\r") != std::string::npos) {
    return fail(
        Error::usage("--image must name an image, without spaces (e.g. "
                     "registry.example.com/certcron:1.2.0)"));
  }
  if (!is_dns_name(options.secret, 253, true)) {
    return fail(
        Error::usage("--secret must be the name of a Secret: lowercase letters, digits, "
                     "'-' and '.', starting and ending with a letter or digit"));
  }
  if (!options.namespace_name.empty() && !is_dns_name(options.namespace_name, 63, false)) {
    return fail(
        Error::usage("--namespace must be a namespace's name: at most 63 lowercase "
                     "letters, digits and '-', starting and ending with a letter or "
                     "digit"));
  }
  return {};
}

}  // namespace

std::string cronjob_name(const Job& job) {
  std::string name = std::string(kNamePrefix) + job.id();
  std::string slug = slug_of(job.definition.name);
  if (!slug.empty() && name.size() + 2 <= kCronJobNameLimit) {
    slug.resize(std::min(slug.size(), kCronJobNameLimit - name.size() - 1));
    while (!slug.empty() && slug.back() == '-') {
      slug.pop_back();
    }
    if (!slug.empty()) {
      name += "-" + slug;
    }
  }
  return name;
}

Result<int> active_deadline_seconds(int lease_seconds) {
  int deadline = lease_seconds - kLeaseMarginSeconds;
  if (deadline < kMinActiveDeadlineSeconds) {
    return fail(Error::usage(
        "the claim lease ([cluster] lease_seconds) is " + std::to_string(lease_seconds) +
        " seconds; Kubernetes manifests need at least " +
        std::to_string(kMinActiveDeadlineSeconds + kLeaseMarginSeconds) + " (a pod is stopped " +
        std::to_string(kLeaseMarginSeconds) +
        " seconds before its claim could be taken over, and a run needs time): raise it"));
  }
  return deadline;
}

Result<std::vector<Json>> cronjob_manifests(const std::vector<Job>& jobs, const K8sOptions& options,
                                            std::chrono::sys_seconds now) {
  if (auto checked = check_options(options); !checked) {
    return fail(checked.error());
  }
  auto deadline = active_deadline_seconds(options.lease_seconds);
  if (!deadline) {
    return fail(deadline.error());
  }
  std::vector<const Job*> ordered;
  for (const auto& job : jobs) {
    ordered.push_back(&job);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const Job* a, const Job* b) { return a->seq < b->seq; });
  // The schedule is read in the job's own zone (timeZone), so the zone plays the host's part
  // of a crontab line: one planner per zone.
  std::map<std::string, crontab::CronFieldsPlanner, std::less<>> planners;
  std::vector<Json> documents;
  for (const Job* job : ordered) {
    auto schedule = schedule_for(job->definition);
    if (!schedule) {
      return fail(Error::failed("job " + job->id() + " has a schedule Kubernetes cannot use: " +
                                error_text(schedule.error())));
    }
    const std::string& zone = job->definition.server_timezone;
    auto planner = planners.find(zone);
    if (planner == planners.end()) {
      auto created = crontab::CronFieldsPlanner::create(zone, now);
      if (!created) {
        return fail(created.error());
      }
      planner = planners.emplace(zone, std::move(*created)).first;
    }
    crontab::CronFields fields = planner->second.fields_for(*schedule);
    documents.push_back(cronjob(*job, kubernetes_schedule(fields.fields), options, *deadline));
  }
  return documents;
}

}  // namespace certcron::json
