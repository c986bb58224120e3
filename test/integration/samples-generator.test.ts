import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { createRng } from '../../src/samples/random.ts';
import { wrapParagraph } from '../../src/samples/text.ts';
import { sovietCipherLayout } from '../../src/samples/layouts/soviet-cipher.ts';
import { LAYOUTS } from '../../src/samples/layouts/index.ts';
import { generateSample, type SampleSpec } from '../../src/samples/generate.ts';
import { drawDegradation, DEGRADATION_PRESETS, rotatePoint } from '../../src/samples/degrade.ts';
import { evaluationSpecs } from '../../src/samples/sets.ts';
import { A4_300DPI } from '../../src/samples/geometry.ts';
import { CablescanError } from '../../src/errors.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const spec = (over: Partial<SampleSpec> = {}): SampleSpec => ({
  name: 'probe',
  profile: 'soviet-cipher',
  seed: 'probe-1',
  font: 'courier-prime',
  degradation: 'clean',
  sentences: { min: 3, max: 4 },
  ...over,
});

test('the PRNG repeats for a seed and differs between seeds', () => {
  const a = createRng('x');
  const b = createRng('x');
  const c = createRng('y');
  const seqA = Array.from({ length: 20 }, () => a.next());
  assert.deepEqual(
    seqA,
    Array.from({ length: 20 }, () => b.next()),
  );
  assert.notDeepEqual(
    seqA,
    Array.from({ length: 20 }, () => c.next()),
  );
  assert.ok(seqA.every((v) => v >= 0 && v < 1));
  const r = createRng(5);
  for (let i = 0; i < 1000; i++) {
    const v = r.int(3, 7);
    assert.ok(Number.isInteger(v) && v >= 3 && v <= 7);
  }
});

test('typewriter wrapping keeps lines within the columns and loses no word', () => {
  const rng = createRng('wrap');
  for (let n = 0; n < 50; n++) {
    const t = sovietCipherLayout.invent(rng, { minSentences: 2, maxSentences: 8 });
    for (const paragraph of t.paragraphs) {
      const lines = wrapParagraph(paragraph, 65, 5);
      for (const line of lines) assert.ok((line.indent ?? 0) + line.text.length <= 65, line.text);
      assert.equal(lines.map((l) => l.text).join(' '), paragraph);
      assert.equal(lines[0].indent, 5);
    }
  }
});

