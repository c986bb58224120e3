// The stages composed once, in two functions that both drivers schedule:
//   readPage(page)      = load + preprocess + OCR, writes pages/<pageId>.json|.txt
//   buildRecords(pages) = segment + confidence + emit, writes records/<id>.json
// The in-process driver (src/pipeline.ts) and the BullMQ workers (workers/) call only
// these, so the two ways of running cannot drift apart.
import path from 'node:path';
import sharp from 'sharp';
import type { StageDeps } from './deps.ts';
import { calibrationForPages } from './confidence/calibration.ts';
import { scoreTelegram } from './confidence/index.ts';
import { ErrorCode, toCablescanError } from './errors.ts';
import { mapBox } from './geometry.ts';
import { loadPageImage } from './ingest/index.ts';
import { GRAINY_PAPER, recognizePage, type PageReading } from './ocr/recognize-page.ts';
import { secondOpinion, type SecondOpinionReport } from './ocr/second-opinion.ts';
import { recoverLines, type RecoveryReport } from './ocr/recover-lines.ts';
import { linesInImage } from './ocr/ink-lines.ts';
import { inkRegions } from './preprocess/ink.ts';
import { chooseDpi, DEFAULT_DPI, plausibleDensity, preprocessPage, type Recipe } from './preprocess/index.ts';
import { X_TO_CAP_HEIGHT } from './preprocess/analysis.ts';
import { TYPEWRITER_X_HEIGHT_IN } from './preprocess/steps/rescale.ts';
import { IDENTITY } from './preprocess/affine.ts';
import { measurePageInk, type InkMeasure } from './preprocess/ink.ts';
import { Measure } from './preprocess/measure.ts';
import { buildRecord } from './records/build-record.ts';
import { writeFileAtomic, writeJsonAtomic } from './records/atomic-write.ts';
import { pageJsonPath, pageTextPath, recordPath } from './records/layout.ts';
import { findOcrTimeout, forgetOcrTimeout, rememberOcrTimeout } from './records/page-store.ts';
import { retireReplacedRecords } from './records/retire.ts';
import { boundariesOf, readBoundaryFiles, reviewerDecision, type ReviewerBoundary } from './records/reviewer-boundaries.ts';
import { assertValidRecord } from './records/validate-record.ts';
import { segmentDocument, type Profile, type SegmentedTelegram } from './segment/index.ts';
import { decideGrouping, groupingModeOf, type GroupingDecision, type GroupingMode, type GroupingModel } from './group/index.ts';
import { emitArchival } from './exports/emit.ts';
import type { ArchivalFormat } from './exports/index.ts';
import type { RecordStore } from './store/types.ts';
import type { OcrLine, PageInk, PageResult, PageSource, PreprocessResult, RawImage, TelegramRecord } from './types.ts';
import { PIPELINE_VERSION } from './version.ts';

export interface ReadPageDeps extends StageDeps {
  recipe: Recipe;
}

export interface BuildRecordsDeps extends StageDeps {
  profiles: Profile[];
  /** The review store, when the driver opened one: gets the same records (idempotent). */
  store?: RecordStore;
  /** Archival formats to write to <outDir>/exports/ (default: config.emit). */
  emit?: readonly ArchivalFormat[];
  /** The grouping model (default: the shipped one); tests and the fitting script pass their own. */
  groupingModel?: GroupingModel;
  /**
   * Reviewers' decisions at page boundaries, which win over the pipeline's (default: those saved
   * under outDir/grouping/ and in the store, records/reviewer-boundaries.ts).
   */
  reviewerBoundaries?: readonly ReviewerBoundary[];
  /**
   * Decisions to keep where no reviewer decided, by page id: a reviewer's split or merge
   * rebuilds the sequence as it stood, not as a newer model would group it.
   */
  keepDecisions?: ReadonlyMap<string, GroupingDecision>;
  /**
   * When `pages` are a window of a longer sequence (whole documents, rebuilt after a regrouping):
   * the decision of the page after the window, which the window's last record depends on. The
   * window's first decision comes from `keepDecisions`.
   */
  decisionAfter?: GroupingDecision;
}

