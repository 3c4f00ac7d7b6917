// The mid-sourcing server's SOAP endpoint (soaprouter.jsp): the marketing instance logs on, appends
// delivery parts, and its sync workflows read delivery logs, counters and tracking logs back.
// Messages are handed to the MTA through the site database (broadLogMid rows in status pending).
// GET /nl/jsp/schemawsdl.jsp?schema=nms:delivery (or soaprouter.jsp?wsdl&schema=...) is the WSDL.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { section } from '../common/config.js';
import { startControl } from '../common/control.js';
import { createPool, ensureSchema, waitForDatabase } from '../common/db.js';
import { parseDuration } from '../common/duration.js';
import { BodyTooLarge, closeServer, listen, readBody } from '../common/http.js';
import {
  decodePart,
  DELIVERY_SCHEMA,
  encodeCounters,
  encodeLogs,
  encodeTracking,
  SESSION_SCHEMA,
  TRACKING_SCHEMA,
} from '../common/mid-api.js';
import type { ModuleStart } from '../common/module.js';
import { faultEnvelope, parseRequest, responseEnvelope, SOAP_PATH, SoapFault, text, type XmlNode } from '../common/soap.js';
import { Sessions } from './sessions.js';
import { WSDL_PATH, WSDL_SCHEMAS, wsdlFor } from './wsdl.js';
import { appendDeliveryPart, deliveryCounters, deliveryLogsSince, ensurePartUniqueness, trackingLogsSince } from './store.js';

const MAX_BATCH = 10_000;

