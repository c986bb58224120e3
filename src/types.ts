// Shared data shapes that flow between the stages. Everything here is plain,
// JSON-serialisable data (except RawImage's pixel buffer), because the same
// values travel through BullMQ jobs and files under the output folder.

/** [x0, y0, x1, y1] in pixels, x1/y1 exclusive. */
export type BBox = [number, number, number, number];

/** Decoded pixels, row-major, `channels` bytes per pixel (sharp `raw()` layout). */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

export type InputFormat = 'png' | 'jpeg' | 'tiff' | 'pdf' | 'webp' | 'gif';

/** One page to read, as found by ingest. Small: this is what a queue job carries. */
export interface PageSource {
  pageId: string;
  /** Path as given on the command line (relative to cwd when relative). */
  file: string;
  /** Absolute path, used to open the file. */
  path: string;
  /** 0-based page index inside a multi-page file. */
  pageIndex: number;
  pageCount: number;
  format: InputFormat;
  /** sha256 (hex) identifying this page's content: file bytes, plus page index for multi-page files. */
  contentHash: string;
  /** Pages sharing a documentKey are read as one sequence (a telegram may run across them). */
  documentKey: string;
  /** Language(s) for OCR, e.g. "eng" or "eng+fra"; from the batch manifest or the run's --lang. */
  lang?: string;
}

/** An input that could not be used, with the reason; the rest of the batch goes on. */
export interface InputFailure {
  file: string;
  pageId?: string;
  code: string;
  message: string;
  stage: string;
}

/** A file in a scanned folder that is not an image or PDF: listed, not failed. */
export interface SkippedInput {
  file: string;
  reason: string;
}

export interface IngestResult {
  pages: PageSource[];
  failures: InputFailure[];
  skipped: SkippedInput[];
}

/** 2x3 affine matrix [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f. */
export type Affine = [number, number, number, number, number, number];

/** What one preprocessing step did, written into pages/<pageId>.json. */
export interface StepReport {
  step: string;
  params: Record<string, unknown>;
  measured: Record<string, unknown>;
  applied: boolean;
  ms: number;
}

export interface PreprocessResult {
  image: RawImage;
  steps: StepReport[];
  /** Maps coordinates of `image` back to the original page (after EXIF orientation). */
  toOriginal: Affine;
  /** Original page size (after EXIF orientation). */
  originalWidth: number;
  originalHeight: number;
}

export interface OcrWord {
  text: string;
  /** 0..100 as Tesseract reports it. */
  confidence: number;
  bbox: BBox;
}

export interface OcrLine {
  text: string;
  confidence: number;
  bbox: BBox;
  /** Index of the paragraph/block this line belongs to, in reading order. */
  paragraph: number;
  words: OcrWord[];
}

export interface OcrResult {
  lines: OcrLine[];
  text: string;
  meanConfidence: number;
  wordCount: number;
  engine: string;
  engineVersion: string;
  lang: string;
  psm: number;
  /**
   * The model class the page's first language was read with (src/ocr/models.ts): 'best' (npm's
   * 4.0.0_best_int), 'fast' (the system's, Debian: tessdata_fast) or 'custom' (a --tessdata
   * folder's). What the page's field confidences are calibrated as (src/confidence/calibration.ts).
   */
  model?: 'best' | 'fast' | 'custom';
  /** Each language's model: its class, where it came from and the start of its SHA-256 (the same on every engine). */
  models?: Record<string, { kind: 'best' | 'fast' | 'custom'; source: string; sha256: string }>;
  /** Why this engine read the page (`--engine auto`'s choice, or the setting that forced it). */
  engineReason?: string;
}

/**
 * What the ink measure (src/preprocess/ink.ts) found on a page before anything expensive ran, and
 * what reading made of it. Evidence for grouping pages: a blank page is a back side or a separator.
 */
export interface PageInk {
  /**
   * 'blank': no text (not read at all, or a nearly blank page whose ink regions read nothing);
   * 'nearly_blank': a few lines (a signature, a page number, a stamp), read region by region;
   * 'text': read whole.
   */
  verdict: 'blank' | 'nearly_blank' | 'text';
  /** Letter-shaped components clearly darker than the paper, on text lines. */
  letterComponents: number;
  textLines: number;
  /** Share of the page clearly darker than the paper (letters, rules, specks, shadows), 0..1. */
  inkShare: number;
  /** Paper noise and the contrast a letter needed, grey levels (of the background-flattened page). */
  paperNoise: number;
  contrast: number;
  /** Median letter height, original page pixels; null without letters. */
  letterHeight: number | null;
  /** Lines running down the page (scanned sideways). */
  vertical: boolean;
  /** The ink regions read (nearly blank pages, or a page read by regions after a timeout), original page pixels. */
  regions?: BBox[];
  /** Why the verdict differs from the measure's first call (a nearly blank page whose regions read nothing). */
  note?: string;
  ms: number;
}

