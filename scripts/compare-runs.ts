// `node --import tsx scripts/compare-runs.ts OUT_A OUT_B`: are two `cablescan run` output folders the
// same reading? Every records/*.json and pages/*.json of both, compared field by field with times and
// dates left out (`ms`, `timings`, `readAt`...): what a speed change must leave as it was (issue 20).
// Prints the first difference of each file that differs; exits 1 when any does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node --import tsx scripts/compare-runs.ts OUT_A OUT_B');
  process.exit(2);
}
/** Keys that say when or how long, not what was read. */
const VOLATILE = new Set(['ms', 'timings', 'readAt', 'builtAt', 'createdAt', 'batch', 'generatedAt', 'startedAt', 'finishedAt', 'updatedAt']);
const clean = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(clean)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !VOLATILE.has(k))
            .map(([k, x]) => [k, clean(x)]),
        )
      : v;
const json = (file: string) => JSON.stringify(clean(JSON.parse(readFileSync(file, 'utf8'))));
let differ = 0;
let compared = 0;
for (const sub of ['records', 'pages']) {
  const list = (dir: string) =>
    existsSync(path.join(dir, sub))
      ? readdirSync(path.join(dir, sub))
          .filter((f) => f.endsWith('.json'))
          .sort()
      : [];
  const inA = list(a);
  const inB = list(b);
  for (const f of [...inA.filter((x) => !inB.includes(x)), ...inB.filter((x) => !inA.includes(x))]) {
    console.log(`only in one: ${sub}/${f}`);
    differ += 1;
  }
  for (const f of inA.filter((x) => inB.includes(x))) {
    compared += 1;
    const x = json(path.join(a, sub, f));
    const y = json(path.join(b, sub, f));
    if (x === y) continue;
    differ += 1;
    let i = 0;
    while (x[i] === y[i]) i += 1;
    console.log(`differs: ${sub}/${f}\n  ${a}: ...${x.slice(Math.max(0, i - 80), i + 80)}\n  ${b}: ...${y.slice(Math.max(0, i - 80), i + 80)}`);
  }
}
console.log(`${compared} files compared, ${differ} differ`);
process.exit(differ ? 1 : 0);
