import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, echoBench, sleep } from '../testing/peers.js';

describe('reset_peer toxic', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('resets the connection (ECONNRESET) on the first data', async () => {
    const { client, socket, received } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'reset_peer', attributes: { timeout: 0 } });
    socket.write('ping');
    const outcome = await received.ended;
    expect(outcome).toMatchObject({ code: 'ECONNRESET' });
    expect(received.bytes.length).toBe(0);
  });

  it('waits `timeout` ms after the first data, and resets the server side too', async () => {
    const { client, socket, received, echo } = await echoBench(cleanup);
    await sleep(20); // let the proxy reach the echo server
    const [serverSide] = echo.sockets;
    const serverError = new Promise((resolve) => serverSide.once('error', resolve));
    await client.addToxic('echo', { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 100 } });
    const start = performance.now();
    socket.write('ping');
    expect(await received.ended).toMatchObject({ code: 'ECONNRESET' });
    expect(performance.now() - start).toBeGreaterThanOrEqual(95);
    expect(await serverError).toMatchObject({ code: 'ECONNRESET' });
  });
});
