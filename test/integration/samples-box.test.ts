// The box generator and the layouts of documents that are not telegrams: a box is a
// pure function of its seed, its truth matches its files, catchwords are the next
// page's first word, letters and reports carry no telegram field, and a despatch's
// received stamp is never dated as the despatch. Rendering is CPU: the rendered box
// is small (6 pages); the properties that need many documents are checked on plans
// (layout and truth without pixels), which are what the pages are drawn from.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { generateBox, planBox, parseMix, type BoxTruth } from '../../src/samples/box.ts';
import { generateSample } from '../../src/samples/generate.ts';
import { DOCUMENT_LAYOUTS, layoutByProfile } from '../../src/samples/layouts/index.ts';
import { createRng } from '../../src/samples/random.ts';
import { justify, letterSpace } from '../../src/samples/layouts/report.ts';
import type { PlacedLine } from '../../src/samples/typeset.ts';
import { CablescanError } from '../../src/errors.ts';

const HEADER_ROLES = new Set(['pageMark', 'continuationHeading', 'catchword', 'footMark']);
const firstWord = (lines: readonly { text: string; role?: string }[]): string | undefined =>
  lines
    .find((l) => !HEADER_ROLES.has(l.role ?? ''))
    ?.text.trim()
    .split(/\s+/)[0];

/** Fields a telegram record has that no letter or report may carry. */
const TELEGRAM_ONLY = [
  'docType',
  'number',
  'from',
  'copies',
  'time',
  'addressee',
  'outgoingNumber',
  'dispatch',
  'archiveRef',
  'fileReference',
  'precedence',
  'body',
];
const KIND_FIELDS: Record<string, string[]> = {
  letter: ['date', 'place', 'to', 'signature'],
  report: [],
  despatch: ['number', 'from', 'place', 'date', 'classification', 'subject', 'to', 'body', 'signature'],
};

