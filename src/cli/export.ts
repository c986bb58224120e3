// `cablescan export <destination> --format <records format> --out DIR`: the records with
// every correction applied and each field's final status, from the review store, to the file
// or folder named. records/ stays what the pipeline wrote. Archival formats (comma-separated)
// write the archival files instead. The formats are the registry's (src/exports/formats/).
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CablescanError, ErrorCode } from '../errors.ts';
import { ARCHIVAL_FORMAT_NAMES, RECORDS_FORMAT_NAMES, RECORDS_FORMATS } from '../exports/formats/index.ts';
import { openExistingStore } from '../store/index.ts';
import { contextFrom, EXIT } from './common.ts';

const sayRecords = (or: string) => `${RECORDS_FORMAT_NAMES.slice(0, -1).join(', ')} ${or} ${RECORDS_FORMAT_NAMES.at(-1)}`;

/** The records format named by --format, or by the destination's extension. */
function formatFrom(destination: string, given: string | undefined): string {
  if (given && RECORDS_FORMAT_NAMES.includes(given)) return given;
  if (given)
    throw new CablescanError(ErrorCode.CONFIG_INVALID, `--format ${given}: say ${sayRecords('or')}, or archival formats ${ARCHIVAL_FORMAT_NAMES.join(',')}`);
  const byExtension = RECORDS_FORMATS.find((f) => f.extension === path.extname(destination).slice(1).toLowerCase());
  if (byExtension) return byExtension.name;
  throw new CablescanError(ErrorCode.CONFIG_INVALID, `say --format ${sayRecords('or')} (the destination ${destination} does not tell)`);
}

/** True when `inner` is `outer` or lies inside it. */
function within(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      `write the records with review corrections applied (${RECORDS_FORMAT_NAMES.join(', ')}; or archival formats ${ARCHIVAL_FORMAT_NAMES.join(', ')}) to a file or folder`,
    )
    .argument(
      '[destination]',
      'file, or folder (existing, or ending in /): json writes <id>.json per record there, the others records.<ext>; archival formats a folder (docs/exports.md)',
    )
    .addOption(
      new Option(
        '-f, --format <format>',
        `${sayRecords('or')}, or archival formats, comma-separated: ${ARCHIVAL_FORMAT_NAMES.join(',')} (default: from the destination extension)`,
      ),
    )
    .option('--to <dir>', 'destination (instead of the argument)')
    .option('-o, --out <dir>', 'output folder of `cablescan run` (its store is <dir>/cablescan.db)')
    .option('--db <file|url>', 'review store: a SQLite file or postgres://...; env CABLESCAN_DB, DATABASE_URL')
    .option('--batch <name>', 'only the records of this batch')
    .option('--reviewed-only', 'only records with nothing left to review')
    .action(async (destinationArg: string | undefined, _opts, cmd: Command) => {
      const opts = cmd.optsWithGlobals();
      const destination: string | undefined = destinationArg ?? opts.to;
      if (!destination) cmd.error('say where to export: a destination, or --to DIR', { exitCode: EXIT.usage });
      // Loaded here, not at the top: the exporters cost every other command's start (an embedded
      // `cablescan run` above all) CPU for nothing.
      const [{ writeExport }, { archivalFormatsFrom, describeArchivalExport, exportArchivalFromStore }] = await Promise.all([
        import('../exports/records/index.ts'),
        import('../exports/from-store.ts'),
      ]);
      const selected = archivalFormatsFrom(opts.format) ?? formatFrom(destination, opts.format);
      const { config, logger } = contextFrom(opts, { db: opts.db });
      const store = await openExistingStore({ out: opts.out, db: config.db });
      try {
        // records/ beside the store (and under --out) is the pipeline's own output: never overwritten by an export.
        const guarded = [
          ...(store.kind === 'sqlite' ? [path.join(path.dirname(store.file), 'records')] : []),
          ...(opts.out ? [path.resolve(opts.out, 'records')] : []),
        ];
        const hit = guarded.find((dir) => within(path.resolve(destination), dir));
        if (hit) {
          throw new CablescanError(ErrorCode.CONFIG_INVALID, `${destination} is inside ${hit}, which holds what the pipeline wrote: export elsewhere`);
        }
        if (opts.batch && !(await store.hasBatch(opts.batch))) {
          const known = (await store.facets()).batches.map((b) => b.name);
          throw new CablescanError(ErrorCode.CONFIG_INVALID, `no batch "${opts.batch}" in ${store.file} (batches: ${known.join(', ') || 'none'})`);
        }
        if (Array.isArray(selected)) {
          // The words come from the run's pages/ (under --out, else beside a SQLite store); the store has the reviews.
          if (!opts.out && store.kind !== 'sqlite')
            throw new CablescanError(ErrorCode.CONFIG_INVALID, "archival formats read the words from the run's pages/: say --out DIR");
          const out = opts.out ?? path.dirname(store.file);
          const archived = await exportArchivalFromStore(store, {
            formats: selected,
            to: destination,
            out,
            batch: opts.batch,
            reviewedOnly: Boolean(opts.reviewedOnly),
            config,
            logger,
          });
          const { summary, warnings } = describeArchivalExport(archived, selected, path.relative(process.cwd(), path.resolve(destination)) || '.');
          for (const w of warnings) process.stderr.write(`cablescan: ${w}\n`);
          process.stdout.write(`${summary}\n`);
          process.exitCode = EXIT.ok;
          return;
        }
        const format = selected;
        // Streamed from the store a record at a time; CSV asks twice (its columns first), so each call reads again.
        const records = () => store.finalRecords({ batch: opts.batch, reviewedOnly: Boolean(opts.reviewedOnly) });
        const result = await writeExport(records, { format, to: destination }, config.exportOptions);
        const where = path.relative(process.cwd(), result.path) || '.';
        process.stdout.write(`exported ${result.records} record(s) as ${format} to ${where}${result.folder ? '/' : ''}\n`);
        process.exitCode = EXIT.ok;
      } finally {
        await store.close();
      }
    });
}
