// End to end at scale: a mid-sourcing campaign of 100,000 recipients on this machine (target:
// done in under 10 minutes), with the peak memory of every process. Printed, not asserted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORTS } from '../harness/paths.js';
import { Progress } from '../harness/run/progress.js';
import { runScenario } from '../harness/run/run.js';
import { parseScenario } from '../harness/scenario.js';
import { childPids, fmt, peakRssMb } from './proc.js';

export interface E2eBench {
  recipients: number;
  verdict: string;
  elapsedSeconds: number;
  messagesPerSecond: number | null;
  syncDelayP95Ms: number | null;
  peakRssMb: Record<string, number | null>;
  harnessPeakRssMb: number;
  /** Harness heap still in use after the campaign, after a forced GC (needs node --expose-gc). */
  harnessHeapAfterRunMb: number | null;
}

/** The postmaster of each site database of a run, found by its data directory. */
function postmasters(runDir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const d = cmd.indexOf('-D');
      if (d >= 0 && cmd[d + 1]?.startsWith(join(runDir, 'pg'))) out[cmd[d + 1].split('/').pop()!] = Number(pid);
    } catch {
      /* gone */
    }
  }
  return out;
}

export async function benchE2e(o: { recipients?: number; log?: (l: string) => void } = {}): Promise<E2eBench> {
  const { recipients = 100_000, log = console.log } = o;
  const scenario = parseScenario({ name: 'bench-e2e', description: `${recipients} recipients, mid-sourcing`, workload: { recipients }, quiesceTimeout: '15m' });
  const out = join(REPORTS, `bench-e2e-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`);
  const peaks: Record<string, number | null> = {};
  let heapAfterRun: number | null = null;
  const t0 = Date.now();
  const result = await runScenario({
    scenario,
    out,
    command: `npm run bench -- --only e2e --recipients ${recipients}`,
    progress: new Progress(),
    // Read every process's peak memory while they are still alive.
    beforeSnapshot: async (running) => {
      // What the harness still holds once the campaign is done (garbage collected first).
      (globalThis as { gc?: () => void }).gc?.();
      heapAfterRun = process.memoryUsage().heapUsed / 1e6;
      for (const [node, pid] of Object.entries(running.pids())) peaks[node] = peakRssMb(pid);
      for (const [db, pid] of Object.entries(postmasters(running.runDir))) {
        peaks[`${db} (postmaster)`] = peakRssMb(pid);
        const backends = childPids(pid).map(peakRssMb).filter((x): x is number => x !== null);
        peaks[`${db} (largest backend)`] = backends.length ? Math.max(...backends) : null;
      }
    },
  });
  const elapsed = (Date.now() - t0) / 1000;
  const harness = process.resourceUsage().maxRSS / 1024;
  peaks.harness = harness;
  const r: E2eBench = {
    recipients,
    verdict: result.verdict,
    elapsedSeconds: elapsed,
    messagesPerSecond: result.metrics.throughput.messagesPerSecond,
    syncDelayP95Ms: result.metrics.syncDelayMs.p95,
    peakRssMb: peaks,
    harnessPeakRssMb: harness,
    harnessHeapAfterRunMb: heapAfterRun,
  };
  log(`e2e: ${recipients} recipients, mid-sourcing, process runtime: ${result.verdict}, ${fmt(elapsed, 0)} s (target < 600 s: ${fmt(elapsed / 600, 2)} of the budget)`);
  log(`  throughput ${fmt(r.messagesPerSecond)} msg/s, sync delay p95 ${fmt(r.syncDelayP95Ms, 0)} ms; report ${out}/report.html`);
  log(`  harness heap in use after the campaign (after GC): ${fmt(heapAfterRun)} MB; peak RSS below includes garbage not yet collected`);
  log('  peak RSS (MB):');
  for (const [k, v] of Object.entries(peaks)) log(`    ${k.padEnd(34)} ${fmt(v)}`);
  return r;
}
