import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * useState whose updates reach React at most once per `intervalMs`: sources that change many times
 * a second (records arriving, events in bursts) cost one render per interval, not one per change.
 * The latest value always wins; the first change after a quiet period renders at once.
 */
export function useThrottledState<T>(initial: T | (() => T), intervalMs: number): [T, (next: T | ((prev: T) => T)) => void] {
  const [state, setState] = useState(initial);
  const latest = useRef(state);
  const lastCommit = useRef(0);
  const timer = useRef<NodeJS.Timeout | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );

  const set = useCallback(
    (next: T | ((prev: T) => T)) => {
      latest.current = typeof next === 'function' ? (next as (prev: T) => T)(latest.current) : next;
      if (timer.current) return;
      const wait = lastCommit.current + intervalMs - Date.now();
      const commit = () => {
        timer.current = null;
        lastCommit.current = Date.now();
        setState(latest.current);
      };
      if (wait <= 0) commit();
      else timer.current = setTimeout(commit, wait);
    },
    [intervalMs],
  );
  return [state, set];
}
