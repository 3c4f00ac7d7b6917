// inMail end to end: the module started in-process on real PostgreSQL, real DSNs sent to it over
// real SMTP with nodemailer's SMTP connection, the broadlog and the quarantine read back.
import { connect as tcpConnect } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/runtime/ports.js';
import type { PostgresServer } from '../../harness/runtime/postgres.js';
import { startTestPostgres } from '../../harness/testing/pg.js';
import { NodeConfig } from '../common/config.js';
import { createPool, type Pool } from '../common/db.js';
import { messageId } from '../common/message-id.js';
import type { RunningModule } from '../common/module.js';
import { start } from './index.js';

let pg: PostgresServer;
let pool: Pool;
let inMail: RunningModule;
let smtpPort: number;
let controlPort: number;
let deliveryId: number;

beforeAll(async () => {
  pg = await startTestPostgres('mid');
  smtpPort = await freePort();
  controlPort = await freePort();
  const config = NodeConfig.parse({
    instance: 'mid',
    control: { port: controlPort },
    inMail: { port: smtpPort, db: { url: pg.url('mid') }, maxMessageBytes: 64 * 1024, quarantine: { softThreshold: 3 } },
  });
  inMail = await start(config, pino({ level: 'silent' }));
  pool = createPool(pg.url('mid'));
  deliveryId = (await pool.query(`insert into delivery (label, template) values ('offers', '{}') returning id`)).rows[0].id;
});
afterAll(async () => {
  await inMail?.stop();
  await pool?.end();
  await pg?.stop();
});

/** A sent message: one broadlog row. */
async function sentTo(email: string): Promise<number> {
  const r = await pool.query(`insert into broadlog (delivery_id, email, status, event_at) values ($1, $2, 'sent', now()) returning id`, [deliveryId, email]);
  return r.rows[0].id;
}

function dsn(o: { broadLogId: number; to: string; status: string; diagnostic: string; instance?: string }): string {
  const id = messageId({ broadLogId: o.broadLogId, deliveryId, instance: o.instance ?? 'mid' }, 'mta.mid.test');
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    'To: bounce@mid.test',
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
    '',
    '--B1',
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered to one or more recipients.',
    '',
    '--B1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${o.to}`,
    'Action: failed',
    `Status: ${o.status}`,
    `Diagnostic-Code: smtp; ${o.diagnostic}`,
    '',
    '--B1',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Offers <news@marketing.test>',
    `To: ${o.to}`,
    'Subject: Our offers',
    `Message-ID: ${id}`,
    '',
    '--B1--',
    '',
  ].join('\r\n');
}

/** Send one message over SMTP; the server's answer either way. */
async function send(raw: string): Promise<{ ok: boolean; code?: number; response: string }> {
  const conn = new SMTPConnection({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, name: 'mx.example.org' });
  conn.on('error', () => {});
  await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
  try {
    const info = await new Promise<SMTPConnection.SentMessageInfo>((resolve, reject) =>
      conn.send({ from: '', to: ['bounce@mid.test'] }, raw, (e, i) => (e ? reject(e) : resolve(i))),
    );
    return { ok: true, response: String(info.response) };
  } catch (e) {
    const err = e as SMTPConnection.SMTPError;
    return { ok: false, code: err.responseCode, response: String(err.response ?? err.message) };
  } finally {
    conn.quit();
  }
}

const row = async (id: number) => (await pool.query('select * from broadlog where id = $1', [id])).rows[0];
const quarantine = async (email: string) => (await pool.query('select status, error_count from quarantine where email = $1', [email])).rows[0];
const metrics = async () => (await (await fetch(`http://127.0.0.1:${controlPort}/metrics`)).json()) as Record<string, unknown>;

