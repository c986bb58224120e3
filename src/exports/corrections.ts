// Reviewed corrections carried back into a page's words, so ALTO, PAGE, hOCR and
// the PDF text layer say what a person decided, not only what the OCR read.
//
// A correction names a field, its page and box, the new value and what the OCR
// had printed there. The words of the field are the page words whose centre lies
// in the field's box; the corrected printed text is lined up against them token
// by token (an edit-distance alignment), so correcting one word of a long body
// changes that word only, and the untouched words keep their boxes and scores.
import { distance } from 'fastest-levenshtein';
import type { BBox, OcrLine, OcrWord, PageResult, RecordField, TelegramRecord } from '../types.ts';

/** A field a person corrected, as the exporters need it. */
export interface CorrectedField {
  field: string;
  page: string;
  bbox: BBox;
  /** The reviewer's value. */
  value: string | number;
  /** What the OCR printed for the field (the field's `text`). */
  originalText: string;
  /** The machine's value before review, when known: lets "No. 21340" become "No. 21341" rather than "21341". */
  originalValue?: string | number | null;
  /** When the reviewer decided (ISO 8601), when known: the time of the review step in ALTO and PAGE. */
  reviewedAt?: string | null;
}

/** A page word after corrections; `original` is set on words whose text a correction changed. */
export interface ExportWord extends OcrWord {
  original?: { text: string; confidence: number; field: string };
}

export interface ExportLine extends Omit<OcrLine, 'words'> {
  words: ExportWord[];
}

/** The page JSON with corrected words: what every per-page exporter reads. */
export interface ExportPage extends Omit<PageResult, 'lines'> {
  lines: ExportLine[];
}

/** The minimal shape of a stored field (src/store StoredField) the exporters read. */
export interface ReviewedFieldLike {
  name: string;
  value: string | number | null;
  status: string;
  machineValue?: string | number | null;
  text: string;
  page: string | null;
  bbox: BBox | null;
  reviewedAt?: string | null;
}

function asCorrection(name: string, field: RecordField | ReviewedFieldLike, originalValue: string | number | null | undefined): CorrectedField | null {
  if (field.status !== 'corrected' || field.page === null || field.bbox === null || field.value === null || field.value === '') return null;
  const reviewedAt = 'reviewedAt' in field ? field.reviewedAt : undefined;
  return {
    field: name,
    page: field.page,
    bbox: field.bbox,
    value: field.value,
    originalText: field.text,
    originalValue,
    ...(reviewedAt ? { reviewedAt } : {}),
  };
}

/**
 * The corrected fields of a final record (reviews applied). `emitted`, the record as
 * the pipeline wrote it (OUT/records/<id>.json), supplies the machine's values.
 */
export function correctionsFromRecord(final: TelegramRecord, emitted?: TelegramRecord | null): CorrectedField[] {
  const out: CorrectedField[] = [];
  for (const [name, field] of Object.entries(final.fields)) {
    const c = asCorrection(name, field, emitted?.fields[name]?.value);
    if (c) out.push(c);
  }
  return out;
}

/** The corrected fields among a record's stored fields (the review store's view). */
export function correctionsFromStoredFields(fields: readonly ReviewedFieldLike[]): CorrectedField[] {
  const out: CorrectedField[] = [];
  for (const field of fields) {
    const c = asCorrection(field.name, field, field.machineValue);
    if (c) out.push(c);
  }
  return out;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

function replaceOnce(haystack: string, needle: string, replacement: string): string | null {
  if (!needle) return null;
  const i = haystack.toLowerCase().indexOf(needle.toLowerCase());
  return i < 0 ? null : haystack.slice(0, i) + replacement + haystack.slice(i + needle.length);
}

/**
 * The field as it should read on the page. Fields are stored in normal form
 * (number "21340" for printed "No. 21340"): when the old value appears in the
 * printed text, only that part is replaced; otherwise the new value stands alone.
 */
export function correctedPrintedText(c: CorrectedField): string {
  const value = squash(String(c.value));
  const original = squash(c.originalText);
  if (c.originalValue !== undefined && c.originalValue !== null) {
    const replaced = replaceOnce(original, squash(String(c.originalValue)), value);
    if (replaced !== null) return replaced;
  }
  return value;
}

function centreInside(word: BBox, box: BBox, tolerance: number): boolean {
  const cx = (word[0] + word[2]) / 2;
  const cy = (word[1] + word[3]) / 2;
  return cx >= box[0] - tolerance && cx <= box[2] + tolerance && cy >= box[1] - tolerance && cy <= box[3] + tolerance;
}

interface WordRef {
  line: number;
  word: number;
}

type Step = { kind: 'keep' | 'sub'; old: number; token: string } | { kind: 'del'; old: number } | { kind: 'ins'; token: string };

/** Edit-distance alignment of old word texts to new tokens; a substitution costs the normalised character distance. */
function alignTokens(oldWords: readonly string[], tokens: readonly string[]): Step[] {
  const n = oldWords.length;
  const m = tokens.length;
  const cost: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const subCost = (a: string, b: string) => (a === b ? 0 : distance(a, b) / Math.max(a.length, b.length, 1));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      cost[i]![j] = Math.min(cost[i - 1]![j - 1]! + subCost(oldWords[i - 1]!, tokens[j - 1]!), cost[i - 1]![j]! + 1, cost[i]![j - 1]! + 1);
    }
  }
  const steps: Step[] = [];
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && cost[i]![j] === cost[i - 1]![j - 1]! + subCost(oldWords[i - 1]!, tokens[j - 1]!)) {
      steps.push({ kind: oldWords[i - 1] === tokens[j - 1] ? 'keep' : 'sub', old: i - 1, token: tokens[j - 1]! });
      i--;
      j--;
    } else if (i > 0 && cost[i]![j] === cost[i - 1]![j]! + 1) {
      steps.push({ kind: 'del', old: i - 1 });
      i--;
    } else {
      steps.push({ kind: 'ins', token: tokens[j - 1]! });
      j--;
    }
  }
  return steps.reverse();
}

