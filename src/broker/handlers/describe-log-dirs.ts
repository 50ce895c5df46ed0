import fs from 'node:fs';
import { ErrorCode } from '../../common/errors.js';
import type { DescribeLogDirsPartition, DescribeLogDirsRequest, DescribeLogDirsResponse } from '../../protocol/apis/describe-log-dirs.js';
import { AclOperation } from '../../security/acl.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

/**
 * DescribeLogDirs: YaK keeps one log directory per broker (its data dir, holding log.db); every
 * replica here is in it, sized by its stored batches. The disk's total and free bytes come from the
 * file system; when it cannot say (statfs fails), -1 as Kafka answers an unknown size. Needs
 * DESCRIBE on the cluster.
 */
export function handleDescribeLogDirs(ctx: BrokerContext, req: DescribeLogDirsRequest, _v: number, client: RequestClient): DescribeLogDirsResponse {
  if (!ctx.security.authorizeCluster(client, AclOperation.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
  const wanted = req.topics ? new Map(req.topics.map((t) => [t.topic, new Set(t.partitions)])) : null;
  const byTopic = new Map<string, DescribeLogDirsPartition[]>();
  for (const p of ctx.replicas.replicas()) {
    if (wanted && !wanted.get(p.topic)?.has(p.partition)) continue;
    const partitions = byTopic.get(p.topic) ?? [];
    // Kafka's lag of a current (not future) replica: how far its log end is behind the high watermark.
    partitions.push({ partitionIndex: p.partition, partitionSize: p.log.sizeBytes(), offsetLag: Math.max(0, p.log.highWatermark - p.log.logEndOffset), isFutureKey: false });
    byTopic.set(p.topic, partitions);
  }
  let space = { totalBytes: -1, usableBytes: -1 };
  try {
    const s = fs.statfsSync(ctx.logDir);
    space = { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    // the sizes stay unknown
  }
  const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex) }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [{ errorCode: ErrorCode.NONE, logDir: ctx.logDir, topics, ...space }] };
}
