// The Toxiproxy API, driven by toxiproxy-node-client where it can, by fetch where statuses and
// bodies are checked exactly.
import { Toxiproxy, type ICreateToxicBody } from 'toxiproxy-node-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOXIPROXY_VERSION } from './api.js';
import { Cleanup, connectionError, echoServer, startTestFaultProxy, type TestServer } from './testing/peers.js';

describe('fault proxy API (Toxiproxy-compatible)', () => {
  const cleanup = new Cleanup();
  let url: string;
  let toxiproxy: Toxiproxy;
  let echo: TestServer;

  beforeEach(async () => {
    const { server } = await startTestFaultProxy(cleanup);
    url = server.url;
    toxiproxy = new Toxiproxy(url);
    echo = await echoServer(cleanup);
  });
  afterEach(() => cleanup.run());

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(url + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, type: response.headers.get('content-type') };
  }

  const latencyToxic = (attributes: Record<string, number>, extra: object = {}) =>
    ({ type: 'latency', attributes, ...extra }) as unknown as ICreateToxicBody<unknown>;

  it('reports its version as JSON', async () => {
    expect(JSON.parse(await toxiproxy.getVersion())).toEqual({ version: TOXIPROXY_VERSION });
  });

  it('creates (201), lists, shows and deletes (204) a proxy; port 0 becomes the real port', async () => {
    const created = await call('POST', '/proxies', { name: 'db', listen: '127.0.0.1:0', upstream: echo.address });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ name: 'db', listen: expect.stringMatching(/^127\.0\.0\.1:\d+$/), upstream: echo.address, enabled: true, toxics: [] });
    const listen = (created.json as { listen: string }).listen;
    expect(listen).not.toBe('127.0.0.1:0');
    expect(Object.keys(created.json as object)).toEqual(['name', 'listen', 'upstream', 'enabled', 'toxics']);

    const all = await toxiproxy.getAll();
    expect(Object.keys(all)).toEqual(['db']);
    expect(all.db.listen).toBe(listen);
    const shown = await toxiproxy.get('db');
    expect(shown.toJson()).toEqual({ name: 'db', listen, upstream: echo.address, enabled: true });

    expect((await call('DELETE', '/proxies/db')).status).toBe(204);
    expect(await toxiproxy.getAll()).toEqual({});
    expect(await connectionError(Number(listen.split(':')[1]), cleanup)).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('"localhost" listens on 127.0.0.1, as Toxiproxy reports it', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'l', listen: 'localhost:0', upstream: echo.address });
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('answers errors with Toxiproxy statuses and {"error", "status"} bodies', async () => {
    await toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: echo.address });
    await expect(toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: echo.address })).rejects.toThrow('status code 409');

    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/proxies', { name: 'db', listen: '127.0.0.1:0', upstream: echo.address }, 409, 'proxy already exists'],
      ['POST', '/proxies', { listen: '127.0.0.1:0', upstream: echo.address }, 400, 'missing required field: name'],
      ['POST', '/proxies', { name: 'x', listen: '127.0.0.1:0' }, 400, 'missing required field: upstream'],
      ['POST', '/proxies', '{"name": ', 400, 'bad request body: '],
      ['POST', '/proxies', '', 400, 'bad request body: EOF'],
      ['POST', '/proxies', { name: 7, upstream: echo.address }, 400, 'bad request body: '],
      ['GET', '/proxies/nope', undefined, 404, 'proxy not found'],
      ['PATCH', '/proxies/nope', { enabled: false }, 404, 'proxy not found'],
      ['DELETE', '/proxies/nope', undefined, 404, 'proxy not found'],
      ['GET', '/proxies/nope/toxics', undefined, 404, 'proxy not found'],
      ['POST', '/proxies/nope/toxics', { type: 'latency' }, 404, 'proxy not found'],
      ['GET', '/proxies/db/toxics/nope', undefined, 404, 'toxic not found'],
      ['PATCH', '/proxies/db/toxics/nope', { attributes: {} }, 404, 'toxic not found'],
      ['DELETE', '/proxies/db/toxics/nope', undefined, 404, 'toxic not found'],
      ['POST', '/proxies/db/toxics', { type: 'teleport' }, 400, 'invalid toxic type'],
      ['POST', '/proxies/db/toxics', { type: 'latency', stream: 'sideways' }, 400, 'stream was invalid, can be either upstream or downstream'],
      ['POST', '/proxies/db/toxics', { type: 'latency', attributes: { latency: 'slow' } }, 400, 'bad request body: '],
      ['POST', '/proxies/db/toxics', { type: 'latency', attributes: { latency: 1.5 } }, 400, 'bad request body: '],
      ['POST', '/proxies/db/toxics', { type: 'latency', attributes: { latency: -1 } }, 400, 'bad request body: '],
      ['POST', '/proxies/db/toxics', '[', 400, 'bad request body: '],
      ['PATCH', '/proxies/db', 'nope', 400, 'bad request body: '],
    ];
    for (const [method, path, body, status, message] of cases) {
      const reply = await call(method, path, body);
      expect({ method, path, status: reply.status }).toEqual({ method, path, status });
      expect(reply.json).toEqual({ error: expect.stringContaining(message), status });
      expect(reply.text.endsWith('\n')).toBe(true);
    }

    await call('POST', '/proxies/db/toxics', { type: 'latency' });
    const duplicate = await call('POST', '/proxies/db/toxics', { type: 'latency', stream: 'downstream' });
    expect(duplicate).toMatchObject({ status: 409, json: { error: 'toxic already exists', status: 409 } });
  });

  it('answers 500 when a listener cannot bind', async () => {
    const first = await toxiproxy.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: echo.address });
    const reply = await call('POST', '/proxies', { name: 'b', listen: first.listen, upstream: echo.address });
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ error: expect.stringContaining('address already in use'), status: 500 });
    expect(Object.keys(await toxiproxy.getAll())).toEqual(['a']);
  });

  it('serves unknown routes 404, wrong methods 405, and refuses browsers (403)', async () => {
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, text: '404 page not found\n' });
    expect((await call('PUT', '/proxies')).status).toBe(405);
    const browser = await call('GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0' });
    expect(browser).toMatchObject({ status: 403, text: 'User agent not allowed\n' });
  });

  it('updates a proxy with POST (client) and PATCH; fields not given are kept', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: echo.address });
    const port = Number(proxy.listen.split(':')[1]);
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabled.enabled).toBe(false);
    expect(await connectionError(port, cleanup)).toMatchObject({ code: 'ECONNREFUSED' });

    const patched = await call('PATCH', '/proxies/db', { enabled: true });
    expect(patched).toMatchObject({ status: 200, json: { name: 'db', listen: proxy.listen, upstream: echo.address, enabled: true } });
    expect(await connectionError(port, cleanup)).toBeUndefined();

    const moved = await call('PATCH', '/proxies/db', { upstream: '127.0.0.1:1' });
    expect(moved.json).toMatchObject({ upstream: '127.0.0.1:1', enabled: true });
  });

  it('creates a disabled proxy without listening', async () => {
    const created = await call('POST', '/proxies', { name: 'off', listen: '127.0.0.1:0', upstream: echo.address, enabled: false });
    expect(created).toMatchObject({ status: 201, json: { listen: '127.0.0.1:0', enabled: false } });
  });

  it('adds (200), lists, shows, updates and removes (204) toxics', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: echo.address });
    const added = await call('POST', '/proxies/db/toxics', { type: 'latency', attributes: { latency: 100 } });
    expect(added.status).toBe(200);
    expect(added.json).toEqual({ attributes: { latency: 100, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
    expect(Object.keys(added.json as object)).toEqual(['attributes', 'name', 'type', 'stream', 'toxicity']);

    const up = await proxy.addToxic(latencyToxic({ latency: 5 }, { name: 'slow_up', stream: 'upstream', toxicity: 0.5 }));
    expect(up.toJson()).toEqual({ attributes: { latency: 5, jitter: 0 }, name: 'slow_up', type: 'latency', stream: 'upstream', toxicity: 0.5 });

    // Listed upstream chain first, as Toxiproxy does.
    const listed = await call('GET', '/proxies/db/toxics');
    expect((listed.json as { name: string }[]).map((t) => t.name)).toEqual(['slow_up', 'latency_downstream']);
    expect((await call('GET', '/proxies/db')).json).toMatchObject({ toxics: listed.json });

    const shown = await proxy.getToxic('latency_downstream');
    expect(shown.attributes).toEqual({ latency: 100, jitter: 0 });
    const updated = await shown.update({ ...shown.toJson(), attributes: { latency: 200, jitter: 0 } } as never);
    expect(updated.attributes).toEqual({ latency: 200, jitter: 0 });
    const patched = await call('PATCH', '/proxies/db/toxics/latency_downstream', { attributes: { jitter: 7 }, toxicity: 0.25, stream: 'upstream' });
    expect(patched.json).toEqual({ attributes: { latency: 200, jitter: 7 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 0.25 });

    await updated.remove();
    expect((await call('GET', '/proxies/db/toxics/latency_downstream')).status).toBe(404);
    expect((await call('DELETE', '/proxies/db/toxics/slow_up')).status).toBe(204);
    expect((await call('GET', '/proxies/db/toxics')).json).toEqual([]);
  });

  it('populates: creates (201), leaves unchanged proxies alone, replaces changed ones', async () => {
    const first = await toxiproxy.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'b', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ]);
    expect(Object.keys(first)).toEqual(['a', 'b']);
    await call('POST', '/proxies', { name: '0-first', listen: '127.0.0.1:0', upstream: echo.address });
    expect(Object.keys((await call('GET', '/proxies')).json as object)).toEqual(['0-first', 'a', 'b']);
    expect(first.a.enabled).toBe(true);
    expect(first.b.enabled).toBe(false);
    await call('POST', '/proxies/a/toxics', { type: 'timeout' });

    const again = await call('POST', '/populate', [
      { name: 'a', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'b', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' },
    ]);
    expect(again.status).toBe(201);
    const [a, b] = (again.json as { proxies: { name: string; listen: string; upstream: string; toxics: unknown[]; enabled: boolean }[] }).proxies;
    expect(a).toMatchObject({ name: 'a', listen: first.a.listen, toxics: [{ name: 'timeout_downstream' }] });
    expect(b).toMatchObject({ name: 'b', upstream: '127.0.0.1:1', enabled: true, toxics: [] });
  });

  it('refuses a bad populate as a whole, with "proxies": null', async () => {
    const reply = await call('POST', '/populate', [{ name: 'ok', listen: '127.0.0.1:0', upstream: echo.address }, { name: 'bad', listen: '127.0.0.1:0' }]);
    expect(reply).toMatchObject({ status: 400, json: { error: 'missing required field: upstream at proxy 2', status: 400, proxies: null } });
    expect((await call('POST', '/populate', { name: 'x' })).status).toBe(400);
    expect(await toxiproxy.getAll()).toEqual({});
  });

  it('resets: every proxy enabled, every toxic removed (204)', async () => {
    await call('POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream: echo.address });
    await call('POST', '/proxies/a/toxics', { type: 'latency', attributes: { latency: 10 } });
    await call('PATCH', '/proxies/a', { enabled: false });
    expect((await call('POST', '/reset')).status).toBe(204);
    await toxiproxy.reset();
    expect((await call('GET', '/proxies/a')).json).toMatchObject({ enabled: true, toxics: [] });
  });

  it('serves Prometheus metrics under Toxiproxy\'s names', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: echo.address });
    const metrics = await call('GET', '/metrics');
    expect(metrics.type).toContain('text/plain');
    expect(metrics.text).toContain('# TYPE toxiproxy_proxy_received_bytes_total counter');
    expect(metrics.text).toContain(
      `toxiproxy_proxy_sent_bytes_total{direction="upstream",listener="${proxy.listen}",proxy="db",upstream="${echo.address}"} 0`,
    );
  });
});
