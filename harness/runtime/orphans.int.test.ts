// Nothing outlives its run: a program the process runtime starts stops by itself when the harness
// that started it is killed outright (SIGKILL leaves the harness no chance to clean up).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { WATCH_PARENT_ENV } from '../../reference-impl/common/parent-watch.js';
import { program } from '../paths.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('the fault proxy started by a harness that is SIGKILLed stops within seconds', async () => {
  // A stand-in harness: starts the fault proxy as the runtime does and prints its pid.
  const harness = spawn(
    process.execPath,
    ['-e', `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(program('harness/faults/main.js'))}, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ${WATCH_PARENT_ENV}: '1' } });
      c.stdout.once('data', () => console.log(c.pid)); setInterval(() => {}, 1000);`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const child = Number(await new Promise<string>((resolve) => createInterface({ input: harness.stdout! }).once('line', resolve)));
  expect(alive(child)).toBe(true);
  harness.kill('SIGKILL');
  const until = Date.now() + 8000;
  while (alive(child) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const stillAlive = alive(child);
  if (stillAlive) process.kill(child, 'SIGKILL');
  expect(stillAlive).toBe(false);
});
