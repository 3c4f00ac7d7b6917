import { describe, expect, it } from 'vitest';
import { messageId } from '../common/message-id.js';
import { classifyBounce } from './classify.js';

const ours = messageId({ broadLogId: 0x1f4, deliveryId: 0x2a, instance: 'mid' }, 'mta.mid.test');
const mail = (lines: string[]) => lines.join('\r\n');

function dsn(recipients: { to: string; action: string; status: string; diagnostic?: string }[], human = 'Your message could not be delivered.'): string {
  const b = 'BOUNDARY-1';
  return mail([
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    'To: bounce@mid.test',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain',
    '',
    human,
    '',
    `--${b}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    ...recipients.flatMap((r) => [
      `Final-Recipient: rfc822; ${r.to}`,
      `Action: ${r.action}`,
      `Status: ${r.status}`,
      ...(r.diagnostic ? [`Diagnostic-Code: smtp; ${r.diagnostic}`] : []),
      '',
    ]),
    `--${b}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: News <news@marketing.test>',
    `To: ${recipients[0]?.to ?? ''}`,
    'Subject: Our offers',
    `Message-ID: ${ours}`,
    '',
    `--${b}--`,
    '',
  ]);
}

describe('classifyBounce: RFC 3464 reports', () => {
  it('qualifies each recipient and finds our message from the quoted headers', async () => {
    const r = await classifyBounce(
      dsn([
        { to: 'gone@example.org', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown' },
        { to: 'full@example.org', action: 'failed', status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full' },
        { to: 'ok@example.org', action: 'delivered', status: '2.0.0' },
      ]),
    );
    expect(r.bounce).toBe(true);
    expect(r.kind).toBe('dsn');
    expect(r.messageRefs).toEqual([{ broadLogId: 0x1f4, deliveryId: 0x2a, instance: 'mid' }]);
    expect(r.recipients.map((x) => [x.recipient, x.action, x.reasonCode, x.type, x.status, x.replyCode])).toEqual([
      ['gone@example.org', 'failed', 1, 'Hard', '5.1.1', '550'],
      ['full@example.org', 'failed', 5, 'Soft', '5.2.2', '552'],
      ['ok@example.org', 'delivered', null, null, '2.0.0', ''],
    ]);
  });

  it('reads the prose when the report has no diagnostic, and keeps delayed reports apart', async () => {
    const r = await classifyBounce(
      dsn(
        [{ to: 'a@example.org', action: 'failed', status: '5.0.0' }],
        '<a@example.org>: host mx.example.org[192.0.2.1] said: 550 Unknown user (in reply to RCPT TO command)',
      ),
    );
    expect(r.recipients[0]).toMatchObject({ recipient: 'a@example.org', reasonCode: 1 });
    const delayed = await classifyBounce(dsn([{ to: 'b@example.org', action: 'delayed', status: '4.4.1', diagnostic: 'connect to mx.example.org: Connection timed out' }]));
    expect(delayed.recipients[0]).toMatchObject({ action: 'delayed', reasonCode: 3 });
  });
});

describe('classifyBounce: bounces in prose', () => {
  it('reads qmail reports, one block per recipient', async () => {
    const r = await classifyBounce(
      mail([
        'From: MAILER-DAEMON@mail.example.net',
        'To: bounce@mid.test',
        'Subject: failure notice',
        '',
        'Hi. This is the qmail-send program at mail.example.net.',
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        "This is a permanent error; I've given up. Sorry it didn't work out.",
        '',
        '<nobody@example.org>:',
        '192.0.2.1 does not like recipient.',
        'Remote host said: 550 5.1.1 <nobody@example.org>... User unknown',
        'Giving up on 192.0.2.1.',
        '',
        '<stuffed@example.org>:',
        '192.0.2.1 does not like recipient.',
        'Remote host said: 452 4.2.2 <stuffed@example.org>... Mailbox full',
        '',
        '--- Below this line is a copy of the message.',
        '',
        'Return-Path: <bounce@mid.test>',
        `Message-ID: ${ours}`,
        'From: News <news@marketing.test>',
        'To: nobody@example.org',
        '',
        'Hello',
      ]),
    );
    expect(r.kind).toBe('heuristic');
    expect(r.messageRefs).toHaveLength(1);
    expect(r.recipients.map((x) => [x.recipient, x.reasonCode])).toEqual([
      ['nobody@example.org', 1],
      ['stuffed@example.org', 5],
    ]);
  });

  it('reads Exim reports (X-Failed-Recipients) and Gmail delay warnings', async () => {
    const exim = await classifyBounce(
      mail([
        'From: Mail Delivery System <Mailer-Daemon@mx.example.net>',
        'To: bounce@mid.test',
        'Subject: Mail delivery failed: returning message to sender',
        'X-Failed-Recipients: someone@example.org',
        'Auto-Submitted: auto-replied',
        '',
        'This message was created automatically by mail delivery software.',
        '',
        'A message that you sent could not be delivered to one or more of its',
        'recipients. This is a permanent error. The following address(es) failed:',
        '',
        '  someone@example.org',
        '    host mx.example.org [192.0.2.2]',
        '    SMTP error from remote mail server after end of data:',
        '    550 5.7.1 Message rejected as spam',
        '',
        '------ This is a copy of the message, including all the headers. ------',
        '',
        `Message-ID: ${ours}`,
      ]),
    );
    expect(exim.recipients).toMatchObject([{ recipient: 'someone@example.org', reasonCode: 20, action: 'failed' }]);
    const gmail = await classifyBounce(
      mail([
        'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
        'To: bounce@mid.test',
        'Subject: Delivery Status Notification (Delay)',
        '',
        'Delivery to the following recipient has been delayed:',
        '',
        '     late@example.org',
        '',
        'Message will be retried for 2 more day(s)',
        '',
        'Technical details of temporary failure:',
        'The recipient server did not accept our requests to connect.',
      ]),
    );
    expect(gmail.recipients).toMatchObject([{ recipient: 'late@example.org', action: 'delayed', reasonCode: 3 }]);
  });
});

describe('classifyBounce: complaints and auto-replies', () => {
  it('qualifies an ARF complaint as Denylisted address', async () => {
    const b = 'ARF-1';
    const r = await classifyBounce(
      mail([
        'From: feedback@isp.example',
        'To: abuse@mid.test',
        'Subject: Abuse report',
        'MIME-Version: 1.0',
        `Content-Type: multipart/report; report-type=feedback-report; boundary="${b}"`,
        '',
        `--${b}`,
        'Content-Type: text/plain',
        '',
        'This is an email abuse report.',
        `--${b}`,
        'Content-Type: message/feedback-report',
        '',
        'Feedback-Type: abuse',
        'Version: 1',
        'Original-Rcpt-To: angry@example.org',
        `--${b}`,
        'Content-Type: message/rfc822',
        'Content-Disposition: inline',
        '',
        'From: news@marketing.test',
        'To: angry@example.org',
        `Message-ID: ${ours}`,
        'Subject: Offers',
        '',
        'Buy now',
        `--${b}--`,
      ]),
    );
    expect(r).toMatchObject({ bounce: true, kind: 'arf', messageRefs: [{ broadLogId: 0x1f4 }] });
    expect(r.recipients).toMatchObject([{ recipient: 'angry@example.org', reasonCode: 8, type: 'Hard' }]);
  });

  it('ignores auto-replies (Error ignored)', async () => {
    const r = await classifyBounce(
      mail(['From: Pat <pat@example.org>', 'To: bounce@mid.test', 'Subject: Automatic reply: Our offers', 'Auto-Submitted: auto-replied', '', 'I am out of the office until Monday.']),
    );
    expect(r).toMatchObject({ bounce: true, kind: 'autoreply', recipients: [{ recipient: 'pat@example.org', reasonCode: 25, type: 'Ignored' }] });
  });

  it('reads Amazon SES notifications', async () => {
    const body = JSON.stringify({
      notificationType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'x@example.org', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] },
    });
    for (const text of [body, JSON.stringify({ Type: 'Notification', Message: body })]) {
      const r = await classifyBounce(mail(['From: no-reply@sns.amazonaws.com', 'To: ops@mid.test', 'Subject: AWS Notification Message', '', text]));
      expect(r).toMatchObject({ kind: 'dsn', recipients: [{ recipient: 'x@example.org', reasonCode: 1 }] });
    }
  });
});

