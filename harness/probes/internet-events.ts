// Pulls what the simulated Internet saw (SMTP replies at the sinks, DSNs sent, opens and clicks)
// into the history, a batch at a time.
import type { Address } from '../topology/types.js';
import type { HistoryWriter } from './history.js';

export class InternetEvents {
  private after = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  dropped = 0;
  lastError: string | null = null;

  constructor(
    private readonly control: Address,
    private readonly history: HistoryWriter,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  /** Fetch everything available now. */
  poll(): Promise<void> {
    this.polling ??= (async () => {
      try {
        for (;;) {
          const r = await fetch(`http://${this.control.host}:${this.control.port}/events?after=${this.after}&limit=5000`, { signal: AbortSignal.timeout(5000) });
          if (!r.ok) throw new Error(`HTTP ${r.status}`);
          const body = (await r.json()) as { events: Record<string, unknown>[]; last: number; dropped: number };
          // A restarted Internet node counts from 1 again: start over from its beginning.
          if (body.last < this.after) {
            this.after = 0;
            continue;
          }
          for (const e of body.events) {
            const { seq, ...rest } = e;
            this.history.append({ ...(rest as { type: string; ts: number }), source: 'internet' });
            this.after = Math.max(this.after, Number(seq));
          }
          await this.history.settle();
          this.dropped = body.dropped;
          this.lastError = null;
          if (body.events.length < 5000) break;
        }
      } catch (e) {
        this.lastError = (e as Error).message;
      } finally {
        this.polling = null;
      }
    })();
    return this.polling;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await this.poll();
  }
}
