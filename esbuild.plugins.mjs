// esbuild plugins of the bundle that tests check too (esbuild.config.mjs uses them).
import { readFileSync } from 'node:fs';

// Ink keeps the size of every text it ever laid out in a Map that is never emptied (measure-text.js):
// each frame's changed lines (high watermarks, rates, heartbeat ages, tailed records) stay forever,
// ~20 KB a frame of 30 changed lines, so `yak up` with the TUI grew by up to ~300 MB an hour under
// traffic (4 frames a second) and ~10 MB an hour idle. Bound it: emptied
// when it reaches 5000 texts (a few MB; the next frame measures its 40-odd lines again). The build
// fails if Ink's code no longer has the line this changes.
export const inkBoundedMeasureCache = {
  name: 'ink-bounded-measure-cache',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]measure-text\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const line = 'cache.set(text, dimensions);';
      if (!source.includes(line)) throw new Error(`${args.path}: no "${line}" to bound (Ink changed: see esbuild.config.mjs)`);
      return { contents: source.replace(line, `if (cache.size >= 5000) cache.clear();\n    ${line}`), loader: 'js' };
    });
  },
};

// yargs() guesses its version (yargs.version() with no argument) before it returns the instance:
// it looks for a package.json from the working directory up to the root (the bundle has no
// node_modules in its path, so yargs' ESM shim starts from there), reads and parses the one it finds,
// and where there is none (run from /tmp) throws and catches an AssertionError, which loads Node's
// assert diffing and formats a message: work every yak process did at start for a version main.ts
// then replaces with its own (.version(YAK_VERSION)). The build fails if yargs' factory changes.
export const yargsNoVersionGuess = {
  name: 'yargs-no-version-guess',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const line = 'yargs.help();\n        yargs.version();\n';
      if (!source.includes(line)) throw new Error(`${args.path}: no "yargs.version();" in its factory to drop (yargs changed: see esbuild.plugins.mjs)`);
      return { contents: source.replace(line, 'yargs.help();\n'), loader: 'js' };
    });
  },
};
