// The croner side of run.sh: the same cases, timed per occurrence as a chain of
// nextRun(previous) calls. Prints expression, zone, ns per occurrence, and the last fire.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(new URL('../../tools/cron-vectors/package.json', import.meta.url));
const { Cron } = require('croner');

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const rounds = 3;
for (const [expression, zone] of config.cases) {
  const job = new Cron(expression, { timezone: zone });
  let best = Infinity;
  let last = null;
  for (let round = 0; round < rounds; round += 1) {
    let cursor = new Date(config.start);
    const begin = process.hrtime.bigint();
    for (let i = 0; i < config.croner_occurrences; i += 1) cursor = job.nextRun(cursor);
    const elapsed = Number(process.hrtime.bigint() - begin);
    best = Math.min(best, elapsed / config.croner_occurrences);
    last = cursor;
  }
  const when = last.toISOString().replace('.000Z', 'Z');
  console.log(`${expression}\t${zone}\t${best.toFixed(1)}\t${when}`);
}
