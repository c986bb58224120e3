// ALTO 4 (Library of Congress) per page: Page/PrintSpace/TextBlock/TextLine/String with
// HPOS VPOS WIDTH HEIGHT in the original image's pixels, WC 0-1, SP between words, the
// preprocessing and OCR steps in Description/Processing. A word a reviewer corrected
// carries CS="true" and the OCR's reading as an ALTERNATIVE.
import { unionBoxes } from '../geometry.ts';
import type { BBox } from '../types.ts';
import { altoStringId } from './alto-ids.ts';
import { appliedSteps, blocksOf, lineBox, stepSettings, uprightTurn, type PageExportContext } from './context.ts';
import type { ExportPage, ExportWord } from './corrections.ts';
import { el, serializeXml, unitConfidence, xmlId, type XmlElement } from './xml.ts';

export const ALTO_NAMESPACE = 'http://www.loc.gov/standards/alto/ns-v4#';
export const ALTO_SCHEMA_LOCATION = 'http://www.loc.gov/standards/alto/v4/alto-4-4.xsd';

function position(box: BBox): Record<string, number> {
  return { HPOS: box[0], VPOS: box[1], WIDTH: Math.max(0, box[2] - box[0]), HEIGHT: Math.max(0, box[3] - box[1]) };
}

function processing(
  id: string,
  category: string,
  at: string | undefined,
  description: string,
  settings: string,
  software: { creator: string; name: string; version: string },
): XmlElement {
  return el('Processing', { ID: id }, [
    el('processingCategory', {}, [category]),
    at ? el('processingDateTime', {}, [at]) : null,
    el('processingStepDescription', {}, [description]),
    el('processingStepSettings', {}, [settings]),
    el('processingSoftware', {}, [
      el('softwareCreator', {}, [software.creator]),
      el('softwareName', {}, [software.name]),
      el('softwareVersion', {}, [software.version]),
    ]),
  ]);
}

function stringElement(word: ExportWord, id: string): XmlElement {
  return el('String', { ID: id, CONTENT: word.text, ...position(word.bbox), WC: unitConfidence(word.confidence), CS: word.original ? 'true' : undefined }, [
    word.original ? el('ALTERNATIVE', { PURPOSE: `OCR reading before review of field ${word.original.field}` }, [word.original.text]) : null,
  ]);
}

export function toAlto(page: ExportPage, ctx: PageExportContext): string {
  const cablescan = { creator: 'cablescan', name: 'cablescan', version: ctx.softwareVersion };
  // Each step when it happened: preprocessing and OCR when the page was read, the review
  // when the reviewer decided; the export's own time is the file's, not the steps'.
  const steps = appliedSteps(page.preprocess.steps).map((step, i) =>
    processing(
      xmlId('preprocess', i + 1, step.step),
      'preOperation',
      page.readAt,
      `preprocess: ${step.step} [recipe ${page.preprocess.recipe}]`,
      stepSettings(step),
      cablescan,
    ),
  );
  const ocr = processing(
    'ocr',
    'contentGeneration',
    page.readAt,
    'text recognition',
    JSON.stringify({
      lang: page.ocr.lang,
      psm: page.ocr.psm,
      meanConfidence: page.ocr.meanConfidence,
      preprocessedSize: [page.preprocess.outputWidth, page.preprocess.outputHeight],
    }),
    { creator: 'Tesseract OCR / tesseract.js', name: page.ocr.engine, version: page.ocr.engineVersion },
  );
  const review = ctx.correctedFields?.length
    ? processing(
        'review',
        'contentModification',
        ctx.reviewedAt,
        'reviewed field values applied to the words of the corrected fields',
        JSON.stringify({ fields: ctx.correctedFields }),
        cablescan,
      )
    : null;

  const blocks = blocksOf(page).map((block, b) =>
    el(
      'TextBlock',
      { ID: xmlId('block', b + 1), ...position(block.bbox) },
      block.lines.map((line, l) => {
        const children: XmlElement[] = [];
        line.words.forEach((word, w) => {
          if (w > 0) {
            const prev = line.words[w - 1]!;
            const gap = word.bbox[0] - prev.bbox[2];
            if (gap > 0) children.push(el('SP', { WIDTH: gap, HPOS: prev.bbox[2], VPOS: Math.min(prev.bbox[1], word.bbox[1]) }));
          }
          children.push(stringElement(word, altoStringId(b, l, w)));
        });
        return el('TextLine', { ID: xmlId('line', b + 1, l + 1), ...position(lineBox(line)) }, children);
      }),
    ),
  );
  const printBox: BBox = unionBoxes(blocksOf(page).map((b) => b.bbox)) ?? [0, 0, page.width, page.height];

  const root = el(
    'alto',
    {
      xmlns: ALTO_NAMESPACE,
      'xmlns:xlink': 'http://www.w3.org/1999/xlink',
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xsi:schemaLocation': `${ALTO_NAMESPACE} ${ALTO_SCHEMA_LOCATION}`,
    },
    [
      el('Description', {}, [
        el('MeasurementUnit', {}, ['pixel']),
        el('sourceImageInformation', {}, [
          el('fileName', {}, [ctx.imageHref]),
          el('fileIdentifier', { fileIdentifierLocation: 'sha256 of the source file (page index added for multi-page files)' }, [page.contentHash]),
        ]),
        ...steps,
        ocr,
        review,
      ]),
      el('Layout', {}, [
        // ROTATION: how far the text is turned anticlockwise in the scan (a sideways scan the orientation step turned upright).
        el(
          'Page',
          {
            ID: xmlId('page', page.pageId),
            PHYSICAL_IMG_NR: page.pageIndex + 1,
            WIDTH: page.width,
            HEIGHT: page.height,
            PC: unitConfidence(page.ocr.meanConfidence),
            ROTATION: uprightTurn(page.preprocess.steps) || undefined,
          },
          [el('PrintSpace', position(printBox), blocks)],
        ),
      ]),
    ],
  );
  return serializeXml(root);
}
