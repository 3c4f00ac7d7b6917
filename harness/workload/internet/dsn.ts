// An asynchronous bounce as the recipient domain's mail system writes it: an RFC 3464 delivery
// status notification (multipart/report; report-type=delivery-status) with a human part, the
// machine-readable message/delivery-status part and the original headers (text/rfc822-headers),
// which carry the original Message-ID that inMail uses to find the broadLog.
import MimeNode from 'nodemailer/lib/mime-node';
import type { DsnPlan } from '../model.js';

export interface DsnInput {
  /** The MX that accepted the original and now reports the failure, e.g. "mx.a.example". */
  reportingMta: string;
  /** The recipient that does not exist / whose mailbox is full. */
  rcpt: string;
  /** The original's envelope sender (the MTA's bounce address): the DSN goes there. */
  returnPath: string;
  arrivalDate: Date;
  /** The original header block, byte for byte (without the blank line that ends it). */
  originalHeaders: Buffer;
  plan: DsnPlan;
  /** Message-ID of the DSN itself. */
  messageId: string;
  date?: Date;
}

/** RFC 5322 date, e.g. "Mon, 23 Nov 2026 09:32:22 +0000". */
export function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

/** The header block of a raw message: everything before the first empty line. */
export function headerBlock(raw: Buffer): Buffer {
  for (const sep of ['\r\n\r\n', '\n\n']) {
    const at = raw.indexOf(sep);
    if (at >= 0) return raw.subarray(0, at);
  }
  return raw;
}

export function composeDsn(i: DsnInput): Promise<Buffer> {
  const diagnostic = `${i.plan.diagnostic.code} ${i.plan.diagnostic.enhanced} ${i.plan.diagnostic.text}`;
  const root = new MimeNode('multipart/report; report-type=delivery-status', { hostname: i.reportingMta });
  root.setHeader({
    From: `Mail Delivery System <MAILER-DAEMON@${i.reportingMta}>`,
    To: `<${i.returnPath}>`,
    Subject: 'Undelivered Mail Returned to Sender',
    Date: rfc5322Date(i.date ?? new Date()),
    'Message-ID': i.messageId,
    // RFC 3834: an automatic reply, so that nobody answers it automatically again.
    'Auto-Submitted': 'auto-replied',
  });

  root
    .createChild('text/plain; charset=us-ascii')
    .setHeader('Content-Description', 'Notification')
    .setContent(
      [
        `This is the mail system at host ${i.reportingMta}.`,
        '',
        "I'm sorry to have to inform you that your message could not",
        'be delivered to one or more recipients. Its headers are attached below.',
        '',
        '                   The mail system',
        '',
        `<${i.rcpt}>: host mailstore.${i.reportingMta.replace(/^mx\./, '')} said: ${diagnostic}`,
        '',
      ].join('\r\n'),
    );

  const status = [
    `Reporting-MTA: dns; ${i.reportingMta}`,
    `Arrival-Date: ${rfc5322Date(i.arrivalDate)}`,
    '',
    `Final-Recipient: rfc822; ${i.rcpt}`,
    'Action: failed',
    `Status: ${i.plan.status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
  ].join('\r\n');
  root.createChild('message/delivery-status').setHeader('Content-Description', 'Delivery report').setContent(status);

  // Raw, so that the composer does not re-encode the quoted headers (a quoted-printable soft
  // break could split the Message-ID that inMail looks for).
  const eightBit = i.originalHeaders.some((b) => b > 0x7f);
  root
    .createChild(false)
    .setRaw(
      Buffer.concat([
        Buffer.from(
          'Content-Type: text/rfc822-headers\r\n' +
            'Content-Description: Undelivered Message Headers\r\n' +
            `Content-Transfer-Encoding: ${eightBit ? '8bit' : '7bit'}\r\n\r\n`,
        ),
        i.originalHeaders,
        Buffer.from('\r\n'),
      ]),
    );
  return root.build();
}
