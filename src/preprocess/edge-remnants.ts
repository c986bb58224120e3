// Edge remnants: ink cut by the scan's edge (the lower half of a stamped number, the end of a
// rule, a torn corner's shadow). Tesseract drops blobs that touch the image border, so on the
// page as scanned they are never read; a rotation grows the canvas and moves them inside it,
// detached from the edge, where they are read as a line of garbage (EHRI-DR-19400712-US_04, the
// 1940 despatch's last page, rotated 1.3 degrees: `TT TT —_——ur` over its first line). Deskew
// paints them as paper before it rotates, so the rotated page holds what the unrotated one gave
// Tesseract to read. A component is a remnant when it touches an edge and stays within `band`
// pixels of it (a long stroke running in from the edge, a fold or a ruled margin, is left).

export interface EdgeRemnants {
  data: Buffer;
  /** Components painted out. */
  remnants: number;
  /** Pixels painted as paper. */
  painted: number;
}

/**
 * Paints as `paper` every 8-connected ink component (levels <= `threshold`) that touches the
 * image's border and lies within `band` pixels of an edge it touches. Returns a copy; the input
 * is not changed.
 */
export function clearEdgeRemnants(data: Buffer, width: number, height: number, threshold: number, band: number, paper: number): EdgeRemnants {
  const out = Buffer.from(data);
  const seen = new Uint8Array(width * height);
  const stack: number[] = [];
  const members: number[] = [];
  let remnants = 0;
  let painted = 0;
  const fill = (start: number): void => {
    if (seen[start] || out[start]! > threshold) return;
    members.length = 0;
    stack.push(start);
    seen[start] = 1;
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    while (stack.length > 0) {
      const at = stack.pop()!;
      members.push(at);
      const x = at % width;
      const y = (at - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let dy = -1; dy <= 1; dy += 1) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx += 1) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (seen[next] || out[next]! > threshold) continue;
          seen[next] = 1;
          stack.push(next);
        }
      }
    }
    const near = (y0 === 0 && y1 < band) || (y1 === height - 1 && y0 >= height - band) || (x0 === 0 && x1 < band) || (x1 === width - 1 && x0 >= width - band);
    if (!near) return;
    remnants += 1;
    painted += members.length;
    for (const at of members) out[at] = paper;
  };
  for (let x = 0; x < width; x += 1) {
    fill(x);
    fill((height - 1) * width + x);
  }
  for (let y = 1; y < height - 1; y += 1) {
    fill(y * width);
    fill(y * width + width - 1);
  }
  return { data: out, remnants, painted };
}
