// Quota adherence: no MX rule's limits are exceeded across all MTAs, as the MXs see it: messages
// per quota period (the hourly quota spread over 12 periods) and simultaneous connections. A
// message whose token was taken just before a period ended may arrive just after: one per
// connection is allowed across a boundary.
import { periodQuota } from '../../reference-impl/common/mx-rules.js';
import { Examples, type Check } from './types.js';


export const quotaAdherence: Check = {
  id: 'quota',
  title: "No MX rule's limits are exceeded across all MTAs (messages per period, connections)",
  applies: (f) => !!f.quota,
  start(f) {
    const q = f.quota!;
    const platforms = q.platforms ?? 1;
    const ruleOf = new Map<string, (typeof q.rules)[number]>();
    for (const r of q.rules) for (const d of r.domains) ruleOf.set(d, r);
    const perPeriod = new Map<string, number>(); // rule|period -> SMTP transactions
    const open = new Map<string, number>(); // rule -> connections open now
    const maxOpen = new Map<string, number>();
    const sessions = new Map<string, string>(); // sessionId -> rule
    return {
      event(e) {
        const rule = ruleOf.get(String(e.domain));
        if (!rule) return;
        if (e.type === 'sink.accepted' || e.type === 'sink.rejected' || e.type === 'sink.deferred') {
          const k = `${rule.name}|${Math.floor(e.ts / q.periodMs)}`;
          perPeriod.set(k, (perPeriod.get(k) ?? 0) + 1);
        } else if (e.type === 'sink.connect') {
          sessions.set(String(e.sessionId), rule.name);
          const now = (open.get(rule.name) ?? 0) + 1;
          open.set(rule.name, now);
          maxOpen.set(rule.name, Math.max(maxOpen.get(rule.name) ?? 0, now));
        } else if (e.type === 'sink.closed' && sessions.delete(String(e.sessionId))) {
          open.set(rule.name, (open.get(rule.name) ?? 1) - 1);
        }
      },
      finish() {
        const over = new Examples();
        let periods = 0;
        let busiest = { rule: '', used: 0, quota: 0 };
        for (const [k, used] of perPeriod) {
          const [name, p] = k.split('|');
          const r = q.rules.find((x) => x.name === name)!;
          const quota = periodQuota(r.maxMessagesPerHour, q.periodsPerHour, Number(p) % q.periodsPerHour) * platforms;
          periods++;
          if (used / Math.max(1, quota) > busiest.used / Math.max(1, busiest.quota)) busiest = { rule: name, used, quota };
          if (used > quota + r.maxConnections * platforms) over.add(`rule ${name}: ${used} messages in one period, quota ${quota}`);
        }
        for (const r of q.rules) {
          const m = maxOpen.get(r.name) ?? 0;
          if (m > r.maxConnections * platforms) over.add(`rule ${r.name}: ${m} simultaneous connections, limit ${r.maxConnections * platforms}`);
        }
        const counts = { periods, breaches: over.count, busiestUsed: busiest.used, busiestQuota: busiest.quota };
        if (!periods) return { status: 'fail', detail: 'no SMTP transaction observed at any MX: nothing to judge', counts };
        if (over.count) return { status: 'fail', detail: `${over.count} breaches: ${over}`, counts };
        const conns = q.rules.map((r) => `${r.name} ≤ ${maxOpen.get(r.name) ?? 0}/${r.maxConnections * platforms} connections`).join(', ') + (platforms > 1 ? ` (${platforms} sending platforms)` : '');
        return { status: 'pass', detail: `${periods} rule-periods within quota (busiest: ${busiest.used} of ${busiest.quota} for ${busiest.rule}); ${conns}`, counts };
      },
    };
  },
};
