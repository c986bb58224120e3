// hOCR 1.2 per page (XHTML): ocr_page > ocr_carea > ocr_par > ocr_line > ocrx_word,
// each with `bbox x0 y0 x1 y1` in the original image's pixels; words add x_wconf (0-100).
// A corrected word shows the reviewed text and keeps the OCR's reading in data-ocr-text.
import type { BBox } from '../types.ts';
import { blocksOf, lineBox, uprightTurn, type PageExportContext } from './context.ts';
import type { ExportPage } from './corrections.ts';
import { el, serializeXml, xmlId } from './xml.ts';

const bbox = (b: BBox): string => `bbox ${b.map((v) => Math.round(v)).join(' ')}`;

/** hOCR title values are separated by ';' and quoted file names may not hold '"'. */
const quoted = (s: string): string => `"${s.replace(/["\\]/g, '_')}"`;

export function toHocr(page: ExportPage, ctx: PageExportContext): string {
  // A sideways scan's lines run at this angle (anticlockwise), as the orientation step found.
  const turn = uprightTurn(page.preprocess.steps);
  const blocks = blocksOf(page).map((block, b) => {
    const par = el(
      'p',
      { class: 'ocr_par', id: xmlId('par', b + 1), title: bbox(block.bbox) },
      block.lines.map((line, l) =>
        el(
          'span',
          { class: 'ocr_line', id: xmlId('line', b + 1, l + 1), title: turn ? `${bbox(lineBox(line))}; textangle ${turn}` : bbox(lineBox(line)) },
          line.words
            .flatMap((word, w) => [
              w > 0 ? ' ' : null,
              el(
                'span',
                {
                  class: 'ocrx_word',
                  id: xmlId('word', b + 1, l + 1, w + 1),
                  title: `${bbox(word.bbox)}; x_wconf ${Math.round(word.confidence)}`,
                  'data-ocr-text': word.original?.text,
                  'data-corrected-field': word.original?.field,
                },
                [word.text],
              ),
            ])
            .filter((c) => c !== null),
        ),
      ),
    );
    return el('div', { class: 'ocr_carea', id: xmlId('block', b + 1), title: bbox(block.bbox) }, [par]);
  });
  const root = el('html', { xmlns: 'http://www.w3.org/1999/xhtml', 'xml:lang': 'en', lang: 'en' }, [
    el('head', {}, [
      el('title', {}, [page.pageId]),
      el('meta', { 'http-equiv': 'Content-Type', content: 'text/html; charset=utf-8' }),
      el('meta', { name: 'ocr-system', content: `cablescan ${ctx.softwareVersion} (${page.ocr.engine} ${page.ocr.engineVersion})` }),
      el('meta', { name: 'ocr-capabilities', content: 'ocr_page ocr_carea ocr_par ocr_line ocrx_word' }),
      el('meta', { name: 'ocr-langs', content: page.ocr.lang.replace(/\+/g, ' ') }),
      el('meta', { name: 'ocr-number-of-pages', content: '1' }),
    ]),
    el('body', {}, [
      el(
        'div',
        {
          class: 'ocr_page',
          id: xmlId('page', page.pageId),
          title: `image ${quoted(ctx.imageHref)}; ${bbox([0, 0, page.width, page.height])}; ppageno ${page.pageIndex}`,
        },
        blocks,
      ),
    ]),
  ]);
  const xml = serializeXml(root);
  // The XHTML doctype goes after the XML declaration.
  return xml.replace('?>\n', '?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n');
}
