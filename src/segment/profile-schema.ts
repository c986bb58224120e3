// Telegram profiles are data (JSON files), so an archivist can add a layout
// without writing code. This module is the format: a zod schema that checks a
// profile file, and the types the matcher uses. See profiles/README.md.
import { z } from 'zod';

/** The fixed set of named parsers a profile field can use (implemented in parsers.ts). */
export const PARSER_NAMES = [
  'docType', // the matched label itself, upper case (`Coded telegram` -> `CODED TELEGRAM`)
  'digits', // a number after the label, OCR look-alikes repaired (`2l340` -> `21340`)
  'leadingNumber', // `295. ...` at the start of a line: the number; the rest of the line is body
  'numberBeforePlace', // `2097 London, December 28, 1938.`: a despatch number whose `No.` was not typed or not read
  'numberAfterLabelTrace', // `fo. 2443.`, `Qu 223.    Cairo, ...`: a number after what the OCR left of its label (`labelTrace`), the line nothing else
  'textAfterLabel', // the rest of the line after the label, without a copies note
  'copies', // `(2 copies)`, `Copy No. 12`
  'placeDateTime', // `Peking, 15:00, 30 June 1951.`: pick one `part` (place | date | time)
  'date', // the first full date on the line
  'time', // the first time of day on the line
  'place', // a line (or rest of line) that is only a place name
  'fromTo', // `X to Y` heading: pick one `part` (from | to)
  'classification', // a line made only of classification/precedence words: the classification
  'precedence', // same line kind: the precedence
  'line', // the rest of the line as printed (optionally `maxWords`, `pattern`)
  'signature', // a short name-like line, without trailing period
  'dispatch', // a dispatch/receipt line with a day-month and/or time, as printed
  'fileReference', // FRUS `793B.00/8–151`
  'archiveRef', // `[NAA: A1838, 494/2/10, iv]`
  'body', // the message: the lines between the header fields and the closing fields
  'postHeading', // an office heading in capitals, over one or more lines: `LEGATION OF THE` / `UNITED STATES OF AMERICA`
  'recipientBlock', // the office under an honorific line: `The Honorable` / `The Secretary of State,` -> `The Secretary of State`
  'subject', // the text after `Subject:`, continuation lines joined, final period kept
  'addressLine', // one line of an address, without a `To:` label and the trailing comma or full stop
  'cityInLine', // a known city named somewhere in the line (`109, Queen's Gate, GENEVA`, `LONDON, N. 16.`)
] as const;
export type ParserName = (typeof PARSER_NAMES)[number];

function isRegex(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}
const regexString = z.string().min(1).refine(isRegex, { message: 'not a valid regular expression' });

