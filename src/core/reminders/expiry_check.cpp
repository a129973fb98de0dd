#include "core/reminders/expiry_check.hpp"

#include "core/reminders/compose.hpp"
#include "core/reminders/template.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace certcron::reminders {
namespace {

using std::chrono::days;

// Certifications read per page of the due query; small so memory stays flat.
constexpr int kPageRows = 256;

// The UTC offsets `zone` has around `day`: the smallest and the largest of the day before, the
// day and the day after. When they differ, a transition is near, and an hour either way is
// added for one these three samples could not see.
std::pair<std::chrono::seconds, std::chrono::seconds> offsets_around(Seconds day,
                                                                     const schedule::TimeZone& zone) {
  const auto a = zone.offset_at(day - days{1});
  const auto b = zone.offset_at(day);
  const auto c = zone.offset_at(day + days{1});
  const auto margin = (a == b && b == c) ? std::chrono::seconds{0} : std::chrono::seconds{3600};
  return {std::min({a, b, c}) - margin, std::max({a, b, c}) + margin};
}

// A band's days_left values as expiry dates (see DueBand): a date-only expiry is stored at
// UTC midnight of its date; an instant's local date starts at that midnight less the zone's
// offset, so the instants of the band lie between its first local midnight and its last.
DueBand due_band(std::chrono::sys_days today, const ThresholdBand& band,
                 const schedule::TimeZone& zone) {
  const Seconds first{today + days{band.first}};
  const Seconds end{today + days{band.last + 1}};
  return {band.threshold, first, end, first - offsets_around(first, zone).second,
          end - offsets_around(end, zone).first};
}

// One reminder found due, kept until its batch is delivered.
struct DueItem {
  Certification certification;
  Decision decision;
  Message message;
};

// What happens to each due reminder (sent, previewed...), and at the end of each batch.
class DueSink {
 public:
  virtual ~DueSink() = default;
  virtual Result<void> add(DueItem item) = 0;
  virtual Result<void> flush() { return {}; }
  // False when nobody will read the messages (a dry run nobody watches): they are then not
  // composed. The templates were checked before the scan, so nothing goes unnoticed.
  virtual bool wants_messages() const { return true; }
};

struct ScanOutcome {
  RunResult result;
  std::string policy;
  Watermark reached;  // what a run that delivered everything may save
};

// The days since the policy's last complete run, when its watermark still holds (same data
// version, not in the future); nullopt when every band must be read whole.
std::optional<int> days_since_complete(const std::optional<Watermark>& mark,
                                       std::int64_t data_version, std::int64_t today) {
  if (!mark || mark->data_version != data_version || mark->through_day > today) {
    return std::nullopt;
  }
  constexpr std::int64_t kLongAgo = 100000;  // longer than any band: read them whole
  return static_cast<int>(std::min(today - mark->through_day, kLongAgo));
}

Result<ScanOutcome> scan(ReminderStore& store, const ReminderConfig& config,
                         const schedule::TimeZone& zone, Seconds now, DueSink& sink,
                         const std::function<void(const CheckProgress&)>& progress,
                         const RunResult& counts) {
  if (auto templates = check_reminder_templates(config); !templates) {
    return fail(templates.error());
  }
  const auto today = local_date(now, zone);
  const std::int64_t today_number = today.time_since_epoch().count();
  auto totals = store.counts();
  if (!totals) {
    return fail(totals.error());
  }
  ScanOutcome outcome;
  outcome.result.mentors_checked = totals->mentors;
  outcome.result.certifications_checked = totals->certifications;
  outcome.policy = policy_key(config, zone);
  outcome.reached = Watermark{today_number, totals->data_version};
  auto mark = store.watermark(outcome.policy);
  if (!mark) {
    return fail(mark.error());
  }
  const auto since = days_since_complete(*mark, totals->data_version, today_number);

  CheckProgress state;
  const auto report = [&] {
    state.reminders_sent = counts.reminders_sent;
    state.errors = counts.errors;
    progress(state);
  };
  for (const auto& whole : threshold_bands(config)) {
    const auto band = since ? entered_since(whole, *since) : whole;
    if (band.first > band.last) {
      continue;
    }
    const auto range = due_band(today, band, zone);
    CandidateCursor cursor;
    for (;;) {
      auto page = store.due_candidates(range, cursor, kPageRows);
      if (!page) {
        return fail(page.error());
      }
      for (auto& [certification, ledger] : *page) {
        ++state.candidates;
        if (progress && state.candidates % kPageRows == 0) {
          report();
        }
        const auto expiry = expiry_date(certification, zone);
        const int days_left = static_cast<int>((expiry - today).count());
        if (!band.contains(days_left)) {
          continue;  // an instant whose local date is in another band: that band's business
        }
        auto decision = decide(config, days_left, ledger, zone);
        if (!decision) {
          continue;
        }
        auto message = sink.wants_messages()
                           ? compose_reminder(certification, *decision, expiry, config, now)
                           : Message{};
        if (auto added = sink.add({certification, std::move(*decision), std::move(message)});
            !added) {
          return fail(added.error());
        }
      }
      if (page->size() < static_cast<std::size_t>(kPageRows)) {
        break;
      }
      const auto& last = page->back().certification;
      cursor = CandidateCursor{last.expires_at, last.expires_on, last.id};
    }
  }
  if (auto flushed = sink.flush(); !flushed) {
    return fail(flushed.error());
  }
  if (progress) {
    report();
  }
  return outcome;
}

std::vector<LedgerEntry> ledger_entries(const DueItem& item, const CheckOptions& options) {
  std::vector<LedgerEntry> entries;
  entries.push_back({item.certification.id, item.certification.expires_on,
                     item.decision.threshold, LedgerOutcome::sent, options.now, options.run_seq,
                     item.message.message_id});
  for (int threshold : item.decision.superseded) {
    entries.push_back({item.certification.id, item.certification.expires_on, threshold,
                       LedgerOutcome::superseded, options.now, options.run_seq, ""});
  }
  return entries;
}

// The real run: delivers in batches of the delivery's size, then records what went out.
class DeliveringSink final : public DueSink {
 public:
  DeliveringSink(ReminderStore& store, Delivery& delivery, const CheckOptions& options,
                 RunResult& counts)
      : store_(store),
        delivery_(delivery),
        options_(options),
        counts_(counts),
        limit_(std::max<std::size_t>(1, delivery.batch_limit())) {}

