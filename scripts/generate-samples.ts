// `npm run samples`: regenerates the committed sample set in samples/ (same
// bytes every time). With --out, generates an evaluation set elsewhere:
//   npm run samples -- --out DIR --count N --seed S [--layouts soviet-cipher,...] [--degradation clean,mild,heavy]
// With --box, a box of single-page scans in name order with its truth (box.json):
//   npm run samples -- --box --out DIR --pages N --seed S [--degradation clean,mild,heavy] [--mix telegram=60,...] [--blanks 0.03]

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { COMMITTED_SAMPLES, evaluationSpecs, generateSet } from '../src/samples/sets.ts';
import { generateBox, parseMix } from '../src/samples/box.ts';
import { LAYOUTS } from '../src/samples/layouts/index.ts';
import { CablescanError, ErrorCode } from '../src/errors.ts';

const USAGE = `usage: npm run samples                      regenerate the committed set in samples/
       npm run samples -- --out DIR --count N --seed S [--layouts L1,L2] [--degradation clean,mild,heavy]
       npm run samples -- --box --out DIR --pages N --seed S [--degradation clean,mild,heavy]
                          [--mix telegram=60,despatch=15,letter=15,report=10] [--blanks 0.03]
layouts: telegrams soviet-cipher, soviet-coded, us-state, dfat-cable, generic (the default);
         other kinds us-despatch, letter, report`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      layouts: { type: 'string' },
      degradation: { type: 'string' },
      box: { type: 'boolean' },
      pages: { type: 'string' },
      mix: { type: 'string' },
      blanks: { type: 'string' },
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
  if (values.box) {
    if (values.out === undefined || values.count || values.layouts) {
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `--box needs --out DIR and takes --pages, not --count or --layouts\n${USAGE}`);
    }
    const dir = path.resolve(values.out);
    const blankRate = values.blanks === undefined ? undefined : Number(values.blanks);
    if (blankRate !== undefined && !(blankRate >= 0 && blankRate <= 0.5))
      throw new CablescanError(ErrorCode.CONFIG_INVALID, `--blanks must be a share between 0 and 0.5, got ${values.blanks}`);
    const truth = await generateBox(
      dir,
      {
        pages: Number(values.pages ?? '300'),
        seed: values.seed ?? 'cablescan-box',
        degradations: (values.degradation ?? 'clean,mild,heavy')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        ...(values.mix ? { mix: parseMix(values.mix) } : {}),
        ...(blankRate !== undefined ? { blankRate } : {}),
      },
      (page, done, total) => {
        if (done % 10 === 0 || done === total) console.log(`${page.file}  ${done}/${total}  ${((Date.now() - started) / 1000).toFixed(0)} s`);
      },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${truth.pages.length} pages of ${truth.documents.length} documents written to ${dir} in ${seconds.toFixed(1)} s (${(truth.pages.length / seconds).toFixed(2)} pages/s)`,
    );
    return;
  }
  if (values.pages || values.mix || values.blanks)
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `--pages, --mix and --blanks are options of --box\n${USAGE}`);
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
    profiles: (values.layouts ?? Object.keys(LAYOUTS).join(','))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    degradations: (values.degradation ?? 'clean,mild,heavy')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
  const entries = await generateSet(path.resolve(values.out), specs, report);
  console.log(`${entries.length} samples written to ${path.resolve(values.out)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof CablescanError ? `${err.code}: ` : '';
  console.error(`${code}${message}`);
  // A usage error (bad option or value) exits 2, as the CLI does; anything else 1.
  const usage =
    (err instanceof CablescanError && err.code === ErrorCode.CONFIG_INVALID) || String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
  process.exitCode = usage ? 2 : 1;
});
