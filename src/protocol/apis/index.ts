import type { ApiCodec } from '../api.js';
import { ApiVersionsApi } from './api-versions.js';
import { CreateTopicsApi } from './create-topics.js';
import { DeleteTopicsApi } from './delete-topics.js';
import { FetchApi } from './fetch.js';
import { InitProducerIdApi } from './init-producer-id.js';
import { ListOffsetsApi } from './list-offsets.js';
import { MetadataApi } from './metadata.js';
import { OffsetForLeaderEpochApi } from './offset-for-leader-epoch.js';
import { ProduceApi } from './produce.js';

export * from './api-versions.js';
export * from './create-topics.js';
export * from './delete-topics.js';
export * from './fetch.js';
export * from './init-producer-id.js';
export * from './list-offsets.js';
export * from './metadata.js';
export * from './offset-for-leader-epoch.js';
export * from './produce.js';

/** Every API this module has a codec for, in api key order. */
export const SERVED_APIS: readonly ApiCodec<any, any>[] = [
  ProduceApi,
  FetchApi,
  ListOffsetsApi,
  MetadataApi,
  ApiVersionsApi,
  CreateTopicsApi,
  DeleteTopicsApi,
  InitProducerIdApi,
  OffsetForLeaderEpochApi,
];

const BY_KEY = new Map(SERVED_APIS.map((api) => [api.apiKey, api]));

export function apiByKey(key: number): ApiCodec<any, any> | undefined {
  return BY_KEY.get(key);
}