  Result<void> add(DueItem item) override {
    if (options_.dry_run) {
      ++counts_.reminders_sent;
      notify(CheckEvent::Kind::due, item, {});
      return {};
    }
    batch_.push_back(std::move(item));
    return batch_.size() >= limit_ ? flush() : Result<void>{};
  }

  bool wants_messages() const override { return !options_.dry_run || options_.on_event; }

  // Delivered messages are recorded together, after their delivery: a crash in between
  // repeats them (same Message-ID), never loses one.
  Result<void> flush() override {
    if (auto claimed = claim_batch(); !claimed) {
      batch_.clear();
      return claimed;
    }
    if (batch_.empty()) {
      return {};
    }
    std::vector<const Message*> messages;
    messages.reserve(batch_.size());
    for (const auto& item : batch_) {
      messages.push_back(&item.message);
    }
    const auto outcomes = delivery_.deliver_batch(messages);
    std::vector<LedgerEntry> entries;
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      if (i < outcomes.size() && outcomes[i]) {
        auto more = ledger_entries(batch_[i], options_);
        entries.insert(entries.end(), std::make_move_iterator(more.begin()),
                       std::make_move_iterator(more.end()));
      }
    }
    if (auto recorded = entries.empty() ? Result<void>{} : store_.record(entries); !recorded) {
      const std::string first = batch_.front().message.message_id;  // a copy: cleared next
      batch_.clear();
      return fail(Error{recorded.error().kind,
                        "delivered " + first + (messages.size() > 1 ? " and others" : "") +
                            " but could not record it in the ledger: " +
                            recorded.error().message,
                        {}});
    }
    std::vector<ReminderKey> failed;
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      if (i < outcomes.size() && outcomes[i]) {
        ++counts_.reminders_sent;
        notify(CheckEvent::Kind::sent, batch_[i], {});
        continue;
      }
      failed.push_back(key_of(batch_[i]));
      const std::string error =
          i < outcomes.size() ? outcomes[i].error().message : "the delivery gave no outcome";
      ++counts_.errors;
      if (counts_.first_error.empty()) {
        counts_.first_error = "to " + batch_[i].message.to_email + ": " + error;
      }
      notify(CheckEvent::Kind::failed, batch_[i], error);
    }
    batch_.clear();
    if (!failed.empty()) {
      // Let the next run retry them at once. Should this fail, nothing is lost: a claim
      // holds only while its run is running.
      (void)store_.release(failed, options_.run_seq);
    }
    if (options_.keep_alive) {
      return options_.keep_alive();
    }
    return {};
  }

  // Reminders left to another run's claim: that run delivers them (or gives them back).
  std::int64_t held_elsewhere() const { return held_elsewhere_; }

 private:
  static ReminderKey key_of(const DueItem& item) {
    return {item.certification.id, item.certification.expires_on, item.decision.threshold};
  }

  // Claims the batch's reminders and drops those another run holds (it found them due too).
  Result<void> claim_batch() {
    if (batch_.empty()) {
      return {};
    }
    std::vector<ReminderKey> keys;
    keys.reserve(batch_.size());
    for (const auto& item : batch_) {
      keys.push_back(key_of(item));
    }
    auto held =
        store_.claim(keys, ClaimHolder{options_.run_seq,
                                       options_.clock ? options_.clock->now() : options_.now,
                                       options_.lease});
    if (!held) {
      return fail(held.error());
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      if (i < held->size() && (*held)[i]) {
        if (kept != i) {
          batch_[kept] = std::move(batch_[i]);
        }
        ++kept;
      } else {
        ++held_elsewhere_;
      }
    }
    batch_.erase(batch_.begin() + static_cast<std::ptrdiff_t>(kept), batch_.end());
    return {};
  }

  void notify(CheckEvent::Kind kind, const DueItem& item, std::string error) const {
    if (options_.on_event) {
      options_.on_event(
          CheckEvent{kind, item.certification, item.decision, item.message, std::move(error)});
    }
  }

  ReminderStore& store_;
  Delivery& delivery_;
  const CheckOptions& options_;
  RunResult& counts_;
  std::size_t limit_;
  std::vector<DueItem> batch_;
  std::int64_t held_elsewhere_ = 0;
};

