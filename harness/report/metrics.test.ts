import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../probes/history.js';
import { computeMetrics } from './metrics.js';

function ev(list: Omit<HistoryEvent, 'seq'>[]): HistoryEvent[] {
  return list.map((e, i) => ({ ...e, seq: i + 1 }) as HistoryEvent);
}

describe('computeMetrics', () => {
  it('measures sync delay per message from the MX reply to marketing visibility', async () => {
    const t = 1_000_000;
    const m = await computeMetrics(
      ev([
        { ts: t, type: 'run.start', recipients: 4, clientUplink: 'up' },
        { ts: t + 1000, type: 'sink.accepted', index: 0, bytes: 2000 },
        { ts: t + 2000, type: 'sink.accepted', index: 1, bytes: 2000 },
        { ts: t + 3000, type: 'sink.rejected', index: 2 },
        { ts: t + 3000, type: 'sink.accepted', index: 1, bytes: 2000 },
        { ts: t + 9000, type: 'final.marketing', index: 0, status: 'sent', firstVisibleAt: t + 1100 },
        { ts: t + 9000, type: 'final.marketing', index: 1, status: 'sent', firstVisibleAt: t + 2500 },
        { ts: t + 9000, type: 'final.marketing', index: 2, status: 'failed', failureType: 'Hard', firstVisibleAt: t + 4000 },
        { ts: t + 9000, type: 'final.marketing', index: 3, status: 'failed', failureType: 'Soft', firstVisibleAt: null },
        { ts: t + 9500, type: 'links.final', links: { up: { bytesUp: 400, bytesDown: 100 } } },
      ]),
    );
    expect(m.recipients).toBe(4);
    expect(m.delivered).toBe(2);
    expect(m.failed).toEqual({ hard: 1, soft: 1, ignored: 0 });
    expect(m.duplicates).toBe(1);
    expect(m.syncDelayMs.count).toBe(3);
    expect(m.syncDelayMs.p50).toBe(500);
    expect(m.syncDelayMs.max).toBe(1000);
    expect(m.throughput.messagesPerSecond).toBeCloseTo(4 / 2, 5);
    expect(m.bandwidth.uplinkBytesPerMessage).toBe(100);
    expect(m.bandwidth.smtpBytesPerMessage).toBe(2000);
    expect(m.bandwidth.ratio).toBeCloseTo(0.05);
  });
  it('has no rate and no delays when nothing was measured (never a made-up zero)', async () => {
    const m = await computeMetrics(ev([{ ts: 1, type: 'run.start', recipients: 0 }]));
    expect(m.throughput.messagesPerSecond).toBeNull();
    expect(m.syncDelayMs.p95).toBeNull();
  });
});
