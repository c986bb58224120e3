// The probe reads a small PNG's size from its IHDR chunk (no decoder): the same size sharp's
// metadata gives, and nothing when the chunk is not whole and right (sharp then names the fault).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { pngHeader } from '../../src/ingest/probe.ts';

async function png(width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.alloc(width * height, 200), { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

test("a PNG's IHDR gives the size sharp's metadata gives", async () => {
  for (const [w, h] of [
    [16, 16],
    [1300, 41],
    [7, 3000],
  ] as const) {
    const bytes = await png(w, h);
    const metadata = await sharp(bytes).metadata();
    assert.deepEqual(pngHeader(bytes), { width: metadata.width, height: metadata.height });
  }
});

test('an IHDR with a wrong CRC, a wrong length or cut short gives nothing: sharp decides', async () => {
  const bytes = await png(16, 16);
  const badCrc = Buffer.from(bytes);
  badCrc[20] ^= 0x01; // the height changed, the CRC not
  assert.equal(pngHeader(badCrc), null);
  const badLength = Buffer.from(bytes);
  badLength.writeUInt32BE(12, 8);
  assert.equal(pngHeader(badLength), null);
  assert.equal(pngHeader(bytes.subarray(0, 30)), null);
});
