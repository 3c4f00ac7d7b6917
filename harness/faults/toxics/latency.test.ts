import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, echoBench, roundTrip, sleep } from '../testing/peers.js';

describe('latency toxic', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('adds the latency to a round trip, on an open connection', async () => {
    const { client, socket, received } = await echoBench(cleanup);
    const before = await roundTrip(socket, received);
    await client.addToxic('echo', { type: 'latency', attributes: { latency: 100 } });
    const after = await roundTrip(socket, received);
    expect(after).toBeGreaterThanOrEqual(99);
    expect(after - before).toBeLessThan(100 + 100);
  });

  it('takes an update at once on an open connection', async () => {
    const { client, socket, received, server } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'latency', attributes: { latency: 50 } });
    const patched = await fetch(`${server.url}/proxies/echo/toxics/latency_downstream`, {
      method: 'PATCH',
      body: JSON.stringify({ attributes: { latency: 150 } }),
    });
    expect(patched.status).toBe(200);
    expect(await roundTrip(socket, received)).toBeGreaterThanOrEqual(149);
  });

  it('on update, data already held takes the new latency, counted from its arrival', async () => {
    const { client, socket, received, server } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'latency', attributes: { latency: 5000 } });
    const start = performance.now();
    socket.write('held');
    await sleep(50);
    await fetch(`${server.url}/proxies/echo/toxics/latency_downstream`, {
      method: 'PATCH',
      body: JSON.stringify({ attributes: { latency: 200 } }),
    });
    await received.waitFor(4, 3000);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(200 + 300);
  });

  it('upstream and downstream latencies add up', async () => {
    const { client, socket, received } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'latency', stream: 'upstream', attributes: { latency: 50 } });
    await client.addToxic('echo', { type: 'latency', stream: 'downstream', attributes: { latency: 50 } });
    expect(await roundTrip(socket, received)).toBeGreaterThanOrEqual(99);
  });

  it('keeps each delay within latency ± jitter', async () => {
    const { client, socket, received } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'latency', attributes: { latency: 60, jitter: 20 } });
    for (let i = 0; i < 5; i++) {
      const rtt = await roundTrip(socket, received);
      expect(rtt).toBeGreaterThanOrEqual(39);
      expect(rtt).toBeLessThan(80 + 100);
    }
  });

  it('delays, but does not throttle, a stream of writes', async () => {
    const { client, socket, received } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'latency', attributes: { latency: 100 } });
    const start = performance.now();
    for (let i = 0; i < 10; i++) {
      socket.write('x'.repeat(100));
      await sleep(5);
    }
    await received.waitFor(1000, 3000);
    // Ten writes 5 ms apart, each delayed 100 ms: about 150 ms in all, not 10 x 100 ms.
    expect(performance.now() - start).toBeLessThan(600);
  });

  it('lets held data through at once when removed', async () => {
    const { client, socket, received } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'latency', attributes: { latency: 5000 } });
    const start = performance.now();
    socket.write('held');
    await sleep(50);
    await client.removeToxic('echo', 'latency_downstream');
    await received.waitFor(4, 2000);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
