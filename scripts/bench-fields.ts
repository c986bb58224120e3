// `npm run bench:fields`: field extraction and confidence on a generated evaluation set.
//
// Generates telegrams of all five layouts (clean / mild / heavy scans, a seed the tests
// do not use) plus the seed telegram as a clean scan, runs the whole pipeline on them
// (in-process), matches records to samples by first page and reports per field:
// exact-match accuracy (clean vs degraded), share auto-accepted, precision of the
// accepted; a confidence calibration table; profile detection; the global figures.
//
// Usage: npm run bench:fields -- [--count 200] [--seed S] [--layouts L1,L2] [--keep DIR] [--reuse DIR]
//          [--oracle] [--concurrency 2] [--markdown docs/fields.md] [--json FILE] [--worst N]
//          [--recipe FILE] [--engine tesseract] [--model fast] [--config FILE] [--no-second-opinion]
//          (an engine and model pair, or a candidate; --config: a cablescan config file, e.g. second-opinion settings)
//   --keep DIR   generate into DIR/set, write pipeline output to DIR/out, keep both
//   --reuse DIR  use DIR/set as generated before; re-run into DIR/out, where the pipeline
//                reuses every page JSON already there of this pipeline revision (no OCR:
//                segmentation/confidence only); pages of another revision are read again
//   --layouts    the layouts of the set (default: the five telegram layouts); e.g.
//                us-despatch,letter,report scores each kind's key fields (despatch: number, date,
//                place, to, subject; letter: date, to, signature) and profile-or-kind detection
//   --oracle     no OCR at all: the expected lines are the "OCR" (layout reading alone)
//   --partial    with --reuse: score only the samples whose page JSON is already in DIR/out
//                (a preview while the OCR run is still going; no OCR is started)
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultModelCache, loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { runInProcess } from '../src/drivers/in-process.ts';
import { scoreTelegram } from '../src/confidence/index.ts';
import { calibrationForPages } from '../src/confidence/calibration.ts';
import { languageOfPages } from '../src/confidence/dictionary.ts';
import { loadProfiles, segmentDocument } from '../src/segment/index.ts';
import { evaluationSpecs, generateSet, COMMITTED_SAMPLES, type SetEntry } from '../src/samples/sets.ts';
import { LAYOUTS } from '../src/samples/layouts/index.ts';
import type { ExpectedRecord } from '../src/samples/generate.ts';
import { oraclePages } from '../src/samples/oracle-pages.ts';
import { BODY_MAX_CER, formatFieldBench, scoreFields, TARGET_FIELDS, type FieldBenchResult } from '../src/samples/score-fields.ts';
import type { PageResult, TelegramRecord } from '../src/types.ts';

const DEFAULT_SEED = 'bench-fields-2026';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    seed: { type: 'string', default: DEFAULT_SEED },
    layouts: { type: 'string' },
    keep: { type: 'string' },
    reuse: { type: 'string' },
    oracle: { type: 'boolean', default: false },
    partial: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '2' },
    recipe: { type: 'string' },
    engine: { type: 'string' },
    model: { type: 'string' },
    config: { type: 'string' },
    'no-second-opinion': { type: 'boolean', default: false },
    markdown: { type: 'string' },
    json: { type: 'string' },
    worst: { type: 'string', default: '25' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(
    'usage: npm run bench:fields -- [--count 200] [--seed S] [--layouts L1,L2] [--keep DIR] [--reuse DIR] [--oracle] [--markdown FILE] [--json FILE] [--recipe FILE] [--engine tesseract] [--no-second-opinion]',
  );
  process.exit(0);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let count = Number(values.count);
let seed = values.seed!;
const layouts = values.layouts
  ? values.layouts
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean)
  : Object.keys(LAYOUTS);
const baseDir = path.resolve(values.reuse ?? values.keep ?? mkdtempSync(path.join(os.tmpdir(), 'cablescan-bench-fields-')));
const setDir = path.join(baseDir, 'set');
const outDir = path.join(baseDir, values.oracle ? 'out-oracle' : 'out');
const temporary = !values.reuse && !values.keep;

