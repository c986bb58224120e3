// Reads one telegram's lines with one profile: finds every field the profile
// describes (labels, zones, line order), then the body between header and closing,
// and scores how well the profile fits.
import { distance } from 'fastest-levenshtein';
import { cueLines } from './kind-evidence.ts';
import { isKnownPlace } from '../confidence/gazetteer.ts';
import { isSideways, textLinesReadBefore, typedTextLines } from './body-lines.ts';
import { checkAgainstStamps } from './stamp-dates.ts';
import { resolveLabelTrace } from './label-trace.ts';
import { checkSignerInitials } from './typist-initials.ts';
import { typedAtTabStop, typedSurnameSurer } from './signer-lines.ts';
import { findDate } from './datetime.ts';
import type { FieldDraft } from './draft.ts';
import { lineAt, spanOf, type Span, type TextLine, unionBox, wordsIn } from './lines.ts';
import { runParser, type ParseOutput } from './parsers.ts';
import type { FieldSpec, Profile } from './profile-schema.ts';
import { type LabelMatch, matchLabelAt, matchLabels } from './text.ts';
import { upperMedian as median } from '../stats.ts';

interface Hit {
  field: FieldSpec;
  span: Span;
  first: number;
  last: number;
  out: ParseOutput;
  label: LabelMatch | null;
}

export interface Extraction {
  profile: Profile;
  fields: Record<string, FieldDraft>;
  score: number;
  coverage: number;
  /** Share of the required header fields found (used to accept a heading as a telegram start). */
  headerRequiredFound: number;
  /** Share of all required fields found. */
  requiredFound: number;
  /** Share of the profile's layout cues found (1 when it has none). */
  cuesFound: number;
  /** The cues found, by name (evidence for the record). */
  cues: string[];
  /**
   * Fields found under their printed label read cleanly (`No. 76`, `Subject:`), and the lines of the
   * label: layout evidence as a cue is, for a rival kind that has no such field (kind-evidence.ts).
   */
  labelled: Record<string, number[]>;
}

/** A label matched at least this well is read, not guessed (`No.`, not `fo.`). */
const CLEAN_LABEL = 0.9;

/** Share of a profile's cues (salutation, closing, office heading...) found in their zones. */
function findCues(lines: readonly TextLine[], profile: Profile): { share: number; found: string[] } {
  if (profile.cues.length === 0) return { share: 0, found: [] };
  const at = cueLines(lines, profile);
  const found = profile.cues.filter((_, i) => at[i]!.length > 0).map((cue) => cue.name ?? cue.regex);
  return { share: found.length / profile.cues.length, found };
}

/**
 * A continuation line of a wrapped heading: anything but the start of the next
 * header item (a number, a date, a `No.`/`Copy No.` line, a classification line).
 */
