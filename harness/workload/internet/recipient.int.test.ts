// Recipients whose redirector fails: the failure is recorded, nothing crashes.
import { createServer, type Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../../reference-impl/common/http.js';
import { freePort } from '../../runtime/ports.js';
import { EventBuffer } from './events.js';
import { Recipients } from './recipient.js';

const log = pino({ level: 'silent' });
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await closeServer(s);
});

function message(base: string) {
  return { rcpt: 'r1@a.example', index: 1, html: `<img src="${base}/r/?id=h1,2,1"><a href="${base}/r/?id=h1,2,2">x</a>`, text: '' };
}

describe('Recipients', () => {
  it('records unreachable and silent redirectors as failures', async () => {
    const hanging = createServer(() => undefined); // never answers
    servers.push(hanging);
    await listen(hanging, 0, '127.0.0.1');
    const hangingBase = `http://127.0.0.1:${(hanging.address() as { port: number }).port}`;
    const closedBase = `http://127.0.0.1:${await freePort()}`;

    const events = new EventBuffer();
    const r = new Recipients({ delayMs: 1, concurrency: 4, timeoutMs: 200, events, log });
    r.delivered(message(closedBase), { opens: true, clicks: true });
    r.delivered(message(hangingBase), { opens: true, clicks: false });
    r.delivered({ rcpt: 'r2@a.example', index: 2, html: '<p>no pixel</p>', text: '' }, { opens: true, clicks: true });
    r.delivered(message(closedBase), { opens: false, clicks: false });

    await expect.poll(() => events.lastSeq, { timeout: 3000 }).toBe(5);
    const all = events.read(0, 100).events;
    const byRcpt = (rcpt: string, type: string) => all.filter((e) => e.type === type && 'rcpt' in e && e.rcpt === rcpt);
    expect(byRcpt('r1@a.example', 'recipient.open')).toHaveLength(2);
    expect(byRcpt('r1@a.example', 'recipient.open').every((e) => 'error' in e && e.error && 'httpStatus' in e && e.httpStatus === null)).toBe(true);
    expect(all.some((e) => 'error' in e && /within 200 ms/.test(e.error ?? ''))).toBe(true);
    expect(byRcpt('r1@a.example', 'recipient.click')).toMatchObject([{ urlId: 2, httpStatus: null, location: null }]);
    expect(byRcpt('r2@a.example', 'recipient.open')).toMatchObject([{ url: null, error: 'no open pixel in the message' }]);
    expect(byRcpt('r2@a.example', 'recipient.click')).toMatchObject([{ url: null, error: 'no tracked link in the message' }]);
    await r.stop(100);
  });
});
