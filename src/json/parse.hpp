#pragma once

// JSON that a client sends (API bodies, the seed's sync document). Text that is not JSON is a
// usage error (HTTP 400); but JSON whose only fault is a string value that is not text — a
// byte that is not UTF-8, an escaped lone surrogate, a raw control character — is a
// validation error (422) on that value's field, as any other bad value is.

#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace certcron::json {

// `text` parsed. A bad string value is an error on its path ("name", "cron_checks.1.name")
// with the core's message for it (invalid_text_message), its byte counted in the decoded
// value; any other fault is Error::usage(not_json).
Result<nlohmann::json> parse_client_json(std::string_view text, const std::string& not_json);

// A whole-number value (is_number_integer()) as an int; nullopt when it is outside int's
// range, 2^63 to 2^64-1 included (read as int64 they would wrap to negative numbers).
std::optional<int> whole_number_as_int(const nlohmann::json& value);

}  // namespace certcron::json
