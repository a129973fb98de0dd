#pragma once

#include <string_view>

namespace certcron::util {

// Whether `given` equals `secret`, taking a time that depends only on their lengths: every
// byte of the longer is looked at, so the time does not tell where they first differ.
bool constant_time_equals(std::string_view given, std::string_view secret);

}  // namespace certcron::util
