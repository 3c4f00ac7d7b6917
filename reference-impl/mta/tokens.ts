// Send tokens of one MX rule, fetched from the stat server a few at a time. Tokens left over when
// the quota period turns are dropped: using them later would overdraw the next period.
import type { StatClient } from './stat-client.js';

export type Take = { ok: true } | { ok: false; waitMs: number };

export class RuleTokens {
  private left = 0;
  private period = -1;
  private request: Promise<void> | null = null;
  private waitUntil = 0;

  constructor(
    private readonly stat: StatClient,
    private readonly rule: string,
    private readonly periodMs: () => number,
    private readonly chunk = 20,
  ) {}

  async take(wanted: number): Promise<Take> {
    for (;;) {
      const p = Math.floor(Date.now() / this.periodMs());
      if (p !== this.period) {
        this.period = p;
        this.left = 0;
      }
      if (this.left > 0) {
        this.left--;
        return { ok: true };
      }
      if (Date.now() < this.waitUntil) return { ok: false, waitMs: this.waitUntil - Date.now() };
      // One request in flight per rule; the others wait for its answer.
      this.request ??= this.stat
        .tokens(this.rule, Math.max(1, Math.min(this.chunk, wanted)))
        .then((r) => {
          if (Math.floor(Date.now() / this.periodMs()) === this.period) this.left += r.granted;
          if (r.granted === 0) this.waitUntil = Date.now() + Math.max(r.retryAfterMs, 50);
        })
        .finally(() => {
          this.request = null;
        });
      await this.request; // StatUnavailable propagates: the caller pauses
    }
  }
}
