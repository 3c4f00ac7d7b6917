// Mid-sourcing with several mid-sourcing servers (alternating routing): the marketing instance
// splits a delivery's parts across them in turn; each mid sends its share with its own MTA,
// inMail and redirector, and the sync workflows bring every mid's logs back into the one delivery.
import { HOST_NAMES, type TopologyOptions } from './options.js';
import { appServer, executionSite, internet, link, midRelay, pg } from './sites.js';
import type { LinkSpec, NodeSpec, Topology } from './types.js';

export const MID_COUNT = 2;
/** Alternating routing alternates parts: a delivery needs several to be split at all. */
export const MAX_PART_SIZE = 250;

export function multiMid(o: TopologyOptions): Topology {
  const suffixes = Array.from({ length: MID_COUNT }, (_, i) => (i ? `-${i + 1}` : ''));
  const uplinks = suffixes.map((s) => (s ? `instance->mid${s}:soap` : 'instance->mid:soap'));
  const nodes: NodeSpec[] = [pg('marketing-db', 'marketing', 'marketing'), appServer('mid-sourcing', { ...o, partSize: Math.min(o.partSize ?? MAX_PART_SIZE, MAX_PART_SIZE) }, uplinks)];
  const links: LinkSpec[] = [link('app-server', 'marketing-db', 'pg', 'pg', 'app->db')];
  suffixes.forEach((s, i) => {
    const exec = executionSite('mid', `mid-db${s}`, o, s);
    nodes.push(pg(`mid-db${s}`, 'mid', 'mid'), midRelay(o, `mid-relay${s}`, `mid-db${s}`), ...exec.nodes);
    links.push(
      link('app-server', `mid-relay${s}`, 'web', 'soap', 'instance->mid', uplinks[i], true),
      link(`mid-relay${s}`, `mid-db${s}`, 'pg', 'pg', 'relay->db'),
      ...exec.links,
    );
  });
  nodes.push(internet(o, '', suffixes.slice(1)));
  return {
    mode: 'multi-mid',
    nodes,
    links,
    facts: {
      marketingHostName: HOST_NAMES.marketing,
      executionSite: 'mid',
      clientUplink: uplinks[0],
      clientUplinks: uplinks,
      executionDatabases: suffixes.map((s) => ({ node: `mid-db${s}`, database: 'mid' })),
    },
  };
}
