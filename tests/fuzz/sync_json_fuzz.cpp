// The bulk sync document ({"cron_checks": [...]}) of POST /sync and `certcron sync
// FILE.json`, then its entries through the sync's own checks and plan against an empty
// database.

#include "core/sync.hpp"
#include "fuzz_check.hpp"
#include "json/sync.hpp"

namespace {

using certcron::ErrorKind;
using certcron::fuzz::check;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto entries = certcron::json::parse_sync_document(certcron::fuzz::as_text(data, size));
  if (!entries) {
    const ErrorKind kind = entries.error().kind;
    check(kind == ErrorKind::usage || kind == ErrorKind::validation,
          "a bad document is a usage or validation error");
    return 0;
  }
  auto definitions = certcron::sync_definitions(*entries, "UTC");
  if (!definitions) {
    check(definitions.error().kind == ErrorKind::validation, "bad entries are a validation error");
    for (const auto& [field, messages] : definitions.error().fields) {
      check(field.starts_with("cron_checks."), "errors are keyed by entry");
    }
    return 0;
  }
  check(definitions->size() == entries->size(), "every entry has its definition");
  auto plan = certcron::plan_sync(*definitions, {}, false);
  check(plan.count(certcron::SyncAction::create) == definitions->size(),
        "over no jobs, every entry is created");
  return 0;
}
