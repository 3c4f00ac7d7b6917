import { describe, expect, it } from 'vitest';
import { parseWith } from '../../reference-impl/common/errors.js';
import {
  DomainBehaviour,
  RecipientBehaviour,
  WorkloadDomain,
  WorkloadDomains,
  assignDomain,
  engagementFor,
  expectedTotals,
  outcomeFor,
  recipientEmail,
  recipientIndex,
  smtpPlanFor,
} from './model.js';

const domains = WorkloadDomains.parse([
  {
    name: 'a.example',
    weight: 3,
    reject: { userUnknown: 0.05, mailboxFull: 0.02, refused: 0.01 },
    defer: { share: 0.1, attempts: 2 },
    dsn: { share: 0.04, kinds: { userUnknown: 3, mailboxFull: 1 }, delay: '1s' },
  },
  { name: 'b.example', weight: 1, reject: { userUnknown: 0, mailboxFull: 0, refused: 0 }, defer: { share: 0 } },
]);
const recipients = RecipientBehaviour.parse({ openRate: 0.3, clickRate: 0.1, delay: '1s' });
const N = 10_000;

describe('population', () => {
  it('writes and parses recipient addresses', () => {
    expect(recipientEmail(0, 'a.example')).toBe('r0@a.example');
    expect(recipientIndex('r0@a.example')).toBe(0);
    expect(recipientIndex('R1234@B.example')).toBe(1234);
    for (const bad of ['x1@a', 'r01@a', 'r@a', 'r1@', 'r1@a@b', 'r-1@a', '', 'r1 @a']) expect(recipientIndex(bad)).toBeNull();
  });

  it('assigns domains by weight, reproducibly', () => {
    const counts: Record<string, number> = { 'a.example': 0, 'b.example': 0 };
    for (let i = 0; i < N; i++) counts[assignDomain(42, i, domains).name]++;
    expect(counts['a.example'] / N).toBeCloseTo(0.75, 1);
    for (let i = 0; i < 100; i++) expect(assignDomain(42, i, domains)).toBe(assignDomain(42, i, domains));
    // another seed spreads the population differently
    const moved = Array.from({ length: 100 }, (_, i) => assignDomain(42, i, domains) !== assignDomain(43, i, domains));
    expect(moved.some(Boolean)).toBe(true);
  });

  it('never picks a domain of weight 0 and refuses all-zero weights', () => {
    const ds = [
      { name: 'x', weight: 0 },
      { name: 'y', weight: 1 },
    ];
    for (let i = 0; i < 1000; i++) expect(assignDomain(1, i, ds).name).toBe('y');
    expect(() => assignDomain(1, 0, [{ name: 'x', weight: 0 }])).toThrow(/weights/);
  });
});

