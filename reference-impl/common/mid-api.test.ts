import { describe, expect, it } from 'vitest';
import { decodeCounters, decodeLogs, decodePart, decodeTracking, encodeCounters, encodeLogs, encodePart, encodeTracking, type DeliveryPart } from './mid-api.js';
import { parseRequest, requestEnvelope } from './soap.js';

const part: DeliveryPart = {
  instance: 'marketing',
  mktDeliveryId: 7,
  partIndex: 1,
  partCount: 3,
  label: 'Spring & "sale"',
  template: { from: 'a@b.example', subject: 'Hi <%= recipient.firstName %>', html: '<p>x</p>' },
  urls: [{ id: 2, url: 'https://b.example/?a=1&b=2' }],
  recipients: [
    { mktBroadLogId: 10, email: 'r0@x.test', fields: { firstName: 'Zoë <z>' } },
    { mktBroadLogId: 11, email: 'r1@x.test', fields: { firstName: '' } },
  ],
};

describe('mid-sourcing wire format', () => {
  it('round-trips a delivery part through a SOAP envelope', () => {
    const xml = requestEnvelope('nms:delivery', 'AppendDeliveryPart', { sessiontoken: 't', part: encodePart(part) });
    expect(decodePart(parseRequest(xml).params.part)).toEqual(part);
  });
  it('refuses a broken part with a message naming the field', () => {
    const bad = encodePart({ ...part, recipients: [{ mktBroadLogId: 1, email: 'nope', fields: {} }] });
    expect(() => decodePart(parseRequest(requestEnvelope('nms:delivery', 'AppendDeliveryPart', { part: bad })).params.part)).toThrow(/r\[0\]\.email/);
    const noIdx = { ...encodePart(part), '@partIndex': 'x' };
    expect(() => decodePart(parseRequest(requestEnvelope('nms:delivery', 'AppendDeliveryPart', { part: noIdx })).params.part)).toThrow(/partIndex/);
  });
  it('round-trips logs, tracking logs and counters', () => {
    const logs = { cursor: '5:9', more: true, rows: [{ mktBroadLogId: 3, status: 'failed' as const, failureType: 'Hard', reasonCode: 1, reason: 'User unknown', failureText: '550 5.1.1 no', replyCode: '550', eventAt: '2026-01-01T00:00:00.000Z', bouncedAt: undefined }] };
    const env = (x: object) => parseRequest(requestEnvelope('nms:delivery', 'X', { x })).params.x;
    expect(decodeLogs(env(encodeLogs(logs)))).toEqual(logs);
    const trk = { cursor: '1:1', more: false, rows: [{ id: 1, mktBroadLogId: 3, mktDeliveryId: 7, urlId: 2, kind: 'click' as const, at: '2026-01-01T00:00:00.000Z', userAgent: undefined }] };
    expect(decodeTracking(env(encodeTracking(trk)))).toEqual(trk);
    const counters = [{ mktDeliveryId: 7, processed: 10, pending: 1, sent: 8, failed: 1, hard: 1, soft: 0, ignored: 0 }];
    expect(decodeCounters(env(encodeCounters(counters)))).toEqual(counters);
  });
});
