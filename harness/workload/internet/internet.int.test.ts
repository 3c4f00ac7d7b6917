// The simulated Internet in-process, against stand-ins for the MTA (nodemailer's SMTP connection),
// inMail (smtp-tester) and the redirector (node:http): the observed events must match the
// workload model exactly.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import smtpTester, { type MailServer } from 'smtp-tester';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../../reference-impl/common/http.js';
import { findMessageRefs, messageId } from '../../../reference-impl/common/message-id.js';
import { decodeTrackingId, trackingUrl } from '../../../reference-impl/common/tracking.js';
import { freePort } from '../../runtime/ports.js';
import { RecipientBehaviour, WorkloadDomains, assignDomain, expectedTotals, outcomeFor, recipientEmail } from '../model.js';
import type { EventPage, InternetEvent } from './events.js';
import { startInternet, type Endpoint, type RunningInternet } from './index.js';

const SEED = 20250101;
const N = 120;
const DELIVERY_ID = 0x3e;
const BOUNCE_ADDRESS = 'bounce@mid.example.net';
const domains = WorkloadDomains.parse([
  {
    name: 'a.example',
    weight: 2,
    reject: { userUnknown: 0.08, mailboxFull: 0.04, refused: 0.04 },
    defer: { share: 0.1, attempts: 2 },
    dsn: { share: 0.15, kinds: { userUnknown: 1, mailboxFull: 1 }, delay: '30ms' },
  },
  {
    name: 'b.example',
    weight: 1,
    reject: { userUnknown: 0.05, mailboxFull: 0, refused: 0 },
    defer: { share: 0 },
    dsn: { share: 0.1, kinds: { userUnknown: 1, mailboxFull: 0 }, delay: '30ms' },
  },
]);
const recipients = RecipientBehaviour.parse({ openRate: 0.5, clickRate: 0.2, delay: '10ms' });
const expected = expectedTotals(SEED, N, domains, recipients);

// --- stand-ins -------------------------------------------------------------------------------

/** The redirector: 200 for the open pixel, 302 for links it knows (url ids 2 and 3), 404 otherwise. */
async function startRedirector(): Promise<{ server: Server; base: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const t = decodeTrackingId(new URL(req.url ?? '/', 'http://x').searchParams.get('id'));
    if (t?.urlId === 1) res.writeHead(200, { 'content-type': 'image/gif' }).end('GIF89a');
    else if (t && t.urlId <= 3) res.writeHead(302, { location: `https://shop.example/offer/${t.urlId}` }).end();
    else res.writeHead(404).end();
  });
  await listen(server, 0, '127.0.0.1');
  const port = (server.address() as { port: number }).port;
  return { server, base: `http://127.0.0.1:${port}`, hits };
}

/** The message the MTA would send to recipient `index`. */
function campaignMessage(index: number, to: string, trackingBase: string): Promise<Buffer> {
  const t = (urlId: number) => trackingUrl(trackingBase, { broadLogId: index + 1, deliveryId: DELIVERY_ID, urlId });
  return new MailComposer({
    from: 'Shop <news@shop.example>',
    to,
    subject: `Offers for r${index}`,
    messageId: messageId({ broadLogId: index + 1, deliveryId: DELIVERY_ID, instance: 'mid' }, 'mid.example.net'),
    text: `Our offers: ${t(2)}`,
    html: `<html><body><p>Hello</p><a href="${t(2)}">offers</a> <a href="${t(3)}">more</a><img src="${t(1)}" width="1" height="1"></body></html>`,
  })
    .compile()
    .build();
}

interface SmtpFailure extends Error {
  responseCode?: number;
  response?: string;
}

