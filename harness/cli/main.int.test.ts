// The CLI as a user runs it: the built program, its exit codes and its messages.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../paths.js';

const midsim = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'midsim.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('midsim CLI', () => {
  it('exits 2 naming the bad flag or field', () => {
    const bad = midsim('run', '--recipients', 'abc');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--recipients must be a whole number, got "abc"/);
    const mode = midsim('run', '--mode', 'cloud');
    expect(mode.status).toBe(2);
    expect(mode.stderr).toMatch(/cloud/);
    const unknown = midsim('run', '--scenario', 'nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown scenario "nope"/);
    expect(midsim('frobnicate').status).toBe(2);
  });

  it('lists scenarios and modes', () => {
    const r = midsim('list');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/default/);
    expect(r.stdout).toMatch(/mid-sourcing/);
  });

  it('classifies bounce files as one JSON line each, and exits 2 on an unreadable file', () => {
    const sample = join(ROOT, '..', 'shared', 'bounces', 'samples', 'lhost-postfix-02.eml');
    const r = midsim('classify', sample, '/nonexistent.eml');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read \/nonexistent\.eml/);
    const line = JSON.parse(r.stdout.trim().split('\n')[0]);
    expect(line).toMatchObject({ file: sample, bounce: true });
    expect(line.recipients[0]).toMatchObject({ reasonCode: expect.any(Number), type: expect.any(String) });
  });
});
