#include "delivery/http_client.hpp"

#include "delivery/curl_library.hpp"

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

std::string url_for_messages(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return "(a URL without a scheme)";
  }
  const std::size_t authority_start = scheme_end + 3;
  const std::size_t authority_end = url.find_first_of("/?#", authority_start);
  std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string shown(url.substr(0, authority_start));
  shown += authority;
  if (authority_end != std::string_view::npos && url.substr(authority_end) != "/") {
    shown += "/\u2026";
  }
  return shown;
}

Result<void> send_http(const HttpCall& call, const char* curl_library) {
  auto api = load_curl(curl_library);
  if (!api) {
    return fail(api.error());
  }
  const CurlApi& curl = **api;
  std::unique_ptr<CURL, decltype(curl.easy_cleanup)> handle(curl.easy_init(), curl.easy_cleanup);
  if (!handle) {
    return fail(Error::failed("libcurl could not create a request"));
  }
  curl_slist* raw_headers = nullptr;
  for (const std::string& header : call.headers) {
    raw_headers = curl.slist_append(raw_headers, header.c_str());
  }
  std::unique_ptr<curl_slist, decltype(curl.slist_free_all)> headers(raw_headers,
                                                                     curl.slist_free_all);
  std::string answer;
  char error_text[CURL_ERROR_SIZE] = {};
  CURL* h = handle.get();
  const long timeout = static_cast<long>(call.timeout.count());
  curl.easy_setopt(h, CURLOPT_URL, call.url.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  if (call.post) {
    curl.easy_setopt(h, CURLOPT_POST, 1L);
    curl.easy_setopt(h, CURLOPT_POSTFIELDS, call.body.c_str());
    curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  } else {
    curl.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  if (headers) {
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  }
  curl.easy_setopt(h, CURLOPT_USERAGENT, "certcron/" CERTCRON_VERSION);
  curl.easy_setopt(h, CURLOPT_TIMEOUT, timeout);
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, &keep_answer_start);
  curl.easy_setopt(h, CURLOPT_WRITEDATA, &answer);
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  if (const CURLcode code = curl.easy_perform(h); code != CURLE_OK) {
    return fail(Error::failed(
        call.what + " " + url_for_messages(call.url) + ": " +
        (error_text[0] != '\0' ? std::string(error_text) : std::string(curl.easy_strerror(code)))));
  }
  long status = 0;
  curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    std::string text = call.what + " " + url_for_messages(call.url) + " answered HTTP " +
                       std::to_string(status);
    if (!answer.empty()) {
      text += ": " + answer;
    }
    return fail(Error::failed(std::move(text)));
  }
  return {};
}

}  // namespace certcron::delivery
