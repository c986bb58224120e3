// CSV: one row per record, two columns per field (`<field>` and
// `<field>_status`), RFC 4180 quoting, UTF-8 with a BOM so spreadsheet programs
// read accents right. Field columns come in the order of DESIGN.md's field
// table, then any other field names alphabetically; a record without a field
// leaves its cells empty.
import type { TelegramRecord } from '../../types.ts';
import type { RecordStream } from '../format.ts';
import { writeStreamed } from './streamed-file.ts';

export const FIELD_ORDER: readonly string[] = [
  'docType',
  'number',
  'outgoingNumber',
  'from',
  'to',
  'copies',
  'place',
  'date',
  'time',
  'classification',
  'precedence',
  'addressee',
  'body',
  'signature',
  'dispatch',
  'archiveRef',
  'fileReference',
];

const RECORD_COLUMNS = ['id', 'profile', 'profileScore', 'files', 'pages', 'reviewStatus', 'reviewNeeded'] as const;

/** Field names in column order. */
export function fieldColumns(names: Iterable<string>): string[] {
  const set = new Set(names);
  const known = FIELD_ORDER.filter((n) => set.has(n));
  const others = [...set].filter((n) => !FIELD_ORDER.includes(n)).sort();
  return [...known, ...others];
}

/**
 * One CSV cell. Cells a spreadsheet would run as a formula (starting with
 * = + - @, tab or carriage return) get a leading apostrophe, the usual guard
 * against CSV injection; nothing else is changed.
 */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(fields: readonly string[]): string {
  return [...RECORD_COLUMNS, ...fields.flatMap((f) => [f, `${f}_status`])].map(csvCell).join(',');
}

export function csvRow(record: TelegramRecord, fields: readonly string[]): string {
  const cells: unknown[] = [
    record.id,
    record.profile,
    record.profileScore,
    record.source.files.join('; '),
    record.source.pages.join('; '),
    record.review.status,
    record.review.needed.join('; '),
  ];
  for (const name of fields) {
    const field = record.fields[name];
    cells.push(field ? field.value : '', field ? field.status : '');
  }
  return cells.map(csvCell).join(',');
}

/**
 * Writes the CSV. `records` is called twice: once to learn the field columns,
 * once to write the rows, so a large export never sits in memory.
 */
export async function writeCsv(file: string, records: () => RecordStream): Promise<number> {
  const names = new Set<string>();
  for await (const record of records()) for (const name of Object.keys(record.fields)) names.add(name);
  const fields = fieldColumns(names);
  let count = 0;
  async function* lines(): AsyncGenerator<string> {
    yield `\ufeff${csvHeader(fields)}\r\n`;
    for await (const record of records()) {
      count += 1;
      yield `${csvRow(record, fields)}\r\n`;
    }
  }
  await writeStreamed(file, lines());
  return count;
}
