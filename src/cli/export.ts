// `cablescan export <destination> --format json|jsonl|csv --out DIR`: the records
// with every correction applied and each field's final status, from the review
// store, to the file or folder named. records/ stays what the pipeline wrote.
// `--format alto,page,hocr,mets,pdf` writes the archival files instead (src/exports).
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CablescanError, ErrorCode } from '../errors.ts';
import { EXPORT_FORMATS, writeExport, type ExportFormat } from '../records/writers/index.ts';
import { archivalFormatsFrom, describeArchivalExport, exportArchivalFromStore } from '../exports/from-store.ts';
import { openExistingStore } from '../store/index.ts';
import { contextFrom, EXIT } from './common.ts';

function formatFrom(destination: string, given: string | undefined): ExportFormat {
  if (given && (EXPORT_FORMATS as readonly string[]).includes(given)) return given as ExportFormat;
  if (given) throw new CablescanError(ErrorCode.CONFIG_INVALID, `--format ${given}: say json, jsonl, csv, or archival formats alto,page,hocr,mets,pdf`);
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
    .description('write the records with review corrections applied (JSON, JSON Lines or CSV; or ALTO, PAGE, hOCR, METS, searchable PDF) to a file or folder')
    .argument('[destination]', 'file, or folder (existing, or ending in /): json writes <id>.json per record there, jsonl/csv records.<ext>; archival formats a folder (docs/exports.md)')
    .addOption(new Option('-f, --format <format>', 'json, jsonl, csv, or archival formats, comma-separated: alto,page,hocr,mets,pdf (default: from the destination extension)'))
    .option('--to <dir>', 'destination (instead of the argument)')
    .option('-o, --out <dir>', 'output folder of `cablescan run` (its store is <dir>/cablescan.db)')
    .option('--db <file>', 'review store file; env CABLESCAN_DB')
    .option('--batch <name>', 'only the records of this batch')
    .option('--reviewed-only', 'only records with nothing left to review')
    .action(async (destinationArg: string | undefined, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const destination: string | undefined = destinationArg ?? opts.to;
      if (!destination) cmd.error('say where to export: a destination, or --to DIR', { exitCode: EXIT.usage });
      const selected = archivalFormatsFrom(opts.format) ?? formatFrom(destination, opts.format);
      const { config, logger } = contextFrom(opts, { db: opts.db });
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
        if (Array.isArray(selected)) {
          // The words come from the run's pages/ (under --out, else beside the store); the store has the reviews.
          const out = opts.out ?? path.dirname(store.file);
          const archived = await exportArchivalFromStore(store, { formats: selected, to: destination, out, batch: opts.batch, reviewedOnly: Boolean(opts.reviewedOnly), config, logger });
          const { summary, warnings } = describeArchivalExport(archived, selected, path.relative(process.cwd(), path.resolve(destination)) || '.');
          for (const w of warnings) process.stderr.write(`cablescan: ${w}\n`);
          process.stdout.write(`${summary}\n`);
          process.exitCode = EXIT.ok;
          return;
        }
        const format = selected;
        const result = await writeExport(() => store.finalRecords({ batch: opts.batch, reviewedOnly: Boolean(opts.reviewedOnly) }), { format, to: destination });
        const where = path.relative(process.cwd(), result.path) || '.';
        process.stdout.write(`exported ${result.records} record(s) as ${format} to ${where}${result.folder ? '/' : ''}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        store.close();
      }
    });
}
