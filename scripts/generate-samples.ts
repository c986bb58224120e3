// `npm run samples`: regenerates the committed sample set in samples/ (same
// bytes every time). With --out, generates an evaluation set elsewhere:
//   npm run samples -- --out DIR --count N --seed S [--layouts soviet-cipher,...] [--degradation clean,mild,heavy]

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { COMMITTED_SAMPLES, evaluationSpecs, generateSet } from '../src/samples/sets.ts';
import { LAYOUTS } from '../src/samples/layouts/index.ts';
import { CablescanError, ErrorCode } from '../src/errors.ts';

const USAGE = `usage: npm run samples                      regenerate the committed set in samples/
       npm run samples -- --out DIR --count N --seed S [--layouts L1,L2] [--degradation clean,mild,heavy]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      layouts: { type: 'string' },
      degradation: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const started = Date.now();
  const report = (e: { file: string; degradation: string; pages: number }): void => {
    console.log(`${e.file}  ${e.degradation}${e.pages > 1 ? `  ${e.pages} pages` : ''}`);
  };
  if (values.out === undefined) {
    if (values.count || values.seed || values.layouts || values.degradation) {
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `--count, --seed, --layouts and --degradation need --out DIR\n${USAGE}`);
    }
    const dir = path.join(repoRoot, 'samples');
    const entries = await generateSet(dir, COMMITTED_SAMPLES, report);
    console.log(`${entries.length} samples written to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  const specs = evaluationSpecs({
    count: Number(values.count ?? '20'),
    seed: values.seed ?? 'cablescan',
    profiles: (values.layouts ?? Object.keys(LAYOUTS).join(',')).split(',').map((s) => s.trim()).filter(Boolean),
    degradations: (values.degradation ?? 'clean,mild,heavy').split(',').map((s) => s.trim()).filter(Boolean),
  });
  const entries = await generateSet(path.resolve(values.out), specs, report);
  console.log(`${entries.length} samples written to ${path.resolve(values.out)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof CablescanError ? `${err.code}: ` : '';
  console.error(`${code}${message}`);
  process.exitCode = 1;
});
