import { describe, expect, it } from 'vitest';
import { readDeliveryStatus, readFeedbackReport } from './dsn.js';

describe('readDeliveryStatus (RFC 3464)', () => {
  it('reads the per-message fields and one block per recipient, with folded lines', () => {
    const dsn = readDeliveryStatus(
      [
        'Reporting-MTA: dns; mta.example.net',
        'Arrival-Date: Mon, 1 Jan 2024 00:00:00 +0000',
        '',
        'Final-Recipient: rfc822; a@example.org',
        'Original-Recipient: rfc822;A@example.org',
        'Action: failed',
        'Status: 5.1.1',
        'Remote-MTA: dns; mx.example.org',
        'Diagnostic-Code: smtp; 550 5.1.1 <a@example.org>:',
        '    Recipient address rejected: User unknown',
        '',
        'Final-Recipient: rfc822; b@example.org',
        'Action: delayed',
        'Status: 4.4.7',
        '',
      ].join('\r\n'),
    );
    expect(dsn?.reportingMta).toBe('mta.example.net');
    expect(dsn?.recipients).toEqual([
      {
        finalRecipient: 'a@example.org',
        originalRecipient: 'A@example.org',
        action: 'failed',
        status: '5.1.1',
        diagnosticType: 'smtp',
        diagnostic: '550 5.1.1 <a@example.org>: Recipient address rejected: User unknown',
        remoteMta: 'mx.example.org',
      },
      { finalRecipient: 'b@example.org', originalRecipient: '', action: 'delayed', status: '4.4.7', diagnosticType: '', diagnostic: '', remoteMta: '' },
    ]);
  });

  it('splits recipient blocks that are not separated by a blank line', () => {
    const dsn = readDeliveryStatus('Final-Recipient: rfc822; a@x.test\nAction: failed\nStatus: 5.2.2\nFinal-Recipient: rfc822; b@x.test\nAction: failed\nStatus: 5.1.1\n');
    expect(dsn?.recipients.map((r) => [r.finalRecipient, r.status])).toEqual([
      ['a@x.test', '5.2.2'],
      ['b@x.test', '5.1.1'],
    ]);
  });

  it('finds the fields in prose around them and ignores texts without any', () => {
    expect(readDeliveryStatus('Some words.\n\nFinal-Recipient: RFC822; <c@x.test>\nAction: Failed\nStatus: 5.0.0 (permanent failure)\n')?.recipients[0]).toMatchObject({
      finalRecipient: 'c@x.test',
      action: 'failed',
      status: '5.0.0',
    });
    expect(readDeliveryStatus('Hello,\nthis is not a report.\nFrom: someone@x.test\n')).toBeNull();
    expect(readDeliveryStatus('Final-Recipient: rfc822; d@x.test\n')).toBeNull(); // neither action nor status
  });
});

describe('readFeedbackReport (ARF, RFC 5965)', () => {
  it('reads the type, the original recipients and the source', () => {
    const r = readFeedbackReport(
      'Feedback-Type: abuse\nUser-Agent: SomeISP-FBL/1.0\nVersion: 1\nOriginal-Mail-From: <bounce@mid.test>\nOriginal-Rcpt-To: a@x.test\nOriginal-Rcpt-To: b@x.test\nSource-IP: 192.0.2.1\nReported-Domain: mid.test\n',
    );
    expect(r).toMatchObject({
      feedbackType: 'abuse',
      originalMailFrom: 'bounce@mid.test',
      originalRcptTo: ['a@x.test', 'b@x.test'],
      sourceIp: '192.0.2.1',
      reportedDomain: ['mid.test'],
    });
    expect(readFeedbackReport('Version: 1\n')).toBeNull();
  });
});
