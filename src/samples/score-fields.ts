// Scores records against the expected records of a generated evaluation set:
// per-field exact-match accuracy (clean vs degraded), share auto-accepted,
// precision of the accepted, a confidence calibration table, profile detection
// accuracy and the two global figures the targets are stated in.
//
// Matching: a record belongs to the sample whose first page is the record's first page.
// A sample with no such record has every field wrong and none accepted; a record that
// matches no sample (a false split) counts its accepted fields as wrong-but-accepted.
import { distance } from 'fastest-levenshtein';
import type { TelegramRecord } from '../types.ts';
import type { ExpectedRecord } from './generate.ts';
import type { DocumentKind, FieldValue } from './model.ts';

/** A body counts as right when its character error rate is at most this (bodies are long; OCR is not perfect). */
export const BODY_MAX_CER = 0.02;

/** Fields the targets are stated for (telegrams). */
export const TARGET_FIELDS = ['number', 'date', 'place', 'to', 'signature', 'classification'] as const;

/** Key fields by kind: the issue's targets for despatches and letters; a report's key is its kind alone. */
export const KEY_FIELDS: Readonly<Record<DocumentKind, readonly string[]>> = {
  telegram: TARGET_FIELDS,
  despatch: ['number', 'date', 'place', 'to', 'subject'],
  letter: ['date', 'to', 'signature'],
  report: [],
};

/** A generated record's kind: telegram evaluation sets predate kinds and leave it out. */
export const kindOf = (expected: Pick<ExpectedRecord, 'kind'>): DocumentKind => expected.kind ?? 'telegram';

export interface FieldOutcome {
  sample: string;
  /** The sample's kind ('' for a false split's record). */
  kind: string;
  profile: string;
  degradation: string;
  field: string;
  expected: FieldValue | null;
  got: FieldValue | null;
  status: string;
  confidence: number;
  reasons: string[];
  correct: boolean;
}

export interface FieldRow {
  field: string;
  clean: { n: number; right: number };
  degraded: { n: number; right: number };
  byDegradation: Record<string, { n: number; right: number }>;
  /** Expected fields the record carries (any status). */
  n: number;
  accepted: number;
  acceptedRight: number;
  /** Fields the record carries that the sample does not print, accepted anyway. */
  spuriousAccepted: number;
}

export interface Bin {
  from: number;
  to: number;
  n: number;
  meanConfidence: number;
  accuracy: number;
}

export interface FieldBenchResult {
  samples: number;
  pages: number;
  matchedRecords: number;
  extraRecords: number;
  /** Right when the record's profile is the sample's, or (a kind that is not a telegram) its kind is. */
  profileDetection: { right: number; n: number; confusion: Record<string, Record<string, number>> };
  /** The key fields of each sample's kind (KEY_FIELDS), together: exact match clean / degraded. */
  keyFields: { kinds: string[]; clean: { n: number; right: number }; degraded: { n: number; right: number } };
  rows: FieldRow[];
  bins: Bin[];
  totals: {
    fields: number;
    accepted: number;
    wrongAccepted: number;
    review: number;
    absent: number;
  };
  outcomes: FieldOutcome[];
}

export function characterErrorRate(expected: string, got: string): number {
  if (expected.length === 0) return got.length === 0 ? 0 : 1;
  return distance(expected, got) / expected.length;
}

export function fieldCorrect(field: string, expected: FieldValue, got: FieldValue | null): boolean {
  if (got === null || got === undefined) return false;
  if (field === 'body') return characterErrorRate(String(expected), String(got)) <= BODY_MAX_CER;
  return String(expected) === String(got);
}

const isDegraded = (degradation: string): boolean => degradation !== 'clean';

export interface SampleUnderTest {
  expected: ExpectedRecord;
  /** The preset name (clean / mild / heavy / ...). */
  degradation: string;
}

