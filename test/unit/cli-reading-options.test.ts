// Reading options on the command line become config keys once, through contextFrom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addReadingOptions, contextFrom } from '../../src/cli/common.ts';

function parse(args: string[]) {
  const command = addReadingOptions(new Command('run').exitOverride()).argument('[inputs...]');
  command.parse(args, { from: 'user' });
  return contextFrom({ ...command.opts(), logLevel: 'silent' }).config;
}

test('--no-second-opinion turns the second reading off; without it the default (or the config file) stands', () => {
  assert.equal(parse(['--no-second-opinion', 'samples']).secondOpinion, false);
  assert.deepEqual(parse(['samples']).secondOpinion, { minConfidence: 80, scales: [1.5], maxWords: 40 });
});

test('--prefer-tessdata needs --tessdata, and takes effect with it', () => {
  assert.throws(() => parse(['--prefer-tessdata', 'samples']), { code: 'CS_ERR_CONFIG_INVALID' });
  const config = parse(['--prefer-tessdata', '--tessdata', '/usr/share/tesseract-ocr/5/tessdata', 'samples']);
  assert.equal(config.preferTessdata, true);
  assert.equal(config.tessdata, '/usr/share/tesseract-ocr/5/tessdata');
});
