// The data model of a generated sample: an invented document (a telegram, a
// despatch, a letter or a report: what was "typed"), the typed lines a layout
// makes of it, and the expected record the pipeline should recover. Plain
// JSON-serialisable data throughout.

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

/** What a page line is, where it matters to a reader of the truth (page grouping, fields). */
export type LineRole = 'pageMark' | 'catchword' | 'footMark' | 'continuationHeading' | 'letterhead' | 'heading' | 'closing' | 'signature' | 'reference';

/**
 * One typed line in typewriter columns; an empty text is a blank line. The optional
 * properties after `pageBreakBefore` are used by the document composer (compose.ts) only;
 * the telegram layouts of the evaluation sets leave them out.
 */
export interface TypedLine {
  text: string;
  align: Align;
  /** Columns of indentation for left-aligned lines (paragraph indent, salutation indent). */
  indent?: number;
  /** Start a new page before this line (a layout may force it; the typesetter also breaks pages itself). */
  pageBreakBefore?: boolean;
  /** Space this line takes, in typewriter lines of 1/6 inch (1 single, 2 double); default: the document's spacing. */
  spacing?: number;
  /** Printed, not typed: a letterhead set in a proportional face ('print', 'print-bold'). */
  face?: 'print' | 'print-bold';
  /** Typed underline (underscores struck under the text). */
  underline?: boolean;
  /** A blank line that opens a named zone the decorations use (e.g. 'stamps' between header and recipient). */
  zone?: string;
  role?: LineRole;
  /** Right-aligned lines end this many columns short of the right margin. */
  rightInset?: number;
  /**
   * How a reader transcribes the line when it is not the typed text with its space runs
   * collapsed: a letter-spaced title "J e w i s h   R e p o r t" reads "Jewish Report".
   */
  read?: string;
}

export type FieldValue = string | number;

/** Facts about a generated document that are not record fields (a report's title, a stamp's date, whether it has a seal). */
export type About = Record<string, string | number | boolean>;

/** What a document is, as the record's `kind` names it (DESIGN.md "Documents and boundaries"). */
export type DocumentKind = 'telegram' | 'despatch' | 'letter' | 'report';

/** What a continuation page may say about its document ("-2- #720", "Continuation of telegram No. 123"). */
export interface ContinuationContext {
  /** The word a typist would use for it: "telegram", "cablegram", "despatch", "letter", "report". */
  noun: string;
  number?: string;
  place?: string;
}

/**
 * How a layout turns an invented document into typed lines and into the record the reader
 * should produce. `D` is the layout's own data (a Telegram for the telegram layouts).
 */
export interface DocumentLayout<D = unknown> {
  /** Also the segment profile name the expected record names. */
  readonly profile: string;
  readonly kind: DocumentKind;
  /** Invents a document for this layout; `sentences` bounds the body length. */
  invent(rng: Rng, options: { minSentences: number; maxSentences: number }): D;
  /** The typed lines, wrapped to `columns` characters (typewriter line length). */
  typeset(document: D, columns: number): TypedLine[];
  /**
   * Lines printed at the top of continuation pages (page number), kept out of the body, as
   * the evaluation sets have always printed them. `page` counts from 1. The box generator
   * draws its own page marks (continuation.ts).
   */
  continuationHeader(page: number): TypedLine[];
  /** The record's fields in DESIGN.md's normal forms. */
  expectedFields(document: D): Record<string, FieldValue>;
  /** What a continuation heading or a "-2- #720" page mark may name. */
  continuationContext(document: D): ContinuationContext;
  /** Facts about the document that are not record fields (a report's title, a despatch's received date). */
  about?(document: D): About;
  /** Line spacing of the body in typewriter lines (1 single, 2 double) for the composer; default 1.5. */
  spacing?(document: D): number;
}

/**
 * A layout of any kind, as registries and the composer hold them: each layout's data type is
 * its own, and only the layout itself reads it.
 */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds layouts of every data type; only each layout reads its own
export type AnyLayout = DocumentLayout<any>;

/** A telegram layout: the five of the evaluation sets. */
export type Layout = DocumentLayout<Telegram>;
