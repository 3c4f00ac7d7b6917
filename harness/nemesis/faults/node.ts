// Faults on a node: a crash (SIGKILL, restarted at heal) or a pause (SIGSTOP, resumed at heal).
import type { ActiveFault, FaultContext } from './types.js';

export async function crash(ctx: FaultContext, node: string): Promise<ActiveFault> {
  await ctx.running.signal(node, 'SIGKILL');
  return { heal: () => ctx.running.restart(node) };
}

export async function pause(ctx: FaultContext, node: string): Promise<ActiveFault> {
  await ctx.running.signal(node, 'SIGSTOP');
  return { heal: () => ctx.running.signal(node, 'SIGCONT') };
}
