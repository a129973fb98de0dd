// The jobs file of `certcron sync` (TOML), then its jobs through the sync's own checks and
// plan, as `certcron sync FILE.toml` runs them against an empty database.

#include "config/sync_file.hpp"
#include "core/sync.hpp"
#include "fuzz_check.hpp"
#include "toml_input.hpp"

#include <string>

namespace {

using certcron::fuzz::check;

const std::string kPath = "/srv/certcron/jobs.sync.toml";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (certcron::fuzz::has_toml_whitespace_table_bug(certcron::fuzz::as_text(data, size))) {
    return -1;  // not added to the corpus
  }
  auto file = certcron::config::read_sync_toml(certcron::fuzz::as_text(data, size), kPath);
  if (!file) {
    check(file.error().kind == certcron::ErrorKind::usage, "a bad file is a usage error");
    check(file.error().message.starts_with(kPath + ":"), "the message starts with the file");
    return 0;
  }
  check(file->jobs.size() == file->lines.size(), "every job has its line");
  auto definitions = certcron::sync_definitions(file->jobs, "UTC");
  if (!definitions) {
    check(definitions.error().kind == certcron::ErrorKind::validation,
          "bad jobs are a validation error");
    return 0;
  }
  check(definitions->size() == file->jobs.size(), "every job has its definition");
  auto plan = certcron::plan_sync(*definitions, {}, false);
  check(plan.count(certcron::SyncAction::create) == definitions->size(),
        "over no jobs, every job is created");
  return 0;
}
