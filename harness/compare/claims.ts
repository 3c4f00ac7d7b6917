// The documented advantages and costs of mid-sourcing, each judged on the measured figures of the
// modes that ran: confirmed or not confirmed on this workload (or not measured, when the mode it
// needs to be compared with did not run).
import type { ModeFigures } from './figures.js';

export type ClaimVerdict = 'confirmed' | 'not confirmed' | 'not measured';
export interface Claim {
  id: string;
  kind: 'advantage' | 'cost';
  claim: string;
  evidence: string;
  verdict: ClaimVerdict;
}

const kb = (b: number) => `${(b / 1000).toFixed(1)} kB`;
const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');
const rate = (f: ModeFigures) => (f.throughput.messagesPerHour === null ? 'n/a' : `${Math.round(f.throughput.messagesPerHour).toLocaleString('en-US')}/h`);
/** The documented standalone figure: "several tens of thousands of mails per hour". */
const STANDALONE_PER_HOUR = 20_000;

export function judgeClaims(all: ModeFigures[], timeScale: number): Claim[] {
  const mid = all.find((f) => f.mode === 'mid-sourcing') ?? all.find((f) => f.mode === 'multi-mid');
  // Alternatives whose execution (MTA, inMail...) runs at the client: on-premise, distributed.
  const local = all.filter((f) => f !== mid && f.clientSite.executionModules.length > 0);
  const others = all.filter((f) => f !== mid);
  const m = mid?.mode ?? 'mid-sourcing';
  const claims: Claim[] = [];
  const add = (id: string, kind: Claim['kind'], claim: string, judge: () => { evidence: string; ok: boolean } | null) => {
    const r = mid ? judge() : null;
    claims.push({ id, kind, claim, evidence: r?.evidence ?? `needs ${mid ? 'a mode with execution at the client (on-premise, distributed)' : 'a mid-sourcing mode'} in --modes`, verdict: r ? (r.ok ? 'confirmed' : 'not confirmed') : 'not measured' });
  };

  add('simpler-instance', 'advantage', 'A simpler marketing instance: its MTA and inMail are disabled, the execution modules run at the provider.', () => {
    if (!local.length) return null;
    const line = (f: ModeFigures) => `${f.mode}: ${f.clientSite.modules.length} modules at the client (${list(f.clientSite.modules)}), ${f.clientSite.cpuSeconds.toFixed(1)} CPU s, ${f.clientSite.peakRssMb.toFixed(0)} MB peak`;
    const ok = local.every((f) => mid!.clientSite.modules.length < f.clientSite.modules.length && mid!.clientSite.cpuSeconds < f.clientSite.cpuSeconds);
    return { ok, evidence: [mid!, ...local].map(line).join('; ') };
  });

  add('limited-bandwidth', 'advantage', 'Limited bandwidth: only the data needed to assemble the messages leaves the instance (documented: 1 Mb/s for 10,000 emails per hour).', () => {
    if (!local.length) return null;
    const perMsg = mid!.boundary.outPer1000 / 1000;
    const at10k = (perMsg * 8 * 10_000) / 3600;
    const ok = local.every((f) => mid!.boundary.outPer1000 < f.boundary.outPer1000);
    return {
      ok,
      evidence:
        [mid!, ...local].map((f) => `${f.mode}: ${kb(f.boundary.outPer1000)} left the client per 1,000 messages`).join('; ') +
        `; at 10,000 emails/h ${m} needs ${(at10k / 1000).toFixed(1)} kb/s of uplink (documented budget: 1 Mb/s)`,
    };
  });

  add('no-ha-burden', 'advantage', 'No high-availability burden for the client: the MTAs, bounce handling and tracking that must stay up are the provider\'s.', () => {
    const ok = mid!.clientSite.executionModules.length === 0 && mid!.boundary.outToInternetPer1000 === 0;
    const line = (f: ModeFigures) => `${f.mode}: execution modules at the client ${list(f.clientSite.executionModules)}, ${kb(f.boundary.outToInternetPer1000)} per 1,000 messages sent to the Internet from the client`;
    return { ok, evidence: [mid!, ...local].map(line).join('; ') };
  });

  add('database-stays-home', 'advantage', 'The database stays at home: no database connection leaves the client, and of the recipients only the template\'s fields do.', () => {
    const out = mid!.boundary.links.filter((l) => l.direction === 'out');
    if (out.some((l) => l.columns === null)) return null;
    const pg = out.filter((l) => l.protocol === 'pg');
    const columns = [...new Set(out.flatMap((l) => l.columns ?? []))];
    const ok = !pg.length && !columns.includes('secretNote');
    const seen = (f: ModeFigures) => `${f.mode}: ${list([...new Set(f.boundary.links.filter((l) => l.direction === 'out').flatMap((l) => l.columns ?? []))])}`;
    return { ok, evidence: `columns found in what left the client: ${[mid!, ...others].map(seen).join('; ')}${pg.length ? `; database links crossing: ${list(pg.map((l) => l.link))}` : ''}` };
  });

  add('high-volume', 'advantage', `Fit for high volume (documented: a standalone instance "several tens of thousands of mails per hour", two MTAs around 100,000).`, () => {
    if (!local.length) return null;
    const best = Math.max(...local.map((f) => f.throughput.messagesPerHour ?? 0));
    const mine = mid!.throughput.messagesPerHour ?? 0;
    const ok = mine >= STANDALONE_PER_HOUR && mine >= 0.8 * best;
    return { ok, evidence: `${[mid!, ...local].map((f) => `${f.mode}: ${rate(f)}`).join('; ')} (confirmed when ≥ ${STANDALONE_PER_HOUR.toLocaleString('en-US')}/h and ≥ 80% of the best local mode; process runtime: every node shares one machine)` };
  });

  add('reporting-delay', 'cost', 'A slight delay in reporting: statuses and tracking reach the marketing instance when the sync workflows bring them back.', () => {
    if (!local.length) return null;
    const p = (f: ModeFigures) => `${f.mode}: p50 ${f.syncDelayMs.p50 ?? 'n/a'} ms, p95 ${f.syncDelayMs.p95 ?? 'n/a'} ms`;
    const ok = (mid!.syncDelayMs.p95 ?? 0) > Math.max(...local.map((f) => f.syncDelayMs.p95 ?? 0));
    const sim = mid!.syncDelayMs.p95 === null ? '' : ` (x${timeScale} simulated: p95 ${((mid!.syncDelayMs.p95 * timeScale) / 1000).toFixed(0)} s)`;
    return { ok, evidence: [mid!, ...local].map(p).join('; ') + sim };
  });

  add('forms-stay-local', 'cost', 'Web forms stay on the client platform: the marketing instance serves them, the mid-sourcing server cannot.', () => {
    const f = mid!.forms;
    if (!f) return null;
    const ok = f.appServer.status === 200 && f.appServer.site === 'marketing' && f.mids.length > 0 && f.mids.every((x) => x.status === 404);
    return { ok, evidence: `GET /forms/subscribe: app server (${f.appServer.site} site) HTTP ${f.appServer.status}; ${f.mids.map((x) => `${x.node} HTTP ${x.status}`).join(', ')}` };
  });
  return claims;
}