function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A nearly blank page as its lines are read: the grey scan, its resolution from a plausible tag or the letters. */
function sparsePage(grey: RawImage, density: number | null, ink: InkMeasure): PreprocessResult & { dpi: number } {
  const estimated = ink.letterHeight === null ? null : Math.round((ink.letterHeight * X_TO_CAP_HEIGHT) / TYPEWRITER_X_HEIGHT_IN);
  const dpi = chooseDpi(plausibleDensity(density), estimated) ?? DEFAULT_DPI;
  return { image: grey, steps: [], toOriginal: IDENTITY, originalWidth: grey.width, originalHeight: grey.height, dpi: Math.round(dpi) };
}

/** The ink measure as the page JSON keeps it: its figures, not its line boxes. */
function inkSummary(ink: InkMeasure, ms: number): PageInk {
  const { verdict, letterComponents, textLines, inkShare, paperNoise, contrast, letterHeight, vertical } = ink;
  return { verdict, letterComponents, textLines, inkShare, paperNoise, contrast, letterHeight, vertical, ms: Math.round(ms * 100) / 100 };
}

async function writeIntermediatePng(dir: string, name: string, image: RawImage): Promise<void> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  await writeFileAtomic(path.join(dir, `${name}.png`), png);
}

/**
 * Load, measure the ink, preprocess and OCR one page; writes its page JSON and text when deps.outDir
 * is set. A blank page (src/preprocess/ink.ts) is recorded as such and not preprocessed or read; a
 * nearly blank one is read by its ink regions (src/ocr/recognize-page.ts).
 */
/** What a page JSON says of where the page came from, read or not (its size is the original scan's). */
function pageIdentity(source: PageSource, width: number, height: number, decodeScale: number, lang: string) {
  return {
    schemaVersion: 1 as const,
    pipelineVersion: PIPELINE_VERSION,
    pageId: source.pageId,
    file: source.file,
    pageIndex: source.pageIndex,
    pageCount: source.pageCount,
    contentHash: source.contentHash,
    documentKey: source.documentKey,
    width,
    height,
    // A page shrunk while decoded (its pixel budget) says by how much.
    ...(decodeScale < 1 ? { decodeScale: Math.round(decodeScale * 10000) / 10000 } : {}),
    lang,
  };
}

