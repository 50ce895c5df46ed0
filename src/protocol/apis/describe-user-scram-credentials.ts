/**
 * DescribeUserScramCredentials (key 50), version 0, flexible (Kafka's
 * DescribeUserScramCredentialsRequest/Response.json, KIP-554): which SCRAM mechanisms and iteration
 * counts each user has. Never salts or keys. `users` null: every user.
 */
import { ApiKey } from '../api.js';
import { schemaApi } from '../schema.js';

export interface DescribeUserScramCredentialsRequest {
  users: { name: string }[] | null;
}

export interface CredentialInfo {
  /** 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512 (Kafka's ScramMechanism ids). */
  mechanism: number;
  iterations: number;
}

export interface DescribeUserScramCredentialsResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
  credentialInfos: CredentialInfo[];
}

export interface DescribeUserScramCredentialsResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  results: DescribeUserScramCredentialsResult[];
}

export const DescribeUserScramCredentialsApi = schemaApi<DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse>({
  apiKey: ApiKey.DescribeUserScramCredentials,
  name: 'DescribeUserScramCredentials',
  versions: '0',
  flexibleVersions: '0+',
  request: [{ name: 'users', type: '[]struct', versions: '0+', nullableVersions: '0+', fields: [{ name: 'name', type: 'string', versions: '0+' }] }],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    {
      name: 'results',
      type: '[]struct',
      versions: '0+',
      fields: [
        { name: 'user', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        {
          name: 'credentialInfos',
          type: '[]struct',
          versions: '0+',
          fields: [
            { name: 'mechanism', type: 'int8', versions: '0+' },
            { name: 'iterations', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
});
