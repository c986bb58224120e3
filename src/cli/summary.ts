// The table printed at the end of `run`: what a person checks first.
import type { ReportSummary } from '../pipeline/index.ts';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatSummary(report: ReportSummary, outDir: string): string {
  const c = report.counts;
  const minutes = report.durationMs / 60000;
  const perMin = minutes > 0 && c.pagesRead > 0 ? ` (${(c.pagesRead / minutes).toFixed(1)} pages/min)` : '';
  const lines: string[] = [];
  const notReached = c.pagesNotReached ? `, ${c.pagesNotReached} not reached` : '';
  lines.push(
    `cablescan: ${plural(c.pages, 'page')} (${c.pagesRead} read, ${c.pagesResumed} already done, ${c.pagesFailed} failed${notReached}) -> ${plural(c.records, 'record')} in ${(report.durationMs / 1000).toFixed(1)} s${perMin}`,
  );
  // Which engine and model read the pages, and why: the first thing to know when readings differ between machines.
  for (const use of report.ocr.engines) {
    const version = use.engineVersion ? ` ${use.engineVersion}` : '';
    lines.push(`OCR: ${use.engine}${version}${use.model ? `, model ${use.model}` : ''}: ${plural(use.pages, 'page')}${use.reason ? ` (${use.reason})` : ''}`);
  }
  if (c.pagesBlank > 0 || c.pagesNearlyBlank > 0) lines.push(`${c.pagesBlank} blank page(s), ${c.pagesNearlyBlank} nearly blank (read line by line)`);
  const fieldNames = Object.keys(report.fields).sort();
  if (fieldNames.length > 0) {
    const rows = [['field', 'accepted', 'needs review', 'missing']];
    for (const name of fieldNames) {
      const f = report.fields[name];
      rows.push([name, String(f.accepted), String(f.needs_review), String(f.missing)]);
    }
    rows.push(['total', String(c.fields.accepted), String(c.fields.needs_review), String(c.fields.missing)]);
    lines.push('', table(rows));
  }
  if (report.failuresTotal > 0) {
    lines.push('', `Failures (${report.failuresTotal}):`);
    for (const f of report.failures) lines.push(`  ${f.file}${f.pageId ? ` [${f.pageId}]` : ''}  ${f.code}  ${f.message}`);
    const more = report.failuresTotal - report.failures.length;
    if (more > 0) lines.push(`  ... and ${more} more (report.json lists them all)`);
  }
  if (report.skipped.length > 0) lines.push('', `Skipped ${report.skipped.length} non-image file(s) (listed in report.json).`);
  if (report.interrupted) lines.push('', 'Interrupted: run the same command again to resume; finished pages are kept.');
  lines.push('', `Output: ${outDir}/records/, ${outDir}/pages/, ${outDir}/report.json`);
  return lines.join('\n');
}