export async function readPage(source: PageSource, deps: ReadPageDeps): Promise<PageResult> {
  const { config, logger, engine, outDir } = deps;
  // The driver binds {batch, doc, page} to the logger; binding page again would duplicate the key.
  const log = logger;
  const timings: Record<string, number> = {};

  let t = process.hrtime.bigint();
  const loaded = await loadPageImage(source, { maxPixels: config.maxPixels, budgetPixels: config.pagePixelBudget, pdfDpi: config.pdfDpi });
  if (loaded.scale < 1) log.warn({ scale: Math.round(loaded.scale * 1000) / 1000, width: loaded.image.width, height: loaded.image.height }, 'page decoded smaller than it declares (pagePixelBudget)');
  timings.decode = since(t);

  // The ink measure's analysis copy is the recipe's too (Measure caches it per image).
  t = process.hrtime.bigint();
  const measure = new Measure();
  const { ink: measured, grey } = await measurePageInk(loaded.image, measure);
  timings.ink = since(t);
  const ink = inkSummary(measured, timings.ink);
  const lang = source.lang ?? config.lang;
  const { width: w, height: h } = loaded.image;

  let page: PageResult;
  // --read-blank-pages: a page measured blank is read as a page of text would be.
  const readAnyway = measured.verdict === 'blank' && config.readBlankPages;
  if (measured.verdict === 'blank' && !readAnyway) {
    page = {
      ...pageIdentity(source, w, h, loaded.scale, lang),
      preprocess: { recipe: deps.recipe.name, steps: [], outputWidth: w, outputHeight: h, toOriginal: IDENTITY },
      ocr: { meanConfidence: 0, wordCount: 0, engine: engine.name, engineVersion: '', lang, psm: config.psm, readAs: 'none' },
      lines: [],
      text: '',
      timings,
      // A blank page's processing ended with its measure.
      readAt: new Date().toISOString(),
      ink,
      blank: true,
    };
  } else {
    t = process.hrtime.bigint();
    // A page whose only ink is a character or two (a page number, or as often a speck) has its
    // lines cut from the scan and read alone (src/ocr/ink-lines.ts cleans each strip): the
    // recipe's page-wide steps would cost more than the reading, mostly to find dust.
    const intermediatesDir = config.keepIntermediates && outDir ? path.join(outDir, 'intermediates', source.pageId) : undefined;
    const pre =
      measured.verdict === 'nearly_blank' && measured.lines.every((line) => line.letters < 3)
        ? sparsePage(grey, loaded.density, measured)
        : await preprocessPage(loaded.image, deps.recipe, {
            logger: log.child({ stage: 'preprocess' }),
            density: loaded.density,
            writeIntermediate: intermediatesDir ? (name, image) => writeIntermediatePng(intermediatesDir, name, image) : undefined,
            measure,
            // Read anyway, the page's steps decide as they would without the measure: its letters
            // are too faint for it to have counted them.
            ink: readAnyway ? undefined : measured,
          });
    timings.preprocess = since(t);

    t = process.hrtime.bigint();
    const { originalWidth: ow, originalHeight: oh, toOriginal } = pre;
    let reading: PageReading;
    try {
      reading = await recognizePage({
        image: pre.image,
        dpi: pre.dpi,
        toOriginal,
        ink: measured,
        lang,
        psm: config.psm,
        engine,
        ocrTimeout: config.ocrTimeout,
        timedOutBefore: outDir && !config.force ? await findOcrTimeout(outDir, source) : null,
        onTimeout: async (way, seconds) => {
          log.warn({ stage: 'ocr', way, seconds }, 'OCR ran past its time; reading the page another way');
          if (outDir) await rememberOcrTimeout(outDir, source, way, seconds);
        },
      });
    } catch (err) {
      throw toCablescanError(err, ErrorCode.OCR_FAILED, source.file);
    }
    let ocr = reading.ocr;
    timings.ocr = since(t);

    // Lines the whole-page reading dropped or garbled, where the ink measure found them: read alone.
    let recovered: RecoveryReport | undefined;
    if (reading.readAs === 'page' && measured.verdict === 'text') {
      t = process.hrtime.bigint();
      const inkLines = linesInImage(inkRegions(measured.lines), toOriginal, pre.image, measured.vertical);
      const seconds = config.ocrTimeout > 0 ? Math.min(config.ocrTimeout, 60) : undefined;
      const recovery = await recoverLines(pre.image, ocr, inkLines, engine, { lang, dpi: pre.dpi, timeoutSeconds: seconds, blurSigma: measured.paperNoise >= GRAINY_PAPER ? 1 : 0 });
      ocr = recovery.result;
      recovered = recovery.report;
      timings.recover = since(t);
    }
    const readAt = new Date().toISOString();

    let reread: SecondOpinionReport | undefined;
    if (config.secondOpinion) {
      t = process.hrtime.bigint();
      const second = await secondOpinion(pre.image, ocr, engine, { ...config.secondOpinion, lang, dpi: pre.dpi });
      ocr = second.result;
      reread = second.report;
      timings.secondOpinion = since(t);
    }

    const lines: OcrLine[] = ocr.lines.map((line) => ({
      ...line,
      bbox: mapBox(line.bbox, toOriginal, ow, oh),
      words: line.words.map((word) => ({ ...word, bbox: mapBox(word.bbox, toOriginal, ow, oh) })),
    }));
    const { lines: _lines, text, ...ocrInfo } = ocr;
    if (reading.regions) ink.regions = reading.regions.map((r) => mapBox(r.bbox, toOriginal, ow, oh));
    // A nearly blank page whose regions read nothing is blank after all (dust that looked like a page number).
    if (measured.verdict === 'nearly_blank' && lines.length === 0) {
      ink.verdict = 'blank';
      ink.note = 'no text read in its ink regions';
    }
    if (readAnyway) {
      ink.verdict = lines.length > 0 ? 'text' : 'blank';
      ink.note = `measured blank, read anyway (--read-blank-pages): ${lines.length > 0 ? `${ocr.wordCount} words` : 'nothing'} read`;
    }
    page = {
      ...pageIdentity(source, ow, oh, loaded.scale, lang),
      preprocess: {
        recipe: deps.recipe.name,
        steps: pre.steps,
        outputWidth: pre.image.width,
        outputHeight: pre.image.height,
        toOriginal,
      },
      ocr: { ...ocrInfo, ...(reread ? { secondOpinion: reread } : {}), ...(recovered ? { recovered } : {}), readAs: reading.readAs, ...(reading.fallback ? { fallback: reading.fallback } : {}) },
      lines,
      text,
      timings,
      readAt,
      ink,
      ...(ink.verdict === 'blank' ? { blank: true } : {}),
    };
  }
  if (outDir) {
    t = process.hrtime.bigint();
    await writeFileAtomic(pageTextPath(outDir, page.pageId), `${page.text}\n`);
    timings.write = since(t);
    // The JSON is written last: its presence is what marks the page as done.
    await writeJsonAtomic(pageJsonPath(outDir, page.pageId), page);
    await forgetOcrTimeout(outDir, page.pageId);
  }
  log.info({ stage: 'ocr', engine: page.ocr.engine, model: page.ocr.model, words: page.ocr.wordCount, meanConfidence: page.ocr.meanConfidence, ink: ink.verdict, timings }, 'page read');
  return page;
}

