// Hosted (ASP): the whole instance (app server, database, execution modules) runs at the
// provider; the client keeps nothing but a browser and its tools, and reaches the instance only
// over the WAN link. The blocks are on-premise's, moved to the provider's site.
import { onPremise } from './on-premise.js';
import type { TopologyOptions } from './options.js';
import { link } from './sites.js';
import type { Topology } from './types.js';

export const CLIENT_ACCESS = 'client->app-server:web';

export function hosted(o: TopologyOptions): Topology {
  const t = onPremise(o);
  return {
    mode: 'hosted',
    // 'mid' is the provider's site; the Internet stays the Internet.
    nodes: t.nodes.map((n) => (n.site === 'internet' ? n : { ...n, site: 'mid' })),
    links: [
      // The client's people and tools (here: the harness) reach the instance across the WAN.
      link('client', 'app-server', 'web', 'http', 'client->provider', CLIENT_ACCESS, true),
      ...t.links.map((l) => ({ ...l, crossesClientBoundary: false })),
    ],
    facts: { ...t.facts, clientAccess: CLIENT_ACCESS },
  };
}
