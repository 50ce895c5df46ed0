import { useEffect, useMemo } from 'react';
import type { EventBus, LogEvent } from '../events.js';
import { useFrameState } from './use-frame-state.js';

/** The event log, in time order: re-read from the bus once a frame at most while events arrive. */
export function useEventLog(bus: EventBus): LogEvent[] {
  const [version, setVersion] = useFrameState(bus.version);
  useEffect(() => {
    setVersion(bus.version);
    return bus.subscribe(() => setVersion(bus.version));
  }, [bus, setVersion]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => bus.recent(), [bus, version]);
}
