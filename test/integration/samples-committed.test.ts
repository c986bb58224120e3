// The committed samples in samples/ are the README's first input and the oracle
// of the clean-sample check: they must exist, stay small, follow the record's
// normal forms, and match what the generator makes from their specs today.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import sharp from 'sharp';
import { COMMITTED_SAMPLES } from '../../src/samples/sets.ts';
import { generateSample, type ExpectedRecord } from '../../src/samples/generate.ts';

const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
const readExpected = (name: string): ExpectedRecord => JSON.parse(readFileSync(path.join(SAMPLES, `${name}.expected.json`), 'utf8'));

test('every committed sample has its image, expected record and ground truth, under 5 MB in all', () => {
  const index = JSON.parse(readFileSync(path.join(SAMPLES, 'index.json'), 'utf8')) as { samples: { name: string; file: string }[] };
  assert.deepEqual(
    index.samples.map((s) => s.name),
    COMMITTED_SAMPLES.map((s) => s.name),
  );
  assert.ok(index.samples.length >= 6 && index.samples.length <= 10);
  for (const entry of index.samples) {
    const expected = readExpected(entry.name);
    assert.equal(expected.file, entry.file);
    assert.ok(statSync(path.join(SAMPLES, entry.file)).size > 10_000);
    const gtText = expected.pages.map((p) => readFileSync(path.join(SAMPLES, p.groundTruth), 'utf8').trimEnd()).join('\n');
    assert.equal(gtText, expected.text, `${entry.name}: ground truth lines = expected text`);
  }
  const total = readdirSync(SAMPLES).reduce((sum, f) => sum + statSync(path.join(SAMPLES, f)).size, 0);
  assert.ok(total < 5 * 1024 * 1024, `samples/ is ${total} bytes`);
});

test("committed clean and degraded samples cover the issue's variants", () => {
  const records = COMMITTED_SAMPLES.map((s) => readExpected(s.name));
  const presets = new Set(records.map((r) => r.degradation.preset));
  for (const p of ['clean', 'skew-noise', 'jpeg-blur', 'paper-faint']) assert.ok(presets.has(p), p);
  assert.ok(
    records.some((r) => r.pages.length === 2 && r.file.endsWith('.tif')),
    'one two-page TIFF',
  );
  assert.ok(records.some((r) => r.file.endsWith('.jpg')));
  assert.deepEqual(new Set(records.map((r) => r.generator.font)), new Set(['courier-prime', 'special-elite']));
});

test("the seed sample carries the seed telegram's fields exactly", () => {
  const seed = readExpected('seed-21340');
  const { body, ...rest } = seed.fields;
  assert.deepEqual(rest, {
    docType: 'CIPHERED TELEGRAM',
    number: '21340',
    to: 'Cde. Stalin',
    copies: 2,
    place: 'Peking',
    time: '15:00',
    date: '1951-06-30',
    addressee: 'Cde. Fillipov [Stalin]',
    signature: 'Mao Zedong',
    from: 'Mao Zedong',
    outgoingNumber: '3267',
    dispatch: '30 June 16.50 Peking',
  });
  assert.match(String(body), /^The commander of the troops of the enemy, Ridgway,.* 1\. Comrade Kim Il Sung .* 4\. In light of .*inform me\.$/);
  assert.equal(seed.degradation.preset, 'clean');
  assert.deepEqual(seed.text.split('\n').slice(0, 4), [
    'CIPHERED TELEGRAM No. 21340',
    'To Cde. Stalin (2 copies)',
    'From: Peking, 15:00, 30 June 1951.',
    'Cde. Fillipov [Stalin]',
  ]);
});

test('the committed records are what the generator makes from their specs now', async () => {
  for (const spec of COMMITTED_SAMPLES) {
    const fresh = await generateSample(spec);
    const committed = readExpected(spec.name);
    // Fields and text must match exactly; boxes may move a pixel where another machine's Skia antialiases differently.
    assert.deepEqual(fresh.expected.fields, committed.fields, spec.name);
    assert.equal(fresh.expected.text, committed.text, spec.name);
    assert.deepEqual(fresh.expected.degradation, committed.degradation, spec.name);
    if (spec.name === 'seed-21340' || spec.name === 'cipher-04-skew-noise') {
      const image = await sharp(path.join(SAMPLES, committed.file)).greyscale().raw().toBuffer();
      const again = await sharp(fresh.files[0].data).greyscale().raw().toBuffer();
      let diff = 0;
      for (let i = 0; i < image.length; i++) diff += Math.abs(image[i] - again[i]);
      const mean = diff / image.length;
      assert.ok(mean < 0.5, `${spec.name}: mean pixel difference ${mean.toFixed(3)}`);
    }
  }
});
