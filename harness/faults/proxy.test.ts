// The data path of a proxy on real loopback TCP: exact bytes, half-close, counters, capture,
// enable/disable, toxicity.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultProxy } from './server.js';
import { FaultClient } from './client.js';
import {
  benchFor,
  Cleanup,
  connectionError,
  connectTo,
  echoBench,
  echoServer,
  Received,
  roundTrip,
  settlesWithin,
  sleep,
  startTestFaultProxy,
  tcpServer,
  throughProxy,
} from './testing/peers.js';

describe('fault proxy data path', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('passes bytes unchanged both ways and counts them exactly', async () => {
    const { client, socket, received, server } = await echoBench(cleanup);
    const payload = Buffer.from(Array.from({ length: 1_000_000 }, (_, i) => (i * 7) % 256));
    socket.write(payload);
    expect((await received.waitFor(payload.length, 5000)).equals(payload)).toBe(true);

    const stats = await client.stats();
    expect(stats).toEqual({
      echo: {
        upstream: { bytes: payload.length, receivedBytes: payload.length },
        downstream: { bytes: payload.length, receivedBytes: payload.length },
        connections: { total: 1, active: 1 },
      },
    });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`toxiproxy_proxy_received_bytes_total\\{direction="downstream",[^}]*proxy="echo"[^}]*\\} ${payload.length}\\n`));

    socket.end();
    await received.ended;
    await sleep(20);
    expect((await client.stats())!.echo.connections).toEqual({ total: 1, active: 0 });
  });

  it('carries a half-close: the server still answers after the client is done writing', async () => {
    // Answers, once the client has finished, with how many bytes it got.
    const counter = await tcpServer(cleanup, (s) => {
      let n = 0;
      s.on('data', (d: Buffer) => (n += d.length));
      s.on('end', () => s.end(String(n)));
    });
    const { port } = await benchFor(cleanup, counter);
    const socket = await connectTo(cleanup, port);
    const received = new Received(socket);
    socket.end(Buffer.alloc(12_345));
    expect(await received.ended).toBe('end');
    expect(received.bytes.toString()).toBe('12345');
  });

  it('enabled:false refuses new connections and drops open ones; enabled:true listens again on the same port', async () => {
    const { client, port, received } = await echoBench(cleanup);
    await client.setEnabled('echo', false);
    expect(await settlesWithin(received.ended, 1000)).toBe(true);
    expect(await connectionError(port, cleanup)).toMatchObject({ code: 'ECONNREFUSED' });

    const back = await client.setEnabled('echo', true);
    expect(back.listen).toBe(`127.0.0.1:${port}`);
    const socket = await connectTo(cleanup, port);
    expect(await roundTrip(socket, new Received(socket))).toBeLessThan(1000);
  });

  it('applies toxics added while a connection is open, and stops when they are removed', async () => {
    const { client, socket, received } = await echoBench(cleanup);
    expect(await roundTrip(socket, received)).toBeLessThan(80);
    await client.addToxic('echo', { type: 'latency', attributes: { latency: 100 } });
    expect(await roundTrip(socket, received)).toBeGreaterThanOrEqual(99);
    await client.removeToxic('echo', 'latency_downstream');
    expect(await roundTrip(socket, received)).toBeLessThan(80);
  });

  it('with toxicity 0 a toxic never applies; with 1 always', async () => {
    const { client, port } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'latency', toxicity: 0, attributes: { latency: 300 } });
    for (let i = 0; i < 5; i++) {
      const socket = await connectTo(cleanup, port);
      expect(await roundTrip(socket, new Received(socket))).toBeLessThan(200);
    }
    await client.addToxic('echo', { name: 'always', type: 'latency', toxicity: 1, attributes: { latency: 50 } });
    const socket = await connectTo(cleanup, port);
    expect(await roundTrip(socket, new Received(socket))).toBeGreaterThanOrEqual(49);
  });

  it('closes the client when the upstream refuses', async () => {
    const { client } = await startTestFaultProxy(cleanup);
    const proxy = await client.createProxy({ name: 'dead', upstream: '127.0.0.1:1' });
    const socket = await connectTo(cleanup, Number(proxy.listen.split(':')[1]));
    expect(await settlesWithin(new Received(socket).ended, 1000)).toBe(true);
  });

  it('close() stops the API, the listeners and the connections', async () => {
    const server = await startFaultProxy({ port: 0 });
    const client = new FaultClient(server.url);
    const echo = await echoServer(cleanup);
    const { port } = await throughProxy(cleanup, client, 'e', echo);
    const received = new Received(await connectTo(cleanup, port));
    await server.close();
    expect(await settlesWithin(received.ended, 1000)).toBe(true);
    expect(await connectionError(port, cleanup)).toMatchObject({ code: 'ECONNREFUSED' });
    expect(await connectionError(server.port, cleanup)).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('byte capture (extension)', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('appends what each direction delivered, all connections, to <dir>/<name>.<direction>.bin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'midsim-capture-'));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    const { server, client } = await startTestFaultProxy(cleanup, dir);
    const greeter = await tcpServer(cleanup, (s) => {
      s.write('220 hello\r\n');
      s.on('data', () => s.end('221 bye\r\n'));
    });
    const proxy = await client.createProxy({ name: 'mta/smtp 1', upstream: greeter.address, capture: true });
    expect((await (await fetch(`${server.url}/proxies/mta%2Fsmtp%201`)).json()) as object).toMatchObject({ capture: true });
    const port = Number(proxy.listen.split(':')[1]);
    for (const command of ['QUIT first\r\n', 'QUIT second\r\n']) {
      const socket = await connectTo(cleanup, port);
      const received = new Received(socket);
      await received.waitFor(11);
      socket.write(command);
      await received.ended;
    }
    await client.deleteProxy('mta/smtp 1'); // flushes and closes the capture files
    expect(readFileSync(join(dir, 'mta_smtp_1.upstream.bin'), 'utf8')).toBe('QUIT first\r\nQUIT second\r\n');
    expect(readFileSync(join(dir, 'mta_smtp_1.downstream.bin'), 'utf8')).toBe('220 hello\r\n221 bye\r\n'.repeat(2));
  });

  it('is ignored without a capture directory, and the proxy shape stays Toxiproxy\'s', async () => {
    const { server, client } = await startTestFaultProxy(cleanup);
    const echo = await echoServer(cleanup);
    await client.createProxy({ name: 'x', upstream: echo.address, capture: true });
    const shown = (await (await fetch(`${server.url}/proxies/x`)).json()) as object;
    expect(Object.keys(shown)).toEqual(['name', 'listen', 'upstream', 'enabled', 'toxics']);
  });
});
