// Settling which pages belong together, in real headless Chromium. A folder of four
// sample pages (a one-page telegram, a telegram over two pages of one TIFF, another
// one-page telegram) is read by the real pipeline (`cablescan run`, native engine);
// its records are then built again from those readings with a grouping model that
// makes the shipped model's decisions but doubts every one (so each boundary is a
// task). A reviewer signs in, lands on the grouping tasks, and with one key per task
// merges two records (J), splits one (S) and merges again (J). The test checks the
// pages shown are large enough to read a heading, that the next task's pages were
// fetched before it was shown, and measures time-to-next-task (key press to the
// next task's pages on screen; reported, never asserted). Then `cablescan export`
// (JSON Lines and METS) and `cablescan review audit` show the new grouping, and a
// re-run of the batch keeps it.
//
// Set GROUPING_SCREENSHOT=docs/review-grouping.png to also save the screenshot the docs show.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { recordBuildSettings } from '../../src/records/build-settings.ts';
import { readPageJson } from '../../src/records/page-store.ts';
import { loadProfiles } from '../../src/segment/index.ts';
import { buildServer } from '../../src/server/app.ts';
import { buildRecords } from '../../src/pipeline/index.ts';
import { ReviewStore, type GroupingAuditEntry } from '../../src/store/index.ts';
import type { PageResult, TelegramRecord } from '../../src/types.ts';
import { REPO, runCli } from '../e2e/helpers.ts';
import { timidModel } from '../fixtures/regroup-box.ts';
import { tempDir } from '../fixtures/stores.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'anna-grouping-token-1';
const BATCH = 'grouping-batch';
const FILES: Array<[string, string]> = [
  ['cipher-01-clean.png', 'a-cipher-01.png'],
  ['cipher-07-two-pages.tif', 'b-cipher-07.tif'],
  ['cipher-03-clean.png', 'c-cipher-03.png'],
];
const PAGES = ['a-cipher-01', 'b-cipher-07-p1', 'b-cipher-07-p2', 'c-cipher-03'];
/** The key for each boundary (the page after it): J joins, S starts a new document. */
const KEYS: Record<string, 'j' | 's'> = { 'b-cipher-07-p1': 'j', 'b-cipher-07-p2': 's', 'c-cipher-03': 'j' };
const RUN = ['run', 'scans', '--out', 'out', '--batch', BATCH, '--engine', 'tesseract', '--no-progress', '--log-level', 'warn'];

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

let work: { dir: string; cleanup: () => void };
let out: string;
let store: ReviewStore;
let app: FastifyInstance;
let baseUrl: string;
let context: BrowserContext;
let page: Page;