function isContinuation(line: TextLine): boolean {
  // Stray marks before a label (`‘From: ...`) are specks on the scan, as in matchLabelAt.
  const t = line.text.trim().replace(/^[\s'‘’`"*•·.,_~-]+/, '');
  if (/^\d+[.)]?(\s|$)/.test(t) || findDate(t)) return false;
  if (/^(spec\.?\s*)?n[o0]\.?\s*\d|^copy\b|^(from|to)\s*:/i.test(t)) return false;
  // `Tos: CC CPSU`: the next label misread is still the next label.
  if (matchLabelAt(t, 'To:') || matchLabelAt(t, 'From:')) return false;
  // `Washington, July 7, 1¢64-10:15`: a place-and-date line whose date the OCR garbled.
  if (/^[A-Z][\p{L} .'-]*,\s*(?:\d{1,2}\s+\p{L}{3,}|\p{L}{3,}\.?\s+\d)/u.test(t)) return false;
  if (/^(top secret|secret|confidential|restricted|urgent|immediate|priority|personal)\b/i.test(t)) return false;
  return true;
}

/**
 * A telegram heading's line that is a place alone (`Mexico City` under `To: USSR Ministry of Foreign
 * Affairs`, its date line lost by the OCR) is the heading's place, not the end of the line above,
 * unless that line breaks off on a small word (`... the Embassy in` / `Mexico City`).
 */
function placeLineAfter(current: TextLine, next: TextLine): boolean {
  return !/\b(in|at|to|of|for|and|the)$/i.test(current.text.trim()) && isKnownPlace(next.text.trim().replace(/[.,;:]+$/, ''));
}

/**
 * How far below a line the next one starts, in the line's letter heights: the second line of a
 * typed subject or heading starts within one (single spacing); a stamp's printing read after it
 * (`Rating Distribution Instructions` under `Subject: Political Situation in Germany,`, its stop read
 * as a comma) lies further down. Without boxes on the same page, not far.
 */
export const JOIN_MAX_GAP = 1.5;

function farBelow(line: TextLine, next: TextLine): boolean {
  if (line.words.length === 0 || next.words.length === 0 || line.page !== next.page) return false;
  // The smaller letters of the two: a stamp's tall word (`answered`) does not stretch the measure.
  const height = Math.min(median(line.words.map((w) => w.bbox[3] - w.bbox[1])), median(next.words.map((w) => w.bbox[3] - w.bbox[1])));
  if (!(height > 0)) return false;
  const bottom = median(line.words.map((w) => w.bbox[3]));
  const top = median(next.words.map((w) => w.bbox[1]));
  return top - bottom > JOIN_MAX_GAP * height;
}

function lastJoined(lines: readonly TextLine[], i: number, join: number, limit: number, onlyUnfinished: boolean, telegram = false): number {
  let last = i;
  while (last - i < join && last + 1 < limit) {
    // A line ending in a comma or dash is unfinished whatever follows (`From: Peking, 15:00,` / `30 June 1951.`).
    const unfinished = /[,–—-]$/.test(lines[last].text.trim());
    if (!unfinished && (onlyUnfinished || !isContinuation(lines[last + 1]))) break;
    if (!unfinished && telegram && placeLineAfter(lines[last], lines[last + 1])) break;
    last++;
  }
  return last;
}

function unwrap(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (out && /[A-Za-z]-$/.test(out) && /^[a-z]/.test(line))
      out = out.slice(0, -1) + line; // hyphenated word
    else out = out ? `${out} ${line}` : line;
  }
  return out.replace(/\s+/g, ' ').trim();
}

function draftFrom(hit: Hit, field: FieldSpec, value: string | number, extraNotes: string[] = []): FieldDraft {
  // With `textIncludesLabel` the printed stretch (`No. 21340`) is the label and the value: text and box cover both.
  // The OCR evidence is the value's words only: the label's words are judged by how well the label
  // matched (labelScore), as they are for a field whose text leaves its label out (`To:`). A
  // faint `Spec.` before a clear number is no doubt about the number.
  const textStart = field.textIncludesLabel && hit.label ? Math.min(hit.label.start, hit.out.start) : hit.out.start;
  const { page, bbox } = unionBox(wordsIn(hit.span, textStart, hit.out.end));
  const words = wordsIn(hit.span, hit.out.start, hit.out.end);
  return {
    value,
    text: hit.span.text.slice(textStart, hit.out.end).trim(),
    page,
    bbox,
    wordConfidences: words.map((w) => w.confidence),
    wordTexts: words.map((w) => w.text),
    labelScore: hit.label ? hit.label.score : 1,
    required: field.required,
    found: true,
    notes: [...new Set([...hit.out.notes, ...extraNotes])],
  };
}

function missingDraft(field: FieldSpec): FieldDraft {
  return { value: null, text: '', page: null, bbox: null, wordConfidences: [], labelScore: 0, required: field.required, found: false, notes: [] };
}

/**
 * Where archive notes may start: after the closing formula when the profile has one and it is
 * there, else after the salutation, else anywhere but the first line. A note typed or pencilled
 * in the header zone (`Copies to Legal` beside the subject) is no trailer: the text follows it.
 */
function trailerSearchFrom(lines: readonly TextLine[], profile: Profile): number {
  const lastMatch = (regex: string | undefined): number => {
    if (!regex) return -1;
    const re = new RegExp(regex, 'iu');
    for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i]!.text)) return i;
    return -1;
  };
  const closing = lastMatch(profile.bodyEnd);
  if (closing >= 0) return closing + 1;
  const salutation = lastMatch(profile.bodyStart);
  return Math.max(1, salutation + 1);
}

/**
 * The profile's fields found in `lines` (all but the body), and where archive notes cut the text
 * (`n`): the first half of extractWithProfile, all that a header's share of fields depends on.
 */
