import type { Argv } from 'yargs';

/** Edits needed to turn a into b (insert, delete, substitute, swap two neighbours). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `typed`, if it is close enough to be what was meant. */
export function closest(typed: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(1, Math.floor(typed.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(typed, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** The flags of `args` (`--name`, `--name=v`, `--no-name`, `-x`) the command does not know. */
export function unknownFlags(args: readonly string[], known: ReadonlySet<string>): string[] {
  const unknown: string[] = [];
  for (const a of args) {
    if (a === '--') break;
    const m = /^--?([^=]+)/.exec(a);
    if (!m || /^-\d/.test(a)) continue; // -10: a negative number, not a flag
    const names = a.startsWith('--') ? [m[1]!] : [...m[1]!]; // -abc: three short flags
    for (const name of names) if (!known.has(name) && !(name.startsWith('no-') && known.has(name.slice(3)))) unknown.push(name);
  }
  return unknown;
}

/** The options of the command being parsed (yargs' getOptions, not in its types): names, aliases, which take a list. */
export function optionsOf(y: Argv): { key: Record<string, unknown>; alias: Record<string, string[]>; array: string[] } {
  return (y as unknown as { getOptions(): ReturnType<typeof optionsOf> }).getOptions();
}

/**
 * A usage error as the user should read it. yargs checks required options before unknown ones, so
 * `yak consume --topci t` would say "Missing required argument: topic": a mistyped flag is named
 * first, with the flag it most likely meant. yargs' "Did you mean list?" also names what was typed.
 */
export function explainUsageError(msg: string, y: Argv, args: readonly string[]): string {
  const recommended = /^Did you mean (.+)\?$/.exec(msg)?.[1];
  if (recommended !== undefined) {
    const typed = args.filter((a) => !a.startsWith('-')).sort((a, b) => editDistance(a, recommended) - editDistance(b, recommended))[0];
    return `unknown command "${typed}": did you mean ${recommended}?`;
  }
  if (!/^(Missing required argument|Unknown argument)/.test(msg)) return msg;
  const opts = optionsOf(y);
  const known = new Set([...Object.keys(opts.key), ...Object.values(opts.alias).flat(), 'help', 'h', 'version']);
  const unknown = unknownFlags(args, known);
  if (unknown.length === 0) return msg;
  const longs = [...known].filter((k) => k.length > 1);
  return unknown
    .map((u) => {
      const guess = u.length > 1 ? closest(u, longs) : null;
      return `unknown option ${u.length > 1 ? '--' : '-'}${u}${guess ? ` (did you mean --${guess}?)` : ''}`;
    })
    .join('; ');
}
