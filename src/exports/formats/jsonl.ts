// JSON Lines: one record per line (records.jsonl in a folder).
import path from 'node:path';
import { z } from 'zod';
import type { RecordsFormat } from '../format.ts';

export const jsonl: RecordsFormat = {
  name: 'jsonl',
  kind: 'records',
  extension: 'jsonl',
  summary: 'JSON Lines, one record a line (records.jsonl in a folder)',
  options: z.object({}).strict(),
  async create() {
    const { writeJsonl } = await import('../records/jsonl.ts');
    return {
      async write(records, target) {
        const file = target.folder ? path.join(target.path, 'records.jsonl') : target.path;
        return { records: await writeJsonl(file, records()), path: file, folder: false };
      },
    };
  },
};
