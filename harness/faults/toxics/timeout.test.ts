import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, connectTo, echoBench, Received, roundTrip, settlesWithin, sleep } from '../testing/peers.js';

describe('timeout toxic', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('with 0, black-holes the data and keeps the connection open until removed; then the link heals', async () => {
    const { client, port, socket, received } = await echoBench(cleanup);
    await roundTrip(socket, received);
    await client.addToxic('echo', { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    socket.write('lost');
    await sleep(300);
    expect(received.bytes.toString()).toBe('ping');
    expect(await settlesWithin(received.ended, 0)).toBe(false);

    await client.removeToxic('echo', 'timeout_upstream');
    // As in Toxiproxy, removing the toxic closes the connections it held: their data is gone.
    expect(await settlesWithin(received.ended, 1000)).toBe(true);
    const fresh = await connectTo(cleanup, port);
    expect(await roundTrip(fresh, new Received(fresh))).toBeLessThan(1000);
  });

  it('closes the connection after the timeout', async () => {
    const { client, received } = await echoBench(cleanup);
    const start = performance.now();
    await client.addToxic('echo', { type: 'timeout', attributes: { timeout: 100 } });
    expect(await received.ended).toBe('end');
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(100 + 300);
  });

  it('counts the timeout from the last data, as Toxiproxy does', async () => {
    const { client, socket, received } = await echoBench(cleanup);
    await client.addToxic('echo', { type: 'timeout', stream: 'upstream', attributes: { timeout: 150 } });
    for (let i = 0; i < 6; i++) {
      socket.write('keep');
      await sleep(50);
    }
    expect(await settlesWithin(received.ended, 0)).toBe(false);
    const quiet = performance.now();
    await received.ended;
    expect(performance.now() - quiet).toBeGreaterThanOrEqual(90);
  });
});
