import { describe, expect, it } from 'vitest';
import { decodeTrackingId, encodeTrackingId, trackingUrl } from './tracking.js';
import { findMessageRefs, messageId } from './message-id.js';

describe('tracking ids', () => {
  it('round-trips the documented format', () => {
    const t = { broadLogId: 0x2d1b, deliveryId: 0x3e, urlId: 1 };
    expect(encodeTrackingId(t)).toBe('h2d1b,3e,1');
    expect(decodeTrackingId('h2d1b,3e,1')).toEqual(t);
    expect(trackingUrl('http://t.example/', t)).toBe('http://t.example/r/?id=h2d1b,3e,1');
  });
  it('rejects anything else', () => {
    for (const bad of ['', '2d1b,3e,1', 'h2d1b,3e', 'hzz,1,1', 'h1,1,1,1', 'h1,1,1;drop', null]) {
      expect(decodeTrackingId(bad)).toBeNull();
    }
  });
});

describe('message ids', () => {
  it('are found again in quoted headers', () => {
    const id = messageId({ broadLogId: 255, deliveryId: 3, instance: 'mid' }, 'mid.example.net');
    expect(id).toBe('<ff.3.mid@mid.example.net>');
    expect(findMessageRefs(`Message-ID: ${id}\r\nX: y`)).toEqual([{ broadLogId: 255, deliveryId: 3, instance: 'mid' }]);
    expect(findMessageRefs('Message-ID: <abc@gmail.com>')).toEqual([]);
  });
});
