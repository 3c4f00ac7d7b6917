// Running the catalogue: per mode, one small campaign through the reference implementation (or,
// with a target file, the target as given), then every requirement's check against the target.
// A requirement whose mode does not match is "n.a."; a check that throws fails with the error.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE, CONTRADICTIONS } from '../../scenarios/conformance/catalogue.js';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { Progress } from '../run/progress.js';
import { runScenario } from '../run/run.js';
import { parseScenario, type Scenario } from '../scenario.js';
import { referenceTarget, type Target } from './target.js';
import { isAfterRun, type Contradiction, type Ctx, type Requirement, type Status } from './types.js';

export interface Cell {
  requirement: string;
  mode: string;
  status: Status;
  detail: string;
  timeMs: number;
  data?: unknown;
}

export interface ConformanceResult {
  startedAt: string;
  durationMs: number;
  target: string;
  runtime: string;
  modes: string[];
  requirements: Omit<Requirement, 'check'>[];
  contradictions: Contradiction[];
  cells: Cell[];
  /** Per mode: the campaign run the run-based requirements read (its directory), and its verdict. */
  runs: Record<string, { dir: string; verdict: string; durationMs: number } | null>;
  /** Modes in which no requirement applied: the verdict fails rather than pass on nothing. */
  unchecked: string[];
  verdict: 'pass' | 'fail';
}

export interface ConformanceOptions {
  modes: string[];
  runtime?: string;
  /** A target file's content; default: the reference implementation, started per mode. */
  target?: Target;
  out: string;
  /** Deliberate misconfigurations of the reference (tests that prove the catalogue can fail). */
  misconfig?: Scenario['misconfig'];
  catalogue?: Requirement[];
  progress?: Progress;
}

/** A workload small enough to run fast, varied enough to give every run-based check evidence. */
export const PROBE_DOMAIN = 'probe.test';
export function conformanceScenario(mode: string, misconfig?: Scenario['misconfig']): Scenario {
  const quiet = { reject: { userUnknown: 0, mailboxFull: 0, refused: 0 }, defer: { share: 0 } };
  return parseScenario(
    {
      name: 'conformance',
      description: 'The small campaign the conformance catalogue reads: rejects, deferrals, bounces, opens and clicks.',
      mode,
      seed: 5,
      timeScale: 10,
      workload: {
        recipients: 150,
        domains: [
          { name: 'mail-a.test', weight: 4, ...quiet, dsn: { share: 0.05, delay: '3s' } },
          { name: 'mail-b.test', weight: 3, reject: { userUnknown: 0.12, mailboxFull: 0.05, refused: 0 }, defer: { share: 0 }, dsn: { share: 0, delay: '3s' } },
          { name: 'mail-c.test', weight: 3, reject: { userUnknown: 0, mailboxFull: 0, refused: 0 }, defer: { share: 0.2, attempts: 2 }, dsn: { share: 0, delay: '3s' } },
          // The probes' own recipients: accepted and forgotten, never part of the campaign.
          { name: PROBE_DOMAIN, weight: 0, ...quiet, dsn: { share: 0, delay: '3s' } },
        ],
        recipientBehaviour: { openRate: 0.4, clickRate: 0.2, delay: '2s' },
      },
      sync: { deliveryLogsPeriod: '10s', trackingLogsPeriod: '10s', countersPeriod: '10s' },
      quiesceTimeout: misconfig?.marketingMta ? '20s' : '2m',
      misconfig,
    },
    'conformance scenario',
  );
}

type Phase = 'live' | 'after-run';
const phaseOf = (r: Requirement): Phase => (isAfterRun(r.check) ? 'after-run' : 'live');

async function judge(catalogue: Requirement[], ctx: Ctx, progress: Progress, phase?: Phase): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const r of catalogue) {
    if (phase && phaseOf(r) !== phase) continue;
    const started = Date.now();
    let v;
    if (!r.modes.includes(ctx.mode)) v = { status: 'n.a.' as const, detail: `applies to ${r.modes.join(', ')}` };
    else {
      try {
        v = await r.check(ctx);
      } catch (e) {
        v = { status: 'fail' as const, detail: `the check could not complete: ${(e as Error).message.split('\n')[0]}` };
      }
    }
    cells.push({ requirement: r.id, mode: ctx.mode, timeMs: Date.now() - started, ...v });
    if (v.status !== 'n.a.') progress.say(`${ctx.mode} ${r.id}: ${v.status}`);
  }
  return cells;
}

export async function runConformance(o: ConformanceOptions): Promise<ConformanceResult> {
  const catalogue = o.catalogue ?? CATALOGUE;
  const progress = o.progress ?? new Progress(false);
  const started = Date.now();
  const cells: Cell[] = [];
  const runs: ConformanceResult['runs'] = {};
  mkdirSync(o.out, { recursive: true });
  for (const mode of o.modes) {
    if (o.target) {
      if (o.target.mode !== mode) throw new ConfigError(`--mode ${mode}: the target ${o.target.name} runs ${o.target.mode} mode`);
      runs[mode] = null;
      cells.push(...(await judge(catalogue, { mode, target: o.target }, progress)));
      continue;
    }
    // Live checks probe the topology once the campaign's final state is recorded; run-based
    // checks read the finished run (its checks are computed after the topology stops).
    let live: Cell[] = [];
    let target: Target | null = null;
    const run = await runScenario({
      scenario: conformanceScenario(mode, o.misconfig),
      runtime: o.runtime,
      out: join(o.out, `run-${mode}`),
      command: `npx midsim conformance --mode ${mode}`,
      progress,
      afterSnapshot: async (running) => {
        target = referenceTarget(running, mode, PROBE_DOMAIN);
        live = await judge(catalogue, { mode, target }, progress, 'live');
      },
    });
    if (!target) throw new Error(`the ${mode} run ended before its topology could be probed`);
    const after = await judge(catalogue, { mode, target, run }, progress, 'after-run');
    runs[mode] = { dir: run.runDir, verdict: run.verdict, durationMs: run.durationMs };
    const byId = new Map([...live, ...after].map((c) => [c.requirement, c]));
    cells.push(...catalogue.map((r) => byId.get(r.id)!));
  }
  const applicable = cells.filter((c) => c.status !== 'n.a.');
  // A mode where nothing applied was not checked at all: that must not read as a pass.
  const unchecked = o.modes.filter((m) => !applicable.some((c) => c.mode === m));
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    target: o.target?.name ?? 'reference',
    runtime: o.target ? 'external' : (o.runtime ?? 'process'),
    modes: o.modes,
    requirements: catalogue.map(({ check: _check, ...r }) => r),
    contradictions: CONTRADICTIONS,
    cells,
    runs,
    unchecked,
    verdict: unchecked.length === 0 && applicable.every((c) => c.status === 'pass') ? 'pass' : 'fail',
  };
}
