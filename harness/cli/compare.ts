// midsim compare: the same scenario in several modes, side by side.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { runComparison } from '../compare/compare.js';
import { REPORTS } from '../paths.js';
import { loadProfile } from '../profiles/load.js';
import { Progress } from '../run/progress.js';
import { loadScenario } from '../run/scenarios.js';

interface CompareFlags {
  modes: string;
  scenario: string;
  profile?: string;
  out?: string;
  recipients?: number;
  seed?: number;
  timeScale?: number;
  runtime: string;
}

export async function compareCommand(f: CompareFlags, argv: string[]): Promise<number> {
  const modes = f.modes.split(',').map((m) => m.trim()).filter(Boolean);
  const scenario = await loadScenario(f.scenario, { seed: f.seed, timeScale: f.timeScale, workload: f.recipients === undefined ? undefined : { recipients: f.recipients } });
  const profile = f.profile === undefined ? undefined : loadProfile(f.profile);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const out = f.out ?? join(REPORTS, `${stamp}-compare-${scenario.name}`);
  if (existsSync(out) && readdirSync(out).length) throw new ConfigError(`--out ${out}: directory is not empty; remove it or choose another`);
  const command = ['npx midsim', ...argv.filter((a, i, all) => a !== '--seed' && all[i - 1] !== '--seed'), '--seed', String(scenario.seed)].join(' ');
  const c = await runComparison({ modes, scenario, out, command, profile, runtime: f.runtime, progress: new Progress() });
  const dir = relative(process.cwd(), out) || '.';
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    [
      `${c.verdict.toUpperCase()}: ${c.modes.filter((m) => m.verdict === 'pass').length}/${c.modes.length} runs passed their checks`,
      ...c.modes.map(
        (m) =>
          `  ${pad(m.mode, 13)} ${m.verdict === 'pass' ? 'ok  ' : 'FAIL'} ${(m.throughput.messagesPerSecond ?? 0).toFixed(1).padStart(7)} msg/s, sync p95 ${String(m.syncDelayMs.p95 ?? '-').padStart(6)} ms, ` +
          `${(m.boundary.outPer1000 / 1000).toFixed(1).padStart(8)} kB left the client per 1,000 msgs`,
      ),
      'claims of mid-sourcing:',
      ...c.claims.map((x) => `  ${pad(x.verdict, 13)} ${x.id}`),
      `report: ${dir}/report.html (data: ${dir}/compare.json)`,
    ].join('\n'),
  );
  return c.verdict === 'pass' ? 0 : 1;
}