before(async () => {
  if (skip) return;
  work = tempDir('cablescan-grouping-browser-');
  out = path.join(work.dir, 'out');
  mkdirSync(path.join(work.dir, 'scans'));
  for (const [from, to] of FILES) copyFileSync(path.join(REPO, 'samples', from), path.join(work.dir, 'scans', to));
  const run = await runCli(RUN, { cwd: work.dir });
  assert.equal(run.code, 0, run.stderr);

  // The same readings, grouped again by a model that doubts every boundary.
  store = await ReviewStore.open(path.join(out, 'cablescan.db'));
  const config = loadConfig({ env: {}, flags: { tokens: { reviewers: [`anna:${TOKEN}`] } } });
  const pages: PageResult[] = [];
  for (const id of PAGES) pages.push((await readPageJson(out, id))!);
  const doubted = await buildRecords(pages, {
    config,
    logger: silentLogger(),

    profiles: loadProfiles({}),
    outDir: out,
    store: store.recordSink({ batch: BATCH, cwd: work.dir, outDir: out, build: recordBuildSettings(config, work.dir) }),
    groupingModel: timidModel(0.05),
  });
  assert.deepEqual(
    doubted.records.map((r) => r.source.pages),
    [['a-cipher-01'], ['b-cipher-07-p1', 'b-cipher-07-p2'], ['c-cipher-03']],
  );
  assert.ok(
    doubted.grouping.decisions.slice(1).every((d) => d.uncertain),
    'every boundary is in doubt',
  );

  app = await buildServer({ config, logger: silentLogger(), store });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  context = await chromium.launchPersistentContext(path.join(work.dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 800 },
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

interface Shown {
  page: string;
  previousPage: string;
  decision: string;
}

/** The task on screen once its two pages are drawn, or null when none is left. */
async function shownTask(): Promise<Shown | null> {
  await page.waitForFunction(() => document.getElementById('g-item')?.dataset.ready === 'true' || !document.getElementById('g-empty')?.hidden, undefined, {
    timeout: 180_000,
  });
  if (await page.locator('#g-empty').isVisible()) return null;
  return page.evaluate(() => {
    const d = document.getElementById('g-item')!.dataset;
    return { page: d.page!, previousPage: d.previousPage!, decision: d.decision! };
  });
}

test('a reviewer merges two records and splits one with the keyboard; export, audit and a re-run follow', { skip, timeout: 720_000 }, async () => {
  const imageRequests: string[] = [];
  page.on('request', (r) => {
    if (/\/api\/pages\/[0-9a-f]{64}\/image\.jpg$/.test(r.url())) imageRequests.push(new URL(r.url()).pathname);
  });
  await page.goto(`${baseUrl}/review`);
  await page.locator('#token').fill(TOKEN);
  await page.keyboard.press('Enter');
  // Doubtful grouping holds every field of its records: the review opens on it.
  await page.locator('#grouping').waitFor({ state: 'visible' });
  assert.match(page.url(), /#\/grouping$/);
  assert.equal(await page.locator('#grouping-count').textContent(), '3');

  const decided: string[] = [];
  for (let step = 0; step < 3; step++) {
    const task = await shownTask();
    assert.ok(task, `task ${step + 1} of 3 is shown`);
    assert.ok(KEYS[task.page], `an expected boundary: ${JSON.stringify(task)}`);
    assert.equal(PAGES[PAGES.indexOf(task.page) - 1], task.previousPage, 'the two pages either side of the boundary');

    // The pages are shown large enough to read a heading: the heading of the page after the
    // boundary (its first read line) is at least 10 CSS pixels tall on a 1280 px screen.
    const after = (await readPageJson(out, task.page))!;
    const heading = after.lines.find((l) => l.text.replace(/\s/g, '').length >= 3)!;
    const scale = Number(await page.locator('#g-next-frame').getAttribute('data-scale'));
    const headingPx = (heading.bbox[3] - heading.bbox[1]) * scale;
    assert.ok(headingPx >= 10, `the first line "${heading.text}" is ${headingPx.toFixed(1)} px tall`);
    const shownWidth = await page.locator('#g-next-img').evaluate((img: HTMLImageElement) => img.getBoundingClientRect().width);
    assert.ok(shownWidth >= 560, `the page after is ${shownWidth} px wide`);

    // The next task's pages were fetched before it is shown.
    const queue = (await (await fetch(`${baseUrl}/api/grouping/queue`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      items: Array<{ page: string; images: { previous: string; page: string } }>;
    };
    const index = queue.items.findIndex((t) => t.page === task.page);
    const next = queue.items[index + 1];
    if (next) {
      await page.waitForFunction(
        (urls) => urls.every((u) => performance.getEntriesByType('resource').some((e) => e.name.endsWith(u))),
        [next.images.previous, next.images.page],
      );
      for (const url of [next.images.previous, next.images.page]) assert.ok(imageRequests.includes(url), `${url} preloaded`);
    }

    if (step === 0 && process.env.GROUPING_SCREENSHOT) await page.screenshot({ path: path.resolve(REPO, process.env.GROUPING_SCREENSHOT) });
    // One key decides.
    await page.keyboard.press(KEYS[task.page]!);
    decided.push(task.page);
    await page.waitForFunction((p) => document.getElementById('g-item')?.dataset.page !== p || !document.getElementById('g-empty')?.hidden, task.page);
  }
  assert.deepEqual([...decided].sort(), Object.keys(KEYS).sort());
  assert.equal(await shownTask(), null);
  assert.equal(await page.locator('#g-empty-title').textContent(), 'No doubtful page boundaries');

  // Time-to-next-task: from each key press to the next task's pages on screen (the last: to "none left").
  const timings = await page.evaluate(() => performance.getEntriesByName('cablescan:time-to-next-task').map((e) => Math.round(e.duration)));
  assert.equal(timings.length, 3);
  process.stdout.write(`# time-to-next-task (ms, key press to next task shown): ${timings.join(', ')}\n`);

  // The records now: [01 + 07 p1], [07 p2 + 03], each confirmed by a person.
  const live = await Promise.all((await store.recordIds(BATCH)).map(async (id) => (await store.getRecord(id))!.record));
  assert.deepEqual(live.map((r) => r.source.pages).sort(), [
    ['a-cipher-01', 'b-cipher-07-p1'],
    ['b-cipher-07-p2', 'c-cipher-03'],
  ]);
  for (const r of live) assert.equal(r.grouping?.status, 'confirmed');

  // From a record's view, G lists every boundary of that record, decided or not.
  const second = live.find((r) => r.source.pages[0] === 'b-cipher-07-p2')!;
  await page.goto(`${baseUrl}/review#/record/${second.id}`);
  // (A continuation page joined to another telegram reads as no telegram at all: no field rows to wait for.)
  await page.waitForFunction((id) => document.getElementById('record-title')?.textContent === `Record ${id}`, second.id);
  await page.keyboard.press('g');
  // The hash changes in the same document, so the boundary view still says "none left" from before
  // until this record's boundaries arrive: wait for the view to be the record's.
  await page.waitForFunction(() => /· record /.test(document.getElementById('g-position')?.textContent ?? ''), undefined, { timeout: 180_000 });
  const own = await shownTask();
  assert.ok(own && ['b-cipher-07-p2', 'c-cipher-03'].includes(own.page), JSON.stringify(own));
  assert.match((await page.locator('#g-position').textContent()) ?? '', new RegExp(`^1 of 2 · record ${second.id.slice(0, 8)}$`));
  assert.match((await page.locator('#g-confidence').textContent()) ?? '', /^decided by anna$/);

  // The export follows: JSON Lines and METS, two records with those pages.
  const jsonl = await runCli(['export', 'reviewed.jsonl', '--out', 'out', '--batch', BATCH], { cwd: work.dir });
  assert.equal(jsonl.code, 0, jsonl.stderr);
  const exported = readFileSync(path.join(work.dir, 'reviewed.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TelegramRecord);
  assert.deepEqual(exported.map((r) => r.source.pages).sort(), [
    ['a-cipher-01', 'b-cipher-07-p1'],
    ['b-cipher-07-p2', 'c-cipher-03'],
  ]);
  const mets = await runCli(['export', 'archive', '--format', 'mets', '--out', 'out', '--batch', BATCH], { cwd: work.dir });
  assert.equal(mets.code, 0, mets.stderr);
  assert.deepEqual(readdirSync(path.join(work.dir, 'archive', 'mets')).sort(), live.map((r) => `${r.id}.mets.xml`).sort());
  for (const r of live) {
    const xml = readFileSync(path.join(work.dir, 'archive', 'mets', `${r.id}.mets.xml`), 'utf8');
    for (const p of PAGES) assert.equal(xml.includes(`alto/${p}.xml`), r.source.pages.includes(p), `${r.id} METS and ${p}`);
  }

  // The audit trail: who, when, before, after, replacedBy, for each of the three decisions.
  const audit = await runCli(['review', 'audit', '--out', 'out', '--kind', 'grouping', '--json'], { cwd: work.dir });
  assert.equal(audit.code, 0, audit.stderr);
  const trail = (JSON.parse(audit.stdout) as GroupingAuditEntry[]).reverse();
  assert.deepEqual(
    trail.map((e) => [e.action, e.reviewer, e.page]),
    decided.map((p) => [KEYS[p] === 's' ? 'split' : 'merge', 'anna', p]),
  );
  for (const e of trail) {
    assert.ok(e.at && e.before.length > 0 && e.after.length > 0);
    for (const old of e.before.filter((r) => !e.after.some((a) => a.id === r.id))) assert.ok(e.replacedBy[old.id]?.length, `${old.id} replaced`);
  }
  const text = await runCli(['review', 'audit', '--out', 'out'], { cwd: work.dir });
  // Whatever the order: the split took pages 07 p1 and p2 apart.
  assert.match(
    text.stdout,
    /anna {2}split +at b-cipher-07-p2 {2}\S+\[[^\]]*b-cipher-07-p1,b-cipher-07-p2\] -> \S+\[[^\]]*b-cipher-07-p1\] \+ \S+\[b-cipher-07-p2[^\]]*\]/,
  );
  assert.equal(text.stdout.trim().split('\n').length, 3);

  // A re-run of the same batch (pages resumed, the shipped model) keeps the reviewer's grouping.
  const rerun = await runCli(RUN, { cwd: work.dir });
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual((await store.recordIds(BATCH)).sort(), live.map((r) => r.id).sort());
  assert.deepEqual(readdirSync(path.join(out, 'records')).sort(), live.map((r) => `${r.id}.json`).sort());
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as { documents: Array<{ telegrams: Array<{ pages: string[] }> }> };
  assert.deepEqual(
    report.documents[0]!.telegrams.map((t) => t.pages),
    [
      ['a-cipher-01', 'b-cipher-07-p1'],
      ['b-cipher-07-p2', 'c-cipher-03'],
    ],
  );
});
