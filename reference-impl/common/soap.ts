// SOAP 1.1 envelopes as the product's soaprouter.jsp speaks them: rpc style, the method element
// in the method's schema namespace (urn:xtk:session, urn:nms:delivery...), the session token as
// first parameter and the security token in the X-Security-Token header.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP_PATH = '/nl/jsp/soaprouter.jsp';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: true });
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  trimValues: false,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});
/** Elements that may repeat and must always parse as arrays. */
const ARRAY_ELEMENTS = new Set(['r', 'f', 'url', 'log', 'trk', 'counter']);

export class SoapFault extends Error {
  constructor(
    readonly code: 'Client' | 'Server',
    message: string,
    readonly detail = '',
    readonly httpStatus = 500,
  ) {
    super(message);
    this.name = 'SoapFault';
  }
}

/** An XML value tree as fast-xml-parser reads it: attributes under "@name", text under "#text". */
export type XmlNode = Record<string, unknown>;

export function buildXml(tree: XmlNode): string {
  return builder.build(tree) as string;
}

export function envelope(body: XmlNode): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${buildXml({
    'SOAP-ENV:Envelope': { '@xmlns:SOAP-ENV': SOAP_ENV, 'SOAP-ENV:Body': body },
  })}`;
}

/** A request envelope for `schema#method`, e.g. ("xtk:session", "Logon", {...params}). */
export function requestEnvelope(schema: string, method: string, params: XmlNode): string {
  return envelope({ [`m:${method}`]: { '@xmlns:m': `urn:${schema}`, ...params } });
}

export function responseEnvelope(schema: string, method: string, params: XmlNode): string {
  return envelope({ [`m:${method}Response`]: { '@xmlns:m': `urn:${schema}`, ...params } });
}

export function faultEnvelope(f: SoapFault): string {
  return envelope({
    'SOAP-ENV:Fault': {
      faultcode: `SOAP-ENV:${f.code}`,
      faultstring: f.message,
      ...(f.detail ? { detail: f.detail } : {}),
    },
  });
}

export interface ParsedCall {
  /** "urn:nms:delivery" -> "nms:delivery" */
  schema: string;
  method: string;
  params: XmlNode;
}

/** Reject what the parser must never see: DTDs (entity expansion, external entities). */
function refuseDoctype(xml: string): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new SoapFault('Client', 'XML document type declarations and entities are refused');
  }
}

function parseBody(xml: string): XmlNode {
  refuseDoctype(xml);
  let doc: XmlNode;
  try {
    doc = parser.parse(xml, true) as XmlNode;
  } catch (e) {
    throw new SoapFault('Client', `malformed XML: ${(e as Error).message.split('\n')[0]}`);
  }
  const env = doc.Envelope as XmlNode | undefined;
  const body = env?.Body as XmlNode | undefined;
  if (!body || typeof body !== 'object') throw new SoapFault('Client', 'not a SOAP envelope: no Envelope/Body');
  return body;
}

export function parseRequest(xml: string, soapAction?: string): ParsedCall {
  const body = parseBody(xml);
  const name = Object.keys(body).find((k) => !k.startsWith('@') && k !== '#text');
  if (!name) throw new SoapFault('Client', 'SOAP Body holds no method element');
  const el = body[name] as XmlNode | string;
  const params: XmlNode = typeof el === 'object' && el !== null ? el : {};
  const ns = methodNamespace(xml, name);
  let schema = ns?.startsWith('urn:') ? ns.slice(4) : '';
  if (!schema && soapAction) schema = soapAction.replace(/^"|"$/g, '').split('#')[0];
  return { schema, method: name, params };
}

/** The namespace URI of the method element (the parser drops xmlns attributes with prefixes). */
function methodNamespace(xml: string, method: string): string | undefined {
  const open = new RegExp(`<(?:([\\w.-]+):)?${method}\\b([^>]*)>`).exec(xml);
  if (!open) return undefined;
  const prefix = open[1];
  const attr = prefix ? `xmlns:${prefix}` : 'xmlns';
  const own = new RegExp(`${attr}\\s*=\\s*["']([^"']*)["']`).exec(open[2]);
  if (own) return own[1];
  return new RegExp(`${attr}\\s*=\\s*["']([^"']*)["']`).exec(xml)?.[1];
}

/** Parse a response: the method's result element, or throw the SoapFault it carries. */
export function parseResponse(xml: string): XmlNode {
  const body = parseBody(xml);
  const fault = body.Fault as XmlNode | undefined;
  if (fault) {
    const code = String(fault.faultcode ?? '').includes('Client') ? 'Client' : 'Server';
    throw new SoapFault(code, String(fault.faultstring ?? 'SOAP Fault'), String(fault.detail ?? ''));
  }
  const name = Object.keys(body).find((k) => !k.startsWith('@'));
  const el = name ? body[name] : undefined;
  return typeof el === 'object' && el !== null ? (el as XmlNode) : {};
}

/** Text of a parameter element (fast-xml-parser gives strings, or {#text} when it has attributes). */
export function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && '#text' in (v as XmlNode)) return String((v as XmlNode)['#text']);
  return '';
}
