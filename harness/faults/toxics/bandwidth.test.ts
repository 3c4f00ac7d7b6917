import { afterEach, describe, expect, it } from 'vitest';
import { benchFor, Cleanup, connectTo, Received, sinkServer, tcpServer } from '../testing/peers.js';

describe('bandwidth toxic', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  // A server that answers "go" with 50,000 bytes in one write.
  const burstServer = () => tcpServer(cleanup, (s) => s.once('data', () => s.write(Buffer.alloc(50_000, 7))));

  it('caps the downstream rate: 50 KB at 100 KB/s take about 500 ms', async () => {
    const { client, port } = await benchFor(cleanup, await burstServer());
    await client.addToxic('link', { type: 'bandwidth', attributes: { rate: 100 } });
    const socket = await connectTo(cleanup, port);
    const received = new Received(socket);
    const start = performance.now();
    socket.write('go');
    await received.waitFor(50_000, 3000);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(500 + 250);
  });

  it('caps the upstream rate, as the server sees it', async () => {
    const sink = await sinkServer(cleanup);
    const { client, port } = await benchFor(cleanup, sink);
    await client.addToxic('link', { type: 'bandwidth', stream: 'upstream', attributes: { rate: 200 } });
    const socket = await connectTo(cleanup, port);
    const start = performance.now();
    socket.write(Buffer.alloc(60_000, 1));
    await waitUntil(() => sink.connections[0]?.bytes.length === 60_000, 3000);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(270);
    expect(elapsed).toBeLessThan(300 + 250);
  });

  it('on update, re-paces what is queued at the new rate (no burst)', async () => {
    const { client, port, server } = await benchFor(cleanup, await burstServer());
    await client.addToxic('link', { type: 'bandwidth', attributes: { rate: 50 } });
    const socket = await connectTo(cleanup, port);
    const received = new Received(socket);
    const start = performance.now();
    socket.write('go');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fetch(`${server.url}/proxies/link/toxics/bandwidth_downstream`, { method: 'PATCH', body: '{"attributes": {"rate": 500}}' });
    await received.waitFor(50_000, 3000);
    // About 100 ms at 50 KB/s, then some 45 KB at 500 KB/s (90 ms); 1 s without the update.
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(160);
    expect(elapsed).toBeLessThan(190 + 250);
  });

  it('does not limit with a rate of 0', async () => {
    const { client, port } = await benchFor(cleanup, await burstServer());
    await client.addToxic('link', { type: 'bandwidth', attributes: { rate: 0 } });
    const socket = await connectTo(cleanup, port);
    const received = new Received(socket);
    socket.write('go');
    expect((await received.waitFor(50_000, 3000)).every((b) => b === 7)).toBe(true);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
