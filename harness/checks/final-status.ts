// Every recipient ends with exactly one final status on each site, and both sites agree (status
// and failure reason): the sync brings them back unchanged.
import { Examples, FINAL_STATUSES, indexOf, type Check } from './types.js';

const CODE: Record<string, number> = { sent: 1, failed: 2, ignored: 3 };

export const finalStatus: Check = {
  id: 'final-status',
  title: 'Every recipient has exactly one final status on each site, and the sites agree',
  applies: () => true,
  start(f) {
    const n = f.recipients;
    const sites = f.executionSite === 'mid' ? (['marketing', 'execution'] as const) : (['marketing'] as const);
    const count = { marketing: new Uint8Array(n), execution: new Uint8Array(n) };
    const status = { marketing: new Uint8Array(n), execution: new Uint8Array(n) };
    const reason = { marketing: new Int32Array(n).fill(-1), execution: new Int32Array(n).fill(-1) };
    const unknown = new Examples();
    return {
      event(e) {
        if (e.type !== 'final.marketing' && e.type !== 'final.execution') return;
        const site = e.type === 'final.marketing' ? 'marketing' : 'execution';
        const i = indexOf(e, n);
        if (i < 0) return unknown.add(`${site} row for an address outside the population (${String(e.index)})`);
        count[site][i] = Math.min(255, count[site][i] + 1);
        status[site][i] = CODE[String(e.status)] ?? 0;
        reason[site][i] = typeof e.reasonCode === 'number' ? e.reasonCode : -1;
      },
      finish() {
        const missing = new Examples();
        const twice = new Examples();
        const notFinal = new Examples();
        const disagree = new Examples();
        for (let i = 0; i < n; i++) {
          for (const s of sites) {
            if (count[s][i] === 0) missing.add(`r${i} has no row on ${s}`);
            else if (count[s][i] > 1) twice.add(`r${i} has ${count[s][i]} rows on ${s}`);
            else if (status[s][i] === 0) notFinal.add(`r${i} not final on ${s}`);
          }
          if (sites.length === 2 && count.marketing[i] === 1 && count.execution[i] === 1 && status.marketing[i] && status.execution[i]) {
            if (status.marketing[i] !== status.execution[i] || reason.marketing[i] !== reason.execution[i]) {
              const name = (c: number) => FINAL_STATUSES[c - 1];
              disagree.add(`r${i}: marketing ${name(status.marketing[i])}/${reason.marketing[i]} vs mid ${name(status.execution[i])}/${reason.execution[i]}`);
            }
          }
        }
        const problems = [missing, twice, notFinal, disagree, unknown].filter((x) => x.count);
        const counts = { missing: missing.count, duplicated: twice.count, notFinal: notFinal.count, disagree: disagree.count, unknown: unknown.count };
        if (!problems.length) {
          return { status: 'pass', detail: `${n} recipients, each with one final status on ${sites.join(' and ')}${sites.length === 2 ? ', all in agreement' : ''}`, counts };
        }
        return { status: 'fail', detail: problems.map(String).join('; '), counts };
      },
    };
  },
};
