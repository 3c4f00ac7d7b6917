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
  /** Delivery parts sent to the mid more than once (an answer lost to a fault); stored once each. */
  partsResubmitted: number;
  indeterminate: number;
  bounces: number;
  opens: number;
  clicks: number;
  throughput: { messagesPerSecond: number | null; messagesPerHour: number | null; windowMs: number };
  syncDelayMs: Percentiles;
  links: Record<string, { bytesUp: number; bytesDown: number; connections?: number }>;
  /** Bytes that crossed the client's uplink per message, and the SMTP bytes the provider sent per message. */
  bandwidth: { uplinkBytesPerMessage: number | null; smtpBytesPerMessage: number | null; ratio: number | null };
  /** SOAP round trips of the client uplink, measured by the probe (mid-sourcing). */
  soapRttMs: Percentiles & { failures: number };
  /** Every series is in seconds since the delivery started. */
  series: {
    /** SMTP outcomes at the MXs per second. */
    throughput: [number, number][];
    /** Sync delay percentiles of the messages whose SMTP outcome fell in each bucket. */
    syncDelay: { t: number; p50: number; p95: number; max: number; n: number }[];
    /** Messages waiting or being sent at the execution site. */
    queueDepth: [number, number][];
    /** SOAP round trip of the client uplink (ms); failed probes are left out. */
    soapRtt: [number, number][];
    syncDelayHistogram: { fromMs: number; toMs: number; n: number }[];
  };
  /** Fault windows (seconds since the delivery started) and what happened during each. */
  faults: FaultEffect[];
  /** The same measures outside every fault window, to compare with. */
  outsideFaults: WindowMeasures;
}

export interface WindowMeasures {
  /** Messages whose SMTP outcome fell in the window. */
  messages: number;
  messagesPerSecond: number | null;
  syncDelayP95Ms: number | null;
  soapRttP50Ms: number | null;
  soapFailures: number;
}
export interface FaultEffect extends WindowMeasures {
  /** A fault that holds traffic back (block, reject, crash...), not a condition (latency, bandwidth). */
  holds: boolean;
  name: string;
  target: string;
  kind: string;
  from: number;
  to: number | null;
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
  const m = { partsResubmitted: 0, delivered: 0, hard: 0, soft: 0, ignored: 0, bounces: 0, opens: 0, clicks: 0, indeterminate: 0, smtpBytes: 0, accepted: 0 };
  let links: Metrics['links'] = {};
  const queue: [number, number][] = [];
  const faults: { name: string; target: string; kind: string; holds: boolean; from: number; to: number | null }[] = [];
  const soap: [number, number][] = [];
  const soapFailedAt: number[] = [];
  let deliveryStart = NaN;
  let uplinks: string[] = [];

