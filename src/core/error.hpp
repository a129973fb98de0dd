#pragma once

// The core speaks of errors through util/error.hpp (Error, ErrorKind, Result).
#include "util/error.hpp"
