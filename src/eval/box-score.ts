// Scores a box run (records of `cablescan run <box>`) against the box's truth
// (`box.json` from the generator, or the corpus's documents.json turned into the
// same shape): page grouping decisions, whole documents, and fields.
//
// - A page decision is right when the page starts a record exactly where a truth
//   document starts (every page but the first of the sequence is scored), by the
//   scan preset of the page decided.
// - A wrong decision is silent when the records holding the page (and the page
//   before) are not held for review because of their grouping.
// - A truth document is whole when one record holds exactly its pages.
// - Fields: a truth document is scored against the record holding its first page;
//   accepted fields it does not print, and what records matching no truth document
//   accepted, are wrong-but-accepted.
import type { TelegramRecord } from '../types.ts';
import { fieldCorrect } from '../samples/score-fields.ts';
import { DOCUMENT_KINDS } from '../segment/profile-schema.ts';

export interface TruthDocument {
  id: string;
  kind: string;
  profile?: string;
  degradation: string;
  pages: string[];
  fields: Record<string, string | number>;
}

export interface BoxTruthLike {
  documents: TruthDocument[];
  /** Every page of the box in reading order (blank backs included). */
  order: string[];
  /**
   * The documents' fields are every field printed (a generated box: an accepted field not listed
   * is wrong) or only some (the corpus's header fields: a field not listed is not scored).
   */
  fieldsComplete?: boolean;
}

/** A truth kind the pipeline has no profile kind for (a journal, a catalogue) is read as `other`. */
function pipelineKind(kind: string): string {
  return (DOCUMENT_KINDS as readonly string[]).includes(kind) ? kind : 'other';
}

export interface DecisionOutcome {
  page: string;
  truth: 'start' | 'continue';
  decided: 'start' | 'continue';
  degradation: string;
  flagged: boolean;
}

export interface BoxScore {
  pages: number;
  decisions: {
    n: number;
    right: number;
    byDegradation: Record<string, { n: number; right: number }>;
    wrongJoins: number;
    wrongSplits: number;
    silent: number;
    flagged: number;
  };
  documents: { n: number; whole: number; byKind: Record<string, { n: number; whole: number }> };
  kinds: { n: number; right: number; confusion: Record<string, Record<string, number>> };
  fields: {
    expected: number;
    accepted: number;
    wrongAccepted: number;
    review: number;
    absent: number;
    /** Accepted fields of a telegram record on a document that is not a telegram. */
    telegramFieldsOnOthers: number;
    byKind: Record<string, { expected: number; right: number; accepted: number; wrongAccepted: number }>;
    /** Where the review share comes from: the truth fields a record carries but has not accepted. */
    reviewBy: ReviewBreakdown;
  };
  wrong: DecisionOutcome[];
  wrongAccepted: Array<{ document: string; field: string; expected: string | number | null; got: string | number | null }>;
}

/**
 * The fields sent to review, taken apart: per reason (a field counts under each reason it carries),
 * per set of reasons (what holds it, all of it: lifting one reason releases only the fields it holds
 * alone), per field name, per scan level and per kind; with how many of the held fields were right,
 * which says whether a reason holds right values or wrong ones.
 */
export interface ReviewBreakdown {
  byReason: Record<string, { review: number; right: number }>;
  byReasonSet: Record<string, { review: number; right: number }>;
  byField: Record<string, { expected: number; review: number; right: number }>;
  byDegradation: Record<string, { expected: number; review: number; right: number }>;
  byKind: Record<string, { expected: number; review: number; right: number }>;
}

/** Reason set of a held field with no reason: held by its confidence alone. */
export const BELOW_THRESHOLD = '(below threshold)';

const isDegraded = (d: string): boolean => d !== 'clean';

function recordOfPage(records: readonly TelegramRecord[]): Map<string, TelegramRecord[]> {
  const out = new Map<string, TelegramRecord[]>();
  for (const r of records) for (const p of r.source.pages) out.set(p, [...(out.get(p) ?? []), r]);
  return out;
}

function inReviewForGrouping(r: TelegramRecord | undefined): boolean {
  return r?.grouping?.status === 'uncertain';
}

