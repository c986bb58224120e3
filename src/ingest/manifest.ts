// Batch manifest: tells cablescan which files to read and in which language(s),
// for collections that mix languages (a Danish report among English dispatches).
//
// Two formats, chosen by the file's extension (.json, .csv, .tsv; anything else
// is read as JSON when it starts with "{", else as CSV):
//
// JSON
//   {
//     "defaults": { "lang": "eng" },             // optional; applies to every file not listed
//     "files": [
//       { "path": "scans/0001.jpg", "lang": "dan" },
//       { "path": "box12/" , "lang": "eng+fra" }, // a folder: every file below it
//       { "path": "pdfs/", "documents": "file" },  // how pages group: auto | file | folder | page
//       { "path": "scans/0002.jpg" }               // lang optional: defaults.lang, else --lang
//     ]
//   }
//
// CSV / TSV: a header row naming the columns `path` and (optionally) `lang` and
// `documents`, then one row per file or folder. Comma-separated for .csv, tab-separated for .tsv.
// Empty lines and lines starting with "#" are ignored; CSV fields may be quoted
// ("a, b.jpg", with "" for a quote inside). An empty lang means the default.
//
//   path,lang
//   scans/0001.jpg,dan
//   scans/0002.jpg,eng
//
// Paths are relative to the manifest's own folder (absolute paths are allowed).
// Languages are Tesseract names joined with "+", e.g. "eng" or "eng+fra".
//
// How it is used: with no other inputs, the manifest's files (and folders) are
// the batch, in the manifest's order. When files or folders are also named on the
// command line, those are the batch and the manifest only supplies languages for
// the files it matches (the most specific entry wins: a file over its folder).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CablescanError, ErrorCode } from '../errors.ts';
import { GROUPING_MODES, type GroupingMode } from '../group/modes.ts';

const langSchema = z.string().regex(/^[a-z_]{3,}(\+[a-z_]{3,})*$/i, 'languages look like "eng" or "eng+fra"');

const jsonManifestSchema = z
  .object({
    defaults: z
      .object({ lang: langSchema.optional(), documents: z.enum(GROUPING_MODES).optional() })
      .strict()
      .optional(),
    files: z.array(z.object({ path: z.string().min(1), lang: langSchema.optional(), documents: z.enum(GROUPING_MODES).optional() }).strict()).default([]),
  })
  .strict();

export interface ManifestEntry {
  /** The path as the manifest writes it. */
  path: string;
  /** The manifest's folder (as given) joined with `path`: how the file is named in outputs. */
  file: string;
  /** Absolute path. */
  absolutePath: string;
  lang?: string;
  /** How this entry's pages group into documents (`--documents` for these files). */
  documents?: GroupingMode;
}

export interface Manifest {
  /** The manifest path as given. */
  source: string;
  defaultLang?: string;
  defaultDocuments?: GroupingMode;
  entries: ManifestEntry[];
}

function invalid(manifestFile: string, reason: string, cause?: unknown): CablescanError {
  return new CablescanError(ErrorCode.CONFIG_INVALID, `manifest ${manifestFile}: ${reason}`, { file: manifestFile, retryable: false, cause });
}

/** Splits one CSV/TSV line into fields; handles "quoted, fields" with "" escapes. */
export function splitDelimitedLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"' && current === '') quoted = true;
    else if (ch === delimiter) {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields.map((f) => f.trim());
}

function parseDelimited(text: string, delimiter: string, manifestFile: string): z.input<typeof jsonManifestSchema> {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  if (lines.length === 0) throw invalid(manifestFile, 'it is empty (expected a header row "path,lang")');
  const header = splitDelimitedLine(lines[0].line, delimiter).map((h) => h.toLowerCase());
  const pathColumn = header.indexOf('path');
  const langColumn = header.indexOf('lang');
  const documentsColumn = header.indexOf('documents');
  if (pathColumn < 0)
    throw invalid(manifestFile, `the header row must name a "path" column (found ${header.length} column${header.length === 1 ? '' : 's'}, none named "path")`);
  const files = lines.slice(1).map(({ line, number }) => {
    const fields = splitDelimitedLine(line, delimiter);
    const filePath = fields[pathColumn] ?? '';
    if (filePath === '') throw invalid(manifestFile, `line ${number}: empty path`);
    const lang = langColumn >= 0 ? fields[langColumn] : undefined;
    const documents = documentsColumn >= 0 ? fields[documentsColumn] : undefined;
    return { path: filePath, ...(lang ? { lang } : {}), ...(documents ? { documents: documents as GroupingMode } : {}) };
  });
  return { files };
}

/** Reads and validates a manifest; every problem is CS_ERR_CONFIG_INVALID naming the manifest. */
export async function loadManifest(manifestFile: string, cwd: string): Promise<Manifest> {
  const absolute = path.resolve(cwd, manifestFile);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw invalid(manifestFile, `cannot be read (${(err as Error).message})`, err);
  }
  const ext = path.extname(absolute).toLowerCase();
  let raw: unknown;
  if (ext === '.csv' || ext === '.tsv' || (ext !== '.json' && !text.trimStart().startsWith('{'))) {
    raw = parseDelimited(text, ext === '.tsv' ? '\t' : ',', manifestFile);
  } else {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      // JSON.parse's message quotes the text around the error: say where, not what.
      const at = /position (\d+)/.exec((err as Error).message)?.[1];
      throw invalid(manifestFile, `not valid JSON${at ? ` (at character ${at})` : ''}`, err);
    }
  }
  const parsed = jsonManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw invalid(manifestFile, problems);
  }
  const baseGiven = path.dirname(manifestFile);
  const baseAbsolute = path.dirname(absolute);
  return {
    source: manifestFile,
    defaultLang: parsed.data.defaults?.lang,
    defaultDocuments: parsed.data.defaults?.documents,
    entries: parsed.data.files.map((entry) => ({
      path: entry.path,
      file: path.isAbsolute(entry.path) ? entry.path : path.join(baseGiven, entry.path),
      absolutePath: path.resolve(baseAbsolute, entry.path),
      lang: entry.lang,
      documents: entry.documents,
    })),
  };
}

/**
 * The language for a file: the most specific manifest entry naming the file or
 * a folder above it, else the manifest's default, else `fallback`.
 */
export function languageFor(manifest: Manifest | undefined, absolutePath: string, fallback: string | undefined): string | undefined {
  if (!manifest) return fallback;
  return mostSpecific(manifest, absolutePath, 'lang') ?? manifest.defaultLang ?? fallback;
}

/** The grouping mode for a file: the most specific manifest entry that sets one, else the manifest's default, else `fallback`. */
export function groupingFor(manifest: Manifest | undefined, absolutePath: string, fallback: GroupingMode): GroupingMode {
  if (!manifest) return fallback;
  return mostSpecific(manifest, absolutePath, 'documents') ?? manifest.defaultDocuments ?? fallback;
}

function mostSpecific<K extends 'lang' | 'documents'>(manifest: Manifest, absolutePath: string, key: K): ManifestEntry[K] | undefined {
  let best: { depth: number; value: ManifestEntry[K] } | undefined;
  for (const entry of manifest.entries) {
    if (entry[key] === undefined) continue;
    const target = entry.absolutePath.replace(/[\\/]+$/, '');
    const matches = absolutePath === target || absolutePath.startsWith(target + path.sep);
    if (matches && (!best || target.length > best.depth)) best = { depth: target.length, value: entry[key] };
  }
  return best?.value;
}
