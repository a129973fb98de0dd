#include "store/pg/reminder_store.hpp"

#include "store/pg/connection.hpp"
#include "store/pg/schema.hpp"
#include "store/row_mapping.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace certcron::store::pg {
namespace {

using mapping::from_seconds;
using mapping::to_seconds;
using reminders::Certification;
using reminders::CertificationRow;
using reminders::LedgerEntry;
using reminders::LedgerOutcome;

const char* to_text(LedgerOutcome outcome) {
  return outcome == LedgerOutcome::sent ? "sent" : "superseded";
}

LedgerOutcome parse_outcome(std::string_view text) {
  return text == "sent" ? LedgerOutcome::sent : LedgerOutcome::superseded;
}

// A PostgreSQL array literal ('{"a","b\"c"}') built element by element: every text element is
// quoted, with backslash and double quote escaped, so any text round-trips; numbers are bare.
class ArrayLiteral {
 public:
  ArrayLiteral() { text_ = "{"; }
  void add(std::string_view value) {
    separate();
    text_ += '"';
    for (const char c : value) {
      if (c == '"' || c == '\\') {
        text_ += '\\';
      }
      text_ += c;
    }
    text_ += '"';
  }
  void add(std::int64_t value) {
    separate();
    text_ += std::to_string(value);
  }
  std::string done() && {
    text_ += '}';
    return std::move(text_);
  }