function findFields(lines: readonly TextLine[], profile: Profile): { hits: Map<string, Hit>; n: number } {
  // Archive notes at the end (`RGANI. F. 3...`) close the telegram text.
  let n = lines.length;
  const trailers = profile.trailer.map((t) => new RegExp(t, 'i'));
  for (let i = trailerSearchFrom(lines, profile); i < lines.length; i++) {
    if (trailers.some((re) => re.test(lines[i].text))) {
      n = i;
      break;
    }
  }
  const hits = new Map<string, Hit>();
  const usedBy = new Map<number, Set<string>>();
  const use = (from: number, to: number, parser: string): void => {
    for (let i = from; i <= to; i++) usedBy.set(i, (usedBy.get(i) ?? new Set()).add(parser));
  };

  for (const field of profile.fields) {
    if (field.parser === 'body' || hits.has(field.name)) continue;
    const hit = field.sameLine ? findOnSameLine(field, hits.get(field.sameLine)) : findInLines(lines, n, field, profile, hits, usedBy);
    if (hit) {
      hits.set(field.name, hit);
      if (!field.sameLine) use(hit.first, hit.last, field.parser);
    }
  }
  return { hits, n };
}

/**
 * Required header fields of a profile: what `headerRequiredFound` is the share of. Fields with a
 * fallback may legitimately be absent from the header (seed: `from` is the signer).
 */
function headerRequiredFields(profile: Profile): FieldSpec[] {
  let fields = HEADER_REQUIRED.get(profile);
  if (!fields) {
    fields = uniqueFields(profile).filter((f) => f.required && f.zone !== 'closing' && f.parser !== 'body' && !f.fallback);
    HEADER_REQUIRED.set(profile, fields);
  }
  return fields;
}

const HEADER_REQUIRED = new WeakMap<Profile, FieldSpec[]>();

/**
 * extractWithProfile(lines, profile).headerRequiredFound without the rest of the extraction (the
 * body, the cues, the coverage, the score): the same fields are searched in the same order, and
 * the share depends on nothing else. Splitting asks it of every heading candidate and every
 * page's top lines, for every profile.
 */
export function headerRequiredShare(lines: readonly TextLine[], profile: Profile): number {
  const { hits } = findFields(lines, profile);
  const header = headerRequiredFields(profile);
  return header.length === 0 ? 1 : header.filter((f) => hits.has(f.name)).length / header.length;
}