export interface TelegramSummary {
  recordId: string;
  profile: string;
  profileScore: number;
  pages: string[];
  split: SegmentedTelegram['split'];
  bodyCoverage: number;
  ambiguity?: SegmentedTelegram['ambiguity'];
  /** Some page decision this record depends on is uncertain: all its fields wait for a person. */
  groupingUncertain?: boolean;
}

export interface BuildRecordsResult {
  records: TelegramRecord[];
  telegrams: TelegramSummary[];
  /** One decision per page of the sequence, in order. */
  grouping: { mode: GroupingMode; decisions: GroupingDecision[] };
  timings: Record<string, number>;
}

/**
 * In `file` and `folder` modes segmentation splits the sequence at headings; the page
 * decisions are then what it did: a page starts a document where a telegram starts at its top.
 */
function decisionsFromTelegrams(pages: readonly PageResult[], telegrams: readonly SegmentedTelegram[], ruled: readonly GroupingDecision[]): GroupingDecision[] {
  const firstPages = new Set(telegrams.map((t) => t.pages[0]));
  return pages.map((page, i) => {
    const decision = ruled[i]!;
    if (i === 0 || decision.decision === 'start') return decision;
    const starts = firstPages.has(page.pageId) && !telegrams.some((t) => t.pages.includes(page.pageId) && t.pages.includes(pages[i - 1]!.pageId));
    if (!starts) return decision;
    return { ...decision, decision: 'start', evidence: [{ cue: 'mode', says: 'start', weight: 0, detail: `a telegram heading starts a new document (${groupingModeOf(page.documentKey)} mode)` }] };
  });
}

/** Pages split into documents where the decisions say a page starts one. */
function documentsOf(pages: readonly PageResult[], decisions: readonly GroupingDecision[]): PageResult[][] {
  const documents: PageResult[][] = [];
  pages.forEach((page, i) => {
    if (i === 0 || decisions[i]!.decision === 'start') documents.push([page]);
    else documents[documents.length - 1]!.push(page);
  });
  return documents;
}

/** The page decisions a record depends on: its own pages' and the one after its last page. */
function decisionsOf(pageIds: readonly string[], order: readonly string[], decisions: readonly GroupingDecision[], beyond?: GroupingDecision): GroupingDecision[] {
  const at = new Map(decisions.map((d) => [d.page, d]));
  const out = pageIds.map((id) => at.get(id)).filter((d): d is GroupingDecision => d !== undefined);
  const next = order[order.indexOf(pageIds[pageIds.length - 1]!) + 1];
  const after = next ? at.get(next) : beyond;
  if (after) out.push(after);
  return out;
}

/**
 * Group one sequence's pages (in order) into documents, segment each into telegrams, score
 * them and write the records.
 */
