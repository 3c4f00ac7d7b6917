import { afterEach, describe, expect, it } from 'vitest';
import { benchFor, Cleanup, connectTo, Received, sinkServer, talkingServer } from '../testing/peers.js';

describe('limit_data toxic', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('lets exactly `bytes` bytes through downstream, then closes', async () => {
    const { client, port } = await benchFor(cleanup, await talkingServer(cleanup, Buffer.alloc(100, 1)));
    await client.addToxic('link', { type: 'limit_data', attributes: { bytes: 10 } });
    const received = new Received(await connectTo(cleanup, port));
    expect(await received.ended).toBe('end');
    expect(received.bytes.length).toBe(10);
  });

  it('counts across chunks, upstream', async () => {
    const sink = await sinkServer(cleanup);
    const { client, port } = await benchFor(cleanup, sink);
    await client.addToxic('link', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 25 } });
    const socket = await connectTo(cleanup, port);
    const toClient = new Received(socket);
    socket.write(Buffer.alloc(10, 1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write(Buffer.alloc(30, 2));
    await toClient.ended;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.connections[0].bytes).toEqual(Buffer.concat([Buffer.alloc(10, 1), Buffer.alloc(15, 2)]));
  });
});
