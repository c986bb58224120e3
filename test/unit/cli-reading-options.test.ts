// Reading options on the command line become config keys once, through contextFrom; each
// command offers the options that are really its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { addBatchOptions, addGlobalOptions, addMachineOptions, contextFrom } from '../../src/cli/common.ts';
import { ENGINE_CHOICES } from '../../src/ocr/engines/index.ts';
import { registerEnqueue } from '../../src/cli/enqueue.ts';
import { registerRun } from '../../src/cli/run.ts';
import { registerWorker } from '../../src/cli/worker.ts';

function parse(args: string[]) {
  const command = addMachineOptions(addBatchOptions(new Command('run').exitOverride())).argument('[inputs...]');
  command.parse(args, { from: 'user' });
  return contextFrom({ ...command.opts(), logLevel: 'silent' }).config;
}

test('--no-second-opinion turns the second reading off; without it the default (or the config file) stands', () => {
  assert.equal(parse(['--no-second-opinion', 'samples']).secondOpinion, false);
  assert.deepEqual(parse(['samples']).secondOpinion, { minConfidence: 80, scales: [1.5], maxWords: 40, minGain: 0.02 });
});

test('--prefer-tessdata needs --tessdata, and takes effect with it', () => {
  assert.throws(() => parse(['--prefer-tessdata', 'samples']), { code: 'CS_ERR_CONFIG_INVALID' });
  const config = parse(['--prefer-tessdata', '--tessdata', '/usr/share/tesseract-ocr/5/tessdata', 'samples']);
  assert.equal(config.preferTessdata, true);
  assert.equal(config.tessdata, '/usr/share/tesseract-ocr/5/tessdata');
});

test('a worker offers its machine settings, not the batch settings that travel with each batch; enqueue the other way round', () => {
  const program = addGlobalOptions(new Command('cablescan'));
  registerRun(program);
  registerEnqueue(program);
  registerWorker(program);
  const flags = (name: string) => new Set(program.commands.find((c) => c.name() === name)!.options.map((o) => o.long));
  const batch = ['--lang', '--psm', '--preprocess', '--keep-intermediates', '--profile', '--profiles-dir', '--read-blank-pages'];
  const machine = [
    '--tessdata',
    '--prefer-tessdata',
    '--engine',
    '--model',
    '--model-cache',
    '--tesseract-command',
    '--concurrency',
    '--no-second-opinion',
    '--recycle-after',
    '--ocr-timeout',
  ];
  const worker = flags('worker');
  for (const f of batch) assert.ok(!worker.has(f), `worker does not offer ${f}`);
  for (const f of machine) assert.ok(worker.has(f), `worker offers ${f}`);
  const enqueue = flags('enqueue');
  for (const f of batch) assert.ok(enqueue.has(f), `enqueue offers ${f}`);
  for (const f of machine) assert.ok(!enqueue.has(f), `enqueue does not offer ${f}`);
  const run = flags('run');
  for (const f of [...batch, ...machine]) assert.ok(run.has(f), `run offers ${f}`);
});

test('--read-blank-pages reads pages measured blank; without it they are recorded, not read', () => {
  assert.equal(parse(['--read-blank-pages', 'samples']).readBlankPages, true);
  assert.equal(parse(['samples']).readBlankPages, false);
});

test("--engine offers auto, the registered engines and the benchmarks' stand-in (none); --model best or fast; an engine's own flag sets its option", () => {
  const command = addMachineOptions(addBatchOptions(new Command('run').exitOverride()));
  const engine = command.options.find((o) => o.long === '--engine')!;
  assert.deepEqual(engine.argChoices, [...ENGINE_CHOICES, 'none']);
  assert.deepEqual(command.options.find((o) => o.long === '--model')!.argChoices, ['best', 'fast']);
  const config = parse(['--engine', 'tesseract', '--model', 'fast', '--model-cache', '/srv/m', '--tesseract-command', '/opt/tesseract', 'samples']);
  assert.equal(config.engine, 'tesseract');
  assert.equal(config.model, 'fast');
  assert.equal(config.modelCache, '/srv/m');
  assert.equal(config.engineOptions.tesseract.command, '/opt/tesseract');
  assert.equal(parse(['samples']).engine, 'auto');
  assert.throws(() => parse(['--engine', 'ocrad', 'samples']), /Allowed choices are auto, tesseract, tesseract\.js, none/);
});
