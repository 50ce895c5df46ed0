import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * How often data reaches the screen at most. Ink rebuilds the whole frame on every render (tens of
 * milliseconds at 120x40 on a busy machine), so the sources share one clock: 4 renders a second
 * during a flood, whatever the number of sources.
 */
export const FRAME_MS = 250;

/** The next multiple of `frameMs` on the wall clock after `nowMs`. */
export function nextFrameAt(nowMs: number, frameMs = FRAME_MS): number {
  return (Math.floor(nowMs / frameMs) + 1) * frameMs;
}

/**
 * useState whose updates reach React at the next frame boundary (a multiple of FRAME_MS on the wall
 * clock). Every source uses the same boundaries and Node runs all due timers before React renders,
 * so sources that change within one frame cost one render together, and a source that changes
 * many times a second (records arriving, events in bursts) at most one per frame. The latest value
 * wins.
 */
export function useFrameState<T>(initial: T | (() => T)): [T, (next: T | ((prev: T) => T)) => void] {
  const [state, setState] = useState(initial);
  const latest = useRef(state);
  const timer = useRef<NodeJS.Timeout | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );

  const set = useCallback((next: T | ((prev: T) => T)) => {
    latest.current = typeof next === 'function' ? (next as (prev: T) => T)(latest.current) : next;
    if (timer.current) return;
    const now = Date.now();
    timer.current = setTimeout(() => {
      timer.current = null;
      setState(latest.current);
    }, nextFrameAt(now) - now);
  }, []);
  return [state, set];
}
