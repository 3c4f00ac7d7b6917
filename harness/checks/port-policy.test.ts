// The port-policy check: applies only when the policy was asked for; passes when every node of the
// client's site stayed within it; fails on a refused connection, on a link the policy cannot allow,
// and when no rules were applied at all.
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../probes/history.js';
import { evaluate } from './index.js';
import { portPolicy } from './port-policy.js';
import type { RunFacts } from './types.js';

const facts: RunFacts = { mode: 'mid-sourcing', recipients: 1, marketingHostName: 'm', executionSite: 'mid', portPolicy: true };
const says = 'only 80/443 to the mid';
const node = (name: string, refused: number | null, refusedLinks: string[] = []): HistoryEvent => ({ seq: 1, ts: 1, type: 'firewall.policy', node: name, says, allowed: [], refusedLinks, refused });
const judge = async (events: HistoryEvent[]) => (await evaluate(facts, events, [portPolicy]))[0];

describe('port-policy check', () => {
  it('does not apply without --port-policy', async () => {
    expect(await evaluate({ ...facts, portPolicy: false }, [], [portPolicy])).toEqual([]);
  });

  it('passes when nothing was refused', async () => {
    const r = await judge([node('app-server', 0), node('marketing-db', 0)]);
    expect(r.status).toBe('pass');
    expect(r.counts).toEqual({ nodes: 2, refused: 0, offenders: 0 });
  });

  it('fails and names the node that tried another port', async () => {
    const r = await judge([node('app-server', 3), node('marketing-db', 0)]);
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/app-server: 3 connection attempts refused/);
    expect(r.detail).not.toMatch(/marketing-db/);
  });

  it('fails on a link of the topology the policy cannot allow (a marketing MTA speaking SMTP)', async () => {
    const r = await judge([node('mta-marketing', 0, ['mta-marketing->internet:a.test'])]);
    expect(r.status).toBe('fail');
    expect(r.detail).toMatch(/not allowed/);
  });

  it('fails when the counters could not be read, or no rules were applied', async () => {
    expect((await judge([node('app-server', null)])).status).toBe('fail');
    expect((await judge([])).detail).toMatch(/no rules were applied/);
  });
});
