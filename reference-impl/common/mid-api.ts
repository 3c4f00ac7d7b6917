// The mid-sourcing link: what the marketing instance and the mid-sourcing server say to each other
// over SOAP. Parts carry only what assembles the messages (template, links, and per recipient the
// broadLog id, the address and the fields the template uses); logs flow back in batches.
import { SoapFault, text, type XmlNode } from './soap.js';
import type { Template } from './template.js';

export const SESSION_SCHEMA = 'xtk:session';
export const DELIVERY_SCHEMA = 'nms:delivery';
export const TRACKING_SCHEMA = 'nms:trackingLog';

export interface PartRecipient {
  mktBroadLogId: number;
  email: string;
  fields: Record<string, string>;
}
export interface DeliveryPart {
  /** The marketing instance that owns the delivery. */
  instance: string;
  mktDeliveryId: number;
  partIndex: number;
  partCount: number;
  label: string;
  template: Template;
  urls: { id: number; url: string; label?: string }[];
  recipients: PartRecipient[];
}

export interface DeliveryLogRow {
  mktBroadLogId: number;
  status: 'sent' | 'failed' | 'ignored';
  failureType?: string;
  reasonCode?: number;
  reason?: string;
  failureText?: string;
  replyCode?: string;
  eventAt: string;
  bouncedAt?: string;
}
export interface TrackingLogRow {
  id: number;
  mktBroadLogId: number;
  mktDeliveryId: number;
  urlId: number;
  kind: 'open' | 'click';
  at: string;
  userAgent?: string;
}
export interface DeliveryCounters {
  mktDeliveryId: number;
  processed: number;
  pending: number;
  sent: number;
  failed: number;
  hard: number;
  soft: number;
  ignored: number;
}
/** One batch of a change stream and where to continue from. */
export interface Batch<T> {
  rows: T[];
  cursor: string;
  more: boolean;
}

function fault(what: string): never {
  throw new SoapFault('Client', `AppendDeliveryPart: ${what}`);
}
function int(v: unknown, what: string): number {
  const n = Number(text(v));
  if (!Number.isSafeInteger(n) || n < 0 || text(v) === '') fault(`${what} must be a non-negative integer, got "${text(v)}"`);
  return n;
}
function asArray(v: unknown): XmlNode[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as XmlNode[];
}

export function encodePart(p: DeliveryPart): XmlNode {
  return {
    '@instance': p.instance,
    '@mktDeliveryId': String(p.mktDeliveryId),
    '@partIndex': String(p.partIndex),
    '@partCount': String(p.partCount),
    '@label': p.label,
    template: { from: p.template.from, subject: p.template.subject, html: p.template.html, ...(p.template.text ? { text: p.template.text } : {}) },
    url: p.urls.map((u) => ({ '@id': String(u.id), ...(u.label ? { '@label': u.label } : {}), '#text': u.url })),
    r: p.recipients.map((r) => ({
      '@id': String(r.mktBroadLogId),
      '@email': r.email,
      f: Object.entries(r.fields).map(([n, v]) => ({ '@n': n, '#text': v })),
    })),
  };
}

export function decodePart(node: unknown): DeliveryPart {
  if (!node || typeof node !== 'object') fault('missing <part> element');
  const p = node as XmlNode;
  const tpl = p.template as XmlNode | undefined;
  if (!tpl || typeof tpl !== 'object') fault('missing <template>');
  const template: Template = { from: text(tpl.from), subject: text(tpl.subject), html: text(tpl.html) };
  if (text(tpl.text)) template.text = text(tpl.text);
  if (!template.from || !template.subject || !template.html) fault('<template> needs <from>, <subject> and <html>');
  const instance = text(p['@instance']);
  if (!instance) fault('attribute instance is missing');
  const part: DeliveryPart = {
    instance,
    mktDeliveryId: int(p['@mktDeliveryId'], 'mktDeliveryId'),
    partIndex: int(p['@partIndex'], 'partIndex'),
    partCount: int(p['@partCount'], 'partCount'),
    label: text(p['@label']),
    template,
    urls: asArray(p.url).map((u, i) => ({ id: int(u['@id'], `url[${i}].id`), url: text(u), label: text(u['@label']) || undefined })),
    recipients: asArray(p.r).map((r, i) => {
      const email = text(r['@email']);
      if (!/^[^\s@<>]+@[^\s@<>]+$/.test(email)) fault(`r[${i}].email "${email}" is not an address`);
      const fields: Record<string, string> = {};
      for (const f of asArray(r.f)) fields[text(f['@n'])] = text(f);
      return { mktBroadLogId: int(r['@id'], `r[${i}].id`), email, fields };
    }),
  };
  if (part.partIndex >= part.partCount) fault(`partIndex ${part.partIndex} is not below partCount ${part.partCount}`);
  return part;
}

