// The docker runtime: one container per node on a network of its own per run (network aliases =
// node names), every module on its documented port, every link a proxy in the fault-proxy
// container (its Toxiproxy API published to the host). CPU and memory quotas come from the
// hardware profile, firewall faults and the port policy are iptables rules in the containers'
// network namespaces. Logs go to <runDir>/logs/<node>.log, configs to <runDir>/config/.
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type Dockerode from 'dockerode';
import { getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import type { NewEvent } from '../../probes/history.js';
import { scaleProfile, type Scaling } from '../../profiles/scale.js';
import { onInterrupt } from '../../run/interrupt.js';
import type { NodeSpec, Topology } from '../../topology/types.js';
import { FaultClient } from '../../faults/client.js';
import { InfrastructureError, type LinkEndpoint, type PortRecord, type Runtime, type RunningTopology, type RuntimeOptions } from '../types.js';
import { NodeContainer } from './container.js';
import * as firewall from './firewall.js';
import { hostCapacity } from './host.js';
import { ensureImage } from './image.js';
import { labels } from './labels.js';
import { command, containerResolver, FAULT_API_PORT, FAULT_PROXY, faultProxyCommand, FRONT, layout, PG } from './layout.js';
import { policyFor } from './port-policy.js';
import { ResourceSampler } from './sampler.js';

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_S = 5;
/** Start stages: databases; then what others call; then those who call (each stage in parallel). */
const STAGES: ((n: NodeSpec) => boolean)[] = [
  (n) => n.kind === 'postgres',
  (n) => n.kind === 'internet' || (n.kind === 'module' && ['stat-server', 'mid-relay', 'redirector', 'bounce-handler'].includes(n.module)),
  (n) => n.kind === 'module' && ['app-server', 'mta'].includes(n.module),
];

interface Box {
  node: string;
  spec?: NodeSpec;
  id: string;
  log: WriteStream;
  started?: StartedTestContainer;
  /** Container port -> host port (changes when the container restarts). */
  mapped: Map<number, number>;
  /** Host pid of the container's init process. */
  pid: number;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitUntil(what: string, ok: () => Promise<boolean>, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > until) throw new InfrastructureError(`${what} not ready after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Docker network names: letters, digits, dots, dashes and underscores. */
export function networkName(run: string): string {
  const slug = run.replace(/[^a-zA-Z0-9_.-]+/g, '-').slice(0, 48);
  return `midsim-${slug}-${Math.random().toString(36).slice(2, 8)}`;
}

export const dockerRuntime: Runtime = {
  async start(topology: Topology, opts: RuntimeOptions): Promise<RunningTopology> {
    const say = opts.say ?? (() => {});
    const runDir = resolve(opts.runDir);
    const run = basename(runDir);
    for (const d of ['logs', 'config', 'state', 'capture']) mkdirSync(join(runDir, d), { recursive: true });

    let client;
    try {
      client = await getContainerRuntimeClient();
    } catch (e) {
      throw new InfrastructureError(`no Docker engine reachable (is dockerd running? DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): ${(e as Error).message}`);
    }
    const docker: Dockerode = client.container.dockerode;
    const host = client.info.containerRuntime.host === 'localhost' ? '127.0.0.1' : client.info.containerRuntime.host;
    const lay = layout(topology);
    const boxes = new Map<string, Box>();
    const observations: NewEvent[] = [];
    let network: Dockerode.Network | null = null;
    let sampler: ResourceSampler | null = null;
    let stopped = false;
    const blocks = new Map<string, { kind: firewall.BlockKind; direction: firewall.Direction }>();
    let proxyIp = '';
    const policy = opts.portPolicy ? policyFor(topology, lay) : null;

    // Firewall rules read before the containers go (their namespaces go with them).
    const readFirewall = async () => {
      if (!policy) return;
      for (const p of policy.nodes) {
        const refused = await pidOf(p.node).then((pid) => (pid ? firewall.refused(pid) : 0)).catch(() => null);
        observations.push({ type: 'firewall.policy', node: p.node, mode: topology.mode, says: policy.policy.says, allowed: p.allow.map((a) => `${a.host}:${a.port} (${a.link})`), refusedLinks: p.refusedLinks, refused });
      }
    };
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await sampler?.stop().catch(() => {});
      await readFirewall().catch(() => {});
      if (sampler) observeUsage(sampler);
      // Callers first, databases next, the fault proxy last (it flushes the captures when it stops).
      const rank = (b: Box) => (b.node === FAULT_PROXY ? 2 : b.spec?.kind === 'postgres' ? 1 : 0);
      for (const r of [0, 1, 2]) {
        await Promise.all(
          [...boxes.values()].filter((b) => rank(b) === r).map(async (b) => {
            const c = docker.getContainer(b.id);
            await c.unpause().catch(() => {});
            await c.stop({ t: STOP_TIMEOUT_S }).catch(() => {});
          }),
        );
      }
      await Promise.all([...boxes.values()].map((b) => docker.getContainer(b.id).remove({ force: true, v: true }).catch(() => {})));
      for (const b of boxes.values()) b.log.end();
      await network?.remove().catch(() => {});
    };
    const unregister = onInterrupt(stop);

    const pidOf = async (node: string): Promise<number> => {
      const b = boxes.get(node);
      if (!b) throw new Error(`no running node "${node}" (nodes: ${[...boxes.keys()].join(', ')})`);
      return (await docker.getContainer(b.id).inspect()).State.Pid;
    };
    const refresh = async (b: Box) => {
      const info = await docker.getContainer(b.id).inspect();
      b.pid = info.State.Pid;
      b.mapped.clear();
      for (const [k, v] of Object.entries(info.NetworkSettings.Ports ?? {})) {
        const hostPort = v?.find((x) => x.HostIp === '0.0.0.0' || x.HostIp === '')?.HostPort ?? v?.[0]?.HostPort;
        if (hostPort) b.mapped.set(Number(k.split('/')[0]), Number(hostPort));
      }
    };
    const followLogs = async (b: Box, since = 0) => {
      const stream = (await docker.getContainer(b.id).logs({ follow: true, stdout: true, stderr: true, since })) as unknown as NodeJS.ReadableStream;
      docker.modem.demuxStream(stream, b.log, b.log);
    };
    // The port policy of this node and the blocks on its links, (again) in its new namespace.
    const applyFirewall = async (node: string, pid: number) => {
      const p = policy?.nodes.find((x) => x.node === node);
      if (p) await firewall.applyPolicy(pid, p.allow.map((a) => ({ ip: proxyIp, port: a.port })));
      for (const [link, b] of blocks) if (topology.links.find((l) => l.name === link)?.from === node) await firewall.block(pid, link, { ip: proxyIp, port: lay.proxies[link].port }, b.kind, b.direction);
    };

    let scaling: Scaling | null = null;
    const observeUsage = (s: ResourceSampler) => {
      if (scaling) observations.push({ type: 'hardware.scaling', profile: opts.profile?.name, note: scaling.note, cpuFactor: scaling.cpuFactor, memoryFactor: scaling.memoryFactor, hostShare: scaling.hostShare, host: scaling.host });
      const used = s.usage();
      for (const b of boxes.values()) {
        const q = scaling?.quotas.find((x) => x.node === b.node);
        const u = used[b.node];
        if (u) observations.push({ type: 'hardware.node', node: b.node, machine: q?.machine, limits: { cpus: q?.cpus ?? null, memoryMb: q?.memoryMb ?? null }, used: u });
      }
    };

    try {
      const image = await ensureImage(docker, say);
      if (image.built) say(`image ${image.tag} built in ${(image.buildMs / 1000).toFixed(1)} s`);
      // A name of its own per start: a run dir used again (or two runs whose dirs share a name)
      // must not meet an older network of the same name (HTTP 409).
      const netName = networkName(run);
      network = await docker.createNetwork({ Name: netName, Driver: 'bridge', CheckDuplicate: true, Labels: labels(run) });

      if (opts.profile) {
        const capacity = await hostCapacity(docker);
        scaling = scaleProfile(opts.profile, capacity, topology.nodes.map((n) => n.name));
        if (capacity.ghzAssumed) scaling.note += ` The engine is remote: its cores were assumed to run at ${capacity.ghz} GHz.`;
        say(`hardware profile ${opts.profile.name}: ${scaling.quotas.map((q) => `${q.node} ${q.cpus} cores ${q.memoryMb} MB`).join(', ')}`);
      }

      const launch = async (name: string, spec: NodeSpec | undefined, make: (c: NodeContainer) => NodeContainer, ready: (b: Box) => Promise<void>) => {
        const logFile = join(runDir, 'logs', `${name}.log`);
        const box: Box = { node: name, spec, id: '', log: createWriteStream(logFile, { flags: 'a' }), mapped: new Map(), pid: 0 };
        const aliases = name === FAULT_PROXY ? lay.proxyAliases : [name];
        const c = new NodeContainer(image.tag, netName, aliases, {
          created: (id) => {
            box.id = id;
            boxes.set(name, box);
          },
          starting: async (id) => {
            await followLogs(box);
            if (policy?.nodes.some((p) => p.node === name)) await applyFirewall(name, (await docker.getContainer(id).inspect()).State.Pid);
          },
        }).withLabels(labels(run, name));
        const q = scaling?.quotas.find((x) => x.node === name);
        if (q) c.withResourcesQuota({ cpu: q.cpus, memory: q.memoryMb / 1024 });
        try {
          box.started = await make(c).withStartupTimeout(START_TIMEOUT_MS).start();
          await refresh(box);
          await ready(box);
        } catch (e) {
          throw new InfrastructureError(`${name} did not start: ${(e as Error).message}; last log lines:\n${tail(logFile)}`);
        }
        return box;
      };

      // 1. The fault proxy; every link a proxy in it, listening on the port the layout gave it.
      say('starting the fault proxy');
      const proxyPorts = Object.values(lay.proxies).map((p) => p.port);
      const proxyBox = await launch(
        FAULT_PROXY,
        undefined,
        (c) => c.withCommand(faultProxyCommand).withExposedPorts(FAULT_API_PORT, ...proxyPorts).withBindMounts([{ source: join(runDir, 'capture'), target: '/capture' }]).withWaitStrategy(Wait.forLogMessage('"listening"')),
        async () => {},
      );
      proxyIp = (await docker.getContainer(proxyBox.id).inspect()).NetworkSettings.Networks[netName].IPAddress;
      const toxiproxyUrl = opts.toxiproxyUrl ?? `http://${host}:${proxyBox.mapped.get(FAULT_API_PORT)}`;
      const faults = new FaultClient(toxiproxyUrl);
      const links: Record<string, LinkEndpoint> = {};
      for (const p of Object.values(lay.proxies)) {
        await faults.createProxy({ name: p.link, upstream: `${p.upstream.host}:${p.upstream.port}`, listen: `0.0.0.0:${p.port}`, capture: p.capture });
        // The harness reaches a link's near end through the published port; nodes use p.alias:p.port.
        links[p.link] = { proxy: p.link, listen: { host, port: proxyBox.mapped.get(p.port)! }, upstream: p.upstream };
      }
      writeFileSync(join(runDir, 'links.json'), JSON.stringify({ links, inside: lay.proxies }, null, 2));
      for (const [target, limit] of Object.entries(opts.profile?.links ?? {})) {
        for (const l of topology.links.filter((x) => x.name === target || x.role === target)) {
          for (const stream of ['upstream', 'downstream'] as const) {
            if (limit.rttMs !== undefined) await faults.addToxic(l.name, { type: 'latency', name: `profile_latency_${stream}`, stream, attributes: { latency: Math.round(limit.rttMs / 2), jitter: 0 } });
            if (limit.bandwidthMbps !== undefined) await faults.addToxic(l.name, { type: 'bandwidth', name: `profile_bandwidth_${stream}`, stream, attributes: { rate: Math.max(1, Math.round(limit.bandwidthMbps * 125)) } });
          }
          observations.push({ type: 'hardware.link', link: l.name, ...limit });
        }
      }

      // 2. The nodes, stage by stage.
      const startNode = (n: NodeSpec) => {
        say(`starting ${n.name}`);
        const ports = [...Object.values(lay.ports[n.name]), ...(lay.fronts.includes(n.name) ? [FRONT.http, FRONT.https] : [])];
        if (n.kind === 'postgres') {
          return launch(n.name, n, (c) => c.withCommand(command(n, lay)).withExposedPorts(...ports).withWaitStrategy(Wait.forLogMessage('"ready":true')), async () => {});
        }
        const config = JSON.stringify(n.config(containerResolver(lay, n.name)), null, 2);
        writeFileSync(join(runDir, 'config', `${n.name}.json`), config);
        return launch(
          n.name,
          n,
          (c) =>
            c
              .withCommand(command(n, lay))
              .withExposedPorts(...ports)
              .withCopyContentToContainer([{ content: config, target: `/config/${n.name}.json` }])
              .withBindMounts([{ source: join(runDir, 'state'), target: '/state' }])
              // A module that exits (a bad config) fails the start at once, not after the timeout.
              .withWaitStrategy(Wait.forHttp('/health', lay.ports[n.name].control, { abortOnContainerExit: true })),
          async () => {},
        );
      };
      const remaining = new Set(topology.nodes);
      for (const inStage of STAGES) {
        const stage = [...remaining].filter(inStage);
        stage.forEach((n) => remaining.delete(n));
        await Promise.all(stage.map(startNode));
      }
      for (const n of remaining) await startNode(n);

      sampler = new ResourceSampler(docker, () => new Map([...boxes].map(([k, b]) => [k, b.id])));
      sampler.start();

      const box = (node: string) => {
        const b = boxes.get(node);
        if (!b || !b.spec) throw new Error(`no running node "${node}" (nodes: ${topology.nodes.map((n) => n.name).join(', ')})`);
        return b;
      };
      const hostPort = (node: string, role: string) => {
        const port = lay.ports[node]?.[role];
        const mapped = port === undefined ? undefined : box(node).mapped.get(port);
        if (mapped === undefined) throw new Error(`topology: node "${node}" has no port "${role}"`);
        return mapped;
      };
      const ports: PortRecord[] = topology.nodes.flatMap((n) => [
        ...Object.entries(n.ports).map(([role, documented]) => ({ node: n.name, role, documented, actual: lay.ports[n.name][role] })),
        ...(lay.fronts.includes(n.name) ? [{ node: n.name, role: 'front:http', documented: FRONT.http, actual: FRONT.http }, { node: n.name, role: 'front:https', documented: FRONT.https, actual: FRONT.https }] : []),
      ]);
      const waitReady = async (b: Box) => {
        const n = b.spec!;
        if (n.kind === 'postgres') {
          const pg = await import('pg');
          await waitUntil(b.node, async () => {
            const c = new pg.default.Client({ host, port: b.mapped.get(PG.port), user: PG.user, password: PG.password, database: 'postgres' });
            try {
              await c.connect();
              await c.query('SELECT 1');
              return true;
            } finally {
              await c.end().catch(() => {});
            }
          });
        } else {
          const url = `http://${host}:${b.mapped.get(lay.ports[b.node].control)}/health`;
          await waitUntil(b.node, async () => (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok);
        }
      };

      return {
        runtime: 'docker',
        topology,
        runDir,
        endpoint: (node, role) => ({ host, port: hostPort(node, role) }),
        databaseUrl: (node, db) => `postgres://${PG.user}:${PG.password}@${host}:${hostPort(node, 'pg')}/${db}`,
        links,
        toxiproxyUrl,
        ports,
        async signal(node, sig) {
          const c = docker.getContainer(box(node).id);
          if (sig === 'SIGSTOP') await c.pause();
          else if (sig === 'SIGCONT') await c.unpause();
          else if (sig === 'SIGKILL') {
            await c.kill({ signal: 'SIGKILL' });
            await c.wait();
          } else await c.stop({ t: STOP_TIMEOUT_S });
        },
        async restart(node) {
          const b = box(node);
          const c = docker.getContainer(b.id);
          await c.unpause().catch(() => {});
          const since = Date.now() / 1000;
          await c.restart({ t: STOP_TIMEOUT_S });
          await refresh(b);
          await followLogs(b, since);
          await applyFirewall(node, b.pid);
          await waitReady(b);
        },
        async block(link, kind, direction = 'both') {
          const l = topology.links.find((x) => x.name === link);
          if (!l) throw new Error(`no link "${link}" (links: ${topology.links.map((x) => x.name).join(', ')})`);
          blocks.set(link, { kind, direction });
          await firewall.block(await pidOf(l.from), link, { ip: proxyIp, port: lay.proxies[link].port }, kind, direction);
        },
        async unblock(link) {
          const l = topology.links.find((x) => x.name === link);
          if (!l) throw new Error(`no link "${link}"`);
          blocks.delete(link);
          await firewall.unblock(await pidOf(l.from), link);
        },
        pids: () => Object.fromEntries([...boxes].filter(([, b]) => b.spec && b.pid).map(([k, b]) => [k, b.pid])),
        observations: () => observations,
        async stop() {
          await stop();
          unregister();
        },
      } satisfies RunningTopology;
    } catch (e) {
      await stop();
      unregister();
      throw e;
    }
  },
};
