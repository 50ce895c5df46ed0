import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandsFor } from '../../src/cli/command-table.js';

const nameOf = (c: { command?: string | readonly string[] }) => String(c.command).split(' ')[0]!;

test('a command line naming a command registers that command alone, found under the name its module gives it', async () => {
  const all = await commandsFor([]);
  assert.ok(all.length >= 20, `every command (${all.length})`);
  for (const command of all) {
    const chosen = await commandsFor([nameOf(command), '--help']);
    assert.equal(chosen.map(nameOf), [nameOf(command)]);
    assert.is(chosen[0], command);
  }
});

test('without a command name (--help, a typo yargs suggests the nearest for, completion), every command is registered', async () => {
  const count = (await commandsFor([])).length;
  for (const args of [['--help'], ['brokr', '--id', '1'], ['--get-yargs-completions', 'yak', 'to'], ['completion']]) {
    assert.is((await commandsFor(args)).length, count, args.join(' '));
  }
});

test.run();
