// Turns per-page scores of the three variants into the benchmark report: totals, the
// project's accuracy goals checked, and the same content as a plain-text table (terminal),
// Markdown (docs/accuracy.md) and JSON.
import type { StepReport } from '../types.ts';
import type { CropRegion } from './crop.ts';
import type { VariantName } from './runners.ts';
import { VARIANTS } from './runners.ts';
import { median, totalScore, type TextScore, type TotalScore } from './score.ts';

export interface LineRecallOutcome {
  /** Ground-truth lines (of 5 characters or more) some stretch of the text matches at >= 70%. */
  found: number;
  total: number;
  /** The lines not found, normalised. */
  missing: string[];
}

export interface VariantOutcome extends TextScore {
  /** Line recall (src/eval/line-recall.ts); absent in reports made before it. */
  lines?: LineRecallOutcome;
  preprocessMs: number;
  ocrMs: number;
  /** CPU time the page cost (see VariantRun.cpuMs), when measured. */
  cpuMs?: number;
  engine: string;
  /** Names of the preprocessing steps that changed the image (auto only). */
  appliedSteps?: string[];
  steps?: StepReport[];
  /** Taken from the cache of an earlier run instead of being read again. */
  cached: boolean;
}

export interface PageOutcome {
  pageId: string;
  /** Path relative to the evaluation folder. */
  page: string;
  lang: string;
  /** Region read and scored (null: the whole image). */
  crop: CropRegion | null;
  gtChars: number;
  gtWords: number;
  variants: Partial<Record<VariantName, VariantOutcome>>;
  /** Why a variant has no result on this page (failed, language missing, not run). */
  missing: Partial<Record<VariantName, string>>;
}

export interface VariantSummary extends TotalScore {
  /** Lines found / lines over the pages (those with line recall). */
  linesFound: number;
  lines: number;
  /** Mean CPU ms per page over the pages where it was measured (NaN: none). */
  meanCpuMs: number;
  medianPreprocessMs: number;
  medianOcrMs: number;
  /** Median over pages of preprocessMs / ocrMs. */
  medianPreprocessShare: number;
}

export interface GoalCheck {
  goal: string;
  /** null when a variant it needs did not run. */
  pass: boolean | null;
  detail: string;
}

export interface AccuracyReport {
  generatedAt: string;
  dir: string;
  /** Name of the recipe the "auto" column used ("auto" unless a recipe file was given). */
  autoRecipe: string;
  engines: Partial<Record<VariantName, string>>;
  pages: PageOutcome[];
  totals: Partial<Record<VariantName, VariantSummary>>;
  goals: GoalCheck[];
  notes: string[];
}

/** The project's accuracy goals (issues "preprocessing" and 19): see docs/accuracy.md. */
export const GOALS = Object.freeze({
  /** auto's total CER must be at least this much lower than none's. */
  minRelativeGain: 0.15,
  /** ... and at least this much lower than native's (issue 19: <= 0.75x). */
  minGainOverNative: 0.25,
  /** No page may be worse with auto than with none by more than this (CER, absolute). */
  maxPageRegression: 0.005,
  /** Preprocessing must cost less than this share of the OCR time (median page). */
  maxPreprocessShare: 0.15,
});

export function summarizeVariant(outcomes: readonly VariantOutcome[]): VariantSummary {
  const cpu = outcomes.filter((o) => o.cpuMs !== undefined && Number.isFinite(o.cpuMs)).map((o) => o.cpuMs!);
  return {
    ...totalScore(outcomes),
    linesFound: outcomes.reduce((acc, o) => acc + (o.lines?.found ?? 0), 0),
    lines: outcomes.reduce((acc, o) => acc + (o.lines?.total ?? 0), 0),
    meanCpuMs: cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : Number.NaN,
    medianPreprocessMs: median(outcomes.map((o) => o.preprocessMs)),
    medianOcrMs: median(outcomes.map((o) => o.ocrMs)),
    medianPreprocessShare: median(outcomes.filter((o) => o.ocrMs > 0).map((o) => o.preprocessMs / o.ocrMs)),
  };
}

