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