export function extractWithProfile(lines: readonly TextLine[], profile: Profile, startScore = 0): Extraction {
  const { hits, n } = findFields(lines, profile);

  const specs = uniqueFields(profile);
  const fields: Record<string, FieldDraft> = {};
  for (const field of specs) {
    const hit = hits.get(field.name);
    fields[field.name] = hit ? { ...draftFrom(hit, hit.field, hit.out.value), required: field.required } : missingDraft(field);
  }
  for (const field of specs) {
    const source = field.fallback ? hits.get(field.fallback) : undefined;
    if (!hits.has(field.name) && source) {
      fields[field.name] = { ...draftFrom(source, field, source.out.value, [`copied_from_${field.fallback}`]), labelScore: 1, required: field.required };
    }
  }

  // A number after a trace of its `No.` is vouched for by the place and date read on its line, or held.
  resolveLabelTrace(fields, (name) => {
    const hit = hits.get(name);
    return hit ? lineAt(hit.span, hit.out.start) : null;
  });
  // A received stamp's date confirms the date's year, or says one of the two was misread.
  if (profile.kind !== 'telegram') checkAgainstStamps(fields.date, lines.slice(0, profile.headerLines));
  // The typist's reference (`FPH:ems`) spells the signer's initials a second time, away from the pen.
  if (profile.kind !== 'telegram') checkSignerInitials(fields.signature, lines);

  // Body: from after the lowest header field to above the highest closing field.
  const bodyField = profile.fields.find((f) => f.parser === 'body');
  let bodyLines: [number, number] | null = null;
  if (bodyField) {
    let startLine = 0;
    let startOffset = 0;
    let bestPos = -1;
    for (const hit of hits.values()) {
      if (hit.field.zone === 'closing') continue;
      const endLine = lineAt(hit.span, Math.max(hit.out.start, hit.out.end - 1));
      const offsetInLine = hit.out.end - hit.span.lineStarts[endLine - hit.span.first];
      const pos = endLine * 1e6 + offsetInLine;
      if (pos > bestPos) {
        bestPos = pos;
        if (hit.field.bodyFollows) {
          startLine = endLine;
          startOffset = offsetInLine;
        } else {
          startLine = endLine + 1;
          startOffset = 0;
        }
      }
    }
    // A salutation between the header and the text (`Sir:`) opens the body; a closing formula ends it.
    let salutation: TextLine | undefined;
    let readBefore: number[] = [];
    if (profile.bodyStart) {
      const re = new RegExp(profile.bodyStart, 'iu');
      const at = lines.slice(0, Math.min(n, profile.headerLines)).findIndex((l, i) => i >= startLine && re.test(l.text));
      if (at >= 0) {
        // The text's lines the OCR read before the salutation, among a stamp's (printed under it all the same).
        const used = new Set<number>();
        for (const hit of hits.values()) for (let i = hit.first; i <= hit.last; i++) used.add(i);
        readBefore = profile.kind !== 'telegram' ? textLinesReadBefore(lines, 0, at, used) : [];
        startLine = at + 1;
        startOffset = 0;
        salutation = lines[at];
      }
    }
    let endLine = n; // exclusive
    for (const hit of hits.values()) if (hit.field.zone === 'closing') endLine = Math.min(endLine, hit.first);
    if (profile.bodyEnd) {
      const re = new RegExp(profile.bodyEnd, 'iu');
      const at = lines.findIndex((l, i) => i > startLine && i < endLine && re.test(l.text));
      if (at >= 0) endLine = at;
    }
    // Stamps and boxes of the header zone read late, and stamp lettering, are not the text.
    const under = endLine > startLine ? typedTextLines(lines, startLine, endLine, { salutation, dropTallLettering: profile.kind !== 'telegram' }) : [];
    const kept = under.length > 0 && readBefore.length > 0 ? [...readBefore, ...under] : under;
    if (kept.length > 0 && kept[0]! > startLine) startOffset = 0;
    if (kept.length > 0) {
      startLine = kept[0]!;
      endLine = kept.at(-1)! + 1;
      const span = spanOf(lines, startLine, endLine - 1);
      const keep = new Set(kept);
      const texts = lines.slice(startLine, endLine).flatMap((l, k) => (!keep.has(startLine + k) ? [] : k === 0 ? [l.text.slice(startOffset)] : [l.text]));
      const value = unwrap(texts);
      if (value) {
        const from = startOffset;
        const out: ParseOutput = { value, start: from, end: span.text.length, notes: [] };
        const hit: Hit = { field: bodyField, span, first: startLine, last: endLine - 1, out, label: null };
        hits.set(bodyField.name, hit);
        // A layout whose text starts under a salutation, and no salutation read: the start is a guess.
        const startGuessed = profile.bodyStart !== undefined && salutation === undefined;
        // Under a salutation that was read, the text's start is the layout's, whatever header field is missing.
        const startNote = startGuessed ? ['body_start_uncertain'] : salutation && profile.kind !== 'telegram' ? ['body_under_salutation'] : [];
        // A text that starts in mid-sentence (`received by the Legation...`, its first line not read under the salutation) is no
        // whole text; a paragraph's number read as a letter (`l. Officials`, fit-b 0020) is no word.
        const midSentence =
          salutation !== undefined && profile.kind !== 'telegram' && /^[^\p{L}\p{N}]*\p{Ll}\p{L}/u.test(value) ? ['body_start_uncertain'] : [];
        const draft = draftFrom(hit, bodyField, value, [...startNote, ...midSentence]);
        if (readBefore.length > 0) {
          // Its words are the kept lines' only, not those of the stamp and the salutation read between them.
          const words = kept.flatMap((k) => lines[k]!.words);
          draft.wordConfidences = words.map((w) => w.confidence);
          draft.wordTexts = words.map((w) => w.text);
        }
        fields[bodyField.name] = { ...draft, text: texts.join('\n').trim() };
        bodyLines = [startLine, endLine - 1];
      }
    }
  }

  // Coverage: characters of the lines that fields or the body account for.
  const covered = new Set<number>();
  for (const hit of hits.values()) for (let i = hit.first; i <= hit.last; i++) covered.add(i);
  if (bodyLines) for (let i = bodyLines[0]; i <= bodyLines[1]; i++) covered.add(i);
  for (let i = n; i < lines.length; i++) covered.add(i); // archive notes are recognised as such
  const total = lines.reduce((s, l) => s + l.text.length, 0);
  const coveredChars = [...covered].reduce((s, i) => s + (lines[i]?.text.length ?? 0), 0);
  const coverage = total === 0 ? 0 : Math.min(1, coveredChars / total);

  const required = specs.filter((f) => f.required);
  const optional = specs.filter((f) => !f.required);
  const foundOwn = (f: FieldSpec): boolean => hits.has(f.name);
  const share = (list: FieldSpec[]): number => (list.length === 0 ? 1 : list.filter(foundOwn).length / list.length);
  const headerRequired = headerRequiredFields(profile);
  const cues = findCues(lines, profile);
  // A kind with no required field (a report) is recognised by its cues alone.
  const requiredShare = required.length === 0 && profile.cues.length ? cues.share : share(required);
  const meanLabel = [...hits.values()].filter((h) => h.label).map((h) => h.label!.score);
  const labelQuality = meanLabel.length ? meanLabel.reduce((a, b) => a + b, 0) / meanLabel.length : 1;
  // Required fields dominate, squared so that a layout missing some of its own required
  // fields loses to the generic profile that finds all of its few; a matching heading is
  // strong evidence of the layout.
  // A profile without headings (a letter, a despatch) shows its layout through its cues instead,
  // and is no candidate at all without enough of them.
  const candidate = cues.share >= profile.minCues && (profile.minCues === 0 || cues.share > 0);
  const score =
    (candidate ? 1 : 0) * profile.weight * (0.55 * requiredShare ** 2 + 0.15 * share(optional) + 0.25 * Math.max(startScore, cues.share) + 0.05 * labelQuality);
  return {
    profile,
    fields,
    score: Math.round(score * 1000) / 1000,
    coverage,
    headerRequiredFound: share(headerRequired),
    requiredFound: share(required),
    cuesFound: profile.cues.length ? cues.share : 1,
    cues: cues.found,
    labelled: Object.fromEntries(
      [...hits.entries()].filter(([, h]) => h.label && h.label.score >= CLEAN_LABEL).map(([name, h]) => [name, [lineAt(h.span, h.label!.start)]]),
    ),
  };
}

