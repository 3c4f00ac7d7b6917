// Wait until the run has settled: every message has a final status on the marketing instance,
// the simulated Internet has nothing left to send (DSNs, opens, clicks), the execution site has
// recorded every bounce and click, and (mid-sourcing) the sync has brought it all back. Samples
// go into the history as they are taken (queue depth over time).
import type { RunFacts } from '../checks/types.js';
import type { HistoryWriter } from '../probes/history.js';
import type { SiteDb, StatusCounts } from '../probes/site-db.js';
import type { Address } from '../topology/types.js';
import { bar, type Progress } from './progress.js';

const FINAL = ['sent', 'failed', 'ignored'];
const sum = (c: StatusCounts, keys?: string[]) => Object.entries(c).reduce((n, [k, v]) => n + (keys && !keys.includes(k) ? 0 : v), 0);

export interface QuiesceOptions {
  facts: RunFacts;
  marketing: SiteDb;
  execution: SiteDb;
  internetControl: Address;
  history: HistoryWriter;
  progress: Progress;
  timeoutMs: number;
  recipients: number;
  intervalMs?: number;
  /** Something else that keeps the run from settling (faults in effect or to come), or null. */
  busy?: () => string | null;
}

export async function waitForQuiescence(o: QuiesceOptions): Promise<{ ok: boolean; waitedMs: number; detail: string }> {
  const t0 = Date.now();
  let dsnSent = 0;
  let clicksServed = 0;
  o.history.onEvent((e) => {
    if (e.type === 'dsn.sent') dsnSent++;
    if ((e.type === 'recipient.open' && e.httpStatus === 200) || (e.type === 'recipient.click' && e.httpStatus === 302)) clicksServed++;
  });
  let settledOnce = false;
  let why = 'not started';
  for (;;) {
    const waited = Date.now() - t0;
    try {
      const mk = await o.marketing.statusCounts();
      const ex = o.execution === o.marketing ? mk : await o.execution.statusCounts();
      const [mkTrack, exTrack, bounced] = await Promise.all([
        o.marketing.trackingCount(),
        o.execution === o.marketing ? Promise.resolve(-1) : o.execution.trackingCount(),
        o.execution.bouncedCount(),
      ]);
      const internet = (await (await fetch(`http://${o.internetControl.host}:${o.internetControl.port}/stats`, { signal: AbortSignal.timeout(5000) })).json()) as {
        dsn: Record<string, number>;
        recipients: Record<string, number>;
      };
      const queue = (ex.pending ?? 0) + (ex.sending ?? 0);
      o.history.append({ type: 'sample', marketing: mk, execution: o.execution === o.marketing ? undefined : ex, executionQueue: queue, trackingMarketing: mkTrack, trackingExecution: exTrack, bounced });
      const total = sum(mk);
      const finalMk = sum(mk, FINAL);
      const internetBusy = sum(internet.dsn) + sum(internet.recipients);
      const exTrackCount = exTrack < 0 ? mkTrack : exTrack;
      const reasons: string[] = [];
      if (total === 0) reasons.push('no message prepared yet');
      const busy = o.busy?.();
      if (busy) reasons.push(busy);
      if (finalMk < total) reasons.push(`${total - finalMk} messages without a final status on the marketing instance`);
      if (internetBusy) reasons.push(`the Internet still has ${internetBusy} DSNs/opens/clicks to do`);
      if (bounced < dsnSent) reasons.push(`${dsnSent - bounced} DSNs not yet recorded by inMail`);
      if (exTrackCount < clicksServed) reasons.push(`${clicksServed - exTrackCount} opens/clicks not yet in the tracking log`);
      if (o.facts.executionSite === 'mid') {
        for (const k of FINAL) if ((mk[k] ?? 0) !== (ex[k] ?? 0)) reasons.push(`${k}: ${mk[k] ?? 0} on marketing vs ${ex[k] ?? 0} at the mid`);
        if (mkTrack !== exTrack) reasons.push(`tracking logs: ${mkTrack} on marketing vs ${exTrack} at the mid`);
      }
      o.progress.update(
        `${(waited / 1000).toFixed(0).padStart(4)}s ${bar(finalMk, o.recipients)} prepared ${total}` +
          (o.facts.executionSite === 'mid' ? ` | at mid: sent ${ex.sent ?? 0} failed ${ex.failed ?? 0} queued ${queue}` : ` | queued ${queue}`) +
          ` | final on marketing ${finalMk} | bounces ${bounced} | tracking ${mkTrack}`,
      );
      why = reasons.join('; ');
      if (!reasons.length) {
        if (settledOnce) {
          o.progress.done();
          return { ok: true, waitedMs: waited, detail: 'settled' };
        }
        settledOnce = true;
      } else settledOnce = false;
    } catch (e) {
      why = `probe failed: ${(e as Error).message}`;
    }
    if (waited > o.timeoutMs) {
      o.progress.done();
      return { ok: false, waitedMs: waited, detail: `not settled after ${Math.round(waited / 1000)} s: ${why}` };
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 500));
  }
}
