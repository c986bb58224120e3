// A second reading of doubtful lines. Tesseract's LSTM misreads a word now and then
// even on a clean page (`[Ustinovichl]`, `Dorckhov`), and the same line read again
// at another scale as a single text line usually gets it right, with a higher
// confidence. Lines holding a word below `minConfidence` are cut from the
// preprocessed image, enlarged by each of `scales`, and read with PSM 7 (one line);
// where a reading has the same number of words, each word keeps the most confident
// of its readings. Boxes stay those of the first reading, so provenance is unchanged.
import sharp from 'sharp';
import type { OcrResult, RawImage } from '../types.ts';
import type { OcrEngine } from './engine.ts';
import { pageConfidence } from './tesseract-result.ts';

export interface SecondOpinionOptions {
  lang: string;
  dpi?: number;
  /** Lines with a word below this confidence (0..100) are read again. */
  minConfidence: number;
  /** Enlargements to try; each is one more OCR call per doubtful line. */
  scales: readonly number[];
  /** At most this many lines per page are read again (bounded cost on bad pages). */
  maxLines: number;
}

export interface SecondOpinionReport {
  linesReread: number;
  wordsReplaced: number;
}

export const DEFAULT_SECOND_OPINION: Omit<SecondOpinionOptions, 'lang' | 'dpi'> = { minConfidence: 80, scales: [1.5, 2], maxLines: 24 };

const PAD = 12;
const SINGLE_LINE_PSM = 7;

async function cropLine(image: RawImage, box: [number, number, number, number], scale: number): Promise<RawImage> {
  const left = Math.max(0, box[0] - PAD);
  const top = Math.max(0, box[1] - PAD);
  const width = Math.min(image.width, box[2] + PAD) - left;
  const height = Math.min(image.height, box[3] + PAD) - top;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .extract({ left, top, width, height })
    .resize({ width: Math.round(width * scale), kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as RawImage['channels'] };
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export async function secondOpinion(
  image: RawImage,
  result: OcrResult,
  engine: OcrEngine,
  options: SecondOpinionOptions,
): Promise<{ result: OcrResult; report: SecondOpinionReport }> {
  const report: SecondOpinionReport = { linesReread: 0, wordsReplaced: 0 };
  const doubtful = result.lines
    .map((line, index) => ({ line, index, worst: Math.min(...line.words.map((w) => w.confidence)) }))
    .filter((l) => l.line.words.length > 0 && l.worst < options.minConfidence)
    .sort((a, b) => a.worst - b.worst)
    .slice(0, options.maxLines);
  if (doubtful.length === 0) return { result, report };

  const lines = [...result.lines];
  for (const { line, index } of doubtful) {
    const words = line.words.map((w) => ({ ...w }));
    for (const scale of options.scales) {
      const crop = await cropLine(image, line.bbox, scale);
      const again = await engine.recognize({ image: crop, lang: options.lang, psm: SINGLE_LINE_PSM, dpi: options.dpi ? Math.round(options.dpi * scale) : undefined });
      const alternative = again.lines.flatMap((l) => l.words);
      if (alternative.length !== words.length) continue; // another split of the line: no word-by-word comparison
      alternative.forEach((alt, i) => {
        if (alt.confidence > words[i].confidence && alt.text !== words[i].text) {
          words[i] = { ...words[i], text: alt.text, confidence: alt.confidence };
        } else if (alt.confidence > words[i].confidence) {
          words[i] = { ...words[i], confidence: alt.confidence };
        }
      });
    }
    report.linesReread += 1;
    const replaced = words.filter((w, i) => w.text !== line.words[i].text).length;
    report.wordsReplaced += replaced;
    lines[index] = { ...line, words, text: words.map((w) => w.text).join(' '), confidence: mean(words.map((w) => w.confidence)) };
  }
  return { result: { ...result, lines, text: joinText(lines), ...pageConfidence(lines) }, report };
}

/** Lines joined by newlines, a blank line between paragraphs (as the engines write `text`). */
function joinText(lines: OcrResult['lines']): string {
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (i > 0 && line.paragraph !== lines[i - 1].paragraph) out.push('');
    out.push(line.text);
  });
  return out.join('\n');
}
