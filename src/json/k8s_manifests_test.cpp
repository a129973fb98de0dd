#include "json/k8s_manifests.hpp"

#include "util/time.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace certcron;
using namespace certcron::json;

namespace {

const Seconds kNow = *util::parse_rfc3339("2026-11-30T12:00:00Z");

Job cron_job(std::int64_t seq, std::string name, std::string expression, std::string zone) {
  Job job;
  job.seq = seq;
  job.definition.name = std::move(name);
  job.definition.type = ScheduleType::cron;
  job.definition.cron_expression = std::move(expression);
  job.definition.server_timezone = std::move(zone);
  return job;
}

Job every_job(std::int64_t seq, int minutes, std::string zone) {
  Job job = cron_job(seq, "every" + std::to_string(minutes), "", std::move(zone));
  job.definition.type = ScheduleType::simple;
  job.definition.frequency_in_minutes = minutes;
  return job;
}

K8sOptions options() {
  K8sOptions result;
  result.image = "certcron:test";
  return result;
}

Json only_manifest(const Job& job, const K8sOptions& with = options()) {
  auto documents = cronjob_manifests({job}, with, kNow);
  REQUIRE(documents);
  REQUIRE(documents->size() == 1);
  return documents->front();
}

// RFC 1123 label: lowercase letters, digits and '-', a letter or digit at both ends.
bool is_dns_label(const std::string& name) {
  if (name.empty() || name.front() == '-' || name.back() == '-') {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_SUITE("json.k8s_manifests") {
  TEST_CASE("a name is the prefix, the job id and the name made a DNS label") {
    CHECK(cronjob_name(cron_job(1, "nightly_expiry_check", "0 2 * * *", "UTC")) ==
          "certcron-cron-001-nightly-expiry-check");
    CHECK(cronjob_name(cron_job(2, "  Weekly  Review!! ", "0 2 * * *", "UTC")) ==
          "certcron-cron-002-weekly-review");
  }

  TEST_CASE("a long name is cut to 52 characters, keeping the whole id, never ending in '-'") {
    std::string long_name(255, 'a');
    std::string name = cronjob_name(cron_job(7, long_name, "0 2 * * *", "UTC"));
    CHECK(name.size() == kCronJobNameLimit);
    CHECK(name.starts_with("certcron-cron-007-aaaa"));
    CHECK(is_dns_label(name));
    // A cut that falls on a separator drops it rather than ending the label with it.
    std::string words = std::string(34, 'b') + " c";
    std::string cut = cronjob_name(cron_job(8, words, "0 2 * * *", "UTC"));
    CHECK(cut == "certcron-cron-008-" + std::string(34, 'b'));
    std::string at_limit =
        cronjob_name(cron_job(9, std::string(33, 'b') + " cd", "0 2 * * *", "UTC"));
    CHECK(at_limit == "certcron-cron-009-" + std::string(33, 'b'));
    CHECK(is_dns_label(at_limit));
  }

  TEST_CASE("a large job id is kept whole, the name giving way") {
    std::string name =
        cronjob_name(cron_job(9223372036854775807, std::string(80, 'x'), "0 2 * * *", "UTC"));
    CHECK(name.starts_with("certcron-cron-9223372036854775807-x"));
    CHECK(name.size() <= kCronJobNameLimit);
    CHECK(is_dns_label(name));
  }

  TEST_CASE("non-ASCII letters become separators; a name of none gives the id alone") {
    CHECK(cronjob_name(cron_job(2, "Überprüfung der Zertifikate", "0 2 * * *", "UTC")) ==
          "certcron-cron-002-berpr-fung-der-zertifikate");
    CHECK(cronjob_name(cron_job(3, "証明書の確認", "0 2 * * *", "UTC")) == "certcron-cron-003");
    CHECK(cronjob_name(cron_job(4, "___", "0 2 * * *", "UTC")) == "certcron-cron-004");
  }

  TEST_CASE("jobs with one name, or names that reduce alike, get distinct names") {
    std::set<std::string> names;
    const std::string long_name(200, 'z');
    for (std::int64_t seq = 1; seq <= 1200; ++seq) {
      std::string name =
          cronjob_name(cron_job(seq, seq % 2 ? long_name : "Zert prüfung", "0 2 * * *", "UTC"));
      CHECK(is_dns_label(name));
      CHECK(name.size() <= kCronJobNameLimit);
      names.insert(name);
    }
    CHECK(names.size() == 1200);
  }

  TEST_CASE("a cron job keeps its expression, read in its own zone") {
    Json manifest = only_manifest(cron_job(1, "nightly", "30 2 * * 1-5", "Europe/Brussels"));
    CHECK(manifest["apiVersion"] == "batch/v1");
    CHECK(manifest["kind"] == "CronJob");
    CHECK(manifest["spec"]["schedule"] == "30 2 * * 1-5");
    CHECK(manifest["spec"]["timeZone"] == "Europe/Brussels");
  }

  TEST_CASE("Sunday written as 7 becomes 0, which the cluster's parser takes") {
    CHECK(only_manifest(cron_job(1, "n", "0 2 * * 7", "UTC"))["spec"]["schedule"] == "0 2 * * 0");
    CHECK(only_manifest(cron_job(2, "n", "0 2 1 * 5-7", "UTC"))["spec"]["schedule"] ==
          "0 2 1 * 0,5,6");
    CHECK(only_manifest(cron_job(3, "n", "0 2 * * 1-7/2", "UTC"))["spec"]["schedule"] ==
          "0 2 * * 0,1,3,5");
    CHECK(only_manifest(cron_job(4, "n", "0 2 * * */2", "UTC"))["spec"]["schedule"] ==
          "0 2 * * */2");
    CHECK(only_manifest(cron_job(5, "n", "@weekly", "UTC"))["spec"]["schedule"] == "@weekly");
  }

  TEST_CASE("an every-N job gets the crontab line's fields in its zone, superset where needed") {
    // Slots every 20 minutes from the epoch fall on :10, :30 and :50 in a zone 5:30 ahead.
    CHECK(only_manifest(every_job(1, 20, "Asia/Kolkata"))["spec"]["schedule"] ==
          "10,30,50 * * * *");
    CHECK(only_manifest(every_job(2, 15, "Europe/Brussels"))["spec"]["schedule"] ==
          "0,15,30,45 * * * *");
    // Every 7 minutes has no cron form: every minute, and execute --scheduled picks the slots.
    CHECK(only_manifest(every_job(3, 7, "UTC"))["spec"]["schedule"] == "* * * * *");
    // Every 2 hours from UTC midnight, in a zone that changes offset: both offsets' hours.
    CHECK(only_manifest(every_job(4, 120, "Europe/Brussels"))["spec"]["schedule"] == "0 * * * *");
  }

  TEST_CASE("a disabled job is suspended, an enabled one explicitly not") {
    Job job = cron_job(1, "nightly", "0 2 * * *", "UTC");
    CHECK(only_manifest(job)["spec"]["suspend"] == false);
    job.definition.enabled = false;
    CHECK(only_manifest(job)["spec"]["suspend"] == true);
  }

  TEST_CASE("the starting deadline is the job's grace time, the active deadline below the lease") {
    Job job = cron_job(1, "nightly", "0 2 * * *", "UTC");
    job.definition.grace_time_in_minutes = 30;
    Json manifest = only_manifest(job);
    CHECK(manifest["spec"]["startingDeadlineSeconds"] == 1800);
    CHECK(manifest["spec"]["concurrencyPolicy"] == "Forbid");
    const Json& job_spec = manifest["spec"]["jobTemplate"]["spec"];
    CHECK(job_spec["activeDeadlineSeconds"] == 900 - kLeaseMarginSeconds);
    CHECK(job_spec["backoffLimit"] == 0);
    CHECK(job_spec["template"]["spec"]["restartPolicy"] == "Never");
  }

  TEST_CASE("a lease too short for a run is refused, naming the setting") {
    CHECK(active_deadline_seconds(kMinActiveDeadlineSeconds + kLeaseMarginSeconds) ==
          kMinActiveDeadlineSeconds);
    auto refused = active_deadline_seconds(kMinActiveDeadlineSeconds + kLeaseMarginSeconds - 1);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
    CHECK(refused.error().message.find("lease_seconds") != std::string::npos);
    K8sOptions short_lease = options();
    short_lease.lease_seconds = 60;
    CHECK_FALSE(cronjob_manifests({cron_job(1, "n", "0 2 * * *", "UTC")}, short_lease, kNow));
  }

  TEST_CASE("labels on the CronJob and its pods; the database from the Secret, the owner the Job") {
    Json manifest = only_manifest(cron_job(12, "nightly", "0 2 * * *", "UTC"));
    const Json expected_labels = {{"app.kubernetes.io/managed-by", "certcron"},
                                  {"certcron/job-id", "cron-012"}};
    CHECK(manifest["metadata"]["labels"] == expected_labels);
    CHECK(manifest["metadata"]["annotations"]["certcron/job-name"] == "nightly");
    CHECK(manifest["spec"]["jobTemplate"]["metadata"]["labels"] == expected_labels);
    const Json& pod = manifest["spec"]["jobTemplate"]["spec"]["template"];
    CHECK(pod["metadata"]["labels"] == expected_labels);
    const Json& container = pod["spec"]["containers"][0];
    CHECK(container["image"] == "certcron:test");
    CHECK(container["args"] == Json::array({"execute", "cron-012", "--scheduled"}));
    CHECK(container["env"][0]["name"] == "CERTCRON_DB");
    CHECK(container["env"][0]["valueFrom"]["secretKeyRef"]["name"] == "certcron-db");
    CHECK(container["env"][0]["valueFrom"]["secretKeyRef"]["key"] == "url");
    CHECK(container["env"][1]["valueFrom"]["fieldRef"]["fieldPath"] ==
          "metadata.labels['batch.kubernetes.io/job-name']");
  }

  TEST_CASE("a namespace only when one is given, and only a valid one") {
    Job job = cron_job(1, "nightly", "0 2 * * *", "UTC");
    CHECK_FALSE(only_manifest(job)["metadata"].contains("namespace"));
    K8sOptions in_namespace = options();
    in_namespace.namespace_name = "certcron";
    CHECK(only_manifest(job, in_namespace)["metadata"]["namespace"] == "certcron");
    in_namespace.namespace_name = "Not_A_Label";
    auto refused = cronjob_manifests({job}, in_namespace, kNow);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::usage);
    K8sOptions bad_secret = options();
    bad_secret.secret = "-db";
    CHECK_FALSE(cronjob_manifests({job}, bad_secret, kNow));
    K8sOptions bad_image = options();
    bad_image.image = "";
    CHECK_FALSE(cronjob_manifests({job}, bad_image, kNow));
  }

  TEST_CASE("documents come in id order with keys in a fixed order") {
    std::vector<Job> jobs{cron_job(3, "c", "0 3 * * *", "UTC"),
                          cron_job(1, "a", "0 1 * * *", "UTC")};
    auto documents = cronjob_manifests(jobs, options(), kNow);
    REQUIRE(documents);
    REQUIRE(documents->size() == 2);
    CHECK((*documents)[0]["metadata"]["name"] == "certcron-cron-001-a");
    CHECK((*documents)[1]["metadata"]["name"] == "certcron-cron-003-c");
    std::vector<std::string> keys;
    for (const auto& item : (*documents)[0]["spec"].items()) {
      keys.push_back(item.key());
    }
    CHECK(keys == std::vector<std::string>{"schedule", "timeZone", "startingDeadlineSeconds",
                                           "concurrencyPolicy", "suspend",
                                           "successfulJobsHistoryLimit", "failedJobsHistoryLimit",
                                           "jobTemplate"});
  }

  TEST_CASE("no jobs, no documents; a job whose schedule no longer parses is named") {
    auto none = cronjob_manifests({}, options(), kNow);
    REQUIRE(none);
    CHECK(none->empty());
    auto broken = cronjob_manifests({cron_job(5, "x", "61 * * * *", "UTC")}, options(), kNow);
    REQUIRE_FALSE(broken);
    CHECK(broken.error().message.find("cron-005") != std::string::npos);
  }
}
