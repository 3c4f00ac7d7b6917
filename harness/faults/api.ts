// The Toxiproxy HTTP API (api.go): same routes, JSON shapes, status codes and error bodies,
// plus GET /stats (a midsim extension).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, asApiError, ErrBadRequestBody, ErrToxicNotFound } from './api-error.js';
import { expectObject, optionalBoolean, optionalString, parseJson } from './json-body.js';
import { prometheusText, statsJson } from './metrics.js';
import { parseProxyRequest, type ProxyCollection } from './proxy-collection.js';
import { parseNewToxic, parseToxicUpdate, toxicJson } from './toxic-spec.js';

/** The Toxiproxy release whose API this server speaks; "+midsim" says who answers. */
export const TOXIPROXY_VERSION = '2.12.0+midsim';

const MAX_BODY_BYTES = 1024 * 1024;

interface Reply {
  status: number;
  body?: unknown;
}

interface Request {
  params: Record<string, string>;
  /** The request body as JSON (a 400 if it is not). */
  json(): unknown;
}

type Handler = (collection: ProxyCollection, request: Request) => Promise<Reply> | Reply;

/** A reply that is not JSON. */
class Text {
  constructor(
    readonly text: string,
    readonly contentType: string,
  ) {}
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const noContent = (): Reply => ({ status: 204 });

const routes: [method: string, path: string, handler: Handler][] = [
  ['POST', '/reset', async (c) => (await c.reset(), noContent())],
  ['GET', '/proxies', (c) => ok(Object.fromEntries(c.list().map((p) => [p.name, p.toJSON()])))],
  ['POST', '/proxies', async (c, r) => ok((await c.create(parseProxyRequest(r.json()))).toJSON(), 201)],
  ['POST', '/populate', populate],
  ['GET', '/proxies/:proxy', (c, r) => ok(c.get(r.params.proxy).toJSON())],
  ['POST', '/proxies/:proxy', updateProxy], // deprecated in Toxiproxy 2.6, still served
  ['PATCH', '/proxies/:proxy', updateProxy],
  ['DELETE', '/proxies/:proxy', async (c, r) => (await c.remove(r.params.proxy), noContent())],
  ['GET', '/proxies/:proxy/toxics', (c, r) => ok(c.get(r.params.proxy).listToxics().map(toxicJson))],
  ['POST', '/proxies/:proxy/toxics', createToxic],
  ['GET', '/proxies/:proxy/toxics/:toxic', (c, r) => ok(toxicJson(findToxic(c, r)))],
  ['POST', '/proxies/:proxy/toxics/:toxic', updateToxic],
  ['PATCH', '/proxies/:proxy/toxics/:toxic', updateToxic],
  ['DELETE', '/proxies/:proxy/toxics/:toxic', deleteToxic],
  ['GET', '/version', () => ok(new Text(`{"version": "${TOXIPROXY_VERSION}"}\n`, 'application/json;charset=utf-8'))],
  ['GET', '/metrics', (c) => ok(new Text(prometheusText(c.list()), 'text/plain; version=0.0.4; charset=utf-8'))],
  ['GET', '/stats', (c) => ok(statsJson(c.list()))],
];

async function updateProxy(c: ProxyCollection, r: Request): Promise<Reply> {
  const proxy = c.get(r.params.proxy);
  // Fields not given keep their values, as in Toxiproxy; the name cannot change.
  const body = expectObject(r.json(), 'proxy');
  await proxy.update({
    listen: optionalString(body, 'listen') ?? proxy.listen,
    upstream: optionalString(body, 'upstream') ?? proxy.upstream,
    enabled: optionalBoolean(body, 'enabled') ?? proxy.enabled,
  });
  return ok(proxy.toJSON());
}

async function populate(c: ProxyCollection, r: Request): Promise<Reply> {
  // Toxiproxy answers a failed populate with the error fields and "proxies": null.
  try {
    const value = r.json();
    if (!Array.isArray(value)) throw ErrBadRequestBody.with('populate expects a JSON array of proxies');
    const requests = value.map((entry, i) => parseProxyRequest(entry, i + 1));
    const proxies = await c.populate(requests);
    return ok({ proxies: proxies.map((p) => p.toJSON()) }, 201);
  } catch (error) {
    const e = asApiError(error);
    return { status: e.status, body: { ...e.toJSON(), proxies: null } };
  }
}

function createToxic(c: ProxyCollection, r: Request): Reply {
  const proxy = c.get(r.params.proxy);
  const toxic = parseNewToxic(r.json(), (name) => proxy.getToxic(name) !== undefined);
  proxy.addToxic(toxic);
  return ok(toxicJson(toxic));
}

function updateToxic(c: ProxyCollection, r: Request): Reply {
  const proxy = c.get(r.params.proxy);
  const toxic = parseToxicUpdate(findToxic(c, r), r.json());
  proxy.updateToxic(toxic);
  return ok(toxicJson(toxic));
}

function deleteToxic(c: ProxyCollection, r: Request): Reply {
  const proxy = c.get(r.params.proxy);
  proxy.removeToxic(findToxic(c, r).name);
  return noContent();
}

function findToxic(c: ProxyCollection, r: Request) {
  const toxic = c.get(r.params.proxy).getToxic(r.params.toxic);
  if (!toxic) throw ErrToxicNotFound;
  return toxic;
}

/** Match a path against a route pattern; the named segments come back decoded. */
function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (got[i] === '') return undefined;
      params[want[i].slice(1)] = decodeURIComponent(got[i]);
    } else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

/** The request handler for node:http. Requests are served one at a time: no two changes interleave. */
export function createApiHandler(collection: ProxyCollection): (req: IncomingMessage, res: ServerResponse) => void {
  let queue: Promise<unknown> = Promise.resolve();
  return (req, res) => {
    const serve = async () => {
      const body = await readBody(req);
      const reply = await (queue = queue.then(
        () => route(collection, req, body),
        () => route(collection, req, body),
      ));
      send(res, reply as Reply);
    };
    serve().catch((error) => send(res, errorReply(asApiError(error))));
  };
}

async function route(collection: ProxyCollection, req: IncomingMessage, body: string): Promise<Reply> {
  // Toxiproxy refuses browsers, so that no web page can drive it (CHANGELOG 2.1.2).
  if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
    return { status: 403, body: new Text('User agent not allowed\n', 'text/plain; charset=utf-8') };
  }
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  let pathMatched = false;
  for (const [method, pattern, handler] of routes) {
    const params = match(pattern, path);
    if (!params) continue;
    pathMatched = true;
    if (method !== req.method) continue;
    try {
      return await handler(collection, { params, json: () => parseJson(body) });
    } catch (error) {
      return errorReply(asApiError(error));
    }
  }
  if (pathMatched) return { status: 405 };
  return { status: 404, body: new Text('404 page not found\n', 'text/plain; charset=utf-8') };
}

function errorReply(error: ApiError): Reply {
  return { status: error.status, body: new Text(JSON.stringify(error) + '\n', 'application/json') };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return;
  if (reply.body === undefined) {
    res.writeHead(reply.status).end();
  } else if (reply.body instanceof Text) {
    res.writeHead(reply.status, { 'Content-Type': reply.body.contentType }).end(reply.body.text);
  } else {
    res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(ErrBadRequestBody.with('body larger than 1 MiB'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
