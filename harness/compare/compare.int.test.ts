// midsim compare end to end: three modes, one small workload with one MX fault that applies to all
// and one WAN fault that only mid-sourcing has; each mode's run, the comparison and its claims.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { Progress } from '../run/progress.js';
import { loadScenario } from '../run/scenarios.js';
import { runComparison, type Comparison } from './compare.js';

const tmp = mkdtempSync(join(tmpdir(), 'midsim-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const scenarioFile = join(tmp, 'small.json');
writeFileSync(
  scenarioFile,
  JSON.stringify({
    name: 'small',
    timeScale: 60,
    workload: { recipients: 200 },
    sync: { deliveryLogsPeriod: '2m', trackingLogsPeriod: '2m', countersPeriod: '2m' },
    timeline: [
      { name: 'mail-a.test defers', at: '0s', for: '3m', mx: 'mail-a.test', fault: { kind: 'tempfail' } },
      { name: 'WAN latency', at: '0s', link: 'instance->mid', fault: { kind: 'latency', latency: '50ms', direction: 'both' } },
    ],
  }),
);

describe('midsim compare', () => {
  let c: Comparison;
  const out = join(tmp, 'cmp');

  it('runs the same workload and faults in each mode and writes one run per mode', async () => {
    const scenario = await loadScenario(scenarioFile);
    c = await runComparison({ modes: ['on-premise', 'mid-sourcing', 'distributed'], scenario, out, command: 'test', progress: new Progress(false, { write: () => true } as never) });
    expect(c.verdict, JSON.stringify(c.modes.map((m) => [m.mode, m.failedChecks]))).toBe('pass');
    for (const m of ['on-premise', 'mid-sourcing', 'distributed']) {
      const r = JSON.parse(readFileSync(join(out, m, 'result.json'), 'utf8'));
      expect(r).toMatchObject({ mode: m, seed: scenario.seed, verdict: 'pass' });
      expect(r.metrics.recipients).toBe(200);
      // The MX fault ran everywhere; the WAN fault only where there is a WAN.
      expect(r.faults.map((f: { name: string }) => f.name)).toEqual(m === 'mid-sourcing' ? ['mail-a.test defers', 'WAN latency'] : ['mail-a.test defers']);
    }
    expect(c.modes.find((m) => m.mode === 'on-premise')!.notApplicable.join()).toMatch(/instance->mid/);
    const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Comparison;
    expect(json.modes.map((m) => m.mode)).toEqual(['on-premise', 'mid-sourcing', 'distributed']);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('measures what left the client site and judges every documented claim', () => {
    const by = Object.fromEntries(c.modes.map((m) => [m.mode, m]));
    const mid = by['mid-sourcing'].boundary.links;
    expect(mid.map((l) => [l.link, l.protocol, l.columns])).toEqual([['instance->mid:soap', 'soap', ['email', 'firstName', 'lastName', 'city']]]);
    const smtp = by['on-premise'].boundary.links.filter((l) => l.direction === 'out');
    expect(smtp.length).toBe(4);
    expect(new Set(smtp.map((l) => l.port))).toEqual(new Set([25]));
    expect(by['mid-sourcing'].boundary.outPer1000).toBeLessThan(by['on-premise'].boundary.outPer1000 / 3);
    expect(by['distributed'].clientSite.executionModules).toContain('mta-2');
    expect(by['mid-sourcing'].resources.find((r) => r.node === 'app-server')!.cpuSeconds).toBeGreaterThan(0);
    const verdicts = Object.fromEntries(c.claims.map((x) => [x.id, x.verdict]));
    expect(Object.keys(verdicts).sort()).toEqual(['database-stays-home', 'forms-stay-local', 'high-volume', 'limited-bandwidth', 'no-ha-burden', 'reporting-delay', 'simpler-instance']);
    for (const id of ['database-stays-home', 'forms-stay-local', 'limited-bandwidth', 'no-ha-burden', 'reporting-delay', 'simpler-instance']) expect(verdicts[id], id).toBe('confirmed');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="claims"');
    expect(html).toContain('href="mid-sourcing/report.html"');
  });

  it('exits 2 naming --modes for an unknown mode', async () => {
    const err: string[] = [];
    const orig = console.error;
    console.error = (m: string) => err.push(m);
    try {
      expect(await main(['compare', '--modes', 'on-premise,cloud', '--scenario', scenarioFile, '--out', join(tmp, 'bad')])).toBe(2);
    } finally {
      console.error = orig;
    }
    expect(err.join()).toMatch(/--modes: unknown mode "cloud"/);
  });
});
