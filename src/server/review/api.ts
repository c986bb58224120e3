// The review API (fastify plugin, mounted under /api): the queue of doubtful
// fields, crops, the write that records a decision, records, progress and the
// audit trail. Every route needs a reviewer token; URLs carry ids only (a field
// id, a record id, a page position), never a path; inputs are checked by the
// route schemas before a handler runs.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { doubtfulBoundaries, recordBoundaries, type BoundaryTask, type Regrouper, type RegroupOutcome } from '../../regroup/index.ts';
import type { Profile } from '../../segment/index.ts';
import type { FieldFilter, ReviewStore, StoredField, StoredPage } from '../../store/index.ts';
import { reviewerOf as principalReviewer, type Access } from '../access.ts';
import { sendError } from '../errors.ts';
import { expectedZone, zoneOf, type ZoneKind } from './expected-zone.ts';
import { PageUnavailableError, RENDER_VERSION, type PageImages, type RenderedImage } from './page-images.ts';

export interface ReviewApiOptions {
  store: ReviewStore;
  images: PageImages;
  /** Who may call: reviewer tokens (bearer only: no cookie, so nothing for another site to ride on). */
  access: Access;
  /** Telegram profiles, for where a field that was not found would be printed. */
  profiles?: readonly Profile[];
  /** Splits, merges and grouping confirmations (without it those routes answer 503). */
  regrouper?: Regrouper;
}

const NAME = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' } as const;
const BATCH = { type: 'string', minLength: 1, maxLength: 200 } as const;
const FILTER_PROPERTIES = { batch: BATCH, field: NAME, profile: NAME } as const;
/**
 * Ids in URLs are plain decimals, checked as strings: a JSON-schema integer would let ajv coerce
 * "0x10", "1e1" or " 16" into 16, and /api/fields/0x10 must not answer for field 16.
 * The onRequest/preHandler hooks below turn them into numbers once valid.
 */
const DECIMAL_ID = { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } as const;
const POSITION = { type: 'string', pattern: '^(0|[1-9][0-9]{0,3})$' } as const;
const FIELD_PARAMS = {
  type: 'object',
  required: ['fieldId'],
  properties: { fieldId: DECIMAL_ID },
} as const;
const RECORD_ID = { type: 'string', pattern: '^[0-9a-f]{16}$' } as const;
const RECORD_PARAMS = { type: 'object', required: ['recordId'], properties: { recordId: RECORD_ID } } as const;

interface FilterQuery {
  batch?: string;
  field?: string;
  profile?: string;
}

function filterOf(query: FilterQuery): FieldFilter {
  return { batch: query.batch, field: query.field, profile: query.profile };
}

export interface FieldView extends StoredField {
  /** The image to show: the box with context, or, without a box, the zone where the profile looks for the field (versioned, so caches never show a stale box). */
  cropUrl: string;
  /** `box`: the field's own box; otherwise the profile's zone the field was searched in. */
  crop: 'box' | ZoneKind;
}

/** A page's path as the reviewer should read it: inside the batch's folder, not as the run was given it. */
function displayPath(page: StoredPage, batchFolder: string | null): string {
  if (!batchFolder) return path.basename(page.path);
  const relative = path.relative(batchFolder, page.path);
  return relative && !relative.startsWith('..') ? relative.split(path.sep).join('/') : path.basename(page.path);
}

function sendImage(reply: FastifyReply, image: RenderedImage, etag: string): FastifyReply {
  return reply
    .header('content-type', image.contentType)
    .header('cache-control', 'private, max-age=3600')
    .header('etag', etag)
    .header('x-content-type-options', 'nosniff')
    .send(image.data);
}

/** A page's preview image, or 304 when the browser holds this rendering already. */
async function sendPreview(
  request: FastifyRequest,
  reply: FastifyReply,
  images: PageImages,
  page: Parameters<PageImages['preview']>[0],
): Promise<FastifyReply> {
  const etag = etagOf(RENDER_VERSION, 'preview', page.contentHash);
  if (request.headers['if-none-match'] === etag) return reply.code(304).header('etag', etag).send();
  try {
    return sendImage(reply, await images.preview(page), etag);
  } catch (err) {
    return imageError(reply, err);
  }
}

