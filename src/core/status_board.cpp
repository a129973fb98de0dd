#include "core/status_board.hpp"

namespace certcron {

Result<StatusOverview> StatusBoard::overview() {
  StatusOverview board;
  // The job service's pages (at most 100 jobs each) bring each job's last run and schedule.
  constexpr int kPageSize = 100;
  for (int page = 1; static_cast<int>(board.rows.size()) < limits_.jobs; ++page) {
    auto listed = jobs_.list(JobStatusFilter::any, PageRequest{page, kPageSize});
    if (!listed) {
      return fail(listed.error());
    }
    board.total_jobs = listed->total;
    for (JobDetails& details : listed->items) {
      if (static_cast<int>(board.rows.size()) == limits_.jobs) {
        break;
      }
      board.rows.push_back(StatusRow{std::move(details), {}, 0});
    }
    if (listed->items.size() < static_cast<std::size_t>(kPageSize)) {
      break;
    }
  }
  // The strips in one read transaction: one snapshot, the database's locks taken once.
  auto read = store_.in_read_transaction([&]() -> Result<void> {
    for (StatusRow& row : board.rows) {
      auto runs = store_.list_runs(row.details.job.seq, std::nullopt,
                                   PageRequest{1, limits_.strip_runs});
      if (!runs) {
        return fail(runs.error());
      }
      row.recent_runs = std::move(runs->items);
      row.run_count = runs->total;
    }
    return {};
  });
  if (!read) {
    return fail(read.error());
  }
  return board;
}

Result<JobStatus> StatusBoard::job(std::string_view id_or_name) {
  auto shown = jobs_.show(id_or_name);
  if (!shown) {
    return fail(shown.error());
  }
  JobStatus status{std::move(*shown), {}, 0, {}, {}};
  const std::int64_t seq = status.details.job.seq;
  auto read = store_.in_read_transaction([&]() -> Result<void> {
    auto runs = store_.list_runs(seq, std::nullopt, PageRequest{1, limits_.runs});
    if (!runs) {
      return fail(runs.error());
    }
    status.runs = std::move(runs->items);
    status.run_count = runs->total;
    auto flips = store_.recent_flips(seq, limits_.flips);
    if (!flips) {
      return fail(flips.error());
    }
    status.flips = std::move(*flips);
    auto pings = pings_.recent(seq, limits_.pings);
    if (!pings) {
      return fail(pings.error());
    }
    status.pings = std::move(*pings);
    return {};
  });
  if (!read) {
    return fail(read.error());
  }
  return status;
}

}  // namespace certcron
