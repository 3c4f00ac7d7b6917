// The main job on the docker runtime: the same scenarios as on the process runtime, with the same
// exact counts and the same result.json shape; a CPU quota from a hardware profile slows the MTA
// down (compared with an unconstrained run in the same test); the port policy lets the campaign
// through and reports a module that tries another port. Nothing is left on the engine after a run.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProfile } from '../profiles/schema.js';
import { parseCpuGhz } from '../runtime/docker/host.js';
import { connectFrom, leftoversOf, runDir } from '../runtime/docker/test-support.js';
import { parseScenario, type ScenarioInput } from '../scenario.js';
import { expectedTotals } from '../workload/model.js';
import { Progress } from './progress.js';
import { runScenario, type RunOptions } from './run.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function run(input: Partial<ScenarioInput>, o: Partial<RunOptions> = {}, { dir, run: id } = runDir()) {
  const scenario = parseScenario({ name: 'test', ...input });
  dirs.push(dir);
  const result = await runScenario({ scenario, out: dir, command: 'test', progress: new Progress(false, { write: () => true } as never), runtime: 'docker', ...o });
  return { scenario, result, dir, id };
}

/** Every key path of a JSON value, arrays by their first element. */
function shape(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.length ? shape(v[0], `${at}[]`) : [`${at}[]`];
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => [`${at}.${k}`, ...shape(x, `${at}.${k}`)]);
  return [];
}

/** The default scenario's exact counts (the same function of the seed as on the process runtime). */
async function expectDefaultPasses(r: Awaited<ReturnType<typeof run>>, mode: string) {
  const { scenario, result, dir, id } = r;
  const n = scenario.workload.recipients;
  const e = expectedTotals(scenario.seed, n, scenario.workload.domains, scenario.workload.recipientBehaviour);
  expect(result.checks.filter((c) => c.status !== 'pass'), JSON.stringify(result.checks, null, 1)).toEqual([]);
  expect(result.verdict).toBe('pass');
  const m = result.metrics;
  expect(m.delivered).toBe(e.delivered);
  expect(m.failed.hard).toBe(e.rejected.userUnknown + e.bounced.userUnknown);
  expect(m.bounces).toBe(e.bounced.total);
  expect(m.opens).toBe(e.opens);
  expect(m.clicks).toBe(e.clicks);
  expect(m.syncDelayMs.count).toBe(n);
  // Documented ports inside the containers: the report's port map says so.
  expect(result.ports.find((p) => p.node === 'app-server' && p.role === 'web')).toMatchObject({ documented: 8080, actual: 8080 });
  expect(result.ports.find((p) => p.node === 'marketing-db')).toMatchObject({ documented: 5432, actual: 5432 });
  expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'))).toMatchObject({ runtime: 'docker', mode, verdict: 'pass' });
  for (const f of ['report.html', 'history.ndjson', 'logs/app-server.log', 'config/app-server.json']) expect(existsSync(join(dir, f)), f).toBe(true);
  expect(await leftoversOf(id)).toEqual([]);
}

/** A profile that puts the MTA on about a twentieth of one host core, whatever this host's clock. */
function slowMtaProfile() {
  let hostGhz = 2.5;
  try {
    hostGhz = parseCpuGhz(readFileSync('/proc/cpuinfo', 'utf8')) ?? hostGhz;
  } catch {
    /* not Linux: the assumed clock */
  }
  return parseProfile({
    name: 'slow-mta',
    description: 'the MTA on a twentieth of a core',
    source: 'test',
    machines: { 'mta host': { cpu: { cores: 1, ghz: Math.round(hostGhz * 0.05 * 1000) / 1000 }, memoryMb: 512, nodes: ['mta'] } },
    targets: [
      { metric: 'messagesPerHour', min: 1, source: 'anything that sends' },
      { metric: 'messagesPerHour', min: 1e9, source: 'nothing can' },
    ],
  });
}

