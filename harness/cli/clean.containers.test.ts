// `midsim run --runtime docker` killed with SIGKILL cannot clean up after itself; `midsim clean
// --run` finds what it left by its labels and removes it.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../paths.js';
import { leftoversOf, runDir } from '../runtime/docker/test-support.js';

const { dir, run } = runDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('midsim clean', () => {
  it('removes the containers and network of a docker run killed with SIGKILL', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'midsim.js'), 'run', '--runtime', 'docker', '-n', '20', '--out', dir], { stdio: 'ignore' });
    try {
      // Killed once its app server container is up (the last stage of the start).
      const until = Date.now() + 180_000;
      while (!(await leftoversOf(run)).some((l) => l.startsWith('container app-server running'))) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`the run did not get its app server up (exit ${child.exitCode})`);
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    const left = await leftoversOf(run);
    expect(left.filter((l) => l.startsWith('network'))).toHaveLength(1);
    expect(left.filter((l) => l.startsWith('container')).length).toBeGreaterThan(5);

    const dry = spawnSync(process.execPath, [join(ROOT, 'bin', 'midsim.js'), 'clean', '--run', run, '--dry-run'], { encoding: 'utf8' });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/would remove container .* app-server/);
    expect(await leftoversOf(run)).toEqual(left);

    const clean = spawnSync(process.execPath, [join(ROOT, 'bin', 'midsim.js'), 'clean', '--run', run], { encoding: 'utf8' });
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(new RegExp(`removed ${left.length} of ${left.length}`));
    expect(await leftoversOf(run)).toEqual([]);
  });
});
