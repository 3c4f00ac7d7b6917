// result.json: the contract later tooling reads. The HTML report and JUnit are derived from it.
import type { CheckResult } from '../checks/types.js';
import type { GateResult } from '../thresholds/evaluate.js';
import type { PortRecord } from '../runtime/types.js';
import type { HardwareSection } from '../profiles/section.js';
import type { PortPolicySection } from './port-policy.js';
import type { Metrics } from './metrics.js';

export interface RunResult {
  scenario: string;
  description?: string;
  mode: string;
  runtime: 'process' | 'docker';
  seed: number;
  verdict: 'pass' | 'fail';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Schedules run this many times faster than documented; transfers are real time. */
  timeScale: number;
  metrics: Omit<Metrics, 'series' | 'faults'>;
  series: Metrics['series'];
  faults: Metrics['faults'];
  checks: CheckResult[];
  /** Thresholds and the baseline comparison (the release gate), judged like checks. */
  gates: GateResult[];
  quiesce: { ok: boolean; waitedMs: number; detail: string };
  ports: PortRecord[];
  links: { name: string; role: string; from: string; to: string; protocol: string; crossesClientBoundary: boolean }[];
  /** What was enforced (profile quotas, link limits), what each node used, verdicts per profile target. */
  hardware: HardwareSection;
  /** Only with --port-policy (docker runtime): what the firewall let out of the client's site. */
  portPolicy?: PortPolicySection;
  narrative: string;
  versions: Record<string, string>;
  command: string;
  files: Record<string, string>;
}
