import { useEffect, useState } from 'react';
import { nextFrameAt } from './use-frame-state.js';

/**
 * A clock for things that age between updates (uptime, heartbeat ages): ticks every `intervalMs`,
 * on the wall-clock multiples the data sources use too, so a tick shares their render.
 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    let timer: NodeJS.Timeout;
    const schedule = () => {
      const at = Date.now();
      timer = setTimeout(() => {
        setNow(Date.now());
        schedule();
      }, nextFrameAt(at, intervalMs) - at);
    };
    schedule();
    return () => clearTimeout(timer);
  }, [intervalMs]);
  return now;
}
