// The stat server over real TCP on loopback, spoken to line by line as an MTA would.
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { startStatServer, type RunningStatServer } from './index.js';

const log = createLogger('stat-server', 'test', 'silent');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** timeScale 600: 500 ms periods. */
async function startServer(opts: { port?: number; timeScale?: number; maxConnections?: number } = {}): Promise<RunningStatServer> {
  const config = NodeConfig.parse({
    instance: 'test',
    timeScale: opts.timeScale ?? 600,
    control: { port: 0 },
    stat: {
      port: opts.port ?? 0,
      mxRules: [{ name: 'default', domains: ['*'], maxConnections: opts.maxConnections ?? 2, maxMessagesPerHour: 1200 }],
    },
  });
  const server = await startStatServer(config, log);
  cleanups.push(() => server.stop());
  return server;
}

/** A raw line-oriented session with the stat server. */
class Line {
  private buffered = '';
  private readonly lines: string[] = [];
  private waiter?: () => void;
  readonly closed: Promise<unknown>;
  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        this.lines.push(this.buffered.slice(0, nl));
        this.buffered = this.buffered.slice(nl + 1);
      }
      this.waiter?.();
    });
    socket.on('error', () => {});
    this.closed = once(socket, 'close');
    cleanups.push(() => void socket.destroy());
  }
  static async open(port: number, hello?: { mta: string; ip: string }): Promise<Line> {
    const socket = createConnection({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    const line = new Line(socket);
    if (hello) expect(await line.ask({ op: 'hello', ...hello })).toMatchObject({ ok: true });
    return line;
  }
  send(raw: string): void {
    this.socket.write(raw.endsWith('\n') ? raw : `${raw}\n`);
  }
  async next(): Promise<Record<string, unknown>> {
    while (!this.lines.length) await new Promise<void>((r) => (this.waiter = r));
    return JSON.parse(this.lines.shift()!);
  }
  ask(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.send(JSON.stringify(request));
    return this.next();
  }
}

async function untilNextPeriod(periodMs: number): Promise<void> {
  await sleep(periodMs - (Date.now() % periodMs) + 5);
}

describe('stat server', () => {
  it('wants a hello first, then answers with the period length', async () => {
    const server = await startServer();
    const mta = await Line.open(server.port);
    expect(await mta.ask({ id: 1, op: 'tokens', rule: 'default', want: 1 })).toEqual({
      id: 1,
      error: expect.stringMatching(/say hello first/),
    });
    expect(await mta.ask({ op: 'hello', mta: 'mta-1', ip: '10.0.0.5' })).toEqual({ ok: true, periodMs: 500 });
    expect(await mta.ask({ op: 'hello', mta: 'mta-1', ip: '10.0.0.5' })).toMatchObject({ error: expect.stringMatching(/already/) });
  });

  it('answers every bad line with an error and keeps serving', async () => {
    const server = await startServer();
    const bad = await Line.open(server.port, { mta: 'mta-1', ip: '10.0.0.5' });
    const good = await Line.open(server.port, { mta: 'mta-2', ip: '10.0.0.6' });
    bad.send('this is not json');
    expect(await bad.next()).toEqual({ id: null, error: expect.stringMatching(/^malformed JSON/) });
    expect(await bad.ask({ id: 2, op: 'teleport' })).toEqual({ id: 2, error: expect.stringMatching(/^unknown op "teleport"/) });
    expect(await bad.ask({ id: 3, op: 'tokens', rule: 'default' })).toEqual({ id: 3, error: 'tokens: missing field "want"' });
    expect(await bad.ask({ id: 4, op: 'connect', rule: 'x' })).toEqual({ id: 4, error: 'unknown MX rule "x"' });
    expect(await good.ask({ id: 1, op: 'connect', rule: 'default' })).toEqual({ id: 1, granted: true, retryAfterMs: 0 });

    bad.send('{"id":5,"op":"stats","pad":"' + 'x'.repeat(70 * 1024) + '"}');
    expect(await bad.next()).toEqual({ id: null, error: expect.stringMatching(/line longer than 65536 bytes/) });
    await bad.closed;
    expect(await good.ask({ id: 2, op: 'stats' })).toMatchObject({ id: 2, rules: [{ rule: 'default', connectionsOpen: 1 }] });

    const metrics = await (await fetch(`http://127.0.0.1:${server.controlPort}/metrics`)).json();
    expect(metrics).toMatchObject({ module: 'stat', sessions: 1, mtas: ['mta-2'], badRequests: 5 });
  });

  it('caps connection slots across MTAs and frees a session\'s slots when it ends', async () => {
    const server = await startServer({ maxConnections: 2 });
    const a = await Line.open(server.port, { mta: 'mta-1', ip: '10.0.0.5' });
    const b = await Line.open(server.port, { mta: 'mta-2', ip: '10.0.0.6' });
    expect(await a.ask({ id: 1, op: 'connect', rule: 'default' })).toMatchObject({ granted: true });
    expect(await a.ask({ id: 2, op: 'connect', rule: 'default' })).toMatchObject({ granted: true });
    const refused = await b.ask({ id: 1, op: 'connect', rule: 'default' });
    expect(refused).toMatchObject({ granted: false });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    // b holds nothing: its disconnect must not free a's slot
    expect(await b.ask({ id: 2, op: 'disconnect', rule: 'default' })).toEqual({ id: 2, ok: true });
    expect(await b.ask({ id: 3, op: 'connect', rule: 'default' })).toMatchObject({ granted: false });
    expect(await a.ask({ id: 3, op: 'disconnect', rule: 'default' })).toEqual({ id: 3, ok: true });
    expect(await b.ask({ id: 4, op: 'connect', rule: 'default' })).toMatchObject({ granted: true });

    a.socket.destroy(); // an MTA that crashes
    await sleep(50);
    expect(await b.ask({ id: 5, op: 'connect', rule: 'default' })).toMatchObject({ granted: true });
    expect(await b.ask({ id: 6, op: 'connect', rule: 'default' })).toMatchObject({ granted: false });

    // b comes back on a new session (its old link may be dead without a FIN): the old one's slots go
    const b2 = await Line.open(server.port, { mta: 'mta-2', ip: '10.0.0.6' });
    await b.closed;
    expect(await b2.ask({ id: 1, op: 'stats' })).toMatchObject({ rules: [{ connectionsOpen: 0 }] });

    const health = await (await fetch(`http://127.0.0.1:${server.controlPort}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', module: 'stat', sessions: 1 });
  });

  it('grants per source IP up to the period quota, none until the first period boundary, again after a restart', async () => {
    const server = await startServer(); // 1200 per hour: 100 per 500 ms period
    const mta = await Line.open(server.port, { mta: 'mta-1', ip: '10.0.0.5' });
    const held = await mta.ask({ id: 1, op: 'tokens', rule: 'default', want: 10 });
    expect(held).toMatchObject({ granted: 0 });
    expect(held.retryAfterMs).toBeGreaterThan(0);
    expect(held.retryAfterMs).toBeLessThanOrEqual(500);

    await untilNextPeriod(500);
    expect(await mta.ask({ id: 2, op: 'tokens', rule: 'default', want: 60 })).toEqual({ id: 2, granted: 60, retryAfterMs: 0 });
    const rest = await mta.ask({ id: 3, op: 'tokens', rule: 'default', want: 60 });
    expect(rest).toMatchObject({ granted: 40 });
    expect(rest.retryAfterMs).toBeGreaterThan(0);
    const other = await Line.open(server.port, { mta: 'mta-2', ip: '10.0.0.6' });
    expect(await other.ask({ id: 1, op: 'tokens', rule: 'default', want: 60 })).toMatchObject({ granted: 60 });
    expect(await other.ask({ id: 2, op: 'stats' })).toMatchObject({
      granting: true,
      rules: [{ rule: 'default', periodQuota: 100, tokensUsed: { '10.0.0.5': 100, '10.0.0.6': 60 } }],
    });

    // Restart within a period whose quota an earlier run has spent: the new server cannot know
    // that, so it grants nothing until the next boundary.
    await untilNextPeriod(500);
    expect(await mta.ask({ id: 4, op: 'tokens', rule: 'default', want: 100 })).toMatchObject({ granted: 100 });
    await server.stop();
    const again = await startServer({ port: server.port });
    const back = await Line.open(again.port, { mta: 'mta-1', ip: '10.0.0.5' });
    const refused = await back.ask({ id: 1, op: 'tokens', rule: 'default', want: 10 });
    expect(refused).toMatchObject({ granted: 0 });
    await sleep(Number(refused.retryAfterMs) + 5);
    expect(await back.ask({ id: 2, op: 'tokens', rule: 'default', want: 10 })).toMatchObject({ granted: 10 });
  });
});
