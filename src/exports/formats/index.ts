// Every export format, registered here once. The CLI's choices (`export --format`, `run
// --emit`), the config's enums and the per-format options (config `exportOptions`) all come
// from this list. Archival formats are written in this order, so a format that refers to
// others' files (METS) comes after them. Adding a format: its writer, its descriptor in this
// folder, and a line below (docs/DESIGN.md, Where things are).
import { z } from 'zod';
import type { ArchivalFormat, ExportFormat, RecordsFormat } from '../format.ts';
import { alto } from './alto.ts';
import { csv } from './csv.ts';
import { hocr } from './hocr.ts';
import { json } from './json.ts';
import { jsonl } from './jsonl.ts';
import { mets } from './mets.ts';
import { page } from './page.ts';
import { pdf } from './pdf.ts';

export const RECORDS_FORMATS: readonly RecordsFormat[] = [json, jsonl, csv];
export const ARCHIVAL_FORMATS: readonly ArchivalFormat[] = [alto, page, hocr, pdf, mets];
export const FORMATS: readonly ExportFormat[] = [...RECORDS_FORMATS, ...ARCHIVAL_FORMATS];

const namesOf = (formats: readonly ExportFormat[]) => formats.map((f) => f.name) as [string, ...string[]];
/** Names for z.enum and commander's choices. */
export const RECORDS_FORMAT_NAMES = namesOf(RECORDS_FORMATS);
export const ARCHIVAL_FORMAT_NAMES = namesOf(ARCHIVAL_FORMATS);

export function recordsFormat(name: string): RecordsFormat | undefined {
  return RECORDS_FORMATS.find((f) => f.name === name || f.extension === name);
}

export function archivalFormat(name: string): ArchivalFormat | undefined {
  return ARCHIVAL_FORMATS.find((f) => f.name === name);
}

export function isArchivalFormatName(name: string): boolean {
  return archivalFormat(name) !== undefined;
}

/** The formats to write for those asked: with the ones they need, in registry order. */
export function withNeeds(names: readonly string[]): ArchivalFormat[] {
  const wanted = new Set(names);
  for (const name of names) for (const need of archivalFormat(name)?.needs ?? []) wanted.add(need);
  return ARCHIVAL_FORMATS.filter((f) => wanted.has(f.name));
}

/** config `exportOptions`: each format's own options, checked against its schema, defaults filled in. */
export const exportOptionsSchema = z
  .object(Object.fromEntries(FORMATS.map((f) => [f.name, (f.options as z.ZodType).optional()])))
  .strict()
  .default({});

/** A format's options as the config gives them (defaults when it gives none). */
export function optionsFor(format: ExportFormat, given: Readonly<Record<string, unknown>> | undefined): unknown {
  return (format.options as z.ZodType).parse(given?.[format.name] ?? {});
}
