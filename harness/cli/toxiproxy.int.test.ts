// `midsim toxiproxy` as a stand-alone toxiproxy-server, and `midsim run` using a Toxiproxy it does
// not own (TOXIPROXY_URL): the run's links go through that server and are removed afterwards.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from '../paths.js';

const bin = join(ROOT, 'bin', 'midsim.js');
const dir = mkdtempSync(join(tmpdir(), 'midsim-toxiproxy-'));
let server: ChildProcess | null = null;
afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGINT');
    await new Promise((r) => server!.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
});

it('serves the Toxiproxy API on its own, carries a run given TOXIPROXY_URL, and is left clean', async () => {
  server = spawn(process.execPath, [bin, 'toxiproxy', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server!.stdout! }).on('line', (l) => {
      const m = /listening on (http:\/\/\S+)/.exec(l);
      if (m) resolve(m[1]);
    });
    server!.once('exit', (c) => reject(new Error(`midsim toxiproxy exited ${c}`)));
  });
  expect(await (await fetch(`${url}/version`)).text()).toMatch(/\d/);

  const out = join(dir, 'run');
  const run = spawnSync(process.execPath, [bin, 'run', '--recipients', '100', '--out', out], {
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, TOXIPROXY_URL: url },
  });
  // A Toxiproxy records no bytes, so the one check that reads the captured uplink cannot verify
  // and says so (never a silent pass); every other check passes.
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
  const failed = result.checks.filter((c: { status: string }) => c.status !== 'pass');
  expect(failed.map((c: { id: string }) => c.id), run.stdout + run.stderr).toEqual(['template-fields-only']);
  expect(failed[0].detail).toMatch(/no capture of instance->mid:soap/);
  expect(run.status).toBe(1);
  // No fault proxy of its own: the links were the external server's (its counters are in the result).
  expect(existsSync(join(out, 'logs', 'fault-proxy.log'))).toBe(false);
  expect(result.metrics.links['instance->mid:soap'].bytesUp).toBeGreaterThan(0);
  // And the run removed the proxies it created there.
  expect(await (await fetch(`${url}/proxies`)).json()).toEqual({});
  server.kill('SIGINT');
  expect(await new Promise((r) => server!.once('exit', (c, s) => r(c ?? s)))).not.toBe(null);
});