 private:
  void separate() {
    if (text_.size() > 1) {
      text_ += ',';
    }
  }
  std::string text_;
};

// The key of a certification in maps: mentor_id and certification, which hold no NUL byte
// (PostgreSQL text cannot).
std::string certification_key(std::string_view mentor_id, std::string_view certification) {
  std::string key;
  key.reserve(mentor_id.size() + certification.size() + 1);
  key += mentor_id;
  key += '\0';
  key += certification;
  return key;
}

// Writes the final name and email of each mentor of the batch (inserted in order of first
// appearance, so their seq follows the file) and returns the rows as they were before: one
// statement, whose snapshot the `old` read shares with the write. The read probes the primary
// key once per row of the batch (OFFSET 0 keeps the planner from hashing the whole table), so a
// batch costs the same however many rows are stored.
constexpr const char* kUpsertMentorsSql =
    "WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY "
    "AS t (mentor_id, name, email, ord)), "
    "old AS (SELECT m.mentor_id, m.name, m.email FROM input AS i CROSS JOIN LATERAL "
    "(SELECT * FROM mentors AS m WHERE m.mentor_id = i.mentor_id OFFSET 0) AS m), "
    "written AS (INSERT INTO mentors AS m (mentor_id, name, email) "
    "SELECT mentor_id, name, email FROM input ORDER BY ord "
    "ON CONFLICT (mentor_id) DO UPDATE SET name = excluded.name, email = excluded.email "
    "WHERE m.name IS DISTINCT FROM excluded.name OR m.email IS DISTINCT FROM excluded.email "
    "RETURNING 1) "
    "SELECT mentor_id, name, email FROM old";

// The same for certifications. A missing issued_at is NULL; an empty one compares equal to
// it, as in SQLite.
constexpr const char* kUpsertCertificationsSql =
    "WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], "
    "$5::text[]) WITH ORDINALITY AS t (mentor_id, certification, expires_on, expires_at, "
    "issued_at, ord)), "
    "old AS (SELECT c.mentor_id, c.certification, c.expires_on, "
    "extract(epoch FROM c.expires_at)::bigint AS expires_at, coalesce(c.issued_at, '') AS "
    "issued_at FROM input AS i CROSS JOIN LATERAL (SELECT * FROM certifications AS c "
    "WHERE c.mentor_id = i.mentor_id AND c.certification = i.certification OFFSET 0) AS c), "
    "written AS (INSERT INTO certifications AS c (mentor_id, certification, expires_on, "
    "expires_at, issued_at) SELECT mentor_id, certification, expires_on, "
    "to_timestamp(expires_at), nullif(issued_at, '') FROM input ORDER BY ord "
    "ON CONFLICT (mentor_id, certification) DO UPDATE SET expires_on = excluded.expires_on, "
    "expires_at = excluded.expires_at, issued_at = excluded.issued_at "
    "WHERE c.expires_on IS DISTINCT FROM excluded.expires_on "
    "OR c.expires_at IS DISTINCT FROM excluded.expires_at "
    "OR coalesce(c.issued_at, '') IS DISTINCT FROM coalesce(excluded.issued_at, '') "
    "RETURNING 1) "
    "SELECT mentor_id, certification, expires_on, expires_at, issued_at FROM old";

constexpr const char* kAddTotalsSql =
    "UPDATE reminder_totals SET mentors = mentors + $1, certifications = certifications + $2, "
    "data_version = data_version + 1";

constexpr const char* kInsertLedgerSql =
    "INSERT INTO reminder_ledger (certification_id, expires_on, threshold, outcome, "
    "recorded_at, run_seq, message_id) "
    "SELECT certification_id, expires_on, threshold, outcome, to_timestamp(recorded_at), "
    "nullif(run_seq, 0), nullif(message_id, '') "
    "FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::bigint[], "
    "$6::bigint[], $7::text[]) WITH ORDINALITY AS t (certification_id, expires_on, threshold, "
    "outcome, recorded_at, run_seq, message_id, ord) ORDER BY ord "
    "ON CONFLICT DO NOTHING";

// The keys of $1..$3 whose claim ends: written to the ledger, or (with $4) given up by run $4.
constexpr const char* kEndClaimsSql =
    "DELETE FROM reminder_claims AS c USING unnest($1::bigint[], $2::text[], $3::bigint[]) "
    "AS k (certification_id, expires_on, threshold) WHERE c.certification_id = "
    "k.certification_id AND c.expires_on = k.expires_on AND c.threshold = k.threshold";
constexpr const char* kReleaseClaimsSql =
    "DELETE FROM reminder_claims AS c USING unnest($1::bigint[], $2::text[], $3::bigint[]) "
    "AS k (certification_id, expires_on, threshold) WHERE c.certification_id = "
    "k.certification_id AND c.expires_on = k.expires_on AND c.threshold = k.threshold "
    "AND c.run_seq = $4";

// A key in the ledger is never claimed, nor by a run that is not running (another host ended
// it); a claim is taken over from a run that is not running any more or whose lease passed by
// the database's clock, and renewed for its own run. Gives the input positions (1-based) now
// held by run $4.
constexpr const char* kClaimSql =
    "WITH input AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[]) WITH "
    "ORDINALITY AS k (certification_id, expires_on, threshold, ord)), "
    "held AS (INSERT INTO reminder_claims AS c (certification_id, expires_on, threshold, "
    "run_seq, lease_until) SELECT certification_id, expires_on, threshold, $4::bigint, "
    "clock_timestamp() + $5::bigint * interval '1 second' FROM (SELECT DISTINCT "
    "certification_id, expires_on, threshold FROM input) AS i WHERE NOT EXISTS (SELECT 1 "
    "FROM reminder_ledger AS l WHERE l.certification_id = i.certification_id AND "
    "l.expires_on = i.expires_on AND l.threshold = i.threshold) AND ($4::bigint = 0 OR "
    "EXISTS (SELECT 1 FROM runs AS own WHERE own.seq = $4::bigint AND own.status = 'running')) "
    "ON CONFLICT (certification_id, expires_on, threshold) DO UPDATE SET run_seq = "
    "excluded.run_seq, lease_until = excluded.lease_until WHERE c.run_seq = excluded.run_seq "
    "OR c.lease_until < clock_timestamp() OR NOT EXISTS (SELECT 1 FROM runs AS r WHERE "
    "r.seq = c.run_seq AND r.status = 'running') "
    "RETURNING certification_id, expires_on, threshold) "
    "SELECT i.ord FROM input AS i JOIN held AS h ON h.certification_id = i.certification_id "
    "AND h.expires_on = i.expires_on AND h.threshold = i.threshold";

// The keys as three arrays, for unnest($1::bigint[], $2::text[], $3::bigint[]).
Params key_arrays(const std::vector<reminders::ReminderKey>& keys) {
  ArrayLiteral ids;
  ArrayLiteral expiries;
  ArrayLiteral thresholds;
  for (const auto& key : keys) {
    ids.add(key.certification_id);
    expiries.add(key.expires_on);
    thresholds.add(std::int64_t{key.threshold});
  }
  Params params;
  params.add(std::move(ids).done())
      .add(std::move(expiries).done())
      .add(std::move(thresholds).done());
  return params;
}

// record's own transaction: the writer lock, and a commit that does not wait for the WAL flush
// (a lost entry only means its reminder is delivered again, with the same Message-ID).
const std::string& record_begin() {
  static const std::string begin =
      std::string(kBeginWrite) + "; SET LOCAL synchronous_commit = off";
  return begin;
}

struct CertificationValue {
  std::string expires_on;
  std::int64_t expires_at = 0;
  std::string issued_at;  // "" for NULL

