// Reading one page from its scan: the stages load + ink measure + preprocess + OCR composed
// once. Drivers call readPage (read-or-resume, src/pipeline/read-page.ts); this is what it
// runs when the page is not done yet. Writes pages/<pageId>.json|.txt when deps.outDir is set.
import path from 'node:path';
import sharp from 'sharp';
import type { StageDeps } from '../deps.ts';
import { ErrorCode, toCablescanError } from '../errors.ts';
import { mapBox } from '../geometry.ts';
import { loadPageImage } from '../ingest/index.ts';
import { GRAINY_PAPER, recognizePage, type PageReading } from '../ocr/recognize-page.ts';
import { secondOpinion, type SecondOpinionReport } from '../ocr/second-opinion.ts';
import { recoverLines, type RecoveryReport } from '../ocr/recover-lines.ts';
import { checkDigits, type DigitCheckReport } from '../ocr/digit-check.ts';
import { readSealLines, type SealLinesReport } from '../ocr/seal-lines.ts';
import { linesInImage } from '../ocr/ink-lines.ts';
import { unlessEngineCrashed } from '../ocr/engine.ts';
import { inkRegions } from '../preprocess/ink.ts';
import { chooseDpi, DEFAULT_DPI, plausibleDensity, preprocessPage, type Recipe } from '../preprocess/index.ts';
import { X_TO_CAP_HEIGHT } from '../preprocess/analysis.ts';
import { TYPEWRITER_X_HEIGHT_IN } from '../preprocess/steps/rescale.ts';
import { IDENTITY } from '../preprocess/affine.ts';
import { measurePageInk, type InkMeasure } from '../preprocess/ink.ts';
import { Measure } from '../preprocess/measure.ts';
import { writeFileAtomic, writeJsonAtomic } from '../records/atomic-write.ts';
import { pageJsonPath, pageTextPath } from '../records/layout.ts';
import { findOcrTimeout, forgetOcrTimeout, rememberOcrTimeout } from '../records/page-store.ts';
import type { OcrLine, PageInk, PageResult, PageSource, PreprocessResult, RawImage } from '../types.ts';
import { PIPELINE_VERSION } from '../version.ts';
import { since } from './timing.ts';

export interface ReadPageDeps extends StageDeps {
  recipe: Recipe;
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

/**
 * Load, measure the ink, preprocess and OCR one page; writes its page JSON and text when deps.outDir
 * is set. A blank page (src/preprocess/ink.ts) is recorded as such and not preprocessed or read; a
 * nearly blank one is read by its ink regions (src/ocr/recognize-page.ts).
 */
export async function readPageFromScan(source: PageSource, deps: ReadPageDeps): Promise<PageResult> {
  const { config, logger, engine, outDir } = deps;
  // The driver binds {batch, doc, page} to the logger; binding page again would duplicate the key.
  const log = logger;
  const timings: Record<string, number> = {};

  let t = process.hrtime.bigint();
  const loaded = await loadPageImage(source, { maxPixels: config.maxPixels, budgetPixels: config.pagePixelBudget, pdfDpi: config.pdfDpi });
  if (loaded.scale < 1)
    log.warn(
      { scale: Math.round(loaded.scale * 1000) / 1000, width: loaded.image.width, height: loaded.image.height },
      'page decoded smaller than it declares (pagePixelBudget)',
    );
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
    let sealLines: SealLinesReport | undefined;
    if (reading.readAs === 'page' && measured.verdict === 'text') {
      t = process.hrtime.bigint();
      const inkLines = linesInImage(inkRegions(measured.lines), toOriginal, pre.image, measured.vertical);
      const seconds = config.ocrTimeout > 0 ? Math.min(config.ocrTimeout, 60) : undefined;
      const recovery = await recoverLines(pre.image, ocr, inkLines, engine, {
        lang,
        dpi: pre.dpi,
        timeoutSeconds: seconds,
        blurSigma: measured.paperNoise >= GRAINY_PAPER ? 1 : 0,
      });
      ocr = recovery.result;
      recovered = recovery.report;
      timings.recover = since(t);
      // Rows of typed ink a seal's ring touches, read again without the seal (seal-lines.ts).
      if (measured.letterHeight !== null) {
        t = process.hrtime.bigint();
        const scale = Math.sqrt(Math.abs(toOriginal[0] * toOriginal[4] - toOriginal[1] * toOriginal[3]));
        // A strip the engine dies on is skipped and counted inside (readInkLines), as line recovery's are.
        const sealed = await readSealLines(pre.image, ocr, engine, {
          lang,
          dpi: pre.dpi,
          letterHeight: measured.letterHeight / (scale || 1),
          timeoutSeconds: seconds,
          blurSigma: measured.paperNoise >= GRAINY_PAPER ? 1 : 0,
        });
        ocr = sealed.result;
        if (sealed.report.seals > 0) sealLines = sealed.report;
        timings.seals = since(t);
      }
    }
    const readAt = new Date().toISOString();

    let reread: SecondOpinionReport | undefined;
    const secondOptions = config.secondOpinion;
    if (secondOptions) {
      t = process.hrtime.bigint();
      const read = ocr;
      const second = await unlessEngineCrashed(
        () => secondOpinion(pre.image, read, engine, { ...secondOptions, lang, dpi: pre.dpi }),
        (crashed) => {
          log.warn({ stage: 'ocr', crashed }, "the engine died reading the second opinion's words: the page keeps its reading");
          return { result: read, report: { wordsReread: 0, wordsReplaced: 0, crashed } };
        },
      );
      ocr = second.result;
      reread = second.report;
      timings.secondOpinion = since(t);
    }

    // A fast model's confident digits, read again with best_int (its 3 read as 5 at 90-97).
    let digitCheck: (DigitCheckReport & { crashed?: string }) | undefined;
    const checker = config.digitCheck && ocr.model === 'fast' ? engine.checker?.() : undefined;
    const digitOptions = config.digitCheck;
    if (checker && digitOptions) {
      t = process.hrtime.bigint();
      const read = ocr;
      const checked = await unlessEngineCrashed(
        () => checkDigits(pre.image, read, checker, { ...digitOptions, lang, dpi: pre.dpi }),
        (crashed) => {
          log.warn({ stage: 'ocr', crashed }, 'the engine died checking the digits: the page keeps its reading');
          return { result: read, report: { model: '', wordsChecked: 0, corrected: [], crashed } };
        },
      );
      ocr = checked.result;
      digitCheck = checked.report;
      timings.digitCheck = since(t);
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
      ocr: {
        ...ocrInfo,
        ...(reread ? { secondOpinion: reread } : {}),
        ...(digitCheck ? { digitCheck } : {}),
        ...(recovered ? { recovered } : {}),
        ...(sealLines ? { sealLines } : {}),
        readAs: reading.readAs,
        ...(reading.fallback ? { fallback: reading.fallback } : {}),
      },
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
  log.info(
    {
      stage: 'ocr',
      engine: page.ocr.engine,
      model: page.ocr.model,
      words: page.ocr.wordCount,
      meanConfidence: page.ocr.meanConfidence,
      ink: ink.verdict,
      timings,
    },
    'page read',
  );
  return page;
}
