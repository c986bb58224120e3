import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { CablescanError } from '../../src/errors.ts';

test('defaults when nothing is given, and the result is deeply frozen', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.lang, 'eng');
  assert.equal(config.psm, 3);
  assert.equal(config.preprocess, 'auto');
  assert.ok(config.concurrency >= 1);
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.thresholds));
  assert.throws(() => {
    (config.thresholds as { accept: number }).accept = 0.1;
  }, TypeError);
});

test('precedence: file < env < flags', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-config-'));
  const file = path.join(dir, 'cablescan.json');
  writeFileSync(file, JSON.stringify({ lang: 'fra', psm: 4, thresholds: { accept: 0.9 }, tessdata: 'td' }));
  const fromFile = loadConfig({ env: {}, configFile: file });
  assert.equal(fromFile.lang, 'fra');
  assert.equal(fromFile.thresholds.accept, 0.9);
  assert.equal(fromFile.tessdata, path.join(dir, 'td'), 'paths in a config file are relative to the file');

  const fromEnv = loadConfig({ env: { CABLESCAN_LANG: 'eng+fra', CABLESCAN_PSM: '6' }, configFile: file });
  assert.equal(fromEnv.lang, 'eng+fra');
  assert.equal(fromEnv.psm, 6);

  const fromFlags = loadConfig({ env: { CABLESCAN_LANG: 'eng+fra' }, configFile: file, flags: { lang: 'dan', psm: undefined } });
  assert.equal(fromFlags.lang, 'dan');
  assert.equal(fromFlags.psm, 4, 'an undefined flag does not override');
});

test('invalid values are refused with a code naming the key', () => {
  assert.throws(
    () => loadConfig({ env: { CABLESCAN_CONCURRENCY: 'lots' } }),
    (err: unknown) => err instanceof CablescanError && err.code === 'CS_ERR_CONFIG_INVALID' && /concurrency/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ env: {}, flags: { lang: 'english; rm -rf' } }),
    (err: unknown) => err instanceof CablescanError && /lang/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ env: {}, flags: { thresholds: { accept: 2 } } }),
    (err: unknown) => err instanceof CablescanError && /thresholds\.accept/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ env: { CABLESCAN_PREFER_TESSDATA: '1' } }),
    (err: unknown) => err instanceof CablescanError && err.code === 'CS_ERR_CONFIG_INVALID' && /preferTessdata needs a tessdata folder/.test(err.message),
  );
  assert.equal(loadConfig({ env: { CABLESCAN_PREFER_TESSDATA: 'true', CABLESCAN_TESSDATA: '/td' } }).preferTessdata, true);
});

test('unknown keys and unreadable files are errors, not silently ignored', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-config-'));
  const typo = path.join(dir, 'typo.json');
  writeFileSync(typo, JSON.stringify({ langs: 'fra' }));
  assert.throws(() => loadConfig({ env: {}, configFile: typo }), /langs/);
  const broken = path.join(dir, 'broken.json');
  writeFileSync(broken, '{ "lang": ');
  assert.throws(() => loadConfig({ env: {}, configFile: broken }), /not valid JSON/);
  assert.throws(() => loadConfig({ env: {}, configFile: path.join(dir, 'nope.json') }), /cannot read config file/);
});

test('OCR engine settings: auto and best by default; the model cache under XDG_CACHE_HOME or ~/.cache; engine options merged per key', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cs-config-engines-'));
  const defaults = loadConfig({ env: { HOME: '/home/reader' } });
  assert.equal(defaults.engine, 'auto');
  assert.equal(defaults.model, 'best');
  assert.equal(defaults.modelCache, '/home/reader/.cache/cablescan');
  assert.deepEqual(defaults.engineOptions, { tesseract: { command: 'tesseract', streaming: true }, 'tesseract.js': {} });
  assert.equal(loadConfig({ env: { HOME: '/home/reader', XDG_CACHE_HOME: '/var/cache/x' } }).modelCache, '/var/cache/x/cablescan');
  assert.equal(loadConfig({ env: { XDG_CACHE_HOME: '/var/cache/x', CABLESCAN_MODEL_CACHE: '/srv/models' } }).modelCache, '/srv/models');

  const file = path.join(dir, 'cablescan.json');
  writeFileSync(
    file,
    JSON.stringify({ model: 'fast', modelCache: 'cache', engineOptions: { tesseract: { command: '/opt/t/bin/tesseract', streaming: false } } }),
  );
  const fromFile = loadConfig({ env: {}, configFile: file });
  assert.equal(fromFile.model, 'fast');
  assert.equal(fromFile.modelCache, path.join(dir, 'cache'), 'relative to the config file');
  assert.deepEqual(fromFile.engineOptions.tesseract, { command: '/opt/t/bin/tesseract', streaming: false });
  // A flag for one option of an engine keeps the file's other options of it.
  const merged = loadConfig({ env: { CABLESCAN_TESSERACT_COMMAND: '/env/tesseract' }, configFile: file });
  assert.deepEqual(merged.engineOptions.tesseract, { command: '/env/tesseract', streaming: false });
  const flagged = loadConfig({
    env: { CABLESCAN_TESSERACT_COMMAND: '/env/tesseract' },
    configFile: file,
    flags: { engineOptions: { tesseract: { command: '/flag/tesseract' } } },
  });
  assert.deepEqual(flagged.engineOptions.tesseract, { command: '/flag/tesseract', streaming: false });

  assert.throws(
    () => loadConfig({ env: { CABLESCAN_ENGINE: 'ocrad' } }),
    (err: unknown) => err instanceof CablescanError && /engine/.test(err.message) && /auto/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ env: { CABLESCAN_MODEL: 'tiny' } }),
    (err: unknown) => err instanceof CablescanError && /model/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ env: {}, flags: { engineOptions: { tesseract: { binary: 'x' } } } }),
    (err: unknown) => err instanceof CablescanError && /engineOptions\.tesseract/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ env: {}, flags: { engineOptions: { ocrad: {} } } }),
    (err: unknown) => err instanceof CablescanError && /engineOptions/.test(err.message),
  );
});

