// Seeded random cron expressions covering the grammar: stars, steps, values, ranges,
// stepped ranges, lists, month and day names, 7 as Sunday, and macros. Hours favour 0-3,
// where DST changes happen.

export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

// Random choices drawn from `random` (a prng below): an integer in [min, max], one of a
// list, one of weighted makers, `count` distinct values, and a range "a-b" of field values.
export function randomTools(random) {
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  const pick = (list) => list[int(0, list.length - 1)];
  const weighted = (choices) => {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let roll = random() * total;
    for (const [weight, make] of choices) {
      roll -= weight;
      if (roll < 0) return make();
    }
    return choices[choices.length - 1][1]();
  };
  const distinct = (count, make) => {
    const values = new Set();
    while (values.size < count) values.add(make());
    return [...values];
  };
  const range = (min, max, name = String) => {
    const a = int(min, max - 1);
    return `${name(a)}-${name(int(a + 1, max))}`;
  };
  return { int, pick, weighted, distinct, range };
}

export function makeGenerator(random) {
  const { int, pick, weighted, distinct, range } = randomTools(random);

  const minute = () => weighted([
    [3, () => '*'], [4, () => `*/${pick([2, 5, 7, 10, 15, 20, 30])}`], [5, () => String(int(0, 59))],
    [3, () => distinct(int(2, 3), () => int(0, 59)).join(',')], [2, () => range(0, 59)],
    [2, () => `${range(0, 50)}/${int(2, 15)}`],
  ]);
  const hour = () => weighted([
    [3, () => '*'], [2, () => `*/${pick([2, 3, 4, 6, 12])}`], [6, () => String(pick([0, 1, 2, 3, int(0, 23)]))],
    [2, () => distinct(2, () => pick([0, 1, 2, 3, int(4, 23)])).join(',')], [2, () => range(0, 5)],
    [1, () => `${range(0, 23)}/${int(2, 5)}`],
  ]);
  const dayOfMonth = () => weighted([
    [10, () => '*'], [3, () => String(pick([1, 13, 15, 28, 29, 30, 31, int(1, 31)]))],
    [2, () => range(1, 28)], [1, () => distinct(2, () => int(1, 28)).join(',')],
    [2, () => `*/${int(2, 10)}`], [1, () => `${range(1, 20)}/${int(2, 5)}`],
  ]);
  const month = () => weighted([
    [10, () => '*'], [2, () => String(int(1, 12))], [1, () => pick(MONTHS)],
    [1, () => range(1, 12, (m) => MONTHS[m - 1])], [1, () => `*/${int(2, 6)}`],
    [1, () => distinct(2, () => int(1, 12)).join(',')],
  ]);
  const dayOfWeek = () => weighted([
    [10, () => '*'], [2, () => String(int(0, 7))], [2, () => pick(DAYS)], [2, () => 'mon-fri'],
    [1, () => range(0, 7)], [1, () => distinct(2, () => pick(DAYS)).join(',')],
    [1, () => `*/${int(2, 3)}`],
  ]);

  return () => {
    if (random() < 0.04) return pick(MACROS);
    return [minute(), hour(), dayOfMonth(), month(), dayOfWeek()].join(' ');
  };
}

// Expressions aimed at a DST change: `hour` is the local hour the clock skips or repeats.
export function makeDstGenerator(random) {
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  const pick = (list) => list[int(0, list.length - 1)];
  return (hour) => {
    const minute = pick(['*', '*/15', '*/20', '0', '30', '15,45', '0,30', String(int(0, 59)), '10-40/10']);
    const hours = pick([String(hour), String(hour), `${Math.max(hour - 1, 0)}-${hour + 1}`,
      `${hour},${hour + 1}`, '*', `*/${pick([2, 3])}`]);
    const dayOfWeek = pick(['*', '*', '*', '0', 'sun', '0-6']);
    return `${minute} ${hours} * * ${dayOfWeek}`;
  };
}
