// Renders lines of typewriter text into a grey RawImage with the positions of every word, for
// OCR and preprocessing tests. Uses an npm font (Courier Prime) so pages look the same on every
// machine (system fonts differ).
import { createRequire } from 'node:module';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { BBox, RawImage } from '../types.ts';

const require = createRequire(import.meta.url);
const FAMILY = 'CablescanTestCourierPrime';
let registered = false;

function ensureFont(): void {
  if (registered) return;
  GlobalFonts.registerFromPath(require.resolve('@fontsource/courier-prime/files/courier-prime-latin-400-normal.woff'), FAMILY);
  registered = true;
}

export interface TextImageOptions {
  lines: string[];
  width?: number;
  height?: number;
  /** Font size in px; 42 px is ~10 pt at 300 dpi (x-height ~20 px). */
  fontPx?: number;
  /** Baseline-to-baseline distance in px (default 2 x fontPx, double-spaced like a telegram). */
  lineHeight?: number;
  /** Left margin and first baseline. */
  x?: number;
  y?: number;
  /** Ink and paper grey levels. */
  ink?: number;
  paper?: number;
}

export interface RenderedWord {
  text: string;
  line: number;
  /** Ink box [x0, y0, x1, y1), from the font metrics. */
  bbox: BBox;
}

export interface TextImage {
  image: RawImage;
  words: RenderedWord[];
}

export function renderTextImage(options: TextImageOptions): TextImage {
  ensureFont();
  const fontPx = options.fontPx ?? 42;
  const lineHeight = options.lineHeight ?? fontPx * 2;
  const x = options.x ?? 150;
  const y = options.y ?? 150;
  const width = options.width ?? 2480;
  const height = options.height ?? Math.ceil(y + lineHeight * options.lines.length + fontPx);
  const ink = options.ink ?? 0;
  const paper = options.paper ?? 255;

  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = `rgb(${paper},${paper},${paper})`;
  g.fillRect(0, 0, width, height);
  g.fillStyle = `rgb(${ink},${ink},${ink})`;
  g.font = `${fontPx}px ${FAMILY}`;
  g.textBaseline = 'alphabetic';

  const words: RenderedWord[] = [];
  options.lines.forEach((line, i) => {
    const baseline = y + i * lineHeight;
    g.fillText(line, x, baseline);
    const re = /\S+/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const before = g.measureText(line.slice(0, m.index)).width;
      const metrics = g.measureText(m[0]);
      words.push({
        text: m[0],
        line: i,
        bbox: [
          Math.round(x + before - metrics.actualBoundingBoxLeft),
          Math.round(baseline - metrics.actualBoundingBoxAscent),
          Math.round(x + before + metrics.actualBoundingBoxRight),
          Math.round(baseline + metrics.actualBoundingBoxDescent),
        ],
      });
    }
  });

  const rgba = g.getImageData(0, 0, width, height).data;
  const grey = Buffer.allocUnsafe(width * height);
  for (let p = 0, i = 0; i < grey.length; i += 1, p += 4) grey[i] = rgba[p]!; // drawn in grey: R = G = B
  return { image: { data: grey, width, height, channels: 1 }, words };
}
