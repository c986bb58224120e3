// Page geometry of a typed sheet scanned at 300 dpi.

export interface PageGeometry {
  width: number;
  height: number;
  dpi: number;
  marginLeft: number;
  marginTop: number;
  marginBottom: number;
  /** Typewriter character cell width in px (pica: 10 characters per inch). */
  pitch: number;
  /** Distance between baselines in px (1.5 line spacing of 6 lines per inch). */
  lineHeight: number;
  /** Characters per line. */
  columns: number;
}

/** A4 at 300 dpi, 1 inch margins at top, left and bottom, 65 pica characters per line. */
export const A4_300DPI: PageGeometry = {
  width: 2480,
  height: 3508,
  dpi: 300,
  marginLeft: 300,
  marginTop: 300,
  marginBottom: 300,
  pitch: 30,
  lineHeight: 75,
  columns: 65,
};

export function rowsPerPage(g: PageGeometry): number {
  return Math.floor((g.height - g.marginTop - g.marginBottom) / g.lineHeight);
}

/** US letter (8.5 x 11 in) at 300 dpi, the paper of the US Foreign Service despatches. */
export const US_LETTER_300DPI: PageGeometry = { ...A4_300DPI, width: 2550, height: 3300 };

/** One typewriter line (1/6 inch), the unit of line spacing: single spacing advances one, double two. */
export function typewriterLine(g: PageGeometry): number {
  return g.dpi / 6;
}
