// JSON Lines: one record per line, for tools that stream (jq -c, pandas, BigQuery).
import type { RecordStream } from '../format.ts';
import { writeStreamed } from './streamed-file.ts';

export async function writeJsonl(file: string, records: RecordStream): Promise<number> {
  let count = 0;
  async function* lines(): AsyncGenerator<string> {
    for await (const record of records) {
      count += 1;
      yield `${JSON.stringify(record)}\n`;
    }
  }
  await writeStreamed(file, lines());
  return count;
}
