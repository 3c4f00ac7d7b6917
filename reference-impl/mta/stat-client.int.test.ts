// StatClient against the real stat server (and a mute one) over loopback TCP.
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeConfig } from '../common/config.js';
import { createLogger } from '../common/log.js';
import { startStatServer, type RunningStatServer } from '../stat-server/index.js';
import { StatClient, StatError, StatUnavailable } from './stat-client.js';

const log = createLogger('mta', 'test', 'silent');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const RULE = 'default';
const PERIOD_MS = 500; // timeScale 600

async function startServer(port = 0, maxConnections = 4): Promise<RunningStatServer> {
  const config = NodeConfig.parse({
    instance: 'test',
    timeScale: 600,
    control: { port: 0 },
    stat: { port, mxRules: [{ name: RULE, domains: ['*'], maxConnections, maxMessagesPerHour: 1200 }] }, // 100 per period
  });
  const server = await startStatServer(config, log);
  cleanups.push(() => server.stop());
  return server;
}

async function client(port: number, mta: string, ip = '10.0.0.5', timeoutMs = 5000): Promise<StatClient> {
  const c = new StatClient({ host: '127.0.0.1', port, mta, ip, timeoutMs, backoff: { min: 20, max: 100 } });
  cleanups.push(() => c.stop());
  const up = once(c, 'up');
  c.start();
  await up;
  return c;
}

async function untilNextPeriod(): Promise<void> {
  await sleep(PERIOD_MS - (Date.now() % PERIOD_MS) + 5);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('StatClient', () => {
  it('three MTAs on one source IP share the period quota and the connection slots of one MX rule', async () => {
    const server = await startServer(0, 4);
    const mtas = await Promise.all(['mta-1', 'mta-2', 'mta-3'].map((name) => client(server.port, name)));
    const elsewhere = await client(server.port, 'mta-4', '10.0.0.9');
    expect(mtas.every((m) => m.connected)).toBe(true);

    await untilNextPeriod();
    const asks = mtas.flatMap((m) => Array.from({ length: 20 }, () => m.tokens(RULE, 7)));
    const grants = await Promise.all(asks);
    expect(sum(grants.map((g) => g.granted))).toBe(100); // asked 420, the period has 100
    expect(grants.some((g) => g.granted === 0 && g.retryAfterMs > 0)).toBe(true);
    expect(await elsewhere.tokens(RULE, 30)).toEqual({ granted: 30, retryAfterMs: 0 }); // its own quota

    await untilNextPeriod();
    expect(await mtas[0].tokens(RULE, 100)).toMatchObject({ granted: 100 }); // a fresh period

    const [a, b, c] = mtas;
    expect((await a.connect(RULE)).granted).toBe(true);
    expect((await a.connect(RULE)).granted).toBe(true);
    const others = await Promise.all([b, c, b, c, b, c].map((m) => m.connect(RULE)));
    expect(others.filter((o) => o.granted)).toHaveLength(2); // 4 slots in all
    expect(others.find((o) => !o.granted)?.retryAfterMs).toBeGreaterThan(0);

    await a.disconnect(RULE);
    expect((await b.connect(RULE)).granted).toBe(true);
    expect((await c.connect(RULE)).granted).toBe(false);

    await a.stop(); // its remaining slot is freed with its session
    expect(a.connected).toBe(false);
    await sleep(50);
    expect((await c.connect(RULE)).granted).toBe(true);
    expect((await b.connect(RULE)).granted).toBe(false);
  });

  it('names a refused request, and disconnect after a lost link is a no-op', async () => {
    const server = await startServer();
    const mta = await client(server.port, 'mta-1');
    await expect(mta.tokens('nope', 1)).rejects.toThrow(StatError);
    await expect(mta.tokens('nope', 1)).rejects.toThrow(/unknown MX rule "nope"/);
    await server.stop();
    await expect(mta.disconnect(RULE)).resolves.toBeUndefined();
  });

  it('is unavailable while the stat server is down, and comes back up with it', async () => {
    const server = await startServer();
    const mta = await client(server.port, 'mta-1');
    const events: string[] = [];
    mta.on('up', () => events.push('up'));
    mta.on('down', () => events.push('down'));

    await untilNextPeriod();
    expect((await mta.tokens(RULE, 10)).granted).toBe(10);
    const down = once(mta, 'down');
    await server.stop();
    await down;
    expect(mta.connected).toBe(false);
    await expect(mta.tokens(RULE, 10)).rejects.toThrow(StatUnavailable);
    await expect(mta.connect(RULE)).rejects.toThrow(StatUnavailable);
    await sleep(250); // a few failed reconnections

    await untilNextPeriod();
    const up = once(mta, 'up');
    await startServer(server.port);
    await up;
    expect(mta.connected).toBe(true);
    expect(events).toEqual(['down', 'up']);
    // the restarted server holds its first period back
    const held = await mta.tokens(RULE, 10);
    expect(held.granted).toBe(0);
    await sleep(held.retryAfterMs + 5);
    expect((await mta.tokens(RULE, 10)).granted).toBe(10);
  });

  describe('against a server that says hello and then goes mute', () => {
    async function muteServer(onRequest: (socket: Socket) => void): Promise<number> {
      const sockets = new Set<Socket>();
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
        socket.on('data', (chunk) => {
          if (chunk.toString().includes('"hello"')) socket.write('{"ok":true,"periodMs":500}\n');
          else onRequest(socket);
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      cleanups.push(async () => {
        for (const s of sockets) s.destroy();
        await new Promise((r) => server.close(r));
      });
      return (server.address() as { port: number }).port;
    }

    it('rejects a request with no answer in time, cuts the link and reconnects', async () => {
      const port = await muteServer(() => {});
      const mta = await client(port, 'mta-1', '10.0.0.5', 200);
      const down = once(mta, 'down');
      const started = Date.now();
      await expect(mta.tokens(RULE, 1)).rejects.toThrow(/did not answer tokens within 200 ms/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      await down;
      await once(mta, 'up');
    });

    it('rejects requests in flight at once when the link drops', async () => {
      const port = await muteServer((socket) => socket.destroy());
      const mta = await client(port, 'mta-1');
      const started = Date.now();
      const results = await Promise.allSettled([mta.tokens(RULE, 1), mta.connect(RULE)]);
      expect(results.map((r) => r.status === 'rejected' && r.reason instanceof StatUnavailable)).toEqual([true, true]);
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
});