function imageError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof PageUnavailableError) {
    const status = err.reason === 'changed' ? 410 : err.reason === 'not_found' ? 404 : 422;
    return sendError(reply, status, 'CS_ERR_PAGE_UNAVAILABLE', err.message, { reason: err.reason });
  }
  throw err;
}

/** What the review page needs to show a page of a grouping task: where its text lies, and its name. */
interface TaskPage {
  image: string;
  width: number;
  height: number;
  textBox: [number, number, number, number] | null;
  /** The file's name, and the page in it for a multi-page file. */
  name: string;
}

/** A grouping task with the two pages to show: the one before the boundary and the one after. */
export interface BoundaryView extends BoundaryTask {
  images: { previous: string; page: string };
  pages: { previous: TaskPage | null; page: TaskPage | null };
}

/**
 * Pages are named by content, not by record and position: a split or merge makes new records,
 * and the next task's images, fetched while the reviewer looked at this one, stay valid.
 */
async function boundaryView(task: BoundaryTask, store: ReviewStore): Promise<BoundaryView> {
  const image = (hash: string) => `/api/pages/${hash}/image.jpg`;
  const page = async (hash: string): Promise<TaskPage | null> => {
    const p = await store.pageByHash(hash);
    if (!p) return null;
    const name = path.basename(p.path) + (p.pageCount > 1 ? `, page ${p.pageIndex + 1} of ${p.pageCount}` : '');
    return { image: image(hash), width: p.width, height: p.height, textBox: p.textBox, name };
  };
  return {
    ...task,
    images: { previous: image(task.previousContentHash), page: image(task.contentHash) },
    pages: { previous: await page(task.previousContentHash), page: await page(task.contentHash) },
  };
}

const VERSION = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const PAGE_ID = { type: 'string', minLength: 1, maxLength: 500 } as const;

/** A regrouping's answer: 200 with the audit entry and the records now, or the error it met. */
function sendRegroup(reply: FastifyReply, outcome: RegroupOutcome): FastifyReply | Record<string, unknown> {
  if (outcome.ok) return { action: outcome.entry, records: outcome.records, retired: outcome.retired, created: outcome.created, warnings: outcome.warnings };
  if (outcome.reason === 'not_found') return sendError(reply, 404, 'CS_ERR_NOT_FOUND', outcome.message);
  if (outcome.reason === 'invalid') return sendError(reply, 400, 'CS_ERR_REGROUP_INVALID', outcome.message);
  if (outcome.reason === 'unavailable') return sendError(reply, 422, 'CS_ERR_READINGS_UNAVAILABLE', outcome.message);
  return sendError(reply, 409, 'CS_ERR_CONFLICT', outcome.message, { records: outcome.records ?? [] });
}

const etagOf = (...parts: Array<string | number>): string => `"${createHash('sha1').update(parts.join('|')).digest('hex').slice(0, 20)}"`;