  bool operator==(const CertificationValue&) const = default;
};

// Upserts rows[first, last) in two statements (mentors, then their certifications) and adds
// what changed to `counts`. The counts are those of writing the rows one by one: each row is
// compared with its key's value as it stood before it (in the database, or as an earlier row of
// the batch left it), so a row identical to that counts as neither.
void upsert_batch(Connection& connection, const std::vector<CertificationRow>& rows,
                  std::size_t first, std::size_t last, reminders::UpsertCounts& counts) {
  // Each key once, at its first appearance, with its last row's values.
  std::unordered_map<std::string_view, std::size_t> mentor_at;  // -> row index of the values
  std::vector<std::string_view> mentor_order;
  std::unordered_map<std::string, std::size_t> certification_at;
  std::vector<const std::string*> certification_order;
  std::vector<std::string> certification_keys;
  certification_keys.reserve(last - first);
  for (std::size_t i = first; i < last; ++i) {
    const CertificationRow& row = rows[i];
    if (auto [it, inserted] = mentor_at.try_emplace(row.mentor_id, i); !inserted) {
      it->second = i;
    } else {
      mentor_order.push_back(row.mentor_id);
    }
    certification_keys.push_back(certification_key(row.mentor_id, row.certification));
    if (auto [it, inserted] = certification_at.try_emplace(certification_keys.back(), i);
        !inserted) {
      it->second = i;
    } else {
      certification_order.push_back(&it->first);
    }
  }

  ArrayLiteral ids;
  ArrayLiteral names;
  ArrayLiteral emails;
  for (const std::string_view id : mentor_order) {
    const CertificationRow& row = rows[mentor_at.at(id)];
    ids.add(row.mentor_id);
    names.add(row.name);
    emails.add(row.email);
  }
  std::unordered_map<std::string_view, std::pair<std::string, std::string>> mentors;
  const Rows old_mentors = connection.query(kUpsertMentorsSql, Params()
                                                                   .add(std::move(ids).done())
                                                                   .add(std::move(names).done())
                                                                   .add(std::move(emails).done()));
  for (int r = 0; r < old_mentors.size(); ++r) {
    const Row row = old_mentors[r];
    // Keyed by the batch's own string, which outlives the map.
    const auto found = mentor_at.find(row.text(0));
    if (found != mentor_at.end()) {
      mentors.emplace(rows[found->second].mentor_id,
                      std::pair{std::string(row.text(1)), std::string(row.text(2))});
    }
  }
  for (std::size_t i = first; i < last; ++i) {
    const CertificationRow& row = rows[i];
    auto [it, inserted] = mentors.try_emplace(row.mentor_id, row.name, row.email);
    if (inserted) {
      ++counts.mentors_inserted;
    } else if (it->second.first != row.name || it->second.second != row.email) {
      ++counts.mentors_updated;
      it->second = {row.name, row.email};
    }
  }

  ArrayLiteral owners;
  ArrayLiteral certifications;
  ArrayLiteral expires_on;
  ArrayLiteral expires_at;
  ArrayLiteral issued_at;
  for (const std::string* key : certification_order) {
    const CertificationRow& row = rows[certification_at.at(*key)];
    owners.add(row.mentor_id);
    certifications.add(row.certification);
    expires_on.add(row.expires_on);
    expires_at.add(from_seconds(row.expires_at));
    issued_at.add(row.issued_at);
  }
  std::unordered_map<std::string, CertificationValue> values;
  const Rows old_certifications =
      connection.query(kUpsertCertificationsSql, Params()
                                                     .add(std::move(owners).done())
                                                     .add(std::move(certifications).done())
                                                     .add(std::move(expires_on).done())
                                                     .add(std::move(expires_at).done())
                                                     .add(std::move(issued_at).done()));
  for (int r = 0; r < old_certifications.size(); ++r) {
    const Row row = old_certifications[r];
    values.emplace(certification_key(row.text(0), row.text(1)),
                   CertificationValue{std::string(row.text(2)), row.int64(3),
                                      std::string(row.text(4))});
  }
  for (std::size_t i = first; i < last; ++i) {
    const CertificationRow& row = rows[i];
    CertificationValue value{row.expires_on, from_seconds(row.expires_at), row.issued_at};
    auto [it, inserted] = values.try_emplace(std::move(certification_keys[i - first]), value);
    if (inserted) {
      ++counts.certifications_inserted;
    } else if (it->second != value) {
      ++counts.certifications_updated;
      it->second = std::move(value);
    }
  }
}

}  // namespace