const pct = (x: number, digits = 2) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a');
const pp = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}` : 'n/a');

export function checkGoals(pages: readonly PageOutcome[], totals: AccuracyReport['totals']): GoalCheck[] {
  const { auto } = totals;
  const goals: GoalCheck[] = [];
  for (const name of ['native', 'none'] as const) {
    const gain = name === 'native' ? GOALS.minGainOverNative : GOALS.minRelativeGain;
    const goal = `total CER (auto) at least ${gain * 100}% lower than ${name}`;
    // Compared on the pages both variants read, so a page one of them lacks cannot tip the balance.
    const both = pages.filter((p) => p.variants.auto && p.variants[name]);
    if (both.length === 0) {
      goals.push({ goal, pass: null, detail: `${!auto ? 'auto' : name} did not run` });
      continue;
    }
    const ours = totalScore(both.map((p) => p.variants.auto!));
    const theirs = totalScore(both.map((p) => p.variants[name]!));
    const measured = 1 - ours.cer / theirs.cer;
    const scope = both.length === pages.length ? '' : ` (on the ${both.length} pages both read)`;
    goals.push({
      goal,
      pass: ours.cer <= (1 - gain) * theirs.cer,
      detail: `${pct(ours.cer)} vs ${pct(theirs.cer)}${scope}: ${(measured * 100).toFixed(1)}% lower (needs ≤ ${pct((1 - gain) * theirs.cer)})`,
    });
  }
  const paired = pages.filter((p) => p.variants.auto && p.variants.none);
  const regressionGoal = `no page more than ${(GOALS.maxPageRegression * 100).toFixed(1)} pp worse with auto than with none`;
  if (paired.length === 0) goals.push({ goal: regressionGoal, pass: null, detail: 'auto and none did not both run on any page' });
  else {
    const worse = paired
      .map((p) => ({ page: p.page, delta: p.variants.auto!.cer - p.variants.none!.cer }))
      .filter((d) => d.delta > GOALS.maxPageRegression)
      .sort((a, b) => b.delta - a.delta);
    const worst = paired.reduce((acc, p) => Math.max(acc, p.variants.auto!.cer - p.variants.none!.cer), -Infinity);
    goals.push({
      goal: regressionGoal,
      pass: worse.length === 0,
      detail:
        worse.length === 0
          ? `largest change ${pp(worst)} pp over ${paired.length} pages`
          : `${worse.length} page(s): ${worse.map((w) => `${w.page} ${pp(w.delta)} pp`).join(', ')}`,
    });
  }
  const shareGoal = `preprocessing under ${GOALS.maxPreprocessShare * 100}% of OCR time (median page, auto)`;
  if (!auto) goals.push({ goal: shareGoal, pass: null, detail: 'auto did not run' });
  else
    goals.push({
      goal: shareGoal,
      pass: auto.medianPreprocessShare < GOALS.maxPreprocessShare,
      detail: `median ${pct(auto.medianPreprocessShare, 1)} (preprocess ${auto.medianPreprocessMs.toFixed(0)} ms, OCR ${auto.medianOcrMs.toFixed(0)} ms)`,
    });
  goals.push(...nativeGoals(pages));
  return goals;
}

/** The lines native found that auto did not, per page. */
export function linesLostAgainstNative(p: PageOutcome): string[] {
  const { auto, native } = p.variants;
  if (!auto?.lines || !native?.lines) return [];
  const nativeMissed = new Set(native.lines.missing);
  return auto.lines.missing.filter((line) => !nativeMissed.has(line));
}

/** Issue 19: no page more than 0.5 pp worse than native, and no line native reads missing. */
function nativeGoals(pages: readonly PageOutcome[]): GoalCheck[] {
  const paired = pages.filter((p) => p.variants.auto && p.variants.native);
  const pageGoal = `no page more than ${(GOALS.maxPageRegression * 100).toFixed(1)} pp worse with auto than native`;
  const lineGoal = 'no ground-truth line native finds missing with auto';
  if (paired.length === 0) return [pageGoal, lineGoal].map((goal) => ({ goal, pass: null, detail: 'auto and native did not both run on any page' }));
  const worse = paired
    .map((p) => ({ page: p.page, delta: p.variants.auto!.cer - p.variants.native!.cer }))
    .filter((d) => d.delta > GOALS.maxPageRegression)
    .sort((a, b) => b.delta - a.delta);
  const worst = paired.reduce((acc, p) => Math.max(acc, p.variants.auto!.cer - p.variants.native!.cer), -Infinity);
  const lost = paired.flatMap((p) => linesLostAgainstNative(p).map((line) => `${p.page.replace(/\.[^./]+$/, '')}: "${line}"`));
  const withLines = paired.filter((p) => p.variants.auto!.lines && p.variants.native!.lines).length;
  return [
    {
      goal: pageGoal,
      pass: worse.length === 0,
      detail:
        worse.length === 0
          ? `largest change ${pp(worst)} pp over ${paired.length} pages`
          : `${worse.length} page(s): ${worse.map((w) => `${w.page} ${pp(w.delta)} pp`).join(', ')}`,
    },
    {
      goal: lineGoal,
      pass: withLines === 0 ? null : lost.length === 0,
      detail: withLines === 0 ? 'no line recall in these results' : lost.length === 0 ? `none over ${withLines} pages` : `${lost.length}: ${lost.join('; ')}`,
    },
  ];
}

export function buildReport(dir: string, pages: PageOutcome[], engines: AccuracyReport['engines'], notes: string[] = [], autoRecipe = 'auto'): AccuracyReport {
  const totals: AccuracyReport['totals'] = {};
  for (const variant of VARIANTS) {
    const outcomes = pages.flatMap((p) => (p.variants[variant] ? [p.variants[variant]] : []));
    if (outcomes.length > 0) totals[variant] = summarizeVariant(outcomes);
  }
  const counts = new Set(Object.values(totals).map((t) => t.pages));
  const allNotes = [...notes];
  if (counts.size > 1) {
    allNotes.push(
      `variants ran on different numbers of pages (${VARIANTS.filter((v) => totals[v])
        .map((v) => `${v}: ${totals[v]!.pages}`)
        .join(', ')}): totals are not directly comparable`,
    );
  }
  if (autoRecipe !== 'auto') allNotes.push(`the "auto" column used the recipe "${autoRecipe}", not the default`);
  return { generatedAt: new Date().toISOString(), dir, autoRecipe, engines, pages, totals, goals: checkGoals(pages, totals), notes: allNotes };
}

// ---- formatting -------------------------------------------------------------------------

const PAGE_HEADERS = [
  'page',
  'lang',
  'GT chars',
  'CER native',
  'CER none',
  'CER auto',
  'Δ auto−native pp',
  'Δ auto−none pp',
  'lines native',
  'lines none',
  'lines auto',
  'WER native',
  'WER auto',
  'CPU s native',
  'CPU s auto',
  'pre ms',
  'OCR ms',
  'auto steps applied',
];

function pageCells(p: PageOutcome): string[] {
  const v = p.variants;
  const cer = (name: VariantName) => (v[name] ? pct(v[name]!.cer) : '—');
  const wer = (name: VariantName) => (v[name] ? pct(v[name]!.wer, 1) : '—');
  const lines = (name: VariantName) => (v[name]?.lines ? `${v[name]!.lines!.found}/${v[name]!.lines!.total}` : '—');
  const cpu = (name: VariantName) => (v[name]?.cpuMs !== undefined && Number.isFinite(v[name]!.cpuMs) ? (v[name]!.cpuMs! / 1000).toFixed(1) : '—');
  return [
    p.page.replace(/\.[^./]+$/, ''),
    p.lang,
    String(p.gtChars),
    cer('native'),
    cer('none'),
    cer('auto'),
    v.auto && v.native ? pp(v.auto.cer - v.native.cer) : '—',
    v.auto && v.none ? pp(v.auto.cer - v.none.cer) : '—',
    lines('native'),
    lines('none'),
    lines('auto'),
    wer('native'),
    wer('auto'),
    cpu('native'),
    cpu('auto'),
    v.auto ? v.auto.preprocessMs.toFixed(0) : '—',
    v.auto ? v.auto.ocrMs.toFixed(0) : '—',
    v.auto ? v.auto.appliedSteps?.join(', ') || '(none)' : '—',
  ];
}

const TOTAL_HEADERS = [
  'variant',
  'engine',
  'pages',
  'total CER',
  'median page CER',
  'WER',
  'lines found',
  'CPU s/page',
  'median pre ms',
  'median OCR ms',
  'median pre/OCR',
];

function totalCells(report: AccuracyReport): string[][] {
  return VARIANTS.filter((v) => report.totals[v]).map((v) => {
    const t = report.totals[v]!;
    return [
      v,
      report.engines[v] ?? '',
      String(t.pages),
      pct(t.cer),
      pct(t.medianCer),
      pct(t.wer, 1),
      t.lines ? `${t.linesFound}/${t.lines}` : '—',
      Number.isFinite(t.meanCpuMs) ? (t.meanCpuMs / 1000).toFixed(1) : '—',
      t.medianPreprocessMs.toFixed(0),
      t.medianOcrMs.toFixed(0),
      v === 'native' ? '—' : pct(t.medianPreprocessShare, 1),
    ];
  });
}

function goalLine(g: GoalCheck): string {
  const mark = g.pass === null ? 'n/a ' : g.pass ? 'PASS' : 'FAIL';
  return `${mark}  ${g.goal}: ${g.detail}`;
}

function plainTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Text columns (first two, and the last one of the page table) are left-aligned; numbers right-aligned.
  const left = (i: number) => i <= 1 || headers[i] === 'auto steps applied';
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(headers: string[], rows: string[][]): string {
  const escapePipes = (c: string) => c.replace(/\|/g, '\\|');
  const align = headers.map((h, i) => (i <= 1 || h === 'auto steps applied' || h === 'engine' ? ':--' : '--:'));
  return [headers, align, ...rows].map((r) => `| ${r.map(escapePipes).join(' | ')} |`).join('\n');
}

export function formatText(report: AccuracyReport): string {
  return [
    `Accuracy on ${report.pages.length} pages of ${report.dir}`,
    '',
    plainTable(PAGE_HEADERS, report.pages.map(pageCells)),
    '',
    plainTable(TOTAL_HEADERS, totalCells(report)),
    '',
    ...report.goals.map(goalLine),
    ...(report.notes.length ? ['', ...report.notes.map((n) => `note: ${n}`)] : []),
  ].join('\n');
}

export function formatMarkdown(report: AccuracyReport): string {
  return [
    `Measured ${report.generatedAt.slice(0, 10)} on ${report.pages.length} pages of \`${report.dir}\` (\`npm run bench:accuracy\`).`,
    '',
    markdownTable(TOTAL_HEADERS, totalCells(report)),
    '',
    ...report.goals.map((g) => `- ${g.pass === null ? 'n/a' : g.pass ? '✅' : '❌'} ${g.goal}: ${g.detail}`),
    ...(report.notes.length ? ['', ...report.notes.map((n) => `- Note: ${n}`)] : []),
    '',
    markdownTable(PAGE_HEADERS, report.pages.map(pageCells)),
    '',
  ].join('\n');
}
