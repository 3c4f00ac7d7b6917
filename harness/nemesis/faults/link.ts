// Faults on a link: latency and bandwidth through the fault proxy's toxics (both runtimes), and
// firewall blocks through the runtime (fault proxy in the process runtime, iptables in docker).
import type { ToxicRequest } from '../../faults/client.js';
import { parseRate } from '../schema.js';
import type { ActiveFault, FaultContext } from './types.js';

type Dir = 'upstream' | 'downstream' | 'both';
const streams = (d: Dir) => (d === 'both' ? (['upstream', 'downstream'] as const) : [d]);

async function toxics(ctx: FaultContext, link: string, name: string, dir: Dir, make: (stream: 'upstream' | 'downstream') => Omit<ToxicRequest, 'name' | 'stream'>): Promise<ActiveFault> {
  const added: string[] = [];
  for (const stream of streams(dir)) {
    const toxicName = `${name}_${stream}`;
    await ctx.faults.addToxic(link, { ...make(stream), name: toxicName, stream });
    added.push(toxicName);
  }
  return { heal: async () => void (await Promise.all(added.map((t) => ctx.faults.removeToxic(link, t).catch(() => {})))) };
}

export function latency(ctx: FaultContext, link: string, f: { latency: string; jitter: string; direction: Dir }): Promise<ActiveFault> {
  // Latency is a property of the network, not a schedule: never scaled.
  const ms = (d: string) => Math.round(ctx.real(d));
  return toxics(ctx, link, 'nemesis_latency', f.direction, () => ({ type: 'latency', attributes: { latency: ms(f.latency), jitter: ms(f.jitter) } }));
}

export function bandwidth(ctx: FaultContext, link: string, f: { rate: string; direction: Dir }): Promise<ActiveFault> {
  return toxics(ctx, link, 'nemesis_bandwidth', f.direction, () => ({ type: 'bandwidth', attributes: { rate: Math.max(1, Math.round(parseRate(f.rate))) } }));
}

export async function firewall(ctx: FaultContext, link: string, kind: 'drop' | 'reject', direction: Dir = 'both'): Promise<ActiveFault> {
  await ctx.running.block(link, kind, direction);
  return { heal: () => ctx.running.unblock(link) };
}
