// Paper background estimate, the way Leptonica's background normalisation does it: the page
// is cut into blocks, each block's paper level is a high percentile of its grey levels (text
// is dark and sparse, so the bright end is paper), a block whose neighbours are brighter takes
// their level (a block filled by a heading or a stamp is not paper), the grid is smoothed and
// interpolated back to pixels. Dividing by it flattens stains, uneven lighting, yellowed or
// blotchy paper and dark scanner borders (a border is its own "background" and turns white),
// while ink keeps its contrast against the paper around it.
// All loops run on the reduced analysis copy; the full-resolution map is a sharp resize.

export interface BackgroundGrid {
  /** Paper grey level per block, row-major. */
  levels: Uint8Array;
  cols: number;
  rows: number;
  /** Block edge in pixels of the image it was measured on. */
  block: number;
}

export interface BackgroundStats {
  /** Median paper level over the page. */
  paper: number;
  /** Spread of the paper level: 95th minus 5th percentile of the blocks (0 = perfectly even). */
  unevenness: number;
  /** Share of blocks whose paper level is below half the median paper level (dark borders, black margins). */
  darkShare: number;
}

/** Paper level per `block`-sized block of a 1-channel image. */
export function backgroundGrid(data: Uint8Array, width: number, height: number, block: number, percentile = 0.9): BackgroundGrid {
  const cols = Math.max(1, Math.ceil(width / block));
  const rows = Math.max(1, Math.ceil(height / block));
  const raw = new Uint8Array(cols * rows);
  const hist = new Uint32Array(256);
  for (let by = 0; by < rows; by += 1) {
    const y0 = by * block;
    const y1 = Math.min(height, y0 + block);
    for (let bx = 0; bx < cols; bx += 1) {
      const x0 = bx * block;
      const x1 = Math.min(width, x0 + block);
      hist.fill(0);
      for (let y = y0; y < y1; y += 1) {
        const row = y * width;
        for (let x = x0; x < x1; x += 1) hist[data[row + x]!]! += 1;
      }
      // The lowest level with more than `percentile` of the block at or below it (255 if none
      // below 255 has), found from the bright end: paper is near the top, so this walks a few
      // levels instead of two hundred, and a block's worth of levels costs as much as its pixels.
      const count = (y1 - y0) * (x1 - x0);
      const target = percentile * count;
      let v = 255;
      let above = 0; // pixels brighter than v
      while (v > 0 && count - above - hist[v]! > target) {
        above += hist[v]!;
        v -= 1;
      }
      raw[by * cols + bx] = v;
    }
  }
  // Closing at block scale: a block takes the brightest level of its 3x3 neighbourhood when that
  // is much brighter (a block full of ink), then a 3x3 mean smooths the steps between blocks.
  const closed = new Uint8Array(raw.length);
  for (let by = 0; by < rows; by += 1) {
    for (let bx = 0; bx < cols; bx += 1) {
      const own = raw[by * cols + bx]!;
      let max = own;
      for (let oy = -1; oy <= 1; oy += 1) {
        for (let ox = -1; ox <= 1; ox += 1) {
          const x = bx + ox;
          const y = by + oy;
          if (x < 0 || y < 0 || x >= cols || y >= rows) continue;
          max = Math.max(max, raw[y * cols + x]!);
        }
      }
      closed[by * cols + bx] = max - own > 24 && own > max / 2 ? max : own;
    }
  }
  const levels = new Uint8Array(raw.length);
  for (let by = 0; by < rows; by += 1) {
    for (let bx = 0; bx < cols; bx += 1) {
      let sum = 0;
      let n = 0;
      for (let oy = -1; oy <= 1; oy += 1) {
        for (let ox = -1; ox <= 1; ox += 1) {
          const x = bx + ox;
          const y = by + oy;
          if (x < 0 || y < 0 || x >= cols || y >= rows) continue;
          sum += closed[y * cols + x]!;
          n += 1;
        }
      }
      levels[by * cols + bx] = Math.round(sum / n);
    }
  }
  return { levels, cols, rows, block };
}

export function backgroundStats(grid: BackgroundGrid): BackgroundStats {
  const sorted = Array.from(grid.levels).sort((a, b) => a - b);
  const at = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]!;
  const paper = at(0.5);
  const dark = sorted.filter((v) => v < paper / 2).length;
  return { paper, unevenness: at(0.95) - at(0.05), darkShare: Math.round((dark / sorted.length) * 1000) / 1000 };
}

/** The grid interpolated vertically at pixel row `y` (one value per grid column), into `top`. */
function gridRowAt(levels: ArrayLike<number>, cols: number, rows: number, blockPx: number, y: number, top: Float32Array): void {
  const gy = Math.min(rows - 1, Math.max(0, (y + 0.5) / blockPx - 0.5));
  const y0 = Math.floor(gy);
  const y1 = Math.min(rows - 1, y0 + 1);
  const fy = gy - y0;
  for (let c = 0; c < cols; c += 1) top[c] = levels[y0 * cols + c]! * (1 - fy) + levels[y1 * cols + c]! * fy;
}

/**
 * Bilinear interpolation of a block grid to every pixel of a `width` x `height` image, one row at
 * a time (`onRow(y, values)`): block centres sit at ((i + 0.5) * block * scale) pixels, where
 * `scale` is how much larger the image is than the one the grid was measured on.
 */
