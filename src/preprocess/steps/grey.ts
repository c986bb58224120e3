// Greyscale: every later step and Tesseract work on one channel.
import { z } from 'zod';
import { defineStep } from '../step.ts';
import { sharpOf, toGreyRaw } from '../raw.ts';

export const grey = defineStep({
  name: 'grey',
  summary: 'convert to one grey channel',
  needsGrey: false,
  params: z.object({}).strict(),
  async run(image) {
    if (image.channels === 1) return { image, applied: false, measured: { channels: 1 } };
    return { image: await toGreyRaw(sharpOf(image)), applied: true, measured: { channels: image.channels } };
  },
});
