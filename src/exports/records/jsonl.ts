// JSON Lines: one record per line, for tools that stream (jq -c, pandas, BigQuery).
import type { TelegramRecord } from '../../types.ts';
import { writeStreamed } from './streamed-file.ts';

export async function writeJsonl(file: string, records: Iterable<TelegramRecord>): Promise<number> {
  let count = 0;
  function* lines(): Generator<string> {
    for (const record of records) {
      count += 1;
      yield `${JSON.stringify(record)}\n`;
    }
  }
  await writeStreamed(file, lines());
  return count;
}
