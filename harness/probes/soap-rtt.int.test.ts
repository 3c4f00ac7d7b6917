// Injected latency must show up in the measurements with the right size: 200 ms added to the
// instance->mid link (requests) makes the SOAP round trip the probe measures grow by 200 ms +/- 10%.
// Real mid relay, real PostgreSQL, the link through midsim's fault proxy, driven by its Toxiproxy API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FaultClient } from '../faults/client.js';
import { topologyOptions } from '../run/run.js';
import { processRuntime } from '../runtime/process.js';
import type { RunningTopology } from '../runtime/types.js';
import { parseScenario } from '../scenario.js';
import { MODES } from '../topology/modes.js';
import { HistoryWriter } from './history.js';
import { SoapRttProbe } from './soap-rtt.js';

const dir = mkdtempSync(join(tmpdir(), 'midsim-rtt-'));
let running: RunningTopology;
let history: HistoryWriter;

beforeAll(async () => {
  const topology = MODES['mid-sourcing'](topologyOptions(parseScenario({ name: 'rtt' })));
  running = await processRuntime.start(topology, { runDir: dir });
  history = new HistoryWriter(join(dir, 'history.ndjson'));
});
afterAll(async () => {
  await running?.stop();
  await history?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function medianRtt(probe: SoapRttProbe, n = 15): Promise<number> {
  const v: number[] = [];
  for (let i = 0; i < n; i++) v.push(await probe.measure());
  v.sort((a, b) => a - b);
  return v[Math.floor(n / 2)];
}

it('200 ms injected on instance->mid raises the SOAP round trip by 200 ms within 10%', async () => {
  const link = running.topology.facts.clientUplink!;
  const probe = new SoapRttProbe(running.links[link].listen, history);
  await medianRtt(probe, 3); // warm up: logon, connection, JIT
  const before = await medianRtt(probe);
  const faults = new FaultClient(running.toxiproxyUrl);
  await faults.addToxic(running.links[link].proxy, { type: 'latency', name: 'wan', stream: 'upstream', attributes: { latency: 200, jitter: 0 } });
  const after = await medianRtt(probe);
  const added = after - before;
  console.log(`SOAP round trip: ${before.toFixed(1)} ms -> ${after.toFixed(1)} ms (+${added.toFixed(1)} ms for 200 ms injected)`);
  expect(added).toBeGreaterThanOrEqual(180);
  expect(added).toBeLessThanOrEqual(220);
  // And it goes away when the toxic is removed.
  await faults.removeToxic(running.links[link].proxy, 'wan');
  expect(Math.abs((await medianRtt(probe)) - before)).toBeLessThan(20);
});
