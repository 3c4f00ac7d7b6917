// Every shipped fault scenario, run as shipped on the process runtime: each must pass all checks
// (nothing lost, nothing twice, caught up after heal, quotas kept) AND show the effect its fault is
// meant to have, so that a scenario whose fault silently stopped working fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHistory, type HistoryEvent } from '../harness/probes/history.js';
import type { RunResult } from '../harness/report/result.js';
import { Progress } from '../harness/run/progress.js';
import { runScenario } from '../harness/run/run.js';
import { parseScenario } from '../harness/scenario.js';
import { runDirs } from '../harness/testing/runs.js';
import { loadScenario, scenarioNames } from '../harness/run/scenarios.js';

const runDir = runDirs('scenario');

async function runShipped(name: string | ReturnType<typeof parseScenario>): Promise<{ result: RunResult; history: HistoryEvent[]; out: string }> {
  // A stuck run returns (did not settle, and why) before the test's own timeout.
  const scenario = typeof name === 'string' ? await loadScenario(name, { quiesceTimeout: '100s' }) : name;
  const out = runDir();
  const result = await runScenario({ scenario, out, command: 'test', progress: new Progress(false, { write: () => true } as never) });
  const history: HistoryEvent[] = [];
  for await (const e of readHistory(join(out, 'history.ndjson'))) history.push(e);
  return { result, history, out };
}

function expectAllChecksPass(result: RunResult): void {
  expect(result.quiesce.ok, result.quiesce.detail).toBe(true);
  expect(result.checks.filter((c) => c.status !== 'pass'), JSON.stringify(result.checks, null, 1)).toEqual([]);
  expect(result.metrics.lost).toBe(0);
  expect(result.metrics.duplicates).toBe(0);
  expect(result.metrics.recipients).toBe(1000);
}

const fault = (r: RunResult, name: string) => {
  const f = r.faults.find((x) => x.name === name);
  expect(f, `fault "${name}" in ${JSON.stringify(r.faults)}`).toBeDefined();
  return f!;
};

