// The catalogue can fail: the reference implementation deliberately misconfigured fails exactly
// the requirements that describe what the misconfiguration breaks, and nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConformance } from './run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function failing(misconfig: Parameters<typeof runConformance>[0]['misconfig']) {
  const out = mkdtempSync(join(tmpdir(), 'midsim-conf-'));
  dirs.push(out);
  const r = await runConformance({ modes: ['mid-sourcing'], out, misconfig });
  return { r, failed: r.cells.filter((c) => c.status === 'fail').map((c) => c.requirement).sort(), detail: (id: string) => r.cells.find((c) => c.requirement === id)!.detail };
}

describe('the conformance catalogue against misconfigured targets', () => {
  it('an open redirect and a relay that stores a part twice fail MS-TRK-04 and MS-SOAP-10 only', async () => {
    const { r, failed, detail } = await failing({ openRedirect: true, nonIdempotentParts: true });
    expect(failed, JSON.stringify(r.cells.filter((c) => c.status === 'fail'), null, 1)).toEqual(['MS-SOAP-10', 'MS-TRK-04']);
    expect(detail('MS-TRK-04')).toMatch(/attacker\.example/);
    expect(detail('MS-SOAP-10')).toMatch(/6 broadLogMid rows stored for 3 mktBroadLogIds/);
    expect(r.verdict).toBe('fail');
  });

  it('an MTA enabled on the marketing instance fails the requirements it breaks', async () => {
    const { r, failed, detail } = await failing({ marketingMta: true });
    expect(failed, JSON.stringify(r.cells.filter((c) => c.status === 'fail'), null, 1)).toEqual(EXPECTED_MARKETING_MTA);
    expect(detail('MS-ARCH-01')).toMatch(/marketing\.client\.example/);
    expect(detail('MS-ARCH-02')).toMatch(/not allowed: .*smtp \(mta-marketing->internet\)/);
  });
});

/**
 * An MTA on the marketing instance sends every message a second time, straight from the client's
 * site: the second copies bounce a second time and the run never settles.
 */
const EXPECTED_MARKETING_MTA = ['MS-ARCH-01', 'MS-ARCH-02', 'MS-RUN-03', 'MS-RUN-04', 'MS-RUN-05'];
