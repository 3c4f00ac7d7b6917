// What the fault proxy costs with no toxic: throughput and round-trip latency of one loopback link
// through the proxy against the same link direct, in the same run. Printed, not asserted
// (targets: under 10% throughput loss, under 1 ms added p99).
//   npm run bench -- --only proxy
// The proxy runs as its own program (dist/harness/faults/main.js), as it does in a run: in this
// process it would share one event loop with the bench's client and server and halve both.
// A plain `a.pipe(b)` relay in its own process is measured too: on a small machine the second
// hop itself costs throughput, and the fault proxy should cost nothing beyond it.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, createServer as createHttpServer, request as httpRequest } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FaultClient } from '../harness/faults/client.js';

export interface LinkMeasure {
  /** Bulk transfer, client to server, MB/s (1 MB = 10^6 bytes). */
  throughputMBps: number;
  /** Round trips of a small message, ms. */
  p50Ms: number;
  p99Ms: number;
  /** HTTP request/response traffic of the links' kind (1 KB request, 1 KB answer, keep-alive, 16 in flight), requests/s. */
  requestsPerSecond: number;
}

export interface FaultProxyBench {
  direct: LinkMeasure;
  /** Through a plain Node pipe() relay in its own process: the floor for any Node proxy. */
  pipe: LinkMeasure;
  proxied: LinkMeasure;
  /** proxied / direct throughput (1 = no loss). */
  throughputRatio: number;
  /** proxied / plain-pipe throughput. */
  throughputVsPipe: number;
  /** proxied p99 - direct p99, ms. */
  addedP99Ms: number;
  /** proxied / direct HTTP requests per second: what a run's SOAP and HTTP links feel. */
  requestRatio: number;
}

export interface BenchOptions {
  /** Bytes sent per throughput run; default 256 MB. */
  bulkBytes?: number;
  /** Round trips per latency run; default 5000. */
  roundTrips?: number;
  /** HTTP requests per request-rate run; default 20,000. */
  requests?: number;
  /** Runs of each, alternating direct and proxied; the best throughput and median p99 count. */
  runs?: number;
  log?: (line: string) => void;
}