test('a small box is the same bytes for the same seed, and its truth matches its files', async () => {
  const dirA = mkdtempSync(path.join(os.tmpdir(), 'cablescan-box-a-'));
  const dirB = mkdtempSync(path.join(os.tmpdir(), 'cablescan-box-b-'));
  try {
    // This seed gives a despatch with a catchword, telegrams, a letter and two blank backs in 7 pages.
    const options = { pages: 7, seed: 'unit-box-2', degradations: ['clean', 'mild'], mix: { telegram: 0.5, letter: 0.3, despatch: 0.2 }, blankRate: 0.25 };
    const truth = await generateBox(dirA, options);
    await generateBox(dirB, options);
    const files = readdirSync(dirA).sort();
    assert.deepEqual(readdirSync(dirB).sort(), files);
    for (const file of files) assert.ok(readFileSync(path.join(dirA, file)).equals(readFileSync(path.join(dirB, file))), `${file} differs between two runs`);

    const onDisk = JSON.parse(readFileSync(path.join(dirA, 'box.json'), 'utf8')) as BoxTruth;
    assert.deepEqual(onDisk, JSON.parse(JSON.stringify(truth)));
    assert.equal(truth.pages.length, 7);
    assert.deepEqual(
      truth.pages.map((p) => p.pageId),
      ['0001', '0002', '0003', '0004', '0005', '0006', '0007'],
    );
    assert.deepEqual(new Set(truth.documents.map((d) => d.kind)), new Set(['telegram', 'letter', 'despatch']));
    const backs = truth.pages.filter((p) => p.back);
    assert.ok(backs.length >= 1 && backs.every((p) => p.lines.length === 0 && p.pageInDocument > 1), 'blank backs belong to the document before');
    // The documents' pages are the box's pages, in order, each once.
    assert.deepEqual(
      truth.documents.flatMap((d) => d.pages),
      truth.pages.map((p) => p.pageId),
    );
    assert.ok(new Set(truth.documents.map((d) => d.degradation)).size === 2, 'both degradations are used');
    for (const doc of truth.documents) {
      doc.pages.forEach((pageId, i) => {
        const page = truth.pages.find((p) => p.pageId === pageId)!;
        assert.equal(page.document, doc.id);
        assert.equal(page.pageInDocument, i + 1);
      });
    }
    for (const page of truth.pages) {
      const image = readFileSync(path.join(dirA, page.file));
      const meta = await sharp(image).metadata();
      assert.equal(meta.width, page.width);
      assert.equal(meta.height, page.height);
      assert.equal(meta.format, page.file.endsWith('.png') ? 'png' : 'jpeg');
      assert.equal(page.degradation.jpegQuality === null, page.file.endsWith('.png'));
      const gt = readFileSync(path.join(dirA, page.groundTruth), 'utf8');
      assert.equal(gt, page.lines.length ? `${page.lines.map((l) => l.text).join('\n')}\n` : '');
      if (page.back) continue;
      assert.ok(page.lines.length > 3, `${page.pageId} has text`);
      // Every line's box holds ink: its darkest pixel is far darker than paper.
      const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
      for (const line of page.lines) {
        const [x0, y0, x1, y1] = line.bbox;
        assert.ok(x0 >= 0 && y0 >= 0 && x1 <= page.width && y1 <= page.height && x1 > x0 && y1 > y0, `${page.pageId}: box of "${line.text}"`);
        let darkest = 255;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) darkest = Math.min(darkest, data[y * info.width + x]);
        assert.ok(darkest < 120, `${page.pageId}: no ink in the box of "${line.text}" (darkest ${darkest})`);
      }
    }
    // Catchwords in the rendered truth are the next page's first word.
    let catchwords = 0;
    for (const doc of truth.documents) {
      for (let i = 0; i + 1 < doc.pages.length; i++) {
        const page = truth.pages.find((p) => p.pageId === doc.pages[i])!;
        const next = truth.pages.find((p) => p.pageId === doc.pages[i + 1])!;
        const catchword = page.lines.find((l) => l.role === 'catchword');
        if (catchword && !next.back) {
          catchwords++;
          assert.equal(catchword.text, firstWord(next.lines));
        }
      }
    }
    assert.ok(catchwords >= 1, 'the box has a catchword');
    for (const doc of truth.documents) {
      if (doc.kind !== 'telegram')
        for (const key of TELEGRAM_ONLY.filter((k) => doc.kind !== 'despatch' || !KIND_FIELDS.despatch.includes(k)))
          assert.ok(!(key in doc.fields), `${doc.id} (${doc.kind}) has ${key}`);
    }
  } finally {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  }
});

