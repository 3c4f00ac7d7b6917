// The Internet node's control API (HTTP/JSON), what the harness polls and drives:
//   GET /health                 liveness
//   GET /stats                  counters per domain and per event type, connections
//   GET /events?after=&limit=   the observations, oldest first (see EventBuffer)
//   PUT /domains/<name>/mode    {"mode":"normal"|"tempfail"|"reject-all"}: fault scenarios
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { BodyTooLarge, closeServer, HttpError, readBody, sendJson } from '../../../reference-impl/common/http.js';
import type { EventBuffer, SinkMode } from './events.js';
import { listenOn } from './listen.js';

export interface ControlApi {
  events: EventBuffer;
  stats(): Record<string, unknown>;
  /** false when there is no such domain. */
  setMode(domain: string, mode: SinkMode): boolean;
}

const ModeBody = z.strictObject({ mode: z.enum(['normal', 'tempfail', 'reject-all']) });
const MAX_LIMIT = 10_000;

const send = sendJson;

function intParam(url: URL, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = url.searchParams.get(name);
  if (v === null || v === '') return fallback;
  if (!/^\d+$/.test(v)) throw new HttpError(400, `${name}: expected a non-negative integer, got "${v}"`);
  return Math.min(Number(v), max);
}

async function route(api: ControlApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  const method = req.method ?? 'GET';
  const allow = (m: string) => {
    if (method !== m) throw new HttpError(405, `${method} not allowed on ${url.pathname}`);
  };

  if (url.pathname === '/health') {
    allow('GET');
    return send(res, 200, { status: 'ok', module: 'internet', pid: process.pid });
  }
  if (url.pathname === '/stats') {
    allow('GET');
    return send(res, 200, api.stats());
  }
  if (url.pathname === '/events') {
    allow('GET');
    const after = intParam(url, 'after', 0);
    const limit = intParam(url, 'limit', 1000, MAX_LIMIT);
    return send(res, 200, api.events.read(after, limit));
  }
  const mode = /^\/domains\/([^/]+)\/mode$/.exec(url.pathname);
  if (mode) {
    allow('PUT');
    const domain = decodeURIComponent(mode[1]);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
    } catch (e) {
      throw new HttpError(e instanceof BodyTooLarge ? 413 : 400, `body: ${(e as Error).message}`);
    }
    const parsed = ModeBody.safeParse(body);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new HttpError(400, `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
    }
    if (!api.setMode(domain, parsed.data.mode)) throw new HttpError(404, `no domain "${domain}"`);
    return send(res, 200, { domain, mode: parsed.data.mode });
  }
  throw new HttpError(404, `no route ${url.pathname}`);
}

export async function startControlApi(host: string, port: number, api: ControlApi): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    route(api, req, res).catch((e: Error) => {
      if (!res.headersSent) send(res, e instanceof HttpError ? e.status : 500, { error: e.message });
    });
  });
  const address = await listenOn(server, host, port);
  return { ...address, close: () => closeServer(server) };
}
