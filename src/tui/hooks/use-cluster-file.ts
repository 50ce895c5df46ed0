import { useEffect, useState } from 'react';
import { isProcessAlive, readClusterFile, type ClusterFile } from '../../client/cluster-file.js';

export interface ProcessTable {
  file: ClusterFile | null;
  /** Pids of cluster.json that are live processes right now. */
  livePids: ReadonlySet<number>;
}

function read(dataDir: string): ProcessTable {
  const file = readClusterFile(dataDir);
  const pids = file ? [file.coordinator.pid, ...file.brokers.map((b) => b.pid)] : [];
  return { file, livePids: new Set(pids.filter((p) => p > 0 && isProcessAlive(p))) };
}

function same(a: ProcessTable, b: ProcessTable): boolean {
  return JSON.stringify(a.file) === JSON.stringify(b.file) && a.livePids.size === b.livePids.size && [...a.livePids].every((p) => b.livePids.has(p));
}

/**
 * The supervisor's process table, as every `yak` command sees it: cluster.json (pids, ports,
 * paused), checked against the live processes. Read every `intervalMs` and whenever `nudge`
 * changes (the TUI bumps it on events that change processes, so a kill shows at once).
 */
export function useClusterFile(dataDir: string, nudge: unknown, intervalMs = 500): ProcessTable {
  const [table, setTable] = useState(() => read(dataDir));
  useEffect(() => {
    const refresh = () => setTable((prev) => {
      const next = read(dataDir);
      return same(prev, next) ? prev : next;
    });
    refresh();
    // A process exit reaches cluster.json a moment after its event: look again shortly.
    const soon = setTimeout(refresh, 60);
    const timer = setInterval(refresh, intervalMs);
    return () => {
      clearTimeout(soon);
      clearInterval(timer);
    };
  }, [dataDir, nudge, intervalMs]);
  return table;
}
