import { describe, expect, it } from 'vitest';
import { faultEnvelope, parseRequest, parseResponse, requestEnvelope, responseEnvelope, SoapFault, text } from './soap.js';

describe('SOAP codec', () => {
  it('round-trips a request with repeated elements and escaping', () => {
    const xml = requestEnvelope('nms:delivery', 'AppendDeliveryPart', {
      sessiontoken: 'abc',
      part: { '@partIndex': '0', r: [{ '@id': '1', '@email': 'a@x.test' }], },
    });
    const call = parseRequest(xml);
    expect(call.schema).toBe('nms:delivery');
    expect(call.method).toBe('AppendDeliveryPart');
    expect(text(call.params.sessiontoken)).toBe('abc');
    const part = call.params.part as Record<string, unknown>;
    expect(Array.isArray(part.r)).toBe(true);
    const xml2 = requestEnvelope('xtk:session', 'Logon', { strLogin: 'a<b>&"c' });
    expect(text(parseRequest(xml2).params.strLogin)).toBe('a<b>&"c');
  });
  it('reads a response and raises faults', () => {
    expect(parseResponse(responseEnvelope('xtk:session', 'Logon', { pstrSessionToken: 't' })).pstrSessionToken).toBe('t');
    const fault = faultEnvelope(new SoapFault('Client', 'bad token'));
    expect(() => parseResponse(fault)).toThrow(/bad token/);
  });
  it('refuses malformed XML, non-envelopes and entity declarations', () => {
    expect(() => parseRequest('<a><b></a>')).toThrow(SoapFault);
    expect(() => parseRequest('<x/>')).toThrow(/not a SOAP envelope/);
    const bomb = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><Envelope><Body>&b;</Body></Envelope>';
    expect(() => parseRequest(bomb)).toThrow(/refused/);
  });
});
