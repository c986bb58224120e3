// The review page: one HTML file, one stylesheet and vanilla JS modules (app.js and its views
// in js/), read once at start and served as they are (no build step, no framework). The page
// itself holds no data; everything comes from the token-protected /api.
import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';

const STATIC_DIR = new URL('./static/', import.meta.url);

const JS = 'text/javascript; charset=utf-8';
const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js': JS,
  'js/api.js': JS,
  'js/dom.js': JS,
  'js/fields.js': JS,
  'js/grouping.js': JS,
  'js/record.js': JS,
  'js/session.js': JS,
} as const;

// Only our own script and style; crops arrive as blob: URLs made from authenticated fetches.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

export const reviewUi: FastifyPluginAsync = async (app) => {
  const contents = new Map<string, Buffer>();
  for (const name of Object.keys(FILES)) contents.set(name, await readFile(new URL(name, STATIC_DIR)));

  const serve = (name: keyof typeof FILES) => async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply
      .headers(SECURITY_HEADERS)
      .header('content-type', FILES[name])
      // Revalidated every time: a new version of cablescan must never run with an old script.
      .header('cache-control', 'no-cache')
      .send(contents.get(name));

  app.get('/review', serve('index.html'));
  app.get('/review/', serve('index.html'));
  // Each file at its own route: nothing else under /review is read from disk.
  for (const name of Object.keys(FILES) as Array<keyof typeof FILES>) if (name !== 'index.html') app.get(`/review/${name}`, serve(name));
  // Browsers ask for it on every page; an empty answer keeps the console free of 404s.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).header('cache-control', 'max-age=86400').send());
};
