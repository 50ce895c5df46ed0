/**
 * FindCoordinator (key 10), versions 0-4; flexible from v3 (Kafka's FindCoordinatorRequest/Response.json).
 * v1 adds the key type, the throttle time and the error message; v4 (KIP-699) asks for several keys
 * at once (`coordinatorKeys`) and answers one `coordinators` entry per key, in place of the single
 * key and the top-level answer fields of v0-3.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export const CoordinatorKeyType = { Group: 0, Transaction: 1 } as const;

export interface FindCoordinatorRequest {
  /** v0-3: the one key (a group id). */
  key?: string;
  /** v1+; default 0 (group). */
  keyType?: number;
  /** v4+: the keys, each answered in `coordinators`. */
  coordinatorKeys?: string[];
}

export interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage?: string | null;
}

export interface FindCoordinatorResponse {
  /** v1+; default 0. */
  throttleTimeMs?: number;
  /** v0-3 (v4+: per key, in `coordinators`). */
  errorCode: number;
  /** v1-3; default null. */
  errorMessage?: string | null;
  /** v0-3. */
  nodeId: number;
  /** v0-3. */
  host: string;
  /** v0-3. */
  port: number;
  /** v4+: one per requested key. */
  coordinators?: Coordinator[];
}

export const FindCoordinatorApi = schemaApi<FindCoordinatorRequest, FindCoordinatorResponse>({
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  versions: '0-4',
  flexibleVersions: '3+',
  request: [
    { name: 'key', type: 'string', versions: '0-3' },
    { name: 'keyType', type: 'int8', versions: '1+', default: CoordinatorKeyType.Group },
    { name: 'coordinatorKeys', type: '[]string', versions: '4+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0-3' },
    { name: 'errorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3', default: null },
    { name: 'nodeId', type: 'int32', versions: '0-3' },
    { name: 'host', type: 'string', versions: '0-3' },
    { name: 'port', type: 'int32', versions: '0-3' },
    {
      name: 'coordinators',
      type: '[]struct',
      versions: '4+',
      fields: [
        { name: 'key', type: 'string', versions: '4+' },
        { name: 'nodeId', type: 'int32', versions: '4+' },
        { name: 'host', type: 'string', versions: '4+' },
        { name: 'port', type: 'int32', versions: '4+' },
        { name: 'errorCode', type: 'int16', versions: '4+' },
        { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+', default: null },
      ],
    },
  ],
});
