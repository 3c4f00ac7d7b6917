// CPU and memory each container actually uses, sampled through the Docker stats API over the run
// (works against a remote engine too). CPU: cumulative CPU time between samples, in % of one host
// core; memory: usage without the inactive page cache, as `docker stats` shows it.
import type Dockerode from 'dockerode';

export interface Usage {
  cpuMeanPct: number;
  cpuPeakPct: number;
  memoryPeakMb: number;
  samples: number;
}

interface Track {
  firstAt: number;
  lastAt: number;
  lastCpuNs: number;
  /** CPU ns used since the first sample, across restarts. */
  cpuNs: number;
  peakPct: number;
  peakMem: number;
  samples: number;
}

/** A stats reading: cumulative CPU ns and memory bytes without page cache. */
export function reading(s: { cpu_stats?: { cpu_usage?: { total_usage?: number } }; memory_stats?: { usage?: number; stats?: Record<string, number> } }): { cpuNs: number; memBytes: number } | null {
  const cpuNs = s.cpu_stats?.cpu_usage?.total_usage;
  const usage = s.memory_stats?.usage;
  if (cpuNs === undefined || usage === undefined) return null;
  const st = s.memory_stats?.stats ?? {};
  const cache = st.total_inactive_file ?? st.inactive_file ?? 0;
  return { cpuNs, memBytes: Math.max(0, usage - cache) };
}

export class ResourceSampler {
  private readonly tracks = new Map<string, Track>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly docker: Dockerode,
    /** Node name -> container id, read at each sample (a restarted node keeps its container). */
    private readonly containers: () => Map<string, string>,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
    await this.sample();
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await Promise.all(
        [...this.containers()].map(async ([node, id]) => {
          const s = await this.docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false }).catch(() => null);
          const r = s && reading(s as Parameters<typeof reading>[0]);
          if (!r) return;
          const at = Date.now();
          const t = this.tracks.get(node);
          if (!t) {
            this.tracks.set(node, { firstAt: at, lastAt: at, lastCpuNs: r.cpuNs, cpuNs: 0, peakPct: 0, peakMem: r.memBytes, samples: 1 });
            return;
          }
          // A restarted container's counter starts again from zero.
          const used = r.cpuNs >= t.lastCpuNs ? r.cpuNs - t.lastCpuNs : r.cpuNs;
          if (at > t.lastAt) t.peakPct = Math.max(t.peakPct, (used / 1e6 / (at - t.lastAt)) * 100);
          t.cpuNs += used;
          t.lastCpuNs = r.cpuNs;
          t.lastAt = at;
          t.peakMem = Math.max(t.peakMem, r.memBytes);
          t.samples++;
        }),
      );
    } finally {
      this.busy = false;
    }
  }

  usage(): Record<string, Usage> {
    return Object.fromEntries(
      [...this.tracks].map(([node, t]) => {
        const wallMs = t.lastAt - t.firstAt;
        const r1 = (x: number) => Math.round(x * 10) / 10;
        return [node, { cpuMeanPct: wallMs > 0 ? r1((t.cpuNs / 1e6 / wallMs) * 100) : 0, cpuPeakPct: r1(t.peakPct), memoryPeakMb: r1(t.peakMem / 1048576), samples: t.samples }];
      }),
    );
  }
}
