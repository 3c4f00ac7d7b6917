// Resource use per node, read from /proc when the run has settled: CPU seconds (user + system)
// and peak resident memory (VmHWM) of each node's process. Linux only; elsewhere, nothing.
// A node restarted by a fault is measured from its last start.
import { readFileSync } from 'node:fs';

export interface NodeResources {
  cpuSeconds: number;
  peakRssMb: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export function readResources(pid: number): NodeResources | null {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is 14th, stime 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds, peakRssMb: hwm ? Number(hwm[1]) / 1024 : 0 };
  } catch {
    return null;
  }
}

/** Resources of every node whose process can be read. */
export function resourcesOf(pids: Record<string, number>): Record<string, NodeResources> {
  const out: Record<string, NodeResources> = {};
  for (const [node, pid] of Object.entries(pids)) {
    const r = readResources(pid);
    if (r) out[node] = r;
  }
  return out;
}
