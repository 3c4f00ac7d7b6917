// The run-based checks of the catalogue fail on purpose: a failed run check, SMTP across the
// client boundary, a retry earlier than the documented back-off, no evidence at all.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../types.js';
import { backoff, boundaryProtocols, runCheck } from './run.js';

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
