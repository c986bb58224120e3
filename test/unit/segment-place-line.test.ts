import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadProfiles, segmentDocument } from '../../src/segment/index.ts';
import { pageFromText } from '../fixtures/pages.ts';

const profiles = loadProfiles();
const read = (lines: string[]) => segmentDocument([pageFromText(lines)], { profiles })[0]!;

// calib-fit-2026-12-07, 0020-soviet-coded-mild read with Debian's fast model: the `Spec. No.` line
// was lost, and `to` (joined over two lines) took the place line below it, accepted at 0.94.
const CODED = [
  'CODED TELEGRAM',
  'From: USSR Ambassador to Mexico I.L. Vasnetsov',
  'To: USSR Ministry of Foreign Affairs',
  'Mexico City',
  'TOP SECRET',
  'The talks were held today in a friendly atmosphere.',
  'I. Vasnetsov',
];

test('a telegram heading line that is a place alone is not joined to the line above (issue 20)', () => {
  const t = read(CODED);
  assert.equal(t.profile, 'soviet-coded');
  assert.equal(t.fields.to!.value, 'USSR Ministry of Foreign Affairs');
});

test('a heading wrapped before its place, or over a line that is not a place, is still joined', () => {
  const wrapped = read([...CODED.slice(0, 2), 'To: USSR Embassy in', 'Mexico City', ...CODED.slice(4)]);
  assert.equal(wrapped.fields.to!.value, 'USSR Embassy in Mexico City');
  const long = read([...CODED.slice(0, 2), 'To: USSR Ministry of Foreign Affairs', 'Comrade Gromyko', ...CODED.slice(4)]);
  assert.equal(long.fields.to!.value, 'USSR Ministry of Foreign Affairs Comrade Gromyko');
});
