/**
 * The bundle's yargs does not guess its version (esbuild.plugins.mjs): yargs() looked for a
 * package.json from the working directory up and, with none (run from /tmp), threw and caught an
 * AssertionError in every yak process at start. A yargs program, bundled as dist/yak.js bundles it,
 * runs from a directory with no package.json above it under a debugger that pauses on every
 * exception, caught or not, and lists those thrown from yargs' code.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// Pauses on every exception thrown in this thread; at exit, prints the ones thrown from yargs' factory.
const EXCEPTION_WATCH = `
import inspector from 'node:inspector';
const session = new inspector.Session();
session.connect();
const thrown = [];
session.on('Debugger.paused', ({ params }) => {
  const frames = params.callFrames.map((f) => f.functionName);
  if (frames.some((f) => /pkgUp|guessVersion/.test(f))) thrown.push(params.data?.className + ' in ' + frames.slice(0, 5).join(' < '));
  session.post('Debugger.resume');
});
session.post('Debugger.enable');
session.post('Debugger.setPauseOnExceptions', { state: 'all' });
process.on('exit', () => process.stderr.write(JSON.stringify(thrown)));
`;

const PROGRAM = `import yargs from 'yargs';
await yargs(process.argv.slice(2)).version('1.2.3').command('noop', 'does nothing', () => {}, () => {}).strict().parseAsync();`;

test('bundled, yargs throws nothing while it starts from a directory with no package.json above it', async () => {
  const { yargsNoVersionGuess } = (await import('../../esbuild.plugins.mjs' as string)) as { yargsNoVersionGuess: Plugin };
  // os.tmpdir() has no package.json above it (as /tmp): checked, or the test proves nothing.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-yargs-version-'));
  try {
    for (let d = dir; ; d = path.dirname(d)) {
      assert.not.ok(fs.existsSync(path.join(d, 'package.json')), `${d} has a package.json`);
      if (path.dirname(d) === d) break;
    }
    fs.writeFileSync(path.join(dir, 'watch.mjs'), EXCEPTION_WATCH);
    fs.writeFileSync(path.join(dir, 'program.mjs'), PROGRAM);
    for (const [plugins, guessed] of [[[yargsNoVersionGuess], false], [[], true]] as const) {
      const outfile = path.join(dir, `program-${plugins.length}.mjs`);
      await build({ entryPoints: [path.join(dir, 'program.mjs')], absWorkingDir: process.cwd(), nodePaths: [path.resolve('node_modules')], outfile, bundle: true, format: 'esm', platform: 'node', plugins: [...plugins], logLevel: 'silent' });
      for (const args of [['noop'], ['--version']]) {
        const res = spawnSync(process.execPath, ['--import', path.join(dir, 'watch.mjs'), outfile, ...args], { cwd: dir, encoding: 'utf8' });
        assert.is(res.status, 0, res.stderr);
        if (args[0] === '--version') assert.is(res.stdout.trim(), '1.2.3', 'the version given is the one shown');
        const thrown = JSON.parse(res.stderr) as string[];
        assert.is(thrown.length > 0, guessed, guessed ? 'yargs alone throws while it guesses its version (why the plugin is there)' : `thrown: ${thrown.join('; ')}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
