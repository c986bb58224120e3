// Which lines between a document's header and its closing are its typed text. The OCR's reading
// order is not the page's: a stamp or a distribution box in the header zone, or a received stamp
// printed sideways in the margin, can be read after the salutation and would open the body with
// `DIVISION OF CONTROLS` or `RECEIVED DEPARTMENT OF STATE`. The page geometry says what they are.
import type { TextLine } from './lines.ts';
import { lowerMedian, upperMedian as median } from '../stats.ts';

/** A line whose letters are this many times the text's median height is not typescript (stamp lettering, sideways stamps). */
const FOREIGN_HEIGHT_RATIO = 2;

/**
 * The median height of a line's words (a line's box would also span a stamp's tilt or a descender run); of an
 * even count, the lower middle one: a two-word line is as tall as its shorter word, so one word whose box took in
 * a speck under it (`isolated incidents.` with `incidents.` 78 high among 36, review16s14-held2 0029) does not make
 * the typed line a stamp's lettering, dropped from an accepted text.
 */
function letterHeight(line: TextLine): number {
  return lowerMedian(line.words.map((w) => w.bbox[3] - w.bbox[1]));
}

function top(line: TextLine): number {
  return Math.min(...line.words.map((w) => w.bbox[1]));
}

function centre(line: TextLine): number {
  const tops = line.words.map((w) => w.bbox[1]);
  const bottoms = line.words.map((w) => w.bbox[3]);
  return (Math.min(...tops) + Math.max(...bottoms)) / 2;
}

/**
 * A line set sideways (a received stamp turned in the margin, a file number written up the edge):
 * its box is taller than wide. Such a line is never a header field of a typed document, and a
 * heading or a recipient block does not run on into it.
 */
export function isSideways(line: TextLine): boolean {
  if (line.words.length === 0 || line.text.replace(/\s/g, '').length < 3) return false;
  const width = Math.max(...line.words.map((w) => w.bbox[2])) - Math.min(...line.words.map((w) => w.bbox[0]));
  const height = Math.max(...line.words.map((w) => w.bbox[3])) - Math.min(...line.words.map((w) => w.bbox[1]));
  return height > width;
}

export interface BodyLineOptions {
  /**
   * The salutation line the text starts under (`Sir:`): a line of the same page whose middle is
   * above it was printed in the header zone and only read late.
   */
  salutation?: TextLine;
  /** Leave out lines of lettering far taller than the text's (stamps); not for telegrams, whose headings are typed in the body's type. */
  dropTallLettering: boolean;
}

/** Indices (into `lines`) of the typed text's lines among lines[first, end). */
export function typedTextLines(lines: readonly TextLine[], first: number, end: number, options: BodyLineOptions): number[] {
  const candidates: number[] = [];
  for (let i = first; i < end; i++) if (lines[i]!.words.length > 0) candidates.push(i);
  const salutation = options.salutation?.words.length ? options.salutation : undefined;
  const aboveSalutation = (line: TextLine): boolean => salutation !== undefined && line.page === salutation.page && centre(line) < top(salutation);
  const typical = median(candidates.map((i) => letterHeight(lines[i]!)));
  const tall = (line: TextLine): boolean => options.dropTallLettering && typical > 0 && letterHeight(line) >= FOREIGN_HEIGHT_RATIO * typical;
  const kept: number[] = [];
  for (let i = first; i < end; i++) {
    const line = lines[i]!;
    if (line.words.length > 0 && (aboveSalutation(line) || tall(line))) continue;
    kept.push(i);
  }
  return kept;
}

/**
 * Lines the OCR read before the salutation that the page prints under it (s13-held 0018, mild: the text's
 * first line `The number of applications for visas received by the` read among a received stamp's lines,
 * above `Sir:`, and the text accepted at 0.94 without it). A line of the salutation's page whose top is
 * below the salutation's bottom, typed (not sideways, letters under twice the salutation's height), among
 * lines[from, at), and used by no header field (`used`), is the text's: its indices, in reading order.
 */
export function textLinesReadBefore(lines: readonly TextLine[], from: number, at: number, used: ReadonlySet<number>): number[] {
  const salutation = lines[at];
  if (!salutation || salutation.words.length === 0) return [];
  const bottom = Math.max(...salutation.words.map((w) => w.bbox[3]));
  const height = letterHeight(salutation);
  const out: number[] = [];
  for (let i = Math.max(0, from); i < at; i++) {
    const line = lines[i]!;
    if (used.has(i) || line.page !== salutation.page || line.words.length === 0) continue;
    if (top(line) < bottom || isSideways(line) || letterHeight(line) >= FOREIGN_HEIGHT_RATIO * height) continue;
    out.push(i);
  }
  return out;
}