export async function benchFaultProxy(opts: BenchOptions = {}): Promise<FaultProxyBench> {
  const { bulkBytes = 256e6, roundTrips = 5000, requests = 20_000, runs = 3, log = console.log } = opts;
  const servers: Server[] = [];
  const faultProxy = await startProgram();
  const children: { stop(): Promise<void> }[] = [faultProxy];
  try {
    const sink = await listen(servers, sinkConnection);
    const echo = await listen(servers, (s) => s.pipe(s));
    const web = await listenHttp(servers);
    const client = new FaultClient(faultProxy.url);
    const sinkProxy = await client.createProxy({ name: 'bench-sink', upstream: `127.0.0.1:${sink}` });
    const echoProxy = await client.createProxy({ name: 'bench-echo', upstream: `127.0.0.1:${echo}` });
    const webProxy = await client.createProxy({ name: 'bench-web', upstream: `127.0.0.1:${web}` });
    const portOf = (listen: string) => Number(listen.split(':').pop());
    const pipes = await startPipes(sink, echo, web);
    children.push(pipes);

    const measures = { direct: [] as LinkMeasure[], pipe: [] as LinkMeasure[], proxied: [] as LinkMeasure[] };
    for (let run = 0; run < runs; run++) {
      for (const [kind, sinkPort, echoPort, webPort] of [
        ['direct', sink, echo, web],
        ['pipe', pipes.ports[0], pipes.ports[1], pipes.ports[2]],
        ['proxied', portOf(sinkProxy.listen), portOf(echoProxy.listen), portOf(webProxy.listen)],
      ] as const) {
        const throughputMBps = await bulk(sinkPort, bulkBytes);
        const { p50Ms, p99Ms } = await pingPong(echoPort, roundTrips);
        const requestsPerSecond = await httpRequests(webPort, requests);
        measures[kind].push({ throughputMBps, p50Ms, p99Ms, requestsPerSecond });
      }
    }
    const direct = summarise(measures.direct);
    const pipe = summarise(measures.pipe);
    const proxied = summarise(measures.proxied);
    const result = {
      direct,
      pipe,
      proxied,
      throughputRatio: proxied.throughputMBps / direct.throughputMBps,
      throughputVsPipe: proxied.throughputMBps / pipe.throughputMBps,
      addedP99Ms: proxied.p99Ms - direct.p99Ms,
      requestRatio: proxied.requestsPerSecond / direct.requestsPerSecond,
    };
    const row = (name: string, m: LinkMeasure) =>
      `${name.padEnd(8)} ${m.throughputMBps.toFixed(0).padStart(6)} MB/s   p50 ${m.p50Ms.toFixed(3)} ms   p99 ${m.p99Ms.toFixed(3)} ms`;
    log(row('direct', direct));
    log(row('pipe', pipe));
    log(row('proxied', proxied));
    log(
      `proxied/direct bulk throughput ${result.throughputRatio.toFixed(3)}   proxied/pipe ${result.throughputVsPipe.toFixed(3)}   added p99 ${result.addedP99Ms.toFixed(3)} ms   proxied/direct HTTP req/s ${result.requestRatio.toFixed(3)}`,
    );
    return result;
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** A child process that prints one line once ready, stopped with SIGTERM. */
async function startChild(args: string[]): Promise<{ line: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return {
    line,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The fault proxy program on a free port. */
async function startProgram(): Promise<{ url: string; stop(): Promise<void> }> {
  const main = fileURLToPath(new URL('../harness/faults/main.js', import.meta.url));
  const child = await startChild([main, '--port', '0']);
  const { host, port } = (JSON.parse(child.line) as { listening: { host: string; port: number } }).listening;
  return { url: `http://${host}:${port}`, stop: child.stop };
}

// Plain relays, one per upstream port given; prints the listening ports as a JSON array.
const PIPE_RELAY = `
const net = require('node:net');
const upstreams = process.argv.slice(1).map(Number);
Promise.all(upstreams.map((up) => new Promise((resolve) => {
  const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (c) => {
    const u = net.connect({ port: up, host: '127.0.0.1', noDelay: true, allowHalfOpen: true });
    c.pipe(u); u.pipe(c);
    c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
  });
  server.listen(0, '127.0.0.1', () => resolve(server.address().port));
}))).then((ports) => console.log(JSON.stringify(ports)));
`;

async function startPipes(...upstreams: number[]): Promise<{ ports: number[]; stop(): Promise<void> }> {
  const child = await startChild(['-e', PIPE_RELAY, ...upstreams.map(String)]);
  return { ports: JSON.parse(child.line) as number[], stop: child.stop };
}

/** Counts what it receives and answers with the count when the client is done. */
function sinkConnection(socket: Socket): void {
  let bytes = 0;
  socket.on('data', (d: Buffer) => (bytes += d.length));
  socket.on('end', () => socket.end(String(bytes)));
}

async function listen(servers: Server[], onConnection: (s: Socket) => void): Promise<number> {
  const server = createServer({ noDelay: true }, (s) => {
    s.on('error', () => {});
    onConnection(s);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** An HTTP server answering 1 KB to every request, like the SOAP and tracking endpoints of a run. */
async function listenHttp(servers: Server[]): Promise<number> {
  const answer = Buffer.alloc(1024, 'a');
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml', 'content-length': answer.length }).end(answer));
  });
  server.keepAliveTimeout = 60_000;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** `total` POSTs of 1 KB over 16 keep-alive connections; requests per second. */
async function httpRequests(port: number, total: number, inFlight = 16): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const body = Buffer.alloc(1024, 'q');
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  let started = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (started < total) {
        started++;
        await one();
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return total / seconds;
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function bulk(port: number, total: number): Promise<number> {
  const socket = await connected(port);
  const block = Buffer.alloc(64 * 1024, 1);
  const start = performance.now();
  const answer = new Promise<string>((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  let sent = 0;
  while (sent < total) {
    const ok = socket.write(block);
    sent += block.length;
    if (!ok) await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
  const received = Number(await answer);
  socket.destroy();
  if (received !== sent) throw new Error(`sink got ${received} bytes of ${sent}`);
  return sent / 1e6 / ((performance.now() - start) / 1000);
}

async function pingPong(port: number, count: number): Promise<{ p50Ms: number; p99Ms: number }> {
  const socket = await connected(port);
  const message = Buffer.alloc(64, 2);
  const times: number[] = [];
  let pending: (() => void) | undefined;
  let got = 0;
  socket.on('data', (d: Buffer) => {
    got += d.length;
    if (got >= message.length) {
      got -= message.length;
      pending?.();
    }
  });
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      pending = resolve;
      socket.write(message);
    });
    times.push(performance.now() - start);
  }
  socket.destroy();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}

function summarise(measures: LinkMeasure[]): LinkMeasure {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return {
    throughputMBps: Math.max(...measures.map((m) => m.throughputMBps)),
    p50Ms: median(measures.map((m) => m.p50Ms)),
    p99Ms: median(measures.map((m) => m.p99Ms)),
    requestsPerSecond: Math.max(...measures.map((m) => m.requestsPerSecond)),
  };
}