export const reviewApi: FastifyPluginAsync<ReviewApiOptions> = async (app: FastifyInstance, options) => {
  const { store, images } = options;
  const profiles = new Map((options.profiles ?? []).map((p) => [p.name, p]));
  const fieldView = (field: StoredField): FieldView =>
    field.bbox
      ? { ...field, crop: 'box', cropUrl: `/api/fields/${field.id}/crop.png?v=${field.version}` }
      : { ...field, crop: zoneOf(profiles.get(field.profile), field.name), cropUrl: `/api/fields/${field.id}/zone.png?v=${field.version}` };
  const { access } = options;
  const reviewerOf = (request: Parameters<typeof principalReviewer>[1]) => principalReviewer(access, request);
  // onRequest: before the body is parsed or the schema checked, so an anonymous caller learns neither.
  app.addHook('onRequest', access.require({ roles: ['reviewer'], sessions: false, realm: 'cablescan review' }));
  app.addHook('preHandler', (request, _reply, done) => {
    // The id strings passed their decimal patterns: numbers from here on.
    const params = request.params as Record<string, unknown> | undefined;
    if (params && typeof params.fieldId === 'string') params.fieldId = Number(params.fieldId);
    if (params && typeof params.position === 'string') params.position = Number(params.position);
    done();
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // Review data is per reviewer and changes under them: never let a shared cache keep it.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get('/me', async (request) => ({ reviewer: reviewerOf(request).name }));

  app.get('/facets', async () => store.facets());

  app.get<{ Querystring: FilterQuery & { limit: number; exclude?: string } }>(
    '/queue',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            ...FILTER_PROPERTIES,
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            // Ids the reviewer skipped in this session, comma separated.
            exclude: { type: 'string', pattern: '^[0-9]{1,15}(,[0-9]{1,15}){0,499}$' },
          },
        },
      },
    },
    async (request) => {
      const exclude = request.query.exclude ? request.query.exclude.split(',').map(Number) : [];
      const page = await store.queue(filterOf(request.query), { limit: request.query.limit, exclude });
      return { total: page.total, items: page.items.map(fieldView) };
    },
  );

  app.get<{ Querystring: FilterQuery }>('/progress', { schema: { querystring: { type: 'object', properties: FILTER_PROPERTIES } } }, async (request) =>
    store.progress(filterOf(request.query)),
  );

  app.get<{ Params: { fieldId: number } }>('/fields/:fieldId', { schema: { params: FIELD_PARAMS } }, async (request, reply) => {
    const field = await store.getField(request.params.fieldId);
    if (!field) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no field ${request.params.fieldId}`);
    return fieldView(field);
  });

  app.get<{ Params: { fieldId: number } }>('/fields/:fieldId/actions', { schema: { params: FIELD_PARAMS } }, async (request, reply) => {
    if (!(await store.getField(request.params.fieldId))) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no field ${request.params.fieldId}`);
    return { actions: await store.actions({ fieldId: request.params.fieldId }) };
  });

  app.get<{ Params: { fieldId: number } }>('/fields/:fieldId/crop.png', { schema: { params: FIELD_PARAMS } }, async (request, reply) => {
    const field = await store.getField(request.params.fieldId);
    if (!field) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no field ${request.params.fieldId}`);
    const page = await store.fieldPage(field);
    if (!field.bbox || !page) return sendError(reply, 404, 'CS_ERR_NO_BOX', `field ${field.name} of record ${field.recordId} has no box on a page`);
    const etag = etagOf(RENDER_VERSION, page.contentHash, field.bbox.join(','));
    if (request.headers['if-none-match'] === etag) return reply.code(304).header('etag', etag).send();
    try {
      return sendImage(reply, await images.crop(page, field.bbox), etag);
    } catch (err) {
      return imageError(reply, err);
    }
  });

  app.get<{ Params: { fieldId: number } }>('/fields/:fieldId/zone.png', { schema: { params: FIELD_PARAMS } }, async (request, reply) => {
    const field = await store.getField(request.params.fieldId);
    if (!field) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no field ${request.params.fieldId}`);
    const stored = await store.getRecord(field.recordId);
    const zone = stored ? expectedZone(field, stored.fields, stored.pages, profiles.get(field.profile)) : null;
    if (!stored || !zone) return sendError(reply, 404, 'CS_ERR_NO_BOX', `record ${field.recordId} has no page to show for ${field.name}`);
    const page = stored.pages[zone.position]!;
    const etag = etagOf(RENDER_VERSION, 'zone', page.contentHash, zone.bbox.join(','));
    if (request.headers['if-none-match'] === etag) return reply.code(304).header('etag', etag).send();
    try {
      return sendImage(reply.header('x-cablescan-zone', `${zone.zone}; page=${zone.position + 1}`), await images.region(page, zone.bbox), etag);
    } catch (err) {
      return imageError(reply, err);
    }
  });

  app.post<{ Params: { fieldId: number }; Body: { action: 'confirm' | 'correct' | 'absent'; value?: string; version: number } }>(
    '/fields/:fieldId/review',
    {
      schema: {
        params: FIELD_PARAMS,
        body: {
          type: 'object',
          required: ['action', 'version'],
          additionalProperties: false,
          properties: {
            action: { type: 'string', enum: ['confirm', 'correct', 'absent'] },
            value: { type: 'string', maxLength: 20000 },
            version: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
          },
        },
      },
    },
    async (request, reply) => {
      const { action, value, version } = request.body;
      if (action === 'correct' && value === undefined) return sendError(reply, 400, 'CS_ERR_BAD_REQUEST', 'a correction needs a value');
      const reviewer = reviewerOf(request).name;
      const outcome = await store.review(request.params.fieldId, { action, value, version, reviewer });
      if (outcome.ok) {
        // The chain's head, in a log kept apart from the store: a trail rewritten later no longer ends there.
        request.log.info(
          {
            field: outcome.field.id,
            record: outcome.field.recordId,
            name: outcome.field.name,
            action: outcome.entry.action,
            reviewer,
            auditHead: outcome.auditHead,
          },
          'field reviewed',
        );
        return { field: fieldView(outcome.field), action: outcome.entry };
      }
      if (outcome.reason === 'not_found') return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no field ${request.params.fieldId}`);
      if (outcome.reason === 'invalid') return sendError(reply, 400, 'CS_ERR_INVALID_VALUE', outcome.message);
      if (outcome.reason === 'retired') {
        const by = outcome.replacedBy.length ? ` by ${outcome.replacedBy.join(', ')}` : '';
        return sendError(
          reply,
          409,
          'CS_ERR_CONFLICT',
          `record ${outcome.field.recordId} was regrouped (replaced${by}): its fields are reviewed on the records that replaced it`,
          {
            current: fieldView(outcome.field),
            replacedBy: outcome.replacedBy,
          },
        );
      }
      const current = outcome.field;
      const by = current.reviewedBy ? ` by ${current.reviewedBy}` : ' by a new run of the pipeline';
      return sendError(reply, 409, 'CS_ERR_CONFLICT', `${current.name} changed${by} since you loaded it (version ${version}, now ${current.version})`, {
        current: fieldView(current),
      });
    },
  );

  app.get<{ Params: { recordId: string } }>('/records/:recordId', { schema: { params: RECORD_PARAMS } }, async (request, reply) => {
    const stored = await store.getRecord(request.params.recordId);
    if (!stored) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no record ${request.params.recordId}`);
    const folder = stored.batches.length ? await store.batchFolder(stored.batches[0]!) : null;
    return {
      record: stored.record,
      // version: what a split, merge or confirmation names; retiredAt / replacedBy: the record was regrouped away.
      state: stored.state,
      batches: stored.batches,
      // Pages by position: the browser asks for /pages/<position>/image.jpg, never for a file.
      // `path` is the page's file inside its batch's folder (what a person recognises).
      pages: stored.pages.map((p, position) => ({
        position,
        pageId: p.pageId,
        file: p.file,
        path: displayPath(p, folder),
        pageIndex: p.pageIndex,
        pageCount: p.pageCount,
        width: p.width,
        height: p.height,
      })),
      fields: stored.fields.map(fieldView),
    };
  });

  app.get<{ Params: { recordId: string; position: number } }>(
    '/records/:recordId/pages/:position/image.jpg',
    {
      schema: {
        params: { type: 'object', required: ['recordId', 'position'], properties: { recordId: RECORD_ID, position: POSITION } },
      },
    },
    async (request, reply) => {
      const page = await store.recordPage(request.params.recordId, request.params.position);
      if (!page) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `record ${request.params.recordId} has no page ${request.params.position}`);
      return sendPreview(request, reply, images, page);
    },
  );

  // ---------- grouping: the boundaries in doubt, splits, merges, confirmations ----------

  app.get<{ Querystring: { batch?: string; profile?: string; limit: number } }>(
    '/grouping/queue',
    {
      schema: {
        querystring: { type: 'object', properties: { batch: BATCH, profile: NAME, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } } },
      },
    },
    async (request) => {
      // Doubtful boundaries of the sequences holding a doubtful record, least sure first.
      const keys = [...new Set((await store.uncertainGroupings({ batch: request.query.batch, profile: request.query.profile })).map((r) => r.sequenceKey))];
      const tasks: BoundaryTask[] = [];
      for (const key of keys) {
        const sequence = key ? await store.sequence(key) : null;
        if (sequence) tasks.push(...doubtfulBoundaries(sequence, await store.sequenceRecords(key!)));
      }
      tasks.sort((a, b) => a.confidence - b.confidence || a.sequence.localeCompare(b.sequence) || a.page.localeCompare(b.page));
      return { total: tasks.length, items: await Promise.all(tasks.slice(0, request.query.limit).map((t) => boundaryView(t, store))) };
    },
  );

  app.get<{ Params: { recordId: string } }>('/records/:recordId/grouping', { schema: { params: RECORD_PARAMS } }, async (request, reply) => {
    const state = await store.recordState(request.params.recordId);
    if (!state) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no record ${request.params.recordId}`);
    const sequence = state.sequenceKey ? await store.sequence(state.sequenceKey) : null;
    const items =
      sequence && !state.retiredAt
        ? await Promise.all(recordBoundaries(sequence, await store.sequenceRecords(sequence.key), state.id).map((t) => boundaryView(t, store)))
        : [];
    return { state, items };
  });

  const regroupRoute = <Body extends { version: number }>(
    route: string,
    properties: Record<string, unknown>,
    required: string[],
    toRequest: (recordId: string, body: Body, reviewer: string) => Parameters<Regrouper['regroup']>[0],
  ) =>
    app.post<{ Params: { recordId: string }; Body: Body }>(
      `/records/:recordId/${route}`,
      {
        schema: {
          params: RECORD_PARAMS,
          body: { type: 'object', required: ['version', ...required], additionalProperties: false, properties: { version: VERSION, ...properties } },
        },
      },
      async (request, reply) => {
        if (!options.regrouper) return sendError(reply, 503, 'CS_ERR_UNAVAILABLE', 'this server cannot regroup records');
        const reviewer = reviewerOf(request).name;
        const outcome = await options.regrouper.regroup(toRequest(request.params.recordId, request.body as Body, reviewer));
        if (outcome.ok)
          request.log.info(
            {
              action: outcome.entry.action,
              record: request.params.recordId,
              retired: outcome.retired,
              created: outcome.created,
              reviewer,
              auditHead: await store.auditHead('grouping_actions'),
            },
            'records regrouped',
          );
        return sendRegroup(reply, outcome);
      },
    );
  regroupRoute<{ version: number; at: string }>('split', { at: PAGE_ID }, ['at'], (recordId, body, reviewer) => ({
    action: 'split',
    recordId,
    version: body.version,
    at: body.at,
    reviewer,
  }));
  regroupRoute<{ version: number; with: string; withVersion?: number }>(
    'merge',
    { with: RECORD_ID, withVersion: VERSION },
    ['with'],
    (recordId, body, reviewer) => ({
      action: 'merge',
      recordId,
      version: body.version,
      with: body.with,
      withVersion: body.withVersion,
      reviewer,
    }),
  );
  regroupRoute<{ version: number; page?: string }>('confirm-grouping', { page: PAGE_ID }, [], (recordId, body, reviewer) => ({
    action: 'confirm',
    recordId,
    version: body.version,
    page: body.page,
    reviewer,
  }));

  app.get<{ Querystring: { batch?: string; reviewer?: string; record?: string; limit: number } }>(
    '/grouping/actions',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            batch: BATCH,
            reviewer: { type: 'string', minLength: 1, maxLength: 200 },
            record: RECORD_ID,
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      },
    },
    async (request) => ({
      actions: await store.groupingActions({
        batch: request.query.batch,
        reviewer: request.query.reviewer,
        recordId: request.query.record,
        limit: request.query.limit,
      }),
    }),
  );

  app.get<{ Params: { contentHash: string } }>(
    '/pages/:contentHash/image.jpg',
    { schema: { params: { type: 'object', required: ['contentHash'], properties: { contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$' } } } } },
    async (request, reply) => {
      const page = await store.pageByHash(request.params.contentHash);
      if (!page) return sendError(reply, 404, 'CS_ERR_NOT_FOUND', `no page ${request.params.contentHash}`);
      return sendPreview(request, reply, images, page);
    },
  );

  app.get<{ Querystring: { batch?: string; reviewer?: string; limit: number } }>(
    '/actions',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            batch: BATCH,
            reviewer: { type: 'string', minLength: 1, maxLength: 200 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      },
    },
    async (request) => ({ actions: await store.actions({ batch: request.query.batch, reviewer: request.query.reviewer, limit: request.query.limit }) }),
  );
};
