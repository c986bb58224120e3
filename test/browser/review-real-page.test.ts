// The review UI on a real corpus page, in real headless Chromium: a 1939 despatch (EHRI
// dataset, 300 dpi, 2480 px wide) read by the real pipeline. Its body covers most of the
// page: the crop must come back whole (it answered 500 before), beside a multi-line editor;
// the reviewer edits it over two lines and saves; the record view must be readable at
// 1280 px, with labels that do not print over each other and paths inside the batch.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server/app.ts';
import { ReviewStore } from '../../src/store/index.ts';
import type { TelegramRecord } from '../../src/types.ts';
import { runCli, sharedPath } from '../e2e/helpers.ts';
import { tempDir } from '../fixtures/stores.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'real-page-review-token';
const NAME = 'EHRI-DR-19390125-US_01.jpg';
const SCAN = sharedPath('corpus', 'scans', 'ehri-dataset', 'english', NAME);

const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
  : !existsSync(SCAN)
    ? `no corpus page at ${SCAN} (the shared corpus beside the repository)`
    : false;

let work: { dir: string; cleanup: () => void };
let store: ReviewStore;
let app: FastifyInstance;
let baseUrl: string;
let context: BrowserContext;
let page: Page;

before(async () => {
  if (skip) return;
  work = tempDir('cablescan-review-real-');
  mkdirSync(path.join(work.dir, 'box7'));
  copyFileSync(SCAN, path.join(work.dir, 'box7', NAME));
  const run = await runCli(['run', 'box7', '--out', 'out', '--batch', 'real-page', '--no-progress', '--log-level', 'warn'], { cwd: work.dir });
  assert.equal(run.code, 0, run.stderr);
  store = await ReviewStore.open(path.join(work.dir, 'out', 'cablescan.db'));
  const config = loadConfig({ env: {}, flags: { tokens: { reviewers: [`vera:${TOKEN}`] } } });
  app = await buildServer({ config, logger: silentLogger(), store });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  context = await chromium.launchPersistentContext(path.join(work.dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
});

after(async () => {
  if (skip) return;
  await context?.close();
  await app?.close();
  await store?.close();
  work?.cleanup();
});

test("a real page's body: the crop is shown beside a multi-line editor, and an edit over two lines is saved", { skip, timeout: 540_000 }, async () => {
  const crops: Array<{ url: string; status: number }> = [];
  page.on('response', (r) => {
    if (r.url().includes('/crop.png')) crops.push({ url: new URL(r.url()).pathname, status: r.status() });
  });
  await page.goto(`${baseUrl}/review`);
  await page.locator('#token').fill(TOKEN);
  await page.keyboard.press('Enter');
  await page.locator('#item').waitFor({ state: 'visible' });

  // Move to the body (the despatch's other fields may be in the queue before it).
  const queue = (await (await fetch(`${baseUrl}/api/queue`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
    items: Array<{ id: number; name: string; value: string; recordId: string; bbox: number[] | null }>;
  };
  const at = queue.items.findIndex((i) => i.name === 'body');
  assert.ok(at >= 0, `the body is in the queue: ${queue.items.map((i) => i.name).join(', ')}`);
  const body = queue.items[at]!;
  assert.ok(body.bbox && body.bbox[3] - body.bbox[1] > 900, `the body is a tall region: ${body.bbox}`);
  for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
  // The page shows the item once it has loaded it: wait for that, not for the key presses (a race under load).
  await page.waitForFunction(() => document.getElementById('item-field')?.textContent === 'body', undefined, { timeout: 90_000 }).catch(() => undefined);
  assert.equal(await page.locator('#item-field').textContent(), 'body');

  // The crop arrives (whole, scaled to fit) and the editor is the multi-line one, beside it.
  await page.waitForFunction(() => (document.getElementById('crop') as HTMLImageElement).naturalWidth > 0, undefined, { timeout: 90_000 });
  assert.deepEqual(
    crops.filter((c) => c.url === `/api/fields/${body.id}/crop.png`).map((c) => c.status),
    [200],
  );
  const natural = await page.locator('#crop').evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
  // The whole body region, scaled to fit, its shape kept (the crop adds the same margin on every side).
  const [x0, y0, x1, y1] = body.bbox!;
  const aspect = (x1 - x0) / (y1 - y0);
  assert.ok(natural.w <= 1600 && natural.h <= 2400, `scaled to fit: ${natural.w}x${natural.h}`);
  assert.ok(Math.abs(natural.w / natural.h - aspect) / aspect < 0.15, `the whole body: ${natural.w}x${natural.h} for a region of ${x1 - x0}x${y1 - y0}`);
  assert.ok(await page.locator('#value-long').isVisible());
  assert.ok(!(await page.locator('#value').isVisible()));
  const crop = (await page.locator('#crop-frame').boundingBox())!;
  const editor = (await page.locator('#value-long').boundingBox())!;
  assert.ok(editor.x > crop.x + crop.width - 1, `the editor is beside the page (crop ${crop.x}+${crop.width}, editor at ${editor.x})`);
  assert.equal(await page.locator('#value-long').inputValue(), body.value);
  if (process.env.REVIEW_BODY_SCREENSHOT) await page.screenshot({ path: process.env.REVIEW_BODY_SCREENSHOT });

  // In the text, the arrows move the caret, not the queue.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.locator('#item-field').textContent(), 'body');

  // The reviewer deletes a speck the OCR read inside the text (`dated :% October 6`) and adds a
  // closing line after a line break; the line break is kept while editing and saved as a space.
  const dust = /\s[^\p{L}\p{N}\s("'.,;]{1,3}(?=\s)/u.exec(body.value);
  assert.ok(dust, `the OCR read a speck inside the body: ${body.value.slice(0, 120)}`);
  await page
    .locator('#value-long')
    .evaluate((ta: HTMLTextAreaElement, [from, to]: [number, number]) => ta.setSelectionRange(from, to), [dust.index, dust.index + dust[0].length] as [
      number,
      number,
    ]);
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('(checked against the scan)');
  const typed = await page.locator('#value-long').inputValue();
  assert.ok(typed.includes('\n(checked against the scan)'), 'the line break is in the editor');
  assert.equal(await page.locator('#item-field').textContent(), 'body', 'Shift+Enter did not save');
  await page.keyboard.press('Enter');
  await page.locator('#message.ok').waitFor();
  // The message starts with the value as read, whatever characters the OCR put in it (`PUES A 17s?` natively).
  assert.ok(((await page.locator('#message').textContent()) ?? '').startsWith(`body corrected: ${body.value.slice(0, 12)}`));

  const expected = `${body.value.slice(0, dust.index)}${body.value.slice(dust.index + dust[0].length)}\n(checked against the scan)`
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  const saved = (await (await fetch(`${baseUrl}/api/fields/${body.id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
    value: string;
    status: string;
    reviewedBy: string;
  };
  assert.deepEqual([saved.value, saved.status, saved.reviewedBy], [expected, 'corrected', 'vera']);

  // The export carries it.
  const exported = await runCli(['export', 'reviewed.jsonl', '--out', 'out'], { cwd: work.dir });
  assert.equal(exported.code, 0, exported.stderr);
  const record = readFileSync(path.join(work.dir, 'reviewed.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TelegramRecord)
    .find((r) => r.id === body.recordId)!;
  assert.deepEqual([record.fields.body!.value, record.fields.body!.status], [expected, 'corrected']);
});

test('the record view of a real page reads at 1280 px: no horizontal scrolling, labels apart, the file named inside its batch', {
  skip,
  timeout: 360_000,
}, async () => {
  const recordId = (await store.recordIds('real-page'))[0]!;
  await page.goto(`${baseUrl}/review#/record/${recordId}`);
  await page.locator('#record .page svg rect').first().waitFor();
  await page.waitForFunction(() => (document.querySelector('#record .page img') as HTMLImageElement | null)?.naturalWidth);
  if (process.env.REVIEW_RECORD_SCREENSHOT) await page.screenshot({ path: process.env.REVIEW_RECORD_SCREENSHOT, fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 1280, `the page fits the window (${width} px)`);
  assert.equal(await page.locator('#record figcaption').first().textContent(), NAME);
  assert.match((await page.locator('#record-meta').textContent()) ?? '', new RegExp(`· ${NAME.replace('.', '\\.')} ·`));
  assert.doesNotMatch((await page.locator('#record-meta').textContent()) ?? '', /box7\/|\.\.\//, 'no path as the run was given it');

  // Labels drawn on the page do not overlap one another.
  const labels = await page
    .locator('#record text.box-label')
    .evaluateAll((nodes) => nodes.map((n) => (n as SVGTextElement).getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]));
  assert.ok(labels.length >= 3, `${labels.length} labels`);
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const [a, b] = [labels[i]!, labels[j]!];
      assert.ok(a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1], `labels ${i} and ${j} overlap: ${a} / ${b}`);
    }
  }
  // Two fields side by side on one line (a FRUS heading's "from" and a signature beside it)
  // get labels apart: the page's own placement code, run in the page.
  const placed = await page.evaluate(async () => {
    // The review page's scripts are ES modules: the placement code is imported, not a global.
    const { placeLabels } = (await import('/review/js/record.js' as string)) as {
      placeLabels: (b: Array<{ name: string; bbox: number[] }>, size: number) => Array<{ x: number; y: number }>;
    };
    return placeLabels(
      [
        { name: 'from', bbox: [100, 400, 300, 440] },
        { name: 'signature', bbox: [140, 400, 600, 440] },
        { name: 'date', bbox: [120, 402, 500, 438] },
      ],
      40,
    );
  });
  const rect = (p: { x: number; y: number }, name: string) => [p.x, p.y - 46, p.x + name.length * 40 * 0.62 + 16, p.y];
  const boxes = [rect(placed[0]!, 'from'), rect(placed[1]!, 'signature'), rect(placed[2]!, 'date')];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      assert.ok(a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1], `placed labels ${i} and ${j} overlap`);
    }
  }
});
