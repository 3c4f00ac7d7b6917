// Mid-sourcing: the marketing instance keeps its database and web forms; its MTA and inMail are
// disabled; it drives the mid-sourcing server over SOAP (the WAN link) and syncs logs back.
import { HOST_NAMES, type TopologyOptions } from './options.js';
import { appServer, executionSite, internet, link, midRelay, pg } from './sites.js';
import type { LinkSpec, NodeSpec, Topology } from './types.js';

export function midSourcing(o: TopologyOptions): Topology {
  const exec = executionSite('mid', 'mid-db', o);
  const nodes: NodeSpec[] = [
    pg('marketing-db', 'marketing', 'marketing'),
    pg('mid-db', 'mid', 'mid'),
    midRelay(o),
    appServer('mid-sourcing', o),
    ...exec.nodes,
    internet(o),
  ];
  const links: LinkSpec[] = [
    link('app-server', 'marketing-db', 'pg', 'pg', 'app->db'),
    link('app-server', 'mid-relay', 'web', 'soap', 'instance->mid', 'instance->mid:soap', true),
    link('mid-relay', 'mid-db', 'pg', 'pg', 'relay->db'),
    ...exec.links,
  ];
  if (o.misconfig?.marketingMta) {
    // A deliberately wrong deployment: the marketing instance's own MTA is running.
    const rogue = executionSite('marketing', 'marketing-db', o, '-marketing');
    nodes.push(...rogue.nodes);
    links.push(...rogue.links);
  }
  return { mode: 'mid-sourcing', nodes, links, facts: { marketingHostName: HOST_NAMES.marketing, executionSite: 'mid', clientUplink: 'instance->mid:soap' } };
}

