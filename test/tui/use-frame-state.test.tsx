import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { useEffect } from 'react';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FRAME_MS, IDLE_FRAME_MS, nextFrameAt, useFrameState } from '../../src/tui/hooks/use-frame-state.js';

test('every source lands on the same wall-clock boundaries, strictly after now', () => {
  assert.is(nextFrameAt(1000, 250), 1250);
  assert.is(nextFrameAt(1249, 250), 1250);
  assert.is(nextFrameAt(1250, 250), 1500);
  // The 1 s clock of useNow ticks on a boundary the data sources use too.
  assert.is(nextFrameAt(1_700_000_000_123, 1000) % FRAME_MS, 0);
});

test('a routine refresh waits for the whole second; a change after it brings the frame forward, and the latest value wins', async () => {
  let set: ((v: string, frameMs?: number) => void) | null = null;
  function Probe() {
    const [value, setValue] = useFrameState('initial');
    useEffect(() => {
      set = setValue;
    }, [setValue]);
    return <Text>{value}</Text>;
  }
  const { lastFrame, unmount } = render(<Probe />);
  // Start just after a whole second, so the idle frame is almost a second away.
  while (Date.now() % IDLE_FRAME_MS > 50) await new Promise((r) => setTimeout(r, 5));
  set!('refresh', IDLE_FRAME_MS);
  await new Promise((r) => setTimeout(r, FRAME_MS + 60));
  assert.is(lastFrame(), 'initial', 'the routine refresh is not drawn at the next 250 ms frame');
  set!('changed');
  // Drawn before the whole second the refresh was waiting for (polled: a loaded machine renders late).
  const idleFrame = nextFrameAt(Date.now(), IDLE_FRAME_MS);
  while (lastFrame() !== 'changed' && Date.now() < idleFrame - 30) await new Promise((r) => setTimeout(r, 5));
  assert.is(lastFrame(), 'changed', 'a change is drawn at the next 250 ms frame');
  unmount();
});

test.run();
