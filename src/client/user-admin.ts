import { randomBytes } from 'node:crypto';
import { ErrorCode, KafkaError } from '../common/errors.js';
import { AlterUserScramCredentialsApi } from '../protocol/apis/alter-user-scram-credentials.js';
import { DescribeUserScramCredentialsApi } from '../protocol/apis/describe-user-scram-credentials.js';
import { isScramMechanism, saltedPassword, SCRAM_MECHANISM_IDS, scramMechanismById, type ScramMechanism } from '../security/scram.js';
import type { KafkaClient } from './kafka-client.js';

export interface UserInfo {
  user: string;
  /** `mechanism`: a SCRAM mechanism name, or `mechanism N` for an id this client does not know. */
  credentials: { mechanism: string; iterations: number }[];
}

/**
 * SASL/SCRAM users over the Kafka protocol (KIP-554: DescribeUserScramCredentials,
 * AlterUserScramCredentials), as kafka-configs --entity-type users does: the password is salted and
 * hashed here (PBKDF2), so only the salted form travels, and the broker keeps only keys derived from it.
 */
export class UserAdmin {
  constructor(private readonly client: KafkaClient) {}

  /** Every user (or those named: an unknown one is RESOURCE_NOT_FOUND). */
  async describe(users: string[] | null = null): Promise<UserInfo[]> {
    const res = await this.client.send(undefined, DescribeUserScramCredentialsApi, 0, { users: users?.map((name) => ({ name })) ?? null });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, res.errorMessage ?? undefined);
    const failed = res.results.find((r) => r.errorCode !== ErrorCode.NONE);
    if (failed) throw new KafkaError(failed.errorCode, `user ${JSON.stringify(failed.user)}: ${failed.errorMessage ?? ''}`);
    return res.results.map((r) => ({ user: r.user, credentials: r.credentialInfos.map((c) => ({ mechanism: scramMechanismById(c.mechanism) ?? `mechanism ${c.mechanism}`, iterations: c.iterations })) }));
  }

  /** Sets `user`'s password for each mechanism (creating the user, or replacing its credential). */
  async setPassword(user: string, password: string, mechanisms: readonly ScramMechanism[], iterations: number): Promise<void> {
    const upsertions = await Promise.all(
      mechanisms.map(async (m) => {
        const salt = randomBytes(32);
        return { name: user, mechanism: SCRAM_MECHANISM_IDS[m], iterations, salt, saltedPassword: await saltedPassword(m, password, salt, iterations) };
      }),
    );
    await this.alter({ deletions: [], upsertions });
  }

  /** Deletes every credential `user` has (the user is gone once none is left). */
  async delete(user: string): Promise<void> {
    const [info] = await this.describe([user]);
    const deletions = (info?.credentials ?? []).map((c) => ({ name: user, mechanism: isScramMechanism(c.mechanism) ? SCRAM_MECHANISM_IDS[c.mechanism] : 0 }));
    await this.alter({ deletions, upsertions: [] });
  }

  private async alter(req: Parameters<typeof AlterUserScramCredentialsApi.encodeRequest>[1]): Promise<void> {
    const res = await this.client.send(undefined, AlterUserScramCredentialsApi, 0, req);
    const failed = res.results.find((r) => r.errorCode !== ErrorCode.NONE);
    if (failed) throw new KafkaError(failed.errorCode, `user ${JSON.stringify(failed.user)}: ${failed.errorMessage ?? ''}`);
  }
}
