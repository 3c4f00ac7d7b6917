// Measured vs target, one line per target of a profile. A pure function of the run's metrics.
import { METRICS, type HardwareProfile, type Target } from './schema.js';

export interface ProfileMetrics {
  throughput: { messagesPerHour: number | null };
  syncDelayMs: { p95: number | null };
  bandwidth: { smtpBytesPerMessage: number | null };
}

export interface Verdict {
  metric: Target['metric'];
  label: string;
  measured: number | null;
  min?: number;
  max?: number;
  /** null: nothing to measure in this run. */
  ok: boolean | null;
  source: string;
  line: string;
}

/** Mb/s a link needs to carry 10,000 messages an hour at this many bytes per message (the documented rule is 1 Mb/s). */
export function mbpsPer10kPerHour(bytesPerMessage: number): number {
  return (bytesPerMessage * 8 * 10_000) / 3600 / 1e6;
}

export function measure(metric: Target['metric'], m: ProfileMetrics): number | null {
  switch (metric) {
    case 'messagesPerHour':
      return m.throughput.messagesPerHour;
    case 'syncDelayP95Ms':
      return m.syncDelayMs.p95;
    case 'smtpMbpsPer10kPerHour':
      return m.bandwidth.smtpBytesPerMessage === null ? null : mbpsPer10kPerHour(m.bandwidth.smtpBytesPerMessage);
  }
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 1000) / 1000));

export function profileVerdicts(profile: HardwareProfile, result: { metrics: ProfileMetrics }): Verdict[] {
  return profile.targets.map((t) => {
    const measured = measure(t.metric, result.metrics);
    const ok = measured === null ? null : (t.min === undefined || measured >= t.min) && (t.max === undefined || measured <= t.max);
    const target = [t.min !== undefined ? `>= ${fmt(t.min)}` : '', t.max !== undefined ? `<= ${fmt(t.max)}` : ''].filter(Boolean).join(' and ');
    const label = METRICS[t.metric];
    const status = ok === null ? 'not measured' : ok ? 'meets' : 'misses';
    return { metric: t.metric, label, measured, min: t.min, max: t.max, ok, source: t.source, line: `${status}: ${label} ${measured === null ? '-' : fmt(measured)}, target ${target} (${t.source})` };
  });
}
