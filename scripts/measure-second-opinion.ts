// `npm run measure:second-opinion -- DIR...`: what the second opinion's re-reading gains, by the
// doubtful word's confidence. DIR is a generated set read by bench:fields (DIR/set with the
// expected lines, DIR/out/pages with the page JSON), or the output folder of `cablescan run` on
// corpus scans (DIR/pages; each scan's NAME.lines.json beside it gives the true lines). The page
// JSON's `ocr.secondOpinion.replaced` names every word the second reading changed and what the
// page reading had. A replaced word is put right when the
// page reading's text is not in its line's expected words and the new one is; put wrong the other
// way round. Words re-read and left as they were change nothing. Read with an unbounded second
// opinion (secondOpinion.maxWords high), the figures say which words are worth a re-read: the
// budget in src/ocr/second-opinion.ts (issue 20).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExpectedRecord } from '../src/samples/generate.ts';
import { doubtfulWords } from '../src/ocr/second-opinion.ts';
import type { BBox, PageResult } from '../src/types.ts';

const BANDS = [30, 50, 60, 65, 70, 75, 80];

interface Tally {
  candidates: number;
  replaced: number;
  fixed: number;
  broken: number;
}

function expectedPages(setDir: string): Map<string, { lines: Array<{ text: string; bbox: BBox }> }> {
  const out = new Map<string, { lines: Array<{ text: string; bbox: BBox }> }>();
  for (const f of readdirSync(setDir).filter((n) => n.endsWith('.expected.json'))) {
    const e = JSON.parse(readFileSync(path.join(setDir, f), 'utf8')) as ExpectedRecord;
    for (const p of e.pages) out.set(p.pageId, { lines: p.lines.map((l) => ({ text: l.text, bbox: l.bbox as BBox })) });
  }
  return out;
}

/** The expected line a read line overlaps most (vertically, then horizontally), or null. */
function expectedLine(box: BBox, lines: ReadonlyArray<{ text: string; bbox: BBox }>): string | null {
  let best: string | null = null;
  let bestOverlap = 0;
  for (const l of lines) {
    const v = Math.min(box[3], l.bbox[3]) - Math.max(box[1], l.bbox[1]);
    const h = Math.min(box[2], l.bbox[2]) - Math.max(box[0], l.bbox[0]);
    if (v <= 0 || h <= 0) continue;
    const overlap = (v / Math.min(box[3] - box[1], l.bbox[3] - l.bbox[1])) * h;
    if (overlap > bestOverlap) {
      bestOverlap = overlap;
      best = l.text;
    }
  }
  return best;
}

const bandOf = (c: number) => BANDS.findIndex((b) => c < b);
const label = (i: number) => `${i === 0 ? 0 : BANDS[i - 1]}-${BANDS[i]}`;

/** A corpus scan's true lines (NAME.lines.json beside it), in the page's pixels like the page JSON's boxes. */
function corpusLines(page: PageResult): { lines: Array<{ text: string; bbox: BBox }> } | undefined {
  const file = path.join(path.dirname(page.file), `${path.basename(page.file, path.extname(page.file))}.lines.json`);
  if (!existsSync(file)) return undefined;
  return { lines: (JSON.parse(readFileSync(file, 'utf8')) as { lines: Array<{ text: string; bbox: BBox }> }).lines };
}

/** Tallies per model class (the page JSON's ocr.model), summed over every folder given. */
const byModel = new Map<string, Tally[]>();

