// The run-based checks of the catalogue fail on purpose: a failed run check, SMTP across the
// client boundary, a retry earlier than the documented back-off, no evidence at all.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../types.js';
import { backoff, boundaryProtocols, everyEventBack, partsOnEveryMid, runCheck, settles, uplinkSmallerThanSmtp } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'midsim-conf-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const target = {} as Ctx['target'];

function ctx(run: object, history: object[] = []): Ctx {
  const runDir = mkdtempSync(join(dir, 'run-'));
  writeFileSync(join(runDir, 'history.ndjson'), history.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return { mode: 'mid-sourcing', target, run: { runDir, timeScale: 10, checks: [], links: [], metrics: { links: {} }, ...run } as unknown as Ctx['run'] };
}

describe('runCheck', () => {
  it('passes and fails with the run check, and is n.a. without a run', async () => {
    const c = runCheck('no-duplicates');
    expect(await c(ctx({ checks: [{ id: 'no-duplicates', status: 'pass', detail: 'none' }] }))).toMatchObject({ status: 'pass' });
    expect(await c(ctx({ checks: [{ id: 'no-duplicates', status: 'fail', detail: 'r1 received 2 copies' }] }))).toMatchObject({ status: 'fail', detail: 'no-duplicates: r1 received 2 copies' });
    expect(await c(ctx({ checks: [] }))).toMatchObject({ status: 'fail', detail: expect.stringMatching(/did not evaluate/) });
    expect(await c({ mode: 'mid-sourcing', target })).toMatchObject({ status: 'n.a.' });
  });
});

describe('boundaryProtocols', () => {
  const links = [
    { name: 'up', from: 'app-server', to: 'mid-relay', protocol: 'soap', crossesClientBoundary: true },
    { name: 'smtp', from: 'mta-marketing', to: 'internet', protocol: 'smtp', crossesClientBoundary: true },
    { name: 'db', from: 'app-server', to: 'marketing-db', protocol: 'pg', crossesClientBoundary: false },
  ];
  it('fails when a link that carried bytes across the boundary speaks another protocol', async () => {
    const soapOnly = boundaryProtocols(['soap']);
    const used = (names: string[]) => ({ links, metrics: { links: Object.fromEntries(names.map((n) => [n, { bytesUp: 10, bytesDown: 5 }])) } });
    expect(await soapOnly(ctx(used(['up', 'db'])))).toMatchObject({ status: 'pass' });
    expect(await soapOnly(ctx(used(['up', 'smtp'])))).toMatchObject({ status: 'fail', detail: expect.stringMatching(/not allowed: smtp \(mta-marketing->internet\)/) });
    expect(await soapOnly(ctx(used([])))).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no bytes/) });
  });
});

describe('backoff', () => {
  const deferred = (ts: number, index: number) => ({ ts, type: 'sink.deferred', index });
  const accepted = (ts: number, index: number) => ({ ts, type: 'sink.accepted', index });
  it('passes retries that wait the documented delay (scaled), fails an early one', async () => {
    // x10: 5 s -> 500 ms, then 10 s -> 1000 ms.
    expect(await backoff(ctx({}, [deferred(0, 1), deferred(510, 1), accepted(1520, 1)]))).toMatchObject({ status: 'pass' });
    const early = await backoff(ctx({}, [deferred(0, 1), deferred(510, 1), accepted(900, 1)]));
    expect(early).toMatchObject({ status: 'fail', detail: expect.stringMatching(/#1 retried after 390 ms, wanted 1000 ms/) });
  });
  it('fails without evidence; follows each sending host on its own', async () => {
    expect(await backoff(ctx({}, [accepted(0, 1)]))).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no evidence/) });
    const session = (ts: number, sessionId: string, ehlo: string) => ({ ts, type: 'sink.session', sessionId, ehlo });
    const two = [session(0, 'a', 'mid.example'), session(0, 'b', 'marketing.example'), { ...deferred(0, 1), sessionId: 'a' }, { ...deferred(100, 1), sessionId: 'b' }, { ...accepted(600, 1), sessionId: 'a' }, { ...accepted(700, 1), sessionId: 'b' }];
    expect(await backoff(ctx({}, two))).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^2 retries/) });
    // The same events without the hosts read as one sender retrying after 100 ms.
    expect(await backoff(ctx({}, two.slice(2).map(({ sessionId: _s, ...e }) => e)))).toMatchObject({ status: 'fail' });
  });
});

