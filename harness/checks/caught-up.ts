// Eventual consistency: every status reaches the marketing instance within one sync period plus a
// bound after it happened, or after the end of the fault that held it back. Bounces too: a DSN
// recorded at the mid shows on the marketing instance within the same allowance.
import { Examples, indexOf, type Check } from './types.js';

export const caughtUp: Check = {
  id: 'caught-up',
  title: 'The marketing instance catches up within the sync period plus a bound (after any fault)',
  applies: (f) => f.syncPeriodMs !== undefined && f.catchUpBoundMs !== undefined,
  start(f) {
    const n = f.recipients;
    const outcomeAt = new Float64Array(n).fill(NaN);
    const execAt = new Float64Array(n).fill(NaN);
    const bouncedAt = new Float64Array(n).fill(NaN);
    const firstVisible = new Float64Array(n).fill(NaN);
    const finalVisible = new Float64Array(n).fill(NaN);
    const faults: { from: number; to: number }[] = [];
    const open = new Map<string, number>();
    let end = 0;
    return {
      event(e) {
        end = Math.max(end, e.ts);
        // Only faults that hold traffic back restart the clock; latency and bandwidth merely slow it.
        if (e.type === 'fault.start' && e.holds !== false) open.set(String(e.name), e.ts);
        else if (e.type === 'fault.stop' && open.has(String(e.name))) {
          faults.push({ from: open.get(String(e.name))!, to: e.ts });
          open.delete(String(e.name));
        }
        const i = indexOf(e, n);
        if (i < 0) return;
        if ((e.type === 'sink.accepted' || e.type === 'sink.rejected') && Number.isNaN(outcomeAt[i])) outcomeAt[i] = e.ts;
        else if (e.type === 'final.execution') {
          execAt[i] = e.ts;
          if (typeof e.bouncedAt === 'number') bouncedAt[i] = e.bouncedAt;
        } else if (e.type === 'final.marketing') {
          if (typeof e.firstVisibleAt === 'number') firstVisible[i] = e.firstVisibleAt;
          finalVisible[i] = e.ts;
        }
      },
      finish() {
        for (const [, from] of open) faults.push({ from, to: end }); // never healed: to the end
        faults.sort((a, b) => a.from - b.from);
        const allowance = f.syncPeriodMs! + f.catchUpBoundMs!;
        /** When the clock starts for a status that happened at t and showed at v: after any fault in between. */
        const clockFrom = (t: number, v: number) => faults.reduce((s, w) => (w.from <= v && w.to >= s ? Math.max(s, w.to) : s), t);
        const late = new Examples();
        const never = new Examples();
        let worst = 0;
        let judged = 0;
        const judge = (i: number, what: string, t: number, v: number) => {
          if (Number.isNaN(t)) return;
          if (Number.isNaN(v)) return never.add(`r${i} ${what} never visible`);
          judged++;
          const lag = v - clockFrom(t, v);
          worst = Math.max(worst, lag);
          if (lag > allowance) late.add(`r${i} ${what} visible ${Math.round(lag)} ms after it happened`);
        };
        for (let i = 0; i < n; i++) {
          judge(i, 'status', Number.isNaN(outcomeAt[i]) ? execAt[i] : outcomeAt[i], firstVisible[i]);
          judge(i, 'bounce', bouncedAt[i], finalVisible[i]);
        }
        const counts = { judged, late: late.count, never: never.count, worstLagMs: Math.round(worst), allowanceMs: Math.round(allowance) };
        const bad = [late, never].filter((x) => x.count);
        if (!judged) return { status: 'fail', detail: 'no status to judge', counts };
        if (bad.length) return { status: 'fail', detail: `${late.count + never.count} statuses later than ${Math.round(allowance)} ms: ${bad.map(String).join('; ')}`, counts };
        return { status: 'pass', detail: `${judged} statuses visible within ${Math.round(allowance)} ms (worst ${Math.round(worst)} ms${faults.length ? `, counted from the end of ${faults.length} fault windows where they overlapped` : ''})`, counts };
      },
    };
  },
};
