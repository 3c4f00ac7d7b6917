// Faults of an Internet MX: it defers everything (4xx) or refuses everything (5xx) for a while.
import type { ActiveFault, FaultContext } from './types.js';

async function setMode(ctx: FaultContext, domain: string, mode: string): Promise<void> {
  const c = ctx.running.endpoint('internet', 'control');
  const r = await fetch(`http://${c.host}:${c.port}/domains/${encodeURIComponent(domain)}/mode`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode }),
  });
  if (!r.ok) throw new Error(`cannot set MX ${domain} to ${mode}: HTTP ${r.status} ${await r.text()}`);
}

export async function mxMode(ctx: FaultContext, domain: string, mode: 'tempfail' | 'reject-all'): Promise<ActiveFault> {
  await setMode(ctx, domain, mode);
  return { heal: () => setMode(ctx, domain, 'normal') };
}
