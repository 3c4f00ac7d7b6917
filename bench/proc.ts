// Small helpers for benchmarks: peak memory of a process, child programs, peers on the PATH.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Peak resident set size of a live process in MB (VmHWM), or null when it cannot be read. */
export function peakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Pids of a process's children (PostgreSQL's postmaster spawns its backends). */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The path of a program, or null when it is not installed. */
export function which(program: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${program} || ls /usr/sbin/${program} 2>/dev/null`], { encoding: 'utf8' });
  const path = r.stdout.trim().split('\n')[0];
  return path || null;
}

export const fmt = (n: number | null | undefined, digits = 1) => (n === null || n === undefined ? '-' : n.toFixed(digits));
