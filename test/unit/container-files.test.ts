// The Dockerfile, docker-compose.yml and the files around them, checked without Docker (CI has
// none). Each check is something a change elsewhere can break while every other test stays green,
// and that only a build or a `docker compose up` would show (docs/benchmarks.md, issue 20, "compose"):
// a runtime import of a devDependency (the image installs with --omit=dev), a runtime file reaching
// a folder the image does not copy, a secret or variable the compose file names and nothing provides.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const dockerfile = read('Dockerfile');
const compose = read('docker-compose.yml');
const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** The final stage of the Dockerfile (after its last FROM). */
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
/** What the final stage copies from the build context (`COPY bin ./bin`), not from another stage. */
const copied = [...finalStage.matchAll(/^COPY (?!--from)(.+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/).slice(0, -1));
const RUNTIME_DIRS = ['bin', 'src', 'queues', 'workers'];

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...filesUnder(rel));
    else if (/\.(ts|mts|js|mjs|cjs)$/.test(name)) out.push(rel);
  }
  return out;
}

/** The module specifiers a file loads at run time (type-only imports are erased by tsx). */
function specifiers(source: string): string[] {
  const code = source.replace(/^\s*(\/\/.*|\*.*|\/\*.*)$/gm, '');
  const found: string[] = [];
  for (const m of code.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) if (!m[1]) found.push(m[2]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  for (const m of code.matchAll(/\brequire(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  for (const m of code.matchAll(/createRequire\([^)]*\)\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found;
}

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const runtimeFiles = RUNTIME_DIRS.flatMap(filesUnder);

test('the image copies the runtime folders, and .dockerignore leaves them in the build context', () => {
  for (const dir of RUNTIME_DIRS) assert.ok(copied.includes(dir), `the Dockerfile's final stage copies ${dir}`);
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const entry of copied) assert.ok(!ignored.includes(entry), `.dockerignore leaves out ${entry}, which the image copies`);
  assert.ok(runtimeFiles.length > 50, `runtime files found: ${runtimeFiles.length}`);
});

test('every package a runtime file loads is a dependency, not a devDependency (the image runs npm ci --omit=dev)', () => {
  const builtins = new Set(builtinModules);
  const wrong: string[] = [];
  let bare = 0;
  for (const file of runtimeFiles) {
    for (const spec of specifiers(read(file))) {
      if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || spec.startsWith('file:')) continue;
      const name = packageOf(spec);
      if (builtins.has(name)) continue;
      bare++;
      if (!(name in pkg.dependencies)) wrong.push(`${file}: ${spec}${name in pkg.devDependencies ? ' (a devDependency)' : ' (not in package.json)'}`);
    }
  }
  assert.ok(bare > 20, `bare imports seen: ${bare}`);
  assert.deepEqual(wrong, []);
});

test('runtime files reach only what the image copies (a relative import into test/ or scripts/ breaks the image alone)', () => {
  const outside: string[] = [];
  for (const file of runtimeFiles) {
    const source = read(file);
    const relative = [...specifiers(source), ...[...source.matchAll(/new URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url/g)].map((m) => m[1])].filter((s) =>
      s.startsWith('.'),
    );
    for (const spec of relative) {
      const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec));
      const top = target.split(path.sep)[0];
      if (target.startsWith('..') || !copied.includes(top)) outside.push(`${file}: ${spec} -> ${target}`);
    }
  }
  assert.deepEqual(outside, []);
});

test('the image reads with native Tesseract and the languages issue 20 asks for, as a user that is not root', () => {
  for (const lang of ['eng', 'fra', 'deu', 'rus', 'dan', 'ita', 'spa', 'nld', 'pol', 'ces', 'ell']) {
    assert.match(finalStage, new RegExp(`\\btesseract-ocr-${lang}\\b`), `language pack ${lang}`);
  }
  assert.match(finalStage, /CABLESCAN_ENGINE=tesseract\b/);
  const users = [...finalStage.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
  assert.ok(users.length > 0 && !['root', '0'].includes(users.at(-1) as string), `the last USER is not root: ${users.join(', ')}`);
  assert.ok(finalStage.lastIndexOf('\nUSER ') < finalStage.indexOf('\nENTRYPOINT'), 'USER comes before ENTRYPOINT');
  // node itself, exec form: a shell or npx in between would not pass SIGTERM on to the worker.
  assert.match(finalStage, /^ENTRYPOINT \["node", "bin\/cablescan\.js"\]$/m);
  // The data-owner service gives the data folder to the image's user: the uid the base image's `node` has.
  assert.match(compose, /chown 1000:1000 \/data /);
  assert.match(finalStage, /^USER node$/m);
});

test('every secret the compose file mounts is declared, and scripts/compose-secrets.sh makes its file', () => {
  const script = read('scripts/compose-secrets.sh');
  const topLevel = compose.slice(compose.search(/^secrets:$/m));
  const declared = [...topLevel.matchAll(/^ {2}(\w+):\n\s+file: \$\{CABLESCAN_SECRETS:-\.\/secrets\}\/(\w+)$/gm)];
  assert.ok(declared.length >= 3, `secrets declared: ${declared.length}`);
  for (const [, name, file] of declared) {
    assert.equal(name, file, `secret ${name} is read from a file of its name`);
    assert.match(script, new RegExp(`(make ${file} |\\$dir/${file}")`), `scripts/compose-secrets.sh writes ${file}`);
  }
  const names = new Set(declared.map((m) => m[1]));
  const mounted = [...compose.matchAll(/\/run\/secrets\/(\w+)/g)].map((m) => m[1]);
  assert.ok(mounted.length >= 3);
  for (const name of mounted) assert.ok(names.has(name), `/run/secrets/${name} is a declared secret`);
  for (const m of compose.matchAll(/^ {6}- (\w+)$/gm)) assert.ok(names.has(m[1]) || !/secret|token|password/.test(m[1]), `service secret ${m[1]} is declared`);
});

test('every CABLESCAN_ variable the compose file sets is one the code reads', () => {
  const code = runtimeFiles.map(read).join('\n');
  const set = [...compose.matchAll(/^\s+(CABLESCAN_\w+):/gm)].map((m) => m[1]);
  assert.ok(set.length >= 8, `variables set: ${set.join(', ')}`);
  // A *_FILE variable is read through its base name (secretFromEnv(env, 'CABLESCAN_DB_PASSWORD') reads both).
  const unread = set.filter((name) => ![name, name.replace(/_FILE$/, '')].some((n) => new RegExp(`\\b${n}\\b`).test(code)));
  assert.deepEqual(unread, []);
});

test('the secrets and the data compose uses stay out of git and out of the build context', () => {
  const gitignore = read('.gitignore').split('\n');
  assert.ok(gitignore.includes('/secrets/'), '.gitignore has /secrets/');
  assert.ok(gitignore.includes('/data/'), '.gitignore has /data/');
  const dockerignore = read('.dockerignore').split('\n');
  assert.ok(dockerignore.includes('secrets') && dockerignore.includes('data'), '.dockerignore has secrets and data');
});
