// Medians of the small lists of measurements the stages take (letter heights, word boxes, scores),
// in one place: two kinds, as the stages use them.

/** The middle value of `values` (for an even count, the upper of the two middles); `empty` for none. */
export function upperMedian(values: readonly number[], empty = 0): number {
  if (values.length === 0) return empty;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/** The middle value of `values` (for an even count, the lower of the two middles); `empty` for none. */
export function lowerMedian(values: readonly number[], empty = 0): number {
  if (values.length === 0) return empty;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1]!;
}

/** The median: the middle value, or the mean of the two middles for an even count; `empty` for none. */
export function median(values: readonly number[], empty = Number.NaN): number {
  if (values.length === 0) return empty;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
