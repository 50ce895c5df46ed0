// Bundles the CLI into one ESM file, dist/yak.js (STACK.md: why ESM, the banner and the stub).
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inkBoundedMeasureCache, yargsNoVersionGuess } from './esbuild.plugins.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// ink imports react-devtools-core optionally; marking it external breaks start-up, so stub it.
const stubDevtools = {
  name: 'stub-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default { connectToDevTools() {} };', loader: 'js' }));
  },
};

// yargs' help layout (cliui): its ESM entry wraps at the column, mid-word ("zook eeper"); its
// CommonJS build wraps at word boundaries (wrap-ansi). Bundle that one.
const cliuiWordWrap = {
  name: 'cliui-word-wrap',
  setup(b) {
    b.onResolve({ filter: /^cliui$/ }, () => ({ path: fileURLToPath(new URL('./node_modules/cliui/build/index.cjs', import.meta.url)) }));
  },
};

/** The bundle's options; test/integration/cluster-process-memory.test.ts reads the module list from them too. */
export const bundleOptions = {
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/yak.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Every cluster process holds the whole bundle's source as a V8 string, and a table of its line
  // starts: without whitespace, comments and long-hand syntax, 2.5 MB instead of 3.6 MB and 700
  // lines instead of 80,000; each process of `yak up --headless --brokers 3` then held 2-3 MB less
  // (282-283 MB together instead of 295-299). Identifiers are not minified: the names in stack
  // traces and `.name` stay the source's.
  minifyWhitespace: true,
  minifySyntax: true,
  // Native modules stay outside; better-sqlite3's JavaScript is bundled (src/storage/database.ts).
  external: ['better-sqlite3/build/Release/better_sqlite3.node', '@node-rs/crc32'],
  plugins: [stubDevtools, cliuiWordWrap, inkBoundedMeasureCache, yargsNoVersionGuess],
  define: { 'process.env.NODE_ENV': '"production"', YAK_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __yakCreateRequire } from 'node:module';\nconst require = __yakCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build(bundleOptions);
  chmodSync('dist/yak.js', 0o755);
}