export function interpolateRows(
  levels: ArrayLike<number>,
  cols: number,
  rows: number,
  blockPx: number,
  width: number,
  height: number,
  onRow: (y: number, values: Float32Array) => void,
): void {
  // Per column: the two grid columns and the weight of the right one, computed once.
  const xa = new Int32Array(width);
  const xb = new Int32Array(width);
  const fxs = new Float32Array(width);
  for (let x = 0; x < width; x += 1) {
    const gx = Math.min(cols - 1, Math.max(0, (x + 0.5) / blockPx - 0.5));
    xa[x] = Math.floor(gx);
    xb[x] = Math.min(cols - 1, xa[x]! + 1);
    fxs[x] = gx - xa[x]!;
  }
  const top = new Float32Array(cols);
  const values = new Float32Array(width);
  for (let y = 0; y < height; y += 1) {
    gridRowAt(levels, cols, rows, blockPx, y, top);
    for (let x = 0; x < width; x += 1) {
      const f = fxs[x]!;
      values[x] = top[xa[x]!]! * (1 - f) + top[xb[x]!]! * f;
    }
    onRow(y, values);
  }
}

/**
 * Divides every pixel by the background under it (`scale`: how much larger this image is than
 * the one the grid was measured on), so paper becomes white and ink keeps its contrast to it.
 * With `hist`, also counts the output's grey levels into it (binarising needs them; a second
 * pass over the page just to count them cost a third as much as the division).
 *
 * The background is interpolateRows' bilinear one, written out so that each run of columns
 * between two grid centres reads its two levels once (Math.fround gives the same Float32 value
 * interpolateRows stores, so the output is the same to the bit; a pixel at or above its background
 * is 255 either way, so it is not divided). This runs on every page's
 * analysis copy; the gathers per pixel were half its time.
 */
export function flattenWith(data: Uint8Array, width: number, height: number, grid: BackgroundGrid, scale = 1, hist?: Uint32Array): Buffer {
  const out = Buffer.allocUnsafe(width * height);
  const { levels, cols, rows } = grid;
  const blockPx = grid.block * scale;
  // Per column, the weight of the right-hand grid column; per run of columns that share their
  // left grid column, that column and where the run ends.
  const weights = new Float32Array(width);
  const runColumn = new Int32Array(width);
  const runEnd = new Int32Array(width);
  let runs = 0;
  for (let x = 0; x < width; x += 1) {
    const gx = Math.min(cols - 1, Math.max(0, (x + 0.5) / blockPx - 0.5));
    const column = Math.floor(gx);
    weights[x] = gx - column;
    if (runs === 0 || runColumn[runs - 1] !== column) {
      runColumn[runs] = column;
      runs += 1;
    }
    runEnd[runs - 1] = x + 1;
  }
  const top = new Float32Array(cols);
  // Four tables counted in turn (see histogram()): most of a flattened page is 255.
  const tables = new Uint32Array(4 * 256);
  let white = 0;
  const aligned = (data.byteOffset & 3) === 0 && (out.byteOffset & 3) === 0;
  const input = aligned ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
  const output = aligned ? new Uint32Array(out.buffer, out.byteOffset, out.length >> 2) : null;
  for (let y = 0; y < height; y += 1) {
    gridRowAt(levels, cols, rows, blockPx, y, top);
    const row = y * width;
    let x = 0;
    for (let r = 0; r < runs; r += 1) {
      const column = runColumn[r]!;
      const left = top[column]!;
      const right = top[Math.min(cols - 1, column + 1)]!;
      const end = runEnd[r]!;
      // The background between two grid centres lies between their levels (and is at least 1):
      // a pixel at or above both is paper without its background being interpolated.
      const paper = Math.max(left, right, 1);
      // Four pixels at a time where both arrays are aligned: each byte plus (256 - level) carries
      // into bit 8 of its 16-bit lane exactly when it is at or above the level (as maskAtMost).
      const add = (256 - Math.ceil(paper)) * 0x00010001;
      while (x < end) {
        const at = row + x;
        if (input !== null && (at & 3) === 0 && x + 4 <= end) {
          const w = input[at >> 2]!;
          if ((((w & 0x00ff00ff) + add) & (((w >>> 8) & 0x00ff00ff) + add) & 0x01000100) === 0x01000100) {
            output![at >> 2] = 0xffffffff;
            white += 4;
            x += 4;
            continue;
          }
        }
        const d = data[at]!;
        if (d >= paper) {
          out[at] = 255;
          white += 1;
          x += 1;
          continue;
        }
        const f = weights[x]!;
        let background = Math.fround(left * (1 - f) + right * f);
        if (background < 1) background = 1;
        // At or above its background a pixel is paper, 255, without a division (most of a page).
        const level = d >= background ? 255 : ((d * 255) / background) | 0;
        out[at] = level;
        tables[((x & 3) << 8) | level]! += 1;
        x += 1;
      }
    }
  }
  if (hist) {
    for (let v = 0; v < 256; v += 1) hist[v]! += tables[v]! + tables[256 + v]! + tables[512 + v]! + tables[768 + v]!;
    hist[255]! += white;
  }
  return out;
}
