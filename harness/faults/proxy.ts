// A proxy (Toxiproxy's proxy.go): listens on `listen`, and for each client opens a connection to
// `upstream` and moves bytes between them through the toxics. Disabling it closes the listener
// (new connections are refused) and drops the open connections.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { formatHostPort, parseHostPort } from './address.js';
import { CaptureFile, capturePath } from './capture.js';
import { Connection } from './connection.js';
import type { DirectionCounters } from './link.js';
import { toxicJson, type Direction, type ToxicSpec } from './toxic-spec.js';

export interface ProxyStats {
  upstream: DirectionCounters;
  downstream: DirectionCounters;
  connections: { total: number; active: number };
}

export class Proxy {
  /** The listen address; once started, the real one (a port 0 becomes the port picked). */
  listen: string;
  upstream: string;
  enabled = false;
  readonly stats: ProxyStats = {
    upstream: { received: 0, sent: 0 },
    downstream: { received: 0, sent: 0 },
    connections: { total: 0, active: 0 },
  };
  /** Toxics in the order they were added. */
  private toxics: ToxicSpec[] = [];
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly capture: Record<Direction, CaptureFile> | undefined;

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    /** Set when the proxy asked for a capture and the server has a capture directory. */
    captureDir?: string,
  ) {
    this.listen = listen;
    this.upstream = upstream;
    if (captureDir !== undefined) {
      this.capture = {
        upstream: new CaptureFile(capturePath(captureDir, name, 'upstream')),
        downstream: new CaptureFile(capturePath(captureDir, name, 'downstream')),
      };
    }
  }

  get capturing(): boolean {
    return this.capture !== undefined;
  }

  async start(): Promise<void> {
    if (this.enabled) return;
    const { host, port } = parseHostPort(this.listen);
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new Error(`listen tcp ${this.listen}: ${error.message}`)));
      server.listen(port, host, () => resolve());
    });
    server.on('error', () => {}); // after a successful listen, accept errors only concern one client
    this.server = server;
    this.listen = formatHostPort(server.address());
    this.enabled = true;
  }

  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server!;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) connection.destroy();
    await closed;
  }

  /** Toxiproxy's Proxy.Update: a new address restarts the proxy; `enabled` starts or stops it. */
  async update(input: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    if (input.listen !== this.listen || input.upstream !== this.upstream) {
      await this.stop();
      this.listen = input.listen;
      this.upstream = input.upstream;
    }
    if (input.enabled) await this.start();
    else await this.stop();
  }

  /** Stop and release the capture files. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.capture) await Promise.all([this.capture.upstream.close(), this.capture.downstream.close()]);
  }

  getToxic(name: string): ToxicSpec | undefined {
    return this.toxics.find((t) => t.name === name);
  }

  /** Toxics as Toxiproxy lists them: the upstream chain, then the downstream chain. */
  listToxics(): ToxicSpec[] {
    return [...this.toxics.filter((t) => t.direction === 'upstream'), ...this.toxics.filter((t) => t.direction === 'downstream')];
  }

  // Toxics apply at once to the open connections too, as in Toxiproxy.
  addToxic(toxic: ToxicSpec): void {
    this.toxics.push(toxic);
    for (const c of this.connections) c.addToxic(toxic);
  }

  updateToxic(toxic: ToxicSpec): void {
    this.toxics = this.toxics.map((t) => (t.name === toxic.name ? toxic : t));
    for (const c of this.connections) c.updateToxic(toxic);
  }

  removeToxic(name: string): void {
    const toxic = this.getToxic(name);
    if (!toxic) return;
    this.toxics = this.toxics.filter((t) => t !== toxic);
    for (const c of this.connections) c.removeToxic(toxic);
  }

  removeAllToxics(): void {
    for (const toxic of [...this.toxics]) this.removeToxic(toxic.name);
  }

  toJSON() {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.listToxics().map(toxicJson),
      // The capture extension shows only where it is on, so Toxiproxy's shape is otherwise untouched.
      ...(this.capturing ? { capture: true } : {}),
    };
  }

  private accept(client: Socket): void {
    let upstream: Socket;
    try {
      const { host, port } = parseHostPort(this.upstream);
      upstream = connect({ host: host ?? '127.0.0.1', port, allowHalfOpen: true, noDelay: true });
    } catch {
      client.destroy();
      return;
    }
    let started = false;
    const connection = new Connection(client, upstream, {
      counters: this.stats,
      capture: this.capture,
      onClosed: (c) => {
        this.connections.delete(c);
        if (started) this.stats.connections.active--;
      },
    });
    this.connections.add(connection);
    // Like Toxiproxy, the client's bytes wait (in the kernel) until the upstream has answered.
    upstream.once('connect', () => {
      started = true;
      this.stats.connections.total++;
      this.stats.connections.active++;
      connection.start(this.toxics);
    });
  }
}
