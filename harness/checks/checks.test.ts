// Each check passes on a healthy history and fails on a history seeded with the fault it exists
// to catch.
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../probes/history.js';
import { evaluate } from './index.js';
import type { RunFacts } from './types.js';

const facts: RunFacts = { mode: 'mid-sourcing', recipients: 10, marketingHostName: 'marketing.client.example', executionSite: 'mid', clientUplink: 'instance->mid:soap' };

/** A healthy mid-sourcing run: r0..r7 delivered, r8 refused at RCPT, r9 accepted then bounced. */
function healthy(): HistoryEvent[] {
  const ev: Omit<HistoryEvent, 'seq'>[] = [];
  let ts = 1000;
  ev.push({ ts: ts++, type: 'sink.session', ehlo: 'mid.provider.example', sessionId: 's1', domain: 'a.test' });
  for (let i = 0; i < 10; i++) {
    if (i === 8) ev.push({ ts: ts++, type: 'sink.rejected', index: i, code: 550 });
    else ev.push({ ts: ts++, type: 'sink.accepted', index: i });
  }
  for (let i = 0; i < 10; i++) {
    const failed = i >= 8;
    const final = { status: failed ? 'failed' : 'sent', reasonCode: failed ? 1 : null };
    ev.push({ ts: ts++, type: 'final.execution', index: i, ...final, bouncedAt: i === 9 ? 5 : null, indeterminate: 0 });
    ev.push({ ts: ts++, type: 'final.marketing', index: i, ...final, firstVisibleAt: ts });
  }
  ev.push({ ts: ts++, type: 'link.scan', link: 'instance->mid:soap', bytes: 5000, canaryHits: 0 });
  return ev.map((e, k) => ({ ...e, seq: k + 1 }) as HistoryEvent);
}

async function statuses(events: HistoryEvent[], f = facts) {
  return Object.fromEntries((await evaluate(f, events)).map((r) => [r.id, r.status]));
}

describe('checks', () => {
  it('all pass on a healthy history', async () => {
    expect(await statuses(healthy())).toEqual({
      'final-status': 'pass',
      'nothing-lost': 'pass',
      'no-duplicates': 'pass',
      'no-smtp-from-marketing': 'pass',
      'template-fields-only': 'pass',
    });
  });

  it('final-status fails on a missing, a doubled or a disagreeing row', async () => {
    const missing = healthy().filter((e) => !(e.type === 'final.marketing' && e.index === 3));
    expect((await statuses(missing))['final-status']).toBe('fail');
    const doubled = [...healthy(), { seq: 99, ts: 1, type: 'final.execution', index: 2, status: 'sent' }];
    expect((await statuses(doubled))['final-status']).toBe('fail');
    const disagree = healthy().map((e) => (e.type === 'final.marketing' && e.index === 9 ? { ...e, reasonCode: 5 } : e));
    const r = await evaluate(facts, disagree);
    expect(r.find((x) => x.id === 'final-status')).toMatchObject({ status: 'fail', detail: expect.stringContaining('r9') });
  });

  it('nothing-lost fails when a sent message never reached its MX, or a recipient has no status', async () => {
    const seededLoss = healthy().filter((e) => !(e.type === 'sink.accepted' && e.index === 4));
    const r = (await evaluate(facts, seededLoss)).find((x) => x.id === 'nothing-lost')!;
    expect(r.status).toBe('fail');
    expect(r.counts?.lost).toBe(1);
    const noStatus = healthy().filter((e) => !(e.type === 'final.marketing' && e.index === 0));
    expect((await statuses(noStatus))['nothing-lost']).toBe('fail');
  });

  it('no-duplicates fails on a second copy, but counts indeterminate ones apart', async () => {
    const dup = [...healthy(), { seq: 99, ts: 1, type: 'sink.accepted', index: 1 }];
    expect((await statuses(dup))['no-duplicates']).toBe('fail');
    const explained = dup.map((e) => (e.type === 'final.execution' && e.index === 1 ? { ...e, indeterminate: 1 } : e));
    const r = (await evaluate(facts, explained)).find((x) => x.id === 'no-duplicates')!;
    expect(r.status).toBe('pass');
    expect(r.counts?.indeterminateDuplicates).toBe(1);
  });

  it('no-smtp-from-marketing fails on a session from the marketing host, and when it saw nothing', async () => {
    const rogue = [...healthy(), { seq: 99, ts: 1, type: 'sink.session', ehlo: 'marketing.client.example', sessionId: 's9', domain: 'a.test' }];
    expect((await statuses(rogue))['no-smtp-from-marketing']).toBe('fail');
    const blind = healthy().filter((e) => e.type !== 'sink.session');
    expect((await statuses(blind))['no-smtp-from-marketing']).toBe('fail');
  });

  it('template-fields-only fails on a canary hit and when the link was not captured', async () => {
    const leak = healthy().map((e) => (e.type === 'link.scan' ? { ...e, canaryHits: 3, sample: 'CANARY-1-2' } : e));
    expect((await statuses(leak))['template-fields-only']).toBe('fail');
    const blind = healthy().filter((e) => e.type !== 'link.scan');
    expect((await statuses(blind))['template-fields-only']).toBe('fail');
  });

  it('only the checks that apply to on-premise run there', async () => {
    const onPrem = { ...facts, mode: 'on-premise', executionSite: 'marketing' as const, clientUplink: undefined };
    expect(Object.keys(await statuses(healthy().filter((e) => e.type !== 'final.execution'), onPrem)).sort()).toEqual(['final-status', 'no-duplicates', 'nothing-lost']);
  });
});

