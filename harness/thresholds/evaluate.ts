// Judging a run against its thresholds and against an earlier run (the release gate). Both give
// check-like results, so that reports and JUnit treat them as they treat checks. A metric without
// samples (null) fails: a threshold never passes for want of data.
import { formatDuration } from '../../reference-impl/common/duration.js';
import { ConfigError } from '../../reference-impl/common/errors.js';
import { METRICS, type Operator, type Threshold } from './parse.js';

export interface GateResult {
  /** "threshold:<metric>" or "baseline:<metric>" */
  id: string;
  title: string;
  status: 'pass' | 'fail';
  detail: string;
}

/** What the gate reads of a run: result.json's metrics (and, for baselines, what was run). */
export interface GatedRun {
  scenario?: string;
  mode?: string;
  metrics: object;
}

/** The value of a metric path in a run's metrics; null when missing or not a number. */
export function metricValue(run: GatedRun, metric: string): number | null {
  const spec = METRICS[metric];
  let v: unknown = run.metrics;
  for (const k of (spec?.path ?? metric).split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

const HOLDS: Record<Operator, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

function show(metric: string, v: number): string {
  if (METRICS[metric]?.duration) return formatDuration(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 3 : 1);
}

export function evaluateThresholds(thresholds: Threshold[], run: GatedRun): GateResult[] {
  const seen = new Map<string, number>();
  return thresholds.map((t) => {
    const n = (seen.get(t.metric) ?? 0) + 1;
    seen.set(t.metric, n);
    const id = `threshold:${t.metric}${n > 1 ? `#${n}` : ''}`;
    const title = `${t.metric} ${t.expression.trim()}`;
    const v = metricValue(run, t.metric);
    if (v === null) return { id, title, status: 'fail', detail: `${t.metric} has no samples in this run: the threshold "${t.expression.trim()}" cannot hold` };
    const ok = HOLDS[t.op](v, t.value);
    return { id, title, status: ok ? 'pass' : 'fail', detail: `${t.metric} = ${show(t.metric, v)}, threshold ${t.op} ${show(t.metric, t.value)}` };
  });
}

/** Regressions allowed against the baseline, as fractions (0.1 = 10%). */
export interface Tolerance {
  /** Throughput may be this much lower. */
  throughput: number;
  /** The sync delay p95 may be this much higher. */
  syncDelayP95: number;
}
export const DEFAULT_TOLERANCE: Tolerance = { throughput: 0.1, syncDelayP95: 0.25 };

/** "throughput=10%,syncDelay.p95=25%" (either part may be left out; "0.1" works as well as "10%"). */
export function parseTolerance(text: string): Tolerance {
  const t = { ...DEFAULT_TOLERANCE };
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(throughput|syncDelay\.p95)\s*=\s*(\d+(?:\.\d+)?)(%?)$/.exec(part);
    if (!m) throw new ConfigError(`--tolerance: "${part}": expected throughput=<n>% or syncDelay.p95=<n>%`);
    const v = Number(m[2]) / (m[3] ? 100 : 1);
    if (m[1] === 'throughput') t.throughput = v;
    else t.syncDelayP95 = v;
  }
  return t;
}

const pct = (f: number) => `${(f * 100).toFixed(f < 0.1 ? 1 : 0)}%`;

/**
 * The release gate: a run against an earlier one of the same scenario and mode. Fails when
 * throughput fell, or the sync delay p95 rose, beyond the tolerance; and when either run has no
 * samples for a compared metric or the runs are not comparable.
 */
export function compareBaseline(run: GatedRun, baseline: GatedRun, tolerance: Tolerance = DEFAULT_TOLERANCE): GateResult[] {
  const out: GateResult[] = [];
  if ((baseline.scenario && run.scenario && baseline.scenario !== run.scenario) || (baseline.mode && run.mode && baseline.mode !== run.mode)) {
    out.push({
      id: 'baseline:comparable',
      title: 'the baseline ran the same scenario and mode',
      status: 'fail',
      detail: `baseline is ${baseline.scenario}/${baseline.mode}, this run is ${run.scenario}/${run.mode}`,
    });
  }
  const compare = (metric: string, worse: 'lower' | 'higher', tol: number): GateResult => {
    const id = `baseline:${metric}`;
    const title = `${metric} within ${pct(tol)} of the baseline`;
    const now = metricValue(run, metric);
    const before = metricValue(baseline, metric);
    if (now === null || before === null) {
      return { id, title, status: 'fail', detail: `${metric} has no samples in ${now === null ? 'this run' : 'the baseline'}: cannot compare` };
    }
    const limit = worse === 'lower' ? before * (1 - tol) : before * (1 + tol);
    const ok = worse === 'lower' ? now >= limit : now <= limit;
    const change = before === 0 ? '' : ` (${now >= before ? '+' : ''}${(((now - before) / before) * 100).toFixed(1)}%)`;
    return {
      id,
      title,
      status: ok ? 'pass' : 'fail',
      detail: `${metric} = ${show(metric, now)} against ${show(metric, before)} in the baseline${change}; ${worse === 'lower' ? 'at least' : 'at most'} ${show(metric, limit)} allowed`,
    };
  };
  out.push(compare('throughput.messagesPerHour', 'lower', tolerance.throughput));
  out.push(compare('syncDelay.p95', 'higher', tolerance.syncDelayP95));
  return out;
}
