// Requirements that only a campaign shows: judged on the small run the harness drove through the
// target (its history and result), by the run's own checks or by what the history recorded.
import { readHistory } from '../../probes/history.js';
import { parseDuration } from '../../../reference-impl/common/duration.js';
import { afterRun, fail, na, verdict, type CheckFn, type Ctx } from '../types.js';

/** A requirement proven by one of the run's checks (harness/checks). */
export function runCheck(id: string): CheckFn {
  return afterRun(async ({ run }: Ctx) => {
    if (!run) return na('needs a campaign driven by the harness (no run for this target)');
    const c = run.checks.find((x) => x.id === id);
    if (!c) return fail(`the run did not evaluate the check "${id}"`);
    return verdict(c.status === 'pass', `${id}: ${c.detail}`);
  });
}

/** Only the allowed protocols carried bytes across the client's boundary. */
export function boundaryProtocols(allowed: string[]): CheckFn {
  return afterRun(async ({ run }: Ctx) => {
    if (!run) return na('needs a campaign driven by the harness (no run for this target)');
    const used = run.links.filter((l) => l.crossesClientBoundary && (run.metrics.links[l.name]?.bytesUp ?? 0) + (run.metrics.links[l.name]?.bytesDown ?? 0) > 0);
    if (!used.length) return fail('no bytes crossed the client boundary: nothing to judge');
    const other = used.filter((l) => !allowed.includes(l.protocol));
    const list = (ls: typeof used) => [...new Set(ls.map((l) => `${l.protocol} (${l.from}->${l.to})`))].join(', ');
    return verdict(other.length === 0, `across the client boundary: ${list(used)}${other.length ? `; not allowed: ${list(other)}` : ''}`);
  });
}

/** Documented back-off: each retry after a temporary failure waits at least the next delay. */
export const DOCUMENTED_BACKOFF = ['5s', '10s', '20s', '40s', '2m'];
export const backoff: CheckFn = afterRun(async ({ run }) => {
  if (!run) return na('needs a campaign driven by the harness (no run for this target)');
  const delays = DOCUMENTED_BACKOFF.map((d) => parseDuration(d) / run.timeScale);
  // Attempts are followed per recipient and sending host (the EHLO of the session), so that two
  // MTAs sending the same recipient do not read as one MTA retrying early.
  const ehloOf = new Map<string, string>();
  const last = new Map<string, { ts: number; deferrals: number }>();
  let retries = 0;
  const early: string[] = [];
  for await (const e of readHistory(`${run.runDir}/history.ndjson`)) {
    if (e.type === 'sink.session') ehloOf.set(String(e.sessionId), String(e.ehlo));
    if (!['sink.deferred', 'sink.accepted', 'sink.rejected'].includes(e.type) || typeof e.index !== 'number') continue;
    const key = `${e.index} ${ehloOf.get(String(e.sessionId)) ?? ''}`;
    const prev = last.get(key);
    if (prev && prev.deferrals > 0) {
      retries++;
      const want = delays[Math.min(prev.deferrals, delays.length) - 1];
      // 2% for timer granularity; a retry must never come noticeably early.
      if (e.ts - prev.ts < want * 0.98) early.push(`#${e.index} retried after ${(e.ts - prev.ts).toFixed(0)} ms, wanted ${want.toFixed(0)} ms`);
    }
    last.set(key, { ts: e.ts, deferrals: e.type === 'sink.deferred' ? (prev?.deferrals ?? 0) + 1 : 0 });
  }
  if (!retries) return fail('no message was retried after a temporary failure: no evidence');
  return verdict(early.length === 0, `${retries} retries after 4xx answers, ${early.length} earlier than the documented back-off (5s, 10s, 20s, 40s, 2min, x1/${run.timeScale})${early.length ? `: ${early.slice(0, 3).join('; ')}` : ''}`);
});

/** The run settled: every status, bounce and click brought back within the run's quiesce timeout. */
export const settles: CheckFn = afterRun(async ({ run }) => {
  if (!run) return na('needs a campaign driven by the harness (no run for this target)');
  return verdict(run.quiesce.ok, `settled ${run.quiesce.ok ? `after ${(run.quiesce.waitedMs / 1000).toFixed(1)} s` : `never: ${run.quiesce.detail}`}`);
});

/** The documented "limited bandwidth": the client's uplink carries less than the SMTP it stands for. */
export const uplinkSmallerThanSmtp: CheckFn = afterRun(async ({ run }) => {
  if (!run) return na('needs a campaign driven by the harness (no run for this target)');
  const b = run.metrics.bandwidth;
  if (b.ratio === null) return fail('no uplink or SMTP bytes measured: nothing to judge');
  return verdict(b.ratio < 1, `uplink ${b.uplinkBytesPerMessage?.toFixed(0)} B per message against ${b.smtpBytesPerMessage?.toFixed(0)} B of SMTP (ratio ${b.ratio.toFixed(2)})`);
});

/** With several mid servers, the parts of one delivery went to each of them. */
export const partsOnEveryMid: CheckFn = afterRun(async ({ run }) => {
  if (!run) return na('needs a campaign driven by the harness (no run for this target)');
  const uplinks = run.links.filter((l) => l.crossesClientBoundary && l.protocol === 'soap');
  if (uplinks.length < 2) return fail(`${uplinks.length} SOAP uplink(s): not a deployment with several mids`);
  const idle = uplinks.filter((l) => !(run.metrics.links[l.name]?.bytesUp > 0));
  return verdict(idle.length === 0, `${uplinks.length} mids: ${uplinks.map((l) => `${l.to} ${run.metrics.links[l.name]?.bytesUp ?? 0} B up`).join(', ')}`);
});

/** What the simulated Internet did reached the marketing instance: every DSN, or every open and click. */
export function everyEventBack(kind: 'bounces' | 'tracking'): CheckFn {
  return afterRun(async ({ run }) => {
    if (!run) return na('needs a campaign driven by the harness (no run for this target)');
    let made = 0;
    for await (const e of readHistory(`${run.runDir}/history.ndjson`)) {
      if (kind === 'bounces' && e.type === 'dsn.sent') made++;
      if (kind === 'tracking' && ((e.type === 'recipient.open' && e.httpStatus === 200) || (e.type === 'recipient.click' && e.httpStatus === 302))) made++;
    }
    const back = kind === 'bounces' ? run.metrics.bounces : run.metrics.opens + run.metrics.clicks;
    if (!made) return fail(`the campaign produced no ${kind === 'bounces' ? 'DSN' : 'open or click'}: no evidence`);
    return verdict(back === made, `${made} ${kind === 'bounces' ? 'DSNs sent by remote MXs' : 'opens and clicks served'}, ${back} recorded${kind === 'tracking' ? ' on the marketing instance' : ' as bounces'}`);
  });
}
