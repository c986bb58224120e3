// The data model of a generated sample: an invented telegram (what was "typed"),
// the typed lines a layout makes of it, and the expected record the pipeline
// should recover. Plain JSON-serialisable data throughout.

import type { Rng } from './random.ts';

export interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
}

/**
 * A telegram as its author wrote it, before any layout. A superset of what the
 * shipped layouts print: a layout uses the fields it needs and ignores the rest.
 */
export interface Telegram {
  /** A layout's sub-form when it has several (e.g. dfat-cable's "cablegram-line" | "number-line"). */
  variant?: string;
  docType: string;
  number: string;
  /** The number as printed when it says more than `number` (e.g. "1967 - 1968" for a two-part telegram). */
  printedNumber?: string;
  to: string;
  copies?: number;
  place: string;
  date: CalendarDate;
  /** HH:MM, 24 h, time of origin. */
  time?: string;
  /** The time as the layout prints it when not HH:MM ("8 p. m.", "noon", "5.45 p.m."). */
  timePrinted?: string;
  addressee?: string;
  /** Paragraphs as typed, numbered ones starting with "1. ", "2. "... */
  paragraphs: string[];
  /** As printed, without a trailing period. */
  signature: string;
  from?: string;
  outgoingNumber?: string;
  /** Dispatch line as printed, e.g. "30 June 16.50 Peking". */
  dispatch?: string;
  classification?: string;
  precedence?: string;
  fileReference?: string;
  archiveRef?: string;
}

export type Align = 'left' | 'center' | 'right';

/** One typed line in typewriter columns; an empty text is a blank line. */
export interface TypedLine {
  text: string;
  align: Align;
  /** Columns of indentation for left-aligned lines (paragraph indent, salutation indent). */
  indent?: number;
  /** Start a new page before this line (a layout may force it; the typesetter also breaks pages itself). */
  pageBreakBefore?: boolean;
}

export type FieldValue = string | number;

/** How a layout turns a telegram into typed lines and into the record the reader should produce. */
export interface Layout {
  /** Also the segment profile name the expected record names. */
  readonly profile: string;
  /** Invents a telegram for this layout; `sentences` bounds the body length. */
  invent(rng: Rng, options: { minSentences: number; maxSentences: number }): Telegram;
  /** The typed lines, wrapped to `columns` characters (typewriter line length). */
  typeset(telegram: Telegram, columns: number): TypedLine[];
  /**
   * Lines printed at the top of continuation pages (page number), kept out of the body.
   * `page` counts from 1.
   */
  continuationHeader(page: number): TypedLine[];
  /** The record's fields in DESIGN.md's normal forms. */
  expectedFields(telegram: Telegram): Record<string, FieldValue>;
}
