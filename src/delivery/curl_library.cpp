#include "delivery/curl_library.hpp"

#include "util/shared_library.hpp"

#include <dlfcn.h>

#include <map>
#include <mutex>
#include <string>

namespace certcron::delivery {
namespace {

using util::resolve_symbol;

Result<CurlApi> open_library(const char* library) {
  void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return fail(Error::failed(std::string("webhook delivery needs libcurl, which could not be "
                                          "loaded (") +
                              (why != nullptr ? why : library) +
                              "); install it: apt-get install libcurl4"));
  }
  CurlApi api;
  const bool ok = resolve_symbol(handle, "curl_global_init", api.global_init) &&
                  resolve_symbol(handle, "curl_easy_init", api.easy_init) &&
                  resolve_symbol(handle, "curl_easy_setopt", api.easy_setopt) &&
                  resolve_symbol(handle, "curl_easy_perform", api.easy_perform) &&
                  resolve_symbol(handle, "curl_easy_getinfo", api.easy_getinfo) &&
                  resolve_symbol(handle, "curl_easy_cleanup", api.easy_cleanup) &&
                  resolve_symbol(handle, "curl_easy_strerror", api.easy_strerror) &&
                  resolve_symbol(handle, "curl_slist_append", api.slist_append) &&
                  resolve_symbol(handle, "curl_slist_free_all", api.slist_free_all);
  if (!ok) {
    dlclose(handle);
    return fail(Error::failed(std::string(library) +
                              " is not a usable libcurl; install it: apt-get install libcurl4"));
  }
  if (const CURLcode code = api.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    return fail(
        Error::failed(std::string("libcurl could not be initialised: ") + api.easy_strerror(code)));
  }
  return api;  // the handle stays open for the life of the process
}

}  // namespace

Result<const CurlApi*> load_curl(const char* library) {
  static std::mutex mutex;
  static std::map<std::string, CurlApi> loaded;
  std::lock_guard lock(mutex);
  if (auto found = loaded.find(library); found != loaded.end()) {
    return &found->second;
  }
  auto api = open_library(library);
  if (!api) {
    return fail(api.error());
  }
  return &loaded.emplace(library, *api).first->second;
}

}  // namespace certcron::delivery
