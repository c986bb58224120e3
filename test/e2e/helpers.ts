// Shared by the end-to-end tests: run the real CLI as a user would.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { distance } from 'fastest-levenshtein';
import type { TelegramRecord } from '../../src/types.ts';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(REPO, 'bin', 'cablescan.js');

/**
 * A path in the shared material beside the repository (`../shared`: corpus, schemas). From a
 * git worktree elsewhere, the main checkout's `../shared` is used when the worktree has none.
 */
export function sharedPath(...parts: string[]): string {
  const beside = path.resolve(REPO, '..', 'shared', ...parts);
  if (existsSync(beside)) return beside;
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: REPO, encoding: 'utf8' }).stdout?.trim();
  const main = common ? path.resolve(path.dirname(common), '..', 'shared', ...parts) : beside;
  return existsSync(main) ? main : beside;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function readRecords(outDir: string): TelegramRecord[] {
  const dir = path.join(outDir, 'records');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as TelegramRecord);
}

/** Character error rate of `actual` against `expected`, whitespace runs collapsed. */
export function cer(actual: string, expected: string): number {
  const norm = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
  const e = norm(expected);
  return e.length === 0 ? (norm(actual).length === 0 ? 0 : 1) : distance(norm(actual), e) / e.length;
}

export interface ExpectedSample {
  name: string;
  file: string;
  profile: string;
  degradation: { preset: string };
  fields: Record<string, string | number>;
  pages: Array<{ pageId: string }>;
}

export function readExpectedSamples(dir = path.join(REPO, 'samples')): ExpectedSample[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as ExpectedSample);
}
