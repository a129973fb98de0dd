#pragma once

// Request bodies of the API: JSON objects whose fields become the core's request types. A body
// that is not JSON, not an object, or holds a field of the wrong JSON type is a usage error
// (HTTP 400) naming the field; what the values mean is checked by the core (422), and so is a
// string value that is not text (not UTF-8, a raw control character: json/parse.hpp).

#include "core/error.hpp"
#include "core/job_service.hpp"
#include "core/requests.hpp"

#include <string_view>

namespace certcron::http {

// `required` names the fields this API requires beyond the core's rules (the monitoring seed's
// routes: kSeedRequiredFields); a missing one is a validation error on that field.
Result<CreateJobRequest> parse_create_body(std::string_view body,
                                           const RequiredFields& required = {});
Result<JobChanges> parse_update_body(std::string_view body);
// {"dry_run": bool}; an empty body means {}.
Result<bool> parse_execute_body(std::string_view body);

// {"minutes": N} for snooze; the core checks the range.
Result<int> parse_snooze_body(std::string_view body);
// A request that takes no field (unsnooze): an empty body or {}.
Result<void> parse_empty_body(std::string_view body);

// ?page=&limit= (defaults 1 and 20); a value that is not a whole number is a validation error
// on that field.
Result<PageRequest> parse_page_query(std::optional<std::string_view> page,
                                     std::optional<std::string_view> limit);

}  // namespace certcron::http