describe('the shipped fault scenarios', () => {
  it('are all covered here', () => {
    const covered = ['default', 'wan-latency', 'wan-firewall-block', 'wan-reject', 'wan-bandwidth', 'mid-relay-crash', 'stat-server-outage', 'sink-tempfail'];
    // A new scenario gets its own test below (modes' own scenarios are tested with their modes).
    expect(scenarioNames().filter((n) => !covered.includes(n) && !n.startsWith('mta-loss') && !n.startsWith('distributed'))).toEqual([]);
  });

  it('wan-latency: 200 ms +/- 50 of round trip shows in the SOAP round trip; nothing lost', async () => {
    const { result } = await runShipped('wan-latency');
    expectAllChecksPass(result);
    const f = fault(result, 'WAN latency');
    expect(f.holds).toBe(false); // a condition, not an outage
    // 100 ms each way: the probe's round trip is at least the injected 200 ms, and not wildly more.
    expect(result.metrics.soapRttMs.p50).toBeGreaterThanOrEqual(170);
    expect(result.metrics.soapRttMs.p50).toBeLessThan(400);
    expect(result.narrative).toMatch(/WAN latency \(latency on instance->mid/);
  });

  it('wan-firewall-block: calls hang while black-holed, then everything catches up', async () => {
    const { result, history } = await runShipped('wan-firewall-block');
    expectAllChecksPass(result);
    const f = fault(result, 'firewall block');
    expect(f.holds).toBe(true);
    expect(f.to).not.toBeNull();
    expect(f.soapFailures).toBeGreaterThan(0); // the probe's calls timed out in the black hole
    // Some parts were transmitted before the block, the rest after it healed.
    const healedAt = history.find((e) => e.type === 'fault.stop' && e.name === 'firewall block')!.ts;
    const transmitted = history.filter((e) => e.type === 'msg.transmitted');
    expect(transmitted.some((e) => e.ts < healedAt)).toBe(true);
    expect(transmitted.some((e) => e.ts > healedAt)).toBe(true);
  });

  it('wan-reject: refused calls fail at once and are retried; nothing lost or stored twice', async () => {
    const { result } = await runShipped('wan-reject');
    expectAllChecksPass(result);
    const f = fault(result, 'firewall reject');
    expect(f.kind).toBe('reject');
    expect(f.soapFailures).toBeGreaterThan(0);
    expect(result.metrics.soapRttMs.failures).toBeGreaterThan(0);
  });

  it('wan-bandwidth: 1 Mb/s barely shows, because only template fields cross the WAN', async () => {
    const { result } = await runShipped('wan-bandwidth');
    expectAllChecksPass(result);
    expect(fault(result, 'WAN 1 Mb/s').holds).toBe(false);
    // The documented "limited bandwidth" benefit: the uplink carries less than the SMTP it stands for.
    expect(result.metrics.bandwidth.ratio).not.toBeNull();
    expect(result.metrics.bandwidth.ratio!).toBeLessThan(0.5);
  });

  it('mid-relay-crash: the part whose answer was lost is resubmitted and stored once', async () => {
    const { result, history } = await runShipped('mid-relay-crash');
    expectAllChecksPass(result);
    expect(fault(result, 'relay crash').kind).toBe('crash');
    expect(result.metrics.partsResubmitted).toBeGreaterThan(0);
    expect(history.some((e) => e.type === 'fault.stop' && e.name === 'relay crash')).toBe(true);
    expect(result.narrative).toMatch(/submitted again .* stored each once/);
  });

  it('stat-server-outage: without tokens the MTA pauses rather than send unmetered; quota kept', async () => {
    const { result, out } = await runShipped('stat-server-outage');
    expectAllChecksPass(result);
    const f = fault(result, 'stat server outage');
    // Connections opened under the old slots end after their message: at most one per connection.
    const scenario = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
    expect(scenario.faults.length).toBe(1);
    expect(f.messages).toBeLessThanOrEqual(4); // maxConnections of the scenario's rule
    expect(result.checks.find((c) => c.id === 'quota')!.status).toBe('pass');
  });

  it('sink-tempfail: the MX defers for a while; retries deliver everything once', async () => {
    const { result, history } = await runShipped('sink-tempfail');
    expectAllChecksPass(result);
    expect(fault(result, 'mail-a.test defers').kind).toBe('tempfail');
    // The MTA kept trying mail-a.test during the window and got nothing through; after the heal it did.
    const stop = history.find((e) => e.type === 'fault.stop' && e.name === 'mail-a.test defers')!.ts;
    const start = history.find((e) => e.type === 'fault.start' && e.name === 'mail-a.test defers')!.ts;
    const toA = (type: string) => history.filter((e) => e.type === type && e.domain === 'mail-a.test');
    expect(toA('sink.connect').filter((e) => e.ts > start && e.ts < stop).length).toBeGreaterThan(1);
    expect(toA('sink.accepted').filter((e) => e.ts > start && e.ts < stop)).toEqual([]);
    expect(toA('sink.accepted').filter((e) => e.ts > stop).length).toBeGreaterThan(0);
  });

  it('a node paused (SIGSTOP) and resumed: calls hang meanwhile, nothing lost after it resumes', async () => {
    const scenario = parseScenario({
      name: 'relay-pause',
      quiesceTimeout: '100s',
      timeScale: 60,
      workload: { recipients: 1000 },
      partSize: 50,
      sync: { deliveryLogsPeriod: '2m', trackingLogsPeriod: '2m', countersPeriod: '2m' },
      timeline: [
        { name: 'WAN latency', at: '0s', link: 'instance->mid', fault: { kind: 'latency', latency: '100ms', direction: 'both' } },
        { name: 'relay paused', when: { event: 'transmitted', share: 0.2 }, for: '8m', node: 'mid-relay', fault: { kind: 'pause' } },
      ],
    });
    const { result } = await runShipped(scenario);
    expectAllChecksPass(result);
    const f = fault(result, 'relay paused');
    expect(f.kind).toBe('pause');
    expect(f.to! - f.from).toBeGreaterThanOrEqual(7.5); // 8 simulated minutes at x60
    expect(f.soapFailures).toBeGreaterThan(0); // the probe's calls timed out against the stopped relay
  });
});
