// A topology as a Docker Compose file, so that the same deployment runs on real hosts or a Swarm:
// one service per node (the midsim image, the node's command and config), one network per site,
// every module on its documented port. Links are direct here (no fault proxy: on real hosts the
// network is the real one); a node reached across sites joins the caller's site network too.
// Hardware profiles become resource limits at their documented size (real hosts: no scaling).
import type { HardwareProfile } from '../profiles/schema.js';
import type { Address, NodeSpec, Resolver, Topology } from '../topology/types.js';
import { command, FRONT, hasFront, layout, PG, type Layout } from '../runtime/docker/layout.js';
import type { YamlValue } from './yaml.js';

type Obj = { [k: string]: YamlValue };

/** The near end of a link on real hosts is its far end: the node and port the link leads to. */
export function directResolver(l: Layout, node: string): Resolver {
  const to = (link: string): Address => {
    const p = l.proxies[link];
    if (!p) throw new Error(`topology: node "${node}" uses unknown link "${link}"`);
    return p.upstream;
  };
  return {
    listen: (role) => {
      const port = l.ports[node]?.[role];
      if (port === undefined) throw new Error(`topology: node "${node}" has no port "${role}"`);
      return { host: '0.0.0.0', port };
    },
    link: to,
    database: (link, db) => `postgres://${PG.user}:${PG.password}@${to(link).host}:${to(link).port}/${db}`,
    stateFile: (name) => `/state/${name}.json`,
  };
}

const healthcheck = (n: NodeSpec, l: Layout): Obj => {
  const test =
    n.kind === 'postgres'
      ? "require('fs').accessSync('/tmp/ready')"
      : `fetch('http://127.0.0.1:${l.ports[n.name].control}/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  return { test: ['CMD', 'node', '-e', test], interval: '2s', timeout: '2s', retries: 60 };
};

/** Compose interpolates ${...} everywhere, config contents included: $ must be doubled. */
const literal = (s: string) => s.replace(/\$/g, '$$$$');

export function composeFile(t: Topology, o: { image: string; name: string; profile?: HardwareProfile }): Obj {
  const lay = layout(t);
  const site = new Map(t.nodes.map((n) => [n.name, n.site]));
  const networksOf = new Map(t.nodes.map((n) => [n.name, new Set<string>([n.site])]));
  for (const link of t.links) networksOf.get(link.to)!.add(site.get(link.from)!);
  const dependsOn = new Map(t.nodes.map((n) => [n.name, new Set<string>()]));
  for (const link of t.links) if (t.nodes.find((n) => n.name === link.to)?.kind === 'postgres') dependsOn.get(link.from)!.add(link.to);
  const machineOf = new Map<string, { cpus: number; memoryMb: number }>();
  for (const m of Object.values(o.profile?.machines ?? {})) {
    const nodes = m.nodes.filter((n) => site.has(n));
    for (const n of nodes) machineOf.set(n, { cpus: (m.cpu.sockets * m.cpu.cores) / nodes.length, memoryMb: Math.floor(m.memoryMb / nodes.length) });
  }

  const services: Obj = {};
  const configs: Obj = {};
  for (const n of t.nodes) {
    const ports = [...Object.values(lay.ports[n.name]), ...(hasFront(n) ? [FRONT.http, FRONT.https] : [])];
    const s: Obj = {
      image: o.image,
      init: true,
      command: command(n, lay),
      networks: Object.fromEntries([...networksOf.get(n.name)!].sort().map((net) => [net, { aliases: [n.name] }])),
      expose: ports.map(String),
      healthcheck: healthcheck(n, lay),
      restart: 'on-failure',
      labels: { 'midsim.node': n.name, 'midsim.site': n.site },
    };
    if (n.kind !== 'postgres') {
      configs[`${n.name}-config`] = { content: literal(JSON.stringify(n.config(directResolver(lay, n.name)), null, 2)) };
      s.configs = [{ source: `${n.name}-config`, target: `/config/${n.name}.json` }];
      s.volumes = [`state:/state`];
    }
    // The ports the harness talks to, published on free host ports (docker compose port <service> <port>).
    if (n.name === 'app-server') s.ports = [String(lay.ports[n.name].web)];
    if (n.kind === 'internet') s.ports = [String(lay.ports[n.name].control)];
    if (n.kind === 'postgres') s.ports = [String(PG.port)];
    const deps = [...dependsOn.get(n.name)!].sort();
    if (deps.length) s.depends_on = Object.fromEntries(deps.map((d) => [d, { condition: 'service_healthy' }]));
    const limits = machineOf.get(n.name);
    if (limits) s.deploy = { resources: { limits: { cpus: String(Math.round(limits.cpus * 100) / 100), memory: `${limits.memoryMb}M` } } };
    services[n.name] = s;
  }
  const sites = [...new Set(t.nodes.map((n) => n.site))].sort();
  return {
    name: o.name,
    services,
    networks: Object.fromEntries(sites.map((s) => [s, { name: `${o.name}-${s}` }])),
    volumes: { state: {} },
    configs,
  };
}