test('invented soviet-cipher records follow the normal forms of DESIGN.md', () => {
  const rng = createRng('forms');
  const bodies = new Set<string>();
  for (let n = 0; n < 200; n++) {
    const t = sovietCipherLayout.invent(rng, { minSentences: 3, maxSentences: 10 });
    const f = sovietCipherLayout.expectedFields(t);
    assert.deepEqual(
      Object.keys(f).sort(),
      ['addressee', 'body', 'copies', 'date', 'dispatch', 'docType', 'from', 'number', 'outgoingNumber', 'place', 'signature', 'time', 'to'].sort(),
    );
    assert.equal(f.docType, 'CIPHERED TELEGRAM');
    assert.match(String(f.number), /^\d+$/);
    assert.match(String(f.outgoingNumber), /^\d+$/);
    assert.ok(Number.isInteger(f.copies) && (f.copies as number) >= 1);
    assert.match(String(f.time), /^([01]\d|2[0-3]):[0-5]\d$/);
    assert.match(String(f.date), /^(19[4-6]\d|197[0-5])-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
    const d = new Date(`${f.date}T00:00:00Z`);
    assert.equal(d.toISOString().slice(0, 10), f.date, 'a real calendar date');
    assert.doesNotMatch(String(f.signature), /\.$/);
    assert.equal(f.from, f.signature, 'the seed layout names a place in From:, so from is the signer');
    assert.doesNotMatch(String(f.to), /^To |copies|\(/);
    assert.doesNotMatch(String(f.body), /\s{2}|\n/);
    assert.match(String(f.dispatch), /^\d{1,2} [A-Z][a-z]+ \d\d\.\d\d [A-Z]/);
    // The typed page shows each field as printed.
    const typed = sovietCipherLayout.typeset(t, 65).map((l) => l.text);
    assert.ok(typed.includes(`CIPHERED TELEGRAM No. ${f.number}`));
    assert.ok(typed.some((l) => l.startsWith(`From: ${f.place}, ${f.time}, `)));
    assert.ok(typed.includes(`${f.signature}.`));
    assert.ok(typed.includes(`No. ${f.outgoingNumber}`));
    bodies.add(String(f.body));
  }
  assert.equal(bodies.size, 200, 'every invented body differs');
});

// DESIGN.md's "which fields each shipped profile emits"; time, classification and precedence are optional.
const PROFILE_FIELDS: Record<string, string[]> = {
  'soviet-cipher': ['docType', 'number', 'to', 'copies', 'place', 'time', 'date', 'addressee', 'body', 'signature', 'from', 'outgoingNumber', 'dispatch'],
  'soviet-coded': ['docType', 'from', 'to', 'number', 'date', 'place', 'classification', 'copies', 'precedence', 'body', 'signature'],
  'us-state': ['fileReference', 'docType', 'from', 'to', 'place', 'date', 'time', 'classification', 'precedence', 'number', 'body', 'signature'],
  'dfat-cable': ['docType', 'from', 'to', 'place', 'date', 'time', 'number', 'classification', 'precedence', 'body', 'signature', 'archiveRef'],
  generic: ['docType', 'number', 'to', 'place', 'date', 'time', 'classification', 'precedence', 'body', 'signature'],
};
const OPTIONAL = new Set(['time', 'classification', 'precedence']);

test("every layout emits its profile's fields in normal form, and prints them on the page", () => {
  assert.deepEqual(Object.keys(LAYOUTS).sort(), Object.keys(PROFILE_FIELDS).sort());
  for (const [profile, layout] of Object.entries(LAYOUTS)) {
    const rng = createRng(`forms-${profile}`);
    const seenOptional = new Set<string>();
    for (let n = 0; n < 100; n++) {
      const t = layout.invent(rng, { minSentences: 2, maxSentences: 8 });
      const f = layout.expectedFields(t);
      const allowed = PROFILE_FIELDS[profile];
      for (const key of Object.keys(f)) assert.ok(allowed.includes(key), `${profile} emits ${key}`);
      for (const key of allowed) {
        if (!OPTIONAL.has(key)) assert.ok(key in f, `${profile} lacks ${key}`);
        else if (key in f) seenOptional.add(key);
      }
      assert.match(String(f.number), /^\d+$/, profile);
      assert.match(String(f.date), /^\d{4}-\d{2}-\d{2}$/, profile);
      assert.equal(new Date(`${f.date}T00:00:00Z`).toISOString().slice(0, 10), f.date);
      if ('time' in f) assert.match(String(f.time), /^([01]\d|2[0-3]):[0-5]\d$/, profile);
      if ('copies' in f) assert.ok(Number.isInteger(f.copies));
      for (const key of ['docType', 'classification', 'precedence']) if (key in f) assert.equal(f[key], String(f[key]).toUpperCase());
      assert.match(String(f.place), /^[A-Z][a-z]/, `${profile}: place in normal capitalisation`);
      assert.doesNotMatch(String(f.signature), /\.$/);
      assert.doesNotMatch(String(f.body), /\s{2}|\n/);
      const typed = layout.typeset(t, 65).map((l) => l.text.replace(/ {2,}/g, ' '));
      for (const line of layout.typeset(t, 65)) assert.ok((line.indent ?? 0) + line.text.length <= 65, `${profile}: "${line.text}" fits the line`);
      assert.ok(
        typed.some((l) => l === String(f.signature) || l === `${f.signature}.`),
        `${profile}: signature line`,
      );
      assert.ok(typed.join(' ').includes(String(f.number)), `${profile}: number printed`);
      if (profile === 'us-state') {
        assert.ok(typed[0] === `${f.fileReference}: Telegram`);
        assert.doesNotMatch(String(f.body), new RegExp(`^${f.number}\\. `), 'FRUS body without its leading number');
      }
      if (profile === 'dfat-cable') assert.match(String(f.archiveRef), /^\[NAA: A\d+, [\d/]+(, [iv]+)?\]$/);
    }
    if (profile !== 'soviet-cipher') assert.ok(seenOptional.size > 0, `${profile} sometimes prints optional fields`);
  }
});

test('the same spec renders the same bytes; another seed renders different ones', async () => {
  const a = await generateSample(spec());
  const b = await generateSample(spec());
  const c = await generateSample(spec({ seed: 'probe-2' }));
  assert.equal(sha(a.files[0].data), sha(b.files[0].data));
  assert.equal(a.files[1].data.toString(), b.files[1].data.toString());
  assert.notEqual(sha(a.files[0].data), sha(c.files[0].data));
  assert.notDeepEqual(a.expected.fields, c.expected.fields);
});

test('a clean page is a 300 dpi A4 greyscale PNG with ink exactly where the lines are', async () => {
  const sample = await generateSample(spec());
  const image = sample.files[0];
  assert.equal(image.name, 'probe.png');
  const meta = await sharp(image.data).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, 2480);
  assert.equal(meta.height, 3508);
  assert.equal(meta.density, 300);
  assert.equal(meta.channels, 1);
  const { data, info } = await sharp(image.data).greyscale().raw().toBuffer({ resolveWithObject: true });
  const page = sample.expected.pages[0];
  assert.equal(page.lines.map((l) => l.text).join('\n'), sample.expected.text);
  const inside = new Uint8Array(info.width * info.height);
  for (const { text, bbox } of page.lines) {
    const [x0, y0, x1, y1] = bbox;
    assert.ok(x1 - x0 > 10 && y1 - y0 > 10, `line "${text}" has a box`);
    // One typewriter cell is 30 px: the box spans about the line's length in cells.
    assert.ok(Math.abs(x1 - x0 - text.length * 30) < 40, `box width of "${text}"`);
    let dark = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        inside[y * info.width + x] = 1;
        if (data[y * info.width + x] < 128) dark++;
      }
    assert.ok(dark > text.replace(/\s/g, '').length * 20, `ink inside "${text}"`);
  }
  let strayInk = 0;
  for (let i = 0; i < data.length; i++) if (!inside[i] && data[i] < 200) strayInk++;
  assert.equal(strayInk, 0, 'no ink outside the line boxes on a clean page');
  const gt = sample.files.find((f) => f.name === 'probe.gt.txt');
  assert.ok(gt);
  assert.equal(gt.data.toString(), `${sample.expected.text}\n`);
});

