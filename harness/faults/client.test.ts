import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultClient } from './client.js';
import { Cleanup, connectionError, connectTo, echoServer, Received, roundTrip, startTestFaultProxy } from './testing/peers.js';

describe('FaultClient', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('creates a link proxy, adds and removes a toxic, disables and enables it, reads stats', async () => {
    const { client } = await startTestFaultProxy(cleanup);
    const echo = await echoServer(cleanup);
    const link = await client.createProxy({ name: 'app-to-mid', upstream: echo.address });
    expect(link).toEqual({ name: 'app-to-mid', listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/), upstream: echo.address, enabled: true });
    const port = Number(link.listen.split(':')[1]);

    const toxic = await client.addToxic('app-to-mid', { type: 'latency', attributes: { latency: 60 } });
    expect(toxic).toEqual({ name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 60, jitter: 0 } });
    const socket = await connectTo(cleanup, port);
    const received = new Received(socket);
    expect(await roundTrip(socket, received)).toBeGreaterThanOrEqual(59);
    await client.removeToxic('app-to-mid', toxic.name);
    expect(await roundTrip(socket, received)).toBeLessThan(59);

    expect((await client.setEnabled('app-to-mid', false)).enabled).toBe(false);
    expect(await connectionError(port, cleanup)).toMatchObject({ code: 'ECONNREFUSED' });
    expect((await client.setEnabled('app-to-mid', true)).listen).toBe(link.listen);

    const stats = await client.stats();
    expect(stats!['app-to-mid'].upstream.bytes).toBe(8);
    expect(stats!['app-to-mid'].connections.total).toBe(1);

    await client.reset();
    await client.deleteProxy('app-to-mid');
    await expect(client.getProxy('app-to-mid')).rejects.toThrow('404');
  });

  it('stats() is null against a server without /stats (a real Toxiproxy)', async () => {
    const toxiproxyLike = createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found\n'));
    await new Promise<void>((resolve) => toxiproxyLike.listen(0, '127.0.0.1', resolve));
    cleanup.add(() => new Promise((resolve) => toxiproxyLike.close(resolve)));
    const client = new FaultClient(`http://127.0.0.1:${(toxiproxyLike.address() as AddressInfo).port}/`);
    expect(await client.stats()).toBeNull();
  });
});
