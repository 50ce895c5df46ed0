import * as assert from 'uvu/assert';
import { KafkaError } from '../../src/common/errors.js';

/** Runs `fn` and returns the Kafka error code it threw (fails if it did not throw one). */
export function kafkaErrorCode(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    assert.instance(err, KafkaError);
    return (err as KafkaError).code;
  }
  assert.unreachable('expected a KafkaError');
  return -1;
}
