#pragma once

// `certcron k8s manifests`: one Kubernetes CronJob (batch/v1) per job, running
// `certcron execute ID --scheduled` against the shared database, so that the database (not
// the cluster) decides which process runs a slot. Pure: jobs and options in, documents out;
// keys are written in a fixed order so that the output can be compared with golden files.

#include "core/error.hpp"
#include "core/job.hpp"
#include "json/shapes.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::json {

// Kubernetes limits a CronJob's name to 52 characters: the Job controller appends
// "-<minutes since the epoch>" (up to 11 characters) to name each Job within the 63 of a
// label value.
inline constexpr std::size_t kCronJobNameLimit = 52;

// The pod is stopped this long before its run's claim could be taken over (the claim's lease
// counts from the claim, which comes after the Job started): the pod's termination grace
// period (kTerminationGraceSeconds) plus as much again for the clocks of the cluster and the
// database host to differ.
inline constexpr int kTerminationGraceSeconds = 30;
inline constexpr int kLeaseMarginSeconds = 2 * kTerminationGraceSeconds;
// A run gets at least this long before its pod is stopped; a shorter lease is refused.
inline constexpr int kMinActiveDeadlineSeconds = 60;

// Both kept, so that `kubectl get cronjobs -l app.kubernetes.io/managed-by=certcron` lists
// them and the job id selects one job's CronJob, Jobs and pods.
inline constexpr std::string_view kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr std::string_view kJobIdLabel = "certcron/job-id";
// The job's name as given (a name is reduced to a DNS label, which loses most of it).
inline constexpr std::string_view kJobNameAnnotation = "certcron/job-name";

struct K8sOptions {
  std::string image;                   // the container image; certcron on its PATH
  std::string secret = "certcron-db";  // the Secret whose key "url" is the database
  std::string secret_key = "url";
  std::string namespace_name;  // empty: no metadata.namespace
  int lease_seconds = 900;     // settings.cluster.lease_seconds
};

// "certcron-cron-001-nightly-expiry-check": the prefix, the job id in full (unique and stable
// across renames of the job), then as much of the name, reduced to lowercase ASCII letters,
// digits and single hyphens, as fits in kCronJobNameLimit. A DNS label.
std::string cronjob_name(const Job& job);

// The lease minus kLeaseMarginSeconds; ErrorKind::usage when that leaves a run less than
// kMinActiveDeadlineSeconds.
Result<int> active_deadline_seconds(int lease_seconds);

// One CronJob per job, in id order; disabled jobs suspended. `now` bounds the zone offsets the
// every-N schedules are computed for (as for the crontab lines). An error names a job whose
// stored schedule no longer parses.
Result<std::vector<Json>> cronjob_manifests(const std::vector<Job>& jobs, const K8sOptions& options,
                                            std::chrono::sys_seconds now);

}  // namespace certcron::json
