#include "cli/commands.hpp"
#include "json/k8s_manifests.hpp"

#include <cstdio>

namespace certcron::cli {
namespace {

struct K8sCommandOptions {
  std::string action;
  std::string image = std::string("certcron:") + CERTCRON_VERSION;
  std::string secret = "certcron-db";
  std::string namespace_name;
};

void print_manifests(Context& context, const K8sCommandOptions& options) {
  json::K8sOptions manifest_options;
  manifest_options.image = options.image;
  manifest_options.secret = options.secret;
  manifest_options.namespace_name = options.namespace_name;
  manifest_options.lease_seconds = context.settings().cluster.lease_seconds;
  auto jobs = context.check(context.store().all_jobs());
  auto documents =
      context.check(json::cronjob_manifests(jobs, manifest_options, context.clock().now()));
  if (context.options.json) {
    json::Json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", json::Json::array()}};
    for (auto& document : documents) {
      list["items"].push_back(std::move(document));
    }
    context.out().print_json(list);
    return;
  }
  if (documents.empty()) {
    // Nothing on stdout, so that a pipe into `kubectl apply -f -` applies nothing.
    if (!context.options.quiet) {
      std::fputs("certcron: no jobs, so no manifests\n", stderr);
    }
    return;
  }
  bool first = true;
  for (const auto& document : documents) {
    if (!first) {
      context.out().line("---");
    }
    first = false;
    context.out().print_json(document);
  }
}

}  // namespace

void set_k8s_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<K8sCommandOptions>();
  command.add_option("action", options->action, "manifests: print a CronJob per job")
      ->required()
      ->check(CLI::IsMember({"manifests"}));
  command.add_option("--image", options->image, "Container image with certcron on its PATH");
  command.add_option("--secret", options->secret,
                     "Secret whose key `url` is the database URL (CERTCRON_DB)");
  command.add_option("--namespace", options->namespace_name,
                     "metadata.namespace of every CronJob (default: none, kubectl's)");
  command.footer(
      "manifests  print one Kubernetes CronJob (batch/v1) per job, as JSON documents between\n"
      "           `---` lines: the job's schedule in its own zone (timeZone, Kubernetes\n"
      "           1.27+), running `certcron execute ID --scheduled` against the database of\n"
      "           the Secret; disabled jobs are suspended. The database, not the cluster,\n"
      "           decides which process runs a slot, so cron hosts may share it too.\n"
      "A Job is started at most the job's grace time late (a later one would find no slot due),\n"
      "and its pod stopped 60 seconds before the claim's lease ([cluster] lease_seconds) ends.\n"
      "Nothing is printed when there is no job. Apply again after creating or changing jobs; a\n"
      "deleted job's CronJob stays until `kubectl delete cronjobs -l certcron/job-id=ID`.\n"
      "Examples:\n"
      "  kubectl create secret generic certcron-db --from-literal=url='postgresql://...'\n"
      "  certcron k8s manifests --image registry.example.com/certcron:1.2.0 | kubectl apply -f -\n"
      "  certcron k8s manifests --namespace certcron --secret certcron-db");
  command.callback([&context, options] { print_manifests(context, *options); });
}

}  // namespace certcron::cli
