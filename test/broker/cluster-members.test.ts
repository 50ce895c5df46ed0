/**
 * ClusterMembers: the in-band cluster-secret exchange on a broker's Kafka listener, which makes a
 * connection eligible for cluster-internal APIs (WriteTxnMarkers).
 */
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClusterMembers } from '../../src/broker/cluster-members.js';
import { ClusterSecret } from '../../src/common/cluster-secret.js';
import { ErrorCode } from '../../src/common/errors.js';
import { silentLogger } from '../../src/common/logger.js';
import type { ClientInfo } from '../../src/net/server.js';

const secret = ClusterSecret.parse(randomBytes(32).toString('hex'), 'the test secret');

function connection(id: number): ClientInfo & { close(): void } {
  const listeners: (() => void)[] = [];
  return { id, remoteAddress: '127.0.0.1:5000', onClose: (l) => void listeners.push(l), close: () => listeners.forEach((l) => l()) };
}

/** Runs the client side of the exchange with `proving` as its secret; returns the authenticate answer. */
function prove(members: ClusterMembers, conn: ClientInfo, proving: ClusterSecret) {
  const clientNonce = randomBytes(32);
  const hello = members.handshake(conn, { clientNonce });
  assert.is(hello.errorCode, ErrorCode.NONE);
  const answer = members.authenticate(conn, { proof: proving.proof('client', hello.serverNonce!, clientNonce) });
  return { answer, clientNonce, serverNonce: hello.serverNonce! };
}

test('a connection that proves the secret is a member (and the broker proves it back); others are not', () => {
  const members = new ClusterMembers(secret, silentLogger);
  const conn = connection(1);
  const { answer, clientNonce, serverNonce } = prove(members, conn, secret);
  assert.is(answer.errorCode, ErrorCode.NONE);
  assert.ok(secret.verify('server', clientNonce, serverNonce, answer.proof), "the broker's proof");
  assert.ok(members.isMember(1));
  assert.not.ok(members.isMember(2), 'another connection is not');
  conn.close();
  assert.not.ok(members.isMember(1), 'forgotten once the connection closed');
});

test('a wrong proof, a proof before the handshake, a second handshake or a short nonce are refused', () => {
  const members = new ClusterMembers(secret, silentLogger);
  const wrong = ClusterSecret.parse('0'.repeat(64), 'a guessed secret');
  assert.is(prove(members, connection(1), wrong).answer.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  assert.not.ok(members.isMember(1));
  assert.is(members.authenticate(connection(2), { proof: randomBytes(32) }).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  assert.is(members.handshake(connection(1), { clientNonce: randomBytes(32) }).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'one exchange per connection');
  assert.is(members.handshake(connection(3), { clientNonce: randomBytes(8) }).errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  assert.not.ok(members.isMember(2) || members.isMember(3));
});

test.run();