/** The page JSON contract: DIR/pages/<pageId>.json. Boxes are in original page pixels. */
export interface PageResult {
  schemaVersion: 1;
  pipelineVersion: string;
  pageId: string;
  file: string;
  pageIndex: number;
  pageCount: number;
  contentHash: string;
  documentKey: string;
  width: number;
  height: number;
  lang: string;
  preprocess: {
    recipe: string;
    steps: StepReport[];
    outputWidth: number;
    outputHeight: number;
    toOriginal: Affine;
  };
  ocr: Omit<OcrResult, 'lines' | 'text'> & {
    /** Doubtful words read a second time (src/ocr/second-opinion.ts). */
    secondOpinion?: {
      wordsReread: number;
      wordsReplaced: number;
      replaced?: Array<{ line: number; word: number; was: string; wasConfidence: number }>;
      /** The engine died reading the words (its signal): none was replaced. */
      crashed?: string;
    };
    /** Fast-model pages: digit words read again with best_int, and those whose 3 the fast model read as 5 (src/ocr/digit-check.ts). */
    digitCheck?: {
      model: string;
      wordsChecked: number;
      corrected: Array<{ line: number; word: number; was: string; text: string }>;
      /** The engine died reading the words (its signal): none was corrected. */
      crashed?: string;
    };
    /** Lines the whole-page reading dropped or garbled, read alone where the ink measure found them (src/ocr/recover-lines.ts). */
    recovered?: {
      dropped: number;
      added: number;
      doubtful: number;
      replaced: number;
      /** Line strips the engine died on (skipped). */
      crashed?: number;
    };
    /** A page with a seal in its header: the rows of typed ink its ring touches, read again without it (src/ocr/seal-lines.ts). */
    sealLines?: {
      seals: number;
      rows: number;
      replaced: number;
      crashed?: number;
    };
    /** 'page': read whole; 'regions': by its ink regions (nearly blank, or after a timeout); 'none': a blank page, not read. */
    readAs?: 'page' | 'regions' | 'none';
    /** Why a text page was read by its regions (the whole page ran past its OCR budget, or killed the engine). */
    fallback?: string;
  };
  lines: OcrLine[];
  text: string;
  timings: Record<string, number>;
  /**
   * When the page was read (ISO 8601, as OCR finished): the processing time archival
   * exports give preprocessing and OCR. Page JSON written before it existed lacks it.
   */
  readAt?: string;
  /** The ink measure and its verdict (absent in page JSON written before it existed). */
  ink?: PageInk;
  /**
   * Present when the page was decoded smaller than its file declares (pagePixelBudget): width and
   * height, and every box, are in the decoded pixels, this fraction of the declared ones.
   */
  decodeScale?: number;
  /** True only when ink.verdict is 'blank': nothing on the page is text, and no record takes anything from it. */
  blank?: boolean;
}

export type FieldStatus = 'accepted' | 'needs_review' | 'missing' | 'corrected' | 'confirmed' | 'absent';

export interface RecordField {
  value: string | number | null;
  text: string;
  confidence: number;
  status: FieldStatus;
  page: string | null;
  bbox: BBox | null;
  reasons: string[];
}

/** One cue behind a page's grouping decision. */
export interface GroupingEvidence {
  /** A boundary feature (src/group/features.ts), or the rule that decided without the model. */
  cue: string;
  says: 'start' | 'continue';
  /** Log-odds the cue added to the decision (0 for rules). */
  weight: number;
  detail: string;
}

/** Does this page start a document or continue the one before (src/group/decide.ts)? */
export interface GroupingDecision {
  page: string;
  decision: 'start' | 'continue';
  /** Probability of the decision taken, 0.5..1. */
  confidence: number;
  /** Below the model's threshold: the records this decision touches wait for a person. */
  uncertain: boolean;
  /** `reviewer`: a person decided (a split, merge or confirmation); it wins over the pipeline's. */
  rule: 'model' | 'first-page' | 'blank-page' | 'mode' | 'reviewer';
  evidence: GroupingEvidence[];
  /** Who decided, for rule `reviewer`. */
  decidedBy?: string;
  /** When they decided (ISO 8601), for rule `reviewer`. */
  decidedAt?: string;
}

/** Document kinds: what a record is (DESIGN.md: Documents and boundaries). */
export type DocumentKind = 'telegram' | 'despatch' | 'letter' | 'report' | 'other';

export interface RecordGrouping {
  /** The --documents mode the pages were grouped by. */
  mode: string;
  /**
   * `uncertain`: some decision below is doubtful, so no field is accepted until a person confirms;
   * `confirmed`: none is, and a person decided at least one of them (a split, merge or confirmation).
   */
  status: 'certain' | 'uncertain' | 'confirmed';
  /** The decisions of the record's pages and of the page after its last one. */
  decisions: GroupingDecision[];
}

export interface TelegramRecord {
  schemaVersion: 1;
  id: string;
  /** What the document is; telegram profiles give `telegram`. */
  kind?: DocumentKind;
  profile: string;
  profileScore: number;
  source: { files: string[]; pages: string[] };
  fields: Record<string, RecordField>;
  text: string;
  review: { needed: string[]; status: 'pending' | 'done' };
  grouping?: RecordGrouping;
}
