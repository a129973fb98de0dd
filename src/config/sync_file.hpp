#pragma once

// A jobs file for `certcron sync`: one [[job]] table per job, with the monitoring seed's field
// names (SPEC section 2). A wrong type, an unknown key (with a suggestion) or a syntax error is
// a usage error "FILE:LINE: ..."; what the values mean is checked by the sync itself.

#include "core/error.hpp"
#include "core/requests.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::config {

struct SyncFile {
  std::vector<CreateJobRequest> jobs;
  std::vector<std::size_t> lines;  // lines[i]: where the [[job]] table of jobs[i] starts
};

Result<SyncFile> read_sync_toml(std::string_view text, const std::string& path);

}  // namespace certcron::config
