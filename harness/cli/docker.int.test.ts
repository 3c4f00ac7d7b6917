// The docker-related CLI, where no engine is needed: flags checked before anything starts (exit 2
// naming the problem), the profiles listing, the Compose export.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../paths.js';

const midsim = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'midsim.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
const dir = mkdtempSync(join(tmpdir(), 'midsim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('midsim CLI, docker runtime flags', () => {
  it('exits 2 on a bad runtime, profile or combination, before starting anything', () => {
    const runtime = midsim('run', '--runtime', 'kubernetes');
    expect(runtime.status).toBe(2);
    expect(runtime.stderr).toMatch(/Allowed choices are process, docker/);
    const profile = midsim('run', '--profile', 'mainframe');
    expect(profile.status).toBe(2);
    expect(profile.stderr).toMatch(/unknown hardware profile "mainframe" \(known: .*mid-sourcing-recommended/);
    const policy = midsim('run', '--port-policy', '--out', join(dir, 'p'));
    expect(policy.status).toBe(2);
    expect(policy.stderr).toMatch(/--port-policy needs --runtime docker/);
    const mode = midsim('run', '--profile', 'standalone', '--out', join(dir, 'm'));
    expect(mode.status).toBe(2);
    expect(mode.stderr).toMatch(/describes on-premise mode, the scenario runs mid-sourcing/);
  });

  it('lists the hardware profiles', () => {
    const r = midsim('list');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/profiles[^\n]*:\n(\s+.+\n)*\s+mid-sourcing-recommended \(mid-sourcing\): /);
    expect(r.stdout).toMatch(/\s+standalone \(on-premise\): /);
  });

  it('exports a Compose file, and exits 2 on a bad format', () => {
    const file = join(dir, 'compose.yaml');
    const r = midsim('export', '--format', 'compose', '--mode', 'on-premise', '--image', 'registry.example/midsim:1', '-o', file);
    expect(r.status, r.stderr).toBe(0);
    const yaml = readFileSync(file, 'utf8');
    expect(yaml).toMatch(/^name: "midsim-default-on-premise"$/m);
    expect(yaml).toMatch(/^ {2}app-server:\n {4}image: "registry.example\/midsim:1"$/m);
    expect(yaml).not.toMatch(/mid-relay/);
    expect(midsim('export', '--format', 'helm').status).toBe(2);
    expect(midsim('export').status).toBe(2);
  });
});
