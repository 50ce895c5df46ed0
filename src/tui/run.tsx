import type { ConnectionSecurity } from '../net/connection.js';
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { Supervisor } from '../supervisor/supervisor.js';
import { App } from './app.js';
import type { EventBus } from './events.js';

export interface RunTuiOptions {
  supervisor: Supervisor;
  dataDir: string;
  bus: EventBus;
  defaults: { partitions: number; replicationFactor: number };
  /** The brokers' TLS and SASL (the admin and CA of `yak up --security`); absent: PLAINTEXT. */
  security?: ConnectionSecurity;
}

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * Draws the TUI for a started cluster until `q`, Ctrl-C or a signal; then stops the cluster
 * (brokers, then the coordinator) and exits. Uses the terminal's alternate screen, as htop and k9s
 * do, so the shell's scrollback is untouched afterwards.
 */
export function runTui(opts: RunTuiOptions): Promise<never> {
  const stdout = process.stdout;
  const signals = new EventEmitter();
  let restored = false;
  const restoreTerminal = () => {
    if (restored) return;
    restored = true;
    stdout.write(ALT_SCREEN_OFF + SHOW_CURSOR);
  };
  process.once('exit', restoreTerminal);
  stdout.write(ALT_SCREEN_ON);

  return new Promise<never>(() => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      instance.unmount();
      restoreTerminal();
      stdout.write(`yak: cluster in ${opts.dataDir} stopped\n`);
      process.exit(0);
    };
    const instance = render(
      <App
        dataDir={opts.dataDir}
        clusterSecret={opts.supervisor.clusterSecret}
        security={opts.security}
        bus={opts.bus}
        defaults={opts.defaults}
        signals={signals}
        control={{
          act: async (action, target) => (await opts.supervisor.handleControl(action, target)).message,
          stop: () => opts.supervisor.stop(),
        }}
        onExit={finish}
      />,
      // Not incrementalRendering (rewrite changed lines only): on the alternate screen it leaves lines at the wrong rows.
      { exitOnCtrlC: false, maxFps: 10, patchConsole: true },
    );
    // A resize can leave parts of the old frame behind: start from a clean screen.
    stdout.on('resize', () => {
      stdout.write('\x1b[2J\x1b[H');
      instance.clear();
    });
    let signalled = 0;
    const onSignal = () => {
      if (++signalled > 1) process.exit(1);
      signals.emit('quit');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
  });
}
