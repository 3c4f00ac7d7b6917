import { afterEach, describe, expect, it } from 'vitest';
import { benchFor, Cleanup, connectTo, Received, talkingServer } from '../testing/peers.js';

describe('slow_close toxic', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('holds the close for `delay` ms, not the data', async () => {
    const { client, port } = await benchFor(cleanup, await talkingServer(cleanup, 'bye', true));
    await client.addToxic('link', { type: 'slow_close', attributes: { delay: 200 } });
    const start = performance.now();
    const received = new Received(await connectTo(cleanup, port));
    await received.waitFor(3);
    expect(performance.now() - start).toBeLessThan(150);
    expect(await received.ended).toBe('end');
    expect(performance.now() - start).toBeGreaterThanOrEqual(195);
  });

  it('lets a held close through when removed', async () => {
    const { client, port } = await benchFor(cleanup, await talkingServer(cleanup, 'bye', true));
    await client.addToxic('link', { type: 'slow_close', attributes: { delay: 10_000 } });
    const received = new Received(await connectTo(cleanup, port));
    await received.waitFor(3);
    await client.removeToxic('link', 'slow_close_downstream');
    expect(await received.ended).toBe('end');
  });
});
