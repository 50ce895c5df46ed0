/**
 * AlterUserScramCredentials (key 51), version 0, flexible (Kafka's
 * AlterUserScramCredentialsRequest/Response.json, KIP-554): deletions by user and mechanism, and
 * upsertions carrying the salt, the iteration count and the *salted* password (the client runs
 * PBKDF2, so the password itself never crosses the wire); the broker keeps StoredKey and ServerKey.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface ScramCredentialDeletion {
  name: string;
  mechanism: number;
}

export interface ScramCredentialUpsertion {
  name: string;
  mechanism: number;
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

export interface AlterUserScramCredentialsRequest {
  deletions: ScramCredentialDeletion[];
  upsertions: ScramCredentialUpsertion[];
}

export interface AlterUserScramCredentialsResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
}

export interface AlterUserScramCredentialsResponse {
  throttleTimeMs: number;
  results: AlterUserScramCredentialsResult[];
}

export const AlterUserScramCredentialsApi = schemaApi<AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>({
  apiKey: ApiKey.AlterUserScramCredentials,
  name: 'AlterUserScramCredentials',
  versions: '0',
  flexibleVersions: '0+',
  request: [
    {
      name: 'deletions',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'mechanism', type: 'int8', versions: '0+' },
      ],
    },
    {
      name: 'upsertions',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'mechanism', type: 'int8', versions: '0+' },
        { name: 'iterations', type: 'int32', versions: '0+' },
        { name: 'salt', type: 'bytes', versions: '0+' },
        { name: 'saltedPassword', type: 'bytes', versions: '0+' },
      ],
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'user', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
  ],
});
