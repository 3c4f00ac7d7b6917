// Quota arithmetic of the stat server, pure (the caller passes the time): an MX rule's hourly
// quota is spread over the periods of the hour (documented: 12 periods of five minutes), per
// source IP, and a freshly started server grants nothing until the next period boundary.
import type { TimeScale } from '../common/duration.js';
import { periodQuota } from '../common/mx-rules.js';

const HOUR_MS = 3_600_000;

export { periodQuota };

/** Periods on the wall clock, aligned on multiples of their length since the Unix epoch. */
export class PeriodClock {
  /** Wall ms of one period: (1 h / periodsPerHour) in simulated time, played at the time scale. */
  readonly periodMs: number;

  constructor(
    readonly periodsPerHour: number,
    scale: TimeScale,
  ) {
    this.periodMs = scale.wall(HOUR_MS / periodsPerHour);
  }

  /** Number of the period `now` falls in, counted from the epoch. */
  period(now: number): number {
    return Math.floor(now / this.periodMs);
  }

  /** Position of a period within its hour, 0..periodsPerHour-1. */
  indexInHour(period: number): number {
    return period % this.periodsPerHour;
  }

  /** Wall ms from `now` to the next period boundary, never 0. */
  msUntilNext(now: number): number {
    return Math.max(1, Math.ceil((this.period(now) + 1) * this.periodMs - now));
  }
}

export interface QuotaRule {
  name: string;
  maxMessagesPerHour: number;
}

export interface Grant {
  granted: number;
  /** Wall ms until the next period when this period's quota is exhausted, 0 otherwise. */
  retryAfterMs: number;
}

/** What the ledger saved of its current period (the state file). */
export interface LedgerState {
  period: number;
  used: { rule: string; ip: string; used: number }[];
}

/** Tokens used per (MX rule, source IP) in the current period. */
export class QuotaLedger {
  private readonly used = new Map<string, { rule: string; ip: string; period: number; used: number }>();
  /** Restart safety: without a saved state, what an earlier run granted in the start period is
   *  unknown, so it is all spent. With one ('fresh' for a first start), granting starts at once. */
  readonly firstGrantingPeriod: number;

  constructor(
    readonly clock: PeriodClock,
    startedAt: number,
    saved?: LedgerState | 'fresh',
  ) {
    const now = clock.period(startedAt);
    this.firstGrantingPeriod = saved ? now : now + 1;
    if (saved && saved !== 'fresh' && saved.period === now) {
      for (const e of saved.used) this.used.set(key(e.rule, e.ip), { ...e, period: now });
    }
  }

  /** The current period's counts, to save after each grant. */
  state(now: number): LedgerState {
    return { period: this.clock.period(now), used: this.snapshot(now) };
  }

  granting(now: number): boolean {
    return this.clock.period(now) >= this.firstGrantingPeriod;
  }

  /** This period's quota of a rule, for any one source IP. */
  quota(rule: QuotaRule, now: number): number {
    if (!this.granting(now)) return 0;
    const index = this.clock.indexInHour(this.clock.period(now));
    return periodQuota(rule.maxMessagesPerHour, this.clock.periodsPerHour, index);
  }

  usedBy(rule: string, ip: string, now: number): number {
    const entry = this.used.get(key(rule, ip));
    return entry && entry.period === this.clock.period(now) ? entry.used : 0;
  }

  /** Grant up to `want` tokens of the current period's quota of (rule, ip). */
  take(rule: QuotaRule, ip: string, want: number, now: number): Grant {
    const period = this.clock.period(now);
    const k = key(rule.name, ip);
    let entry = this.used.get(k);
    if (!entry || entry.period !== period) {
      entry = { rule: rule.name, ip, period, used: 0 };
      this.used.set(k, entry);
    }
    const left = Math.max(0, this.quota(rule, now) - entry.used);
    const granted = Math.min(want, left);
    entry.used += granted;
    return { granted, retryAfterMs: left - granted === 0 ? this.clock.msUntilNext(now) : 0 };
  }

  /** Tokens used this period, per rule and source IP (IPs that used none are left out). */
  snapshot(now: number): { rule: string; ip: string; used: number }[] {
    const period = this.clock.period(now);
    return [...this.used.values()]
      .filter((e) => e.period === period && e.used > 0)
      .map(({ rule, ip, used }) => ({ rule, ip, used }));
  }
}

function key(rule: string, ip: string): string {
  return `${rule}\u0000${ip}`;
}
