// The tracking (redirection) server, over HTTP as recipients reach it: /r/test, the open pixel,
// clicks to registered URLs only (never an open redirect).
import pg from 'pg';
import { OPEN_URL_ID, trackingUrl } from '../../../reference-impl/common/tracking.js';
import { executionDb, type Target } from '../target.js';
import { fail, verdict, type CheckFn } from '../types.js';

const get = (url: string) => fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });

/** A sent message and a tracked link of its delivery, from the execution site's database. */
async function aMessage(t: Target): Promise<{ broadLogId: number; deliveryId: number; urlId: number; url: string } | null> {
  const db = new pg.Client({ connectionString: executionDb(t) });
  await db.connect();
  try {
    const r = await db.query(
      `select b.id, b.delivery_id, u.url_id, u.url from broadlog b join delivery_url u on u.delivery_id = b.delivery_id
        where b.status = 'sent' and u.url_id > $1 order by b.id, u.url_id limit 1`,
      [OPEN_URL_ID],
    );
    const x = r.rows[0];
    return x ? { broadLogId: Number(x.id), deliveryId: Number(x.delivery_id), urlId: x.url_id, url: x.url } : null;
  } finally {
    await db.end();
  }
}

export const redirTest: CheckFn = async ({ target }) => {
  const r = await get(new URL('/r/test', target.tracking.baseUrl).toString());
  const body = await r.text();
  return verdict(r.status === 200 && /^<redir status='OK'[^>]*\/>/.test(body.trim()), `GET /r/test: HTTP ${r.status} ${body.trim().slice(0, 120)}`);
};

export const openPixel: CheckFn = async ({ target }) => {
  const m = await aMessage(target);
  if (!m) return fail('no sent message with a tracked link in the execution database');
  const r = await get(trackingUrl(target.tracking.baseUrl, { ...m, urlId: OPEN_URL_ID }));
  const body = Buffer.from(await r.arrayBuffer());
  const gif = body.subarray(0, 6).toString('latin1');
  return verdict(r.status === 200 && /^image\/gif/.test(r.headers.get('content-type') ?? '') && gif.startsWith('GIF8'), `url id ${OPEN_URL_ID} of message ${m.broadLogId}: HTTP ${r.status} ${r.headers.get('content-type')} ${body.length} bytes (${gif})`);
};

export const clickRedirect: CheckFn = async ({ target }) => {
  const m = await aMessage(target);
  if (!m) return fail('no sent message with a tracked link in the execution database');
  const url = trackingUrl(target.tracking.baseUrl, m);
  if (!/\/r\/\?id=h[0-9a-f]+,[0-9a-f]+,[0-9a-f]+$/.test(url)) return fail(`tracking URL ${url} is not /r/?id=h<broadLogHex>,<deliveryHex>,<urlHex>`);
  const r = await get(url);
  return verdict(r.status === 302 && r.headers.get('location') === m.url, `${new URL(url).pathname}${new URL(url).search}: HTTP ${r.status} to ${r.headers.get('location')} (registered: ${m.url})`);
};

/** Only URLs registered for the delivery: an unknown url id, a forged id or a ?url= never redirect. */
export const noOpenRedirect: CheckFn = async ({ target }) => {
  const m = await aMessage(target);
  if (!m) return fail('no sent message with a tracked link in the execution database');
  const evil = 'https://attacker.example/phish';
  const tries = [
    `${target.tracking.baseUrl}/r/?url=${encodeURIComponent(evil)}`,
    `${trackingUrl(target.tracking.baseUrl, m)}&url=${encodeURIComponent(evil)}`,
    trackingUrl(target.tracking.baseUrl, { ...m, urlId: 0x7fff }),
    `${target.tracking.baseUrl}/r/?id=hzz,zz,zz`,
  ];
  const answers: string[] = [];
  let bad = 0;
  for (const u of tries) {
    const r = await get(u);
    const loc = r.headers.get('location');
    await r.arrayBuffer();
    const open = loc !== null && loc !== m.url;
    if (open) bad++;
    answers.push(`${new URL(u).search.slice(0, 60)} -> ${r.status}${loc ? ` ${loc}` : ''}`);
  }
  return verdict(bad === 0, `${bad} of ${tries.length} crafted URLs redirected elsewhere than a registered URL: ${answers.join('; ')}`);
};