function findOnSameLine(field: FieldSpec, base: Hit | undefined): Hit | null {
  if (!base) return null;
  const { span } = base;
  let from = base.out.end;
  let label: LabelMatch | null = null;
  if (field.labels?.length) {
    label = matchLabels(span.text, field.labels, field.labelPosition, from);
    if (!label) return null;
    from = label.end;
  }
  const out = runParser(field.parser, { text: span.text, from, label, field, words: span.words });
  if (!out) return null;
  return { field, span, first: lineAt(span, out.start), last: lineAt(span, Math.max(out.start, out.end - 1)), out, label };
}

function findInLines(
  lines: readonly TextLine[],
  n: number,
  field: FieldSpec,
  profile: Profile,
  hits: Map<string, Hit>,
  usedBy: Map<number, Set<string>>,
): Hit | null {
  let lo = 0;
  let hi = n;
  if (field.zone === 'header') hi = Math.min(n, profile.headerLines);
  if (field.zone === 'closing') lo = Math.max(0, n - Math.max(profile.closingLines, field.within ?? 0));
  const after = field.after ? hits.get(field.after) : undefined;
  // A field that may share a line can sit on the line of the field it follows (`Spec. No. 1967   November 22, 1963`).
  if (after) lo = Math.max(lo, field.shareLine ? after.last : after.last + 1);
  for (const name of field.before ?? []) {
    const b = hits.get(name);
    if (b) hi = Math.min(hi, b.first);
  }
  let topDown = field.zone !== 'closing';
  if (field.afterPattern) {
    const re = new RegExp(field.afterPattern, 'iu');
    let anchor = -1;
    for (let i = 0; i < n; i++) if (re.test(lines[i].text)) anchor = i;
    if (anchor < 0) return null;
    lo = anchor + 1;
    hi = Math.min(n, lo + (field.within ?? 4));
    topDown = true;
  } else if (field.within) {
    if (field.zone === 'closing') lo = Math.max(lo, hi - field.within);
    else hi = Math.min(hi, lo + field.within);
  }
  if (field.near) {
    // Beside or close to another field's lines (a despatch's number by its place-and-date line); without it, not looked for.
    const anchor = hits.get(field.near.field);
    if (!anchor) return null;
    lo = Math.max(lo, anchor.first - field.near.above);
    hi = Math.min(hi, anchor.last + 1 + field.near.below);
  }
  const order: number[] = [];
  for (let i = lo; i < hi; i++) order.push(i);
  if (!topDown) order.reverse();
  const skip = field.skip ? new RegExp(field.skip, 'u') : null;
  const joinUntil = field.joinUntil ? new RegExp(field.joinUntil, 'u') : null;
  const joinNever = field.joinNever ? new RegExp(field.joinNever, 'iu') : null;
  // A stamp set sideways in the margin of a typed document is read among its header lines
  // (`RECEIVED`, `1938 MAY 10 PM 6 41`): no field of a despatch or a letter comes from it.
  const sideways = profile.kind === 'telegram' ? () => false : (k: number) => isSideways(lines[k]!);
  for (const i of order) {
    const used = usedBy.get(i);
    if (used && !field.shareLine && !used.has(field.parser)) continue;
    if (skip && skip.test(lines[i].text)) continue;
    if (sideways(i)) continue;
    // A place-date-time line is complete unless it visibly breaks off; headings wrap freely.
    let last = field.join > 0 ? lastJoined(lines, i, field.join, n, field.parser === 'placeDateTime', profile.kind === 'telegram') : i;
    for (let k = i + 1; k <= last; k++) {
      if (sideways(k) || (profile.kind !== 'telegram' && farBelow(lines[k - 1]!, lines[k]!)) || joinNever?.test(lines[k]!.text)) {
        last = k - 1;
        break;
      }
    }
    if (joinUntil) for (let k = i; k < last; k++) if (joinUntil.test(lines[k].text.trim())) last = k;
    const span = spanOf(lines, i, last);
    let from = 0;
    let label: LabelMatch | null = null;
    if (field.labels?.length) {
      label = matchLabels(span.text, field.labels, field.labelPosition, 0);
      if (!label) continue;
      from = afterStrayMarks(span.text, label.end);
    }
    const out = runParser(field.parser, { text: span.text, from, label, field, words: span.words });
    if (!out) continue;
    // A parser that found what the OCR left of the label (`fo.` for `No.`) reports it as a fuzzy label.
    if (!label && out.label) label = { label: span.text.slice(out.label.start, out.label.end), ...out.label };
    const hit: Hit = { field, span, first: i, last: lineAt(span, Math.max(out.start, out.end - 1)), out, label };
    if (inSentence(span, field, out, label)) hit.out = { ...hit.out, notes: [...hit.out.notes, 'in_sentence'] };
    // Read after the field it follows, but printed above it (a letterhead read after the date set at the right): not in its place.
    if (after && profile.kind !== 'telegram' && printedAbove(lines[i]!, lines[after.first]!)) hit.out = { ...hit.out, notes: [...hit.out.notes, OUT_OF_ORDER] };
    // Two labelled candidates with different values (`No. 23` above `No. 1023`): say so.
    if (label && otherCandidate(lines, order.slice(order.indexOf(i) + 1), field, out.value, usedBy)) {
      hit.out = { ...out, notes: [...out.notes, 'multiple_candidates'] };
    }
    if (field.parser === 'signature' && typeof out.value === 'string')
      return typedNameBelow(lines, i, hi, field, out.value) ?? fullerNameAbove(lines, i, hit, out.value);
    return hit;
  }
  return null;
}

