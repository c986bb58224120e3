// PAGE XML 2019-07-15 (PRImA) per page: TextRegion/TextLine/Word with Coords in the
// original image's pixels, TextEquiv@conf (0-1), the measured deskew angle as
// Page@orientation and the preprocessed image OCR read as an AlternativeImage.
// A corrected word has two TextEquivs: index 1 the reviewed text, index 2 the OCR's.
import type { BBox } from '../types.ts';
import { appliedSteps, blocksOf, lineBox, measuredSkew, stepSettings, uprightTurn, type PageExportContext } from './context.ts';
import type { ExportPage, ExportWord } from './corrections.ts';
import { el, serializeXml, unitConfidence, xmlId, type XmlElement } from './xml.ts';

export const PAGE_NAMESPACE = 'http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15';
export const PAGE_SCHEMA_LOCATION = `${PAGE_NAMESPACE} ${PAGE_NAMESPACE}/pagecontent.xsd`;

/** A box as a PAGE polygon: four corners, clockwise from top-left (non-negative integers). */
export function boxPoints(box: BBox): string {
  const [x0, y0, x1, y1] = box.map((v) => Math.max(0, Math.round(v))) as BBox;
  return `${x0},${y0} ${x1},${y0} ${x1},${y1} ${x0},${y1}`;
}

function textEquiv(text: string, conf: number | undefined, index?: number, comments?: string): XmlElement {
  return el('TextEquiv', { index, conf, comments }, [el('Unicode', {}, [text])]);
}

function wordElement(word: ExportWord, id: string): XmlElement {
  const equivs = word.original
    ? [
        textEquiv(word.text, 1, 1, `reviewed value of field ${word.original.field}`),
        textEquiv(word.original.text, unitConfidence(word.original.confidence), 2, 'OCR reading before review'),
      ]
    : [textEquiv(word.text, unitConfidence(word.confidence))];
  return el('Word', { id }, [el('Coords', { points: boxPoints(word.bbox) }), ...equivs]);
}

/**
 * PAGE@orientation: degrees the page must turn clockwise to be upright and straight, in
 * (-180, 180]: the orientation step's quarter turn (clockwise, as sharp rotates) plus the
 * deskew step's correction (it measures lines falling to the right as positive and turns
 * them back anticlockwise).
 */
function orientationOf(page: ExportPage): number | undefined {
  const turn = uprightTurn(page.preprocess.steps);
  const skew = measuredSkew(page.preprocess.steps);
  if (skew === null && turn === 0) return undefined;
  let value = turn - (skew ?? 0);
  while (value > 180) value -= 360;
  while (value <= -180) value += 360;
  value = Math.round(value * 1000) / 1000;
  return value === 0 ? 0 : value;
}

export function toPageXml(page: ExportPage, ctx: PageExportContext): string {
  const blocks = blocksOf(page);
  const regions = blocks.map((block, b) => {
    const regionId = xmlId('r', b + 1);
    return el('TextRegion', { id: regionId, type: 'paragraph' }, [
      el('Coords', { points: boxPoints(block.bbox) }),
      ...block.lines.map((line, l) =>
        el('TextLine', { id: xmlId('r', b + 1, 'l', l + 1) }, [
          el('Coords', { points: boxPoints(lineBox(line)) }),
          ...line.words.map((word, w) => wordElement(word, xmlId('r', b + 1, 'l', l + 1, 'w', w + 1))),
          textEquiv(line.words.map((w) => w.text).join(' '), unitConfidence(line.confidence)),
        ]),
      ),
      textEquiv(block.lines.map((l) => l.words.map((w) => w.text).join(' ')).join('\n'), undefined),
    ]);
  });
  const readingOrder = blocks.length
    ? el('ReadingOrder', {}, [
        el(
          'OrderedGroup',
          { id: 'reading_order', caption: 'paragraphs in reading order' },
          blocks.map((_, b) => el('RegionRefIndexed', { index: b, regionRef: xmlId('r', b + 1) })),
        ),
      ])
    : null;

  const metadataItems = [
    // Each step when it happened (see alto.ts); only the steps that changed the image.
    ...appliedSteps(page.preprocess.steps).map((step) =>
      el('MetadataItem', { type: 'processingStep', name: `preprocess:${step.step}`, value: stepSettings(step), date: page.readAt }),
    ),
    el('MetadataItem', {
      type: 'processingStep',
      name: 'ocr',
      value: JSON.stringify({ engine: page.ocr.engine, version: page.ocr.engineVersion, lang: page.ocr.lang, psm: page.ocr.psm }),
      date: page.readAt,
    }),
    ctx.correctedFields?.length
      ? el('MetadataItem', { type: 'processingStep', name: 'review', value: JSON.stringify({ correctedFields: ctx.correctedFields }), date: ctx.reviewedAt })
      : null,
  ];
  const root = el(
    'PcGts',
    {
      xmlns: PAGE_NAMESPACE,
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xsi:schemaLocation': PAGE_SCHEMA_LOCATION,
      pcGtsId: xmlId('pc', page.pageId),
    },
    [
      el('Metadata', {}, [
        el('Creator', {}, [`cablescan ${ctx.softwareVersion}`]),
        el('Created', {}, [ctx.createdAt]),
        el('LastChange', {}, [ctx.createdAt]),
        el('Comments', {}, [`preprocessing recipe "${page.preprocess.recipe}"; OCR ${page.ocr.engine} ${page.ocr.engineVersion}`]),
        ...metadataItems,
      ]),
      el(
        'Page',
        {
          imageFilename: ctx.imageHref,
          imageWidth: page.width,
          imageHeight: page.height,
          orientation: orientationOf(page),
          conf: unitConfidence(page.ocr.meanConfidence),
        },
        [
          ctx.preprocessedHref ? el('AlternativeImage', { filename: ctx.preprocessedHref, comments: preprocessedComments(page) }) : null,
          readingOrder,
          ...regions,
        ],
      ),
    ],
  );
  return serializeXml(root);
}

/** OCR-D's vocabulary for what was done to a derived image (plus "rescaled", which it lacks). */
function preprocessedComments(page: ExportPage): string {
  const terms: string[] = [];
  for (const step of page.preprocess.steps.filter((s) => s.applied)) {
    if (step.step === 'orientation' && typeof step.measured.rotate === 'number') terms.push(`rotated-${step.measured.rotate}`);
    const term = {
      crop: 'cropped',
      despeckle: 'despeckled',
      normalize: 'grayscale_normalized',
      flatten: 'grayscale_normalized',
      binarize: 'binarized',
      deskew: 'deskewed',
      rescale: 'rescaled',
    }[step.step];
    if (term && !terms.includes(term)) terms.push(term);
  }
  return terms.join(',') || 'preprocessed';
}