export const fieldSpecSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'field names are camelCase words'),
    parser: z.enum(PARSER_NAMES),
    required: z.boolean().default(false),
    /** Printed labels, matched fuzzily (`Frorn:` matches `From:`). */
    labels: z.array(z.string().min(1)).optional(),
    labelPosition: z.enum(['start', 'anywhere']).default('start'),
    /** Where to look: the first `headerLines` lines, the last `closingLines` lines, or everywhere. */
    zone: z.enum(['header', 'closing', 'all']).default('header'),
    /** Look only below the line of this (earlier) field, when it was found. */
    after: z.string().optional(),
    /** Look only above the lines of these fields (those found). */
    before: z.array(z.string()).optional(),
    /**
     * Look only below the last line matching this (a closing formula above the signer's name), top
     * down, `within` lines; not found: the field is not looked for.
     */
    afterPattern: regexString.optional(),
    /**
     * Look only on the lines of this earlier field, `above` lines over it and `below` lines under it
     * (a despatch's number beside or under its place-and-date line); that field not found: not looked for.
     */
    near: z
      .object({ field: z.string(), above: z.number().int().min(0).default(0), below: z.number().int().min(0).default(0) })
      .strict()
      .optional(),
    /**
     * What the OCR may leave of the field's label (`fo.`, `Qu`, `ENo,` for `No.`), matched at the line's
     * start, case-insensitive (parser `numberAfterLabelTrace`): the label is then fuzzy and the field reviewed.
     */
    labelTrace: regexString.optional(),
    /**
     * The number carries no series letters (a despatch's `No. 720.`; a telegram's `UN757` does): a capital
     * glued before its digits is a misread digit (`No. R807.` for 2807), not a prefix to drop (parser `digits`).
     */
    seriesPrefix: z.boolean().default(true),
    /** Lines matching this are not read for the field (a received stamp's date above a letter's own). */
    skip: regexString.optional(),
    /** Stop joining continuation lines after a line matching this (a subject's last line ends with its full stop). */
    joinUntil: regexString.optional(),
    /**
     * Lines matching this are never joined to the field (a stamp's printing under a despatch's subject,
     * `Rating Distribution Instructions`, on a page skewed so that no gap tells it from a second line).
     */
    joinNever: regexString.optional(),
    /**
     * How a whole value ends (a despatch's subject with its full stop): a value that does not end so lost
     * its last line or its end to a stamp or a speck (`Elimination of Jewish Elements in the Greek`): `incomplete_value`.
     */
    ends: regexString.optional(),
    /** How many lines to look at (from the top of the range, or from the bottom in the closing zone). */
    within: z.number().int().min(1).optional(),
    /** Look only in the rest of the line of this field, after its value. */
    sameLine: z.string().optional(),
    /** For parsers that read several values from one line. */
    part: z.enum(['place', 'date', 'time', 'from', 'to']).optional(),
    /** Join up to N continuation lines (a heading wrapped over two lines). */
    join: z.number().int().min(0).max(5).default(0),
    maxWords: z.number().int().min(1).optional(),
    /** A value of fewer words is read but not whole (a despatch's signer `Leland` for `Leland B. Harrington`): `incomplete_value`. */
    minWords: z.number().int().min(1).optional(),
    /** The value must match this regular expression (case-insensitive). */
    pattern: regexString.optional(),
    /** Printed forms the value often takes (a shipped vocabulary name such as `recipients`, or a JSON file): near misses are read as them and sent to review. */
    vocabulary: z.string().min(1).optional(),
    /**
     * The field's values are nearly always entries of its vocabulary (a US despatch is addressed to the
     * Secretary of State): a value read as an entry's first words and then otherwise (`The Secretary of
     * Sheers`) is held, `vocabulary_mismatch`. Telegram addressees are not (`USSR Ministry of Foreign Trade`).
     */
    vocabularyStrict: z.boolean().default(false),
    /** May use a line another field already used (several fields on one line). */
    shareLine: z.boolean().default(false),
    /** The body starts right after this field's value on the same line (FRUS `295. Info...`). */
    bodyFollows: z.boolean().default(false),
    /** When not found, take the value of this field (seed: `from` = the signer). */
    fallback: z.string().optional(),
    /** The field's `text` includes its label (`No. 21340`). */
    textIncludesLabel: z.boolean().default(false),
  })
  .strict();

/** The document kinds a profile can describe (DESIGN.md: Documents and boundaries). */
export const DOCUMENT_KINDS = ['telegram', 'despatch', 'letter', 'report', 'other'] as const;

/**
 * Evidence of a layout that is not a field (a salutation, a closing formula, an office heading):
 * the share of a profile's cues found counts like a matching heading in the profile's score.
 */
export const cueSpecSchema = z
  .object({
    regex: regexString,
    zone: z.enum(['header', 'closing', 'all']).default('header'),
    /** A short name for the cue, shown as evidence. */
    name: z.string().min(1).optional(),
    /** Match the case as written (a title in capitals), instead of ignoring it. */
    matchCase: z.boolean().default(false),
  })
  .strict();

export const startSpecSchema = z
  .object({
    label: z.string().min(1).optional(),
    regex: regexString.optional(),
    position: z.enum(['start', 'anywhere']).default('start'),
  })
  .strict()
  .refine((s) => (s.label === undefined) !== (s.regex === undefined), { message: 'a start needs exactly one of label or regex' });

