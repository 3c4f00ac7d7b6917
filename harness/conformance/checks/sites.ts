// What the two sites' databases show once the campaign has settled: every broadLogMid row maps
// back to its marketing row, statuses and failure reasons came back unchanged, tracking logs were
// brought back, 5xx answers failed the message, forms stayed on the marketing instance.
import pg from 'pg';
import { executionDb, type Target } from '../target.js';
import { fail, verdict, type CheckFn } from '../types.js';

async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(sql, params)).rows as T[];
  } finally {
    await db.end();
  }
}

interface Row {
  id: string;
  mkt: string | null;
  mkt_delivery: string | null;
  delivery_id: string;
  email: string;
  status: string;
  failure_type: string | null;
  failure_reason_code: number | null;
}
const midRows = (t: Target) =>
  query<Row>(
    t.mid!.db,
    `select b.id, b.mkt_broadlog_id as mkt, d.mkt_delivery_id as mkt_delivery, b.delivery_id, b.email, b.status, b.failure_type, b.failure_reason_code
       from broadlog b join delivery d on d.id = b.delivery_id where d.client = $1`,
    [t.marketing.instance],
  );
const marketingRows = async (t: Target) =>
  new Map((await query<Row>(t.marketing.db, `select id, null as mkt, delivery_id, email, status, failure_type, failure_reason_code from broadlog`)).map((r) => [String(r.id), r]));

export const mktIdMapping: CheckFn = async ({ target }) => {
  const [mid, mkt] = [await midRows(target), await marketingRows(target)];
  if (!mid.length) return fail(`no broadLogMid rows for instance "${target.marketing.instance}" at the mid`);
  const bad = mid.filter((r) => {
    const m = r.mkt === null ? undefined : mkt.get(String(r.mkt));
    return !m || m.email !== r.email || String(m.delivery_id) !== String(r.mkt_delivery);
  });
  return verdict(bad.length === 0, `${mid.length - bad.length} of ${mid.length} broadLogMid rows map through mktBroadLogId to a marketing row of the same delivery and address${bad.length ? `; e.g. mid row ${bad[0].id} (mktBroadLogId ${bad[0].mkt})` : ''}`);
};

export const syncUnchanged: CheckFn = async ({ target }) => {
  const [mid, mkt] = [await midRows(target), await marketingRows(target)];
  const final = mid.filter((r) => ['sent', 'failed', 'ignored'].includes(r.status));
  if (!final.length) return fail('no message with a final status at the mid');
  const differ = final.filter((r) => {
    const m = r.mkt === null ? undefined : mkt.get(String(r.mkt));
    return !m || m.status !== r.status || m.failure_type !== r.failure_type || m.failure_reason_code !== r.failure_reason_code;
  });
  const failed = final.filter((r) => r.status === 'failed').length;
  const e = differ[0];
  const m = e?.mkt ? mkt.get(String(e.mkt)) : undefined;
  return verdict(
    differ.length === 0 && failed > 0,
    `${final.length - differ.length} of ${final.length} final statuses (${failed} failed) identical on the marketing instance (status, failure type, reason code)${e ? `; e.g. mid ${e.status}/${e.failure_type}/${e.failure_reason_code} vs marketing ${m ? `${m.status}/${m.failure_type}/${m.failure_reason_code}` : 'missing'}` : ''}`,
  );
};

export const trackingSynced: CheckFn = async ({ target }) => {
  const mid = await query<{ id: string }>(target.mid!.db, `select t.id from tracking_log t join delivery d on d.id = t.delivery_id where d.client = $1`, [target.marketing.instance]);
  const mkt = new Set((await query<{ source_id: string }>(target.marketing.db, `select source_id from tracking_log where source_id is not null`)).map((r) => String(r.source_id)));
  if (!mid.length) return fail('no tracking logs at the mid: nothing to bring back');
  const missing = mid.filter((r) => !mkt.has(String(r.id)));
  return verdict(missing.length === 0, `${mid.length - missing.length} of ${mid.length} tracking logs of the mid are on the marketing instance`);
};

export const smtp5xxFailed: CheckFn = async ({ target }) => {
  const r = await query<{ status: string; n: number }>(executionDb(target), `select status, count(*)::int as n from broadlog where reply_code ~ '^5[5-9][0-9]' and bounced_at is null group by status`);
  const total = r.reduce((a, x) => a + x.n, 0);
  if (!total) return fail('no message was answered 550-599 during the campaign: no evidence');
  const notFailed = r.filter((x) => x.status !== 'failed');
  return verdict(notFailed.length === 0, `${total} messages answered 550-599 by the MX: ${r.map((x) => `${x.n} ${x.status}`).join(', ')}`);
};

export const formsOnClient: CheckFn = async ({ target }) => {
  if (!target.marketing.webUrl) return fail('the target names no marketing.webUrl (where the forms are)');
  const email = `conformance-form-${Date.now().toString(36)}@${target.probeDomain}`;
  const form = new URL('/forms/subscribe', target.marketing.webUrl).toString();
  const r = await fetch(form, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email, firstName: 'Form' }).toString() });
  await r.text();
  const onMarketing = (await query(target.marketing.db, `select 1 from recipient where email = $1`, [email])).length;
  let atMid = 0;
  let midForm = 'no mid';
  if (target.mid) {
    atMid = (await query(target.mid.db, `select 1 from broadlog where email = $1`, [email])).length;
    const m = await fetch(new URL('/forms/subscribe', target.mid.soapUrl).toString());
    await m.text();
    midForm = `the mid answers ${m.status} for the form`;
  }
  return verdict(r.status === 200 && onMarketing === 1 && atMid === 0 && !/^2/.test(midForm.replace(/\D+/g, '')), `form POST: HTTP ${r.status}; recipient stored on the marketing instance: ${onMarketing ? 'yes' : 'no'}; at the mid: ${atMid ? 'yes' : 'no'}; ${midForm}`);
};
