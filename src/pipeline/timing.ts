// Stage timings in milliseconds, as the page JSON and the report keep them.
export function since(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