export function scoreBox(truth: BoxTruthLike, records: readonly TelegramRecord[]): BoxScore {
  const docOf = new Map<string, TruthDocument>();
  for (const d of truth.documents) for (const p of d.pages) docOf.set(p, d);
  const holding = recordOfPage(records);
  const firstPages = new Set(records.map((r) => r.source.pages[0]));

  const decisions: BoxScore['decisions'] = { n: 0, right: 0, byDegradation: {}, wrongJoins: 0, wrongSplits: 0, silent: 0, flagged: 0 };
  const wrong: DecisionOutcome[] = [];
  truth.order.forEach((page, i) => {
    if (i === 0) return;
    const doc = docOf.get(page);
    const before = docOf.get(truth.order[i - 1]!);
    if (!doc) return;
    const truthDecision = doc !== before ? 'start' : 'continue';
    // A page the run holds in no record (blank, failed) is judged by whether the record after it starts there.
    const decided = firstPages.has(page) && !(holding.get(page) ?? []).some((r) => r.source.pages.includes(truth.order[i - 1]!)) ? 'start' : 'continue';
    const flagged = [...(holding.get(page) ?? []), ...(holding.get(truth.order[i - 1]!) ?? [])].some(inReviewForGrouping);
    decisions.n++;
    const bucket = (decisions.byDegradation[doc.degradation] ??= { n: 0, right: 0 });
    bucket.n++;
    if (flagged) decisions.flagged++;
    if (decided === truthDecision) {
      decisions.right++;
      bucket.right++;
    } else {
      if (truthDecision === 'start') decisions.wrongJoins++;
      else decisions.wrongSplits++;
      if (!flagged) decisions.silent++;
      wrong.push({ page, truth: truthDecision, decided, degradation: doc.degradation, flagged });
    }
  });

  const documents: BoxScore['documents'] = { n: 0, whole: 0, byKind: {} };
  const kinds: BoxScore['kinds'] = { n: 0, right: 0, confusion: {} };
  const reviewBy: ReviewBreakdown = { byReason: {}, byReasonSet: {}, byField: {}, byDegradation: {}, byKind: {} };
  const fields: BoxScore['fields'] = { expected: 0, accepted: 0, wrongAccepted: 0, review: 0, absent: 0, telegramFieldsOnOthers: 0, byKind: {}, reviewBy };
  const wrongAccepted: BoxScore['wrongAccepted'] = [];
  const matched = new Set<TelegramRecord>();
  for (const doc of truth.documents) {
    documents.n++;
    const k = (documents.byKind[doc.kind] ??= { n: 0, whole: 0 });
    k.n++;
    const record = records.find((r) => r.source.pages[0] === doc.pages[0]) ?? holding.get(doc.pages[0]!)?.[0];
    if (record && record.source.pages.join('\n') === doc.pages.join('\n')) {
      documents.whole++;
      k.whole++;
    }
    if (record) matched.add(record);
    kinds.n++;
    const kind = record?.kind ?? '(no record)';
    (kinds.confusion[doc.kind] ??= {})[kind] = (kinds.confusion[doc.kind]![kind] ?? 0) + 1;
    if (kind === pipelineKind(doc.kind)) kinds.right++;

    const byKind = (fields.byKind[doc.kind] ??= { expected: 0, right: 0, accepted: 0, wrongAccepted: 0 });
    for (const [name, value] of Object.entries(doc.fields)) {
      fields.expected++;
      byKind.expected++;
      const got = record?.fields[name];
      const right = got ? fieldCorrect(name, value, got.value) : false;
      if (right) byKind.right++;
      const cells = [
        (reviewBy.byField[name] ??= { expected: 0, review: 0, right: 0 }),
        (reviewBy.byDegradation[doc.degradation] ??= { expected: 0, review: 0, right: 0 }),
        (reviewBy.byKind[doc.kind] ??= { expected: 0, review: 0, right: 0 }),
      ];
      for (const c of cells) c.expected++;
      if (got && got.status !== 'accepted') {
        const reasons = got.reasons.length ? [...got.reasons].sort() : [BELOW_THRESHOLD];
        const held = [
          ...cells,
          ...reasons.map((r) => (reviewBy.byReason[r] ??= { review: 0, right: 0 })),
          (reviewBy.byReasonSet[reasons.join(' + ')] ??= { review: 0, right: 0 }),
        ];
        for (const c of held) {
          c.review++;
          if (right) c.right++;
        }
      }
      if (!got) fields.absent++;
      else if (got.status === 'accepted') {
        fields.accepted++;
        byKind.accepted++;
        if (!right) {
          fields.wrongAccepted++;
          byKind.wrongAccepted++;
          wrongAccepted.push({ document: doc.id, field: name, expected: value, got: got.value });
        }
      } else fields.review++;
    }
    for (const [name, got] of Object.entries(record?.fields ?? {})) {
      if (name in doc.fields || got.status !== 'accepted' || truth.fieldsComplete === false) continue;
      fields.accepted++;
      fields.wrongAccepted++;
      byKind.accepted++;
      byKind.wrongAccepted++;
      wrongAccepted.push({ document: doc.id, field: name, expected: null, got: got.value });
    }
    if (doc.kind !== 'telegram' && (record?.kind ?? 'telegram') === 'telegram') {
      fields.telegramFieldsOnOthers += Object.values(record?.fields ?? {}).filter((f) => f.status === 'accepted').length;
    }
  }
  for (const r of records) {
    if (matched.has(r)) continue;
    for (const [name, f] of Object.entries(r.fields)) {
      if (f.status !== 'accepted') continue;
      fields.accepted++;
      fields.wrongAccepted++;
      wrongAccepted.push({ document: `(record ${r.id} on ${r.source.pages[0]})`, field: name, expected: null, got: f.value });
    }
  }
  return { pages: truth.order.length, decisions, documents, kinds, fields, wrong, wrongAccepted };
}