class PreviewSink final : public DueSink {
 public:
  PreviewSink(RunResult& counts, const std::function<void(const DueReminder&)>& visit)
      : counts_(counts), visit_(visit) {}
  Result<void> add(DueItem item) override {
    ++counts_.reminders_sent;
    if (visit_) {
      visit_(DueReminder{item.certification, item.decision, item.message});
    }
    return {};
  }

 private:
  RunResult& counts_;
  const std::function<void(const DueReminder&)>& visit_;
};

RunResult with_counts(RunResult result, const RunResult& counts) {
  result.reminders_sent = counts.reminders_sent;
  result.errors = counts.errors;
  result.first_error = counts.first_error;
  return result;
}

}  // namespace

Result<RunResult> run_expiry_check(ReminderStore& store, Delivery& delivery,
                                   const ReminderConfig& config, const schedule::TimeZone& zone,
                                   const CheckOptions& options) {
  RunResult counts;
  DeliveringSink sink(store, delivery, options, counts);
  Result<ScanOutcome> scanned = fail(Error::failed("the check did not run"));
  const auto check = [&]() -> Result<void> {
    scanned = scan(store, config, zone, options.now, sink, options.progress, counts);
    return {};
  };
  // A run that delivers reads and writes pages all over the database; a dry run reads only
  // what is due, too little for a larger cache to pay for its page faults.
  if (auto ran = options.dry_run ? check() : store.with_large_cache(check); !ran) {
    return fail(ran.error());
  }
  if (!scanned) {
    return fail(scanned.error());
  }
  if (!options.dry_run && counts.errors == 0 && sink.held_elsewhere() == 0) {
    // Everything due was delivered and recorded: the next run reads only what is new. A
    // watermark that could not be saved loses nothing (the next run reads every band whole),
    // so it does not fail a run whose reminders all went out.
    (void)store.save_watermark(scanned->policy, scanned->reached);
  }
  return with_counts(scanned->result, counts);
}

Result<RunResult> list_due(ReminderStore& store, const ReminderConfig& config,
                           const schedule::TimeZone& zone, Seconds now,
                           const std::function<void(const DueReminder&)>& visit) {
  RunResult counts;
  PreviewSink sink(counts, visit);
  auto scanned = scan(store, config, zone, now, sink, {}, counts);
  if (!scanned) {
    return fail(scanned.error());
  }
  return with_counts(scanned->result, counts);
}

}  // namespace certcron::reminders
