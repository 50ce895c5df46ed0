/**
 * SASL PLAIN (RFC 4616): one message, `[authzid] NUL authcid NUL passwd`, UTF-8. Kafka refuses an
 * authorization id other than the username (PlainSaslServer); so does YaK.
 */
export interface PlainCredentials {
  username: string;
  password: string;
}

/** The username and password in a PLAIN message, or a string saying why it is not one. */
export function parsePlainMessage(message: Buffer): PlainCredentials | string {
  const parts = message.toString('utf8').split('\u0000');
  if (parts.length !== 3) return 'malformed SASL PLAIN message: expected [authzid] NUL username NUL password';
  const [authzid, username, password] = parts as [string, string, string];
  if (username === '' || password === '') return 'SASL PLAIN message without a username or password';
  if (authzid !== '' && authzid !== username) return 'SASL PLAIN authorization id other than the username is not supported';
  return { username, password };
}

export function encodePlainMessage({ username, password }: PlainCredentials): Buffer {
  return Buffer.from(`\u0000${username}\u0000${password}`, 'utf8');
}
