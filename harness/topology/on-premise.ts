// On-premise: everything at the client's site (the minimal architecture: only HTTP in and SMTP
// in and out cross its boundary).
import { HOST_NAMES, type TopologyOptions } from './options.js';
import { appServer, executionSite, internet, link, pg } from './sites.js';
import type { Topology } from './types.js';

export function onPremise(o: TopologyOptions): Topology {
  const exec = executionSite('marketing', 'marketing-db', o);
  return {
    mode: 'on-premise',
    nodes: [pg('marketing-db', 'marketing', 'marketing'), appServer('on-premise', o), ...exec.nodes, internet(o)],
    links: [link('app-server', 'marketing-db', 'pg', 'pg', 'app->db'), ...exec.links],
    facts: { marketingHostName: HOST_NAMES.marketing, executionSite: 'marketing' },
  };
}

