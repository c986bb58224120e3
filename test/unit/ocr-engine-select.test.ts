// `--engine auto` (src/ocr/engines/): native Tesseract 5+ with models for the languages when it is
// there, else tesseract.js, and why. The choice logic with injected checks, and the engine the
// drivers hold, which tags every result with the reason. The real native check runs stand-in
// commands: test/integration/ocr-engine-native-check.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { CablescanError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import { ENGINE_CHOICES, ENGINE_NAMES, ENGINES, engineByName } from '../../src/ocr/engines/index.ts';
import { selectEngine, type Candidates } from '../../src/ocr/engines/select.ts';
import { createSelectingEngine } from '../../src/ocr/engines/selecting-engine.ts';
import { tesseractEngine } from '../../src/ocr/engines/tesseract.ts';
import type { EngineSettings } from '../../src/ocr/engines/types.ts';
import { NullEngine } from '../fixtures/engines.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cablescan-select-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const settings = (cacheRoot = path.join(scratch, 'cache')): EngineSettings => ({
  concurrency: 1,
  recycleAfter: 10,
  timeoutSeconds: 60,
  models: { model: 'best', cacheRoot },
  logger: silentLogger(),
});
const OPTIONS = { tesseract: { command: 'tesseract', streaming: true }, 'tesseract.js': {} };

/** Candidates whose checks say what a machine would: the native one's answer is given, tesseract.js always reads. */
function machine(native: { ok: true; detail: string } | { ok: false; reason: string }, calls: string[] = []): Candidates {
  return [
    { name: 'tesseract', check: async (lang) => (calls.push(`tesseract ${lang}`), native) },
    {
      name: 'tesseract.js',
      check: async (lang) => (
        calls.push(`tesseract.js ${lang}`),
        lang.includes('xyz') ? { ok: false, reason: 'no model for language "xyz"' } : { ok: true, detail: 'tesseract.js, with models for eng (best)' }
      ),
    },
  ];
}

test('the registry: engines in order of preference, choices and option schemas from it', () => {
  assert.deepEqual(ENGINE_NAMES, ['tesseract', 'tesseract.js']);
  assert.deepEqual([...ENGINE_CHOICES], ['auto', 'tesseract', 'tesseract.js']);
  for (const engine of ENGINES) {
    assert.equal(engineByName(engine.name), engine);
    assert.ok(engine.summary.length > 10);
    // Every engine's options have defaults for everything: a config without them is complete.
    assert.doesNotThrow(() => engine.options.parse({}));
  }
  assert.deepEqual(tesseractEngine.options.parse({}), { command: 'tesseract', streaming: true });
  assert.throws(() => tesseractEngine.options.parse({ comand: 'x' }), /comand/);
});

test('auto: native present -> tesseract; absent, too old or without the language -> tesseract.js, saying why', async () => {
  const present = await selectEngine(
    'auto',
    'eng',
    settings(),
    OPTIONS,
    machine({ ok: true, detail: 'native Tesseract 5.3.0 found, with models for eng (best)' }),
  );
  assert.deepEqual(present, { engine: 'tesseract', lang: 'eng', reason: 'auto: native Tesseract 5.3.0 found, with models for eng (best)' });

  for (const reason of [
    'no "tesseract" command on PATH',
    'native tesseract 4.1.1 is older than 5',
    'native tesseract 5.3.0 cannot read "eng+dan": no model for language "dan"',
  ]) {
    const chosen = await selectEngine('auto', 'eng+dan', settings(), OPTIONS, machine({ ok: false, reason }));
    assert.equal(chosen.engine, 'tesseract.js');
    assert.equal(chosen.reason, `auto: tesseract.js, with models for eng (best); not tesseract: ${reason}`);
  }
});

test('auto: no engine can read the language -> CS_ERR_TESSDATA_MISSING with every reason; a forced engine is taken without checks', async () => {
  await assert.rejects(
    selectEngine('auto', 'xyz', settings(), OPTIONS, machine({ ok: false, reason: 'no model for "xyz"' })),
    (err: CablescanError) =>
      err.code === 'CS_ERR_TESSDATA_MISSING' && /tesseract: no model for "xyz"; tesseract.js: no model for language "xyz"/.test(err.message) && !err.retryable,
  );
  const calls: string[] = [];
  const forced = await selectEngine('tesseract.js', 'eng', settings(), OPTIONS, machine({ ok: true, detail: 'x' }, calls));
  assert.deepEqual(forced, { engine: 'tesseract.js', lang: 'eng', reason: '--engine tesseract.js (set, not chosen)' });
  assert.deepEqual(calls, []);
});

test('the engine drivers hold: chooses once per language set, tags every result with why, and closes what it made', async () => {
  const made: string[] = [];
  const doubles = new Map<string, NullEngine>();
  const engine = createSelectingEngine({
    requested: 'auto',
    settings: settings(),
    options: OPTIONS,
    candidates: machine({ ok: false, reason: 'no "tesseract" command on PATH' }),
    create: (name) => {
      made.push(name);
      const double = new NullEngine();
      doubles.set(name, double);
      return double;
    },
  });
  const image = { data: Buffer.alloc(100, 255), width: 10, height: 10, channels: 1 as const };
  const result = await engine.recognize({ image, lang: 'eng', psm: 3 });
  assert.equal(result.engineReason, 'auto: tesseract.js, with models for eng (best); not tesseract: no "tesseract" command on PATH');
  const many = await engine.recognizeMany!([
    { image, lang: 'eng', psm: 8 },
    { image, lang: 'eng', psm: 8 },
  ]);
  assert.ok(many.every((r) => r.engineReason === result.engineReason));
  await engine.prepare!('eng');
  assert.deepEqual(made, ['tesseract.js'], 'one engine, made once');
  assert.deepEqual(
    engine.selections().map((s) => s.engine),
    ['tesseract.js'],
  );
  assert.equal(engine.name, 'tesseract.js');
  await assert.rejects(engine.prepare!('xyz'), (err: CablescanError) => err.code === 'CS_ERR_TESSDATA_MISSING');
  await engine.close();
  await assert.rejects(doubles.get('tesseract.js')!.recognize({ image, lang: 'eng', psm: 3 }), /closed/);
});
