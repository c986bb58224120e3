// What an export format is: a descriptor (name, a line of help, the schema of its own options)
// that the registry (formats/index.ts) lists and the CLI and config read their choices from,
// and a writer the descriptor creates when a run or an export uses it, so a format's code and
// libraries (pdf-lib, sharp) load only then. Two families:
//   records    the records themselves, reviews applied (json, jsonl, csv): one file or a folder
//   archival   files beside the page images (alto, page, hocr per page; pdf, mets per record)
import type { z } from 'zod';
import type { Logger } from '../logger.ts';
import type { Recipe } from '../preprocess/index.ts';
import type { LoadedPage } from '../ingest/index.ts';
import type { PageResult, TelegramRecord } from '../types.ts';
import type { PageExportContext } from './context.ts';
import type { ExportPage } from './corrections.ts';
import type { FileRef } from './mets.ts';

interface Descriptor<Kind extends string, Options, Writer> {
  name: string;
  kind: Kind;
  /** One line for `--help` and the docs. */
  summary: string;
  /** The format's own options (config file `exportOptions.<name>`); every field has a default. */
  options: z.ZodType<Options>;
  create(options: Options): Promise<Writer>;
}

export interface RecordsTarget {
  /** Absolute path of the file, or of the folder when `folder`. */
  path: string;
  folder: boolean;
}

/**
 * Records as a writer gets them: from memory, or streamed from the review store a row at a time
 * (an export of a 100,000-page box never holds its records at once).
 */
export type RecordStream = Iterable<TelegramRecord> | AsyncIterable<TelegramRecord>;

export interface RecordsWriter {
  /** `records` may be called more than once (CSV reads them twice); each call yields the same records. */
  write(records: () => RecordStream, target: RecordsTarget): Promise<{ records: number; path: string; folder: boolean }>;
}

export type RecordsFormat<Options = unknown> = Descriptor<'records', Options, RecordsWriter> & {
  /** The file extension that names this format (`records.csv`). */
  extension: string;
};

/** One page as the archival writers see it: corrections applied, the original image loaded. */
export interface PageToExport {
  pageId: string;
  /** The page JSON as the run wrote it. */
  result: PageResult;
  /** Its words with the reviewers' corrections carried in. */
  page: ExportPage;
  loaded: LoadedPage;
  dpi: number;
  context: PageExportContext;
  /** Files written for the page so far, by format name (`image` for the master image). */
  refs: Record<string, FileRef>;
  /** What formats kept of the page for its records (the PDF's JPEG), by format name. */
  kept: Record<string, unknown>;
}

export interface RecordToExport {
  record: TelegramRecord;
  pages: readonly PageToExport[];
  /** Files written for the record so far (PDF before METS), by format name. */
  refs: Record<string, FileRef>;
  createdAt: Date;
}

export interface ArchivalIo {
  /** Writes a file under the export folder (atomically) and returns its reference for METS. */
  write(rel: string, data: string | Uint8Array, mimetype: string): Promise<FileRef>;
  recipe: Recipe;
  logger: Logger;
}

export interface ArchivalWriter {
  /** Writes the page's file of this format (ALTO, PAGE, hOCR) and returns its reference. */
  page?(page: PageToExport, io: ArchivalIo): Promise<FileRef>;
  /** What the format needs of the page for its records, kept until the page's last record is written. */
  keep?(page: PageToExport): Promise<unknown>;
  /** Writes the record's file of this format (PDF, METS) and returns its reference. */
  record?(record: RecordToExport, io: ArchivalIo): Promise<FileRef>;
}

export type ArchivalFormat<Options = unknown> = Descriptor<'archival', Options, ArchivalWriter> & {
  /** Formats whose files this one refers to, written with it (METS points at each page's ALTO). */
  needs?: readonly string[];
};

export type ExportFormat = RecordsFormat | ArchivalFormat;