describe('checks after faults', () => {
  const withTiming: RunFacts = {
    ...facts,
    recipients: 3,
    syncPeriodMs: 1000,
    catchUpBoundMs: 500,
    quota: { periodMs: 1000, periodsPerHour: 12, rules: [{ name: 'r', domains: ['a.test'], maxConnections: 2, maxMessagesPerHour: 120 }] },
  };
  const ev = (list: Omit<HistoryEvent, 'seq'>[]) => list.map((e, i) => ({ ...e, seq: i + 1 }) as HistoryEvent);
  const byId = async (events: HistoryEvent[], id: string) => (await evaluate(withTiming, events)).find((r) => r.id === id)!;

  it('caught-up passes within the sync period plus the bound, fails beyond, and on a status never visible', async () => {
    const base = [
      { ts: 10_000, type: 'sink.accepted', index: 0, domain: 'a.test' },
      { ts: 10_000, type: 'sink.accepted', index: 1, domain: 'a.test' },
      { ts: 10_000, type: 'sink.rejected', index: 2, domain: 'a.test' },
    ];
    const visible = (lag: number) => [0, 1, 2].map((i) => ({ ts: 20_000, type: 'final.marketing', index: i, status: 'sent', firstVisibleAt: 10_000 + lag }));
    expect((await byId(ev([...base, ...visible(1400)]), 'caught-up')).status).toBe('pass');
    const late = await byId(ev([...base, ...visible(1600)]), 'caught-up');
    expect(late.status).toBe('fail');
    expect(late.detail).toMatch(/1600 ms/);
    const never = ev([...base, ...visible(100).map((e) => (e.index === 1 ? { ...e, firstVisibleAt: null } : e))]);
    expect((await byId(never, 'caught-up')).status).toBe('fail');
  });

  it('caught-up counts from the end of a fault window that held a status back', async () => {
    const held = ev([
      { ts: 10_000, type: 'fault.start', name: 'block instance->mid' },
      ...[0, 1, 2].map((i) => ({ ts: 10_500, type: 'sink.accepted', index: i, domain: 'a.test' })),
      { ts: 30_000, type: 'fault.stop', name: 'block instance->mid' },
      ...[0, 1, 2].map((i) => ({ ts: 40_000, type: 'final.marketing', index: i, status: 'sent', firstVisibleAt: 31_200 })),
    ]);
    expect((await byId(held, 'caught-up')).status).toBe('pass');
    const stillLate = held.map((e) => (e.type === 'final.marketing' && e.index === 2 ? { ...e, firstVisibleAt: 32_000 } : e));
    expect((await byId(stillLate, 'caught-up')).status).toBe('fail');
  });

  it('quota passes within the period quota and fails on a seeded breach of messages or connections', async () => {
    // 120/hour over 12 periods: 10 per period, plus one per connection across a boundary.
    const messages = (n: number, at: number) => Array.from({ length: n }, (_, k) => ({ ts: at + k, type: 'sink.accepted', index: 0, domain: 'a.test' }));
    expect((await byId(ev(messages(12, 5000)), 'quota')).status).toBe('pass');
    const breach = await byId(ev(messages(13, 5000)), 'quota');
    expect(breach.status).toBe('fail');
    expect(breach.detail).toMatch(/13 messages in one period, quota 10/);
    const conns = ev([
      ...['s1', 's2', 's3'].map((id, k) => ({ ts: 5000 + k, type: 'sink.connect', sessionId: id, domain: 'a.test' })),
      ...messages(1, 5100),
    ]);
    expect((await byId(conns, 'quota')).detail).toMatch(/3 simultaneous connections, limit 2/);
    const sequential = ev([
      { ts: 5000, type: 'sink.connect', sessionId: 's1', domain: 'a.test' },
      { ts: 5001, type: 'sink.closed', sessionId: 's1', domain: 'a.test' },
      { ts: 5002, type: 'sink.connect', sessionId: 's2', domain: 'a.test' },
      { ts: 5003, type: 'sink.connect', sessionId: 's3', domain: 'a.test' },
      ...messages(1, 5100),
    ]);
    expect((await byId(sequential, 'quota')).status).toBe('pass');
    expect((await byId(ev([]), 'quota')).status).toBe('fail');
  });
});
