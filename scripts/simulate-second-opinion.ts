// `npm run simulate:second-opinion -- FROM TO [--min-gain=0.02] [--max-words=40]`: the page JSON of a
// run read with an unbounded second opinion (secondOpinion.minGain -1, a high maxWords), as the
// budgeted second opinion (src/ocr/second-opinion.ts, chooseWords) would have left it: every
// replaced word the budget would not have re-read gets the page reading's text and confidence
// back. Exact, because each word is re-read alone and the rest of the page does not depend on it.
// FROM and TO are bench:fields folders (set/ and out/pages/) or `cablescan run` output folders
// (pages/); TO gets the same set (hard links) and the pages marked with this pipeline version, so
// `bench:fields --reuse TO` rebuilds the records from them without reading anything again.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { chooseWords } from '../src/ocr/second-opinion.ts';
import { pageConfidence } from '../src/ocr/tesseract-result.ts';
import type { PageResult } from '../src/types.ts';
import { PIPELINE_VERSION } from '../src/version.ts';

/** The page as the budget leaves it; `kept` counts the replacements the budget keeps. */
export function budgeted(
  page: PageResult,
  options: { minConfidence: number; maxWords: number; minGain: number },
): { page: PageResult; kept: number; reverted: number } {
  const so = page.ocr.secondOpinion;
  if (!so?.replaced?.length) return { page: { ...page, pipelineVersion: PIPELINE_VERSION }, kept: 0, reverted: 0 };
  const replaced = new Map(so.replaced.map((r) => [`${r.line}/${r.word}`, r]));
  const before = page.lines.map((line, li) => ({
    ...line,
    words: line.words.map((w, wi) => {
      const r = replaced.get(`${li}/${wi}`);
      return r ? { ...w, text: r.was, confidence: r.wasConfidence } : w;
    }),
  }));
  const chosen = new Set(chooseWords({ lines: before, model: page.ocr.model }, options).map((w) => `${w.li}/${w.wi}`));
  let kept = 0;
  const lines = page.lines.map((line, li) => {
    let changed = false;
    const words = line.words.map((w, wi) => {
      const key = `${li}/${wi}`;
      if (!replaced.has(key) || chosen.has(key)) {
        if (replaced.has(key)) kept += 1;
        return w;
      }
      changed = true;
      return before[li]!.words[wi]!;
    });
    if (!changed) return line;
    return { ...line, words, text: words.map((w) => w.text).join(' '), confidence: words.reduce((a, w) => a + w.confidence, 0) / words.length };
  });
  const text = lines.map((l, i) => (i > 0 && l.paragraph !== lines[i - 1]!.paragraph ? `\n${l.text}` : l.text)).join('\n');
  const wordsReread = chooseWords({ lines: before, model: page.ocr.model }, options).length;
  const keptReplaced = so.replaced.filter((r) => chosen.has(`${r.line}/${r.word}`));
  return {
    page: {
      ...page,
      pipelineVersion: PIPELINE_VERSION,
      lines,
      text,
      ocr: {
        ...page.ocr,
        ...pageConfidence(lines),
        secondOpinion: { wordsReread, wordsReplaced: keptReplaced.length, ...(keptReplaced.length ? { replaced: keptReplaced } : {}) },
      },
    },
    kept,
    reverted: so.replaced.length - kept,
  };
}

async function main(): Promise<void> {
  // Defaults: the configuration's (config.ts, secondOpinion).
  const defaults = loadConfig({ env: {} }).secondOpinion as { minConfidence: number; maxWords: number; minGain: number };
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'min-gain': { type: 'string', default: String(defaults.minGain) },
      'max-words': { type: 'string', default: String(defaults.maxWords) },
      'min-confidence': { type: 'string', default: String(defaults.minConfidence) },
    },
  });
  const [from, to] = positionals;
  if (!from || !to) {
    console.error('usage: npm run simulate:second-opinion -- FROM TO [--min-gain=0.02] [--max-words=40]');
    process.exit(2);
  }
  const options = { minConfidence: Number(values['min-confidence']), maxWords: Number(values['max-words']), minGain: Number(values['min-gain']) };
  const generated = existsSync(path.join(from, 'set'));
  const pagesFrom = generated ? path.join(from, 'out', 'pages') : path.join(from, 'pages');
  const pagesTo = generated ? path.join(to, 'out', 'pages') : path.join(to, 'pages');
  mkdirSync(pagesTo, { recursive: true });
  if (generated && !existsSync(path.join(to, 'set'))) cpSync(path.join(from, 'set'), path.join(to, 'set'), { recursive: true });
  let kept = 0;
  let reverted = 0;
  for (const f of readdirSync(pagesFrom).filter((n) => n.endsWith('.json'))) {
    const result = budgeted(JSON.parse(readFileSync(path.join(pagesFrom, f), 'utf8')) as PageResult, options);
    kept += result.kept;
    reverted += result.reverted;
    writeFileSync(path.join(pagesTo, f), JSON.stringify(result.page));
    writeFileSync(path.join(pagesTo, f.replace(/\.json$/, '.txt')), `${result.page.text}\n`);
  }
  console.log(`${from} -> ${to}: ${kept} replacements kept, ${reverted} put back (min gain ${options.minGain}, at most ${options.maxWords} words a page)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
