import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { findMessageRefs, messageId } from '../../../reference-impl/common/message-id.js';
import { dsnPlan } from '../model.js';
import { composeDsn, headerBlock, rfc5322Date } from './dsn.js';

const original = Buffer.from(
  [
    'From: Shop <news@shop.example>',
    'To: r7@a.example',
    'Subject: Our offers',
    `Message-ID: ${messageId({ broadLogId: 0x2d1b, deliveryId: 0x3e, instance: 'mid-instance-with-a-rather-long-name-to-pass-76-chars' }, 'mid.example.net')}`,
    'MIME-Version: 1.0',
    '',
    'body that must not be quoted',
  ].join('\r\n'),
);

describe('composeDsn', () => {
  it('writes an RFC 3464 report that mailparser reads back', async () => {
    const raw = await composeDsn({
      reportingMta: 'mx.a.example',
      rcpt: 'r7@a.example',
      returnPath: 'bounce@mid.example.net',
      arrivalDate: new Date('2025-01-02T03:04:05Z'),
      originalHeaders: headerBlock(original),
      plan: dsnPlan('userUnknown', 'r7@a.example'),
      messageId: '<dsn.1@mx.a.example>',
    });
    const text = raw.toString();
    const parsed = await simpleParser(raw);
    const ct = parsed.headers.get('content-type') as { value: string; params: Record<string, string> };
    expect(ct.value).toBe('multipart/report');
    expect(ct.params['report-type']).toBe('delivery-status');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.text).toContain('could not');

    // mailparser folds message/delivery-status into the text: read the MIME parts by boundary
    const parts = text.split(`--${ct.params.boundary}`);
    const status = parts.find((p) => /^\r\nContent-Type: message\/delivery-status/i.test(p));
    expect(status).toBeDefined();
    const fields = status!;
    expect(fields).toContain('Reporting-MTA: dns; mx.a.example');
    expect(fields).toContain('Arrival-Date: Thu, 02 Jan 2025 03:04:05 +0000');
    expect(fields).toContain('Final-Recipient: rfc822; r7@a.example');
    expect(fields).toContain('Action: failed');
    expect(fields).toContain('Status: 5.1.1');
    expect(fields).toMatch(/Diagnostic-Code: smtp; 550 5\.1\.1 .*User unknown/);

    const headers = parsed.attachments.find((a) => a.contentType === 'text/rfc822-headers');
    expect(headers).toBeDefined();
    // the original Message-ID is quoted unbroken, and the body is not
    expect(findMessageRefs(text)).toEqual([{ broadLogId: 0x2d1b, deliveryId: 0x3e, instance: 'mid-instance-with-a-rather-long-name-to-pass-76-chars' }]);
    expect(text).not.toContain('body that must not be quoted');
  });

  it('formats dates and finds header blocks', () => {
    expect(rfc5322Date(new Date('2025-01-02T03:04:05Z'))).toBe('Thu, 02 Jan 2025 03:04:05 +0000');
    expect(headerBlock(Buffer.from('A: 1\nB: 2\n\nbody')).toString()).toBe('A: 1\nB: 2');
  });
});