// One band of the due query (the semantics of SqliteReminderStore::kDueCandidatesSql). The
// inner query walks certifications_by_expiry from the keyset cursor (a row comparison on the
// index's columns, so each page seeks and never rescans), keeps each kind of expiry to its own
// range (a date-only expires_on is 10 characters, an instant longer), probes the ledger's
// primary key for the threshold and stops at the limit. Mentor and ledger rows are then looked
// up for that page only: one row per ledger entry (a candidate without any has one row of
// NULLs), threshold descending within a candidate.
//
// Every OFFSET 0 keeps its subquery from being merged into a join, so each stays an index probe
// per row: merged, the planner may hash the whole ledger or mentors table for one page, and the
// cost of a page would grow with the tables instead of with the page.
const char* const PgReminderStore::kDueCandidatesSql =
    "SELECT c.id, m.seq, c.mentor_id, m.name, m.email, c.certification, c.expires_on, "
    "extract(epoch FROM c.expires_at)::bigint, e.threshold, e.outcome, "
    "extract(epoch FROM e.recorded_at)::bigint, coalesce(e.run_seq, 0), "
    "coalesce(e.message_id, '') "
    "FROM (SELECT c.id, c.mentor_id, c.certification, c.expires_on, c.expires_at "
    "FROM certifications AS c "
    "WHERE (c.expires_at, c.expires_on, c.id) > (to_timestamp($1), $2, $3) "
    "AND c.expires_at < to_timestamp($4) "
    "AND CASE WHEN length(c.expires_on) > 10 "
    "THEN c.expires_at >= to_timestamp($9) AND c.expires_at < to_timestamp($10) "
    "ELSE c.expires_at >= to_timestamp($5) AND c.expires_at < to_timestamp($6) END "
    "AND NOT EXISTS (SELECT FROM reminder_ledger AS l WHERE l.certification_id = c.id "
    "AND l.expires_on = c.expires_on AND l.threshold = $7 OFFSET 0) "
    "ORDER BY c.expires_at, c.expires_on, c.id LIMIT $8) AS c "
    "CROSS JOIN LATERAL (SELECT m.seq, m.name, m.email FROM mentors AS m "
    "WHERE m.mentor_id = c.mentor_id OFFSET 0) AS m "
    "LEFT JOIN LATERAL (SELECT e.threshold, e.outcome, e.recorded_at, e.run_seq, e.message_id "
    "FROM reminder_ledger AS e WHERE e.certification_id = c.id AND e.expires_on = c.expires_on "
    "OFFSET 0) AS e ON true "
    "ORDER BY c.expires_at, c.expires_on, c.id, e.threshold DESC";

Result<void> PgReminderStore::in_transaction(const std::function<Result<void>()>& work) {
  return transact(connection_, kBeginWrite, work);
}

Result<reminders::UpsertCounts> PgReminderStore::upsert(
    const std::vector<CertificationRow>& rows) {
  reminders::UpsertCounts counts;
  if (rows.empty()) {
    return counts;
  }
  auto written = transact(connection_, kBeginWrite, [&]() -> Result<void> {
    for (std::size_t first = 0; first < rows.size(); first += kBatchRows) {
      upsert_batch(connection_, rows, first, std::min(rows.size(), first + kBatchRows), counts);
    }
    if (counts.mentors_inserted + counts.mentors_updated + counts.certifications_inserted +
            counts.certifications_updated >
        0) {
      connection_.query(kAddTotalsSql,
                        Params().add(counts.mentors_inserted).add(counts.certifications_inserted));
    }
    return {};
  });
  if (!written) {
    return fail(written.error());
  }
  return counts;
}

