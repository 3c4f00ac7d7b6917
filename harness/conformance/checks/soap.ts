// SOAP conformance of the mid-sourcing server, over HTTP as the marketing instance reaches it:
// Logon and its tokens, refusals, Faults (never a crash) for bad input, idempotent parts.
import { request } from 'node:http';
import pg from 'pg';
import { DELIVERY_SCHEMA, TRACKING_SCHEMA } from '../../../reference-impl/common/mid-api.js';
import { parseResponse, requestEnvelope, SoapFault, text, type XmlNode } from '../../../reference-impl/common/soap.js';
import { appendPart, call, logon, mid, post, probePart, type RawAnswer } from '../soap-call.js';
import type { Target } from '../target.js';
import { fail, pass, verdict, type CheckFn, type Verdict } from '../types.js';

const faultLine = (a: RawAnswer) => (a.fault ? `HTTP ${a.status}, Fault ${a.fault.code}: ${a.fault.message}` : `HTTP ${a.status}, no Fault: ${a.body.slice(0, 160)}`);

/** After abuse, the router must still answer a Logon (no crash, no hang). */
async function stillAnswers(t: Target): Promise<string | null> {
  try {
    const l = await logon(t);
    return l.session ? null : `then a Logon failed: ${faultLine(l)}`;
  } catch (e) {
    return `then the router no longer answers: ${(e as Error).message}`;
  }
}

async function refused(t: Target, a: RawAnswer, what: string, code = 'Client'): Promise<Verdict> {
  const after = await stillAnswers(t);
  if (!a.fault || a.fault.code !== code) return fail(`${what}: expected a ${code} SOAP Fault, got ${faultLine(a)}`);
  if (after) return fail(`${what}: ${faultLine(a)}; ${after}`);
  return pass(`${what}: ${faultLine(a)}; the router answers afterwards`);
}

export const logonTokens: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`Logon as "${mid(target).login}" gave no session and security tokens: ${faultLine(l)}`);
  return verdict(l.session.sessionToken !== l.session.securityToken, `Logon as "${mid(target).login}" returned a session token (${l.session.sessionToken.length} chars) and a distinct security token (${l.session.securityToken.length} chars)`);
};

export const logonWrongPassword: CheckFn = async ({ target }) => refused(target, await logon(target, `${mid(target).password}-wrong`), 'Logon with a wrong password');

const logsOf = (t: Target, s: { sessionToken?: string; securityToken?: string }) =>
  call(t, s, DELIVERY_SCHEMA, 'GetDeliveryLogs', { instance: 'conformance-probe', cursor: '', count: '1' });

export const noSessionToken: CheckFn = async ({ target }) => {
  const l = await logon(target);
  return refused(target, await logsOf(target, { securityToken: l.session?.securityToken }), 'GetDeliveryLogs without a session token');
};

export const noSecurityToken: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`cannot log on: ${faultLine(l)}`);
  const missing = await logsOf(target, { sessionToken: l.session.sessionToken });
  const wrong = await logsOf(target, { sessionToken: l.session.sessionToken, securityToken: `${l.session.securityToken}x` });
  if (!wrong.fault) return fail(`a wrong X-Security-Token was accepted: ${faultLine(wrong)}`);
  return refused(target, missing, 'GetDeliveryLogs with a session token but no X-Security-Token');
};

export const unknownMethod: CheckFn = async ({ target }) => {
  const l = await logon(target);
  return refused(target, await call(target, l.session ?? {}, DELIVERY_SCHEMA, 'DropEverything', {}), 'unknown method nms:delivery#DropEverything');
};

export const malformedXml: CheckFn = async ({ target }) => {
  const bad = ['<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><m:Logon', 'not xml at all', '', '<a><b></a>'];
  for (const body of bad) {
    const a = await post(mid(target).soapUrl, body);
    if (!a.fault) return refused(target, a, `malformed body ${JSON.stringify(body.slice(0, 30))}`);
  }
  return refused(target, await post(mid(target).soapUrl, bad[0]), `${bad.length} malformed bodies (truncated, not XML, empty, mismatched tags)`);
};

/**
 * POST a large body while listening for the answer: a server may answer 413 and close before the
 * body is sent (as it should), which fetch reports as a network error instead of the answer.
 */
function postEarly(url: string, body: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': body.length } });
    const timer = setTimeout(() => req.destroy(new Error('no answer within 60 s')), 60_000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    // A write cut short by the server's early answer is expected; only no answer at all is an error.
    req.on('error', (e) => setTimeout(() => {
      clearTimeout(timer);
      reject(e);
    }, 200));
    req.end(body);
  });
}