  for await (const e of events) {
    switch (e.type) {
      case 'run.start':
        n = Number(e.recipients);
        runStart = e.ts;
        uplinks = (e.clientUplinks as string[] | undefined) ?? (e.clientUplink ? [String(e.clientUplink)] : []);
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
      case 'delivery.started':
        deliveryStart = e.ts;
        break;
      case 'sample':
        if (typeof e.executionQueue === 'number') queue.push([e.ts, e.executionQueue]);
        break;
      case 'probe.soap':
        if (e.ok) soap.push([e.ts, Number(e.rttMs)]);
        else soapFailedAt.push(e.ts);
        break;
      case 'part.final':
        if (Number(e.attempts) > 1) m.partsResubmitted++;
        break;
      case 'links.final':
        links = e.links as Metrics['links'];
        break;
      case 'fault.start':
        faults.push({ name: String(e.name), target: String(e.target), kind: String(e.kind), holds: e.holds !== false, from: e.ts, to: null });
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
  const t0 = Number.isFinite(deliveryStart) ? deliveryStart : Number.isFinite(firstOutcome) ? firstOutcome : runStart;
  const span = Math.max(1, lastOutcome - t0);
  const bucketMs = Math.max(1000, Math.ceil(span / 60 / 1000) * 1000);
  const buckets = new Map<number, hdr.Histogram>();
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    if (copies[i] > 1) duplicates++;
    if (Number.isNaN(outcomeAt[i]) || Number.isNaN(visibleAt[i])) continue;
    const d = Math.max(1, Math.round(visibleAt[i] - outcomeAt[i]));
    all.recordValue(d);
    const b = Math.floor((outcomeAt[i] - t0) / bucketMs);  // buckets counted from the delivery's start
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
  const sec = (ts: number) => (ts - t0) / 1000;
  const end = Math.max(lastOutcome, ...faults.map((f) => f.to ?? f.from));
  const windows = faults.map((f) => ({ ...f, to: f.to ?? end }));
  // "Outside faults" means outside the faults that hold traffic back; a condition (latency,
  // bandwidth) that lasts the whole run would leave nothing to compare with.
  const holding = windows.filter((w) => w.holds);
  const inWindow = (ts: number) => holding.some((w) => ts >= w.from && ts <= w.to);
  const measure = (within: (ts: number) => boolean, spanMs: number): WindowMeasures => {
    const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 24 * 3_600_000, numberOfSignificantValueDigits: 2 });
    let messages = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(outcomeAt[i]) || !within(outcomeAt[i])) continue;
      messages++;
      if (!Number.isNaN(visibleAt[i])) h.recordValue(Math.max(1, Math.round(visibleAt[i] - outcomeAt[i])));
    }
    const rtts = soap.filter(([ts]) => within(ts)).map(([, v]) => v).sort((a, b) => a - b);
    return {
      messages,
      messagesPerSecond: spanMs > 0 ? messages / (spanMs / 1000) : null,
      syncDelayP95Ms: h.totalCount ? h.getValueAtPercentile(95) : null,
      soapRttP50Ms: rtts.length ? rtts[Math.floor(rtts.length / 2)] : null,
      soapFailures: soapFailedAt.filter(within).length,
    };
  };
  const faultSpan = holding.reduce((a, w) => a + (w.to - w.from), 0);
  const rttAll = soap.map(([, v]) => v).sort((a, b) => a - b);
  const pick = (q: number) => (rttAll.length ? rttAll[Math.min(rttAll.length - 1, Math.floor(q * rttAll.length))] : null);
  const uplinkBytes = uplinks.length && uplinks.every((l) => links[l]) ? uplinks.reduce((n, l) => n + links[l].bytesUp, 0) : null;
  const perMsgUp = uplinkBytes !== null && n ? uplinkBytes / n : null;
  const perMsgSmtp = m.accepted ? m.smtpBytes / m.accepted : null;
  return {
    recipients: n,
    delivered: m.delivered,
    failed: { hard: m.hard, soft: m.soft, ignored: m.ignored },
    lost: 0, // filled from the nothing-lost check, which owns the definition
    duplicates,
    partsResubmitted: m.partsResubmitted,
    indeterminate: m.indeterminate,
    bounces: m.bounces,
    opens: m.opens,
    clicks: m.clicks,
    throughput: { messagesPerSecond: rate, messagesPerHour: rate === null ? null : rate * 3600, windowMs },
    syncDelayMs: percentiles(all),
    links,
    bandwidth: { uplinkBytesPerMessage: perMsgUp, smtpBytesPerMessage: perMsgSmtp, ratio: perMsgUp !== null && perMsgSmtp ? perMsgUp / perMsgSmtp : null },
    soapRttMs: { count: rttAll.length, p50: pick(0.5), p95: pick(0.95), p99: pick(0.99), max: rttAll.length ? rttAll[rttAll.length - 1] : null, failures: soapFailedAt.length },
    series: {
      throughput: [...perSecond.entries()].sort((a, b) => a[0] - b[0]).map(([s, c]) => [s - t0 / 1000, c]),
      syncDelay,
      queueDepth: queue.map(([ts, q]) => [sec(ts), q]),
      soapRtt: soap.map(([ts, v]) => [sec(ts), v]),
      syncDelayHistogram: histogram,
    },
    faults: faults.map((f, k) => ({
      holds: f.holds,
      name: f.name,
      target: f.target,
      kind: f.kind,
      from: sec(f.from),
      to: f.to === null ? null : sec(f.to),
      ...measure((ts) => ts >= windows[k].from && ts <= windows[k].to, windows[k].to - windows[k].from),
    })),
    outsideFaults: measure((ts) => !inWindow(ts), Math.max(0, windowMs - faultSpan)),
  };
}
