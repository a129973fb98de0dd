// Writes tests/data/describe_vectors.json: cron expressions (curated ones, then seeded random
// ones over lists, ranges, steps, names and `*/n` in every field) with cronstrue's English for
// each, the wording certcron's describe() follows.
//
// cronstrue always joins a restricted day-of-week to a restricted day-of-month as if cron ran
// on days matching either. Cron (Vixie cron, cronie, certcron) does that only when neither
// day field starts with `*`; when one does, a day must match both. Where cronstrue's words
// then say the wrong thing, the vector carries `expected`, the wording that is right for
// cron, and `why`:
// - both fields must match but cronstrue says "and on Friday": expected is cronstrue's own
//   wording for that rule (its logicalAndDayFields option), "only on Friday";
// - either field suffices but cronstrue's clause has no "and on" ("between day 1 and 7 of
//   the month, Monday through Friday" reads as both): expected puts "and on" before it.
// And where a day-of-week range 0-7 (7 is Sunday again: the whole week) reads "Sunday through
// Sunday", expected is the wording of 0-6.
//
//   cd tools/describe-vectors && npm ci && node generate.mjs

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cronstrue from 'cronstrue';
import { prng, randomTools } from '../cron-vectors/random_expressions.mjs';

const SEED = 20260412;
const RANDOM_COUNT = 400;
const OPTIONS = { use24HourTimeFormat: true, verbose: false };
const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, '..', '..', 'tests', 'data', 'describe_vectors.json');
const version = JSON.parse(readFileSync(join(here, 'node_modules', 'cronstrue', 'package.json'))).version;

const BOTH_RULE = "cron requires both day fields to match when one starts with '*'; cronstrue's " +
  '"and on" reads as either, so its logicalAndDayFields wording ("only on") is kept';
const EITHER_RULE = "cron runs on days matching either day field when neither starts with '*'; " +
  "cronstrue's day-of-week clause without \"and on\" reads as both, so \"and on\" is added";
const WEEK_RULE = 'cron reads 7 as Sunday too, so 0-7 is the whole week; cronstrue\'s "Sunday through ' +
  'Sunday" reads as one day, so the wording of 0-6 is kept';

// Expressions a reader is likely to meet, and each wording branch at least once.
const CURATED = [
  '* * * * *', '*/5 * * * *', '*/1 * * * *', '0,30 * * * *', '45,0,15,30 * * * *', '1 * * * *',
  '0-10 * * * *', '10-40/10 * * * *', '0-5,30 * * * *', '0 * * * *', '@hourly', '0 */2 * * *',
  '30 */2 * * *', '* 2 * * *', '*/15 9-17 * * *', '23 0-20/2 * * *', '*/10 8,12,18 * * *',
  '0,30 0-23 * * *', '0 2 * * *', '@daily', '@midnight', '5 14 * * *', '30 8,12,16 * * *',
  '0,30 9 * * *', '0-10 9 * * *', '0 9 1-7 * 1', '0 2 * * 0', '0 2 * * 7', '0 0 1 1 *',
  '@yearly', '@annually', '@weekly', '@monthly', '0 22 * * 1-5', '0 22 * * mon,wed,fri',
  '0 0 1,15 * *', '0 0 */2 * *', '0 0 1 */3 *', '0 0 * jan-jun *', '0 0 * 1,7 *',
  '0 0 13 * fri', '0 0 1-7 * mon-wed', '0 0 */2 * 5', '0 0 * * */2', '0 9 */2 * 1',
  '0 0 13 * */2', '0 0 */3 * 1,3', '0 0 */5 * mon-fri', '0 0 1-7 * mon-fri', '0 0 13 * 1-5/2',
  '0 0 1-10/2 * *', '0 0 * 2-11/3 *', '0 0 * * 1-5/2', '0 0 * * mon-wed,fri', '*/20 * * * 1-5',
  '15 3 * * sun', '0 12 * * 6,0', '0 0 31 * *', '0 6 1 * mon', '0 0 * * 0-7', '0 0 13 * 0-7',
  '0 0 * * 0,7',
];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function makeGenerator(random) {
  const { int, pick, weighted, distinct, range } = randomTools(random);
  const cased = (name) => (random() < 0.3 ? name.toUpperCase() : name);
  const monthName = (m) => cased(MONTHS[m - 1]);
  const dayName = (d) => cased(DAYS[d % 7]);

  const minute = () => weighted([
    [3, () => '*'], [4, () => `*/${pick([2, 3, 4, 5, 6, 7, 10, 12, 15, 20, 30])}`],
    [5, () => String(int(0, 59))], [3, () => distinct(int(2, 4), () => int(0, 59)).join(',')],
    [2, () => range(0, 59)], [2, () => `${range(0, 50)}/${int(2, 15)}`],
    [1, () => `${range(0, 29)},${int(30, 59)}`],
  ]);
  const hour = () => weighted([
    [3, () => '*'], [3, () => `*/${pick([2, 3, 4, 6, 8, 12])}`], [5, () => String(int(0, 23))],
    [3, () => distinct(int(2, 3), () => int(0, 23)).join(',')], [2, () => range(0, 23)],
    [1, () => `${range(0, 23)}/${int(2, 5)}`], [1, () => `${range(0, 11)},${int(12, 23)}`],
  ]);
  const dayOfMonth = (lastDay) => weighted([
    [8, () => '*'], [3, () => String(int(1, lastDay))], [2, () => range(1, lastDay)],
    [2, () => distinct(int(2, 3), () => int(1, lastDay)).join(',')], [2, () => `*/${int(2, 10)}`],
    [1, () => `${range(1, 20)}/${int(2, 5)}`],
  ]);
  const month = () => weighted([
    [8, () => '*'], [2, () => String(int(1, 12))], [1, () => monthName(int(1, 12))],
    [1, () => range(1, 12, monthName)], [1, () => range(1, 12)], [1, () => `*/${int(2, 6)}`],
    [1, () => distinct(2, () => int(1, 12)).join(',')],
    [1, () => distinct(int(2, 3), () => int(1, 12)).map(monthName).join(',')],
    [1, () => `${range(1, 9)}/${int(2, 3)}`],
  ]);
  const dayOfWeek = () => weighted([
    [8, () => '*'], [2, () => String(int(0, 7))], [2, () => dayName(int(0, 6))],
    [2, () => cased('mon-fri')], [1, () => range(0, 6)], [1, () => range(1, 6, dayName)],
    [1, () => distinct(int(2, 3), () => int(0, 6)).map(dayName).join(',')],
    [1, () => `*/${int(2, 3)}`], [1, () => `${range(0, 6)}/2`],
    [1, () => `${range(1, 3, dayName)},${dayName(int(4, 6))}`],
  ]);

  return () => {
    const monthText = month();
    // A single month stays valid for every day of the month it is given.
    const febOnly = /^(2|feb)$/i.test(monthText);
    return [minute(), hour(), dayOfMonth(febOnly ? 28 : 31), monthText, dayOfWeek()].join(' ');
  };
}

