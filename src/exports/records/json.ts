// JSON exports: one array in one file, or one <recordId>.json per record in a
// folder (the same layout as the pipeline's records/, with reviews applied).
import path from 'node:path';
import type { RecordStream } from '../format.ts';
import { writeJsonAtomic } from '../../records/atomic-write.ts';
import { writeStreamed } from './streamed-file.ts';

export async function writeJsonArray(file: string, records: RecordStream): Promise<number> {
  let count = 0;
  async function* chunks(): AsyncGenerator<string> {
    yield '[';
    for await (const record of records) {
      // Two-space indentation like the record files, each record indented one level.
      yield `${count === 0 ? '\n' : ',\n'}  ${JSON.stringify(record, null, 2).replace(/\n/g, '\n  ')}`;
      count += 1;
    }
    yield count ? '\n]\n' : ']\n';
  }
  await writeStreamed(file, chunks());
  return count;
}

export async function writeJsonFolder(dir: string, records: RecordStream): Promise<number> {
  let count = 0;
  for await (const record of records) {
    await writeJsonAtomic(path.join(dir, `${record.id}.json`), record);
    count += 1;
  }
  return count;
}