/** The MTA: one SMTP connection reused for many messages. */
class MtaConnection {
  private constructor(readonly conn: SMTPConnection) {}
  static open(ep: Endpoint): Promise<MtaConnection> {
    const conn = new SMTPConnection({ ...ep, name: 'mta.mid.example.net', ignoreTLS: true, logger: false });
    return new Promise((resolve, reject) => {
      conn.once('error', reject);
      conn.connect(() => {
        conn.removeListener('error', reject);
        conn.on('error', () => undefined);
        resolve(new MtaConnection(conn));
      });
    });
  }
  /** null when accepted, the SMTP code otherwise. */
  send(to: string, raw: Buffer, from = BOUNCE_ADDRESS): Promise<number | null> {
    return new Promise((resolve, reject) =>
      this.conn.send({ from, to: [to] }, raw, (err) => {
        if (!err) return resolve(null);
        const code = (err as SmtpFailure).responseCode;
        if (!code) return reject(err);
        this.conn.reset(() => resolve(code));
      }),
    );
  }
  close(): void {
    this.conn.quit();
  }
}

// --- helpers ---------------------------------------------------------------------------------

async function control(internet: RunningInternet, path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://${internet.control.host}:${internet.control.port}${path}`, init);
  return { status: res.status, body: await res.json() };
}

/** Like the harness's probe: poll the new events and keep them all (read events are discarded there). */
class EventLog {
  readonly all: InternetEvent[] = [];
  private last = 0;
  constructor(private readonly internet: () => RunningInternet) {}
  async sync(): Promise<InternetEvent[]> {
    for (;;) {
      const page = (await control(this.internet(), `/events?after=${this.last}&limit=50`)).body as EventPage;
      this.all.push(...page.events);
      this.last = page.last;
      if (!page.events.length) return this.all;
    }
  }
  since(seq: number): InternetEvent[] {
    return this.all.filter((e) => e.seq > seq);
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function smtpDialog(ep: Endpoint): Promise<{ say(line: string): Promise<string>; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(ep.port, ep.host);
    let buffer = '';
    let waiter: ((line: string) => void) | null = null;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buffer += d;
      // a complete reply ends with a line "ddd <text>"
      const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer);
      if (m && waiter) {
        const w = waiter;
        waiter = null;
        const reply = buffer;
        buffer = '';
        w(reply);
      }
    });
    socket.once('error', reject);
    const next = () => new Promise<string>((r) => (waiter = r));
    void next().then(() =>
      resolve({
        socket,
        say: (line) => {
          const p = next();
          socket.write(line + '\r\n');
          return p;
        },
      }),
    );
  });
}

// --- the run ---------------------------------------------------------------------------------

