#pragma once

// libcurl, loaded at run time (dlopen) the first time a webhook is delivered: the processes
// cron starts every few minutes never deliver webhooks and should not pay for loading it.
// Only curl.h's types are used at build time.

#include "core/error.hpp"

#include <curl/curl.h>

namespace certcron::delivery {

struct CurlApi {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

inline constexpr const char* kCurlLibrary = "libcurl.so.4";

// Loads `library` once per process (later calls return the same table) and runs
// curl_global_init. ErrorKind::failed naming the package to install when it cannot be loaded.
Result<const CurlApi*> load_curl(const char* library = kCurlLibrary);

}  // namespace certcron::delivery
