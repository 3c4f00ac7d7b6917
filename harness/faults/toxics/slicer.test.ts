import { afterEach, describe, expect, it } from 'vitest';
import { benchFor, Cleanup, connectTo, Received, talkingServer } from '../testing/peers.js';
import { slices } from './slicer.js';

describe('slicer toxic', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('cuts a chunk into contiguous pieces of average ± variation bytes', () => {
    const pieces = slices(10_000, 100, 20);
    expect(pieces[0][0]).toBe(0);
    expect(pieces[pieces.length - 1][1]).toBe(10_000);
    for (let i = 0; i < pieces.length; i++) {
      const [start, end] = pieces[i];
      if (i > 0) expect(start).toBe(pieces[i - 1][1]);
      expect(end - start).toBeGreaterThan(0);
      expect(end - start).toBeLessThanOrEqual(120);
    }
    expect(slices(50, 100, 0)).toEqual([[0, 50]]);
    expect(slices(0, 100, 0)).toEqual([]);
  });

  it('delivers one write as separate pieces, `delay` microseconds apart', async () => {
    const payload = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const { client, port } = await benchFor(cleanup, await talkingServer(cleanup, payload));
    await client.addToxic('link', { type: 'slicer', attributes: { average_size: 100, size_variation: 10, delay: 20_000 } });
    const received = new Received(await connectTo(cleanup, port));
    const data = await received.waitFor(1000, 3000);
    expect(data).toEqual(payload);
    expect(received.chunkCount).toBeGreaterThanOrEqual(8);
    // About ten pieces 20 ms apart.
    expect(received.times[received.times.length - 1] - received.times[0]).toBeGreaterThanOrEqual(8 * 20 - 10);
  });

  it('refuses an average size of 0 (400)', async () => {
    const { client } = await benchFor(cleanup, await talkingServer(cleanup, 'x'));
    await expect(client.addToxic('link', { type: 'slicer', attributes: { average_size: 0 } })).rejects.toThrow('400');
  });
});
