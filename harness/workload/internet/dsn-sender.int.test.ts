// The DSN sender against a bounce intake that defers, refuses, or is down for a while.
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../runtime/ports.js';
import { dsnPlan } from '../model.js';
import { DsnSender, type DsnJob } from './dsn-sender.js';
import { EventBuffer } from './events.js';

const log = pino({ level: 'silent' });
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** An inMail stand-in: `answer` decides each RCPT TO (null = accept). */
async function intake(port: number, answer: (n: number) => number | null) {
  const received: { from: string; connection: string }[] = [];
  let rcpts = 0;
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onRcptTo(_a, _s, cb) {
      const code = answer(++rcpts);
      cb(code ? Object.assign(new Error('no'), { responseCode: code }) : null);
    },
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : 'none', connection: session.id });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => server.close(() => r())));
  return received;
}

function job(n: number): DsnJob {
  const rcpt = `r${n}@a.example`;
  return {
    rcpt,
    index: n,
    messageId: `<${n}.1.mid@mid.example.net>`,
    dsn: {
      reportingMta: 'mx.a.example',
      rcpt,
      returnPath: 'bounce@mid.example.net',
      arrivalDate: new Date(),
      originalHeaders: Buffer.from(`Message-ID: <${n}.1.mid@mid.example.net>`),
      plan: dsnPlan('userUnknown', rcpt),
      messageId: `<dsn-${n}@mx.a.example>`,
    },
  };
}

function sender(port: number, events: EventBuffer, retryDelaysMs = [20, 20, 20]) {
  const s = new DsnSender({ intake: { host: '127.0.0.1', port }, hostName: 'mx.internet.test', retryDelaysMs, events, log, concurrency: 1 });
  cleanup.push(() => s.stop(500));
  return s;
}

const types = (events: EventBuffer) => events.read(0, 100).events.map((e) => e.type);

describe('DsnSender', () => {
  it('reuses its connection and sends with the null sender', async () => {
    const port = await freePort();
    const received = await intake(port, () => null);
    const events = new EventBuffer();
    const s = sender(port, events);
    for (let i = 1; i <= 5; i++) s.schedule(0, job(i));
    await expect.poll(() => received.length).toBe(5);
    expect(received.every((r) => r.from === '')).toBe(true);
    expect(new Set(received.map((r) => r.connection)).size).toBe(1);
    await expect.poll(() => types(events)).toEqual(Array(5).fill('dsn.sent'));
  });

  it('retries deferrals and a late intake, gives up on a 5xx', async () => {
    const port = await freePort();
    const events = new EventBuffer();
    const s = sender(port, events, [50, 100, 200, 400]);
    s.schedule(0, job(1)); // the intake is not listening yet
    await new Promise((r) => setTimeout(r, 80));
    // 1st and 2nd RCPT deferred, then job 1 goes through; job 2 is refused for good
    const received = await intake(port, (n) => (n <= 2 ? 451 : n === 4 ? 550 : null));
    await expect.poll(() => received.length, { timeout: 3000 }).toBe(1);
    s.schedule(0, job(2));
    await expect.poll(() => types(events), { timeout: 3000 }).toEqual(['dsn.sent', 'dsn.failed']);
    const failed = events.read(0, 100).events[1];
    expect(failed).toMatchObject({ rcpt: 'r2@a.example', index: 2, messageId: '<2.1.mid@mid.example.net>', error: expect.stringMatching(/550/) });
  });

  it('records dsn.failed once the retries are used up', async () => {
    const events = new EventBuffer();
    const s = sender(await freePort(), events, [10, 10]);
    s.schedule(0, job(1));
    await expect.poll(() => types(events), { timeout: 3000 }).toEqual(['dsn.failed']);
    expect(events.read(0, 10).events[0]).toMatchObject({ error: expect.stringMatching(/ECONNREFUSED|ESOCKET|ECONNECTION/) });
  });
});
