// The port policy section of a run: what the firewall let out of the client's site, per node, and
// how many connection attempts it refused. A fold over the runtime's firewall.policy events.
import type { HistoryEvent } from '../probes/history.js';
import { esc } from './svg.js';

export interface PortPolicyNode {
  node: string;
  /** Destinations the node may open connections to (name:port (link)). */
  allowed: string[];
  /** The node's own links the policy refuses: a deployment that cannot work behind this firewall. */
  refusedLinks: string[];
  /** Connection attempts refused by the policy; null when the rules could not be read. */
  refused: number | null;
}

export interface PortPolicySection {
  applied: boolean;
  says: string;
  nodes: PortPolicyNode[];
}

export async function portPolicySection(events: AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>): Promise<PortPolicySection> {
  const nodes: PortPolicyNode[] = [];
  let says = '';
  for await (const e of events) {
    if (e.type !== 'firewall.policy') continue;
    says = String(e.says);
    nodes.push({ node: String(e.node), allowed: (e.allowed as string[]) ?? [], refusedLinks: (e.refusedLinks as string[]) ?? [], refused: typeof e.refused === 'number' ? e.refused : null });
  }
  return { applied: nodes.length > 0, says, nodes };
}

export function renderPortPolicy(p: PortPolicySection): string {
  if (!p.applied) return '<p>The port policy was asked for but no rules were applied (the topology did not start).</p>';
  return `<p>Port policy: ${esc(p.says)}.</p><table id="port-policy"><tr><th>node</th><th>may connect to</th><th>own links refused</th><th>connections refused</th></tr>${p.nodes
    .map((n) => `<tr><td>${esc(n.node)}</td><td>${n.allowed.map(esc).join('<br>')}</td><td>${n.refusedLinks.map(esc).join('<br>')}</td><td class="num${n.refused ? ' status-fail' : ''}">${n.refused ?? 'unknown'}</td></tr>`)
    .join('')}</table>`;
}
