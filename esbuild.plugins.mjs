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
