/**
 * DescribeLogDirs (key 35), versions 0-4; flexible from v2 (Kafka's DescribeLogDirsRequest/Response.json).
 * Each log directory of a broker with the size of every partition replica in it (what
 * kafka-log-dirs prints); v3 adds a top-level error, v4 the directory's total and usable bytes.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface DescribeLogDirsRequest {
  /** Null: every partition. */
  topics: { topic: string; partitions: number[] }[] | null;
}

export interface DescribeLogDirsPartition {
  partitionIndex: number;
  partitionSize: number;
  offsetLag: number;
  /** A replica being moved to this directory (never, in YaK: one directory per broker). */
  isFutureKey: boolean;
}

export interface DescribeLogDirsResult {
  errorCode: number;
  logDir: string;
  topics: { name: string; partitions: DescribeLogDirsPartition[] }[];
  /** v4+; default -1. */
  totalBytes?: number;
  /** v4+; default -1. */
  usableBytes?: number;
}

export interface DescribeLogDirsResponse {
  throttleTimeMs: number;
  /** v3+; default 0. */
  errorCode?: number;
  results: DescribeLogDirsResult[];
}

export const DescribeLogDirsApi = schemaApi<DescribeLogDirsRequest, DescribeLogDirsResponse>({
  apiKey: ApiKey.DescribeLogDirs,
  name: 'DescribeLogDirs',
  versions: '0-4',
  flexibleVersions: '2+',
  request: [
    {
      name: 'topics',
      type: '[]struct',
      versions: '0+',
      nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '3+' },
    {
      name: 'results',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'logDir', type: 'string', versions: '0+' },
        {
          name: 'topics',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            {
              name: 'partitions',
              type: '[]struct',
              versions: '0+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'partitionSize', type: 'int64', versions: '0+' },
                { name: 'offsetLag', type: 'int64', versions: '0+' },
                { name: 'isFutureKey', type: 'bool', versions: '0+' },
              ],
            },
          ],
        },
        { name: 'totalBytes', type: 'int64', versions: '4+', default: -1 },
        { name: 'usableBytes', type: 'int64', versions: '4+', default: -1 },
      ],
    },
  ],
});
