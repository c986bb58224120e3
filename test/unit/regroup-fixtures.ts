// A box of four typed pages built from text (no OCR), as the pipeline leaves them:
// page JSON under OUT/pages, records built by buildRecords into OUT/records and the
// review store. Telegram 21340 runs over pages 0001-0002 (a catchword joins them),
// 21341 and 21342 are one page each. A "timid" grouping model (the shipped weights,
// scaled down) makes the same decisions as the shipped one but doubts every one of
// them, so every record waits for a person to confirm its grouping.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { MODEL_FILE } from '../../src/group/model.ts';
import { parseGroupingModel, type GroupingModel } from '../../src/group/index.ts';
import { silentLogger } from '../../src/logger.ts';
import { writeJsonAtomic } from '../../src/records/atomic-write.ts';
import { recordBuildSettings } from '../../src/records/build-settings.ts';
import { pageJsonPath } from '../../src/records/layout.ts';
import { loadProfiles } from '../../src/segment/index.ts';
import { buildRecords, type BuildRecordsResult } from '../../src/pipeline/index.ts';
import type { ReviewStore } from '../../src/store/index.ts';
import type { PageResult } from '../../src/types.ts';
import { pageFromText } from './segment-fixtures.ts';

export const profiles = loadProfiles({});

const PROSE = [
  'The situation of the refugees in the frontier districts has not changed',
  'since my last report, and the local authorities continue to refuse them',
  'permission to remain. Several families have been sent back across the',
  'border during the past week, and others are waiting in the open fields',
  'without shelter or food. The committee has asked the Government to allow',
  'them to stay until their papers can be examined, but no answer has been',
];

function page(pageId: string, key: string, rows: string[]): PageResult {
  const p = pageFromText(rows, { pageId, documentKey: key, paragraphsFromBlankLines: true });
  return { ...p, file: `box/${pageId}.png`, contentHash: `sha-${pageId}-${key.length}` };
}

export function boxPages(key: string): PageResult[] {
  return [
    page('0001', key, [
      'CIPHERED TELEGRAM No. 21340',
      'To Cde. Stalin (2 copies)',
      'From: Peking, 15:00, 30 June 1951.',
      '',
      ...PROSE,
      'help from abroad, and they will send a further appeal to the League',
      '',
      '                                                   Using',
    ]),
    page('0002', key, [
      'Using the funds collected last month they have opened two kitchens near',
      'the station, where about four hundred meals a day are given out.',
      ...PROSE,
      '',
      '                                            Mao Zedong.',
    ]),
    page('0003', key, ['CIPHERED TELEGRAM No. 21341', 'To Cde. Stalin (2 copies)', 'From: Peking, 16:00, 1 July 1951.', '', ...PROSE, '', '                                            Mao Zedong.']),
    page('0004', key, ['CIPHERED TELEGRAM No. 21342', 'To Cde. Stalin (3 copies)', 'From: Peking, 18:00, 2 July 1951.', '', ...PROSE, '', '                                            Zhou Enlai.']),
  ];
}

/** The shipped model's decisions, each doubted: weights scaled so no decision reaches the model's threshold. */
export function timidModel(scale = 0.12): GroupingModel {
  const file = JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as { weights: Record<string, number> | null; prior: Record<string, number> };
  const weights = Object.fromEntries(Object.entries(file.weights ?? file.prior).map(([k, v]) => [k, v * scale]));
  return parseGroupingModel({ ...file, weights });
}

export const config: Config = loadConfig({ env: {} });

/** Writes the pages' JSON as `readPage` does, so a rebuild (and a re-run) finds them. */
export async function writePages(outDir: string, pages: readonly PageResult[]): Promise<void> {
  for (const p of pages) await writeJsonAtomic(pageJsonPath(outDir, p.pageId), p);
}

/** One build of the sequence as the in-process run does it (store sink, files under outDir). */
export function build(outDir: string, store: ReviewStore | undefined, pages: readonly PageResult[], model?: GroupingModel): Promise<BuildRecordsResult> {
  return buildRecords(pages, {
    config,
    logger: silentLogger(),
   
    profiles,
    outDir,
    store: store?.recordSink({ batch: 'box', cwd: path.dirname(outDir), outDir, build: recordBuildSettings(config, path.dirname(outDir)) }),
    groupingModel: model,
  });
}
