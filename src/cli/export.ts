// `cablescan export <destination> --format json|jsonl|csv --out DIR`: the records
// with every correction applied and each field's final status, from the review
// store, to the file or folder named. records/ stays what the pipeline wrote.
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CablescanError, ErrorCode } from '../errors.ts';
import { EXPORT_FORMATS, writeExport, type ExportFormat } from '../records/writers/index.ts';
import { openExistingStore } from '../store/index.ts';
import { contextFrom, EXIT } from './common.ts';

function formatFrom(destination: string, given: string | undefined): ExportFormat {
  if (given) return given as ExportFormat;
  const ext = path.extname(destination).slice(1).toLowerCase();
  if ((EXPORT_FORMATS as readonly string[]).includes(ext)) return ext as ExportFormat;
  throw new CablescanError(ErrorCode.CONFIG_INVALID, `say --format json, jsonl or csv (the destination ${destination} does not tell)`);
}

/** True when `inner` is `outer` or lies inside it. */
function within(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write the records with review corrections applied (JSON, JSON Lines or CSV) to a file or folder')
    .argument('<destination>', 'file, or folder (existing, or ending in /): json writes <id>.json per record there, jsonl/csv records.<ext>')
    .addOption(new Option('-f, --format <format>', 'output format (default: from the destination extension)').choices([...EXPORT_FORMATS]))
    .option('-o, --out <dir>', 'output folder of `cablescan run` (its store is <dir>/cablescan.db)')
    .option('--db <file>', 'review store file; env CABLESCAN_DB')
    .option('--batch <name>', 'only the records of this batch')
    .option('--reviewed-only', 'only records with nothing left to review')
    .action(async (destination: string, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const format = formatFrom(destination, opts.format);
      const { config } = contextFrom(opts, { db: opts.db });
      const store = openExistingStore({ out: opts.out, db: config.db });
      try {
        // records/ beside the store (and under --out) is the pipeline's own output: never overwritten by an export.
        const guarded = [path.join(path.dirname(store.file), 'records'), ...(opts.out ? [path.resolve(opts.out, 'records')] : [])];
        const hit = guarded.find((dir) => within(path.resolve(destination), dir));
        if (hit) {
          throw new CablescanError(ErrorCode.CONFIG_INVALID, `${destination} is inside ${hit}, which holds what the pipeline wrote: export elsewhere`);
        }
        if (opts.batch && !store.hasBatch(opts.batch)) {
          throw new CablescanError(ErrorCode.CONFIG_INVALID, `no batch "${opts.batch}" in ${store.file} (batches: ${store.facets().batches.map((b) => b.name).join(', ') || 'none'})`);
        }
        const result = await writeExport(() => store.finalRecords({ batch: opts.batch, reviewedOnly: Boolean(opts.reviewedOnly) }), { format, to: destination });
        const where = path.relative(process.cwd(), result.path) || '.';
        process.stdout.write(`exported ${result.records} record(s) as ${format} to ${where}${result.folder ? '/' : ''}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        store.close();
      }
    });
}
