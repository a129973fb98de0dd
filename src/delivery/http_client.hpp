#pragma once

// One HTTP(S) request through libcurl (loaded on first use, curl_library.hpp): the webhook's
// POST and the monitoring heartbeat's GET.

#include "core/error.hpp"

#include <chrono>
#include <string>
#include <string_view>
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
// whose message gives the status (and the start of the answer) or curl's reason, naming the
// URL as url_for_messages shows it.
Result<void> send_http(const HttpCall& call, const char* curl_library);

// What messages, logs and run records show of a URL: its scheme, host and port, then "/…" if
// it had more. The rest can be a credential: a chat webhook's path is its secret, and a URL
// may carry user:password@ or a token in its query.
std::string url_for_messages(std::string_view url);

}  // namespace certcron::delivery