describe('docker runtime, mid-sourcing', () => {
  it('the default scenario passes with exact counts and the result.json shape of the process runtime; a CPU quota on the MTA lowers its throughput', async () => {
    const free = await run({ workload: { recipients: 200 } });
    await expectDefaultPasses(free, 'mid-sourcing');
    // No profile: nothing enforced, but what each container used is measured.
    expect(free.result.hardware).toMatchObject({ profile: null, enforced: false });
    expect(free.result.hardware.nodes?.find((n) => n.node === 'app-server')?.used.samples).toBeGreaterThan(1);

    // The same result.json shape as the process runtime (the hardware section apart: docker measures more).
    const proc = await runScenario({ scenario: parseScenario({ name: 'test', workload: { recipients: 50 } }), out: runDir().dir, command: 'test', progress: new Progress(false, { write: () => true } as never) });
    dirs.push(proc.runDir);
    expect(proc.hardware.note).toMatch(/does not enforce/);
    const strip = (r: object) => shape(r).filter((p) => !p.startsWith('.hardware') && !p.startsWith('.metrics.links.') && !p.startsWith('.faults'));
    const json = (d: string) => JSON.parse(readFileSync(join(d, 'result.json'), 'utf8'));
    expect(strip(json(free.dir))).toEqual(strip(json(proc.runDir)));

    // The same campaign with the MTA on a twentieth of a core: slower, nothing lost.
    const slow = await run({ workload: { recipients: 200 } }, { profile: slowMtaProfile() });
    const ratio = slow.result.metrics.throughput.messagesPerSecond! / free.result.metrics.throughput.messagesPerSecond!;
    console.log(`throughput: ${free.result.metrics.throughput.messagesPerSecond?.toFixed(1)} msg/s free, ${slow.result.metrics.throughput.messagesPerSecond?.toFixed(1)} msg/s with the MTA at ~0.05 core (ratio ${ratio.toFixed(2)})`);
    expect(slow.result.verdict).toBe('pass');
    expect(slow.result.metrics.lost).toBe(0);
    expect(ratio).toBeLessThan(0.6);

    // The report: the quota applied, the CPU used within it, a verdict line per target.
    const h = slow.result.hardware;
    expect(h).toMatchObject({ profile: 'slow-mta', enforced: true });
    expect(h.scaling).toMatch(/host has \d+ cores/);
    const mta = h.nodes!.find((n) => n.node === 'mta')!;
    expect(mta.limits.cpus).toBeGreaterThan(0.02);
    expect(mta.limits.cpus).toBeLessThan(0.1);
    expect(mta.limits.memoryMb).toBe(512);
    expect(mta.used.cpuMeanPct).toBeGreaterThan(0);
    expect(mta.used.cpuMeanPct).toBeLessThanOrEqual(mta.limits.cpus! * 100 * 1.25);
    expect(h.nodes!.find((n) => n.node === 'app-server')!.limits).toEqual({ cpus: null, memoryMb: null });
    expect(h.verdicts!.map((v) => v.ok)).toEqual([true, false]);
    expect(h.verdicts![1].line).toMatch(/^misses: messages per hour/);
    const html = readFileSync(join(slow.dir, 'report.html'), 'utf8');
    expect(html).toContain('id="profile-verdicts"');
    expect(html).toContain('id="hardware"');
    expect(await leftoversOf(slow.id)).toEqual([]);
  });
});

describe('docker runtime, on-premise', () => {
  it('the default scenario passes with exact counts', async () => {
    await expectDefaultPasses(await run({ mode: 'on-premise', workload: { recipients: 200 } }), 'on-premise');
  });
});

describe('docker runtime, port policy', () => {
  it('the campaign completes behind the policy; a connection to another port is refused and reported', async () => {
    const where = runDir();
    const id = where.run;
    const { result, dir } = await run(
      { workload: { recipients: 100 } },
      {
        portPolicy: true,
        // Once the campaign has settled, something in the app server's container tries the mid's database directly.
        beforeSnapshot: async () => {
          expect((await connectFrom(id, 'app-server', 'mid-db', 5432)).outcome).toBe('ECONNREFUSED');
        },
      },
      where,
    );
    const failed = result.checks.filter((c) => c.status !== 'pass');
    expect(failed.map((c) => c.id)).toEqual(['port-policy']);
    expect(failed[0].detail).toMatch(/app-server: 1 connection attempts refused/);
    expect(result.metrics.lost).toBe(0);
    expect(result.portPolicy?.nodes.find((n) => n.node === 'app-server')).toMatchObject({ refused: 1, refusedLinks: [] });
    expect(result.portPolicy?.nodes.find((n) => n.node === 'app-server')?.allowed).toContain('wan-mid-relay:80 (instance->mid:soap)');
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('id="port-policy"');
    expect(await leftoversOf(id)).toEqual([]);
  });
});