export function scoreFields(samples: readonly SampleUnderTest[], records: readonly TelegramRecord[]): FieldBenchResult {
  const byFirstPage = new Map<string, TelegramRecord>();
  for (const r of records) if (r.source.pages.length > 0 && !byFirstPage.has(r.source.pages[0])) byFirstPage.set(r.source.pages[0], r);
  const matched = new Set<TelegramRecord>();
  const rows = new Map<string, FieldRow>();
  const row = (field: string): FieldRow => {
    let r = rows.get(field);
    if (!r) {
      r = { field, clean: { n: 0, right: 0 }, degraded: { n: 0, right: 0 }, byDegradation: {}, n: 0, accepted: 0, acceptedRight: 0, spuriousAccepted: 0 };
      rows.set(field, r);
    }
    return r;
  };
  const outcomes: FieldOutcome[] = [];
  const confusion: Record<string, Record<string, number>> = {};
  let profileRight = 0;
  const keyFields = { kinds: [] as string[], clean: { n: 0, right: 0 }, degraded: { n: 0, right: 0 } };
  const totals = { fields: 0, accepted: 0, wrongAccepted: 0, review: 0, absent: 0 };
  /** A field the page does not print: wrong whenever it is accepted. */
  const unprinted = (field: string, got: TelegramRecord['fields'][string], where: Pick<FieldOutcome, 'sample' | 'kind' | 'profile' | 'degradation'>) => {
    if (got.status === 'accepted') {
      row(field).spuriousAccepted++;
      totals.accepted++;
      totals.wrongAccepted++;
    }
    outcomes.push({ ...where, field, expected: null, got: got.value, status: got.status, confidence: got.confidence, reasons: got.reasons, correct: false });
  };
  let pages = 0;

  for (const { expected, degradation } of samples) {
    pages += expected.pages.length;
    const record = byFirstPage.get(expected.pages[0].pageId);
    if (record) matched.add(record);
    const kind = kindOf(expected);
    if (!keyFields.kinds.includes(kind)) keyFields.kinds.push(kind);
    const detected = record?.profile ?? '(no record)';
    confusion[expected.profile] ??= {};
    confusion[expected.profile][detected] = (confusion[expected.profile][detected] ?? 0) + 1;
    if (detected === expected.profile || (kind !== 'telegram' && record !== undefined && record.kind === kind)) profileRight++;

    for (const [field, value] of Object.entries(expected.fields)) {
      const got = record?.fields[field];
      const correct = got ? fieldCorrect(field, value, got.value) : false;
      const r = row(field);
      const bucket = isDegraded(degradation) ? r.degraded : r.clean;
      bucket.n++;
      if (correct) bucket.right++;
      if (KEY_FIELDS[kind].includes(field)) {
        const key = isDegraded(degradation) ? keyFields.degraded : keyFields.clean;
        key.n++;
        if (correct) key.right++;
      }
      r.byDegradation[degradation] ??= { n: 0, right: 0 };
      r.byDegradation[degradation].n++;
      if (correct) r.byDegradation[degradation].right++;
      totals.fields++;
      if (got) {
        r.n++;
        if (got.status === 'accepted') {
          r.accepted++;
          totals.accepted++;
          if (correct) r.acceptedRight++;
          else totals.wrongAccepted++;
        } else {
          totals.review++;
        }
      } else {
        totals.absent++;
      }
      outcomes.push({
        sample: expected.name,
        kind,
        profile: expected.profile,
        degradation,
        field,
        expected: value,
        got: got?.value ?? null,
        status: got?.status ?? 'absent',
        confidence: got?.confidence ?? 0,
        reasons: got?.reasons ?? [],
        correct,
      });
    }
    // Fields found that the page does not print.
    for (const [field, got] of Object.entries(record?.fields ?? {})) {
      if (field in expected.fields) continue;
      unprinted(field, got, { sample: expected.name, kind, profile: expected.profile, degradation });
    }
  }

  // Records that match no sample: false splits. What they accepted is wrong.
  const extra = records.filter((r) => !matched.has(r));
  for (const r of extra) {
    for (const [field, got] of Object.entries(r.fields)) {
      if (got.status === 'accepted')
        unprinted(field, got, { sample: `(extra record from ${r.source.pages[0]})`, kind: '', profile: r.profile, degradation: '' });
    }
  }

  return {
    samples: samples.length,
    pages,
    matchedRecords: matched.size,
    extraRecords: extra.length,
    profileDetection: { right: profileRight, n: samples.length, confusion },
    keyFields,
    rows: [...rows.values()].sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field) || a.field.localeCompare(b.field)),
    bins: calibrationBins(outcomes.filter((o) => o.expected !== null && o.status !== 'absent')),
    totals,
    outcomes,
  };
}

const ORDER = [
  'number',
  'date',
  'place',
  'to',
  'signature',
  'classification',
  'subject',
  'time',
  'precedence',
  'from',
  'docType',
  'copies',
  'addressee',
  'outgoingNumber',
  'dispatch',
  'fileReference',
  'archiveRef',
  'body',
];
const fieldOrder = (field: string): number => {
  const i = ORDER.indexOf(field);
  return i < 0 ? ORDER.length : i;
};

/** Ten confidence bins: mean predicted confidence against observed accuracy. */
export function calibrationBins(outcomes: readonly FieldOutcome[], count = 10): Bin[] {
  const bins: Bin[] = [];
  for (let i = 0; i < count; i++) {
    const from = i / count;
    const to = (i + 1) / count;
    const inBin = outcomes.filter((o) => o.confidence >= from && (o.confidence < to || (i === count - 1 && o.confidence <= 1)));
    bins.push({
      from,
      to,
      n: inBin.length,
      meanConfidence: inBin.length ? inBin.reduce((s, o) => s + o.confidence, 0) / inBin.length : 0,
      accuracy: inBin.length ? inBin.filter((o) => o.correct).length / inBin.length : 0,
    });
  }
  return bins;
}

