// Distributed: the on-premise modules spread over several nodes for load sharing and redundancy:
// two MTAs share the site's queue (leased claims, so a lost MTA's messages go to the other) and
// one stat server (shared quotas); the redirector and the bounce handler run apart.
import { HOST_NAMES, type TopologyOptions } from './options.js';
import { appServer, executionSite, internet, link, pg } from './sites.js';
import type { Topology } from './types.js';

export const DISTRIBUTED_MTAS = 2;

export function distributed(o: TopologyOptions): Topology {
  const exec = executionSite('marketing', 'marketing-db', o, '', DISTRIBUTED_MTAS);
  return {
    mode: 'distributed',
    nodes: [pg('marketing-db', 'marketing', 'marketing'), appServer('on-premise', o), ...exec.nodes, internet(o)],
    links: [link('app-server', 'marketing-db', 'pg', 'pg', 'app->db'), ...exec.links],
    facts: { marketingHostName: HOST_NAMES.marketing, executionSite: 'marketing' },
  };
}
