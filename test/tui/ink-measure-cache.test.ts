/**
 * The bundle's bound on Ink's text-measure cache (esbuild.plugins.mjs): Ink's measure-text.js,
 * bundled with the plugin as dist/yak.js bundles it, forgets what it measured once it has 5000 texts
 * (unbounded, `yak up` with the TUI grew by every changed line of every frame).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

type MeasureText = (text: string) => { width: number; height: number };

async function bundledMeasureText(plugins: Plugin[]): Promise<MeasureText> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yak-ink-measure-'));
  try {
    const outfile = path.join(dir, 'measure-text.mjs');
    await build({ entryPoints: [path.resolve('node_modules/ink/build/measure-text.js')], outfile, bundle: true, format: 'esm', platform: 'node', plugins, logLevel: 'silent' });
    return ((await import(pathToFileURL(outfile).href)) as { default: MeasureText }).default;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('Ink\'s measure cache, as bundled: emptied at 5000 texts, so old lines do not stay forever', async () => {
  const { inkBoundedMeasureCache } = (await import('../../esbuild.plugins.mjs' as string)) as { inkBoundedMeasureCache: Plugin };
  for (const [plugins, bounded] of [[[inkBoundedMeasureCache], true], [[], false]] as const) {
    const measure = await bundledMeasureText([...plugins]);
    const first = measure('high watermark 0');
    assert.is(measure('high watermark 0'), first, 'a text measured again comes from the cache');
    for (let i = 1; i <= 5000; i++) measure(`high watermark ${i}`);
    assert.equal(measure('high watermark 0'), first);
    assert.is(measure('high watermark 0') !== first, bounded, bounded ? 'the bundle forgot it' : 'Ink alone keeps every text (why the bound is there)');
  }
});

test.run();
