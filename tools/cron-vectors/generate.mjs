// Writes tests/data/cron_vectors.json: seeded random cron expressions across zones, each
// with a start instant and the next fire instants from croner and from cron-parser, and
// `expected`, cron's own answer (reference.mjs). Where a library departs from cron, `why`
// says how, classified from the rules; a departure no rule explains stops the script, since
// it would mean the reference itself is wrong.
//
//   cd tools/cron-vectors && npm ci && node generate.mjs

import { writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';
import { CronExpressionParser } from 'cron-parser';
import { makeDstGenerator, makeGenerator, prng } from './random_expressions.mjs';
import { nextFires, offsetAt, parseCron } from './reference.mjs';

const SEED = 20260329;
const VECTOR_COUNT = 360;
const FIRES = 5;
const ZONES = ['UTC', 'Europe/Brussels', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe',
  'Asia/Kathmandu'];
const HOUR = 3600000;
const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, '..', '..', 'tests', 'data', 'cron_vectors.json');

const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

// Offset changes between 2026 and 2028, to the minute.
function transitions(zone) {
  const found = [];
  const end = Date.UTC(2029, 0, 1);
  for (let t = Date.UTC(2026, 0, 1); t < end; t += HOUR) {
    if (offsetAt(zone, t) === offsetAt(zone, t + HOUR)) continue;
    let lo = t;
    let hi = t + HOUR;
    while (hi - lo > 60000) {
      const mid = lo + Math.floor((hi - lo) / 120000) * 60000;
      if (offsetAt(zone, mid) === offsetAt(zone, t)) lo = mid; else hi = mid;
    }
    found.push({ at: hi, before: offsetAt(zone, lo), after: offsetAt(zone, hi) });
  }
  return found;
}

// Each library's answer: the fires it gave, and the error that stopped it early, if any.
function croner(expression, zone, start) {
  try {
    const fires = new Cron(expression, { timezone: zone }).nextRuns(FIRES, new Date(start));
    return { fires: fires.map((d) => d.getTime()), error: null };
  } catch (error) {
    return { fires: [], error: error.message };
  }
}

function cronParser(expression, zone, start) {
  const fires = [];
  try {
    const iterator = CronExpressionParser.parse(expression, { currentDate: new Date(start), tz: zone });
    while (fires.length < FIRES) fires.push(iterator.next().getTime());
  } catch (error) {
    return { fires, error: error.message };
  }
  return { fires, error: null };
}

function fires(expression) {
  const cron = parseCron(expression);
  const longest = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (!cron.domStar && !cron.dowStar) return true;
  return [...cron.months].some((m) => [...cron.dom].some((d) => d <= longest[m]));
}

const DAY_RULE = "cron counts a day field starting with '*' as unrestricted, so a day must "
  + 'match both fields, not either';

function dstReason(cron, near) {
  const gap = near.after > near.before;
  const shift = Math.abs(near.after - near.before) / 60000;
  const kind = gap ? `spring-forward gap of ${shift} minutes` : `fall-back repeat of ${shift} minutes`;
  const rule = gap
    ? (cron.fixed ? 'a fixed-time job fires once, at the first instant after the gap'
      : 'a wildcard job skips slots in the gap')
    : (cron.fixed ? 'a fixed-time job fires once, on the first pass'
      : 'a wildcard job fires on both passes');
  return `${kind} at ${iso(near.at)}: ${rule}`;
}

// The instants in one list but not the other, up to where both lists reach.
function difference(a, b) {
  const horizon = Math.min(a[a.length - 1] ?? Infinity, b[b.length - 1] ?? Infinity);
  const inA = new Set(a);
  const inB = new Set(b);
  return [...a.filter((x) => !inB.has(x)), ...b.filter((x) => !inA.has(x))].filter((x) => x <= horizon);
}

// A library that gave up early, after a correct prefix, next to a DST change.
function explainStop(cron, zoneTransitions, expected, got, error) {
  if (!error || !got.every((x, i) => x === expected[i])) return null;
  const next = expected[got.length];
  const near = zoneTransitions.find((t) => t.at <= next && next - t.at <= 7 * 24 * HOUR);
  if (!near) return null;
  const shift = Math.abs(near.after - near.before) / 60000;
  return `stops with "${error}" after the ${shift}-minute DST change at ${iso(near.at)}; ` +
    `cron goes on firing`;
}