async function ensureSet(): Promise<SetEntry[]> {
  const indexFile = path.join(setDir, 'index.json');
  // What the set was made with, so a --reuse run reports the set's seed and size, not the defaults.
  const madeWith = path.join(setDir, 'bench-fields.json');
  if (values.reuse) {
    if (!existsSync(indexFile)) throw new Error(`--reuse ${baseDir}: no set/index.json there (generate one with --keep ${baseDir})`);
    const samples = (JSON.parse(readFileSync(indexFile, 'utf8')) as { samples: SetEntry[] }).samples;
    if (existsSync(madeWith)) ({ seed, count } = JSON.parse(readFileSync(madeWith, 'utf8')) as { seed: string; count: number });
    else {
      seed = `unknown (${setDir} was made before sets recorded their seed)`;
      count = samples.filter((e) => e.name !== 'zz-seed-21340').length;
    }
    return samples;
  }
  const started = Date.now();
  const specs = [
    ...evaluationSpecs({ count, seed, profiles: layouts, degradations: ['clean', 'mild', 'heavy'] }),
    // The seed telegram as a clean scan: every field must be right and accepted.
    { ...COMMITTED_SAMPLES[0], name: 'zz-seed-21340' },
  ];
  let n = 0;
  const entries = await generateSet(setDir, specs, () => {
    if (++n % 20 === 0) console.error(`generated ${n}/${specs.length}`);
  });
  console.error(`generated ${entries.length} samples in ${((Date.now() - started) / 1000).toFixed(0)} s into ${setDir}`);
  writeFileSync(madeWith, `${JSON.stringify({ seed, count, layouts }, null, 2)}\n`);
  return entries;
}

function readExpected(entry: SetEntry): ExpectedRecord {
  return JSON.parse(readFileSync(path.join(setDir, entry.expected), 'utf8')) as ExpectedRecord;
}

