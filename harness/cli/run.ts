import { relative } from 'node:path';
import { loadScenario } from '../run/scenarios.js';
import { Progress } from '../run/progress.js';
import { runScenario } from '../run/run.js';
import { loadProfile } from '../profiles/load.js';
import { readBaseline } from '../thresholds/baseline.js';
import { parseTolerance } from '../thresholds/index.js';

interface RunFlags {
  scenario: string;
  mode?: string;
  recipients?: number;
  seed?: number;
  timeScale?: number;
  out?: string;
  /** An earlier run's result.json (or its directory) and the regression allowed against it. */
  baseline?: string;
  tolerance?: string;
  runtime: 'process' | 'docker';
  profile?: string;
  portPolicy?: boolean;
}

export async function runCommand(f: RunFlags, argv: string[]): Promise<number> {
  const scenario = await loadScenario(f.scenario, {
    mode: f.mode,
    seed: f.seed,
    timeScale: f.timeScale,
    workload: f.recipients === undefined ? undefined : { recipients: f.recipients },
  });
  // The exact command that re-runs this run (the seed made explicit).
  const command = ['npx midsim', ...argv.filter((a, i, all) => a !== '--seed' && all[i - 1] !== '--seed'), '--seed', String(scenario.seed)].join(' ');
  const baseline = f.baseline === undefined ? undefined : readBaseline(f.baseline);
  const tolerance = parseTolerance(f.tolerance ?? '');
  const profile = f.profile === undefined ? undefined : loadProfile(f.profile);
  const progress = new Progress();
  // A Toxiproxy the user runs (TOXIPROXY_URL) carries the links instead of midsim's own fault
  // proxy; the process runtime only: the docker runtime's proxies live on the run's network.
  const toxiproxyUrl = f.runtime === 'process' ? process.env.TOXIPROXY_URL || undefined : undefined;
  const result = await runScenario({ scenario, out: f.out, command, progress, baseline, tolerance, runtime: f.runtime, profile, portPolicy: f.portPolicy, toxiproxyUrl });
  const dir = relative(process.cwd(), (result as { runDir?: string }).runDir ?? '') || '.';
  const m = result.metrics;
  const lines = [
    `${result.verdict.toUpperCase()}: ${result.checks.filter((c) => c.status === 'pass').length}/${result.checks.length} checks passed${result.quiesce.ok ? '' : ` (did not settle: ${result.quiesce.detail})`}`,
    ...result.checks.map((c) => `  ${c.status === 'pass' ? 'ok  ' : 'FAIL'} ${c.id}: ${c.detail}`),
    ...result.gates.map((g) => `  ${g.status === 'pass' ? 'ok  ' : 'FAIL'} ${g.id}: ${g.detail}`),
    `  delivered ${m.delivered}, failed ${m.failed.hard} hard / ${m.failed.soft} soft, lost ${m.lost}, duplicates ${m.duplicates}`,
    `  throughput ${m.throughput.messagesPerSecond?.toFixed(1) ?? '-'} msg/s, sync delay p50 ${m.syncDelayMs.p50 ?? '-'} ms, p95 ${m.syncDelayMs.p95 ?? '-'} ms`,
    ...(result.hardware.verdicts ?? []).map((v) => `  profile ${result.hardware.profile}: ${v.line}`),
    `report: ${dir}/report.html (junit: ${dir}/junit.xml)`,
  ];
  console.log(lines.join('\n'));
  return result.verdict === 'pass' ? 0 : 1;
}