test("a planned box of 300 pages has every kind, profile and degradation, catchwords that are the next page's first word", () => {
  const plan = planBox({ pages: 300, seed: 'unit-box-plan', degradations: ['clean', 'mild', 'heavy'], blankRate: 0.02 });
  const pages = plan.reduce((n, d) => n + d.plan.composition.pages.length + (d.blankBack ? 1 : 0), 0);
  assert.equal(pages, 300);
  const telegramPages = plan.filter((d) => d.kind === 'telegram').reduce((n, d) => n + d.plan.composition.pages.length, 0);
  assert.ok(telegramPages / 300 <= 0.9, `at least 10% of pages are not telegrams (telegrams: ${telegramPages})`);
  assert.deepEqual(new Set(plan.map((d) => d.kind)), new Set(['telegram', 'despatch', 'letter', 'report']));
  assert.deepEqual(
    new Set(plan.filter((d) => d.kind === 'telegram').map((d) => d.profile)),
    new Set(['soviet-cipher', 'soviet-coded', 'us-state', 'dfat-cable', 'generic']),
  );
  assert.deepEqual(new Set(plan.map((d) => d.preset)), new Set(['clean', 'mild', 'heavy']));
  for (const kind of ['telegram', 'despatch', 'letter', 'report']) {
    const lengths = new Set(plan.filter((d) => d.kind === kind).map((d) => d.plan.composition.pages.length));
    assert.ok(
      [...lengths].every((n) => n >= (kind === 'report' ? 2 : 1) && n <= (kind === 'telegram' ? 3 : 4)),
      `${kind} lengths ${[...lengths]}`,
    );
    assert.ok(lengths.size >= 2, `${kind} documents of several lengths`);
  }
  let catchwords = 0;
  let runOn = 0;
  let footMarks = 0;
  let breaks = 0;
  const marks = new Set<string>();
  for (const doc of plan) {
    const { pages: composed, breaks: docBreaks } = doc.plan.composition;
    for (let i = 0; i + 1 < composed.length; i++) {
      breaks++;
      const catchword = composed[i].lines.filter((l: PlacedLine) => l.role === 'catchword');
      assert.ok(catchword.length <= 1);
      if (catchword.length) {
        catchwords++;
        assert.equal(catchword[0].text, firstWord(composed[i + 1].lines), `${doc.id}: catchword of page ${i + 1}`);
        assert.equal(docBreaks[i].catchword, catchword[0].text);
      }
      if (docBreaks[i].runsOn) runOn++;
      const foot = composed[i].lines.filter((l: PlacedLine) => l.role === 'footMark');
      if (foot.length) {
        footMarks++;
        assert.equal(catchword.length, 0, 'a foot mark stands where there is no catchword');
        assert.ok(['./.', 'P.T.O.', '/over', '- over -'].includes(foot[0].text));
      }
      const mark = composed[i + 1].lines.find((l: PlacedLine) => l.role === 'pageMark');
      if (mark) marks.add(mark.text.replace(/\d+/g, 'N').replace(/#N$/, '#n'));
    }
  }
  assert.ok(catchwords >= 5 && catchwords < breaks, `some breaks have catchwords, not all (${catchwords}/${breaks})`);
  assert.ok(runOn >= 5, `sentences run across breaks (${runOn}/${breaks})`);
  assert.ok(footMarks >= 1, 'a "./." or "P.T.O." at the foot of a page');
  for (const style of ['- N -', '-N-', 'N.', 'Page N']) assert.ok(marks.has(style), `page mark style ${style} in ${[...marks]}`);
  assert.ok(
    plan.some((d) => d.kind === 'telegram' && d.plan.composition.pages.slice(1).some((p) => p.lines.some((l: PlacedLine) => l.role === 'continuationHeading'))),
    'a continuation heading',
  );
  assert.ok(
    plan.some((d) => d.blankBack),
    'a blank back page',
  );
});

test('a box plan is a function of its seed; bad options are usage errors', () => {
  const summary = (seed: string): string =>
    JSON.stringify(planBox({ pages: 40, seed, degradations: ['clean', 'heavy'] }).map((d) => [d.kind, d.profile, d.preset, d.plan.fields]));
  assert.equal(summary('s-1'), summary('s-1'));
  assert.notEqual(summary('s-1'), summary('s-2'));
  assert.throws(() => planBox({ pages: 0, seed: 'x', degradations: ['clean'] }), CablescanError);
  assert.throws(() => planBox({ pages: 5, seed: 'x', degradations: ['foggy'] }), /unknown degradation "foggy"/);
  assert.throws(() => planBox({ pages: 5, seed: 'x', degradations: ['clean'], mix: parseMix('telegram=1,memo=2') }), /unknown kind "memo"/);
  assert.throws(() => parseMix('telegram'), /expected kind=share/);
  const lettersOnly = planBox({ pages: 12, seed: 'x', degradations: ['clean'], mix: { letter: 1 } });
  assert.ok(lettersOnly.every((d) => d.kind === 'letter'));
});

test("letters and reports carry no telegram field; despatch fields follow DESIGN.md's normal forms", () => {
  for (const [profile, layout] of Object.entries(DOCUMENT_LAYOUTS)) {
    const rng = createRng(`fields-${profile}`);
    for (let n = 0; n < 60; n++) {
      const doc = layout.invent(rng, { minSentences: 3, maxSentences: 12 });
      const fields = layout.expectedFields(doc);
      const allowed = KIND_FIELDS[layout.kind];
      for (const key of Object.keys(fields)) assert.ok(allowed.includes(key), `${profile} emits ${key}`);
      if (layout.kind !== 'despatch') for (const key of TELEGRAM_ONLY) assert.ok(!(key in fields), `${profile} has telegram field ${key}`);
      const typed = layout.typeset(doc, 60);
      for (const line of typed) assert.ok((line.indent ?? 0) + line.text.length <= 60 || line.face, `${profile}: "${line.text}" fits the line`);
      const page = typed.map((l) => l.read ?? l.text.replace(/ {2,}/g, ' ')).join('\n');
      if ('date' in fields) assert.equal(new Date(`${fields.date}T00:00:00Z`).toISOString().slice(0, 10), fields.date);
      if ('signature' in fields) {
        assert.doesNotMatch(String(fields.signature), /[.,]$/);
        assert.ok(
          typed.some((l) => l.role === 'signature' && l.text.startsWith(String(fields.signature))),
          `${profile}: signature line`,
        );
      }
      if ('to' in fields) assert.doesNotMatch(String(fields.to), /[,.]$|^To/);
      if ('place' in fields) assert.match(String(fields.place), /^[A-Z][a-z]/);
      if (layout.kind === 'despatch') {
        assert.match(String(fields.number), /^\d+$/);
        assert.equal(fields.to, 'The Secretary of State');
        assert.match(String(fields.from), /^[A-Z ]+$/);
        assert.match(String(fields.subject), /\.$/);
        // The subject as typed, lines joined by one space (it may run over two lines).
        const at = typed.findIndex((l) => /^(Subject|SUBJECT):/.test(l.text));
        const parts = [typed[at].text.replace(/^(Subject|SUBJECT):\s+/, '')];
        for (let k = at + 1; typed[k]?.text && (typed[k].indent ?? 0) > (typed[at].indent ?? 0); k++) parts.push(typed[k].text);
        assert.ok(parts.length <= 2, `subject over ${parts.length} lines`);
        assert.equal(parts.join(' '), fields.subject);
        assert.ok(page.includes(`No. ${fields.number}`));
        const about = layout.about!(doc);
        assert.ok(String(about.receivedDate) > String(fields.date), 'received after it was written');
        if (about.officeDate) assert.ok(String(about.officeDate) > String(about.receivedDate));
      }
    }
  }
  assert.equal(letterSpace('Jewish Survivors'), 'J e w i s h   S u r v i v o r s');
  const justified = justify(
    [
      { text: 'a bb ccc', align: 'left' },
      { text: 'last line', align: 'left' },
    ],
    12,
  );
  assert.deepEqual(
    justified.map((l) => l.text),
    ['a   bb   ccc', 'last line'],
  );
});

test('a despatch sample is a despatch: its record, its stamps dated after it, a two-line subject read whole', async () => {
  const sample = await generateSample({
    name: 'probe-despatch',
    profile: 'us-despatch',
    seed: 'unit-despatch-3',
    font: 'courier-prime',
    degradation: 'clean',
    sentences: { min: 1, max: 2 },
  });
  const expected = sample.expected;
  assert.equal(expected.kind, 'despatch');
  assert.equal(expected.profile, 'us-despatch');
  assert.equal(expected.pages.length, 1);
  assert.equal(expected.file, 'probe-despatch.png');
  const stamps = expected.pages[0].marks!.filter((m) => m.date);
  assert.ok(stamps.length >= 1, 'a dated stamp on the header');
  for (const stamp of stamps) assert.notEqual(stamp.date, expected.fields.date);
  assert.ok(expected.text.includes(String(expected.fields.signature)));
  assert.ok(!expected.text.includes(String(expected.about!.receivedDate)), 'stamps are not in the line truth');
  assert.equal(layoutByProfile('us-despatch').kind, 'despatch');
});
