// Every record is checked against the JSON Schema before it is written: other
// tools read records/ and rely on that contract.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { CablescanError, ErrorCode } from '../errors.ts';
import type { TelegramRecord } from '../types.ts';

export const RECORD_SCHEMA_PATH = new URL('./record.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(RECORD_SCHEMA_PATH, 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

export function assertValidRecord(record: unknown): asserts record is TelegramRecord {
  if (validate(record)) return;
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  const id = (record as { id?: string } | null)?.id;
  throw new CablescanError(ErrorCode.RECORD_INVALID, `record ${id ?? '?'} does not match the record schema: ${problems}`, {
    retryable: false,
  });
}
