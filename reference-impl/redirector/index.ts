// The tracking (redirection) server: /r/?id=h<broadLogHex>,<deliveryHex>,<urlHex> answers 302 to
// the URL registered for that delivery, url id 1 is the open pixel, /r/test is the documented
// health answer. Anything else is 404: it never redirects to a URL it was not given.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { section } from '../common/config.js';
import { startControl } from '../common/control.js';
import { createPool, ensureSchema, waitForDatabase } from '../common/db.js';
import { parseDuration } from '../common/duration.js';
import { closeServer, listen } from '../common/http.js';
import type { ModuleStart } from '../common/module.js';
import { decodeTrackingId, OPEN_URL_ID, type TrackingId } from '../common/tracking.js';

/** A transparent 1x1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

interface Hit extends TrackingId {
  kind: 'open' | 'click';
  at: Date;
  userAgent: string | null;
}

export const start: ModuleStart = async (config, log) => {
  const cfg = section(config, 'redirection');
  const pool = createPool(cfg.db.url, cfg.db.poolSize);
  await waitForDatabase(pool);
  await ensureSchema(pool, cfg.site);
  const stats = { redirects: 0, opens: 0, notFound: 0, logged: 0 };
  const urls = new Map<string, string | null>(); // "delivery:url" -> URL (null: known not to exist)
  const knownMessages = new Set<string>(); // "broadLog:delivery" seen in the database

  async function registeredUrl(t: TrackingId): Promise<string | null> {
    const key = `${t.deliveryId}:${t.urlId}`;
    if (!urls.has(key)) {
      const r = await pool.query(`select url from delivery_url where delivery_id = $1 and url_id = $2`, [t.deliveryId, t.urlId]);
      urls.set(key, r.rows[0]?.url ?? null);
      if (urls.size > 100_000) urls.clear();
    }
    return urls.get(key) ?? null;
  }

  async function messageExists(t: TrackingId): Promise<boolean> {
    const key = `${t.broadLogId}:${t.deliveryId}`;
    if (knownMessages.has(key)) return true;
    const r = await pool.query(`select 1 from broadlog where id = $1 and delivery_id = $2`, [t.broadLogId, t.deliveryId]);
    if (!r.rowCount) return false;
    if (knownMessages.size > 200_000) knownMessages.clear();
    knownMessages.add(key);
    return true;
  }

  // Tracking log rows are written in small batches; a batch that fails is kept for the next flush.
  let pending: Hit[] = [];
  let flushing: Promise<void> | null = null;
  async function flush(): Promise<void> {
    if (flushing || !pending.length) return flushing ?? undefined;
    const batch = pending;
    pending = [];
    flushing = pool
      .query(
        `insert into tracking_log (broadlog_id, delivery_id, url_id, kind, at, user_agent)
         select * from unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[], $5::timestamptz[], $6::text[])`,
        [batch.map((h) => h.broadLogId), batch.map((h) => h.deliveryId), batch.map((h) => h.urlId), batch.map((h) => h.kind), batch.map((h) => h.at), batch.map((h) => h.userAgent)],
      )
      .then(() => {
        stats.logged += batch.length;
      })
      .catch((e) => {
        log.error({ err: (e as Error).message, rows: batch.length }, 'cannot write tracking logs, will retry');
        pending = batch.concat(pending);
      })
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }
  const flushTimer = setInterval(() => void flush(), parseDuration(cfg.flushInterval));

  function notFound(res: ServerResponse): void {
    stats.notFound++;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(res);
    if (url.pathname === '/r/test') {
      const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
      res.writeHead(200, { 'content-type': 'text/xml' }).end(
        `<redir status='OK' date='${now}' build='midsim-0.1' host='${req.headers.host ?? ''}' localHost='${hostname()}'/>\n`,
      );
      return;
    }
    if (url.pathname !== '/r/' && url.pathname !== '/r') return notFound(res);
    if (cfg.unsafeOpenRedirect && url.searchParams.get('url')) {
      // Deliberate misconfiguration, for the conformance suite to catch: an open redirect.
      res.writeHead(302, { location: url.searchParams.get('url')! }).end();
      return;
    }
    const t = decodeTrackingId(url.searchParams.get('id'));
    if (!t) return notFound(res);
    const target = t.urlId === OPEN_URL_ID ? null : await registeredUrl(t);
    if ((t.urlId !== OPEN_URL_ID && !target) || !(await messageExists(t))) return notFound(res);
    pending.push({ ...t, kind: t.urlId === OPEN_URL_ID ? 'open' : 'click', at: new Date(), userAgent: req.headers['user-agent'] ?? null });
    if (pending.length >= 500) void flush();
    if (t.urlId === OPEN_URL_ID) {
      stats.opens++;
      res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end(PIXEL);
    } else {
      stats.redirects++;
      res.writeHead(302, { location: target!, 'cache-control': 'no-store' }).end();
    }
  }

  const server = createServer((req, res) =>
    void handle(req, res).catch((e) => {
      log.error({ err: (e as Error).message }, 'tracking request failed');
      if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('temporarily unavailable\n');
    }),
  );
  await listen(server, cfg.port, cfg.host);
  const control = await startControl(config.control.host, config.control.port, 'redirector', { metrics: () => ({ ...stats, pending: pending.length }) });
  log.info({ port: cfg.port }, 'redirector listening');
  return {
    async stop() {
      clearInterval(flushTimer);
      await closeServer(server);
      await closeServer(control);
      await flush();
      await flush();
      await pool.end();
    },
  };
};
