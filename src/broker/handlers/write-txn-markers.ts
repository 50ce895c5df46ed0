import { ErrorCode, KafkaError } from '../../common/errors.js';
import { txnMarkerReplicationTimeoutMs } from '../../common/limits.js';
import type { WritableTxnMarker, WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/apis/write-txn-markers.js';
import { encodeControlBatch } from '../../protocol/control-batch.js';
import { splitAndValidateBatches } from '../../protocol/record-batch.js';
import type { BrokerContext } from '../context.js';
import type { RequestClient } from '../request-router.js';

/**
 * WriteTxnMarkers (KIP-98), from the transaction coordinator: for each marker and partition this
 * broker leads, appends one COMMIT or ABORT control batch through the leader's append path (the
 * producer state checks epochs there: an older producer epoch is INVALID_PRODUCER_EPOCH, an older
 * coordinator epoch TRANSACTION_COORDINATOR_FENCED), then answers once the high watermark covers it,
 * as Kafka appends markers with acks=all: a marker the coordinator was told is written survives a
 * leader failover. Partitions are written independently: one failing (not the leader any more, ISR
 * below min.insync.replicas) does not hold back the others; the coordinator retries the failed ones.
 * Only a connection that proved the cluster secret may send it (cluster-members.ts); any other gets
 * CLUSTER_AUTHORIZATION_FAILED for every partition, as Kafka answers a client without
 * ClusterAction permission.
 */
export async function handleWriteTxnMarkers(ctx: BrokerContext, req: WriteTxnMarkersRequest, _version: number, client: RequestClient): Promise<WriteTxnMarkersResponse> {
  return {
    markers: await Promise.all(
      req.markers.map(async (m) => ({
        producerId: m.producerId,
        topics: await Promise.all(
          m.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (index) => ({
                partitionIndex: index,
                errorCode: client.clusterMember ? await writeMarker(ctx, m, t.name, index) : ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
              })),
            ),
          })),
        ),
      })),
    ),
  };
}

async function writeMarker(ctx: BrokerContext, m: WritableTxnMarker, topic: string, index: number): Promise<number> {
  try {
    const partition = ctx.replicas.leaderPartition(topic, index, ctx.cache.partition(topic, index) !== undefined);
    const marker = { producerId: m.producerId, producerEpoch: m.producerEpoch, commit: m.transactionResult, coordinatorEpoch: m.coordinatorEpoch };
    const batches = splitAndValidateBatches(encodeControlBatch(marker, Date.now()));
    const [written] = await ctx.replicas.appendRecords([{ partition, batches }], -1, txnMarkerReplicationTimeoutMs);
    if ('error' in written!) throw written.error;
    return ErrorCode.NONE;
  } catch (err) {
    if (err instanceof KafkaError) return err.code;
    ctx.logger.error(`writing a transaction marker to ${topic}-${index} failed: ${(err as Error).message}`);
    return ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}
