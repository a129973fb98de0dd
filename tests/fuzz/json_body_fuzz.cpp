// The request bodies of both HTTP APIs (certcron's /api/v1 and the monitoring seed's routes)
// and the page query, then a create through the core's request rules.
//
// Input: byte 0 picks the reader, the rest is the body. A create body the seed's stricter
// API accepts must also be accepted by certcron's, as the same request.

#include "core/job_service.hpp"
#include "core/requests.hpp"
#include "fuzz_check.hpp"
#include "http/body.hpp"

namespace {

using certcron::ErrorKind;
using certcron::fuzz::check;
namespace http = certcron::http;

template <class T>
void check_refusal(const certcron::Result<T>& result) {
  if (!result) {
    const ErrorKind kind = result.error().kind;
    check(kind == ErrorKind::usage || kind == ErrorKind::validation,
          "a bad body is a usage or validation error");
  }
}

bool same_request(const certcron::CreateJobRequest& a, const certcron::CreateJobRequest& b) {
  return a.name == b.name && a.description == b.description && a.type == b.type &&
         a.cron_expression == b.cron_expression && a.frequency_in_minutes == b.frequency_in_minutes &&
         a.grace_time_in_minutes == b.grace_time_in_minutes &&
         a.server_timezone == b.server_timezone && a.enabled == b.enabled &&
         a.max_runtime_in_minutes == b.max_runtime_in_minutes && a.catch_up == b.catch_up;
}

void check_create(std::string_view body) {
  auto request = http::parse_create_body(body);
  auto seed_request = http::parse_create_body(body, certcron::kSeedRequiredFields);
  check_refusal(request);
  check_refusal(seed_request);
  if (seed_request) {
    check(request.has_value() && same_request(*request, *seed_request),
          "what the seed's API accepts, certcron's accepts the same");
  }
  if (request) {
    if (auto definition = certcron::definition_from(*request, "UTC")) {
      (void)certcron::validate_definition(*definition);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  const std::string_view body = certcron::fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      check_create(body);
      break;
    case 1:
      check_refusal(http::parse_update_body(body));
      break;
    case 2:
      check_refusal(http::parse_execute_body(body));
      break;
    case 3:
      check_refusal(http::parse_snooze_body(body));
      break;
    case 4:
      check_refusal(http::parse_empty_body(body));
      break;
    default: {
      // ?page=...&limit=...: the two values, split at the first '&'.
      const auto split = body.find('&');
      check_refusal(http::parse_page_query(
          body.substr(0, split),
          split == std::string_view::npos ? std::nullopt
                                          : std::optional(body.substr(split + 1))));
      break;
    }
  }
  return 0;
}