export const oversizeBody: CheckFn = async ({ target }) => {
  const m = mid(target);
  const pad = Buffer.alloc(m.maxBodyBytes + 1024, 0x20);
  const body = Buffer.concat([Buffer.from('<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'), pad, Buffer.from('</SOAP-ENV:Body></SOAP-ENV:Envelope>')]);
  let a: RawAnswer;
  try {
    const r = await postEarly(m.soapUrl, body);
    let fault: RawAnswer['fault'] = null;
    try {
      parseResponse(r.body);
    } catch (e) {
      if (e instanceof SoapFault) fault = { code: e.code, message: e.message };
    }
    a = { status: r.status, body: r.body, fault, result: null };
  } catch (e) {
    const after = await stillAnswers(target);
    return fail(`a ${body.length}-byte body: no answer (${(e as Error).message})${after ? `; ${after}` : ''}`);
  }
  return refused(target, a, `a ${body.length}-byte body (limit ${m.maxBodyBytes})`);
};

const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><m:Logon xmlns:m="urn:xtk:session"><sessiontoken/><strLogin>&lol9;</strLogin><strPassword>x</strPassword></m:Logon></SOAP-ENV:Body></SOAP-ENV:Envelope>`;

export const entityExpansion: CheckFn = async ({ target }) => {
  const started = Date.now();
  const a = await post(mid(target).soapUrl, LAUGHS, {}, 10_000);
  const v = await refused(target, a, `billion laughs (answered in ${Date.now() - started} ms)`);
  return v.status === 'pass' && a.body.includes('lollol') ? fail(`the answer holds expanded entities: ${a.body.slice(0, 120)}`) : v;
};

export const externalEntity: CheckFn = async ({ target }) => {
  const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><m:Logon xmlns:m="urn:xtk:session"><sessiontoken/><strLogin>&xxe;</strLogin><strPassword>x</strPassword></m:Logon></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
  const a = await post(mid(target).soapUrl, xxe);
  const v = await refused(target, a, 'external entity file:///etc/passwd');
  return v.status === 'pass' && a.body.includes('root:') ? fail('the answer holds /etc/passwd') : v;
};

/** A part sent twice (its answer lost) is stored once: counted in the mid's broadLogMid rows. */
export const idempotentPart: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`cannot log on: ${faultLine(l)}`);
  const mktDeliveryId = 900_000_000 + Math.floor(Math.random() * 90_000_000);
  const part = probePart(target, mktDeliveryId, [1, 2, 3].map((i) => `conformance-idem-${mktDeliveryId}-${i}@${target.probeDomain}`));
  const first = await appendPart(target, l.session, part);
  const again = await appendPart(target, l.session, part);
  if (!first.result || !again.result) return fail(`AppendDeliveryPart failed: ${faultLine(first.result ? again : first)}`);
  const db = new pg.Client({ connectionString: mid(target).db });
  await db.connect();
  try {
    const r = await db.query(
      `select count(*)::int as n, count(distinct b.mkt_broadlog_id)::int as ids from broadlog b join delivery d on d.id = b.delivery_id
        where d.client = $1 and d.mkt_delivery_id = $2`,
      [part.instance, mktDeliveryId],
    );
    const { n, ids } = r.rows[0];
    return verdict(n === 3 && ids === 3, `a 3-recipient part sent twice: ${n} broadLogMid rows stored for ${ids} mktBroadLogIds (expected 3)`);
  } finally {
    await db.end();
  }
};

/** GetDeliveryLogs answers only the calling instance's logs. */
export const instanceIsolation: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`cannot log on: ${faultLine(l)}`);
  const own = await call(target, l.session, DELIVERY_SCHEMA, 'GetDeliveryLogs', { instance: target.marketing.instance, cursor: '', count: '10' });
  const other = await call(target, l.session, DELIVERY_SCHEMA, 'GetDeliveryLogs', { instance: 'conformance-nobody', cursor: '', count: '10' });
  const rows = (a: RawAnswer) => logsList((a.result?.logs as XmlNode | undefined)?.log).length;
  if (!own.result || !other.result) return fail(`GetDeliveryLogs failed: ${faultLine(own.result ? other : own)}`);
  return verdict(rows(own) > 0 && rows(other) === 0, `${rows(own)} log rows for instance "${target.marketing.instance}", ${rows(other)} for an instance that sent nothing`);
};
const logsList = (v: unknown) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]);

/** GetDeliveryCounters carries counts only: opens and clicks come back with the tracking logs. */
export const countersWithoutTracking: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`cannot log on: ${faultLine(l)}`);
  const db = new pg.Client({ connectionString: target.marketing.db });
  await db.connect();
  const ids = (await db.query(`select id from delivery order by id`).finally(() => db.end())).rows.map((r) => r.id);
  const a = await call(target, l.session, DELIVERY_SCHEMA, 'GetDeliveryCounters', { instance: target.marketing.instance, deliveries: ids.join(',') });
  if (!a.result) return fail(`GetDeliveryCounters failed: ${faultLine(a)}`);
  const xml = a.body.replace(/<\?xml[^>]*>/, '');
  const counters = /<counter\b/.test(xml);
  const tracking = /open|click/i.test(xml.replace(/xmlns[^ >]*/g, ''));
  return verdict(counters && !tracking, `GetDeliveryCounters for deliveries ${ids.join(',')}: ${counters ? 'counters returned' : 'no counters'}, ${tracking ? 'mentions opens or clicks' : 'no opens or clicks in it'}`);
};

/** GetTrackingLogs reads in batches: 1000 rows by default, `count` bounds a batch, the cursor pages on. */
export const trackingBatches: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`cannot log on: ${faultLine(l)}`);
  const get = (cursor: string, count?: number) =>
    call(target, l.session!, TRACKING_SCHEMA, 'GetTrackingLogs', { instance: target.marketing.instance, cursor, ...(count ? { count: String(count) } : {}) });
  const all = await get('');
  if (!all.result) return fail(`GetTrackingLogs failed: ${faultLine(all)}`);
  const rows = (a: RawAnswer) => logsList((a.result?.trackingLogs as XmlNode | undefined)?.trk);
  const total = rows(all).length;
  if (total < 3) return fail(`only ${total} tracking logs at the mid: not enough to page`);
  const seen = new Set<string>();
  let cursor = '';
  let pages = 0;
  for (;;) {
    const a = await get(cursor, 2);
    const r = rows(a);
    if (r.length > 2) return fail(`count=2 returned ${r.length} rows`);
    for (const x of r) seen.add(text((x as XmlNode)['@id']));
    pages++;
    cursor = text((a.result?.trackingLogs as XmlNode | undefined)?.['@cursor']);
    if (text((a.result?.trackingLogs as XmlNode | undefined)?.['@more']) !== '1' || pages > 5000) break;
  }
  const defaultOk = total <= 1000;
  return verdict(defaultOk && seen.size >= total, `default batch: ${total} rows (at most 1000); count=2 paged ${seen.size} distinct rows in ${pages} batches`);
};

/** The session token may travel as the __sessiontoken cookie instead of the first parameter. */
export const sessionCookie: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`cannot log on: ${faultLine(l)}`);
  const body = requestEnvelope(DELIVERY_SCHEMA, 'GetDeliveryLogs', { sessiontoken: '', instance: 'conformance-probe', cursor: '', count: '1' });
  const headers = { soapaction: `${DELIVERY_SCHEMA}#GetDeliveryLogs`, 'x-security-token': l.session.securityToken };
  const withCookie = await post(mid(target).soapUrl, body, { ...headers, cookie: `__sessiontoken=${l.session.sessionToken}` });
  const wrongCookie = await post(mid(target).soapUrl, body, { ...headers, cookie: `__sessiontoken=${l.session.sessionToken}x` });
  return verdict(!!withCookie.result && !!wrongCookie.fault, `with the __sessiontoken cookie: ${withCookie.result ? 'answered' : faultLine(withCookie)}; with a wrong cookie: ${wrongCookie.fault ? 'Fault' : faultLine(wrongCookie)}`);
};