const pct = (num: number, den: number): string => (den === 0 ? '–' : `${((100 * num) / den).toFixed(1)}%`);

/** The result as Markdown tables (docs/fields.md). */
export function formatFieldBench(result: FieldBenchResult, meta: { seed: string; count: number; note?: string }): string {
  const out: string[] = [];
  const t = result.totals;
  const kinds = result.keyFields.kinds;
  const what = kinds.length === 1 && kinds[0] === 'telegram' ? 'telegrams' : `documents (${kinds.join(', ')})`;
  out.push(
    `Evaluation set: ${result.samples} generated ${what} on ${result.pages} pages, seed \`${meta.seed}\`; ` +
      `${result.matchedRecords} matched records, ${result.extraRecords} extra records (false splits).`,
  );
  if (meta.note) out.push('', meta.note);
  out.push('', `- Wrong-but-accepted: **${pct(t.wrongAccepted, t.accepted)}** of accepted fields (${t.wrongAccepted} / ${t.accepted}; target ≤ 1%)`);
  out.push(`- Sent to review (needs_review or missing): **${pct(t.review, t.fields)}** of expected fields (${t.review} / ${t.fields}; target ≤ 25%)`);
  out.push(`- Not found at all (absent, optional field not emitted): ${pct(t.absent, t.fields)} (${t.absent})`);
  out.push(
    `- Profile detection${kinds.some((k) => k !== 'telegram') ? ' (or kind, for documents that are not telegrams)' : ''}: ${pct(result.profileDetection.right, result.profileDetection.n)} (${result.profileDetection.right} / ${result.profileDetection.n})`,
  );
  const k = result.keyFields;
  const keyList = kinds.map((kind) => `${kind}: ${KEY_FIELDS[kind as DocumentKind]?.join(', ') || 'none'}`).join('; ');
  out.push(
    `- Key fields (${keyList}): exact **${pct(k.clean.right, k.clean.n)}** clean (${k.clean.n}), **${pct(k.degraded.right, k.degraded.n)}** degraded (${k.degraded.n}); target ≥ 97% / ≥ 90%`,
  );
  out.push('', '### Per field', '');
  const degradations = [...new Set(result.rows.flatMap((r) => Object.keys(r.byDegradation)))].filter((d) => d !== 'clean');
  out.push(
    `| field | exact clean | exact degraded | ${degradations.map((d) => `exact ${d}`).join(' | ')} | auto-accepted | precision of accepted | accepted but not printed |`,
  );
  out.push(`|---|---|---|${degradations.map(() => '---|').join('')}---|---|---|`);
  for (const r of result.rows) {
    const target = kinds.some((kind) => KEY_FIELDS[kind as DocumentKind]?.includes(r.field)) ? ' ★' : '';
    const total = r.clean.n + r.degraded.n;
    out.push(
      `| ${r.field}${target} | ${pct(r.clean.right, r.clean.n)} (${r.clean.n}) | ${pct(r.degraded.right, r.degraded.n)} (${r.degraded.n}) | ` +
        degradations.map((d) => `${pct(r.byDegradation[d]?.right ?? 0, r.byDegradation[d]?.n ?? 0)}`).join(' | ') +
        ` | ${pct(r.accepted, total)} | ${pct(r.acceptedRight, r.accepted)} | ${r.spuriousAccepted} |`,
    );
  }
  out.push('', '★ key fields (of at least one kind in the set): exact-match ≥ 97% clean, ≥ 90% degraded. Body: right when its character error rate is ≤ 2%.');
  out.push('', '### Confidence calibration (expected fields the record carries)', '');
  out.push('| confidence | fields | mean confidence | observed accuracy |', '|---|---|---|---|');
  for (const b of result.bins) {
    if (b.n === 0) continue;
    out.push(`| ${b.from.toFixed(1)}–${b.to.toFixed(1)} | ${b.n} | ${b.meanConfidence.toFixed(3)} | ${pct(b.accuracy * b.n, b.n)} |`);
  }
  out.push('', '### Profile detection (rows: generated layout, columns: detected profile)', '');
  const detected = [...new Set(Object.values(result.profileDetection.confusion).flatMap((c) => Object.keys(c)))].sort();
  out.push(`| layout | ${detected.join(' | ')} |`, `|---|${detected.map(() => '---|').join('')}`);
  for (const [layout, counts] of Object.entries(result.profileDetection.confusion).sort()) {
    out.push(`| ${layout} | ${detected.map((d) => counts[d] ?? 0).join(' | ')} |`);
  }
  return out.join('\n') + '\n';
}