async function recordsFromPipeline(): Promise<TelegramRecord[]> {
  const config = loadConfig({
    env: {},
    configFile: values.config ? path.resolve(values.config) : undefined,
    flags: {
      modelCache: defaultModelCache(process.env),
      ...(values.model ? { model: values.model } : {}),
      concurrency: Number(values.concurrency),
      logLevel: 'silent',
      ...(values.recipe ? { preprocess: path.resolve(values.recipe) } : {}),
      ...(values.engine ? { engine: values.engine } : {}),
      ...(values['no-second-opinion'] ? { secondOpinion: false } : {}),
    },
  });
  const started = Date.now();
  const result = await runInProcess(
    {
      inputs: [setDir],
      outDir,
      batch: 'bench-fields',
      keepRecords: true,
      onProgress: (e) => {
        if (e.done > 0 && (e.done % 10 === 0 || e.done === e.total)) {
          console.error(`pages ${e.done}/${e.total} (${e.failed} failed) ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
      },
    },
    config,
    silentLogger(),
  );
  const { pagesRead, pagesResumed } = result.report.counts;
  // A page JSON of another pipeline revision is not reused: its page is read again (OCR and all), as a
  // resumed run reads it. Said here, since a --reuse run is otherwise taken for segmentation alone.
  const reread = values.reuse && pagesRead > 0 ? ` (${pagesRead} page(s) read again: no page JSON of this pipeline revision)` : '';
  console.error(
    `pipeline: ${result.records.length} records in ${((Date.now() - started) / 1000).toFixed(0)} s; pages ${pagesRead} read, ${pagesResumed} reused${reread}`,
  );
  return result.records;
}

/** Page JSON the pipeline already wrote for these samples (all pages of a sample, or none). */
function donePages(expected: ExpectedRecord[]): { pages: PageResult[][]; done: Set<string> } {
  const pages: PageResult[][] = [];
  const done = new Set<string>();
  for (const e of [...expected].sort((a, b) => a.file.localeCompare(b.file))) {
    const files = e.pages.map((p) => path.join(outDir, 'pages', `${p.pageId}.json`));
    if (!files.every((f) => existsSync(f))) continue;
    pages.push(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as PageResult));
    done.add(e.name);
  }
  return { pages, done };
}

/** Segmentation and confidence on the expected lines: what the layout reading alone gets right. */
function recordsFromOracle(expected: ExpectedRecord[]): TelegramRecord[] {
  // Each sample is its own document here: the layout reading alone, without the grouping
  // stage (whose evidence, type and geometry, the expected lines do not carry).
  const config = loadConfig({ env: {}, flags: {} });
  const profiles = loadProfiles({ profilesDir: config.profilesDir });
  return [...expected].sort((a, b) => a.file.localeCompare(b.file)).flatMap((e) => recordsFromPages(oraclePages(e, setDir), profiles, config));
}

function recordsFromPages(pages: PageResult[], profiles: ReturnType<typeof loadProfiles>, config: ReturnType<typeof loadConfig>): TelegramRecord[] {
  const byId = new Map(pages.map((p) => [p.pageId, p]));
  return segmentDocument(pages, { profiles }).map((telegram, i) => {
    // As the pipeline scores it (src/pipeline/build-records.ts): the pair's calibration and the pages' language.
    const docPages = telegram.pages.map((id) => byId.get(id)!).filter(Boolean);
    const lang = languageOfPages(docPages);
    const scored = scoreTelegram(telegram, {
      thresholds: config.thresholds,
      period: config.period,
      calibration: calibrationForPages(docPages),
      ...(lang ? { lang } : {}),
    });
    return {
      schemaVersion: 1,
      id: `oracle-${i}`,
      profile: telegram.profile,
      profileScore: telegram.profileScore,
      source: { files: [], pages: telegram.pages },
      fields: scored.fields,
      text: telegram.text,
      review: scored.review,
    } satisfies TelegramRecord;
  });
}

function printWorst(result: FieldBenchResult, limit: number): void {
  const wrongAccepted = result.outcomes.filter((o) => o.status === 'accepted' && !o.correct);
  const wrongTarget = result.outcomes.filter((o) => !o.correct && (TARGET_FIELDS as readonly string[]).includes(o.field));
  const show = (o: (typeof result.outcomes)[number]): string =>
    `  ${o.sample} ${o.field} [${o.status} ${o.confidence.toFixed(2)} ${o.reasons.join(',')}] expected ${JSON.stringify(o.expected)} got ${JSON.stringify(o.got)}`;
  console.log(`\nwrong but accepted (${wrongAccepted.length}):`);
  for (const o of wrongAccepted.slice(0, limit)) console.log(show(o));
  console.log(`\nwrong target fields (${wrongTarget.length}), first ${limit}:`);
  for (const o of wrongTarget.slice(0, limit)) console.log(show(o));
  const review = result.outcomes.filter((o) => o.expected !== null && o.status !== 'accepted' && o.status !== 'absent');
  const reasons = new Map<string, number>();
  for (const o of review) for (const r of o.reasons.length ? o.reasons : ['(none)']) reasons.set(`${o.field}:${r}`, (reasons.get(`${o.field}:${r}`) ?? 0) + 1);
  console.log(
    `\nsent to review (${review.length}) by field:reason: ${[...reasons]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  const absent = result.outcomes.filter((o) => o.expected !== null && o.status === 'absent');
  const absentBy = new Map<string, number>();
  for (const o of absent) absentBy.set(o.field, (absentBy.get(o.field) ?? 0) + 1);
  console.log(
    `absent (${absent.length}) by field: ${[...absentBy]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
}

/** How well the OCR stage read the pages of each preset: what the field figures stand on. */
function ocrSummary(): string {
  if (values.oracle) return '';
  const dir = path.join(outDir, 'pages');
  if (!existsSync(dir)) return '';
  const byPreset = new Map<string, number[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const preset = /-(clean|mild|heavy)(-p\d+)?\.json$/.exec(file)?.[1] ?? (file.startsWith('zz-seed') ? 'clean' : 'other');
    const page = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as PageResult;
    byPreset.set(preset, [...(byPreset.get(preset) ?? []), page.ocr.meanConfidence]);
  }
  const rows = [...byPreset].map(([preset, c]) => {
    const mean = c.reduce((a, b) => a + b, 0) / c.length;
    return `| ${preset} | ${c.length} | ${mean.toFixed(1)} | ${c.filter((x) => x < 60).length} |`;
  });
  return [
    '**OCR.** Mean word confidence of the pages per preset, and pages the OCR could barely read:',
    '',
    '| preset | pages | mean OCR confidence | pages below 60 |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** docs/fields.md: how the figures were made, then the tables. */
function documentPage(tables: string): string {
  return `# Field extraction benchmark

Generated by \`npm run bench:fields -- ${process.argv
    .slice(2)
    .map((a) => (path.isAbsolute(a) ? 'DIR' : a))
    .join(' ')}\` on ${new Date().toISOString().slice(0, 10)}
(set: \`--count ${count} --seed ${seed}\`). \`--oracle\` runs the same scoring with the expected lines in place of the
OCR, which measures the layout reading alone (it should be near 100% everywhere).

**Set.** ${count} invented ${
    values.layouts
      ? `documents from the sample generator (src/samples/), the layouts ${layouts.join(', ')} in turn`
      : `telegrams from the sample generator (src/samples/), the five layouts in turn
(soviet-cipher, soviet-coded, us-state, dfat-cable, generic)`
  } and the three scan presets in turn (clean, mild,
heavy), in two typewriter faces; about one in ten runs onto a second page (a multi-page TIFF). Each layout has
sub-forms (DFAT: cablegram line or place-date + number line; coded telegram: \`From:\`/\`To:\` lines or the
collection's heading sentence; generic: three arrangements and three date forms). Bodies come from three
sets of sentence templates (translated Soviet reports, telegraphic upper-case cable English, plain official
English) filled from word pools, so no body repeats. The seed is not one the tests use. All single-page scans
sit in one folder, so they are one document to cablescan, which must split it into telegrams by itself; the
seed telegram (samples/seed-21340) is added as a clean scan and reported on its own line.

**Run.** ${
    values.oracle
      ? 'No OCR: the expected lines of each page stand in for the OCR output (layout reading alone).'
      : values.partial
        ? 'The whole pipeline in-process (ingest, preprocess, OCR with tesseract.js) wrote the page JSON; the records were then rebuilt from it by segmentation and confidence as they are now (`--reuse DIR --partial`), default configuration (accept threshold 0.8; body 0.92).'
        : `The whole pipeline in-process (ingest, preprocess, OCR with tesseract.js, segment, confidence), default configuration (accept threshold 0.8; body 0.92), concurrency ${values.concurrency}.`
  }

${ocrSummary()}

**Scoring.** A record belongs to the sample whose first page is the record's first page. A field is right when
its value equals the expected normal form exactly; the body is right when its character error rate against
the expected text is at most ${(BODY_MAX_CER * 100).toFixed(0)}%. A sample without a record has every field wrong and none
accepted. "Auto-accepted" = status \`accepted\`; "precision of accepted" = right / accepted. Accepted fields the
page does not print, and everything a false split (a record matching no sample) accepted, count as
wrong-but-accepted. "Sent to review" = \`needs_review\` or \`missing\`, over all expected fields.

${tables}
## Notes

- "Degraded" is mild and heavy together; the per-preset columns separate them. Where a heavy page's
  fields are wrong, the OCR table above is usually why: the page text itself is unreadable or garbled
  (see the pages below 60), and no reading of the layout can recover it. Those fields must then not be
  accepted, which is what the precision column and the wrong-but-accepted figure check.
- A field's status is \`accepted\` only when its confidence reaches the threshold *and* no blocking
  reason was found: a word of the value under 85 (tesseract's scale), a repaired digit or title, a place
  not in the gazetteer, a date outside the period, a label read fuzzily, a value inside running text, a
  telegram whose required header fields are missing (its body then is a guess), and so on
  (src/confidence/index.ts, REASONS).
- Bodies have their own threshold, 0.92 (mean word confidence), because a body is only counted right within
  2% CER: see the calibration table. A body with dust read between its words (\`:\`, \`‘\`, \`©\`) goes to
  review whatever its confidence (\`dust_in_text\`).
- Heavy scans are read by preprocessing that measures the page on its letters, not its dust, blurs grain
  away and whitens paper grain Otsu would take for ink (docs/preprocessing.md). What the OCR still gets
  wrong in a heavy scan's header is mostly specks glued to words (\`‘15 March\`, \`30- August.\`,
  \`P+. Bulavin\`, \`Tos: CC CPSU\`) and letters of well-known addressees (\`the Secretary of state\`). The
  segmenter reads through these and repairs them, and every repair is marked \`ocr_corrected\`, which
  blocks acceptance: a repaired value counts as right in the exact-match columns when it is right, but
  it is always shown to a reviewer. Known addressees come from a vocabulary file
  (src/segment/vocabularies/recipients.json, profile key \`vocabulary\`), not from the generator.
`;
}

async function main(): Promise<void> {
  let entries = await ensureSet();
  let expected = new Map(entries.map((e) => [e.name, readExpected(e)]));
  let records: TelegramRecord[];
  if (values.partial) {
    const { pages, done } = donePages([...expected.values()]);
    console.error(`partial: ${done.size} of ${entries.length} samples have all their pages read`);
    entries = entries.filter((e) => done.has(e.name));
    expected = new Map([...expected].filter(([name]) => done.has(name)));
    const config = loadConfig({ env: {}, flags: {} });
    const profiles = loadProfiles({ profilesDir: config.profilesDir });
    records = pages.flatMap((p) => recordsFromPages(p, profiles, config));
  } else {
    records = values.oracle ? recordsFromOracle([...expected.values()]) : await recordsFromPipeline();
  }
  const seedEntry = entries.find((e) => e.name === 'zz-seed-21340');
  const evaluation = entries.filter((e) => e !== seedEntry);

  const seedPage = seedEntry ? expected.get(seedEntry.name)!.pages[0].pageId : undefined;
  const isSeed = (r: TelegramRecord): boolean => r.source.pages[0] === seedPage;
  const result = scoreFields(
    evaluation.map((e) => ({ expected: expected.get(e.name)!, degradation: e.degradation })),
    records.filter((r) => !isSeed(r)),
  );
  const seedResult = seedEntry ? scoreFields([{ expected: expected.get(seedEntry.name)!, degradation: 'clean' }], records.filter(isSeed)) : undefined;
  const seedLine = seedResult
    ? `Seed telegram (clean scan): ${seedResult.outcomes.filter((o) => o.expected !== null && o.correct && o.status === 'accepted').length} of ` +
      `${Object.keys(expected.get(seedEntry!.name)!.fields).length} fields right and accepted` +
      (seedResult.outcomes.some((o) => !o.correct || o.status !== 'accepted')
        ? ` (not: ${seedResult.outcomes
            .filter((o) => !o.correct || o.status !== 'accepted')
            .map((o) => `${o.field} ${o.status}`)
            .join(', ')})`
        : '')
    : undefined;
  const note = [values.oracle ? 'Oracle mode: the expected lines stand in for the OCR (layout reading alone, no OCR errors).' : undefined, seedLine]
    .filter(Boolean)
    .join('\n\n');
  const markdown = formatFieldBench(result, { seed, count, note });
  console.log(markdown);
  printWorst(result, Number(values.worst));

  if (values.markdown) {
    const target = path.resolve(values.markdown);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, documentPage(markdown));
  }
  if (values.json) await writeFile(path.resolve(values.json), JSON.stringify({ ...result, seed: seedResult }, null, 2));
  if (temporary) rmSync(baseDir, { recursive: true, force: true });
  else console.error(`kept ${baseDir} (re-score with --reuse ${path.relative(repoRoot, baseDir) || baseDir})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
