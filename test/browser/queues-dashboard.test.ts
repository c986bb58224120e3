// The queue dashboard in real headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core; no browser is ever downloaded). A page job fails
// on a real BullMQ queue (private prefix on the shared Redis, removed after);
// the read-only board at /queues (after signing in with a reader's token) shows
// both cablescan queues and, on the failed tab of the pages queue, that job's
// reason, with no way to change anything, under the board's CSP; an operator
// who signs in gets the writable board with a Retry button.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { bullPrefix, PAGE_QUEUE } from '../../queues/names.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/server/app.ts';
import { randomPrefix, redisAnswers, removePrefix, SHARED_REDIS_URL, waitFor } from '../integration/queue-harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OPERATOR = 'operator-browser-token';
const READER = 'reader-browser-token';
const REASON = 'CS_ERR_INPUT_CORRUPT: box7/0042.tif: cannot be decoded (truncated TIFF strip)';
const available = await redisAnswers();
const skip = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`
  : available
    ? false
    : `Redis does not answer at ${SHARED_REDIS_URL}`;

const queuePrefix = randomPrefix();
let app: FastifyInstance;
let baseUrl: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;

before(async () => {
  if (skip) return;
  const prefix = bullPrefix(queuePrefix);
  const connection = { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null };
  const queue = new Queue(PAGE_QUEUE, { connection, prefix });
  await queue.add('page', { batch: 'browser', source: { file: 'box7/0042.tif', pageId: 'box7__0042' } }, { jobId: 'page-browser-0042' });
  await queue.add('page', { batch: 'browser', source: { file: 'box7/0043.tif', pageId: 'box7__0043' } }, { jobId: 'page-browser-0043' });
  const worker = new Worker(
    PAGE_QUEUE,
    async (job) => {
      if (job.id === 'page-browser-0042') throw new UnrecoverableError(REASON);
      return { pageId: 'box7__0043' };
    },
    { connection, prefix },
  );
  await waitFor(
    'one failed and one completed page',
    async () => {
      const counts = await queue.getJobCounts('failed', 'completed');
      return counts.failed === 1 && counts.completed === 1;
    },
    120_000,
    100,
  );
  await worker.close();
  await queue.close();

  const config = loadConfig({
    env: {},
    flags: { redisUrl: SHARED_REDIS_URL, queuePrefix, tokens: { reviewers: [], readers: [`grafana:${READER}`], operator: OPERATOR } },
  });
  app = await buildServer({ config, logger: silentLogger() });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  profileDir = await mkdtemp(path.join(os.tmpdir(), 'cablescan-queues-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
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
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  await removePrefix(SHARED_REDIS_URL, queuePrefix);
});

test('the read-only board lists the cablescan queues and shows a failed job with its reason', { skip, timeout: 270_000 }, async () => {
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
  });
  await page.goto(`${baseUrl}/queues`);
  // The board shows scan paths and hosts: a browser without a session is sent to sign in.
  await page.locator('input[name="token"]').waitFor({ timeout: 90_000 });
  assert.match(page.url(), /\/operator\/login$/);
  await page.fill('input[name="token"]', READER);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('cablescan queues (read-only)').first().waitFor({ timeout: 90_000 });
  // Both queues appear in the board's menu.
  for (const name of ['pages', 'documents']) await page.locator(`a[href$="/queues/queue/${name}"]`).first().waitFor({ timeout: 90_000 });

  await page.goto(`${baseUrl}/queues/queue/pages?status=failed`);
  await page.getByText(REASON).first().waitFor({ timeout: 90_000 });
  const body = (await page.textContent('body')) ?? '';
  assert.ok(body.includes(REASON), 'the failed reason is on the page');
  assert.ok(body.includes('page-browser-0042'), 'the failed job id is on the page');
  // Read-only: no retry button for the failed job.
  assert.equal(await page.getByRole('button', { name: /^retry/i }).count(), 0);
  // The board runs under its CSP: only the blocked web font may be refused, no script or style of its own.
  assert.deepEqual(
    refused.filter((m) => !/fonts\.googleapis/.test(m)),
    [],
  );
  if (process.env.QUEUES_SCREENSHOT) await page.screenshot({ path: process.env.QUEUES_SCREENSHOT, fullPage: true });
});

test('an operator signs in with the token and gets the writable board with a Retry button', { skip, timeout: 270_000 }, async () => {
  await page.goto(`${baseUrl}/operator/queues/queue/pages?status=failed`);
  // Signed in as a reader only: sent to the sign-in form.
  await page.locator('input[name="token"]').waitFor({ timeout: 90_000 });
  assert.match(page.url(), /\/operator\/login$/);
  await page.fill('input[name="token"]', OPERATOR);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('cablescan queues (operator)').first().waitFor({ timeout: 90_000 });
  await page.goto(`${baseUrl}/operator/queues/queue/pages?status=failed`);
  await page.getByText(REASON).first().waitFor({ timeout: 90_000 });
  // The job's buttons may render a moment after its reason: wait for one rather than count once.
  await page
    .getByRole('button', { name: /^retry/i })
    .first()
    .waitFor({ timeout: 90_000 });
  assert.ok((await page.getByRole('button', { name: /^retry/i }).count()) > 0, 'the operator board offers Retry');
});
