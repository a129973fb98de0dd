#pragma once

// One HTTP(S) request through libcurl (loaded on first use, curl_library.hpp): the webhook's
// POST and the monitoring heartbeat's GET.

#include "core/error.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace certcron::delivery {

struct HttpCall {
  std::string what;  // how errors name the request: "webhook", "heartbeat"
  std::string url;   // http:// or https:// only
  std::chrono::seconds timeout{30};
  bool post = false;                 // POST `body`, else GET
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
};

// A 2xx answer is success; any other status, a connection error or the timeout is a failure
// whose message gives the status (and the start of the answer) or curl's reason.
Result<void> send_http(const HttpCall& call, const char* curl_library);

}  // namespace certcron::delivery
