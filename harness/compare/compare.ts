// midsim compare: the same workload, seed and fault timeline in each mode, one run each under
// DIR/<mode>/, then one comparison (compare.json, report.html) with the documented claims of
// mid-sourcing judged on what was measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { validateTimeline } from '../nemesis/nemesis.js';
import type { HardwareProfile } from '../profiles/schema.js';
import type { Progress } from '../run/progress.js';
import { runScenario, topologyOptions } from '../run/run.js';
import type { RunningTopology } from '../runtime/types.js';
import type { Scenario } from '../scenario.js';
import { MODES } from '../topology/modes.js';
import { judgeClaims, type Claim } from './claims.js';
import { figuresOf, type FormsProbe, type ModeFigures } from './figures.js';
import { renderComparison } from './report.js';

/** The app server's subscription form (reference-impl/app-server/forms.ts). */
const FORM_PATH = '/forms/subscribe';

export interface CompareOptions {
  modes: string[];
  scenario: Scenario;
  out: string;
  command: string;
  profile?: HardwareProfile;
  runtime?: string;
  progress?: Progress;
}

export interface Comparison {
  scenario: string;
  description: string;
  seed: number;
  recipients: number;
  timeScale: number;
  profile: string | null;
  command: string;
  startedAt: string;
  /** pass when every mode's run passed its checks. */
  verdict: 'pass' | 'fail';
  modes: ModeFigures[];
  claims: Claim[];
}

export async function runComparison(o: CompareOptions): Promise<Comparison> {
  const unknown = o.modes.filter((m) => !MODES[m]);
  if (unknown.length) throw new ConfigError(`--modes: unknown mode ${unknown.map((m) => `"${m}"`).join(', ')} (known: ${Object.keys(MODES).join(', ')})`);
  if (new Set(o.modes).size !== o.modes.length || o.modes.length < 2) throw new ConfigError(`--modes: give two or more different modes, got "${o.modes.join(',')}"`);
  mkdirSync(o.out, { recursive: true });
  const startedAt = new Date().toISOString();
  const figures: ModeFigures[] = [];
  for (const mode of o.modes) {
    const s: Scenario = { ...o.scenario, mode };
    const topology = MODES[mode](topologyOptions(s));
    // The same timeline everywhere; a step aimed at what this mode does not have (the WAN link
    // of on-premise) is left out and reported, which is itself a difference between modes.
    const notApplicable: string[] = [];
    const timeline = s.timeline.filter((step) => {
      try {
        validateTimeline([step], topology, s.workload.domains.map((d) => d.name));
        return true;
      } catch (e) {
        notApplicable.push((e as Error).message.replace(/^timeline\.0 /, ''));
        return false;
      }
    });
    o.progress?.say(`compare: ${mode} mode (${o.modes.indexOf(mode) + 1} of ${o.modes.length})`);
    let forms: FormsProbe | null = null;
    const result = await runScenario({
      scenario: { ...s, timeline },
      out: join(o.out, mode),
      command: o.command,
      progress: o.progress,
      runtime: o.runtime,
      captureBoundary: true,
      // The profile's targets are judged in every mode; the mode it describes is not imposed.
      profile: o.profile ? { ...o.profile, mode: undefined } : undefined,
      afterSnapshot: async (running) => {
        forms = await probeForms(running);
      },
    });
    figures.push(await figuresOf({ result, relDir: mode, scenario: s, topology, notApplicable, forms }));
  }
  const s = o.scenario;
  const comparison: Comparison = {
    scenario: s.name,
    description: s.description,
    seed: s.seed,
    recipients: s.workload.recipients,
    timeScale: s.timeScale,
    profile: o.profile?.name ?? null,
    command: o.command,
    startedAt,
    verdict: figures.every((f) => f.verdict === 'pass') ? 'pass' : 'fail',
    modes: figures,
    claims: judgeClaims(figures, s.timeScale),
  };
  writeFileSync(join(o.out, 'compare.json'), JSON.stringify(comparison, null, 2));
  writeFileSync(join(o.out, 'report.html'), renderComparison(comparison));
  return comparison;
}

/** Where the subscription form is served: at the app server, and (it must not be) at each mid. */
async function probeForms(running: RunningTopology): Promise<FormsProbe> {
  const t = running.topology;
  const status = async (a: { host: string; port: number }) => {
    try {
      return (await fetch(`http://${a.host}:${a.port}${FORM_PATH}`, { signal: AbortSignal.timeout(5000) })).status;
    } catch {
      return 0; // nothing answered
    }
  };
  const web = t.facts.clientAccess ? running.links[t.facts.clientAccess].listen : running.endpoint('app-server', 'web');
  const mids = t.nodes.filter((n) => n.kind === 'module' && n.module === 'mid-relay');
  return {
    appServer: { status: await status(web), site: t.nodes.find((n) => n.name === 'app-server')?.site ?? '?' },
    mids: await Promise.all(mids.map(async (n) => ({ node: n.name, status: await status(running.endpoint(n.name, 'web')) }))),
  };
}