/** Splits a word box among tokens by character count (typewriter text is monospaced). */
function splitBox(box: BBox, tokens: readonly string[]): BBox[] {
  const total = tokens.reduce((s, t) => s + t.length, 0) + tokens.length - 1;
  const unit = (box[2] - box[0]) / Math.max(total, 1);
  const boxes: BBox[] = [];
  let x = box[0];
  for (const [k, t] of tokens.entries()) {
    const x1 = k === tokens.length - 1 ? box[2] : Math.round(x + t.length * unit);
    boxes.push([Math.round(x), box[1], Math.max(x1, Math.round(x) + 1), box[3]]);
    x = x1 + unit;
  }
  return boxes;
}

/**
 * Applies one correction to mutable lines. Returns false when no page word lies in the field's box
 * (a field the OCR never saw cannot be placed on the page).
 */
function applyOne(lines: ExportLine[], c: CorrectedField): boolean {
  const height = Math.max(1, c.bbox[3] - c.bbox[1]);
  const refs: WordRef[] = [];
  for (const [li, line] of lines.entries()) {
    for (const [wi, word] of line.words.entries()) if (centreInside(word.bbox, c.bbox, Math.min(4, height / 4))) refs.push({ line: li, word: wi });
  }
  if (refs.length === 0) return false;
  const words = refs.map((r) => lines[r.line]!.words[r.word]!);
  const shown = words.map((w) => w.text);
  const printed = correctedPrintedText(c);
  const pageText = shown.join(' ');
  // Punctuation glued to the field ("Paris," for place "Paris") stays where it was.
  const target = replaceOnce(pageText, squash(c.originalText), printed) ?? printed;
  const tokens = target.split(/\s+/).filter(Boolean);

  // Per old word: the tokens that replace it (insertions join the word before, or the first word).
  const replacement: string[][] = words.map(() => []);
  const changed: boolean[] = words.map(() => false);
  let last = -1;
  const pendingFront: string[] = [];
  for (const step of alignTokens(shown, tokens)) {
    if (step.kind === 'ins') {
      if (last >= 0) {
        replacement[last]!.push(step.token);
        changed[last] = true;
      } else pendingFront.push(step.token);
      continue;
    }
    last = step.old;
    if (step.kind === 'del') {
      changed[step.old] = true;
      continue;
    }
    replacement[step.old]!.push(step.token);
    if (step.kind === 'sub') changed[step.old] = true;
  }
  if (pendingFront.length) {
    const first = replacement.findIndex((r) => r.length > 0);
    const at = first >= 0 ? first : 0;
    replacement[at]!.unshift(...pendingFront);
    changed[at] = true;
  }

  // Rebuild the touched lines from the back, so earlier indices stay valid.
  for (let k = refs.length - 1; k >= 0; k--) {
    if (!changed[k]) continue;
    const ref = refs[k]!;
    const old = words[k]!;
    const original = old.original ?? { text: old.text, confidence: old.confidence, field: c.field };
    const tokensHere = replacement[k]!;
    const boxes = tokensHere.length ? splitBox(old.bbox, tokensHere) : [];
    const fresh: ExportWord[] = tokensHere.map((t, n) => ({ text: t, confidence: 100, bbox: boxes[n]!, original: { ...original, field: c.field } }));
    lines[ref.line]!.words.splice(ref.word, 1, ...fresh);
  }
  for (const line of new Set(refs.map((r) => r.line))) {
    const l = lines[line]!;
    l.text = l.words.map((w) => w.text).join(' ');
  }
  return true;
}

export interface CorrectedPage {
  page: ExportPage;
  /** Corrections whose box holds no word of this page (reported, not silently dropped). */
  unplaced: CorrectedField[];
}

/** The page with every correction for it applied (corrections for other pages are ignored). */
export function applyCorrections(page: PageResult, corrections: readonly CorrectedField[]): CorrectedPage {
  const lines: ExportLine[] = page.lines.map((l) => ({ ...l, words: l.words.map((w) => ({ ...w })) }));
  const unplaced: CorrectedField[] = [];
  for (const c of corrections) {
    if (c.page !== page.pageId) continue;
    if (!applyOne(lines, c)) unplaced.push(c);
  }
  if (corrections.every((c) => c.page !== page.pageId)) return { page: { ...page, lines }, unplaced };
  const kept = lines.filter((l) => l.words.length > 0);
  // Paragraphs apart by a blank line, as in the page's own text.
  const text = kept.map((l, i) => (i > 0 && kept[i - 1]!.paragraph !== l.paragraph ? `\n${l.text}` : l.text)).join('\n');
  return { page: { ...page, lines: kept, text }, unplaced };
}
