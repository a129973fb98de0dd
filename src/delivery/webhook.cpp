#include "delivery/webhook.hpp"

#include "delivery/curl_library.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace certcron::delivery {
namespace {

constexpr std::size_t kMaxKeptAnswer = 200;

std::size_t keep_answer_start(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<std::string*>(user);
  const std::size_t bytes = size * count;
  if (answer->size() < kMaxKeptAnswer) {
    answer->append(data, std::min(bytes, kMaxKeptAnswer - answer->size()));
  }
  return bytes;
}

}  // namespace

std::string webhook_payload(const reminders::Message& message) {
  const nlohmann::json payload = {
      {"message_id", message.message_id},
      {"to", reminders::format_mailbox(message.to_name, message.to_email)},
      {"name", message.to_name},
      {"email", message.to_email},
      {"mentor_id", message.mentor_id},
      {"certification", message.certification},
      {"expires_on", message.expires_on},
      {"days_left", message.days_left},
      {"threshold", message.threshold},
      {"expired", message.threshold == reminders::kExpiredThreshold},
      {"subject", message.subject},
      {"body", message.body},
  };
  // Replace invalid UTF-8 rather than throw: the import only lets valid UTF-8 in, but alerts
  // may carry program output.
  return payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<void> WebhookDelivery::deliver(const reminders::Message& message) {
  auto api = load_curl(curl_library_.c_str());
  if (!api) {
    return fail(api.error());
  }
  const CurlApi& curl = **api;
  std::unique_ptr<CURL, decltype(curl.easy_cleanup)> handle(curl.easy_init(), curl.easy_cleanup);
  if (!handle) {
    return fail(Error::failed("libcurl could not create a request"));
  }
  curl_slist* raw_headers = curl.slist_append(nullptr, "Content-Type: application/json");
  raw_headers = curl.slist_append(raw_headers, ("Idempotency-Key: " + message.message_id).c_str());
  std::unique_ptr<curl_slist, decltype(curl.slist_free_all)> headers(raw_headers,
                                                                     curl.slist_free_all);
  const std::string body = webhook_payload(message);
  std::string answer;
  char error_text[CURL_ERROR_SIZE] = {};
  CURL* h = handle.get();
  const long timeout = static_cast<long>(timeout_.count());
  curl.easy_setopt(h, CURLOPT_URL, url_.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(h, CURLOPT_POST, 1L);
  curl.easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl.easy_setopt(h, CURLOPT_USERAGENT, "certcron/" CERTCRON_VERSION);
  curl.easy_setopt(h, CURLOPT_TIMEOUT, timeout);
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, &keep_answer_start);
  curl.easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  if (const CURLcode code = curl.easy_perform(h); code != CURLE_OK) {
    return fail(Error::failed(
        "webhook " + url_ + ": " +
        (error_text[0] != '\0' ? std::string(error_text) : std::string(curl.easy_strerror(code)))));
  }
  long status = 0;
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    std::string text = "webhook " + url_ + " answered HTTP " + std::to_string(status);
    if (!answer.empty()) {
      text += ": " + answer;
    }
    return fail(Error::failed(std::move(text)));
  }
  return {};
}

}  // namespace certcron::delivery