/** A batch size out of range is a Client Fault, not a huge read or a crash. */
export const badBatchSize: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`cannot log on: ${faultLine(l)}`);
  const answers: string[] = [];
  for (const count of ['0', '-5', 'all', '100000000']) {
    const a = await call(target, l.session, DELIVERY_SCHEMA, 'GetDeliveryLogs', { instance: target.marketing.instance, cursor: '', count });
    answers.push(`count=${count}: ${a.fault ? `Fault ${a.fault.code}` : `HTTP ${a.status} no Fault`}`);
    if (a.fault?.code !== 'Client') return refused(target, a, `GetDeliveryLogs count=${count}`);
  }
  return refused(target, await call(target, l.session, DELIVERY_SCHEMA, 'GetDeliveryLogs', { instance: target.marketing.instance, cursor: '', count: '0' }), answers.join('; '));
};

/** An invalid part (no template, a bad address) is refused with a Client Fault and nothing of it is stored. */
export const invalidPart: CheckFn = async ({ target }) => {
  const l = await logon(target);
  if (!l.session) return fail(`cannot log on: ${faultLine(l)}`);
  const mktDeliveryId = 600_000_000 + Math.floor(Math.random() * 90_000_000);
  const part = probePart(target, mktDeliveryId, [`ok@${target.probeDomain}`, 'not an address']);
  const bad = await appendPart(target, l.session, part);
  const noTemplate = await call(target, l.session, DELIVERY_SCHEMA, 'AppendDeliveryPart', { part: { '@instance': 'conformance-probe', '@mktDeliveryId': String(mktDeliveryId), '@partIndex': '0', '@partCount': '1' } });
  const db = new pg.Client({ connectionString: mid(target).db });
  await db.connect();
  const stored = (
    await db.query(`select count(*)::int as n from broadlog b join delivery d on d.id = b.delivery_id where d.client = 'conformance-probe' and d.mkt_delivery_id = $1`, [mktDeliveryId]).finally(() => db.end())
  ).rows[0].n;
  const ok = bad.fault?.code === 'Client' && noTemplate.fault?.code === 'Client' && stored === 0;
  return verdict(ok, `a part with "not an address": ${faultLine(bad)}; a part without a template: ${faultLine(noTemplate)}; ${stored} rows stored`);
};