describe('outcomes', () => {
  it('are reproducible and independent of the address case', () => {
    const a = domains[0];
    for (let i = 0; i < 200; i++) expect(outcomeFor(7, i, a, recipients)).toEqual(outcomeFor(7, i, a, recipients));
    expect(smtpPlanFor(7, 'R5@A.EXAMPLE', a)).toEqual(smtpPlanFor(7, 'r5@a.example', a));
  });

  it('follow the configured proportions on 10,000 recipients', () => {
    const a = domains[0];
    const c = { userUnknown: 0, mailboxFull: 0, refused: 0, deferred: 0, accepted: 0, dsn: 0, dsnUnknown: 0, opens: 0, clicks: 0, delivered: 0 };
    for (let i = 0; i < N; i++) {
      const o = outcomeFor(1, i, a, recipients);
      if (o.reject) {
        c[o.reject.kind]++;
        expect(o.opens || o.clicks || o.dsn !== null || o.deferAttempts > 0).toBe(false);
        continue;
      }
      c.accepted++;
      if (o.deferAttempts) c.deferred++;
      if (o.dsn) {
        c.dsn++;
        if (o.dsn.kind === 'userUnknown') c.dsnUnknown++;
        expect(o.opens).toBe(false);
      } else {
        c.delivered++;
        if (o.opens) c.opens++;
        if (o.clicks) {
          c.clicks++;
          expect(o.opens).toBe(true);
        }
      }
    }
    // about 3 standard deviations of a binomial share at these sizes
    const near = (count: number, of: number, share: number, tolerance = 0.012) =>
      expect(Math.abs(count / of - share)).toBeLessThan(tolerance);
    near(c.userUnknown, N, 0.05);
    near(c.mailboxFull, N, 0.02);
    near(c.refused, N, 0.01);
    near(c.deferred, N, 0.1);
    near(c.dsn, c.accepted, 0.04);
    near(c.dsnUnknown, c.dsn, 0.75, 0.08); // few bounces: a looser bound
    near(c.opens, c.delivered, 0.3);
    near(c.clicks, c.delivered, 0.1);
  });

  it('plans realistic SMTP replies and DSNs', () => {
    const all = DomainBehaviour.parse({ reject: { userUnknown: 1, mailboxFull: 0, refused: 0 }, defer: { share: 0 } });
    expect(smtpPlanFor(1, 'r1@a.example', all).reject).toMatchObject({ kind: 'userUnknown', code: 550, enhanced: '5.1.1' });
    const full = DomainBehaviour.parse({ reject: { userUnknown: 0, mailboxFull: 1, refused: 0 }, defer: { share: 0 } });
    expect(smtpPlanFor(1, 'r1@a.example', full).reject).toMatchObject({ code: 552, enhanced: '5.2.2' });
    const refused = DomainBehaviour.parse({ reject: { userUnknown: 0, mailboxFull: 0, refused: 1 }, defer: { share: 0 } });
    expect(smtpPlanFor(1, 'r1@a.example', refused).reject).toMatchObject({ code: 554, enhanced: '5.7.1' });
    const bounce = DomainBehaviour.parse({
      reject: { userUnknown: 0, mailboxFull: 0, refused: 0 },
      defer: { share: 1, attempts: 3 },
      dsn: { share: 1, kinds: { userUnknown: 0, mailboxFull: 1 } },
    });
    const p = smtpPlanFor(1, 'r1@a.example', bounce);
    expect(p.deferAttempts).toBe(3);
    expect(p.dsn).toMatchObject({ kind: 'mailboxFull', status: '5.2.2', diagnostic: { code: 552 } });
  });

  it('expectedTotals is the sum of outcomeFor', () => {
    const t = expectedTotals(9, 2000, domains, recipients);
    let accepted = 0, rejected = 0, deferrals = 0, bounced = 0, opens = 0, clicks = 0;
    for (let i = 0; i < 2000; i++) {
      const o = outcomeFor(9, i, assignDomain(9, i, domains), recipients);
      if (o.result === 'accepted') accepted++;
      else rejected++;
      deferrals += o.deferAttempts;
      if (o.dsn) bounced++;
      if (o.opens) opens++;
      if (o.clicks) clicks++;
    }
    expect(t).toMatchObject({ recipients: 2000, accepted, deferrals, opens, clicks, delivered: accepted - bounced });
    expect(t.rejected.total).toBe(rejected);
    expect(t.rejected.userUnknown + t.rejected.mailboxFull + t.rejected.refused).toBe(rejected);
    expect(t.bounced.total).toBe(bounced);
    expect(t.byDomain['a.example'].recipients + t.byDomain['b.example'].recipients).toBe(2000);
    expect(t.byDomain['b.example'].rejected).toBe(0);
    expect(expectedTotals(9, 2000, domains, recipients)).toEqual(t);
  });

  it('engagement needs an openRate of at least the clickRate', () => {
    const r = RecipientBehaviour.parse({ openRate: 1, clickRate: 0 });
    expect(engagementFor(1, 'r1@x', r)).toEqual({ opens: true, clicks: false });
  });
});

describe('schemas', () => {
  it('fill in sensible defaults', () => {
    const d = WorkloadDomain.parse({ name: 'x.example' });
    expect(d.weight).toBe(1);
    expect(d.reject.userUnknown).toBeGreaterThan(0);
    expect(d.defer.attempts).toBe(1);
    expect(d.dsn.delay).toBe('30s');
    expect(RecipientBehaviour.parse({})).toMatchObject({ openRate: 0.25, clickRate: 0.05 });
  });

  it('name the bad field', () => {
    const bad = (schema: Parameters<typeof parseWith>[0], data: unknown) => {
      try {
        parseWith(schema, data, 'workload');
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected a config error');
    };
    expect(bad(WorkloadDomain, { name: 'x', reject: { userUnknown: 2 } })).toMatch(/workload\.reject\.userUnknown/);
    expect(bad(WorkloadDomain, { name: 'x', defer: { attempts: 1.5 } })).toMatch(/workload\.defer\.attempts/);
    expect(bad(WorkloadDomain, { name: 'x', dsn: { delay: 'soon' } })).toMatch(/workload\.dsn\.delay.*invalid duration/);
    expect(bad(WorkloadDomain, { name: 'x', rejet: {} })).toMatch(/rejet/);
    expect(bad(WorkloadDomain, { name: 'x', reject: { userUnknown: 0.6, mailboxFull: 0.3 }, defer: { share: 0.2 } })).toMatch(
      /workload\.reject: reject shares plus defer.share must not exceed 1/,
    );
    expect(bad(WorkloadDomain, { name: 'x', dsn: { share: 0.1, kinds: { userUnknown: 0, mailboxFull: 0 } } })).toMatch(
      /workload\.dsn\.kinds/,
    );
    expect(bad(RecipientBehaviour, { openRate: 0.1, clickRate: 0.2 })).toMatch(/workload\.clickRate/);
    expect(bad(WorkloadDomains, [{ name: 'x' }, { name: 'X' }])).toMatch(/workload\.1\.name: duplicate/);
    expect(bad(WorkloadDomains, [{ name: 'x', weight: 0 }])).toMatch(/weights/);
  });
});
