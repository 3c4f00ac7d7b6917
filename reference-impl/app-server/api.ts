// The marketing instance's HTTP interface on its web port: a small JSON API for the harness and
// operators (recipients, deliveries, workflows) and the web form.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Pool } from '../common/db.js';
import { ConfigError, parseWith } from '../common/errors.js';
import { BodyTooLarge, HttpError, readBody, sendJson } from '../common/http.js';
import { createDelivery, deliveryStatus, NotFound } from './deliveries.js';
import { FORM_PATH, formPage, submitForm } from './forms.js';

const MAX_BODY = 64 * 1024 * 1024;

const Recipients = z.object({
  recipients: z
    .array(
      z.object({
        email: z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an email address'),
        firstName: z.string().optional(),
        lastName: z.string().optional(),
        city: z.string().optional(),
        secretNote: z.string().optional(),
      }),
    )
    .max(100_000),
});

export interface ApiContext {
  pool: Pool;
  startDelivery(id: number): Promise<Record<string, unknown>>;
  runWorkflow(name: string): Promise<number>;
  status(): Record<string, unknown>;
}

const send = sendJson;

async function json(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, MAX_BODY);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `request body is not JSON: ${(e as Error).message}`);
  }
}

export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const route = `${req.method} ${url.pathname}`;
  try {
    let m: RegExpExecArray | null;
    if (route === 'GET /health') return send(res, 200, { status: 'ok' });
    if (route === 'GET /api/status') return send(res, 200, ctx.status());
    if (route === `GET ${FORM_PATH}`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(formPage());
      return;
    }
    if (route === `POST ${FORM_PATH}`) {
      const r = await submitForm(ctx.pool, (await readBody(req, 64 * 1024)).toString('utf8'));
      res.writeHead(r.status, { 'content-type': 'text/html; charset=utf-8' }).end(r.html);
      return;
    }
    if (route === 'POST /api/recipients') {
      const body = parseWith(Recipients, await json(req), 'body');
      const list = body.recipients;
      const r = await ctx.pool.query(
        `insert into recipient (email, first_name, last_name, city, secret_note)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) on conflict (email) do nothing`,
        [list.map((x) => x.email), list.map((x) => x.firstName ?? null), list.map((x) => x.lastName ?? null), list.map((x) => x.city ?? null), list.map((x) => x.secretNote ?? null)],
      );
      return send(res, 200, { received: list.length, inserted: r.rowCount });
    }
    if (route === 'GET /api/recipients/count') {
      const r = await ctx.pool.query(`select count(*) as n from recipient`);
      return send(res, 200, { count: r.rows[0].n });
    }
    if (route === 'POST /api/deliveries') return send(res, 201, await createDelivery(ctx.pool, await json(req)));
    if ((m = /^POST \/api\/deliveries\/(\d+)\/start$/.exec(route))) return send(res, 202, await ctx.startDelivery(Number(m[1])));
    if ((m = /^GET \/api\/deliveries\/(\d+)$/.exec(route))) return send(res, 200, await deliveryStatus(ctx.pool, Number(m[1])));
    if ((m = /^POST \/api\/workflows\/([A-Za-z]+)\/run$/.exec(route))) return send(res, 200, { rows: await ctx.runWorkflow(m[1]) });
    throw new HttpError(404, `no route for ${route}`);
  } catch (e) {
    if (e instanceof HttpError) return send(res, e.status, { error: e.message });
    if (e instanceof ConfigError) return send(res, 400, { error: e.message });
    if (e instanceof NotFound) return send(res, 404, { error: e.message });
    if (e instanceof BodyTooLarge) return send(res, 413, { error: e.message });
    return send(res, 500, { error: (e as Error).message });
  }
}
