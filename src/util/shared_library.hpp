#pragma once

// Resolving symbols of a library opened with dlopen(): libcurl and libpq are loaded on first
// use, so the processes cron starts every few minutes do not pay for them.

#include <dlfcn.h>

#include <cstring>

namespace certcron::util {

// dlsym returns an object pointer; copying its bits is the portable way to a function pointer.
template <class F>
bool resolve_symbol(void* handle, const char* name, F& out) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    return false;
  }
  static_assert(sizeof(F) == sizeof(symbol));
  std::memcpy(&out, &symbol, sizeof out);
  return true;
}

}  // namespace certcron::util
