// Real firewall rules on the docker runtime, seen from inside the marketing instance's container:
// the port policy lets it reach the mid only on 80 and refuses (and counts) anything else; a
// REJECT block refuses at once, a DROP block is a black hole the caller times out on. Then: a
// start that fails half-way leaves nothing behind.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { topologyOptions } from '../../run/run.js';
import { parseScenario } from '../../scenario.js';
import { MODES } from '../../topology/modes.js';
import type { ModuleNode } from '../../topology/types.js';
import { InfrastructureError } from '../types.js';
import { dockerRuntime } from './index.js';
import * as firewall from './firewall.js';
import { connectFrom, leftoversOf, runDir } from './test-support.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const topology = () => MODES['mid-sourcing'](topologyOptions(parseScenario({ name: 'firewall', workload: { recipients: 10 } })));
const WAN = 'instance->mid:soap';

describe('docker runtime: firewall', () => {
  it('port policy refuses and counts other ports; REJECT refuses at once; DROP makes the caller time out', async () => {
    const { dir, run } = runDir();
    dirs.push(dir);
    const running = await dockerRuntime.start(topology(), { runDir: dir, portPolicy: true });
    try {
      const pid = running.pids()['app-server'];
      // The documented way out: SOAP to the mid's web front on port 80.
      expect((await connectFrom(run, 'app-server', 'wan-mid-relay', 80)).outcome).toBe('connected');
      expect(await firewall.refused(pid)).toBe(0);

      // Straight to the mid's database: not a documented port, refused by the policy and counted.
      const forbidden = await connectFrom(run, 'app-server', 'mid-db', 5432);
      expect(forbidden.outcome).toBe('ECONNREFUSED');
      expect(await firewall.refused(pid)).toBe(1);

      await running.block(WAN, 'reject');
      const rejected = await connectFrom(run, 'app-server', 'wan-mid-relay', 80, 5000);
      expect(rejected.outcome).toBe('ECONNREFUSED');
      expect(rejected.ms).toBeLessThan(1000);
      await running.unblock(WAN);
      expect((await connectFrom(run, 'app-server', 'wan-mid-relay', 80)).outcome).toBe('connected');

      await running.block(WAN, 'drop');
      const dropped = await connectFrom(run, 'app-server', 'wan-mid-relay', 80, 2000);
      expect(dropped.outcome).toBe('timeout');
      expect(dropped.ms).toBeGreaterThanOrEqual(2000);
      await running.unblock(WAN);
      expect((await connectFrom(run, 'app-server', 'wan-mid-relay', 80)).outcome).toBe('connected');
    } finally {
      await running.stop();
    }
    // The report's account of the policy: the one refused attempt, at the app server.
    const policy = running.observations!().filter((e) => e.type === 'firewall.policy');
    expect(policy.map((e) => [e.node, e.refused]).sort()).toEqual([['app-server', 1], ['marketing-db', 0]]);
    expect(await leftoversOf(run)).toEqual([]);
  });

  it('a start that fails half-way (a module with a bad config) says why and leaves nothing behind', async () => {
    const { dir, run } = runDir();
    dirs.push(dir);
    const t = topology();
    const redirector = t.nodes.find((n) => n.name === 'redirector') as ModuleNode;
    const config = redirector.config;
    redirector.config = (r) => ({ ...config(r), control: { port: 'not-a-port' } }) as never;
    const started = Date.now();
    const error = await dockerRuntime.start(t, { runDir: dir }).then(
      async (running) => {
        await running.stop(); // not expected: stop what started before failing the test
        return null;
      },
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(InfrastructureError);
    expect(error!.message).toMatch(/redirector did not start/);
    expect(error!.message).toMatch(/control/);
    // It fails when the module exits, not after the start timeout.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await leftoversOf(run)).toEqual([]);
  });
});
