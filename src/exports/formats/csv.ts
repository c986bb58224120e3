// CSV: a row per record, a value and a status column per field (records.csv in a folder).
import path from 'node:path';
import { z } from 'zod';
import type { RecordsFormat } from '../format.ts';

export const csv: RecordsFormat = {
  name: 'csv',
  kind: 'records',
  extension: 'csv',
  summary: 'CSV, a row per record, value and status columns per field (records.csv in a folder)',
  options: z.object({}).strict(),
  async create() {
    const { writeCsv } = await import('../records/csv.ts');
    return {
      async write(records, target) {
        const file = target.folder ? path.join(target.path, 'records.csv') : target.path;
        return { records: await writeCsv(file, records), path: file, folder: false };
      },
    };
  },
};