function measure(dir: string): Tally[] {
  const generated = existsSync(path.join(dir, 'set'));
  const expected = generated ? expectedPages(path.join(dir, 'set')) : new Map();
  const tallies: Tally[] = BANDS.map(() => ({ candidates: 0, replaced: 0, fixed: 0, broken: 0 }));
  const pagesDir = generated ? path.join(dir, 'out', 'pages') : path.join(dir, 'pages');
  for (const f of readdirSync(pagesDir).filter((n) => n.endsWith('.json'))) {
    const page = JSON.parse(readFileSync(path.join(pagesDir, f), 'utf8')) as PageResult;
    const truth = generated ? expected.get(page.pageId) : corpusLines(page);
    const model = page.ocr.model ?? 'unknown';
    if (!byModel.has(model))
      byModel.set(
        model,
        BANDS.map(() => ({ candidates: 0, replaced: 0, fixed: 0, broken: 0 })),
      );
    const modelTallies = byModel.get(model)!;
    if (!truth) continue;
    const replaced = new Map((page.ocr.secondOpinion?.replaced ?? []).map((r) => [`${r.line}/${r.word}`, r]));
    // The page reading as it was before the second opinion: the replaced words put back.
    const before = page.lines.map((line, li) => ({
      ...line,
      words: line.words.map((w, wi) => {
        const r = replaced.get(`${li}/${wi}`);
        return r ? { ...w, text: r.was, confidence: r.wasConfidence } : w;
      }),
    }));
    for (const { word, li, wi } of doubtfulWords(before, { minConfidence: 80 })) {
      const band = bandOf(word.confidence);
      // A line outside the transcribed part (a stamp, a header the corpus leaves out) says nothing.
      const line = expectedLine(page.lines[li]!.bbox, truth.lines);
      if (band < 0 || line === null) continue;
      const both = [tallies[band]!, modelTallies[band]!];
      for (const t of both) t.candidates += 1;
      const r = replaced.get(`${li}/${wi}`);
      if (!r) continue;
      const words = new Set(line.split(/\s+/).filter(Boolean));
      const after = page.lines[li]!.words[wi]!.text;
      for (const t of both) {
        t.replaced += 1;
        if (!words.has(r.was) && words.has(after)) t.fixed += 1;
        else if (words.has(r.was) && !words.has(after)) t.broken += 1;
      }
    }
  }
  return tallies;
}

const write = process.argv.includes('--write');
const dirs = process.argv.slice(2).filter((a) => a !== '--write');
if (dirs.length === 0) {
  console.error(
    'usage: npm run measure:second-opinion -- DIR... [--write] (each a bench:fields --keep folder, or a `cablescan run` output folder of corpus scans)',
  );
  process.exit(2);
}
const print = (title: string, t: Tally[]) => {
  console.log(`\n${title}`);
  console.log('confidence  candidates  replaced  put right  put wrong  gain per re-read');
  t.forEach((x, i) =>
    console.log(
      `${label(i).padEnd(10)}  ${String(x.candidates).padStart(10)}  ${String(x.replaced).padStart(8)}  ${String(x.fixed).padStart(9)}  ${String(x.broken).padStart(9)}  ${x.candidates ? ((x.fixed - x.broken) / x.candidates).toFixed(3) : '-'}`,
    ),
  );
};
for (const dir of dirs) print(dir, measure(dir));
for (const [model, t] of byModel) print(`all folders, model ${model}`, t);
if (write) {
  const file = fileURLToPath(new URL('../src/ocr/second-opinion-gain.json', import.meta.url));
  const table = JSON.parse(readFileSync(file, 'utf8')) as {
    about: string;
    bands: number[];
    gain: Record<string, number[]>;
    measured?: Record<string, unknown>;
  };
  table.bands = BANDS;
  for (const model of ['best', 'fast']) {
    const t = byModel.get(model);
    if (!t) continue;
    table.gain[model] = t.map((x) => (x.candidates ? Math.round(((x.fixed - x.broken) / x.candidates) * 1000) / 1000 : 0));
    table.measured = {
      ...(table.measured ?? {}),
      [model]: {
        folders: dirs.map((d) => path.basename(path.dirname(d)) + '/' + path.basename(d)),
        candidates: t.map((x) => x.candidates),
        putRight: t.map((x) => x.fixed),
        putWrong: t.map((x) => x.broken),
      },
    };
  }
  writeFileSync(file, `${JSON.stringify(table, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}
