import { describe, expect, it } from 'vitest';
import { TimeScale } from '../common/duration.js';
import { PeriodClock, periodQuota, QuotaLedger } from './quota.js';

const rule = { name: 'default', maxMessagesPerHour: 1000 };

describe('periodQuota', () => {
  it('spreads an hour over 12 periods that sum exactly to the hourly quota', () => {
    for (const perHour of [1, 5, 11, 12, 13, 100, 1000, 999_999, 1_000_000]) {
      const periods = Array.from({ length: 12 }, (_, i) => periodQuota(perHour, 12, i));
      expect(periods.reduce((a, b) => a + b, 0)).toBe(perHour);
      expect(Math.max(...periods) - Math.min(...periods)).toBeLessThanOrEqual(1);
    }
  });
  it('gives 83 or 84 of 1000', () => {
    expect([0, 1, 2, 3].map((i) => periodQuota(1000, 12, i))).toEqual([83, 83, 84, 83]);
  });
});

describe('PeriodClock', () => {
  it('has the documented five-minute periods at scale 1', () => {
    expect(new PeriodClock(12, new TimeScale(1)).periodMs).toBe(300_000);
  });
  it('follows the time scale', () => {
    expect(new PeriodClock(12, new TimeScale(3000)).periodMs).toBe(100);
    expect(new PeriodClock(6, new TimeScale(60)).periodMs).toBe(10_000);
  });
  it('aligns periods on multiples of their length since the epoch', () => {
    const c = new PeriodClock(12, new TimeScale(3000));
    expect(c.period(0)).toBe(0);
    expect(c.period(99)).toBe(0);
    expect(c.period(100)).toBe(1);
    expect(c.indexInHour(c.period(1250))).toBe(0);
    expect(c.indexInHour(c.period(1150))).toBe(11);
    expect(c.msUntilNext(1150)).toBe(50);
    expect(c.msUntilNext(1200)).toBe(100);
  });
});

describe('QuotaLedger', () => {
  const clock = new PeriodClock(12, new TimeScale(3000)); // 100 ms periods
  it('grants nothing in the period it started in (restart safety), then the full quota', () => {
    const ledger = new QuotaLedger(clock, 1_030);
    expect(ledger.take(rule, '10.0.0.5', 10, 1_050)).toEqual({ granted: 0, retryAfterMs: 50 });
    expect(ledger.granting(1_099)).toBe(false);
    expect(ledger.granting(1_100)).toBe(true);
    // 1100 is period 11, index 11 of its hour: 84 tokens
    expect(ledger.take(rule, '10.0.0.5', 1000, 1_100)).toEqual({ granted: periodQuota(1000, 12, 11), retryAfterMs: 100 });
  });
  it('keeps a quota per MX rule and source IP, renewed each period', () => {
    const ledger = new QuotaLedger(clock, 0);
    const now = 1_210; // period 12, index 0: 83 tokens
    expect(ledger.take(rule, 'a', 50, now)).toEqual({ granted: 50, retryAfterMs: 0 });
    expect(ledger.take(rule, 'a', 50, now + 1)).toEqual({ granted: 33, retryAfterMs: 89 });
    expect(ledger.take(rule, 'a', 1, now + 2)).toEqual({ granted: 0, retryAfterMs: 88 });
    expect(ledger.take(rule, 'b', 10, now)).toEqual({ granted: 10, retryAfterMs: 0 });
    expect(ledger.take({ name: 'other', maxMessagesPerHour: 12 }, 'a', 5, now)).toEqual({ granted: 1, retryAfterMs: 90 });
    expect(ledger.usedBy('default', 'a', now)).toBe(83);
    expect(ledger.snapshot(now)).toContainEqual({ rule: 'default', ip: 'b', used: 10 });
    // next period: a fresh quota, the old counts are gone
    expect(ledger.usedBy('default', 'a', 1_300)).toBe(0);
    expect(ledger.take(rule, 'a', 50, 1_300)).toEqual({ granted: 50, retryAfterMs: 0 });
    expect(ledger.snapshot(1_300)).toEqual([{ rule: 'default', ip: 'a', used: 50 }]);
  });
  it('sums to the hourly quota over a whole hour', () => {
    const ledger = new QuotaLedger(clock, -1);
    let total = 0;
    for (let p = 0; p < 12; p++) total += ledger.take(rule, 'a', 10_000, p * 100 + 5).granted;
    expect(total).toBe(1000);
  });
});

describe('QuotaLedger with a state file', () => {
  const clock = new PeriodClock(12, new TimeScale(300)); // 5 min / 300 = 1 s periods
  const rule = { name: 'r', maxMessagesPerHour: 1200 }; // 100 per period
  it('a first start grants at once', () => {
    const l = new QuotaLedger(clock, 10_500, 'fresh');
    expect(l.take(rule, 'ip', 30, 10_500).granted).toBe(30);
  });
  it('a restart in the same period resumes the saved counts: the quota still holds', () => {
    const before = new QuotaLedger(clock, 10_100, 'fresh');
    before.take(rule, 'ip', 80, 10_200);
    const saved = before.state(10_300);
    const after = new QuotaLedger(clock, 10_600, saved);
    expect(after.take(rule, 'ip', 80, 10_700).granted).toBe(20);
  });
  it('a state from an older period counts for nothing', () => {
    const before = new QuotaLedger(clock, 10_100, 'fresh');
    before.take(rule, 'ip', 80, 10_200);
    const after = new QuotaLedger(clock, 11_100, before.state(10_300));
    expect(after.take(rule, 'ip', 80, 11_200).granted).toBe(80);
  });
});
