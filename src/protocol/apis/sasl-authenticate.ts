/**
 * SaslAuthenticate (key 36), versions 0-2, flexible from 2 (Kafka's SaslAuthenticateRequest/
 * Response.json, KIP-152): one SASL token each way per request. v1 adds the session lifetime
 * (KIP-368: the client must authenticate again on the same connection before it ends).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface SaslAuthenticateRequest {
  authBytes: Buffer;
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
  /** v1+: milliseconds until the client must re-authenticate; 0 for never. */
  sessionLifetimeMs: number;
}

export const SaslAuthenticateApi = schemaApi<SaslAuthenticateRequest, SaslAuthenticateResponse>({
  apiKey: ApiKey.SaslAuthenticate,
  name: 'SaslAuthenticate',
  versions: '0-2',
  flexibleVersions: '2+',
  request: [{ name: 'authBytes', type: 'bytes', versions: '0+' }],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0 },
  ],
});