test('a skewed page keeps its line boxes on the ink and records the degradation', async () => {
  const sample = await generateSample(spec({ degradation: 'skew-noise', seed: 'probe-skew' }));
  const d = sample.expected.degradation;
  assert.equal(d.preset, 'skew-noise');
  assert.ok(Math.abs(d.skewDeg) >= 0.5 && Math.abs(d.skewDeg) <= 1.5);
  assert.ok(d.jpegQuality !== null);
  assert.equal(sample.files[0].name, 'probe.jpg');
  const { data, info } = await sharp(sample.files[0].data).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, A4_300DPI.width);
  // The line's centre, rotated as the page was, lands on dark pixels.
  for (const line of sample.expected.pages[0].lines.filter((l) => l.text.length > 20)) {
    const [x0, y0, x1, y1] = line.bbox;
    let dark = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (data[y * info.width + x] < 110) dark++;
    assert.ok(dark > line.text.length * 10, `ink in the rotated box of "${line.text}"`);
  }
  const [cx, cy] = rotatePoint(1240, 1754, 3, 2480, 3508);
  assert.deepEqual([Math.round(cx), Math.round(cy)], [1240, 1754], 'rotation is about the page centre');
});

test('a long telegram becomes a two-page TIFF whose record spans both pages', async () => {
  const sample = await generateSample(spec({ seed: 'probe-long', sentences: { min: 26, max: 28 } }));
  assert.equal(sample.files[0].name, 'probe.tif');
  const meta = await sharp(sample.files[0].data).metadata();
  assert.equal(meta.pages, 2);
  assert.equal(meta.height, 3508);
  assert.deepEqual(
    sample.expected.pages.map((p) => p.pageId),
    ['probe-p1', 'probe-p2'],
  );
  assert.deepEqual(
    sample.files.slice(2).map((f) => f.name),
    ['probe-p1.gt.txt', 'probe-p2.gt.txt'],
  );
  const page2 = sample.expected.pages[1].lines.map((l) => l.text);
  assert.equal(page2[0], '- 2 -');
  assert.ok(page2.includes(`${sample.expected.fields.signature}.`), 'the signature is on the last page');
  // The body runs over the page break without the page number inside it.
  assert.doesNotMatch(String(sample.expected.fields.body), /- 2 -/);
  const second = await sharp(sample.files[0].data, { page: 1 }).greyscale().raw().toBuffer();
  assert.ok(
    second.some((v) => v < 100),
    'page 2 has ink',
  );
});

test('degradation presets draw parameters in their documented ranges and reject unknown names', () => {
  const rng = createRng('presets');
  for (let i = 0; i < 50; i++) {
    for (const preset of DEGRADATION_PRESETS) {
      const d = drawDegradation(preset, rng);
      assert.ok(Math.abs(d.skewDeg) <= 4);
      if (d.jpegQuality !== null) assert.ok(d.jpegQuality >= 40 && d.jpegQuality <= 90);
      if (preset === 'heavy') assert.ok(Math.abs(d.skewDeg) >= 1.5 && d.jpegQuality! <= 70 && d.paper !== null);
      if (preset === 'clean') assert.deepEqual([d.skewDeg, d.noiseSigma, d.blurSigma, d.jpegQuality, d.paper, d.speckles], [0, 0, 0, null, null, 0]);
    }
  }
  assert.throws(
    () => drawDegradation('sepia', rng),
    (e: unknown) => e instanceof CablescanError && /sepia/.test(e.message),
  );
});

test('evaluation sets cycle degradations and are reproducible from the seed', () => {
  const a = evaluationSpecs({ count: 9, seed: 's', profiles: ['soviet-cipher'], degradations: ['clean', 'mild', 'heavy'] });
  const b = evaluationSpecs({ count: 9, seed: 's', profiles: ['soviet-cipher'], degradations: ['clean', 'mild', 'heavy'] });
  assert.deepEqual(a, b);
  assert.deepEqual(a.map((s) => s.degradation).slice(0, 4), ['clean', 'mild', 'heavy', 'clean']);
  assert.equal(new Set(a.map((s) => s.name)).size, 9);
  assert.throws(() => evaluationSpecs({ count: 2, seed: 's', profiles: ['telex'], degradations: ['clean'] }), CablescanError);
  assert.throws(() => evaluationSpecs({ count: 0, seed: 's', profiles: ['soviet-cipher'], degradations: ['clean'] }), CablescanError);
});
