// Where everything listens in a run's Docker network. Each container has its own network namespace,
// so every module listens on its documented port. Every link is a proxy in the fault-proxy
// container; the link that leaves the client's site for a web module listens on port 80 under an
// alias of its own, and leads to the web front of the peer (80 -> 8080), as the documentation's
// firewall rule (only 80/443 to the mid) requires. Pure: shared by the runtime and the compose export.
import type { Address, NodeSpec, Resolver, Topology } from '../../topology/types.js';

export const FAULT_PROXY = 'fault-proxy';
export const FAULT_API_PORT = 8474;
/** The web server in front of the web module (architecture documentation: 80/443 -> 8080). */
export const FRONT = { http: 80, https: 443 };
export const PG = { user: 'postgres', password: 'midsim', port: 5432 };
const FIRST_PROXY_PORT = 10_001;
/** A second role on a port its container already uses (the Internet's MX sinks all document 25). */
const FIRST_SPARE_PORT = 2501;

export interface ProxyPlacement {
  link: string;
  /** The name the `from` node uses for the proxy. */
  alias: string;
  port: number;
  upstream: Address;
  capture: boolean;
}

export interface Layout {
  /** Container port of each node's port role, documented where possible. */
  ports: Record<string, Record<string, number>>;
  /** Nodes with a web front (the web module's container also listens on 80 and 443). */
  fronts: string[];
  proxies: Record<string, ProxyPlacement>;
  /** Network aliases of the fault-proxy container. */
  proxyAliases: string[];
}

export const hasFront = (n: NodeSpec) => n.kind === 'module' && 'web' in n.ports;
export const wanAlias = (to: string) => `wan-${to}`;

export function layout(t: Topology): Layout {
  const ports: Layout['ports'] = {};
  for (const n of t.nodes) {
    const used = new Set<number>(hasFront(n) ? [FRONT.http, FRONT.https] : []);
    let spare = FIRST_SPARE_PORT;
    ports[n.name] = {};
    for (const [role, documented] of Object.entries(n.ports)) {
      let port = documented;
      if (used.has(port)) while (used.has((port = spare++)));
      used.add(port);
      ports[n.name][role] = port;
    }
  }
  const fronts = t.nodes.filter(hasFront).map((n) => n.name);
  const proxies: Layout['proxies'] = {};
  const aliases = new Set([FAULT_PROXY]);
  let next = FIRST_PROXY_PORT;
  let wanTaken = false;
  for (const l of t.links) {
    const target = ports[l.to]?.[l.port];
    if (target === undefined) throw new Error(`topology: link ${l.name} leads to a port "${l.port}" that node "${l.to}" does not have`);
    const capture = l.name === t.facts.clientUplink;
    if (l.crossesClientBoundary && l.port === 'web' && fronts.includes(l.to) && !wanTaken) {
      wanTaken = true;
      aliases.add(wanAlias(l.to));
      proxies[l.name] = { link: l.name, alias: wanAlias(l.to), port: FRONT.http, upstream: { host: l.to, port: FRONT.http }, capture };
    } else {
      proxies[l.name] = { link: l.name, alias: FAULT_PROXY, port: next++, upstream: { host: l.to, port: target }, capture };
    }
  }
  return { ports, fronts, proxies, proxyAliases: [...aliases] };
}

/** What a node's config asks of the runtime, answered with names and ports inside the network. */
export function containerResolver(l: Layout, node: string): Resolver {
  const proxy = (name: string) => {
    const p = l.proxies[name];
    if (!p) throw new Error(`topology: node "${node}" uses unknown link "${name}"`);
    return p;
  };
  return {
    listen: (role) => {
      const port = l.ports[node]?.[role];
      if (port === undefined) throw new Error(`topology: node "${node}" has no port "${role}"`);
      return { host: '0.0.0.0', port };
    },
    link: (name) => ({ host: proxy(name).alias, port: proxy(name).port }),
    database: (link, db) => `postgres://${PG.user}:${PG.password}@${proxy(link).alias}:${proxy(link).port}/${db}`,
    stateFile: (name) => `/state/${name}.json`,
  };
}

/** The program a node's container runs (paths inside the image). */
export function command(n: NodeSpec, l: Layout): string[] {
  if (n.kind === 'postgres') return ['node', 'dist/harness/runtime/docker/pg-entry.js', ...n.databases.flatMap((d) => ['--database', d])];
  const config = `/config/${n.name}.json`;
  const run = n.kind === 'module' ? ['node', 'dist/reference-impl/main.js', n.module, '--config', config] : ['node', 'dist/harness/workload/internet/main.js', '--config', config];
  if (!l.fronts.includes(n.name)) return run;
  return ['node', 'dist/harness/runtime/docker/front.js', '--http', String(FRONT.http), '--https', String(FRONT.https), '--to', String(l.ports[n.name].web), '--', ...run];
}

/** The fault proxy's own command line (its proxies are created through its API). */
export const faultProxyCommand = ['node', 'dist/harness/faults/main.js', '--host', '0.0.0.0', '--port', String(FAULT_API_PORT), '--capture-dir', '/capture'];