describe('classifyBounce: not bounces', () => {
  it('says no to ordinary mail, even when it talks about deliveries', async () => {
    const r = await classifyBounce(
      mail(['From: Sam <sam@example.org>', 'To: news@marketing.test', 'Subject: Re: Our offers', '', 'Hello, my parcel could not be delivered, can you help?']),
    );
    expect(r).toEqual({ bounce: false, kind: 'none', recipients: [], messageRefs: [] });
  });

  it('says no to notifications, newsletters and people writing about deliveries', async () => {
    const samples = [
      ['From: GitHub <notifications@github.com>', 'To: dev@mid.test', 'Subject: [repo] Build failed', 'Auto-Submitted: auto-generated', 'Precedence: bulk', '', 'The build failed: permanent error in step 3.'],
      ['From: Shop <no-reply@shop.example>', 'To: pat@mid.test', 'Subject: Your order', '', 'Your parcel could not be delivered today; we will try again tomorrow.'],
      ['From: Pat <pat@example.org>', 'To: news@marketing.test', 'Subject: Declined: Weekly meeting', '', 'Sorry, I cannot attend.'],
      ['From: Pat <pat@example.org>', 'To: news@marketing.test', 'Subject: Re: vacation plans', '', 'Mail to bob@example.org was rejected, he said.'],
    ];
    for (const lines of samples) expect((await classifyBounce(mail(lines))).bounce).toBe(false);
  });

  it('never throws on garbage', async () => {
    for (const raw of ['', '\u0000\u0001\u0002', 'no headers at all', Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'Content-Type: multipart/report; boundary=\r\n\r\n--\r\n--']) {
      const r = await classifyBounce(raw);
      expect(r.bounce).toBe(false);
    }
  });
});
