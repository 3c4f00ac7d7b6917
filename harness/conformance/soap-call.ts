// Raw SOAP calls to the target's soaprouter, for checks that need to see the HTTP status and the
// Fault as sent (a client library would hide them). Envelopes come from the reference's codec.
import { DELIVERY_SCHEMA, encodePart, SESSION_SCHEMA, type DeliveryPart } from '../../reference-impl/common/mid-api.js';
import { parseResponse, requestEnvelope, SoapFault, text, type XmlNode } from '../../reference-impl/common/soap.js';
import type { Target } from './target.js';

export interface RawAnswer {
  status: number;
  body: string;
  /** The Fault the answer carries, or null. */
  fault: { code: string; message: string } | null;
  result: XmlNode | null;
}

export async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, timeoutMs = 20_000): Promise<RawAnswer> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', ...headers },
    body: body as unknown as string,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  try {
    return { status: r.status, body: text, fault: null, result: parseResponse(text) };
  } catch (e) {
    if (e instanceof SoapFault) return { status: r.status, body: text, fault: { code: e.code, message: e.message }, result: null };
    return { status: r.status, body: text, fault: null, result: null };
  }
}

export function mid(t: Target): NonNullable<Target['mid']> {
  if (!t.mid) throw new Error(`target ${t.name} has no mid (mid-sourcing mode only)`);
  return t.mid;
}

export interface Session {
  sessionToken: string;
  securityToken: string;
}

export async function logon(t: Target, password = mid(t).password): Promise<RawAnswer & { session: Session | null }> {
  const m = mid(t);
  const a = await post(m.soapUrl, requestEnvelope(SESSION_SCHEMA, 'Logon', { sessiontoken: '', strLogin: m.login, strPassword: password }), { soapaction: `${SESSION_SCHEMA}#Logon` });
  const s = a.result ? { sessionToken: text(a.result.pstrSessionToken), securityToken: text(a.result.pstrSecurityToken) } : null;
  return { ...a, session: s && s.sessionToken && s.securityToken ? s : null };
}

/** A call with the tokens where the product wants them: session token first, security token as a header. */
export function call(t: Target, s: Partial<Session>, schema: string, method: string, params: XmlNode): Promise<RawAnswer> {
  const headers: Record<string, string> = { soapaction: `${schema}#${method}` };
  if (s.securityToken) headers['x-security-token'] = s.securityToken;
  return post(mid(t).soapUrl, requestEnvelope(schema, method, { sessiontoken: s.sessionToken ?? '', ...params }), headers);
}

export function appendPart(t: Target, s: Session, part: DeliveryPart): Promise<RawAnswer> {
  return call(t, s, DELIVERY_SCHEMA, 'AppendDeliveryPart', { part: encodePart(part) });
}

/** A delivery part of the conformance probe: its own instance name, so no real instance's sync sees it. */
export function probePart(t: Target, mktDeliveryId: number, emails: string[], firstId = 1): DeliveryPart {
  return {
    instance: 'conformance-probe',
    mktDeliveryId,
    partIndex: 0,
    partCount: 1,
    label: 'midsim conformance probe',
    template: { from: 'Probe <probe@conformance.invalid>', subject: 'conformance probe', html: '<p>probe</p>' },
    urls: [],
    recipients: emails.map((email, i) => ({ mktBroadLogId: firstId + i, email, fields: {} })),
  };
}