describe('the simulated Internet', () => {
  let inMail: MailServer;
  let redirector: Awaited<ReturnType<typeof startRedirector>>;
  let internet: RunningInternet;
  const log = new EventLog(() => internet);
  const dsns: { sender: string; data: string }[] = [];
  let sendResults: { index: number; deferrals: number; final: number | null }[] = [];

  beforeAll(async () => {
    const intakePort = await freePort();
    inMail = smtpTester.init(intakePort);
    inMail.bind(BOUNCE_ADDRESS, (_addr, _id, email) => dsns.push({ sender: email.sender, data: String(email.data) }));
    redirector = await startRedirector();
    internet = await startInternet({
      seed: SEED,
      domains: domains.map((d) => ({ name: d.name, host: '127.0.0.1', port: 0, behaviour: { reject: d.reject, defer: d.defer, dsn: d.dsn } })),
      bounceIntake: { host: '127.0.0.1', port: intakePort },
      recipients,
      control: { host: '127.0.0.1', port: 0 },
      logLevel: 'silent',
    });

    // The MTA: one connection per domain, each message retried at once while deferred.
    const conns = new Map<string, MtaConnection>();
    for (const d of domains) conns.set(d.name, await MtaConnection.open(internet.domains[d.name]));
    sendResults = [];
    for (let i = 0; i < N; i++) {
      const domain = assignDomain(SEED, i, domains).name;
      const to = recipientEmail(i, domain);
      const raw = await campaignMessage(i, to, redirector.base);
      let deferrals = 0;
      let code: number | null;
      while ((code = await conns.get(domain)!.send(to, raw)) !== null && code < 500 && deferrals < 10) deferrals++;
      sendResults.push({ index: i, deferrals, final: code });
    }
    for (const c of conns.values()) c.close();
  });

  afterAll(async () => {
    await internet?.stop();
    await new Promise<void>((r) => (inMail ? inMail.stop(() => r()) : r()));
    if (redirector) await closeServer(redirector.server);
  });

  it('the precondition: every kind of outcome occurs in this population', () => {
    expect(expected.rejected.userUnknown * expected.rejected.mailboxFull * expected.rejected.refused).toBeGreaterThan(0);
    expect(expected.deferrals * expected.bounced.userUnknown * expected.bounced.mailboxFull).toBeGreaterThan(0);
    expect(expected.opens * expected.clicks * (expected.opens - expected.clicks)).toBeGreaterThan(0);
  });

  it('answers at RCPT TO exactly as the model plans', async () => {
    expect(sendResults.filter((r) => r.final === null).length).toBe(expected.accepted);
    expect(sendResults.reduce((n, r) => n + r.deferrals, 0)).toBe(expected.deferrals);
    expect(sendResults.filter((r) => r.final === 550).length).toBe(expected.rejected.userUnknown);
    expect(sendResults.filter((r) => r.final === 552).length).toBe(expected.rejected.mailboxFull);
    expect(sendResults.filter((r) => r.final === 554).length).toBe(expected.rejected.refused);
  });

  it('records exact event counts, DSNs and recipient actions', async () => {
    const events = await waitFor('DSNs, opens and clicks', async () => {
      const all = await log.sync();
      const n = (type: string) => all.filter((e) => e.type === type).length;
      return n('dsn.sent') === expected.bounced.total && n('recipient.open') === expected.opens && n('recipient.click') === expected.clicks
        ? all
        : undefined;
    });
    const of = <T extends InternetEvent['type']>(type: T) => events.filter((e): e is Extract<InternetEvent, { type: T }> => e.type === type);

    // ordered, numbered once
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    const accepted = of('sink.accepted');
    expect(accepted.length).toBe(expected.accepted);
    for (const d of domains) expect(accepted.filter((e) => e.domain === d.name).length).toBe(expected.byDomain[d.name].accepted);
    const first = accepted[0];
    expect(first).toMatchObject({ ehlo: 'mta.mid.example.net', messageId: expect.stringMatching(/^<[0-9a-f]+\.3e\.mid@mid\.example\.net>$/) });
    expect(first.bytes).toBeGreaterThan(200);
    expect(first.index).toBe(Number(first.rcpt.slice(1, first.rcpt.indexOf('@'))));
    // a deferred recipient is accepted at its third attempt (2 deferrals)
    const deferredOnce = of('sink.deferred').map((e) => e.rcpt);
    expect(accepted.filter((e) => deferredOnce.includes(e.rcpt)).every((e) => e.attempt === 3)).toBe(true);
    expect(of('sink.deferred').length).toBe(expected.deferrals);
    expect(of('sink.deferred').every((e) => e.code === 451 && e.enhanced === '4.3.0')).toBe(true);

    const rejected = of('sink.rejected');
    expect(rejected.filter((e) => e.enhanced === '5.1.1').length).toBe(expected.rejected.userUnknown);
    expect(rejected.filter((e) => e.enhanced === '5.2.2').length).toBe(expected.rejected.mailboxFull);
    expect(rejected.filter((e) => e.enhanced === '5.7.1').length).toBe(expected.rejected.refused);
    expect(rejected[0].text).toContain(rejected[0].rcpt);

    // sessions: one per MTA connection, with its EHLO name
    expect(of('sink.session').map((e) => e.domain).sort()).toEqual(['a.example', 'b.example']);
    expect(of('sink.session').every((e) => e.ehlo === 'mta.mid.example.net')).toBe(true);

    const sent = of('dsn.sent');
    expect(sent.filter((e) => e.status === '5.1.1').length).toBe(expected.bounced.userUnknown);
    expect(sent.filter((e) => e.status === '5.2.2').length).toBe(expected.bounced.mailboxFull);
    expect(of('dsn.failed')).toEqual([]);

    const opens = of('recipient.open');
    expect(opens.every((e) => e.httpStatus === 200 && e.url!.endsWith(',1'))).toBe(true);
    const clicks = of('recipient.click');
    expect(clicks.every((e) => e.httpStatus === 302 && e.urlId === 2 && e.location === 'https://shop.example/offer/2')).toBe(true);
    // clickers opened first
    for (const c of clicks) expect(opens.find((o) => o.rcpt === c.rcpt)!.seq).toBeLessThan(c.seq);
    expect(redirector.hits.length).toBe(expected.opens + expected.clicks);
  });

  it('sends RFC 3464 DSNs with the null sender, quoting the original Message-ID', async () => {
    await waitFor('DSNs at the intake', async () => (dsns.length === expected.bounced.total ? true : undefined));
    const bounced = new Set(
      (await log.sync()).filter((e) => e.type === 'dsn.sent').map((e) => (e as { index: number }).index + 1),
    );
    for (const d of dsns) {
      expect(d.sender).toBe('');
      const parsed = await simpleParser(d.data);
      const ct = parsed.headers.get('content-type') as { value: string; params: Record<string, string> };
      expect(ct.value).toBe('multipart/report');
      expect(ct.params['report-type']).toBe('delivery-status');
      expect(d.data).toMatch(/Content-Type: message\/delivery-status/);
      expect(d.data).toMatch(/Action: failed/);
      const refs = findMessageRefs(d.data);
      expect(refs).toHaveLength(1);
      expect(refs[0]).toMatchObject({ deliveryId: DELIVERY_ID, instance: 'mid' });
      expect(bounced.has(refs[0].broadLogId)).toBe(true);
    }
  });

  it('reports stats', async () => {
    const { status, body } = await control(internet, '/stats');
    expect(status).toBe(200);
    expect(body.domains['a.example']).toMatchObject({ mode: 'normal', accepted: expected.byDomain['a.example'].accepted });
    expect(body.events['sink.accepted']).toBe(expected.accepted);
    expect(body.connections.total).toBeGreaterThanOrEqual(2);
    expect(body.messagesPerConnection.max).toBeGreaterThan(10);
    expect((await control(internet, '/health')).body.status).toBe('ok');
  });

  it('defers everything in tempfail mode and recovers in normal mode', async () => {
    const ep = internet.domains['b.example'];
    const before = (await log.sync()).at(-1)!.seq;
    const conn = await MtaConnection.open(ep);
    const to = recipientEmail(100_000, 'b.example');
    const raw = await campaignMessage(100_000, to, redirector.base);

    expect((await control(internet, '/domains/b.example/mode', { method: 'PUT', body: '{"mode":"tempfail"}' })).body).toEqual({
      domain: 'b.example',
      mode: 'tempfail',
    });
    expect(await conn.send(to, raw)).toBe(451); // on the open connection
    await expect(MtaConnection.open(ep)).rejects.toMatchObject({ responseCode: 421 }); // new connections
    await log.sync();
    const deferred = log.since(before).filter((e) => e.type === 'sink.deferred');
    expect(deferred).toMatchObject([{ rcpt: to, code: 451, attempt: 1 }]);

    await control(internet, '/domains/b.example/mode', { method: 'PUT', body: '{"mode":"reject-all"}' });
    expect(await conn.send(to, raw)).toBe(554);

    await control(internet, '/domains/b.example/mode', { method: 'PUT', body: '{"mode":"normal"}' });
    const again = await MtaConnection.open(ep);
    const result = await again.send(to, raw);
    // whatever the model plans for this recipient, it is no longer a tempfail
    expect(result === null || result >= 500).toBe(true);
    conn.close();
    again.close();
  });

  it('defers a transaction that tempfail mode catches during DATA', async () => {
    const b = domains[1];
    let index = 200_000;
    while (outcomeFor(SEED, index, b, recipients).result !== 'accepted') index++;
    const to = recipientEmail(index, 'b.example');
    const s = await smtpDialog(internet.domains['b.example']);
    await s.say('EHLO mta.mid.example.net');
    await s.say(`MAIL FROM:<${BOUNCE_ADDRESS}>`);
    expect(await s.say(`RCPT TO:<${to}>`)).toMatch(/^250 /);
    expect(await s.say('DATA')).toMatch(/^354 /);
    const before = (await log.sync()).at(-1)!.seq;
    await control(internet, '/domains/b.example/mode', { method: 'PUT', body: '{"mode":"tempfail"}' });
    expect(await s.say('Subject: x\r\n\r\nbody\r\n.')).toMatch(/^451 4\.3\.0 /);
    await control(internet, '/domains/b.example/mode', { method: 'PUT', body: '{"mode":"normal"}' });
    await s.say('QUIT');
    s.socket.destroy();
    await log.sync();
    expect(log.since(before).filter((e) => e.type === 'sink.deferred' || e.type === 'sink.accepted')).toMatchObject([
      { type: 'sink.deferred', rcpt: to, code: 451, attempt: 1 },
    ]);
  });

  it('refuses relaying and survives garbage commands', async () => {
    const ep = internet.domains['a.example'];
    const s = await smtpDialog(ep);
    expect(await s.say('FOO BAR')).toMatch(/^5\d\d /);
    expect(await s.say('\u0001\u0002 binary junk \u00ff')).toMatch(/^5\d\d /);
    expect(await s.say('MAIL FROM:<x@y.example>')).toMatch(/^503 /);
    expect(await s.say('EHLO garbage.test')).toMatch(/PIPELINING/);
    expect(await s.say('RCPT TO:<r1@a.example>')).toMatch(/^503 /);
    expect(await s.say('DATA')).toMatch(/^503 /);
    expect(await s.say('MAIL FROM:<>')).toMatch(/^250 /);
    expect(await s.say('RCPT TO:<r1@elsewhere.example>')).toMatch(/^550 5\.1\.2 /);
    expect(await s.say('RCPT TO:<not an address>')).toMatch(/^5\d\d /);
    expect(await s.say('QUIT')).toMatch(/^221 /);
    s.socket.destroy();
    const events = await log.sync();
    expect(events.filter((e) => e.type === 'sink.rejected' && e.rcpt === 'r1@elsewhere.example')).toHaveLength(1);
    expect(events.some((e) => e.type === 'sink.session' && e.ehlo === 'garbage.test')).toBe(true);
    // still serving
    expect((await control(internet, '/health')).status).toBe(200);
    const conn = await MtaConnection.open(ep);
    conn.close();
    await expect.poll(async () => (await control(internet, '/stats')).body.connections.open).toBe(0);
  });

  it('validates control requests', async () => {
    expect((await control(internet, '/domains/nope.example/mode', { method: 'PUT', body: '{"mode":"normal"}' })).status).toBe(404);
    const bad = await control(internet, '/domains/a.example/mode', { method: 'PUT', body: '{"mode":"sometimes"}' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^mode:/);
    expect((await control(internet, '/domains/a.example/mode', { method: 'PUT', body: 'not json' })).status).toBe(400);
    expect((await control(internet, '/events?after=-1')).status).toBe(400);
    expect((await control(internet, '/events', { method: 'POST' })).status).toBe(405);
    expect((await control(internet, '/nowhere')).status).toBe(404);
  });
});
