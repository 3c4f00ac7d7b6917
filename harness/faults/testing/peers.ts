// Test peers for the fault proxy: loopback TCP servers and clients that are always cleaned up,
// and small helpers to read and time what arrives.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { FaultClient } from '../client.js';
import { startFaultProxy, type FaultProxyServer } from '../server.js';

/** Everything a test opened, closed in afterEach. */
export class Cleanup {
  private readonly tasks: (() => unknown)[] = [];
  add(task: () => unknown): void {
    this.tasks.push(task);
  }
  async run(): Promise<void> {
    const tasks = this.tasks.splice(0).reverse();
    for (const task of tasks) await task();
  }
}

export interface TestServer {
  port: number;
  /** "127.0.0.1:<port>", the form a proxy upstream takes. */
  address: string;
  sockets: Set<Socket>;
}

/** A loopback TCP server; `onConnection` gets each accepted socket. */
export async function tcpServer(cleanup: Cleanup, onConnection: (socket: Socket) => void): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.add(async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    for (const s of sockets) s.destroy();
    await closed;
  });
  const port = (server.address() as { port: number }).port;
  return { port, address: `127.0.0.1:${port}`, sockets };
}

/** Sends back what it receives, and closes when the client does. */
export const echoServer = (cleanup: Cleanup) => tcpServer(cleanup, (s) => s.pipe(s));

/** A connected client socket. */
export function connectTo(cleanup: Cleanup, port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, noDelay: true });
    cleanup.add(() => socket.destroy());
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** How a connection attempt or a connection ended. */
export function connectionError(port: number, cleanup: Cleanup): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    cleanup.add(() => socket.destroy());
    socket.once('error', (e) => resolve(e));
    socket.once('connect', () => resolve(undefined));
  });
}

/** Everything a socket receives, and how it ends. */
export class Received {
  private readonly chunks: Buffer[] = [];
  readonly times: number[] = [];
  /** Resolves on the end of the stream (FIN), or with the error that ended it. */
  readonly ended: Promise<NodeJS.ErrnoException | 'end' | 'close'>;
  private waiters: (() => void)[] = [];

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.times.push(performance.now());
      for (const w of this.waiters.splice(0)) w();
    });
    this.ended = new Promise((resolve) => {
      socket.once('end', () => resolve('end'));
      socket.once('error', (e) => resolve(e));
      socket.once('close', () => resolve('close'));
    });
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Resolves once `n` bytes have arrived; rejects after `timeoutMs`. */
  async waitFor(n: number, timeoutMs = 2000): Promise<Buffer> {
    const deadline = performance.now() + timeoutMs;
    while (this.bytes.length < n) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} bytes, got ${this.bytes.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.bytes;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return result;
}

/** A fault proxy on a free port with a client for it, closed by `cleanup`. */
export async function startTestFaultProxy(cleanup: Cleanup, captureDir?: string): Promise<{ server: FaultProxyServer; client: FaultClient }> {
  const server = await startFaultProxy({ port: 0, captureDir });
  cleanup.add(() => server.close());
  return { server, client: new FaultClient(server.url) };
}

/** A proxy named `name` in front of `upstream`, and a client connected through it. */
export async function throughProxy(cleanup: Cleanup, client: FaultClient, name: string, upstream: TestServer) {
  const proxy = await client.createProxy({ name, upstream: upstream.address });
  const port = Number(proxy.listen.split(':').pop());
  return { proxy, port };
}

/** Round trip of `message` through an echo, in ms. */
export async function roundTrip(socket: Socket, received: Received, message = 'ping'): Promise<number> {
  const before = received.bytes.length;
  const start = performance.now();
  socket.write(message);
  await received.waitFor(before + message.length, 5000);
  return performance.now() - start;
}

/** The usual bench for a toxic: fault proxy, echo server behind proxy "echo", a connected client. */
export async function echoBench(cleanup: Cleanup) {
  const { server, client } = await startTestFaultProxy(cleanup);
  const echo = await echoServer(cleanup);
  const { port } = await throughProxy(cleanup, client, 'echo', echo);
  const socket = await connectTo(cleanup, port);
  return { server, client, echo, port, socket, received: new Received(socket) };
}

/** A server that sends `payload` to each client as soon as it connects, then `end`s if asked. */
export const talkingServer = (cleanup: Cleanup, payload: Buffer | string, end = false) =>
  tcpServer(cleanup, (s) => {
    s.resume();
    if (end) s.end(payload);
    else s.write(payload);
  });

/** A server that swallows what it receives, recording it per connection. */
export async function sinkServer(cleanup: Cleanup) {
  const connections: Received[] = [];
  const server = await tcpServer(cleanup, (s) => connections.push(new Received(s)));
  return { ...server, connections };
}

/** The fault proxy with a proxy "link" in front of `upstream`, and a client connected through it. */
export async function benchFor(cleanup: Cleanup, upstream: TestServer) {
  const { server, client } = await startTestFaultProxy(cleanup);
  const { port } = await throughProxy(cleanup, client, 'link', upstream);
  return { server, client, port };
}
