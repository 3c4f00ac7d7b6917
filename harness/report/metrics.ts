// Metrics of a run, computed in one pass over the history with a few bytes of typed-array state
// per recipient (no per-message objects): counts, throughput over time, sync delay per message
// (SMTP outcome at the MX -> status visible on the marketing instance), link bytes, queue depth.
import * as hdr from 'hdr-histogram-js';
import type { HistoryEvent } from '../probes/history.js';
import { indexOf } from '../checks/types.js';

export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface Metrics {
  recipients: number;
  delivered: number;
  failed: { hard: number; soft: number; ignored: number };
  lost: number;
  duplicates: number;
  indeterminate: number;
  bounces: number;
  opens: number;
  clicks: number;
  throughput: { messagesPerSecond: number | null; messagesPerHour: number | null; windowMs: number };
  syncDelayMs: Percentiles;
  links: Record<string, { bytesUp: number; bytesDown: number; connections?: number }>;
  /** Bytes that crossed the client's uplink per message, and the SMTP bytes the provider sent per message. */
  bandwidth: { uplinkBytesPerMessage: number | null; smtpBytesPerMessage: number | null; ratio: number | null };
  series: {
    /** Seconds since the first SMTP outcome; SMTP outcomes per second. */
    throughput: [number, number][];
    /** Seconds since the first SMTP outcome (of the message); sync delay percentiles of messages in that bucket. */
    syncDelay: { t: number; p50: number; p95: number; max: number; n: number }[];
    /** Seconds since run start; messages waiting at the execution site. */
    queueDepth: [number, number][];
    syncDelayHistogram: { fromMs: number; toMs: number; n: number }[];
  };
  /** Fault windows (seconds since the first SMTP outcome), for shading charts. */
  faults: { name: string; from: number; to: number | null }[];
}

function percentiles(h: hdr.Histogram): Percentiles {
  if (!h.totalCount) return { count: 0, p50: null, p95: null, p99: null, max: null };
  return { count: h.totalCount, p50: h.getValueAtPercentile(50), p95: h.getValueAtPercentile(95), p99: h.getValueAtPercentile(99), max: h.maxValue };
}

