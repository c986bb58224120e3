// Shapes the segmenter hands to the confidence stage.
import type { BBox } from '../types.ts';
import type { DocumentKindName } from './profile-schema.ts';

export interface FieldDraft {
  value: string | number | null;
  /** The printed text the value was read from. */
  text: string;
  page: string | null;
  bbox: BBox | null;
  /** Word confidences 0..100 of the words making the value (a label printed with it is judged by `labelScore`). */
  wordConfidences: number[];
  /** The text of each of those words, in the same order (when the segmenter knows them): lists match them, a calibration takes words with digits apart. */
  wordTexts?: string[];
  /** 0..1 how well the label matched (1 = exact, lower = fuzzy); 1 when there is no label. */
  labelScore: number;
  required: boolean;
  found: boolean;
  /** Short codes about how the value was read: `ocr_corrected`, `copied_from_signature`, `unknown_place`... */
  notes: string[];
}

export interface SegmentedTelegram {
  /** What the document is: its profile's kind (telegram, despatch, letter, report, other). */
  kind: DocumentKindName;
  profile: string;
  profileScore: number;
  /** pageIds in order */
  pages: string[];
  /** 0-based index of this telegram among telegrams starting on the same page set (for recordId). */
  index: number;
  fields: Record<string, FieldDraft>;
  text: string;
  /** Where it starts: page + line (index in the page's `lines`), and why. */
  split: { page: string; line: number; reason: string };
  /** Share of the pages' text covered by the recognised fields/body, 0..1. */
  bodyCoverage: number;
  /** A close runner-up profile, and the fields it reads with the same value (those are not in doubt). */
  ambiguity?: { runnerUp: string; score: number; agrees?: string[] };
  /** The best profile fits too little to trust: no field of the document is accepted. */
  weakProfile?: boolean;
  /** Layout cues the chosen profile found (salutation, closing, post heading...). */
  cues?: string[];
}
