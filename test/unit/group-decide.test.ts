// The grouping stage on pages built from text (no OCR): which evidence starts or
// continues a document, catchwords kept out of fields and body, doubt that holds
// every field of a record for review, and the four --documents modes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { decideGrouping, parseGroupingModel, pageCues, FEATURE_NAMES } from '../../src/group/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { loadProfiles } from '../../src/segment/index.ts';
import { buildRecords } from '../../src/pipeline/index.ts';
import type { PageResult } from '../../src/types.ts';
import { pageFromText } from '../fixtures/pages.ts';

const profiles = loadProfiles({});
const config = loadConfig({ env: {} });

/** A page of `rows` text rows, the last one optionally a catchword set off to the right. */
function page(pageId: string, rows: string[], options: { file?: string; key?: string; pageIndex?: number; pageCount?: number } = {}): PageResult {
  const p = pageFromText(rows, { pageId, documentKey: options.key ?? 'dir:/box', paragraphsFromBlankLines: true });
  return { ...p, file: options.file ?? `${pageId}.png`, pageIndex: options.pageIndex ?? 0, pageCount: options.pageCount ?? 1 };
}

const PROSE = [
  'The situation of the refugees in the frontier districts has not changed',
  'since my last report, and the local authorities continue to refuse them',
  'permission to remain. Several families have been sent back across the',
  'border during the past week, and others are waiting in the open fields',
  'without shelter or food. The committee has asked the Government to allow',
  'them to stay until their papers can be examined, but no answer has been',
  'received. It is feared that the coming winter will make their position',
  'worse, since the camps are already overcrowded and the roads are closed.',
  'The representatives of the relief organizations have again asked for',
];

const catchwordPage = page('0001', [
  'CIPHERED TELEGRAM No. 21340',
  'To Cde. Stalin (2 copies)',
  'From: Peking, 15:00, 30 June 1951.',
  '',
  ...PROSE,
  'help from abroad, and they will send a further appeal to the League',
  '',
  '                                                   Using',
]);
const continuationPage = page('0002', [
  'Using the funds collected last month they have opened two kitchens near',
  'the station, where about four hundred meals a day are given out.',
  ...PROSE,
  'help from abroad.',
  '',
  '                                            Mao Zedong.',
]);

test("a catchword that is the next page's first word continues the document and is never a field or body text", async () => {
  const grouping = decideGrouping([catchwordPage, continuationPage], { mode: 'auto', profiles });
  const second = grouping.decisions[1]!;
  assert.equal(second.decision, 'continue');
  assert.ok(
    second.evidence.some((e) => e.cue === 'catchwordMatches' && e.says === 'continue'),
    JSON.stringify(second.evidence),
  );
  assert.equal(grouping.documents.length, 1);

  const built = await buildRecords([catchwordPage, continuationPage], { config, logger: silentLogger(), profiles });
  assert.equal(built.records.length, 1);
  const record = built.records[0]!;
  assert.deepEqual(record.source.pages, ['0001', '0002']);
  for (const [name, field] of Object.entries(record.fields)) assert.notEqual(String(field.value).trim(), 'Using', `${name} is the catchword`);
  assert.match(String(record.fields.signature?.value ?? record.fields.from?.value), /Mao Zedong/);
  // The catchword row is left out; the page's first word `Using` stays, once.
  assert.equal((String(record.fields.body?.value).match(/\bUsing\b/g) ?? []).length, 1);
  assert.equal(record.grouping?.decisions[1]?.decision, 'continue');
});

test('page marks, a sentence running over the page and a heading are each read as evidence', () => {
  const marked = page('0002', ['- 2 -', '', 'Since Jews do not enjoy full civil rights, not being eligible', ...PROSE]);
  const cues = pageCues(marked);
  assert.equal(cues.topMark?.number, 2);
  const open = page('0001', [...PROSE.slice(0, 8), 'the representatives of the relief organizations have again asked for']);
  const runOn = page('0002', ['help from abroad, and they will send a further appeal', ...PROSE]);
  const heading = page('0003', ['CIPHERED TELEGRAM No. 21341', 'To Cde. Stalin (2 copies)', 'From: Peking, 16:00, 1 July 1951.', '', ...PROSE]);
  const grouping = decideGrouping([open, runOn, heading], { mode: 'auto', profiles });
  assert.deepEqual(
    grouping.decisions.map((d) => d.decision),
    ['start', 'continue', 'start'],
  );
  assert.ok(grouping.decisions[1]!.evidence.some((e) => e.cue === 'startsLowerCase'));
  assert.ok(grouping.decisions[2]!.evidence.some((e) => e.cue === 'telegramOpening' && e.says === 'start'));
  const withMark = decideGrouping([open, marked], { mode: 'auto', profiles });
  assert.ok(withMark.decisions[1]!.evidence.some((e) => e.cue === 'topMarkContinues' && e.says === 'continue'));
});

test('initials and a name under a finished sentence are a signature, not a catchword; a date line keeps its cue through specks', () => {
  const signed = pageCues(page('0001', [...PROSE, 'without shelter or food.', '', '                                                   Yu. ANIKIN']));
  assert.equal(signed.catchword, null);
  assert.equal(signed.signature, 'Yu. ANIKIN');
  const dangling = pageCues(page('0001', [...PROSE, 'without shelter or food. The committee', '', '                                                   Using']));
  assert.equal(dangling.catchword?.word, 'using');
  // A heavy scan's header row: the number, stamp specks and the date on one row.
  const header = pageCues(page('0002', ['© Spec. No. 3268 - 3269 EE . . = September 17, 1959', 'New York', '', ...PROSE]));
  assert.ok(header.headerCues.includes('date line'), JSON.stringify(header.headerCues));
  // An accent the OCR put on a letter of a continuation heading.
  assert.equal(pageCues(page('0003', ['3 Télegram 9855 from Vienna', '', ...PROSE])).continuationHeading, '3 Télegram 9855 from Vienna');
  const sentence = pageCues(page('0002', ['It was on the evening of September 17, 1959 that the delegation of the', ...PROSE]));
  assert.ok(!sentence.headerCues.includes('date line'), JSON.stringify(sentence.headerCues));
});

