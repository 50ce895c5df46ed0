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
 * How often routine refreshes reach the screen: metadata answers that only age heartbeats, the high
 * watermarks polled each second. They land on the same whole seconds as useNow's tick, so an idle
 * screen costs one render a second rather than one per source (each source polls on its own phase).
 */
export const IDLE_FRAME_MS = 1000;

/**
 * useState whose updates reach React at the next frame boundary (a multiple of `frameMs`, FRAME_MS
 * unless the update says otherwise, on the wall clock). Every source uses the same boundaries and
 * Node runs all due timers before React renders, so sources that change within one frame cost one
 * render together, and a source that changes many times a second (records arriving, events in
 * bursts) at most one per frame. The latest value wins; an update due sooner brings a pending one forward.
 */
export function useFrameState<T>(initial: T | (() => T)): [T, (next: T | ((prev: T) => T), frameMs?: number) => void] {
  const [state, setState] = useState(initial);
  const latest = useRef(state);
  const pending = useRef<{ timer: NodeJS.Timeout; atMs: number } | null>(null);

  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = null;
    },
    [],
  );

  const set = useCallback((next: T | ((prev: T) => T), frameMs = FRAME_MS) => {
    latest.current = typeof next === 'function' ? (next as (prev: T) => T)(latest.current) : next;
    const now = Date.now();
    const atMs = nextFrameAt(now, frameMs);
    if (pending.current) {
      if (pending.current.atMs <= atMs) return;
      clearTimeout(pending.current.timer);
    }
    pending.current = {
      atMs,
      timer: setTimeout(() => {
        pending.current = null;
        setState(latest.current);
      }, atMs - now),
    };
  }, []);
  return [state, set];
}