/** Note (a reason): the value's line is printed above the line of the field the layout puts it after. */
export const OUT_OF_ORDER = 'out_of_order';

/**
 * Is `line` printed above `anchor` on the same page: its middle above the anchor's top? The OCR reads a block set
 * at the right (a letter's date) before a heading left of and above it (review16s14-held 0024 heavy: `12 June 1934`
 * read before `BOARD OF RELIEF FOR STATELESS PERSONS`, which was then taken for the addressee and accepted).
 */
function printedAbove(line: TextLine, anchor: TextLine): boolean {
  if (line.page !== anchor.page || line.words.length === 0 || anchor.words.length === 0) return false;
  const middle = (Math.min(...line.words.map((w) => w.bbox[1])) + Math.max(...line.words.map((w) => w.bbox[3]))) / 2;
  return middle < Math.min(...anchor.words.map((w) => w.bbox[1]));
}

const surname = (name: string): string => (name.match(/\p{L}{3,}/gu) ?? []).at(-1)?.toLowerCase() ?? '';

/**
 * The line above the signer's reads the same surname with more words before it, words the signature
 * parser did not take for a name (`Raly ph C. Callister` over `C. Callister.`, s15c-held 0019, a clean
 * page: the typed name read with a speck splitting `Ralph`, the pen's scrawl under it read as the name,
 * accepted short). Two readings of the signer disagree: a person decides (`multiple_candidates`).
 */
