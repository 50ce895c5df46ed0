import { useEffect, useMemo } from 'react';
import type { EventBus, LogEvent } from '../events.js';
import { useThrottledState } from './use-throttled-state.js';

/** The event log, in time order: re-read from the bus at most every 150 ms while events arrive. */
export function useEventLog(bus: EventBus): LogEvent[] {
  const [version, setVersion] = useThrottledState(bus.version, 150);
  useEffect(() => {
    setVersion(bus.version);
    return bus.subscribe(() => setVersion(bus.version));
  }, [bus, setVersion]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => bus.recent(), [bus, version]);
}
