// The release gate as CI runs it: `midsim run` with a scenario that declares thresholds and a
// --baseline. A failed threshold or a regression exits 1 (not 3), both are in result.json and
// junit.xml; bad gate input exits 2 naming the field.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../paths.js';

const dir = mkdtempSync(join(tmpdir(), 'midsim-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(ROOT, 'bin', 'midsim.js');

function midsim(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('midsim run as a release gate', () => {
  it('exits 1 on a failed threshold and a regression against the baseline, with both in junit.xml and result.json', async () => {
    const scenario = join(dir, 'gated.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        name: 'gated',
        workload: { recipients: 40 },
        // lost == 0 holds; no run of 40 messages reaches a trillion an hour.
        thresholds: { lost: '== 0', 'throughput.messagesPerHour': '> 1e12', 'syncDelay.p95': '< 10m' },
      }),
    );
    // A baseline from a much faster run: this run is a regression against it.
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify({ scenario: 'gated', mode: 'mid-sourcing', metrics: { throughput: { messagesPerHour: 1e9 }, syncDelayMs: { p95: 1 } } }));
    const out = join(dir, 'run');
    const r = await midsim(['run', '--scenario', scenario, '--out', out, '--baseline', baseline, '--tolerance', 'throughput=20%']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/ok {3}threshold:lost: lost = 0, threshold == 0/);
    expect(r.stdout).toMatch(/FAIL threshold:throughput.messagesPerHour: .*threshold > 1000000000000/);
    expect(r.stdout).toMatch(/FAIL baseline:throughput.messagesPerHour: .* against 1000000000 in the baseline .*at least 800000000 allowed/);

    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    // The checks passed: only the gates failed the run.
    expect(result.checks.every((c: { status: string }) => c.status === 'pass')).toBe(true);
    expect(result.verdict).toBe('fail');
    expect(Object.fromEntries(result.gates.map((g: { id: string; status: string }) => [g.id, g.status]))).toEqual({
      'threshold:lost': 'pass',
      'threshold:throughput.messagesPerHour': 'fail',
      'threshold:syncDelay.p95': 'pass',
      'baseline:throughput.messagesPerHour': 'fail',
      'baseline:syncDelay.p95': 'fail',
    });

    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    const cases = [...junit.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1].split(':').slice(0, 2).join(':'));
    // One case per check and per gate (and one for settling).
    expect(cases.length).toBe(1 + result.checks.length + 5);
    expect(junit).toMatch(/<testcase name="threshold:throughput.messagesPerHour: throughput.messagesPerHour &gt; 1e12"[^>]*>\s*<properties>[\s\S]*?<failure message="throughput.messagesPerHour = /);
    expect(junit).toMatch(/<testcase name="threshold:lost: lost == 0"[^>]*>\s*<properties>[\s\S]*?<\/properties>\s*<\/testcase>/);
    expect(junit).toMatch(/failures="3"/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/id="gates"/);
  });

  it('exits 2 naming the field for a bad threshold, baseline or tolerance', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', thresholds: { 'syncDelay.p59': '< 1s' } }));
    const run = (...a: string[]) => spawnSync(process.execPath, [bin, 'run', ...a], { encoding: 'utf8', timeout: 60_000 });
    const t = run('--scenario', bad);
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/thresholds\["syncDelay.p59"\]: "< 1s": unknown metric/);
    const b = run('--baseline', join(dir, 'nope.json'));
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/--baseline .*nope.json: cannot read/);
    const tol = run('--tolerance', 'latency=5%');
    expect(tol.status).toBe(2);
    expect(tol.stderr).toMatch(/--tolerance: "latency=5%"/);
  });
});