test('a wrong join the model is unsure of is held for review: no field of the record is accepted', async () => {
  // A second telegram whose heading the OCR lost: nothing on the page says "new document",
  // so the model leans to a continuation, and is unsure.
  const first = page('0001', ['CIPHERED TELEGRAM No. 21340', 'To Cde. Stalin (2 copies)', 'From: Peking, 15:00, 30 June 1951.', '', ...PROSE]);
  const lostHeading = page('0002', ['C1PHXRED TXLEGRAM N.', 'Since the opening of the talks the delegations have met four times', ...PROSE]);
  const unsure = parseGroupingModel({
    version: 0,
    fit: null,
    uncertainBelow: 0.9,
    prior: Object.fromEntries([['bias', -0.5], ...FEATURE_NAMES.map((n) => [n, 0])]),
    weights: null,
  });
  const built = await buildRecords([first, lostHeading], { config, logger: silentLogger(), profiles, groupingModel: unsure });
  assert.equal(built.records.length, 1, 'the two telegrams were joined');
  const record = built.records[0]!;
  assert.equal(record.grouping?.status, 'uncertain');
  const accepted = Object.entries(record.fields).filter(([, f]) => f.status === 'accepted');
  assert.deepEqual(accepted, [], 'nothing accepted while the grouping is in doubt');
  for (const field of Object.values(record.fields)) if (field.status === 'needs_review') assert.ok(field.reasons.includes('boundary_uncertain'));
  assert.equal(record.review.status, 'pending');
  assert.equal(built.grouping.decisions[1]!.uncertain, true);
});

test('--documents: page keeps every page alone, file splits at files only, folder splits at telegram headings', async () => {
  const a1 = page('a-p1', ['CIPHERED TELEGRAM No. 100', 'To Cde. Stalin (2 copies)', 'From: Peking, 15:00, 30 June 1951.', '', ...PROSE], {
    file: 'a.tif',
    pageIndex: 0,
    pageCount: 2,
  });
  const a2 = page('a-p2', ['further appeal to the League of Nations.', ...PROSE], { file: 'a.tif', pageIndex: 1, pageCount: 2 });
  const b1 = page('b', ['CIPHERED TELEGRAM No. 101', 'To Cde. Stalin (2 copies)', 'From: Peking, 16:00, 1 July 1951.', '', ...PROSE]);
  const keyed = (key: string) => [a1, a2, b1].map((p) => ({ ...p, documentKey: key }));

  const pageMode = decideGrouping([a1, a2, b1], { mode: 'page', profiles });
  assert.deepEqual(
    pageMode.decisions.map((d) => d.decision),
    ['start', 'start', 'start'],
  );
  const fileMode = decideGrouping([a1, a2, b1], { mode: 'file', profiles });
  assert.deepEqual(
    fileMode.decisions.map((d) => d.decision),
    ['start', 'continue', 'start'],
  );
  assert.ok(fileMode.decisions.every((d) => !d.uncertain && d.rule !== 'model'));

  const folder = await buildRecords(keyed('folder:/box'), { config, logger: silentLogger(), profiles });
  assert.equal(folder.grouping.mode, 'folder');
  assert.deepEqual(
    folder.records.map((r) => r.source.pages),
    [['a-p1', 'a-p2'], ['b']],
  );
  assert.deepEqual(
    folder.grouping.decisions.map((d) => d.decision),
    ['start', 'continue', 'start'],
  );

  const perPage = await buildRecords([{ ...a2, documentKey: 'page:/box/a.tif#2' }], { config, logger: silentLogger(), profiles });
  assert.equal(perPage.grouping.mode, 'page');
  assert.deepEqual(
    perPage.records.map((r) => r.source.pages),
    [['a-p2']],
  );

  const auto = await buildRecords(keyed('dir:/box'), { config, logger: silentLogger(), profiles });
  assert.equal(auto.grouping.mode, 'auto');
  assert.deepEqual(
    auto.records.map((r) => r.source.pages),
    [['a-p1', 'a-p2'], ['b']],
  );
  // In auto mode a file boundary between multi-page files is evidence, within a file too.
  assert.ok(auto.grouping.decisions[1]!.evidence.some((e) => e.cue === 'sameFile'));
});

test('a blank page is kept with the document before it and gives no record of its own', () => {
  const blank = { ...page('0002', []), lines: [] };
  const next = page('0003', ['CIPHERED TELEGRAM No. 21341', 'To Cde. Stalin (2 copies)', 'From: Peking, 16:00, 1 July 1951.', '', ...PROSE]);
  const grouping = decideGrouping([catchwordPage, blank, next], { mode: 'auto', profiles });
  assert.equal(grouping.decisions[1]!.rule, 'blank-page');
  assert.equal(grouping.decisions[1]!.decision, 'continue');
  assert.equal(grouping.decisions[2]!.decision, 'start');
  assert.deepEqual(
    grouping.documents.map((d) => d.map((p) => p.pageId)),
    [['0001', '0002'], ['0003']],
  );
});
