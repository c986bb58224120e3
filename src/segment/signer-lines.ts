// Two readings of a signer's name: the pen's scrawl over the typed name is read as a line of its own
// (`IV. Hoxhaj` over `V. Hoxhaj`, `M. Carrodue` over `M. Carrodus`), and the typist's line under it is
// the value (extract.ts, typedNameBelow). When the two disagree, the page's geometry and the words'
// confidences say which reading is the scrawl's misread and which is a typed initial lost to the OCR.
import type { TextLine } from './lines.ts';

/** How far (in the typed line's character pitch) a line may start from another and still stand at the same tab stop. */
const SAME_TAB_STOP = 0.75;

const left = (line: TextLine): number => Math.min(...line.words.map((w) => w.bbox[0]));
const right = (line: TextLine): number => Math.max(...line.words.map((w) => w.bbox[2]));

/**
 * Does the typed name start at its block's tab stop: level (within SAME_TAB_STOP of a character) with
 * the line above the scrawl (the closing, `Yours truly,`) or the line under the name (its title,
 * `American Minister.`)? A typewriter's signature block is typed at one tab stop; an initial the OCR lost
 * on the typed line (`. B. Hoxhaj` for `B. B. Hoxhaj`, the lone stop dropped as a speck) leaves its first
 * word two or three characters right of it, so a name that starts at the stop lost nothing before it,
 * whatever the scrawl's line reads there (`IV.`, `WY).`: the pen's strokes). On the generated letters the
 * name, the closing and the title start within 0.6 of a character of each other; a despatch's name and
 * title stand two characters right of its closing, so there only the title line can show the stop.
 */
export function typedAtTabStop(lines: readonly TextLine[], scrawl: number, typed: number): boolean {
  const line = lines[typed];
  if (!line || line.words.length === 0) return false;
  const chars = line.text.trim().length;
  if (chars < 3) return false;
  const pitch = (right(line) - left(line)) / chars;
  if (!(pitch > 0)) return false;
  const anchors = [lines[scrawl - 1], lines[typed + 1]].filter(
    (l): l is TextLine => l !== undefined && l.page === line.page && l.words.length > 0 && l.text.trim().length >= 3,
  );
  return anchors.some((a) => Math.abs(left(a) - left(line)) <= SAME_TAB_STOP * pitch);
}

/** The word of a line that spells `surname` (lower-case letters; in a hyphenated name, its last part), or undefined. */
function surnameWord(line: TextLine, surname: string): { text: string; confidence: number } | undefined {
  return line.words.find((w) =>
    w.text
      .replace(/[^\p{L}]/gu, '')
      .toLowerCase()
      .includes(surname),
  );
}

/**
 * How much surer the typed line's surname must be than the scrawl's, and how sure at least, for the
 * scrawl's reading (`Carrodue` at 14 over `Carrodus` at 92, `BELLANDE` at 67 over `BELLANDI,` at 89,
 * `Achcroft` at 82 over `Ashcroft,` at 93) to count as the pen's misread rather than a second reading of
 * the name that disagrees. The pen's line is read worse than the typist's whenever both read the name the
 * same (`Prideaux` at 85 over 90); 88 is the weak-word floor (85) once the native pair's doubt of 1.2 is
 * applied. A typed surname misread at 90 or more (`Lindgvist`) is left to the dictionary (confidence stage).
 */
export const SURER_BY = 10;
export const TYPED_SURNAME_SURE = 88;

/** The typed line's surname read surely and far surer than the scrawl's one-letter-other surname. */
export function typedSurnameSurer(lines: readonly TextLine[], scrawl: number, typed: number, scrawlSurname: string, typedSurname: string): boolean {
  const a = lines[scrawl] ? surnameWord(lines[scrawl], scrawlSurname) : undefined;
  const b = lines[typed] ? surnameWord(lines[typed], typedSurname) : undefined;
  if (!a || !b) return false;
  return b.confidence >= TYPED_SURNAME_SURE && b.confidence - a.confidence >= SURER_BY;
}
