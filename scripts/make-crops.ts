// `npm run crops -- [DIR] [--out OUT]`: the corpus's scans cut to their ground truth's coverage, as
// ../shared/corpus/README.md describes and bench:accuracy scores them, written as
// OUT/<lang>/<pageId>.png (grey where the scan is, resolution tag kept), one folder per OCR language,
// so that `npm run bench -- OUT/eng samples` and `cablescan run OUT/fra -l fra` read the same pixels the
// accuracy benchmark reads. Defaults: DIR ../shared/corpus/scans, OUT ./crops.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findEvalPages } from '../src/eval/corpus.ts';
import { cropRegion, orientedSize, readCoverage, writeCrop } from '../src/eval/crop.ts';
import { loadConfig } from '../src/config.ts';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'crops' } } });
const dir = positionals[0] ?? path.resolve(import.meta.dirname, '../../shared/corpus/scans');
const corpus = await findEvalPages(dir, { cwd: process.cwd(), maxPixels: loadConfig({ env: {} }).maxPixels });
for (const skipped of corpus.skipped) console.error(`skipped ${skipped.file}: ${skipped.reason}`);
const counts = new Map<string, number>();
for (const page of corpus.pages) {
  const size = await orientedSize(page.source.path);
  const crop = page.linesFile ? cropRegion((await readCoverage(page.linesFile, size.width, size.height)).bbox, size.width, size.height) : null;
  const folder = path.resolve(opts.out!, page.lang);
  await mkdir(folder, { recursive: true });
  await writeCrop(page.source.path, crop, path.join(folder, `${page.pageId}.png`));
  counts.set(page.lang, (counts.get(page.lang) ?? 0) + 1);
}
console.log(`${corpus.pages.length} crops in ${path.resolve(opts.out!)}: ${[...counts].map(([lang, n]) => `${lang} ${n}`).join(', ')}`);