Result<std::vector<reminders::DueCandidate>> PgReminderStore::due_candidates(
    const reminders::DueBand& band, const reminders::CandidateCursor& after, int limit) {
  std::vector<reminders::DueCandidate> page;
  auto read = guarded([&] {
    // A cursor with no id (the default) starts at the band's range, which holds both kinds of
    // expiry; each kind is then kept to its own range.
    const bool from_start = after.id < 0;
    const Seconds range_from = std::min(band.date_from, band.instant_from);
    const Seconds range_to = std::max(band.date_to, band.instant_to);
    Params params;
    params.add(from_seconds(from_start ? range_from : after.expires_at))
        .add(from_start ? std::string_view("") : std::string_view(after.expires_on))
        .add(from_start ? std::int64_t{-1} : after.id)
        .add(from_seconds(range_to))
        .add(from_seconds(band.date_from))
        .add(from_seconds(band.date_to))
        .add(band.threshold)
        // A negative limit is none, as in SQLite (LIMIT NULL).
        .add(limit < 0 ? std::nullopt : std::optional<int>(limit))
        .add(from_seconds(band.instant_from))
        .add(from_seconds(band.instant_to));
    const Rows rows = connection_.query(kDueCandidatesSql, params);
    for (int r = 0; r < rows.size(); ++r) {
      const Row row = rows[r];
      const std::int64_t id = row.int64(0);
      if (page.empty() || page.back().certification.id != id) {
        page.push_back(reminders::DueCandidate{
            Certification{id, row.int64(1), std::string(row.text(2)), std::string(row.text(3)),
                          std::string(row.text(4)), std::string(row.text(5)),
                          std::string(row.text(6)), to_seconds(row.int64(7))},
            {}});
      }
      if (row.is_null(8)) {
        continue;  // no ledger entry for this expiry
      }
      const Certification& certification = page.back().certification;
      page.back().ledger.push_back(LedgerEntry{certification.id, certification.expires_on,
                                               row.integer(8), parse_outcome(row.text(9)),
                                               to_seconds(row.int64(10)), row.int64(11),
                                               std::string(row.text(12))});
    }
  });
  if (!read) {
    return fail(read.error());
  }
  return page;
}

Result<std::vector<LedgerEntry>> PgReminderStore::ledger_for(std::int64_t certification_id,
                                                             std::string_view expires_on) {
  std::vector<LedgerEntry> entries;
  auto read = guarded([&] {
    const Rows rows = connection_.query(
        "SELECT threshold, outcome, extract(epoch FROM recorded_at)::bigint, "
        "coalesce(run_seq, 0), coalesce(message_id, '') FROM reminder_ledger "
        "WHERE certification_id = $1 AND expires_on = $2 ORDER BY threshold DESC",
        Params().add(certification_id).add(expires_on));
    for (int r = 0; r < rows.size(); ++r) {
      const Row row = rows[r];
      entries.push_back(LedgerEntry{certification_id, std::string(expires_on), row.integer(0),
                                    parse_outcome(row.text(1)), to_seconds(row.int64(2)),
                                    row.int64(3), std::string(row.text(4))});
    }
  });
  if (!read) {
    return fail(read.error());
  }
  return entries;
}

Result<void> PgReminderStore::record(const std::vector<LedgerEntry>& entries) {
  if (entries.empty()) {
    return {};
  }
  // In key order, so that a batch visits each index page once; stable, so that of two entries
  // with one key the first given is the one kept, as when they are written one by one.
  std::vector<const LedgerEntry*> ordered;
  ordered.reserve(entries.size());
  for (const auto& entry : entries) {
    ordered.push_back(&entry);
  }
  std::ranges::stable_sort(ordered, [](const LedgerEntry* a, const LedgerEntry* b) {
    return std::tie(a->certification_id, a->expires_on, a->threshold) <
           std::tie(b->certification_id, b->expires_on, b->threshold);
  });
  return transact(connection_, record_begin().c_str(), [&]() -> Result<void> {
    for (std::size_t first = 0; first < ordered.size(); first += kBatchRows) {
      const std::size_t last = std::min(ordered.size(), first + kBatchRows);
      ArrayLiteral ids;
      ArrayLiteral expiries;
      ArrayLiteral thresholds;
      ArrayLiteral outcomes;
      ArrayLiteral recorded;
      ArrayLiteral runs;
      ArrayLiteral messages;
      std::vector<reminders::ReminderKey> keys;
      keys.reserve(last - first);
      for (std::size_t i = first; i < last; ++i) {
        const LedgerEntry& entry = *ordered[i];
        ids.add(entry.certification_id);
        expiries.add(entry.expires_on);
        thresholds.add(std::int64_t{entry.threshold});
        outcomes.add(std::string_view(to_text(entry.outcome)));
        recorded.add(from_seconds(entry.recorded_at));
        runs.add(entry.run_seq);
        messages.add(entry.message_id);
        keys.push_back({entry.certification_id, entry.expires_on, entry.threshold});
      }
      connection_.query(kInsertLedgerSql, Params()
                                              .add(std::move(ids).done())
                                              .add(std::move(expiries).done())
                                              .add(std::move(thresholds).done())
                                              .add(std::move(outcomes).done())
                                              .add(std::move(recorded).done())
                                              .add(std::move(runs).done())
                                              .add(std::move(messages).done()));
      connection_.query(kEndClaimsSql, key_arrays(keys));
    }
    return {};
  });
}