export async function buildRecords(pages: readonly PageResult[], deps: BuildRecordsDeps): Promise<BuildRecordsResult> {
  const { config, logger, outDir } = deps;
  const timings: Record<string, number> = {};
  const mode = pages.length ? groupingModeOf(pages[0].documentKey) : 'auto';
  if (pages.length === 0) return { records: [], telegrams: [], grouping: { mode, decisions: [] }, timings };

  let t = process.hrtime.bigint();
  const boundaries = deps.reviewerBoundaries ?? [...(outDir ? await readBoundaryFiles(outDir, pages) : []), ...(deps.store?.reviewerBoundaries?.(pages) ?? [])];
  const reviewed = boundariesOf(pages, boundaries);
  const keep = deps.keepDecisions;
  // A reviewer's decision wins; where none was made, a regrouping keeps what the sequence had.
  const settle =
    reviewed.size || keep?.size
      ? (computed: GroupingDecision, i: number): GroupingDecision => {
          // The first page starts a document; a window of a longer sequence keeps its real decision.
          if (i === 0) return keep?.get(computed.page) ?? computed;
          const boundary = reviewed.get(computed.page);
          return boundary ? reviewerDecision(boundary, computed) : (keep?.get(computed.page) ?? computed);
        }
      : undefined;
  const grouping = decideGrouping(pages, { mode, profiles: deps.profiles, model: deps.groupingModel, override: mode === 'auto' ? settle : undefined });
  timings.group = since(t);

  t = process.hrtime.bigint();
  // In auto mode the grouping decided which pages form a document; the other modes hand
  // segmentation the whole sequence and let headings split it, as before grouping existed.
  const units = mode === 'auto' ? grouping.documents : [[...pages]];
  const segment = (unit: PageResult[], splitAtPageTops: boolean) =>
    segmentDocument(unit, { profiles: deps.profiles, forcedProfile: config.profile, splitAtPageTops, ignoredLines: grouping.ignoredLines });
  let telegrams = units.flatMap((unit) => segment(unit, mode !== 'auto'));
  let decisions = mode === 'auto' || mode === 'page' ? grouping.decisions : decisionsFromTelegrams(pages, telegrams, grouping.decisions);
  if (mode !== 'auto' && settle) {
    // Headings split these modes' sequences; where a person (or the sequence as it stood) says
    // otherwise, the pages are grouped by the settled decisions, as auto mode groups them.
    const settled = decisions.map(settle);
    if (settled.some((d, i) => d.decision !== decisions[i]!.decision)) telegrams = documentsOf(pages, settled).flatMap((unit) => segment(unit, false));
    decisions = settled;
  }
  const order = pages.map((p) => p.pageId);
  timings.segment = since(t);

  t = process.hrtime.bigint();
  const pagesById = new Map(pages.map((p) => [p.pageId, p]));
  const records: TelegramRecord[] = [];
  const summaries: TelegramSummary[] = [];
  for (const telegram of telegrams) {
    const touching = decisionsOf(telegram.pages, order, decisions, deps.decisionAfter);
    const groupingUncertain = touching.some((d) => d.uncertain);
    const status = groupingUncertain ? 'uncertain' : touching.some((d) => d.rule === 'reviewer') ? 'confirmed' : 'certain';
    const calibration = calibrationForPages(telegram.pages.map((id) => pagesById.get(id)!).filter(Boolean));
    const scored = scoreTelegram(telegram, { thresholds: config.thresholds, period: config.period, groupingUncertain, calibration });
    const record = buildRecord(
      { ...telegram, kind: telegram.kind, fields: scored.fields, review: scored.review, grouping: { mode, status, decisions: touching } },
      pagesById,
    );
    assertValidRecord(record);
    records.push(record);
    summaries.push({
      recordId: record.id,
      profile: record.profile,
      profileScore: record.profileScore,
      pages: record.source.pages,
      split: telegram.split,
      bodyCoverage: telegram.bodyCoverage,
      ambiguity: telegram.ambiguity,
      ...(groupingUncertain ? { groupingUncertain } : {}),
    });
  }
  timings.confidence = since(t);

  deps.store?.saveRecords(records, pages);
  if (outDir) {
    t = process.hrtime.bigint();
    for (const record of records) await writeJsonAtomic(recordPath(outDir, record.id), record);
    const retired = await retireReplacedRecords(outDir, order, records, deps.store);
    if (retired.length) logger.info({ stage: 'emit', retired }, 'records of an earlier grouping of these pages retired');
    timings.emit = since(t);
  }
  const emit = deps.emit ?? config.emit;
  if (outDir && emit.length) {
    t = process.hrtime.bigint();
    await emitArchival(records, pages, { config, logger, outDir, formats: emit });
    timings.archival = since(t);
  }
  logger.info({ stage: 'emit', records: records.length, pages: pages.length }, 'records built');
  return { records, telegrams: summaries, grouping: { mode, decisions }, timings };
}

