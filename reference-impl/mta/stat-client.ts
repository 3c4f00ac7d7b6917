// The MTA's link to the stat server: before sending, the MTA asks for message tokens and SMTP
// connection slots per MX rule, so that all MTAs together respect each rule. Without the link the
// MTA must pause rather than send unmetered, so every request fails fast with StatUnavailable.
import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import type { Logger } from '../common/log.js';

/** The stat server cannot be asked right now (not connected, link lost, no answer in time). */
export class StatUnavailable extends Error {
  override name = 'StatUnavailable';
}

/** The stat server answered with an error (unknown MX rule, bad request). */
export class StatError extends Error {
  override name = 'StatError';
}

export interface StatClientOptions {
  host: string;
  port: number;
  /** This MTA's name and source IP: the stat server keeps quotas per MX rule and source IP. */
  mta: string;
  ip: string;
  log?: Logger;
  /** Wall ms to wait for an answer (and for the TCP connection and hello). */
  timeoutMs?: number;
  /** Reconnection back-off in wall ms: doubles from `min` up to `max` while the server stays away. */
  backoff?: { min: number; max: number };
}

interface Pending {
  resolve(answer: Record<string, unknown>): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Events: 'up' ({ periodMs }) on every (re)connection and 'down' (reason) when the link is lost.
 * The stat server frees a session's connection slots when it ends, so after 'down' the slots this
 * MTA held are gone: on 'up' it starts its SMTP connections afresh.
 */
export class StatClient extends EventEmitter {
  private readonly timeoutMs: number;
  private readonly backoff: { min: number; max: number };
  private socket?: Socket;
  private up = false;
  private stopped = true;
  private failures = 0;
  private retryTimer?: NodeJS.Timeout;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly opts: StatClientOptions) {
    super();
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.backoff = opts.backoff ?? { min: 100, max: 5000 };
  }

  get connected(): boolean {
    return this.up;
  }

  /** Connect and say hello; reconnect with back-off whenever the link drops, until stop(). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.dial();
  }

  async tokens(rule: string, want: number): Promise<{ granted: number; retryAfterMs: number }> {
    const a = await this.request({ op: 'tokens', rule, want });
    return { granted: Number(a.granted), retryAfterMs: Number(a.retryAfterMs) };
  }

  async connect(rule: string): Promise<{ granted: boolean; retryAfterMs: number }> {
    const a = await this.request({ op: 'connect', rule });
    return { granted: a.granted === true, retryAfterMs: Number(a.retryAfterMs) };
  }

  /** Give back a connection slot. Without a link there is nothing to give back: the server freed it. */
  async disconnect(rule: string): Promise<void> {
    try {
      await this.request({ op: 'disconnect', rule });
    } catch (e) {
      if (!(e instanceof StatUnavailable)) throw e;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    if (!socket) return;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    if (this.up) socket.end();
    else socket.destroy();
    const force = setTimeout(() => socket.destroy(), 1000);
    await closed;
    clearTimeout(force);
  }

  private request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const socket = this.socket;
    if (!this.up || !socket) return Promise.reject(new StatUnavailable(`stat server ${this.address()} is not connected`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // No answer in time: the link is as good as dead (a firewall drop sends no FIN). Cut it, so
      // that everything in flight fails now and the client reconnects.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new StatUnavailable(`stat server ${this.address()} did not answer ${body.op} within ${this.timeoutMs} ms`));
        socket.destroy();
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.write(`${JSON.stringify({ id, ...body })}\n`);
    });
  }

  private dial(): void {
    const socket = createConnection({ host: this.opts.host, port: this.opts.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    const helloTimer = setTimeout(() => socket.destroy(new Error(`no hello answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    let buffered = '';
    socket.on('connect', () => {
      socket.write(`${JSON.stringify({ op: 'hello', mta: this.opts.mta, ip: this.opts.ip })}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (this.up) this.onAnswer(line);
        else this.onHello(socket, line, helloTimer);
      }
    });
    socket.on('error', (e) => this.opts.log?.debug({ err: e.message }, 'stat server link error'));
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.onClose(socket);
    });
  }

  private onHello(socket: Socket, line: string, helloTimer: NodeJS.Timeout): void {
    const answer = parse(line);
    if (answer?.ok !== true) {
      this.opts.log?.warn({ answer: line.slice(0, 200) }, 'stat server refused hello');
      socket.destroy();
      return;
    }
    clearTimeout(helloTimer);
    this.up = true;
    this.failures = 0;
    this.opts.log?.info({ statServer: this.address() }, 'connected to the stat server');
    this.emit('up', { periodMs: Number(answer.periodMs) });
  }

  private onAnswer(line: string): void {
    const answer = parse(line);
    const pending = typeof answer?.id === 'number' ? this.pending.get(answer.id) : undefined;
    if (!answer || !pending) {
      this.opts.log?.warn({ answer: line.slice(0, 200) }, 'unexpected line from the stat server');
      return;
    }
    this.pending.delete(answer.id as number);
    clearTimeout(pending.timer);
    if (typeof answer.error === 'string') pending.reject(new StatError(`stat server: ${answer.error}`));
    else pending.resolve(answer);
  }

  private onClose(socket: Socket): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    const lost = new StatUnavailable(`lost the link to stat server ${this.address()}`);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(lost);
    }
    this.pending.clear();
    if (this.up) {
      this.up = false;
      this.opts.log?.warn({ statServer: this.address() }, 'lost the stat server');
      this.emit('down', lost);
    }
    if (this.stopped) return;
    const delay = Math.min(this.backoff.max, this.backoff.min * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 20);
    this.retryTimer = setTimeout(() => this.dial(), delay);
  }

  private address(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