const describe = (expression, extra = {}) => cronstrue.toString(expression, { ...OPTIONS, ...extra });

// The wording right for cron where cronstrue's day-of-week words say otherwise, or null.
function departure(expression, text) {
  const fields = expression.split(' ');
  if (fields.length !== 5) return null;
  const week = fields[4].split(',').map((item) => item.replace(/^0-7(?=\/|$)/, '0-6')).join(',');
  if (week !== fields[4]) {
    const rewritten = [...fields.slice(0, 4), week].join(' ');
    const wording = describe(rewritten);
    const day = dayRuleDeparture(rewritten, wording);
    const why = [WEEK_RULE, day?.why].filter(Boolean).join('; ');
    return { expected: day?.expected ?? wording, why };
  }
  return dayRuleDeparture(expression, text);
}

function dayRuleDeparture(expression, text) {
  const [, , dayOfMonth, , dayOfWeek] = expression.split(' ');
  if (dayOfMonth === '*' || dayOfWeek === '*') return null;
  if (dayOfMonth.startsWith('*') || dayOfWeek.startsWith('*')) {
    const both = describe(expression, { logicalAndDayFields: true });
    return both === text ? null : { expected: both, why: BOTH_RULE };
  }
  const alone = describe(`0 0 * * ${dayOfWeek}`).replace(/^At 00:00, /, '');
  if (alone.startsWith('only on ')) return null;  // cronstrue writes "and on" for these
  const clause = `, ${alone}`;
  if (text.split(clause).length !== 2) {
    throw new Error(`cannot find the day-of-week clause "${alone}" in "${text}"`);
  }
  return { expected: text.replace(clause, `, and on ${alone}`), why: EITHER_RULE };
}

const random = prng(SEED);
const next = makeGenerator(random);
const expressions = [...CURATED];
const seen = new Set(expressions);
while (expressions.length < CURATED.length + RANDOM_COUNT) {
  const expression = next();
  if (seen.has(expression)) continue;
  seen.add(expression);
  expressions.push(expression);
}

const vectors = expressions.map((expression, index) => {
  const text = describe(expression);
  const vector = { expression, origin: index < CURATED.length ? 'curated' : 'random', cronstrue: text };
  return { ...vector, ...departure(expression, text) };
});

const document = {
  generated_by: 'tools/describe-vectors/generate.mjs',
  seed: SEED,
  cronstrue: version,
  options: OPTIONS,
  rule: 'describe() should read as cronstrue does; where `expected` is given, cronstrue ' +
    "misstates cron's day rule and describe() must read as `expected` instead (`why` says how)",
  vectors,
};
writeFileSync(output, `${JSON.stringify(document, null, 1)}\n`);
const departing = vectors.filter((v) => v.expected).length;
console.log(`wrote ${vectors.length} vectors (${departing} where cronstrue misstates cron) to ${output}`);
