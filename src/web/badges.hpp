#pragma once

// How a job's state and a run's status look: a badge with the job's latest_result_label in
// words (never colour alone) on the label's colour, a chip for a snooze in force and one for a
// disabled job, and one coloured mark per run.

#include "core/clock.hpp"
#include "core/job.hpp"
#include "web/html.hpp"

#include <span>
#include <string>

namespace certcron::web {

// The badge of label_for(job.latest_result): <span class="badge COLOR" title="RESULT">LABEL
// </span>, then "snoozed until ..." while a snooze is in force and "disabled" for a disabled
// job.
void write_state(HtmlOut& out, const Job& job, Seconds now);
// A run's status as a badge (success green, running blue, failed red, abandoned red).
void write_run_status(HtmlOut& out, const Run& run);
// The strip of marks for these runs (given newest first, drawn oldest first), with a summary
// in words for screen readers and for those who cannot tell the colours apart.
void write_run_strip(HtmlOut& out, std::span<const Run> newest_first, int shown_at_most);

}  // namespace certcron::web