describe('settles, uplinkSmallerThanSmtp, partsOnEveryMid, everyEventBack', () => {
  it('settles fails on a run that never settled', async () => {
    expect(await settles(ctx({ quiesce: { ok: true, waitedMs: 1200, detail: '' } }))).toMatchObject({ status: 'pass' });
    expect(await settles(ctx({ quiesce: { ok: false, waitedMs: 100000, detail: '3 statuses not synced' } }))).toMatchObject({ status: 'fail', detail: expect.stringMatching(/3 statuses not synced/) });
  });
  it('uplinkSmallerThanSmtp fails when the uplink carries more than the SMTP, or nothing was measured', async () => {
    const bw = (ratio: number | null) => ({ metrics: { links: {}, bandwidth: { uplinkBytesPerMessage: 100, smtpBytesPerMessage: 1000, ratio } } });
    expect(await uplinkSmallerThanSmtp(ctx(bw(0.1)))).toMatchObject({ status: 'pass' });
    expect(await uplinkSmallerThanSmtp(ctx(bw(1.4)))).toMatchObject({ status: 'fail' });
    expect(await uplinkSmallerThanSmtp(ctx(bw(null)))).toMatchObject({ status: 'fail', detail: expect.stringMatching(/nothing to judge/) });
  });
  it('partsOnEveryMid fails when one mid got nothing, or there is one mid', async () => {
    const up = (to: string) => ({ name: `instance->${to}:soap`, from: 'app-server', to, protocol: 'soap', crossesClientBoundary: true });
    const links = [up('mid-relay'), up('mid-relay-2')];
    const bytes = (a: number, b: number) => ({ links, metrics: { links: { 'instance->mid-relay:soap': { bytesUp: a, bytesDown: 1 }, 'instance->mid-relay-2:soap': { bytesUp: b, bytesDown: 1 } } } });
    expect(await partsOnEveryMid(ctx(bytes(5000, 4000)))).toMatchObject({ status: 'pass' });
    expect(await partsOnEveryMid(ctx(bytes(9000, 0)))).toMatchObject({ status: 'fail' });
    expect(await partsOnEveryMid(ctx({ links: [up('mid-relay')] }))).toMatchObject({ status: 'fail', detail: expect.stringMatching(/not a deployment with several mids/) });
  });
  it('everyEventBack fails on a DSN or a click that never came back, and without evidence', async () => {
    const dsn = { ts: 1, type: 'dsn.sent' };
    const open = { ts: 1, type: 'recipient.open', httpStatus: 200 };
    const click = { ts: 2, type: 'recipient.click', httpStatus: 302 };
    const m = (bounces: number, opens: number, clicks: number) => ({ metrics: { links: {}, bounces, opens, clicks } });
    expect(await everyEventBack('bounces')(ctx(m(2, 0, 0), [dsn, dsn]))).toMatchObject({ status: 'pass' });
    expect(await everyEventBack('bounces')(ctx(m(1, 0, 0), [dsn, dsn]))).toMatchObject({ status: 'fail' });
    expect(await everyEventBack('tracking')(ctx(m(0, 1, 1), [open, click]))).toMatchObject({ status: 'pass' });
    expect(await everyEventBack('tracking')(ctx(m(0, 1, 0), [open, click]))).toMatchObject({ status: 'fail' });
    expect(await everyEventBack('tracking')(ctx(m(0, 0, 0), []))).toMatchObject({ status: 'fail', detail: expect.stringMatching(/no evidence/) });
  });
});
