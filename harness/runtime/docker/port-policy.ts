// The port policy of a mode: what may leave the client's site, as firewall rules in its containers.
// Mid-sourcing (documented): the marketing instance reaches the mid-sourcing server only over HTTP
// or HTTPS (SOAP calls, ports 80/443), and nothing else leaves it. A container of the site may
// open a connection along its own links inside the site, and across the boundary only to those
// ports; anything else is refused (TCP reset) and counted.
import { ConfigError } from '../../../reference-impl/common/errors.js';
import type { Site, Topology } from '../../topology/types.js';
import type { Layout } from './layout.js';

export interface PortPolicy {
  site: Site;
  /** Ports a connection crossing the client's boundary may go to. */
  boundaryPorts: number[];
  says: string;
}

export const PORT_POLICIES: Record<string, PortPolicy> = {
  'mid-sourcing': {
    site: 'marketing',
    boundaryPorts: [80, 443],
    says: 'the marketing instance may reach the mid-sourcing server only on 80/443 (SOAP over HTTP or HTTPS); nothing else leaves it',
  },
};

export interface NodePolicy {
  node: string;
  /** Connections this node may open (the proxies of its links), by name in the network. */
  allow: { link: string; host: string; port: number }[];
  /** Its links the policy refuses (a deployment that cannot work behind this firewall). */
  refusedLinks: string[];
}

export function policyFor(t: Topology, l: Layout): { policy: PortPolicy; nodes: NodePolicy[] } {
  const policy = PORT_POLICIES[t.mode];
  if (!policy) throw new ConfigError(`no port policy for mode ${t.mode} (policies: ${Object.keys(PORT_POLICIES).join(', ')})`);
  const nodes = t.nodes
    .filter((n) => n.site === policy.site)
    .map((n) => {
      const allow: NodePolicy['allow'] = [];
      const refusedLinks: string[] = [];
      for (const link of t.links.filter((x) => x.from === n.name)) {
        const p = l.proxies[link.name];
        if (!link.crossesClientBoundary || policy.boundaryPorts.includes(p.port)) allow.push({ link: link.name, host: p.alias, port: p.port });
        else refusedLinks.push(link.name);
      }
      return { node: n.name, allow, refusedLinks };
    });
  return { policy, nodes };
}
