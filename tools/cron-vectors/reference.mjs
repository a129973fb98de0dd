// cron's own answer, computed from the rules rather than from a library:
// - Vixie cron / cronie grammar and cronie's day rule (a field starting with '*' is
//   unrestricted; when both day fields are restricted a day matches if either does);
// - the daemon's DST behaviour: a fixed-time job (neither minute nor hour starts with '*')
//   fires once for a slot in a gap, at the first instant after it, and once (first pass)
//   for a slot in a repeated stretch; a wildcard job skips gap slots and fires on both
//   passes of a repeated stretch.
// Works slot by slot on the local calendar, resolving each wall-clock time to the instants
// that show it, so it shares no algorithm with the C++ engine (which walks offset periods).

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MACROS = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};
const BOUNDS = [[0, 59, null], [0, 23, null], [1, 31, null], [1, 12, MONTHS], [0, 7, DAYS]];

function value(token, [, , names]) {
  if (/^\d+$/.test(token)) return Number(token);
  const index = names ? names.indexOf(token.toLowerCase()) : -1;
  if (index < 0) throw new Error(`bad value ${token}`);
  return names === MONTHS ? index + 1 : index;
}

function parseField(text, bounds) {
  const [min, max] = bounds;
  const set = new Set();
  for (const item of text.split(',')) {
    const [base, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let [first, last] = [min, max];
    if (base !== '*') {
      const [a, b] = base.split('-');
      first = value(a, bounds);
      last = b === undefined ? first : value(b, bounds);
    }
    for (let v = first; v <= last; v += step) set.add(v);
  }
  return set;
}

export function parseCron(expression) {
  const text = MACROS[expression.toLowerCase()] ?? expression;
  const fields = text.trim().split(/\s+/);
  const sets = fields.map((f, i) => parseField(f, BOUNDS[i]));
  if (sets[4].has(7)) sets[4].add(0);
  return {
    minutes: [...sets[0]].sort((a, b) => a - b),
    hours: [...sets[1]].sort((a, b) => a - b),
    dom: sets[2], months: sets[3], dow: sets[4],
    domStar: fields[2].startsWith('*'), dowStar: fields[4].startsWith('*'),
    fixed: !fields[0].startsWith('*') && !fields[1].startsWith('*'),
    fields,
  };
}

// `starRule` 'cron' is cronie's; 'exact' treats only a bare '*' as unrestricted, as the
// libraries do, and is used only to explain their answers.
export function dayMatches(cron, year, month, day, starRule = 'cron') {
  if (!cron.months.has(month)) return false;
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const byDom = cron.dom.has(day);
  const byDow = cron.dow.has(weekday);
  const unrestricted = starRule === 'cron' ? cron.domStar || cron.dowStar
    : cron.fields[2] === '*' || cron.fields[4] === '*';
  return unrestricted ? byDom && byDow : byDom || byDow;
}

// UTC offset in ms of `zone` at instant `ms`, from the platform's tz data.
const formatters = new Map();
const offsets = new Map();
export function offsetAt(zone, ms) {
  const key = `${zone}|${ms}`;
  if (offsets.has(key)) return offsets.get(key);
  if (!formatters.has(zone)) {
    formatters.set(zone, new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    }));
  }
  const parts = Object.fromEntries(
    formatters.get(zone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute,
    +parts.second);
  const offset = wall - Math.floor(ms / 1000) * 1000;
  offsets.set(key, offset);
  return offset;
}

// The first instant in (lo, hi] whose offset is `after` (minute resolution).
function transitionBetween(zone, lo, hi, after) {
  while (hi - lo > 60000) {
    const mid = lo + Math.floor((hi - lo) / 120000) * 60000;
    if (offsetAt(zone, mid) === after) hi = mid; else lo = mid;
  }
  return hi;
}

// The instants at which a cron job fires for the local wall-clock time `wall` (ms, as if
// UTC): none, one, or two for a wildcard job in a repeated stretch.
export function resolveSlot(zone, wall, fixed) {
  const before = offsetAt(zone, wall - 86400000);
  const after = offsetAt(zone, wall + 86400000);
  const shown = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => offsetAt(zone, instant) === wall - instant)
    .sort((a, b) => a - b);
  if (shown.length === 0) {
    return fixed ? [transitionBetween(zone, wall - after, wall - before, after)] : [];
  }
  return fixed ? [shown[0]] : shown;
}

// The next `count` fire instants (ms) strictly after `startMs`.
export function nextFires(expression, zone, startMs, count, starRule = 'cron') {
  const cron = parseCron(expression);
  const found = new Set();
  const startWall = startMs + offsetAt(zone, startMs);
  let day = Math.floor(startWall / 86400000) - 1;
  const lastDay = day + 366 * 40;
  for (; day <= lastDay; day += 1) {
    const date = new Date(day * 86400000);
    if (!dayMatches(cron, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(),
      starRule)) {
      continue;
    }
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        const wall = day * 86400000 + (hour * 60 + minute) * 60000;
        for (const instant of resolveSlot(zone, wall, cron.fixed)) {
          if (instant > startMs) found.add(instant);
        }
      }
    }
    const sorted = [...found].sort((a, b) => a - b);
    // Local days overlap in UTC by at most a day, so two more days settle the order.
    if (sorted.length >= count && day * 86400000 > sorted[count - 1] + 2 * 86400000) {
      return sorted.slice(0, count);
    }
  }
  return [...found].sort((a, b) => a - b).slice(0, count);
}
