// The capacity of the Docker host, for scaling a hardware profile: cores and memory from the
// engine; the clock from /proc/cpuinfo when the engine is local (the API does not give it).
import { readFileSync } from 'node:fs';
import type Dockerode from 'dockerode';
import type { HostCapacity } from '../../profiles/scale.js';

/** Assumed clock of a remote engine's cores (GHz). */
export const ASSUMED_GHZ = 2.5;

export function isLocalEngine(): boolean {
  const h = process.env.DOCKER_HOST;
  return !h || h.startsWith('unix://');
}

export function parseCpuGhz(cpuinfo: string): number | null {
  const mhz = cpuinfo.split('\n').map((l) => /^cpu MHz\s*:\s*([\d.]+)/.exec(l)?.[1]).filter(Boolean).map(Number);
  return mhz.length ? mhz.reduce((a, b) => a + b, 0) / mhz.length / 1000 : null;
}

export async function hostCapacity(docker: Dockerode): Promise<HostCapacity & { ghzAssumed: boolean }> {
  const info = (await docker.info()) as { NCPU: number; MemTotal: number };
  let ghz: number | null = null;
  if (isLocalEngine()) {
    try {
      ghz = parseCpuGhz(readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      /* not Linux */
    }
  }
  return { cpus: info.NCPU, memoryMb: Math.floor(info.MemTotal / 1048576), ghz: ghz ?? ASSUMED_GHZ, ghzAssumed: ghz === null };
}