const opt = (v: unknown) => (text(v) === '' ? undefined : text(v));

export function encodeLogs(b: Batch<DeliveryLogRow>): XmlNode {
  return {
    '@cursor': b.cursor,
    '@more': b.more ? '1' : '0',
    log: b.rows.map((r) => ({
      '@id': String(r.mktBroadLogId),
      '@status': r.status,
      ...(r.failureType ? { '@type': r.failureType } : {}),
      ...(r.reasonCode !== undefined ? { '@reasonCode': String(r.reasonCode) } : {}),
      ...(r.reason ? { '@reason': r.reason } : {}),
      ...(r.failureText ? { '@text': r.failureText } : {}),
      ...(r.replyCode ? { '@replyCode': r.replyCode } : {}),
      '@eventAt': r.eventAt,
      ...(r.bouncedAt ? { '@bouncedAt': r.bouncedAt } : {}),
    })),
  };
}

export function decodeLogs(node: unknown): Batch<DeliveryLogRow> {
  const n = (node ?? {}) as XmlNode;
  return {
    cursor: text(n['@cursor']),
    more: text(n['@more']) === '1',
    rows: asArray(n.log).map((l) => ({
      mktBroadLogId: Number(text(l['@id'])),
      status: text(l['@status']) as DeliveryLogRow['status'],
      failureType: opt(l['@type']),
      reasonCode: opt(l['@reasonCode']) === undefined ? undefined : Number(text(l['@reasonCode'])),
      reason: opt(l['@reason']),
      failureText: opt(l['@text']),
      replyCode: opt(l['@replyCode']),
      eventAt: text(l['@eventAt']),
      bouncedAt: opt(l['@bouncedAt']),
    })),
  };
}

export function encodeTracking(b: Batch<TrackingLogRow>): XmlNode {
  return {
    '@cursor': b.cursor,
    '@more': b.more ? '1' : '0',
    trk: b.rows.map((r) => ({
      '@id': String(r.id),
      '@broadLogId': String(r.mktBroadLogId),
      '@deliveryId': String(r.mktDeliveryId),
      '@urlId': String(r.urlId),
      '@kind': r.kind,
      '@at': r.at,
      ...(r.userAgent ? { '@userAgent': r.userAgent } : {}),
    })),
  };
}

export function decodeTracking(node: unknown): Batch<TrackingLogRow> {
  const n = (node ?? {}) as XmlNode;
  return {
    cursor: text(n['@cursor']),
    more: text(n['@more']) === '1',
    rows: asArray(n.trk).map((t) => ({
      id: Number(text(t['@id'])),
      mktBroadLogId: Number(text(t['@broadLogId'])),
      mktDeliveryId: Number(text(t['@deliveryId'])),
      urlId: Number(text(t['@urlId'])),
      kind: text(t['@kind']) as TrackingLogRow['kind'],
      at: text(t['@at']),
      userAgent: opt(t['@userAgent']),
    })),
  };
}

export const COUNTER_KEYS = ['processed', 'pending', 'sent', 'failed', 'hard', 'soft', 'ignored'] as const;

export function encodeCounters(list: DeliveryCounters[]): XmlNode {
  return {
    counter: list.map((c) => ({
      '@deliveryId': String(c.mktDeliveryId),
      ...Object.fromEntries(COUNTER_KEYS.map((k) => [`@${k}`, String(c[k])])),
    })),
  };
}

export function decodeCounters(node: unknown): DeliveryCounters[] {
  const n = (node ?? {}) as XmlNode;
  return asArray(n.counter).map((c) => {
    const out = { mktDeliveryId: Number(text(c['@deliveryId'])) } as DeliveryCounters;
    for (const k of COUNTER_KEYS) out[k] = Number(text(c[`@${k}`]));
    return out;
  });
}
