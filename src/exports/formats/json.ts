// JSON: one array in one file, or one <recordId>.json per record in a folder.
import { z } from 'zod';
import type { RecordsFormat } from '../format.ts';

export const json: RecordsFormat = {
  name: 'json',
  kind: 'records',
  extension: 'json',
  summary: 'one JSON array in a file, or one <recordId>.json per record in a folder',
  options: z.object({}).strict(),
  async create() {
    const { writeJsonArray, writeJsonFolder } = await import('../records/json.ts');
    return {
      async write(records, target) {
        const count = target.folder ? await writeJsonFolder(target.path, records()) : await writeJsonArray(target.path, records());
        return { records: count, path: target.path, folder: target.folder };
      },
    };
  },
};