const pct = (a: number, b: number): string => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);

/** Markdown summary of a box score. */
export function formatBoxScore(name: string, s: BoxScore): string {
  const d = s.decisions;
  const clean = d.byDegradation.clean ?? { n: 0, right: 0 };
  const degraded = Object.entries(d.byDegradation)
    .filter(([k]) => isDegraded(k))
    .reduce((a, [, v]) => ({ n: a.n + v.n, right: a.right + v.right }), { n: 0, right: 0 });
  const lines = [
    `### ${name}: ${s.pages} pages, ${s.documents.n} documents`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| page decisions right, clean | ${pct(clean.right, clean.n)} (${clean.right}/${clean.n}) | >= 99% |`,
    `| page decisions right, degraded | ${pct(degraded.right, degraded.n)} (${degraded.right}/${degraded.n}) | >= 97% |`,
    ...Object.entries(d.byDegradation).map(([k, v]) => `| page decisions right, ${k} | ${pct(v.right, v.n)} (${v.right}/${v.n}) | |`),
    `| wrong joins / wrong splits | ${d.wrongJoins} / ${d.wrongSplits} | |`,
    `| wrong decisions not held for review (silent) | ${d.silent} | 0 |`,
    `| page decisions held for review | ${pct(d.flagged, d.n)} (${d.flagged}) | |`,
    `| documents whole | ${pct(s.documents.whole, s.documents.n)} (${s.documents.whole}/${s.documents.n}) | >= 97% |`,
    ...Object.entries(s.documents.byKind).map(([k, v]) => `| documents whole, ${k} | ${pct(v.whole, v.n)} (${v.whole}/${v.n}) | |`),
    `| kind right | ${pct(s.kinds.right, s.kinds.n)} (${s.kinds.right}/${s.kinds.n}) | |`,
    `| wrong-but-accepted / accepted fields | ${pct(s.fields.wrongAccepted, s.fields.accepted)} (${s.fields.wrongAccepted}/${s.fields.accepted}) | <= 1% |`,
    `| fields sent to review | ${pct(s.fields.review, s.fields.expected)} (${s.fields.review}/${s.fields.expected}) | <= 25% |`,
    `| telegram fields accepted on documents that are not telegrams | ${s.fields.telegramFieldsOnOthers} | 0 |`,
    ...Object.entries(s.fields.byKind).map(
      ([k, v]) => `| fields right, ${k} | ${pct(v.right, v.expected)} (${v.right}/${v.expected}); accepted ${v.accepted}, wrong ${v.wrongAccepted} | |`,
    ),
  ];
  return lines.join('\n');
}

/** Markdown tables of where the review share comes from (BoxScore.fields.reviewBy). */
export function formatReviewBreakdown(s: BoxScore, top = 15): string {
  const r = s.fields.reviewBy;
  const total = s.fields.expected;
  const rows = (entries: Array<[string, { review: number; right: number; expected?: number }]>) =>
    entries
      .sort((a, b) => b[1].review - a[1].review)
      .map(
        ([k, v]) =>
          `| ${k} | ${v.review} | ${pct(v.review, total)} | ${v.expected === undefined ? '' : pct(v.review, v.expected)} | ${pct(v.right, v.review)} |`,
      );
  const head = (what: string) => [`| ${what} | fields held | of all fields | of its fields | right among held |`, '|---|---|---|---|---|'];
  return [
    'Fields sent to review (a field counts under each reason it carries; "right among held": the held value was right):',
    '',
    ...head('reason'),
    ...rows(Object.entries(r.byReason)),
    '',
    ...head('held by exactly'),
    ...rows(Object.entries(r.byReasonSet)).slice(0, top),
    '',
    ...head('field'),
    ...rows(Object.entries(r.byField)),
    '',
    ...head('scan'),
    ...rows(Object.entries(r.byDegradation)),
    '',
    ...head('kind'),
    ...rows(Object.entries(r.byKind)),
  ].join('\n');
}