function fullerNameAbove(lines: readonly TextLine[], at: number, hit: Hit, value: string): Hit {
  const above = lines[at - 1];
  const name = surname(value);
  if (!above || above.page !== lines[at]!.page || name.length < 3) return hit;
  const words = above.text.trim().split(/\s+/);
  const where = words.findIndex((w) => w.replace(/[^\p{L}]/gu, '').toLowerCase() === name);
  const before = value.trim().split(/\s+/).length - 1;
  if (where < 0 || where <= before || !words.slice(0, where).some((w) => /\p{L}{2,}/u.test(w))) return hit;
  return { ...hit, out: { ...hit.out, notes: [...new Set([...hit.out.notes, 'multiple_candidates'])] } };
}

/**
 * The surname a scrawl's reading split in two (`F. DUMM ORE` over `A. F. DUNMORE`): its last two words
 * joined when the last is a short piece of letters; '' otherwise.
 */
const splitSurname = (name: string): string => {
  const m = /(\p{L}{2,})\s+(\p{L}{1,3})\W*$/u.exec(name);
  return m ? `${m[1]}${m[2]}`.toLowerCase() : '';
};

/**
 * The typed name under a signature: a handwritten signature above it is read first (`(. A.
 * RANSOME`, `George (. Lockyer`) and ends on the same surname; the typist's line below is the
 * reading kept.
 */
function typedNameBelow(lines: readonly TextLine[], at: number, hi: number, field: FieldSpec, value: string): Hit | null {
  const name = surname(value);
  if (!name) return null;
  for (let k = at + 1; k <= Math.min(at + 2, hi - 1); k++) {
    const span = spanOf(lines, k, k);
    const out = runParser('signature', { text: span.text, from: 0, label: null, field });
    if (out && typeof out.value === 'string' && surname(out.value) === name && out.value !== value) {
      // The scrawl's line reads an initial the typed line lost (`I K KOWALCZYK` over `K. KOWALCZYK`, `8. B. Hoxhaj`
      // over `. B. Hoxhaj`, accepted short on generated letters): the two readings disagree; a person decides.
      // A typed line that starts at the signature block's tab stop lost nothing before it: what the scrawl's line
      // reads more there is the pen's (`IV. Hoxhaj` over `V. Hoxhaj`, `Burton WY). Prideaux` over `Burton W. Prideaux.`).
      const lost = namesBefore(value) > namesBefore(out.value) && !typedAtTabStop(lines, at, k);
      return { field, span, first: k, last: k, out: lost ? withLostInitials(out, value) : out, label: null };
    }
    // The surname read one letter otherwise on the typed line (`George P. Holline |` over `George P. Hollins.`): two
    // readings of the name disagree; the typist's line is the value, and a person decides, unless the typed
    // surname was read surely and far surer than the scrawl's (`M. Carrodue`@14 over `M. Carrodus`@92): the pen's misread.
    const below = out && typeof out.value === 'string' ? surname(out.value) : '';
    if (out && below.length >= 5 && name.length >= 5 && below !== name && distance(below, name) === 1) {
      const penMisread = typedSurnameSurer(lines, at, k, name, below) && namesBefore(value) <= namesBefore(String(out.value));
      return { field, span, first: k, last: k, out: penMisread ? out : withLostInitials(out, value), label: null };
    }
    // The scrawl's reading split the surname (`F. DUMM ORE` over `A. F. DUNMORE`, a heavy letter): the typist's
    // line is the name, and the two readings disagree: a person decides.
    const split = splitSurname(value);
    if (out && below.length >= 5 && split.length >= 5 && distance(below, split) <= 1)
      return { field, span, first: k, last: k, out: withLostInitials(out, value), label: null };
    // The same name read again on the typed line under the scrawl (`Harold Y.@17 Sandercock` over `Harold Y.@91
    // Sandercock,`): the typist's line is the reading, judged by its own words.
    if (out && out.value === value && out.notes.length === 0 && weakest(span.words) > weakest(wordsIn(spanOf(lines, at, at), 0, Infinity)))
      return { field, span, first: k, last: k, out, label: null };
  }
  return null;
}

/**
 * How many names and initials stand before the surname: a word counts one, a run of capitals or figures
 * one each (`LV.` is two initials squeezed, `8.` an initial misread), a mark none.
 */
function namesBefore(name: string): number {
  const tokens = name.split(/\s+/).filter(Boolean).slice(0, -1);
  return tokens.reduce((n, t) => n + (/\p{Ll}{2,}/u.test(t) ? 1 : (t.match(/[\p{Lu}\p{N}]/gu) ?? []).length), 0);
}