// Why `got` differs from `expected`, from the rules; null when no rule explains it.
function explain(expression, zone, zoneTransitions, start, expected, { fires: got, error }) {
  const cron = parseCron(expression);
  if (got.length === 0 && error && expression.startsWith('@')) {
    return `rejects the macro ("${error}"); cron accepts it`;
  }
  const stopped = explainStop(cron, zoneTransitions, expected, got, error);
  if (stopped) return stopped;
  const candidates = [{ fires: expected, reasons: [] }];
  if (cron.fields[2] !== '*' && cron.fields[4] !== '*' && (cron.domStar || cron.dowStar)) {
    candidates.push({ fires: nextFires(expression, zone, start, FIRES, 'exact'), reasons: [DAY_RULE] });
  }
  for (const { fires: answer, reasons } of candidates) {
    const differing = difference(answer, got);
    if (differing.length === 0 && answer.length === got.length) return reasons.join('; ');
    const around = differing.map((x) => zoneTransitions.find((t) => Math.abs(x - t.at) <= 3 * HOUR));
    if (differing.length > 0 && around.every((t) => t !== undefined)) {
      return [...reasons, dstReason(cron, around[0])].join('; ');
    }
  }
  return null;
}

// The local hour a DST change skips (gap) or repeats (fall back).
function changedHour(zone, change) {
  const wall = change.at + Math.min(change.before, change.after);
  return new Date(wall).getUTCHours();
}

// A start instant (sometimes with seconds) and the DST change it leads into, if any.
function pickStart(random, zoneTransitions) {
  const minute = 60000;
  if (zoneTransitions.length > 0 && random() < 0.6) {
    const change = zoneTransitions[Math.floor(random() * zoneTransitions.length)];
    return { start: change.at - Math.floor(random() * 30 * 60) * minute, change };
  }
  const from = Date.UTC(2026, 0, 1);
  const span = Date.UTC(2028, 11, 31) - from;
  const start = from + Math.floor(random() * (span / minute)) * minute;
  return { start: random() < 0.2 ? start + Math.floor(random() * 60) * 1000 : start, change: null };
}

function main() {
  const random = prng(SEED);
  const nextExpression = makeGenerator(random);
  const nextDstExpression = makeDstGenerator(random);
  const zoneTransitions = Object.fromEntries(ZONES.map((z) => [z, transitions(z)]));
  const vectors = [];
  const unexplained = [];
  while (vectors.length < VECTOR_COUNT) {
    const zone = ZONES[vectors.length % ZONES.length];
    const { start, change } = pickStart(random, zoneTransitions[zone]);
    const expression = change && random() < 0.7
      ? nextDstExpression(changedHour(zone, change)) : nextExpression();
    if (!fires(expression)) continue;
    const expected = nextFires(expression, zone, start, FIRES);
    const libraries = { croner: croner(expression, zone, start), cron_parser: cronParser(expression, zone, start) };
    const reasons = [];
    for (const [name, answer] of Object.entries(libraries)) {
      const got = answer.fires;
      if (got.length === expected.length && got.every((x, i) => x === expected[i])) continue;
      const reason = explain(expression, zone, zoneTransitions[zone], start, expected, answer);
      if (reason === null) unexplained.push({ name, expression, zone, start: iso(start), got: got.map(iso), error: answer.error, expected: expected.map(iso) });
      reasons.push(`${name.replace('_', '-')} differs: ${reason}`);
    }
    const vector = {
      expression, timezone: zone, start: iso(start),
      croner: libraries.croner.fires.map(iso), cron_parser: libraries.cron_parser.fires.map(iso),
      expected: expected.map(iso),
    };
    if (libraries.croner.error) vector.croner_error = libraries.croner.error;
    if (libraries.cron_parser.error) vector.cron_parser_error = libraries.cron_parser.error;
    if (reasons.length > 0) vector.why = reasons.join('; ');
    vectors.push(vector);
  }
  if (unexplained.length > 0) {
    console.error(JSON.stringify(unexplained, null, 2));
    console.error(`${unexplained.length} departures from cron that no rule explains; not writing`);
    process.exit(1);
  }
  const version = (name) => JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'))).version;
  const document = {
    generated_by: 'tools/cron-vectors/generate.mjs',
    seed: SEED,
    libraries: { croner: version('croner'), 'cron-parser': version('cron-parser') },
    semantics: 'expected = cron (cronie) semantics: OR of restricted day fields, a field starting with '
      + "'*' is unrestricted; DST: fixed-time jobs fire once after a gap and once in a repeat, "
      + 'wildcard jobs skip gaps and fire on both passes of a repeat',
    vectors,
  };
  writeFileSync(output, `${JSON.stringify(document, null, 1)}\n`);
  const differing = vectors.filter((v) => v.why).length;
  console.log(`wrote ${vectors.length} vectors (${differing} where a library departs from cron) to ${output}`);
}

main();
