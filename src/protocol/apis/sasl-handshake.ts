/**
 * SaslHandshake (key 17), versions 0-1, never flexible (Kafka's SaslHandshakeRequest/Response.json):
 * the client names a SASL mechanism, the broker answers with the ones it enables. v1 means the
 * exchange then goes in SaslAuthenticate requests (KIP-152); v0 meant raw SASL tokens, which no
 * client YaK supports sends once the broker advertises SaslAuthenticate (kafkajs, librdkafka, Java).
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface SaslHandshakeRequest {
  mechanism: string;
}

export interface SaslHandshakeResponse {
  errorCode: number;
  mechanisms: string[];
}

export const SaslHandshakeApi = schemaApi<SaslHandshakeRequest, SaslHandshakeResponse>({
  apiKey: ApiKey.SaslHandshake,
  name: 'SaslHandshake',
  versions: '0-1',
  flexibleVersions: 'none',
  request: [{ name: 'mechanism', type: 'string', versions: '0+' }],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: '[]string', versions: '0+' },
  ],
});
