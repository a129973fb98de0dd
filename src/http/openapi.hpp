#pragma once

#include <string_view>

namespace certcron::http {

// The OpenAPI 3.1 document of every route `certcron serve` answers (src/http/openapi.json,
// embedded at build time).
std::string_view openapi_document();

}  // namespace certcron::http