export const start: ModuleStart = async (config, log) => {
  const cfg = section(config, 'mid');
  const pool = createPool(cfg.db.url, cfg.db.poolSize);
  await waitForDatabase(pool);
  await ensureSchema(pool, 'mid');
  await ensurePartUniqueness(pool, !cfg.unsafeNonIdempotentParts);
  const sessions = new Sessions(cfg.operators, parseDuration(cfg.sessionTtl));
  const stats = { calls: 0, faults: 0, partsStored: 0, partsDuplicate: 0, recipientsStored: 0 };

  function batchSize(v: unknown): number {
    const n = text(v) === '' ? 1000 : Number(text(v));
    if (!Number.isInteger(n) || n < 1 || n > MAX_BATCH) throw new SoapFault('Client', `count must be an integer from 1 to ${MAX_BATCH}, got "${text(v)}"`);
    return n;
  }
  function instanceOf(p: XmlNode): string {
    const i = text(p.instance);
    if (!i) throw new SoapFault('Client', 'parameter instance is missing (the calling marketing instance)');
    return i;
  }

  type Handler = (p: XmlNode, req: IncomingMessage) => Promise<XmlNode>;
  const authed = (h: Handler): Handler => async (p, req) => {
    const cookie = /(?:^|;\s*)__sessiontoken=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    sessions.check(text(p.sessiontoken) || cookie || '', req.headers['x-security-token'] as string | undefined);
    return h(p, req);
  };

  const methods: Record<string, Handler> = {
    [`${SESSION_SCHEMA}#Logon`]: async (p) => {
      const login = text(p.strLogin);
      const t = sessions.logon(login, text(p.strPassword));
      return {
        pstrSessionToken: t.sessionToken,
        pSessionInfo: { sessionInfo: { userInfo: { '@login': login, '@instanceName': config.instance } } },
        pstrSecurityToken: t.securityToken,
      };
    },
    [`${DELIVERY_SCHEMA}#AppendDeliveryPart`]: authed(async (p) => {
      const part = decodePart(p.part);
      const r = await appendDeliveryPart(pool, part, !cfg.unsafeNonIdempotentParts);
      if (r.duplicate) stats.partsDuplicate++;
      else stats.partsStored++;
      stats.recipientsStored += r.stored;
      log.debug({ delivery: part.mktDeliveryId, part: part.partIndex, stored: r.stored, duplicate: r.duplicate }, 'delivery part');
      return { result: { '@stored': String(r.stored), '@duplicate': r.duplicate ? '1' : '0', '@count': String(part.recipients.length) } };
    }),
    [`${DELIVERY_SCHEMA}#GetDeliveryLogs`]: authed(async (p) => ({
      logs: encodeLogs(await deliveryLogsSince(pool, instanceOf(p), text(p.cursor), batchSize(p.count))),
    })),
    [`${DELIVERY_SCHEMA}#GetDeliveryCounters`]: authed(async (p) => {
      const ids = text(p.deliveries).split(',').filter(Boolean).map(Number);
      if (ids.some((n) => !Number.isSafeInteger(n))) throw new SoapFault('Client', `deliveries must be a comma-separated list of ids, got "${text(p.deliveries)}"`);
      return { counters: encodeCounters(await deliveryCounters(pool, instanceOf(p), ids)) };
    }),
    [`${TRACKING_SCHEMA}#GetTrackingLogs`]: authed(async (p) => ({
      trackingLogs: encodeTracking(await trackingLogsSince(pool, instanceOf(p), text(p.cursor), batchSize(p.count))),
    })),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (req.method === 'GET' && (path === WSDL_PATH || (path === SOAP_PATH && url.searchParams.has('wsdl')))) {
      const schema = url.searchParams.get('schema') || SESSION_SCHEMA;
      const wsdl = wsdlFor(schema, `http://${req.headers.host ?? `${cfg.host}:${cfg.port}`}`);
      if (!wsdl) res.writeHead(404, { 'content-type': 'text/plain' }).end(`no schema "${schema}" (known: ${WSDL_SCHEMAS.join(', ')})\n`);
      else res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(wsdl);
      return;
    }
    if (path !== SOAP_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('SOAP calls are POSTed\n');
      return;
    }
    stats.calls++;
    let schema = '';
    let method = '';
    try {
      const body = await readBody(req, cfg.maxBodyBytes).catch((e) => {
        if (e instanceof BodyTooLarge) throw new SoapFault('Client', `request refused: ${e.message}`, '', 413);
        throw e;
      });
      const call = parseRequest(body.toString('utf8'), req.headers.soapaction as string | undefined);
      schema = call.schema;
      method = call.method;
      const h = methods[`${schema}#${method}`];
      if (!h) throw new SoapFault('Client', `unknown method ${schema || '(no namespace)'}#${method}`);
      const out = await h(call.params, req);
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(responseEnvelope(schema, method, out));
    } catch (e) {
      stats.faults++;
      const f = e instanceof SoapFault ? e : new SoapFault('Server', `internal error: ${(e as Error).message}`);
      if (!(e instanceof SoapFault)) log.error({ err: e, schema, method }, 'SOAP call failed');
      else log.debug({ fault: f.message, schema, method }, 'SOAP fault');
      if (f.httpStatus === 413 && !req.complete && !req.destroyed) {
        // Answer once the refused body is drained (bounded): closing on unread bytes resets the
        // connection, and the client would never see the Fault.
        req.resume();
        await new Promise<void>((r) => {
          const t = setTimeout(r, 10_000);
          req.once('end', () => (clearTimeout(t), r()));
          req.once('close', () => (clearTimeout(t), r()));
        });
      }
      if (!res.headersSent) res.writeHead(f.httpStatus, { 'content-type': 'text/xml; charset=utf-8', connection: f.httpStatus === 413 ? 'close' : 'keep-alive' });
      res.end(faultEnvelope(f));
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 120_000;
  await listen(server, cfg.port, cfg.host);
  const control = await startControl(config.control.host, config.control.port, 'mid-relay', {
    metrics: async () => {
      const q = await pool.query(
        `select count(*) filter (where status = 'pending') as pending, count(*) filter (where status = 'sending') as sending from broadlog`,
      );
      return { ...stats, queue: q.rows[0] };
    },
  });
  log.info({ port: cfg.port }, 'SOAP router listening');
  return {
    async stop() {
      await closeServer(server);
      await closeServer(control);
      await pool.end();
    },
  };
};