export async function computeMetrics(events: AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>): Promise<Metrics> {
  let n = 0;
  let outcomeAt = new Float64Array(0);
  let visibleAt = new Float64Array(0);
  let copies = new Uint8Array(0);
  let runStart = 0;
  let firstOutcome = Infinity;
  let lastOutcome = -Infinity;
  const perSecond = new Map<number, number>();
  const m = { delivered: 0, hard: 0, soft: 0, ignored: 0, bounces: 0, opens: 0, clicks: 0, indeterminate: 0, smtpBytes: 0, accepted: 0 };
  let links: Metrics['links'] = {};
  const queue: [number, number][] = [];
  const faults: { name: string; from: number; to: number | null }[] = [];
  let uplink: string | undefined;

  for await (const e of events) {
    switch (e.type) {
      case 'run.start':
        n = Number(e.recipients);
        runStart = e.ts;
        uplink = e.clientUplink as string | undefined;
        outcomeAt = new Float64Array(n).fill(NaN);
        visibleAt = new Float64Array(n).fill(NaN);
        copies = new Uint8Array(n);
        break;
      case 'sink.accepted':
      case 'sink.rejected': {
        const i = indexOf(e, n);
        if (i >= 0) {
          if (e.type === 'sink.accepted') {
            copies[i] = Math.min(255, copies[i] + 1);
            m.smtpBytes += Number(e.bytes ?? 0);
            m.accepted++;
          }
          if (Number.isNaN(outcomeAt[i])) outcomeAt[i] = e.ts;
        }
        firstOutcome = Math.min(firstOutcome, e.ts);
        lastOutcome = Math.max(lastOutcome, e.ts);
        const s = Math.floor(e.ts / 1000);
        perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
        break;
      }
      case 'final.marketing': {
        const i = indexOf(e, n);
        if (i >= 0 && typeof e.firstVisibleAt === 'number') visibleAt[i] = e.firstVisibleAt;
        if (e.status === 'sent') m.delivered++;
        else if (e.status === 'ignored' || e.failureType === 'Ignored') m.ignored++;
        else if (e.status === 'failed' && e.failureType === 'Hard') m.hard++;
        else if (e.status === 'failed') m.soft++;
        break;
      }
      case 'final.execution':
        if (e.bouncedAt) m.bounces++;
        if (Number(e.indeterminate) > 0) m.indeterminate++;
        break;
      case 'track.visible':
        if (e.kind === 'open') m.opens++;
        else m.clicks++;
        break;
      case 'sample':
        if (typeof e.executionQueue === 'number') queue.push([(e.ts - runStart) / 1000, e.executionQueue]);
        break;
      case 'links.final':
        links = e.links as Metrics['links'];
        break;
      case 'fault.start':
        faults.push({ name: String(e.name), from: e.ts, to: null });
        break;
      case 'fault.stop': {
        const f = [...faults].reverse().find((x) => x.name === e.name && x.to === null);
        if (f) f.to = e.ts;
        break;
      }
    }
  }

  // Sync delay per message, overall and by the time its SMTP outcome happened.
  const all = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 24 * 3_600_000, numberOfSignificantValueDigits: 3 });
  const t0 = Number.isFinite(firstOutcome) ? firstOutcome : runStart;
  const span = Math.max(1, lastOutcome - t0);
  const bucketMs = Math.max(1000, Math.ceil(span / 60 / 1000) * 1000);
  const buckets = new Map<number, hdr.Histogram>();
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    if (copies[i] > 1) duplicates++;
    if (Number.isNaN(outcomeAt[i]) || Number.isNaN(visibleAt[i])) continue;
    const d = Math.max(1, Math.round(visibleAt[i] - outcomeAt[i]));
    all.recordValue(d);
    const b = Math.floor((outcomeAt[i] - t0) / bucketMs);
    let h = buckets.get(b);
    if (!h) buckets.set(b, (h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 24 * 3_600_000, numberOfSignificantValueDigits: 2 })));
    h.recordValue(d);
  }
  const syncDelay = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([b, h]) => ({ t: (b * bucketMs) / 1000, p50: h.getValueAtPercentile(50), p95: h.getValueAtPercentile(95), max: h.maxValue, n: h.totalCount }));
  const histogram: { fromMs: number; toMs: number; n: number }[] = [];
  if (all.totalCount) {
    const width = Math.max(1, Math.ceil(all.maxValue / 40));
    for (let from = 0; from <= all.maxValue; from += width) histogram.push({ fromMs: from, toMs: from + width, n: 0 });
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(outcomeAt[i]) || Number.isNaN(visibleAt[i])) continue;
      const d = Math.max(1, Math.round(visibleAt[i] - outcomeAt[i]));
      histogram[Math.min(histogram.length - 1, Math.floor(d / width))].n++;
    }
  }
  const outcomes = [...perSecond.values()].reduce((a, b) => a + b, 0);
  const windowMs = Number.isFinite(firstOutcome) ? Math.max(1, lastOutcome - firstOutcome) : 0;
  const rate = outcomes > 1 && windowMs ? outcomes / (windowMs / 1000) : null;
  const firstSecond = Math.floor(t0 / 1000);
  const uplinkBytes = uplink && links[uplink] ? links[uplink].bytesUp : null;
  const perMsgUp = uplinkBytes !== null && n ? uplinkBytes / n : null;
  const perMsgSmtp = m.accepted ? m.smtpBytes / m.accepted : null;
  return {
    recipients: n,
    delivered: m.delivered,
    failed: { hard: m.hard, soft: m.soft, ignored: m.ignored },
    lost: 0, // filled from the nothing-lost check, which owns the definition
    duplicates,
    indeterminate: m.indeterminate,
    bounces: m.bounces,
    opens: m.opens,
    clicks: m.clicks,
    throughput: { messagesPerSecond: rate, messagesPerHour: rate === null ? null : rate * 3600, windowMs },
    syncDelayMs: percentiles(all),
    links,
    bandwidth: { uplinkBytesPerMessage: perMsgUp, smtpBytesPerMessage: perMsgSmtp, ratio: perMsgUp !== null && perMsgSmtp ? perMsgUp / perMsgSmtp : null },
    series: {
      throughput: [...perSecond.entries()].sort((a, b) => a[0] - b[0]).map(([s, c]) => [s - firstSecond, c]),
      syncDelay,
      queueDepth: queue,
      syncDelayHistogram: histogram,
    },
    faults: faults.map((f) => ({ name: f.name, from: (f.from - t0) / 1000, to: f.to === null ? null : (f.to - t0) / 1000 })),
  };
}
