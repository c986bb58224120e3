// `--engine auto`'s check of native Tesseract (src/ocr/engines/tesseract.ts) on this machine, against
// stand-ins for the `tesseract` command: absent, too old (4.x), version 5 whose models cannot be had
// (a model cache that cannot be written), and a usable version 5 (npm's model unpacked in the cache).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { silentLogger } from '../../src/logger.ts';
import { tesseractEngine } from '../../src/ocr/engines/tesseract.ts';
import type { EngineSettings } from '../../src/ocr/engines/types.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cablescan-native-check-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const settings = (cacheRoot = path.join(scratch, 'cache')): EngineSettings => ({
  concurrency: 1,
  recycleAfter: 10,
  timeoutSeconds: 60,
  models: { model: 'best', cacheRoot },
  logger: silentLogger(),
});

/** A stand-in for tesseract answering --version with `version` and --list-langs with eng. */
function fakeTesseract(name: string, version: string): string {
  const file = path.join(scratch, name);
  writeFileSync(
    file,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "tesseract ${version}"; echo " leptonica-1.82.0"; exit 0; fi\nif [ "$1" = "--list-langs" ]; then printf 'List of available languages in "/nowhere/" (1):\\neng\\n'; exit 0; fi\nexit 1\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

test('the native check on this machine: no command, Tesseract 4, models it cannot get, and a usable Tesseract 5', async () => {
  const check = (command: string, s = settings()) => tesseractEngine.check('eng', s, { command, streaming: true });
  const absent = await check(path.join(scratch, 'no-such-tesseract'));
  assert.equal(absent.ok, false);
  assert.match((absent as { reason: string }).reason, /no ".*no-such-tesseract" command on PATH/);

  const old = await check(fakeTesseract('tesseract-4', '4.1.1'));
  assert.deepEqual(old, { ok: false, reason: 'native tesseract 4.1.1 is older than 5' });

  // Tesseract 5 whose model cache cannot be written: npm's .gz cannot become a file it reads.
  const blocker = path.join(scratch, 'cache-is-a-file');
  writeFileSync(blocker, '');
  const noCache = await check(fakeTesseract('tesseract-5', '5.3.0'), settings(blocker));
  assert.equal(noCache.ok, false);
  assert.match((noCache as { reason: string }).reason, /^native tesseract 5\.3\.0 cannot read "eng": cannot create the model cache folder/);

  const usable = await check(fakeTesseract('tesseract-5b', '5.3.0'));
  assert.deepEqual(usable, { ok: true, detail: 'native Tesseract 5.3.0 found, with models for eng (best)' });
});
