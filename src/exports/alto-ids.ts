// The ALTO String IDs of the words inside a box: lets METS point a field at its words.
// Uses the same numbering as alto.ts (block, line, word from 1, in reading order).
import type { BBox } from '../types.ts';
import { blocksOf } from './context.ts';
import type { ExportPage } from './corrections.ts';
import { xmlId } from './xml.ts';

export function altoStringId(block: number, line: number, word: number): string {
  return xmlId('string', block + 1, line + 1, word + 1);
}

/** IDs of the Strings whose centre lies in `box`, in reading order. */
export function altoStringIds(page: ExportPage, box: BBox): string[] {
  const ids: string[] = [];
  blocksOf(page).forEach((block, b) =>
    block.lines.forEach((line, l) =>
      line.words.forEach((word, w) => {
        const cx = (word.bbox[0] + word.bbox[2]) / 2;
        const cy = (word.bbox[1] + word.bbox[3]) / 2;
        if (cx >= box[0] && cx <= box[2] && cy >= box[1] && cy <= box[3]) ids.push(altoStringId(b, l, w));
      }),
    ),
  );
  return ids;
}