test('the review store: --db, then CABLESCAN_DB, then DATABASE_URL (a postgres:// one only), then the config file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-config-db-'));
  try {
    const file = path.join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ db: 'postgres://file@h/db' }));
    const pg = 'postgres://env@h/db';
    assert.equal(loadConfig({ env: {}, configFile: file }).db, 'postgres://file@h/db', 'a URL in the config file is not taken for a path');
    assert.equal(loadConfig({ env: { DATABASE_URL: pg }, configFile: file }).db, pg);
    assert.equal(loadConfig({ env: { DATABASE_URL: pg, CABLESCAN_DB: '/x.db' } }).db, '/x.db');
    assert.equal(loadConfig({ env: { DATABASE_URL: pg, CABLESCAN_DB: '/x.db' }, flags: { db: 'postgres://flag@h/db' } }).db, 'postgres://flag@h/db');
    assert.equal(loadConfig({ env: { DATABASE_URL: 'mysql://other@h/app' } }).db, undefined, "another program's database is not ours");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokens from the environment or Docker secret files replace the config file list of their kind', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-config-tokens-'));
  try {
    const secret = path.join(dir, 'reviewers');
    writeFileSync(secret, 'anna:anna-token-0001\nben:ben-token-00002\n');
    const file = path.join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ tokens: { reviewers: ['old:old-token-0001'], readers: ['rita:rita-token-001'] } }));
    const config = loadConfig({ env: { CABLESCAN_REVIEWER_TOKENS_FILE: secret, CABLESCAN_OPERATOR_TOKEN: ' op-token-0001 ' }, configFile: file });
    assert.deepEqual(config.tokens, {
      reviewers: ['anna:anna-token-0001', 'ben:ben-token-00002'],
      readers: ['rita:rita-token-001'],
      operator: 'op-token-0001',
    });
    assert.deepEqual(loadConfig({ env: { CABLESCAN_REVIEWER_TOKENS: 'a:aaaaaaaa, b:bbbbbbbb' } }).tokens.reviewers, ['a:aaaaaaaa', 'b:bbbbbbbb']);
    assert.throws(() => loadConfig({ env: { CABLESCAN_REVIEWER_TOKENS_FILE: path.join(dir, 'missing') } }), /CABLESCAN_REVIEWER_TOKENS_FILE: cannot read/);
    assert.throws(() => loadConfig({ env: { CABLESCAN_REVIEWER_TOKENS: 'anna:short' } }), /tokens\.reviewers/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CABLESCAN_DB_PASSWORD(_FILE) fills in a PostgreSQL URL given without a password; CABLESCAN_TRUST_PROXY sets server.trustProxy', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cablescan-config-pw-'));
  try {
    const secret = path.join(dir, 'pw');
    writeFileSync(secret, 's3cret/with:odd@chars\n');
    const db = loadConfig({ env: { CABLESCAN_DB: 'postgres://cablescan@postgres:5432/cablescan', CABLESCAN_DB_PASSWORD_FILE: secret } }).db!;
    assert.equal(decodeURIComponent(new URL(db).password), 's3cret/with:odd@chars');
    assert.equal(new URL(db).username, 'cablescan');
    assert.equal(
      loadConfig({ env: { CABLESCAN_DB: 'postgres://u:given@h/db', CABLESCAN_DB_PASSWORD: 'other' } }).db,
      'postgres://u:given@h/db',
      'a password in the URL wins',
    );
    assert.equal(loadConfig({ env: { CABLESCAN_DB: '/x.db', CABLESCAN_DB_PASSWORD: 'other' } }).db, '/x.db');
    assert.equal(loadConfig({ env: { CABLESCAN_TRUST_PROXY: 'true' } }).server.trustProxy, true);
    assert.equal(loadConfig({ env: { CABLESCAN_TRUST_PROXY: '172.16.0.0/12' } }).server.trustProxy, '172.16.0.0/12');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