describe('inMail (bounce handler)', () => {
  it('answers on its control port', async () => {
    const health = await (await fetch(`http://127.0.0.1:${controlPort}/health`)).json();
    expect(health).toMatchObject({ status: 'ok', module: 'bounce-handler' });
  });

  it('fails the broadlog row of a hard bounce and quarantines the address at once', async () => {
    const id = await sentTo('gone@example.org');
    const r = await send(dsn({ broadLogId: id, to: 'gone@example.org', status: '5.1.1', diagnostic: '550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown' }));
    expect(r).toMatchObject({ ok: true });
    expect(await row(id)).toMatchObject({
      status: 'failed',
      failure_type: 'Hard',
      failure_reason_code: 1,
      failure_reason: 'User unknown',
      reply_code: '550',
      failure_text: expect.stringContaining('User unknown'),
      bounced_at: expect.any(Date),
      visible_at: expect.any(Date),
      first_visible_at: expect.any(Date),
    });
    expect(await quarantine('gone@example.org')).toEqual({ status: 'quarantine', error_count: 1 });
    expect(await metrics()).toMatchObject({ received: 1, bounces: 1, matched: 1, perReason: { '1': 1 } });

    // The same report again (a second DSN for the same message) changes nothing.
    const before = await row(id);
    expect(await send(dsn({ broadLogId: id, to: 'gone@example.org', status: '5.1.1', diagnostic: '550 5.1.1 User unknown' }))).toMatchObject({ ok: true });
    expect(await row(id)).toEqual(before);
    expect(await quarantine('gone@example.org')).toEqual({ status: 'quarantine', error_count: 1 });
    expect(await metrics()).toMatchObject({ duplicates: 1, perReason: { '1': 1 } });
  });

  it('counts soft bounces and quarantines at the threshold', async () => {
    for (let i = 1; i <= 3; i++) {
      const id = await sentTo('full@example.org');
      await send(dsn({ broadLogId: id, to: 'full@example.org', status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full' }));
      expect(await row(id)).toMatchObject({ status: 'failed', failure_type: 'Soft', failure_reason_code: 5 });
      expect(await quarantine('full@example.org')).toEqual({ status: i < 3 ? 'valid' : 'quarantine', error_count: i });
    }
  });

  it('leaves the row alone for an auto-reply, and counts bounces for unknown messages', async () => {
    const id = await sentTo('away@example.org');
    const ref = messageId({ broadLogId: id, deliveryId, instance: 'mid' }, 'mta.mid.test');
    const reply = ['From: Pat <away@example.org>', 'To: bounce@mid.test', 'Subject: Out of office', 'Auto-Submitted: auto-replied', `In-Reply-To: ${ref}`, '', 'I am away.'].join('\r\n');
    expect(await send(reply)).toMatchObject({ ok: true });
    expect(await row(id)).toMatchObject({ status: 'sent', failure_reason_code: null });
    expect(await quarantine('away@example.org')).toBeUndefined();

    const before = (await metrics()).unmatched as number;
    await send(dsn({ broadLogId: id, to: 'away@example.org', status: '5.1.1', diagnostic: '550 User unknown', instance: 'other-instance' }));
    await send(dsn({ broadLogId: 999_999, to: 'nobody@example.org', status: '5.1.1', diagnostic: '550 User unknown' }));
    expect((await metrics()).unmatched).toBe(before + 2);
    expect(await row(id)).toMatchObject({ status: 'sent' });
  });

  it('answers 451 when the database fails, so that the sender retries and nothing is lost', async () => {
    const id = await sentTo('later@example.org');
    const bounce = dsn({ broadLogId: id, to: 'later@example.org', status: '5.1.1', diagnostic: '550 5.1.1 User unknown' });
    await pool.query('alter table broadlog rename to broadlog_away');
    try {
      expect(await send(bounce)).toMatchObject({ ok: false, code: 451 });
    } finally {
      await pool.query('alter table broadlog_away rename to broadlog');
    }
    expect(await row(id)).toMatchObject({ status: 'sent' });
    expect(await send(bounce)).toMatchObject({ ok: true });
    expect(await row(id)).toMatchObject({ status: 'failed', failure_reason_code: 1 });
  });

  it('refuses an oversize message with 552', async () => {
    const big = `From: MAILER-DAEMON@x.test\r\nSubject: big\r\n\r\n${'x'.repeat(100)}\r\n`.repeat(1000);
    expect(await send(big)).toMatchObject({ ok: false, code: 552 });
  });

  it('answers garbage with 5xx and keeps serving', async () => {
    const lines = await talk(['EHLO client.test', 'GARBAGE COMMAND', 'MAIL FROM:<not an address', 'AUTH PLAIN AGFiYwBkZWY=', 'STARTTLS', 'QUIT']);
    const replies = lines.filter((l) => /^\d{3} /.test(l)).map((l) => Number(l.slice(0, 3)));
    expect(replies[0]).toBe(220); // greeting
    expect(replies.slice(2, 6).every((c) => c >= 500 && c < 600)).toBe(true);
    const id = await sentTo('after@example.org');
    expect(await send(dsn({ broadLogId: id, to: 'after@example.org', status: '5.1.1', diagnostic: '550 User unknown' }))).toMatchObject({ ok: true });
    expect(await send('\u0000\u0001 not a mail at all \r\n')).toMatchObject({ ok: true });
    expect(await row(id)).toMatchObject({ status: 'failed' });
  });
});

/** A raw SMTP session, one command after each reply; the lines the server sent. */
function talk(commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(smtpPort, '127.0.0.1');
    const lines: string[] = [];
    let buffer = '';
    let next = 0;
    socket.on('data', (d) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        lines.push(line);
        if (/^\d{3} /.test(line) && next < commands.length) socket.write(commands[next++] + '\r\n');
      }
    });
    socket.on('close', () => resolve(lines));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy());
  });
}