/**
 * The typed line's reading, held (`multiple_candidates`), with the initials the scrawl's line reads before
 * it when the typed line has fewer words before the surname and those the scrawl's line has more are
 * single capitals (`N. TONESCU` over `IONESCU` gives `N. IONESCU`; `I K KOWALCZYK` over `K. KOWALCZYK`
 * gives `I. K. KOWALCZYK`). A figure or a mark there (`8. B. Hoxhaj`) is no initial: the typed line alone.
 */
function withLostInitials(out: ParseOutput, scrawl: string): ParseOutput {
  const notes = [...new Set([...out.notes, 'multiple_candidates'])];
  const typed = String(out.value);
  const above = scrawl.split(/\s+/).filter(Boolean).slice(0, -1);
  const extra = above.length - typed.split(/\s+/).filter(Boolean).slice(0, -1).length;
  const lead = above.slice(0, Math.max(0, extra));
  if (extra <= 0 || !lead.every((t) => /^\p{Lu}\.?$/u.test(t))) return { ...out, notes };
  // The name is whole again: what made it short (`incomplete_value`, one word) was the lost initial.
  return { ...out, value: `${lead.map((t) => `${t[0]}.`).join(' ')} ${typed}`, notes: notes.filter((n) => n !== 'incomplete_value') };
}

const weakest = (words: readonly { confidence: number }[]): number => Math.min(...words.map((w) => w.confidence));

/** Skips specks the OCR read as quotes or dots right after a label (`From: ‘Djakarta`). */
function afterStrayMarks(text: string, from: number): number {
  const m = /^\s*[‘’'`"*•·_~]+(?=\S)/.exec(text.slice(from));
  return m ? from + m[0].length : from;
}

/** Parsers whose values stand in a heading, not inside running text. */
const HEADING_PARSERS = new Set(['digits', 'date', 'time', 'copies']);
/** Heading lines carry few lower-case words beside a value (`Spec. No. 1967 - 1968   November 22, 1963`); sentences carry more. */
const MAX_PROSE_WORDS = 2;
const NOT_PROSE = /^(a\.?\s?m|p\.?\s?m|noon|midnight|hrs?|hours|no|nr|of|and|the)\.?$/i;

/** A lower-case word of running text (`gave`, `history`), not a name, figure, month or time mark. */
function isProseWord(word: string): boolean {
  const w = word.replace(/^[("'[]+|[)"'\],.;:!?]+$/g, '');
  return /^[a-z][a-z'-]+$/.test(w) && !NOT_PROSE.test(w);
}

/**
 * `(No. 557) dated October 6, 1938, gave the history...`: a number or date inside a
 * sentence is more likely a reference to another document than this telegram's own.
 */
function inSentence(span: Span, field: FieldSpec, out: ParseOutput, label: LabelMatch | null): boolean {
  if (!HEADING_PARSERS.has(field.parser)) return false;
  const from = Math.min(out.start, label?.start ?? out.start);
  const line = lineAt(span, out.start) - span.first;
  const lineStart = span.lineStarts[line];
  const lineEnd = line + 1 < span.lineStarts.length ? span.lineStarts[line + 1] : span.text.length;
  const outside = span.words.filter((w) => w.start >= lineStart && w.end <= lineEnd && (w.end <= from || w.start >= out.end));
  // Only running-text words count: a heading line's place, month, figures and `a.m.` do not.
  return outside.filter((w) => isProseWord(w.text)).length > MAX_PROSE_WORDS;
}

function otherCandidate(lines: readonly TextLine[], rest: number[], field: FieldSpec, value: string | number, usedBy: Map<number, Set<string>>): boolean {
  for (const i of rest) {
    const used = usedBy.get(i);
    if (used && !field.shareLine && !used.has(field.parser)) continue;
    const span = spanOf(lines, i);
    const label = matchLabels(span.text, field.labels ?? [], field.labelPosition, 0);
    if (!label) continue;
    const out = runParser(field.parser, { text: span.text, from: label.end, label, field, words: span.words });
    if (out && out.value !== value) return true;
  }
  return false;
}

/** One spec per field name (the first), `required` if any alternative says so, `fallback` from any. */
export function uniqueFields(profile: Profile): FieldSpec[] {
  const byName = new Map<string, FieldSpec>();
  for (const f of profile.fields) {
    const prev = byName.get(f.name);
    if (!prev) byName.set(f.name, f);
    else byName.set(f.name, { ...prev, required: prev.required || f.required, fallback: prev.fallback ?? f.fallback });
  }
  return [...byName.values()];
}