Result<std::vector<bool>> PgReminderStore::claim(const std::vector<reminders::ReminderKey>& keys,
                                                 const reminders::ClaimHolder& holder) {
  std::vector<bool> held(keys.size(), false);
  if (keys.empty()) {
    return held;
  }
  auto done = transact(connection_, kBeginWrite, [&]() -> Result<void> {
    held.assign(keys.size(), false);
    for (std::size_t first = 0; first < keys.size(); first += kBatchRows) {
      const std::size_t last = std::min(keys.size(), first + kBatchRows);
      const std::vector<reminders::ReminderKey> part(
          keys.begin() + static_cast<std::ptrdiff_t>(first),
          keys.begin() + static_cast<std::ptrdiff_t>(last));
      const Rows rows = connection_.query(
          kClaimSql, key_arrays(part).add(holder.run_seq).add(std::int64_t{holder.lease.count()}));
      for (int i = 0; i < rows.size(); ++i) {
        held[first + static_cast<std::size_t>(rows[i].int64(0)) - 1] = true;
      }
    }
    return {};
  });
  if (!done) {
    return fail(done.error());
  }
  return held;
}

Result<void> PgReminderStore::release(const std::vector<reminders::ReminderKey>& keys,
                                      std::int64_t run_seq) {
  if (keys.empty()) {
    return {};
  }
  return transact(connection_, kBeginWrite, [&]() -> Result<void> {
    connection_.query(kReleaseClaimsSql, key_arrays(keys).add(run_seq));
    return {};
  });
}

Result<reminders::ReminderCounts> PgReminderStore::counts() {
  reminders::ReminderCounts counts;
  bool found = false;
  auto read = guarded([&] {
    const Rows rows =
        connection_.query("SELECT mentors, certifications, data_version FROM reminder_totals");
    if (!rows.empty()) {
      found = true;
      counts = {rows[0].int64(0), rows[0].int64(1), rows[0].int64(2)};
    }
  });
  if (!read) {
    return fail(read.error());
  }
  if (!found) {
    return fail(Error::failed("database error: reminder_totals has no row"));
  }
  return counts;
}

Result<std::optional<reminders::Watermark>> PgReminderStore::watermark(std::string_view policy) {
  std::optional<reminders::Watermark> mark;
  auto read = guarded([&] {
    const Rows rows = connection_.query(
        "SELECT through_day, data_version FROM reminder_watermarks WHERE policy = $1",
        Params().add(policy));
    if (!rows.empty()) {
      mark = reminders::Watermark{rows[0].int64(0), rows[0].int64(1)};
    }
  });
  if (!read) {
    return fail(read.error());
  }
  return mark;
}

Result<void> PgReminderStore::save_watermark(std::string_view policy,
                                             const reminders::Watermark& mark) {
  // Under the writer lock like every certcron write, so that it queues behind a writer as
  // it would on SQLite.
  return transact(connection_, kBeginWrite, [&]() -> Result<void> {
    connection_.query(
        "INSERT INTO reminder_watermarks (policy, through_day, data_version) "
        "VALUES ($1, $2, $3) ON CONFLICT (policy) DO UPDATE SET "
        "through_day = excluded.through_day, data_version = excluded.data_version",
        Params().add(policy).add(mark.through_day).add(mark.data_version));
    return {};
  });
}

}  // namespace certcron::store::pg
