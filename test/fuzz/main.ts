/**
 * `npm run fuzz -- --frames N [--seed S] [--target broker|coordinator|control|all] [--concurrency C]
 *  [--rss-growth-mb M] [--log-file F] [--show-session N] [--strangers-only]`:
 * fuzzes every listener of a real cluster (see harness.ts) and prints frames/s and each process's RSS.
 * Exits 1 with the seed and the last frames sent when a process died, memory grew or a record was lost.
 */
import { parseArgs } from 'node:util';
import { randomSeed } from '../../src/chaos/prng.js';
import { apiByKey } from '../../src/protocol/apis/index.js';
import { runFuzz, sessionPlan } from './harness.js';
import { TARGETS, type TargetName } from './wire-fuzzer.js';

const { values } = parseArgs({
  options: {
    frames: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    target: { type: 'string', default: 'all' },
    concurrency: { type: 'string', default: '16' },
    'rss-growth-mb': { type: 'string', default: '256' },
    'log-file': { type: 'string' },
    'show-session': { type: 'string' },
    'strangers-only': { type: 'boolean', default: false },
  },
});
const frames = Number(values.frames);
const seed = values.seed === undefined ? randomSeed() : Number(values.seed);
const concurrency = Number(values.concurrency);
const rssGrowthMb = Number(values['rss-growth-mb']);
const targets = values.target === 'all' ? TARGETS : [values.target as TargetName];
const bad = [
  !(Number.isInteger(frames) && frames > 0) && `--frames must be a positive integer, not ${values.frames}`,
  !Number.isInteger(seed) && `--seed must be an integer, not ${values.seed}`,
  !(Number.isInteger(concurrency) && concurrency > 0) && `--concurrency must be a positive integer, not ${values.concurrency}`,
  !(rssGrowthMb > 0) && `--rss-growth-mb must be positive, not ${values['rss-growth-mb']}`,
  !targets.every((t) => TARGETS.includes(t)) && `--target must be one of ${TARGETS.join(', ')} or all, not ${values.target}`,
].filter(Boolean);
if (bad.length > 0) {
  console.error(bad.join('\n'));
  process.exit(2);
}

if (values['show-session'] !== undefined) {
  // No cluster: print what session N sends at --target under --seed, one frame a line.
  const target = targets.length === 1 ? targets[0]! : 'broker';
  const plan = sessionPlan(target, seed, Number(values['show-session']));
  console.log(`session ${values['show-session']} at the ${target} listener (endpoint #${plan.endpointIndex}), ${plan.mode}, ${plan.frames.length} frames:`);
  for (const f of plan.frames) {
    const key = f.length >= 6 ? f.readInt16BE(4) : NaN;
    const version = f.length >= 8 ? f.readInt16BE(6) : NaN;
    console.log(`${apiByKey(key)?.name ?? `key ${key}`} v${version}, ${f.length} bytes: ${f.toString('hex')}`);
  }
  process.exit(0);
}

const report = await runFuzz({ frames, seed, targets, concurrency, rssGrowthMb, logFile: values['log-file'], join: values['strangers-only'] ? false : undefined, log: (l) => console.log(l) });
for (const t of report.targets) {
  console.log(`${t.target}: ${t.frames} frames in ${t.seconds.toFixed(1)} s (${t.framesPerSecond} frames/s); the producer had ${t.acknowledgedMeanwhile} records acknowledged meanwhile${t.joined ? `; ${t.joined} sessions joined the cluster first (${t.joinsUnanswered} turned away unanswered by the connection limit)` : ''}`);
  for (const a of t.largestAnswers) console.log(`  largest answer: session ${a.session} sent ${a.sent} bytes, got ${a.bytes}; first frame ${a.firstFrame}`);
}
for (const r of report.rss) console.log(`${r.name.padEnd(12)} pid ${r.pid}: RSS ${r.beforeMb} MB before, ${r.maxMb} MB at most, ${r.afterMb} MB after`);
console.log(`workload: ${report.acknowledged} records acknowledged (acks=all), ${report.consumed} consumed; slowest send ${report.slowestSendMs} ms`);
if (report.failures.length > 0) {
  console.error(`FAILED (seed ${seed}):\n${report.failures.join('\n')}`);
  process.exit(1);
}
console.log(`passed (seed ${seed})`);
