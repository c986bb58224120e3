// docs/errors.md's table is the one scripts/error-codes.ts builds from the code now:
// a code added, removed, documented differently or thrown the other way fails here
// until `npm run docs:errors` writes the table again.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { collectErrorCodes, DOC_FILE, renderTable, withTable } from '../../scripts/error-codes.ts';
import { ErrorCode } from '../../src/errors.ts';
import { ApiErrorCode } from '../../src/server/errors.ts';

test('the error-code table in docs/errors.md is up to date (npm run docs:errors)', () => {
  const doc = readFileSync(DOC_FILE, 'utf8');
  assert.equal(doc, withTable(doc, renderTable(collectErrorCodes())), 'docs/errors.md is out of date: run npm run docs:errors');
});

test('every code has a row with a meaning, and the retryable ones say yes', () => {
  const rows = collectErrorCodes();
  assert.deepEqual(rows.map((r) => r.code).sort(), [...Object.values(ErrorCode), ...Object.values(ApiErrorCode)].sort());
  assert.ok(
    rows.every((r) => r.meaning.length > 10),
    'every code is explained',
  );
  const table = renderTable(rows);
  assert.match(table, /\| `CS_ERR_OCR_FAILED` \| yes; no where thrown in [^|]*`src\/ocr\/recognize-page\.ts`/);
  assert.match(table, /\| `CS_ERR_INPUT_CORRUPT` \| no \|/);
  assert.match(table, /\| `CS_ERR_TOO_MANY_ATTEMPTS` \(API\) \| yes \| 429 \|/);
});

test('a CS_ERR_ code used in the code but listed nowhere is refused by name', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-codes-'));
  try {
    writeFileSync(path.join(dir, 'thrower.ts'), "export const reason = 'CS_ERR_NO_SUCH_CODE: something';\nexport const code = 'CS_ERR_NO_SUCH_CODE';\n");
    assert.throws(() => collectErrorCodes([dir]), /thrower\.ts: CS_ERR_NO_SUCH_CODE is neither in ErrorCode/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => withTable('no markers here', ''), /markers/);
});