export const profileSchema = z
  .object({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'profile names are lower-case words joined by hyphens'),
    description: z.string().default(''),
    /** What kind of document this profile reads (default telegram). */
    kind: z.enum(DOCUMENT_KINDS).default('telegram'),
    /** Layout evidence that is not a field (see cueSpecSchema). */
    cues: z.array(cueSpecSchema).default([]),
    /**
     * Share of the cues a document must show for this profile to be considered at all: a despatch
     * or a letter is recognised by its layout, not by a date and a place any telegram also has.
     */
    minCues: z.number().min(0).max(1).default(0),
    /** Prior weight in profile selection (the generic fallback is < 1 so a specific layout wins ties). */
    weight: z.number().min(0).max(1).default(1),
    headerLines: z.number().int().min(1).max(60).default(10),
    closingLines: z.number().int().min(0).max(30).default(4),
    /** Headings that start a telegram of this layout (also used to split a page holding several). */
    start: z.array(startSpecSchema).default([]),
    /** A line just above the heading that belongs to the telegram (`No. 12` above `Coded telegram`). */
    startIncludesPrevious: regexString.optional(),
    /** Lines that end the telegram text (archive notes): they and what follows are not body. */
    trailer: z.array(regexString).default([]),
    /** The body starts after the first header line matching this (a salutation: `Sir:`), when there is one. */
    bodyStart: regexString.optional(),
    /** The body ends above the first line after its start matching this (a closing: `Respectfully yours,`). */
    bodyEnd: regexString.optional(),
    /** A telegram profile needs fields; a kind that justifies none (a report) has none. */
    fields: z.array(fieldSpecSchema).default([]),
  })
  .strict()
  .superRefine((profile, ctx) => {
    // A field name may appear more than once: a later entry is an alternative way to
    // find the same field, tried only when the earlier ones found nothing.
    const seen = new Set<string>();
    profile.fields.forEach((f, i) => {
      const at = ['fields', i];
      if (f.parser === 'body' && seen.has(f.name)) ctx.addIssue({ code: 'custom', path: [...at, 'name'], message: `duplicate body field ${f.name}` });
      for (const ref of [f.after, f.sameLine, f.near?.field].filter((r): r is string => r !== undefined)) {
        if (!seen.has(ref)) ctx.addIssue({ code: 'custom', path: at, message: `${f.name} refers to ${ref}, which is not an earlier field` });
      }
      seen.add(f.name);
      if (
        (f.parser === 'placeDateTime' && !['place', 'date', 'time'].includes(f.part ?? '')) ||
        (f.parser === 'fromTo' && !['from', 'to'].includes(f.part ?? ''))
      ) {
        ctx.addIssue({ code: 'custom', path: [...at, 'part'], message: `parser ${f.parser} needs a matching part` });
      }
      if (f.parser === 'docType' && !f.labels?.length) ctx.addIssue({ code: 'custom', path: at, message: 'docType needs labels' });
      if (f.parser === 'numberAfterLabelTrace' && !f.labelTrace) ctx.addIssue({ code: 'custom', path: at, message: 'numberAfterLabelTrace needs labelTrace' });
    });
    const names = new Set(profile.fields.map((f) => f.name));
    profile.fields.forEach((f, i) => {
      for (const ref of [...(f.before ?? []), ...(f.fallback ? [f.fallback] : [])]) {
        if (!names.has(ref)) ctx.addIssue({ code: 'custom', path: ['fields', i], message: `${f.name} refers to unknown field ${ref}` });
      }
    });
    if (profile.fields.filter((f) => f.parser === 'body').length > 1) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'at most one body field' });
    if (profile.kind === 'telegram' && profile.fields.length === 0)
      ctx.addIssue({ code: 'custom', path: ['fields'], message: 'a telegram profile needs at least one field' });
  });

export type FieldSpec = z.infer<typeof fieldSpecSchema>;
export type StartSpec = z.infer<typeof startSpecSchema>;
export type CueSpec = z.infer<typeof cueSpecSchema>;
export type DocumentKindName = (typeof DOCUMENT_KINDS)[number];
export type Profile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
