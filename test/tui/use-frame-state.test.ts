import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FRAME_MS, nextFrameAt } from '../../src/tui/hooks/use-frame-state.js';

test('every source lands on the same wall-clock boundaries, strictly after now', () => {
  assert.is(nextFrameAt(1000, 250), 1250);
  assert.is(nextFrameAt(1249, 250), 1250);
  assert.is(nextFrameAt(1250, 250), 1500);
  // The 1 s clock of useNow ticks on a boundary the data sources use too.
  assert.is(nextFrameAt(1_700_000_000_123, 1000) % FRAME_MS, 0);
});

test.run();
