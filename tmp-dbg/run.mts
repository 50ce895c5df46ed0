import { startCluster, runYak } from '../test/helpers/cluster.js';
import { createTopic, destroyAndCheck, sleep } from '../test/helpers/failover.js';
import { Kafka, logLevel } from 'kafkajs';
const cluster = await startCluster({ brokers: 3, brokerArgs: ['--log-cleaner-backoff-ms', '100'] });
try {
  await createTopic(cluster.bootstrap, 'c', 1, 3, { 'cleanup.policy': 'compact', 'segment.bytes': '4096', 'min.cleanable.dirty.ratio': '1' });
  const kafka = new Kafka({ clientId: 'x', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer(); await producer.connect();
  for (let i = 0; i < 2000; i += 100) await producer.send({ topic: 'c', acks: -1, messages: Array.from({ length: 100 }, (_, j) => ({ key: `key-${(i + j) % 100}`, value: `v${i + j}`, partition: 0 })) });
  await producer.disconnect();
  const r = await runYak(['topic', 'alter', 'c', '--config', 'min.cleanable.dirty.ratio=0.01', '--bootstrap', cluster.bootstrap]);
  console.log(r.stdout, r.stderr);
  await sleep(3000);
  console.log(cluster.log.filter((l) => /clean|WARN|ERROR/i.test(l)).join('\n'));
  const p = await runYak(['produce', '--bootstrap', cluster.bootstrap, '--topic', 'c', '-p', '0', '--delivery-timeout-ms', '3000'], { input: 'nokey\n' });
  console.log(p.code, p.stderr);
} finally { await destroyAndCheck(cluster); }
