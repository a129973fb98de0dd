#include "store/database.hpp"
#include "store/job_store.hpp"
#include "store/rows.hpp"
#include "store/statement_cache.hpp"

#include <SQLiteCpp/Database.h>

// The flip half of SqliteJobStore: the monitoring state's changes and their alerts.

namespace certcron::store {
namespace {

using namespace rows;

constexpr const char* kFlipColumns =
    "seq, job_seq, at, from_state, to_state, reason, slot, run_seq, alert, attempts, "
    "alert_error, alerted_at";
const std::string kSelectFlips = std::string("SELECT ") + kFlipColumns + " FROM flips";
const std::string kLatestFlip = kSelectFlips + " WHERE job_seq = ? ORDER BY seq DESC LIMIT 1";
const std::string kRecentFlips = kSelectFlips + " WHERE job_seq = ? ORDER BY seq DESC LIMIT ?";
// flips_pending is a partial index on exactly these rows.
const std::string kPendingFlips = kSelectFlips + " WHERE alert = 'pending' ORDER BY seq";

Flip flip_from_row(const Row& row) { return mapping::read_flip(row); }

}  // namespace

Result<std::optional<Flip>> SqliteJobStore::latest_flip(std::int64_t job_seq) {
  std::optional<Flip> flip;
  auto ran = guarded([&] {
    auto query = statements_->use(kLatestFlip);
    query->bind(1, static_cast<std::int64_t>(job_seq));
    if (query->executeStep()) {
      flip = flip_from_row(query.row());
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return flip;
}

Result<Flip> SqliteJobStore::insert_flip(const Flip& flip) {
  Flip stored = flip;
  auto ran = guarded([&] {
    auto insert = statements_->use(
        "INSERT INTO flips (job_seq, at, from_state, to_state, reason, slot, run_seq, alert, "
        "attempts, alert_error, alerted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert->bind(1, static_cast<std::int64_t>(flip.job_seq));
    insert->bind(2, static_cast<std::int64_t>(from_seconds(flip.at)));
    insert->bind(3, to_string(flip.from));
    insert->bind(4, to_string(flip.to));
    insert->bind(5, flip.reason);
    bind_optional_seconds(*insert, 6, flip.slot);
    if (flip.run_seq) {
      insert->bind(7, static_cast<std::int64_t>(*flip.run_seq));
    } else {
      insert->bind(7);
    }
    insert->bind(8, to_string(flip.alert));
    insert->bind(9, flip.attempts);
    insert->bind(10, flip.alert_error);
    bind_optional_seconds(*insert, 11, flip.alerted_at);
    insert->exec();
    stored.seq = db_.getLastInsertRowid();
  });
  if (!ran) {
    return fail(ran.error());
  }
  return stored;
}

Result<std::vector<Flip>> SqliteJobStore::recent_flips(std::int64_t job_seq, int count) {
  std::vector<Flip> flips;
  auto ran = guarded([&] {
    auto query = statements_->use(kRecentFlips);
    query->bind(1, static_cast<std::int64_t>(job_seq));
    query->bind(2, count);
    while (query->executeStep()) {
      flips.push_back(flip_from_row(query.row()));
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return flips;
}

Result<std::vector<Flip>> SqliteJobStore::pending_alerts() {
  std::vector<Flip> flips;
  auto ran = guarded([&] {
    auto query = statements_->use(kPendingFlips);
    while (query->executeStep()) {
      flips.push_back(flip_from_row(query.row()));
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return flips;
}

Result<void> SqliteJobStore::update_alert(const Flip& flip) {
  return guarded([&] {
    auto update = statements_->use(
        "UPDATE flips SET alert = ?, attempts = ?, alert_error = ?, alerted_at = ? WHERE seq = ?");
    update->bind(1, to_string(flip.alert));
    update->bind(2, flip.attempts);
    update->bind(3, flip.alert_error);
    bind_optional_seconds(*update, 4, flip.alerted_at);
    update->bind(5, static_cast<std::int64_t>(flip.seq));
    update->exec();
  });
}

}  // namespace certcron::store
