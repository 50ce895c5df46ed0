/**
 * A full disk under one broker (its data dir on a small tmpfs the test mounts; needs root, which CI
 * has: skipped with a printed reason otherwise). The broker must stay up: writes it leads are answered
 * KAFKA_STORAGE_ERROR (retriable, so an idempotent producer keeps retrying), its follower replicas
 * drop out of the ISR (a follower that cannot write is not caught up), reads go on; once space is
 * freed it takes writes again and rejoins every ISR without a restart, and nothing acknowledged
 * with acks=all is lost.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ErrorCode, errorName } from '../../src/common/errors.js';
import { isProcessAlive, readClusterFile } from '../../src/client/cluster-file.js';
import { startCluster, tempDir, type TestCluster } from '../helpers/cluster.js';
import {
  assertExactlyOnceInOrder,
  assertNoProcessesLeft,
  connectTo,
  consumeAll,
  coordinatorMetadata,
  createTopic,
  produceRaw,
  SequencedProducer,
  sleep,
  waitFor,
} from '../helpers/failover.js';

const test = suite('storage: a full disk under a broker');
const TOPIC = 'full-disk';
const PARTITIONS = 3;
const FULL = 2; // the broker whose disk fills
let root = '';
let mountDir = '';
let cluster: TestCluster | undefined;
let producer: SequencedProducer | undefined;

/** Mounts a small tmpfs where broker-2's data dir will be; the reason it cannot, or null. */
function mountSmallDisk(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a small tmpfs to fill needs root (CI runs as root)';
  root = tempDir('yak-full-disk-');
  mountDir = path.join(root, 'data', `broker-${FULL}`);
  fs.mkdirSync(mountDir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24M', 'tmpfs', mountDir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    mountDir = root = '';
    return `mount -t tmpfs failed: ${(err as Error).message.split('\n')[0]}`;
  }
}
const skipped = mountSmallDisk();

function brokerPid(): number {
  return readClusterFile(cluster!.dataDir)!.brokers.find((b) => b.id === FULL)!.pid;
}

/** Writes zeros to a file in `dir` until the file system says ENOSPC. */
function fillDisk(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = fs.openSync(file, 'w');
  try {
    for (const chunk of [Buffer.alloc(1 << 20), Buffer.alloc(4096), Buffer.alloc(1)]) {
      for (;;) {
        try {
          fs.writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

test.before(async () => {
  if (skipped) return;
  cluster = await startCluster({ brokers: 3, dataDir: path.dirname(mountDir), sessionTimeoutMs: 2000, brokerArgs: ['--replica-lag-time-max-ms', '2000'] });
  await createTopic(cluster.bootstrap, TOPIC, PARTITIONS, 3);
});

test.after(async () => {
  producer?.close();
  try {
    // Not destroy(): the data dir holds the mount, unmounted below before the tree is removed.
    await cluster?.stop();
    if (cluster) await assertNoProcessesLeft(cluster.dataDir);
  } finally {
    if (mountDir) execFileSync('umount', ['-l', mountDir]);
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }
});

if (skipped) {
  console.log(`storage-full-disk: skipped: ${skipped}`);
} else {
  test('writes fail with KAFKA_STORAGE_ERROR, the broker stays up and rejoins every ISR once space is freed; nothing acknowledged is lost', async () => {
    const md = await coordinatorMetadata(cluster!);
    const led = md.topics.find((t) => t.name === TOPIC)!.partitions.find((p) => p.leader === FULL);
    assert.ok(led, `broker-${FULL} leads a partition of ${TOPIC}`);
    producer = new SequencedProducer(cluster!.bootstrap, TOPIC, PARTITIONS, { deliveryTimeoutMs: 120_000, idempotent: true });
    await producer.init();
    await producer.run(60, 300);
    assert.is(producer.failed.length, 0, JSON.stringify(producer.failed.slice(0, 3)));

    const pid = brokerPid();
    const filler = fillDisk(mountDir);
    // A batch of ~900 KB cannot fit in what the full disk has left: the leader refuses it.
    const conn = await connectTo(cluster!, FULL);
    try {
      const big = Array.from({ length: 9 }, (_, i) => `${i}`.repeat(100_000));
      const res = await waitFor('a write refused with KAFKA_STORAGE_ERROR', async () => {
        const r = await produceRaw(conn, TOPIC, led!.partition, big, 1);
        return r.errorCode === ErrorCode.NONE ? null : r;
      });
      assert.is(errorName(res.errorCode), 'KAFKA_STORAGE_ERROR');
    } finally {
      conn.close();
    }

    // Acks=all writes to every partition meanwhile: the ones broker-2 leads are retried, the others
    // go through once the ISR has dropped broker-2 (it cannot store what it fetches). Each record is
    // padded to several pages: on a full disk SQLite still stores small rows in the room its files
    // hold (a leaf page with space, the WAL that starts over once checkpointed), but a write that
    // needs new pages fails, as every write does once that room is used up.
    producer.padBytes = 10_000;
    producer.send(90);
    await waitFor(
      `broker-${FULL} out of the ISR of every partition it follows`,
      async () => {
        const m = await coordinatorMetadata(cluster!);
        const followed = m.topics.find((t) => t.name === TOPIC)!.partitions.filter((p) => p.leader !== FULL);
        return followed.every((p) => !p.isr.includes(FULL));
      },
      { timeoutMs: 20_000 },
    );
    await sleep(3000); // several high-watermark checkpoints (every second) on a full disk
    assert.is(brokerPid(), pid, `broker-${FULL} still the same process`);
    assert.ok(isProcessAlive(pid), `broker-${FULL} (pid ${pid}) is alive`);
    const unacked = producer.next - producer.acked.length - producer.failed.length;
    assert.ok(unacked > 0, 'writes to the partition on the full disk are still being retried');
    // Reads go on: everything acknowledged so far, the full broker's partition included.
    const readable = new Set((await consumeAll(cluster!.bootstrap, TOPIC)).map((r) => `${r.partition}:${r.offset}`));
    const ackedSoFar = [...producer.acked];
    assert.ok(ackedSoFar.some((a) => a.partition === led!.partition), `acknowledged records on the partition broker-${FULL} leads`);
    assert.equal(ackedSoFar.filter((a) => !readable.has(`${a.partition}:${a.offset}`)).slice(0, 3), [], 'every acknowledged record readable during the fault');

    fs.rmSync(filler);
    await waitFor('every acks=all write acknowledged after space was freed', () => producer!.acked.length + producer!.failed.length === producer!.next, { timeoutMs: 60_000 });
    assert.equal(producer.failed.slice(0, 3), [], 'no write failed');
    await waitFor(
      `broker-${FULL} back in the ISR of every partition`,
      async () => {
        const m = await coordinatorMetadata(cluster!);
        return m.topics.find((t) => t.name === TOPIC)!.partitions.every((p) => p.isr.includes(FULL));
      },
      { timeoutMs: 30_000 },
    );
    await producer.run(30, 300);
    assert.is(brokerPid(), pid, 'no restart was needed');
    assertExactlyOnceInOrder(await consumeAll(cluster!.bootstrap, TOPIC), producer.acked, PARTITIONS);
    const lines = cluster!.log.filter((l) => l.startsWith(`broker-${FULL}:`));
    const faults = lines.filter((l) => /writes fail \(SQLITE_FULL/.test(l)).length;
    assert.ok(faults >= 1 && faults < 10, `the fault is logged when it starts, not per write (${faults} lines)`);
    assert.ok(lines.some((l) => /writes succeed again/.test(l)), 'and its end');
  });
}


test.run();
