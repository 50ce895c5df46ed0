// Bundles the CLI into one ESM file, dist/yak.js (STACK.md: why ESM, the banner and the stub).
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

// ink imports react-devtools-core optionally; marking it external breaks start-up, so stub it.
const stubDevtools = {
  name: 'stub-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default { connectToDevTools() {} };', loader: 'js' }));
  },
};

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/yak.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', '@node-rs/crc32'],
  plugins: [stubDevtools],
  define: { 'process.env.NODE_ENV': '"production"', YAK_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __yakCreateRequire } from 'node:module';\nconst require = __yakCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync('dist/yak.js', 0o755);
